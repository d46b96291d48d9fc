/**
 * Topic config values, derived from the table (topic-configs.ts): Kafka's defaults, parsing and
 * checking one value as Kafka's ConfigDef does (type, then range or allowed values, with Kafka's
 * messages), the JSON form of a topic's configs (LONG values as decimal strings) and whether a value
 * is a topic override or the default (Kafka's ConfigSource DYNAMIC_TOPIC_CONFIG / DEFAULT_CONFIG).
 * Sources: org.apache.kafka.common.config.ConfigDef.parseType, ConfigDef.Range, ValidString,
 * ValidList; ConfigException's message "Invalid value V for configuration K: rule".
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); every function reads
 * the table, never a list of its own, so a key added to the table is known everywhere; parsing never
 * rounds: a LONG is exact or refused.
 */
import {
  INT_MAX_VALUE,
  INT_MIN_VALUE,
  LONG_MAX_VALUE,
  LONG_MIN_VALUE,
  TOPIC_CONFIG_TABLE,
  type ChoiceConfigDef,
  type TopicConfigDef,
  type TopicConfigName,
  type TopicConfigs,
  type TopicConfigsView
} from './topic-configs'

/** The table's keys, in table order. */
export function topicConfigNames(): TopicConfigName[] {
  return Object.keys(TOPIC_CONFIG_TABLE) as TopicConfigName[]
}

/** The table's entry for `name`, or undefined for a name the table does not hold (own keys only, so "toString" is unknown). */
export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return Object.prototype.hasOwnProperty.call(TOPIC_CONFIG_TABLE, name)
    ? (TOPIC_CONFIG_TABLE as Record<string, TopicConfigDef>)[name]
    : undefined
}

/** Kafka's defaults for a new topic, from the table (as `kafka-configs --describe --all` shows them). */
export const DEFAULT_TOPIC_CONFIGS: Readonly<TopicConfigs> = Object.freeze(
  Object.fromEntries(topicConfigNames().map((k) => [k, topicConfigDef(k)!.default])) as TopicConfigs
)

/** Kafka's defaults as JSON carries them (LONG values as decimal strings), for the contract and the UI. */
export const DEFAULT_TOPIC_CONFIGS_VIEW: Readonly<TopicConfigsView> = Object.freeze(toTopicConfigsView(DEFAULT_TOPIC_CONFIGS))

/** Outcome of parsing one config value: the engine's value, or Kafka's message saying why not. */
export type ParsedConfigValue<V> = { ok: true; value: V } | { ok: false; message: string }

/** Kafka's message for an unknown key (LogConfig.validateNames). */
export function unknownTopicConfigMessage(name: string): string {
  return `Unknown topic config name: ${name}`
}

/** Kafka's ConfigException message: "Invalid value V for configuration K: rule". */
function invalid(name: string, raw: unknown, rule: string): { ok: false; message: string } {
  return { ok: false, message: `Invalid value ${shown(raw)} for configuration ${name}: ${rule}` }
}

/** A raw value as the message shows it (text as typed, numbers and bigints in decimal). */
function shown(raw: unknown): string {
  if (typeof raw === 'string') return raw
  if (typeof raw === 'object' && raw !== null) {
    try {
      return JSON.stringify(raw)
    } catch {
      return Object.prototype.toString.call(raw)
    }
  }
  return String(raw)
}

/** A JavaScript type name for Kafka's "but it was a ..." messages. */
function typeName(raw: unknown): string {
  return raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw
}

