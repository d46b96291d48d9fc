/**
 * Topic configs: Kafka's defaults (as `kafka-configs --describe --all` shows them for a new topic),
 * validation of user-supplied overrides, and the mapping to the storage layer's LogConfig.
 * Sources: org.apache.kafka.common.config.TopicConfig and LogConfig's ConfigDef (types and
 * validators), kafka.server.KafkaConfig defaults.
 *
 * Must stay true: every key is Kafka's name; a rejected value raises INVALID_CONFIG with Kafka's
 * message shape ("Invalid value X for configuration K: <rule>"); validation never mutates its input.
 */
import { KafkaError } from '../errors'
import type { TopicConfigs } from './cluster-api'
import type { LogConfig } from '../storage/storage-types'

const INT_MAX = 2147483647

/** Kafka's default topic configs. flush.* use Number.MAX_SAFE_INTEGER for Kafka's Long.MAX_VALUE. */
export const DEFAULT_TOPIC_CONFIGS: Readonly<TopicConfigs> = Object.freeze({
  'retention.ms': 604800000,
  'retention.bytes': -1,
  'segment.bytes': 1073741824,
  'segment.ms': 604800000,
  'segment.index.bytes': 10485760,
  'index.interval.bytes': 4096,
  'cleanup.policy': 'delete',
  'min.insync.replicas': 1,
  'max.message.bytes': 1048588,
  'delete.retention.ms': 86400000,
  'min.cleanable.dirty.ratio': 0.5,
  'flush.messages': Number.MAX_SAFE_INTEGER,
  'flush.ms': Number.MAX_SAFE_INTEGER,
  'message.timestamp.type': 'CreateTime'
})

/** Numeric config rules: [min, max] inclusive, after LogConfig's ConfigDef validators (Int keys max 2^31-1). */
const NUMERIC_RULES: Record<string, { min: number; max: number }> = {
  'retention.ms': { min: -1, max: Number.MAX_SAFE_INTEGER },
  'retention.bytes': { min: -1, max: Number.MAX_SAFE_INTEGER },
  'segment.bytes': { min: 14, max: INT_MAX },
  'segment.ms': { min: 1, max: Number.MAX_SAFE_INTEGER },
  'segment.index.bytes': { min: 4, max: INT_MAX },
  'index.interval.bytes': { min: 0, max: INT_MAX },
  'min.insync.replicas': { min: 1, max: INT_MAX },
  'max.message.bytes': { min: 0, max: INT_MAX },
  'delete.retention.ms': { min: 0, max: Number.MAX_SAFE_INTEGER },
  'flush.messages': { min: 1, max: Number.MAX_SAFE_INTEGER },
  'flush.ms': { min: 0, max: Number.MAX_SAFE_INTEGER }
}

const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const

function invalid(key: string, value: unknown, rule: string): KafkaError {
  return new KafkaError('INVALID_CONFIG', `Invalid value ${String(value)} for configuration ${key}: ${rule}`)
}

/**
 * Merge `overrides` onto `base` (default: Kafka's defaults) after validating each key and value.
 * Numeric values may be given as numbers or decimal strings (as the CLI passes them);
 * cleanup.policy accepts "delete", "compact" and either order of "compact,delete".
 * @throws KafkaError INVALID_CONFIG naming the key and the rule (unknown key, wrong type, out of range).
 */
export function validateTopicConfigs(
  overrides: Partial<Record<string, unknown>> | undefined,
  base: Readonly<TopicConfigs> = DEFAULT_TOPIC_CONFIGS
): TopicConfigs {
  const out: TopicConfigs = { ...base }
  if (!overrides) return out
  if (typeof overrides !== 'object') throw new KafkaError('INVALID_CONFIG', 'Topic configs must be an object of key -> value')
  for (const [key, raw] of Object.entries(overrides)) {
    if (raw === undefined) continue
    if (key === 'cleanup.policy') {
      const norm = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean).sort().join(',') : ''
      if (!(CLEANUP_POLICIES as readonly string[]).includes(norm))
        throw invalid(key, raw, 'String must be one of: delete, compact, or both as "compact,delete"')
      out['cleanup.policy'] = norm as TopicConfigs['cleanup.policy']
    } else if (key === 'message.timestamp.type') {
      if (!(TIMESTAMP_TYPES as readonly unknown[]).includes(raw))
        throw invalid(key, raw, 'String must be one of: CreateTime, LogAppendTime')
      out['message.timestamp.type'] = raw as TopicConfigs['message.timestamp.type']
    } else if (key === 'min.cleanable.dirty.ratio') {
      // A double in [0, 1] (LogConfig: ConfigDef.Type.DOUBLE, between(0, 1)).
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN
      if (!Number.isFinite(n)) throw invalid(key, raw, 'Expected a number')
      if (n < 0 || n > 1) throw invalid(key, raw, 'Value must be between 0 and 1')
      out['min.cleanable.dirty.ratio'] = n
    } else if (key in NUMERIC_RULES) {
      const rule = NUMERIC_RULES[key]
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN
      if (!Number.isInteger(n)) throw invalid(key, raw, 'Expected an integer')
      if (n < rule.min) throw invalid(key, raw, `Value must be at least ${rule.min}`)
      if (n > rule.max) throw invalid(key, raw, `Value must be no more than ${rule.max}`)
      ;(out as unknown as Record<string, number>)[key] = n
    } else {
      throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${key}`)
    }
  }
  return out
}

/** The storage layer's view of a topic's configs. */
export function toLogConfig(c: Readonly<TopicConfigs>): LogConfig {
  return {
    segmentBytes: c['segment.bytes'],
    segmentMs: c['segment.ms'],
    segmentIndexBytes: c['segment.index.bytes'],
    indexIntervalBytes: c['index.interval.bytes'],
    retentionMs: c['retention.ms'],
    retentionBytes: c['retention.bytes'],
    cleanupPolicy: c['cleanup.policy'],
    deleteRetentionMs: c['delete.retention.ms'],
    minCleanableDirtyRatio: c['min.cleanable.dirty.ratio'],
    flushMessages: c['flush.messages'],
    flushMs: c['flush.ms'],
    messageTimestampType: c['message.timestamp.type'],
    maxMessageBytes: c['max.message.bytes']
  }
}
