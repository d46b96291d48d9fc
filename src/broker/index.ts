/**
 * The engine as a library: the Cluster, its API types, Kafka errors, the Java client's partitioner,
 * topic config defaults and rules, and the group placement helpers. Hosts (Electron main's worker,
 * the browser-mode host, the CLI) import from here only.
 *
 * Must stay true: nothing here imports Electron or UI code.
 */
export { Cluster, DEFAULT_BROKERS, MIN_BROKERS, MAX_BROKERS, DEFAULT_REPLICA_LAG_TIME_MAX_MS, DEFAULT_PRODUCE_TIMEOUT_MS, FIRST_BROKER_PORT } from './cluster/cluster'
export type { ClusterTestOptions } from './cluster/cluster'
export type * from './cluster/cluster-api'
export type { ReplicaLog, ReplicaLogStore } from './cluster/replica-log'
export { KafkaError, StorageError, KAFKA_ERROR_CODES } from './errors'
export type { KafkaErrorName } from './errors'
export { murmur2, toPositive, partitionForKey, StickyPartitioner, seededRandom } from './client/partitioner'
export { DEFAULT_TOPIC_CONFIGS, validateTopicConfigs } from './cluster/topic-config'
export { validateTopicName, validatePartitionCount, validateReplicationFactor } from './cluster/topic-rules'
export { assignReplicas } from './cluster/replica-assignment'
export { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor, javaStringHashCode } from './group/committed-offsets'
export type { PartitionHealth } from './metrics/partition-health'
export { RATE_WINDOW_SECONDS } from './metrics/rate-meter'