const INTEGER_TEXT = /^[+-]?\d+$/
/** Decimal notations Java's Double.parseDouble takes that a user writes: 0.5, .5, 5., 1e-3. */
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function parseLong(name: string, def: { min?: bigint; max?: bigint }, raw: unknown): ParsedConfigValue<bigint> {
  let v: bigint
  if (typeof raw === 'bigint') v = raw
  else if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) return invalid(name, raw, 'Not a number of type LONG')
    if (!Number.isSafeInteger(raw))
      return invalid(name, raw, 'a number beyond 2^53 - 1 is not exact here; give a LONG beyond it as a decimal string')
    v = BigInt(raw)
  } else if (typeof raw === 'string') {
    const t = raw.trim()
    if (!INTEGER_TEXT.test(t)) return invalid(name, raw, 'Not a number of type LONG')
    v = BigInt(t.startsWith('+') ? t.slice(1) : t)
  } else return invalid(name, raw, `Expected value to be a 64-bit integer (long), but it was a ${typeName(raw)}`)
  if (v > LONG_MAX_VALUE || v < LONG_MIN_VALUE) return invalid(name, raw, 'Not a number of type LONG')
  if (def.min !== undefined && v < def.min) return invalid(name, raw, `Value must be at least ${def.min}`)
  if (def.max !== undefined && v > def.max) return invalid(name, raw, `Value must be no more than ${def.max}`)
  return { ok: true, value: v }
}

function parseInt32(name: string, def: { min?: number; max?: number }, raw: unknown): ParsedConfigValue<number> {
  let v: number
  if (typeof raw === 'number') v = raw
  else if (typeof raw === 'string') {
    const t = raw.trim()
    if (!INTEGER_TEXT.test(t)) return invalid(name, raw, 'Not a number of type INT')
    v = Number(t)
  } else return invalid(name, raw, `Expected value to be a 32-bit integer, but it was a ${typeName(raw)}`)
  if (!Number.isInteger(v) || v > INT_MAX_VALUE || v < INT_MIN_VALUE) return invalid(name, raw, 'Not a number of type INT')
  return inRange(name, raw, v, def)
}

function parseDouble(name: string, def: { min?: number; max?: number }, raw: unknown): ParsedConfigValue<number> {
  let v: number
  if (typeof raw === 'number') v = raw
  else if (typeof raw === 'string') {
    const t = raw.trim()
    if (!DECIMAL_TEXT.test(t)) return invalid(name, raw, 'Not a number of type DOUBLE')
    v = Number(t)
  } else return invalid(name, raw, `Expected value to be a double, but it was a ${typeName(raw)}`)
  if (!Number.isFinite(v)) return invalid(name, raw, 'Not a number of type DOUBLE')
  return inRange(name, raw, v, def)
}

function inRange(name: string, raw: unknown, v: number, def: { min?: number; max?: number }): ParsedConfigValue<number> {
  if (def.min !== undefined && v < def.min) return invalid(name, raw, `Value must be at least ${def.min}`)
  if (def.max !== undefined && v > def.max) return invalid(name, raw, `Value must be no more than ${def.max}`)
  return { ok: true, value: v }
}

/** The rule of a choice, as Kafka's ValidString words it ("String must be one of: ..."). */
function choiceRule(def: ChoiceConfigDef): string {
  const single = def.values.filter((v) => !v.includes(','))
  const combined = def.values.filter((v) => v.includes(','))
  return `String must be one of: ${single.join(', ')}${combined.length ? `, or ${combined.map((c) => `both as "${c}"`).join(', ')}` : ''}`
}

function parseChoice(name: string, def: ChoiceConfigDef, raw: unknown): ParsedConfigValue<string> {
  if (def.type === 'boolean') {
    // Kafka's ConfigDef.parseType(BOOLEAN): a Boolean, or "true"/"false" in any case.
    const v = typeof raw === 'boolean' ? String(raw) : typeof raw === 'string' ? raw.trim().toLowerCase() : null
    if (v !== 'true' && v !== 'false') return invalid(name, raw, 'Expected value to be either true or false')
    return { ok: true, value: v }
  }
  if (typeof raw !== 'string')
    return invalid(name, raw, def.type === 'list' ? 'Expected a comma separated list.' : `Expected value to be a string, but it was a ${typeName(raw)}`)
  const v =
    def.type === 'list'
      ? [...new Set(raw.split(',').map((s) => s.trim()).filter(Boolean))].sort().join(',')
      : raw.trim()
  if (!def.values.includes(v)) return invalid(name, raw, choiceRule(def))
  return { ok: true, value: v }
}

