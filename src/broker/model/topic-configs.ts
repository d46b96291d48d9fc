/**
 * The one table of topic configs the engine supports: per key (Kafka's name) its Kafka type, default,
 * range or allowed values, a short doc, the constant Kafka names it by and the storage LogConfig
 * field it feeds. Everything else about topic configs is derived from it: the engine's defaults and
 * validation (topic-config-values.ts, ../cluster/topic-config.ts), the storage layer's log config
 * (log-config.ts), the contract's types and zod schema (src/shared/schemas.ts) and the UI's editors.
 * Sources: org.apache.kafka.common.config.TopicConfig (names), LogConfig's ConfigDef (types,
 * defaults, validators; Kafka 3.x, where segment.bytes is at least 14), ServerLogConfigs (defaults).
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); every key, type,
 * default and range is Kafka's; a Long key's values are exact 64-bit integers (bigint in the engine,
 * decimal strings in JSON), never JS numbers, since Kafka's Long.MAX_VALUE (9223372036854775807) is
 * far above 2^53.
 */

/** Kafka's Long.MAX_VALUE (2^63 - 1): the default of flush.messages and flush.ms, meaning "never". */
export const LONG_MAX_VALUE = 9223372036854775807n
/** Kafka's Long.MIN_VALUE (-2^63). */
export const LONG_MIN_VALUE = -9223372036854775808n
/** Java's Integer.MAX_VALUE (2^31 - 1), the largest value of an INT config. */
export const INT_MAX_VALUE = 2147483647
/** Java's Integer.MIN_VALUE (-2^31). */
export const INT_MIN_VALUE = -2147483648

/** What every entry of the table says, whatever its type. */
interface ConfigDefBase {
  /** What the config does, in one short sentence (ours; Kafka's TopicConfig *_DOC says more). */
  readonly doc: string
  /** The constant Kafka names the key by, e.g. 'TopicConfig.RETENTION_MS_CONFIG'. */
  readonly kafka: string
  /** The storage layer's LogConfig field the value feeds (camel-cased Kafka name), when the log obeys it. */
  readonly logField?: string
}

/** A config of Kafka's ConfigDef.Type.LONG: an exact 64-bit integer, with an inclusive range. */
export interface LongConfigDef extends ConfigDefBase {
  readonly type: 'long'
  readonly default: bigint
  /** Kafka's Range.atLeast; absent: Long.MIN_VALUE. */
  readonly min?: bigint
  /** Kafka's Range.between's upper bound; absent: Long.MAX_VALUE. */
  readonly max?: bigint
}

/** A config of Kafka's ConfigDef.Type.INT: a 32-bit integer, with an inclusive range. */
export interface IntConfigDef extends ConfigDefBase {
  readonly type: 'int'
  readonly default: number
  /** Kafka's Range.atLeast; absent: Integer.MIN_VALUE. */
  readonly min?: number
  /** absent: Integer.MAX_VALUE. */
  readonly max?: number
}

/** A config of Kafka's ConfigDef.Type.DOUBLE, with an inclusive range. */
export interface DoubleConfigDef extends ConfigDefBase {
  readonly type: 'double'
  readonly default: number
  readonly min?: number
  readonly max?: number
}

/**
 * A config of Kafka's ConfigDef.Type.STRING with ValidString.in(values), or Type.LIST with
 * ValidList.in(items): `values` are the accepted values, a list's as its items sorted and joined by
 * "," (so "delete,compact" is taken as "compact,delete"); or Type.BOOLEAN ('boolean'), held as the
 * text 'true' or 'false' as kafka-configs writes it (parsed case-insensitively, as Kafka's
 * ConfigDef.parseType does, from a string or a JSON boolean).
 */
export interface ChoiceConfigDef extends ConfigDefBase {
  readonly type: 'string' | 'list' | 'boolean'
  readonly default: string
  readonly values: readonly string[]
}

/** One entry of the table. */
export type TopicConfigDef = LongConfigDef | IntConfigDef | DoubleConfigDef | ChoiceConfigDef

