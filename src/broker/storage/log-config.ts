/**
 * The defaults of the configs a log obeys (LogConfig, in storage-types.ts): Kafka's topic-level
 * defaults from the model's one config table, as the log sees them, used when a log is opened
 * without a topic's configs (a log found on disk, tools, tests).
 *
 * Must stay true: derived from the table (../model/topic-configs.ts), never a second copy; LONG
 * values as the log's clamped numbers (Long.MAX_VALUE is Number.MAX_SAFE_INTEGER here).
 */
import { toLogConfig } from '../model/log-config'
import { DEFAULT_TOPIC_CONFIGS } from '../model/topic-config-values'
import type { LogConfig } from './storage-types'

/** Kafka's defaults for the configs a log obeys. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze(toLogConfig(DEFAULT_TOPIC_CONFIGS))