/**
 * Parses and checks one value of config `name` as Kafka's ConfigDef does: first the type (a LONG from
 * a bigint, a safe integer or a decimal string, exactly; an INT within 32 bits; a DOUBLE; a choice
 * among the allowed strings, a list's items in any order), then the range.
 * @returns the engine's value (bigint for LONG), or Kafka's message: "Unknown topic config name: K",
 *   or "Invalid value V for configuration K: Not a number of type LONG" (also above Long.MAX_VALUE
 *   or below Long.MIN_VALUE), "... Value must be at least N", "... String must be one of: ...".
 */
export function parseTopicConfigValue<K extends TopicConfigName>(name: K, raw: unknown): ParsedConfigValue<TopicConfigs[K]>
export function parseTopicConfigValue(name: string, raw: unknown): ParsedConfigValue<TopicConfigs[TopicConfigName]>
export function parseTopicConfigValue(name: string, raw: unknown): ParsedConfigValue<TopicConfigs[TopicConfigName]> {
  const def = topicConfigDef(name)
  if (!def) return { ok: false, message: unknownTopicConfigMessage(name) }
  switch (def.type) {
    case 'long':
      return parseLong(name, def, raw)
    case 'int':
      return parseInt32(name, def, raw)
    case 'double':
      return parseDouble(name, def, raw)
    default:
      return parseChoice(name, def, raw) as ParsedConfigValue<TopicConfigs[TopicConfigName]>
  }
}

/** A config value as JSON carries it: bigint (LONG) as its decimal string, the rest as they are. */
export function topicConfigJsonValue(value: TopicConfigs[TopicConfigName]): string | number {
  return typeof value === 'bigint' ? value.toString() : value
}

/** A topic's configs as JSON carries them (the contract, cluster.json): LONG values as exact decimal strings. */
export function toTopicConfigsView(configs: Readonly<TopicConfigs>): TopicConfigsView {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(configs)) out[k] = topicConfigJsonValue(v as TopicConfigs[TopicConfigName])
  return out as TopicConfigsView
}

/**
 * Where a topic's config value comes from, in Kafka's words (DescribeConfigs' ConfigSource):
 * DYNAMIC_TOPIC_CONFIG when it differs from Kafka's default, DEFAULT_CONFIG otherwise. `value` in
 * the engine's form or as JSON carries it (a LONG as bigint or decimal string). A key the table does
 * not hold is DYNAMIC_TOPIC_CONFIG. As `kafka-topics --describe` lists "Configs:", a value set on
 * the topic that equals the default counts as the default here, since only the values are kept.
 */
export function topicConfigSource(name: string, value: unknown): 'DYNAMIC_TOPIC_CONFIG' | 'DEFAULT_CONFIG' {
  const def = topicConfigDef(name)
  if (!def) return 'DYNAMIC_TOPIC_CONFIG'
  const parsed = parseTopicConfigValue(name, value)
  return parsed.ok && parsed.value === def.default ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG'
}

/**
 * The entries of `configs` that override Kafka's defaults (source DYNAMIC_TOPIC_CONFIG), in table
 * order: what `kafka-topics --describe` prints after "Configs:".
 */
export function topicConfigOverrides<C extends Partial<Record<TopicConfigName, unknown>>>(configs: C): Partial<C> {
  const out: Record<string, unknown> = {}
  for (const k of topicConfigNames()) {
    if (!Object.prototype.hasOwnProperty.call(configs, k)) continue
    const v = (configs as Record<string, unknown>)[k]
    if (topicConfigSource(k, v) === 'DYNAMIC_TOPIC_CONFIG') out[k] = v
  }
  return out as Partial<C>
}