/**
 * The topic configs, by Kafka's name, in the order `kafka-configs --describe --all` lists the ones
 * here. Defaults are Kafka's for a new topic on a broker with default settings.
 */
export const TOPIC_CONFIG_TABLE = {
  'cleanup.policy': {
    type: 'list',
    default: 'delete',
    values: ['delete', 'compact', 'compact,delete'],
    doc: 'What happens to old segments: delete them by retention, compact them to the latest record per key, or both.',
    kafka: 'TopicConfig.CLEANUP_POLICY_CONFIG',
    logField: 'cleanupPolicy'
  },
  'compression.type': {
    type: 'string',
    default: 'producer',
    values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    doc: "The codec batches are stored with: producer keeps the producer's; another value makes the broker recompress (zstd is read but not written here).",
    kafka: 'TopicConfig.COMPRESSION_TYPE_CONFIG',
    logField: 'compressionType'
  },
  'delete.retention.ms': {
    type: 'long',
    default: 86400000n,
    min: 0n,
    doc: 'How long a tombstone (null value) stays readable after compaction reached it, in ms.',
    kafka: 'TopicConfig.DELETE_RETENTION_MS_CONFIG',
    logField: 'deleteRetentionMs'
  },
  'flush.messages': {
    type: 'long',
    default: LONG_MAX_VALUE,
    min: 1n,
    doc: 'Force an fsync of the log after this many messages; Long.MAX_VALUE leaves flushing to the OS.',
    kafka: 'TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG',
    logField: 'flushMessages'
  },
  'flush.ms': {
    type: 'long',
    default: LONG_MAX_VALUE,
    min: 0n,
    doc: 'Force an fsync of the log when the last one is older than this, in ms; Long.MAX_VALUE never does.',
    kafka: 'TopicConfig.FLUSH_MS_CONFIG',
    logField: 'flushMs'
  },
  'index.interval.bytes': {
    type: 'int',
    default: 4096,
    min: 0,
    doc: 'Bytes of log between two entries of the offset index.',
    kafka: 'TopicConfig.INDEX_INTERVAL_BYTES_CONFIG',
    logField: 'indexIntervalBytes'
  },
  'max.message.bytes': {
    type: 'int',
    default: 1048588,
    min: 0,
    doc: 'The largest record batch the topic accepts, in bytes.',
    kafka: 'TopicConfig.MAX_MESSAGE_BYTES_CONFIG',
    logField: 'maxMessageBytes'
  },
  'message.timestamp.type': {
    type: 'string',
    default: 'CreateTime',
    values: ['CreateTime', 'LogAppendTime'],
    doc: "Whether a record keeps the producer's timestamp (CreateTime) or gets the broker's append time (LogAppendTime).",
    kafka: 'TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG',
    logField: 'messageTimestampType'
  },
  'min.cleanable.dirty.ratio': {
    type: 'double',
    default: 0.5,
    min: 0,
    max: 1,
    doc: 'Compaction starts once this share of the log (dirty bytes over all cleanable bytes) is uncompacted.',
    kafka: 'TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG',
    logField: 'minCleanableDirtyRatio'
  },
  'min.insync.replicas': {
    type: 'int',
    default: 1,
    min: 1,
    doc: 'The fewest in-sync replicas an acks=all produce needs; fewer gives NOT_ENOUGH_REPLICAS.',
    kafka: 'TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG'
  },
  'retention.bytes': {
    type: 'long',
    default: -1n,
    doc: 'The most bytes a partition keeps before its oldest segments are deleted; negative means no limit.',
    kafka: 'TopicConfig.RETENTION_BYTES_CONFIG',
    logField: 'retentionBytes'
  },
  'retention.ms': {
    type: 'long',
    default: 604800000n,
    min: -1n,
    doc: 'How long a segment is kept after its newest record, in ms, before it is deleted; -1 means forever.',
    kafka: 'TopicConfig.RETENTION_MS_CONFIG',
    logField: 'retentionMs'
  },
  'segment.bytes': {
    type: 'int',
    default: 1073741824,
    min: 14,
    doc: 'The size at which the active segment file is rolled, in bytes.',
    kafka: 'TopicConfig.SEGMENT_BYTES_CONFIG',
    logField: 'segmentBytes'
  },
  'segment.index.bytes': {
    type: 'int',
    default: 10485760,
    min: 4,
    doc: 'The most bytes of entries an offset or time index holds; a full index rolls the segment.',
    kafka: 'TopicConfig.SEGMENT_INDEX_BYTES_CONFIG',
    logField: 'segmentIndexBytes'
  },
  'segment.ms': {
    type: 'long',
    default: 604800000n,
    min: 1n,
    doc: "The age of the active segment's first record at which it is rolled, in ms.",
    kafka: 'TopicConfig.SEGMENT_MS_CONFIG',
    logField: 'segmentMs'
  },
  'unclean.leader.election.enable': {
    type: 'boolean',
    default: 'false',
    values: ['true', 'false'],
    doc: 'Whether a live replica outside the ISR may lead when no in-sync replica is left, at the price of the records it lacks.',
    kafka: 'TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG'
  }
} as const satisfies Record<string, TopicConfigDef>

