/**
 * The broker configs the engine can name truthfully (DescribeConfigs of a BROKER resource,
 * kafka-configs --describe --entity-type brokers --all), and the broker config each topic config
 * falls back to (Kafka's ServerTopicConfigSynonyms: retention.ms -> log.retention.ms, ...).
 * Sources: org.apache.kafka.server.config.ServerLogConfigs, ServerConfigs, ReplicationConfigs,
 * GroupCoordinatorConfig, SocketServerConfigs (names and defaults, Kafka 3.9).
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); every name and default
 * is Kafka's; a value differing from Kafka's default is what this engine really does (its source is
 * then STATIC_BROKER_CONFIG, as a server.properties setting would be); every topic config of the
 * table (topic-configs.ts) has a broker synonym here. Broker configs are read-only here.
 */
import type { TopicConfigName } from './topic-configs'

/** The broker config a topic config takes its default from (ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS, first synonym). */
export const TOPIC_CONFIG_BROKER_SYNONYMS: Readonly<Record<TopicConfigName, string>> = {
  'cleanup.policy': 'log.cleanup.policy',
  'compression.type': 'compression.type',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'index.interval.bytes': 'log.index.interval.bytes',
  'max.message.bytes': 'message.max.bytes',
  'message.timestamp.type': 'log.message.timestamp.type',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'min.insync.replicas': 'min.insync.replicas',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'segment.bytes': 'log.segment.bytes',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'segment.ms': 'log.roll.ms',
  'unclean.leader.election.enable': 'unclean.leader.election.enable'
}

/** Kafka's num.partitions default: partitions of a topic created without a count (CreateTopics' -1). */
export const DEFAULT_NUM_PARTITIONS = 1
/** Kafka's default.replication.factor default: replication factor of a topic created without one (CreateTopics' -1). */
export const DEFAULT_REPLICATION_FACTOR = 1

/** One broker-level config the engine reports. */
export interface BrokerConfigDef {
  /** Kafka's name. */
  readonly name: string
  /** Kafka's ConfigDef.Type. */
  readonly type: 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'PASSWORD'
  /** Kafka's default, as Kafka prints it (null: none). */
  readonly kafkaDefault: string | null
  readonly doc: string
}

/**
 * Broker configs other than the topic configs' synonyms (those come from the topic config table),
 * with Kafka's defaults. The engine's own values (broker.id, listeners, log.dirs, ...) are given per
 * broker by whoever describes them.
 */
export const BROKER_CONFIG_TABLE: readonly BrokerConfigDef[] = [
  { name: 'broker.id', type: 'INT', kafkaDefault: '-1', doc: 'The id of this broker.' },
  { name: 'node.id', type: 'INT', kafkaDefault: '-1', doc: 'The node id of this server in KRaft mode.' },
  { name: 'process.roles', type: 'LIST', kafkaDefault: '', doc: 'The roles this process plays: broker, controller, or both.' },
  { name: 'listeners', type: 'STRING', kafkaDefault: 'PLAINTEXT://:9092', doc: 'The addresses the broker listens on.' },
  { name: 'advertised.listeners', type: 'STRING', kafkaDefault: null, doc: 'The addresses clients are told to use (Metadata).' },
  { name: 'log.dirs', type: 'LIST', kafkaDefault: null, doc: 'The directories holding the log data.' },
  { name: 'num.partitions', type: 'INT', kafkaDefault: String(DEFAULT_NUM_PARTITIONS), doc: 'Partitions of a topic created without a partition count.' },
  { name: 'default.replication.factor', type: 'INT', kafkaDefault: String(DEFAULT_REPLICATION_FACTOR), doc: 'Replication factor of a topic created without one.' },
  { name: 'auto.create.topics.enable', type: 'BOOLEAN', kafkaDefault: 'true', doc: 'Whether a Metadata or Produce request for an unknown topic creates it.' },
  { name: 'unclean.leader.election.enable', type: 'BOOLEAN', kafkaDefault: 'false', doc: 'Whether a replica outside the ISR may become leader as a last resort.' },
  { name: 'auto.leader.rebalance.enable', type: 'BOOLEAN', kafkaDefault: 'true', doc: 'Whether preferred replicas take leadership back periodically.' },
  { name: 'leader.imbalance.check.interval.seconds', type: 'LONG', kafkaDefault: '300', doc: 'How often the leader balance is checked, in seconds.' },
  { name: 'leader.imbalance.per.broker.percentage', type: 'INT', kafkaDefault: '10', doc: 'The share of partitions a broker may not lead before a rebalance.' },
  { name: 'offsets.topic.num.partitions', type: 'INT', kafkaDefault: '50', doc: 'Partitions of __consumer_offsets.' },
  { name: 'offsets.topic.replication.factor', type: 'SHORT', kafkaDefault: '3', doc: 'Replication factor of __consumer_offsets.' },
  { name: 'socket.request.max.bytes', type: 'INT', kafkaDefault: '104857600', doc: 'The largest request the broker reads, in bytes.' },
  { name: 'delete.topic.enable', type: 'BOOLEAN', kafkaDefault: 'true', doc: 'Whether topics can be deleted.' }
]
