/**
 * AdminFacade: what the wire protocol's admin handlers (CreateTopics, DeleteTopics, CreatePartitions,
 * DeleteRecords, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, ElectLeaders,
 * DescribeLogDirs) need from the engine, addressed to one broker. protocol/ never touches storage/
 * or the controller directly (../../../shared/design.md): src/broker/cluster/facades/cluster-admin-facade.ts
 * implements it over the Cluster; tests may use a real Cluster.
 *
 * Shapes are the wire's, not the engine's: config values are strings as Kafka's protocol carries
 * them, offsets are numbers (exact below 2^53), sizes in bytes.
 *
 * Must stay true: every method either does all it was asked or throws a KafkaError (Kafka's error
 * name and a message saying which rule) having changed nothing; a `validateOnly` call never changes
 * anything; config names and sources are Kafka's (ConfigSource, ConfigType of DescribeConfigs).
 */

/** Kafka's DescribeConfigsResponse.ConfigSource codes. */
export const CONFIG_SOURCE = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5
} as const

/** Kafka's DescribeConfigsResponse.ConfigType codes (ConfigDef.Type). */
export const CONFIG_TYPE = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9
} as const

/** A config source name (keys of CONFIG_SOURCE). */
export type ConfigSourceName = keyof typeof CONFIG_SOURCE
/** A config type name (keys of CONFIG_TYPE). */
export type ConfigTypeName = keyof typeof CONFIG_TYPE

/** One synonym of a config (DescribeConfigsSynonym): where else its value may come from, highest precedence first. */
export interface AdminConfigSynonym {
  name: string
  value: string | null
  source: ConfigSourceName
}

/** One config of a topic or broker as DescribeConfigs lists it. */
export interface AdminConfigEntry {
  /** Kafka's name, e.g. "retention.ms". */
  name: string
  /** The value as Kafka prints it (a LONG in decimal, a DOUBLE as Java's Double.toString would for these values). */
  value: string | null
  readOnly: boolean
  source: ConfigSourceName
  isSensitive: boolean
  /** The topic override (when set), then the broker default with its broker config name (e.g. log.retention.ms). */
  synonyms: AdminConfigSynonym[]
  type: ConfigTypeName
  documentation: string | null
}

/** A topic as CreateTopics creates (or, validate-only, would create) it. */
export interface AdminCreatedTopic {
  /** KIP-516 topic id; the zero uuid for a validate-only answer. */
  topicId: string
  partitions: number
  replicationFactor: number
  /** Every config of the new topic, with sources. */
  configs: AdminConfigEntry[]
}

/** One partition's replica on this broker, as DescribeLogDirs lists it. */
export interface AdminLogDirPartition {
  topic: string
  partition: number
  /** Bytes of its log's segments. */
  sizeBytes: number
  /** The leader's log end offset minus this replica's (0 on the leader). */
  offsetLag: number
}

/** This broker's log directory. */
export interface AdminLogDir {
  /** Absolute path (Kafka's log.dirs). */
  path: string
  /** Bytes of the file system holding it (statfs), or -1 when unknown. */
  totalBytes: number
  /** Bytes free for unprivileged use on it (statfs), or -1 when unknown. */
  usableBytes: number
  partitions: AdminLogDirPartition[]
}

/** The engine, as one broker's admin handlers see it. */
export interface AdminFacade {
  /** The broker this facade answers for. */
  readonly brokerId: number
  /** Every broker id of the cluster, ascending. */
  brokerIds(): number[]
  /**
   * Creates a topic (or with `validateOnly` checks everything and creates nothing).
   * `partitions` / `replicationFactor` -1: the broker defaults (num.partitions,
   * default.replication.factor). `assignment`: replicas per partition (then both must be -1).
   * @throws KafkaError TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS,
   *   INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, INVALID_REQUEST,
   *   POLICY_VIOLATION (the replica budget), KAFKA_STORAGE_ERROR.
   */
  createTopic(req: {
    name: string
    partitions: number
    replicationFactor: number
    assignment?: number[][]
    configs: Record<string, string | null>
    validateOnly: boolean
  }): AdminCreatedTopic
  /** The name of the topic with id `topicId`, or undefined. */
  topicName(topicId: string): string | undefined
  /** The id of topic `name`, or undefined when there is none. */
  topicId(name: string): string | undefined
  /** Deletes a topic. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (internal topics). */
  deleteTopic(name: string): void
  /**
   * Grows a topic to `count` partitions (`assignment`: replicas of each added one).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS (not an increase),
   *   INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, POLICY_VIOLATION, KAFKA_STORAGE_ERROR.
   */
  createPartitions(name: string, count: number, assignment: number[][] | undefined, validateOnly: boolean): void
  /**
   * Deletes the records of a partition before `offset` (-1: the high watermark) on every replica.
   * @returns the low watermark afterwards.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE,
   *   POLICY_VIOLATION (a compacted topic), KAFKA_STORAGE_ERROR.
   */
  deleteRecords(topic: string, partition: number, offset: number): { lowWatermark: number }
  /** Every config of a topic. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  topicConfigs(name: string): AdminConfigEntry[]
  /** Every config of broker `id` this engine can name truthfully (read-only). @throws KafkaError BROKER_NOT_AVAILABLE. */
  brokerConfigs(id: number): AdminConfigEntry[]
  /**
   * Changes a topic's configs: `set` values, `reset` names back to their defaults; with `replace`
   * (AlterConfigs), every config not in `set` returns to its default.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG naming the key and the rule.
   */
  alterTopicConfigs(name: string, change: { set: Record<string, string>; reset: string[]; replace: boolean }, validateOnly: boolean): void
  /** Every partition: topic and partition count (for ElectLeaders without a list). */
  topicPartitions(): { topic: string; partitions: number }[]
  /**
   * Preferred leader election of one partition (kafka-leader-election --election-type PREFERRED).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; ELECTION_NOT_NEEDED (the preferred replica leads);
   *   PREFERRED_LEADER_NOT_AVAILABLE (it is stopped, out of the ISR, or behind the leader).
   */
  electPreferredLeader(topic: string, partition: number): void
  /**
   * Unclean leader election of one partition (KIP-460, ClusterApi.electLeaders('unclean')): a
   * leaderless partition gets a leader, from outside the ISR when no in-sync replica is left (the
   * loss is a records-lost event). @throws KafkaError ELECTION_NOT_NEEDED when the partition has a
   *   leader, ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica can lead; UNKNOWN_TOPIC_OR_PARTITION.
   */
  electUncleanLeader(topic: string, partition: number): void
  /** This broker's log directory with the replicas it holds. */
  logDir(): AdminLogDir
}