/** The table's shape: key -> entry (typed by each entry's literal type). */
export type TopicConfigTable = typeof TOPIC_CONFIG_TABLE

/** A topic config's name (Kafka's). */
export type TopicConfigName = keyof TopicConfigTable

/** The entry of key K. */
type Def<K extends TopicConfigName> = TopicConfigTable[K]

/** The engine's value of an entry: bigint for LONG, number for INT and DOUBLE, the allowed strings otherwise. */
type EngineValue<D> = D extends { type: 'long' }
  ? bigint
  : D extends { type: 'int' | 'double' }
    ? number
    : D extends { values: readonly (infer V)[] }
      ? V
      : never

/** The JSON value of an entry: a LONG as its decimal string, the others as in the engine. */
type JsonValue<D> = D extends { type: 'long' } ? string : EngineValue<D>

/** What a caller may give for an entry: a LONG as bigint, safe integer or decimal string; numbers as numbers or text; choices as text. */
type InputValue<D> = D extends { type: 'long' }
  ? bigint | number | string
  : D extends { type: 'int' | 'double' }
    ? number | string
    : string

/** Kafka's `cleanup.policy` values. */
export type CleanupPolicy = EngineValue<Def<'cleanup.policy'>>

/** Kafka's `message.timestamp.type` values. */
export type TimestampType = EngineValue<Def<'message.timestamp.type'>>

/**
 * A topic's configs in the engine, with Kafka's names and exact values: LONG configs (retention.ms,
 * retention.bytes, segment.ms, delete.retention.ms, flush.messages, flush.ms) as bigint, INT and
 * DOUBLE ones as numbers, the others as their allowed strings. Units as in Kafka: ms, bytes, counts.
 */
export type TopicConfigs = { [K in TopicConfigName]: EngineValue<Def<K>> }

/**
 * A topic's configs as JSON carries them (the contract, cluster.json): as TopicConfigs, except that
 * LONG values are decimal strings ("9223372036854775807"), since a JSON number above 2^53 is not
 * exact in JavaScript.
 */
export type TopicConfigsView = { [K in TopicConfigName]: JsonValue<Def<K>> }

/**
 * Config overrides as a caller gives them (createTopic, alterTopicConfigs, the contract's
 * topic/create and topic/alter): any subset of the keys; LONG values as bigint, safe integers or
 * decimal strings, INT and DOUBLE values as numbers or decimal strings (Kafka's ConfigDef parses
 * strings for every type), choices as strings. Validated against the table before use.
 */
export type TopicConfigOverrides = { [K in TopicConfigName]?: InputValue<Def<K>> }

/**
 * Config overrides as JSON carries them (the contract's topic/create and topic/alter): as
 * TopicConfigOverrides, without bigint (a LONG as a decimal string, or a safe integer).
 */
export type TopicConfigOverridesJson = { [K in TopicConfigName]?: Exclude<InputValue<Def<K>>, bigint> }
