/**
 * The engine's handling of topic configs, on the model's table (../model/topic-configs.ts):
 * validation of user-supplied overrides merged onto a topic's configs (INVALID_CONFIG), and reading
 * the configs back from their persisted JSON form (cluster.json), including the migration of values
 * written before LONG configs were exact.
 *
 * Must stay true: every key is Kafka's name; a rejected value raises INVALID_CONFIG with Kafka's
 * message shape ("Invalid value X for configuration K: <rule>"); validation never mutates its input
 * and never rounds a LONG; the storage LogConfig is exactly the shape the table derives.
 */
import { KafkaError } from '../model/errors'
import { LONG_MAX_VALUE, type TopicConfigs } from '../model/topic-configs'
import { DEFAULT_TOPIC_CONFIGS, parseTopicConfigValue, topicConfigDef } from '../model/topic-config-values'
import type { LogConfigValues } from '../model/log-config'
import type { LogConfig } from '../storage/storage-types'

/** Compile-time check: the table's log fields are exactly storage's LogConfig, with the same types. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never
const _logConfigMatches: [SameKeys<LogConfigValues, LogConfig>, LogConfigValues extends LogConfig ? true : never] = [true, true]
void _logConfigMatches

/**
 * Merge `overrides` onto `base` (default: Kafka's defaults) after validating each key and value
 * against the table. Values as TopicConfigOverrides allows: LONG as bigint, safe integer or decimal
 * string (exact); INT and DOUBLE as numbers or decimal strings (as the CLI passes them);
 * cleanup.policy "delete", "compact" and either order of "compact,delete". Undefined values are skipped.
 * @returns a new TopicConfigs (LONG values bigint).
 * @throws KafkaError INVALID_CONFIG naming the key and the rule (unknown key, wrong type, a LONG
 *   beyond Long.MIN_VALUE..Long.MAX_VALUE, out of range).
 */
export function validateTopicConfigs(
  overrides: Partial<Record<string, unknown>> | undefined,
  base: Readonly<TopicConfigs> = DEFAULT_TOPIC_CONFIGS
): TopicConfigs {
  const out: TopicConfigs = { ...base }
  if (overrides === undefined || overrides === null) return out
  if (typeof overrides !== 'object' || Array.isArray(overrides))
    throw new KafkaError('INVALID_CONFIG', 'Topic configs must be an object of key -> value')
  for (const [key, raw] of Object.entries(overrides)) {
    if (raw === undefined) continue
    const parsed = parseTopicConfigValue(key, raw)
    if (!parsed.ok) throw new KafkaError('INVALID_CONFIG', parsed.message)
    ;(out as Record<string, unknown>)[key] = parsed.value
  }
  return out
}

/**
 * The stand-in for Long.MAX_VALUE that data directories written before LONG configs were exact hold
 * (Number.MAX_SAFE_INTEGER, 2^53 - 1: the largest LONG those versions accepted).
 */
export const LEGACY_LONG_MAX = Number.MAX_SAFE_INTEGER

/**
 * A topic's configs read back from their persisted JSON (cluster.json): LONG values as decimal
 * strings (or, as older versions wrote them, JSON numbers), the others as numbers and strings.
 * Migrates on the way: a LONG held as the JSON number 9007199254740991 (LEGACY_LONG_MAX, how those
 * versions stored Kafka's Long.MAX_VALUE) becomes 9223372036854775807. Keys the document lacks
 * (added since it was written) take Kafka's defaults.
 * @throws KafkaError INVALID_CONFIG as validateTopicConfigs (the caller names the file).
 */
export function topicConfigsFromJson(persisted: Readonly<Record<string, unknown>>): TopicConfigs {
  const migrated: Record<string, unknown> = { ...persisted }
  for (const [key, v] of Object.entries(migrated))
    if (topicConfigDef(key)?.type === 'long' && v === LEGACY_LONG_MAX) migrated[key] = LONG_MAX_VALUE
  return validateTopicConfigs(migrated)
}
