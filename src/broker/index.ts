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
export { KafkaError, StorageError, KAFKA_ERROR_CODES } from './model/errors'
export type { KafkaErrorName } from './model/errors'
export { murmur2, toPositive, partitionForKey, StickyPartitioner, seededRandom } from './client/partitioner'
export { validateTopicConfigs } from './cluster/topic-config'
export { DEFAULT_TOPIC_CONFIGS, parseTopicConfigValue, toTopicConfigsView } from './model/topic-config-values'
export { TOPIC_CONFIG_TABLE, LONG_MAX_VALUE, LONG_MIN_VALUE } from './model/topic-configs'
export type { TopicConfigDef, TopicConfigName, TopicConfigsView, CleanupPolicy, TimestampType } from './model/topic-configs'
export { ACKS, isAcks } from './model/acks'
export { validatePartitionCount, validateReplicationFactor } from './cluster/topic-rules'
export { validateTopicName, topicNameProblem, TOPIC_NAME_MAX_LENGTH } from './model/topic-name'
export { assignReplicas } from './cluster/replica-assignment'
export { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor, javaStringHashCode } from './group/committed-offsets'
export type { PartitionHealth } from './metrics/partition-health'
export { RATE_WINDOW_SECONDS } from './metrics/rate-meter'
