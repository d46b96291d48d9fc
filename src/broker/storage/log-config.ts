/**
 * The defaults of the configs a log obeys (LogConfig, in storage-types.ts): Kafka's topic-level
 * defaults (org.apache.kafka.common.config.TopicConfig, LogConfig's ConfigDef), used when a log is
 * opened without a topic's configs (a log found on disk, tools, tests).
 *
 * Must stay true: every value is Kafka's default for the config of that name; flush.* use
 * Number.MAX_SAFE_INTEGER for Kafka's Long.MAX_VALUE.
 */
import type { LogConfig } from './storage-types'

/** Kafka's defaults for the configs a log obeys. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  segmentIndexBytes: 10485760,
  indexIntervalBytes: 4096,
  retentionMs: 604800000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86400000,
  minCleanableDirtyRatio: 0.5,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  messageTimestampType: 'CreateTime',
  maxMessageBytes: 1048588
})
