/**
 * Topic config values as Kafka's ConfigDef parses them, derived from the table: LONG values exact to
 * Long.MAX_VALUE / Long.MIN_VALUE and refused beyond with Kafka's message, their JSON form (decimal
 * strings) round-tripping exactly, the source of a value (DYNAMIC_TOPIC_CONFIG vs DEFAULT_CONFIG) and
 * the storage log's clamped view.
 */
import { describe, expect, it } from 'vitest'
import { LONG_MAX_VALUE, LONG_MIN_VALUE, TOPIC_CONFIG_TABLE } from '../../../../src/broker/model/topic-configs'
import {
  DEFAULT_TOPIC_CONFIGS,
  DEFAULT_TOPIC_CONFIGS_VIEW,
  parseTopicConfigValue,
  toTopicConfigsView,
  topicConfigOverrides,
  topicConfigSource
} from '../../../../src/broker/model/topic-config-values'
import { toLogConfig } from '../../../../src/broker/model/log-config'
import { validateTopicConfigs } from '../../../../src/broker/cluster/topic-config'

const parsed = (name: string, raw: unknown) => parseTopicConfigValue(name, raw)
const refused = (name: string, raw: unknown) => {
  const r = parseTopicConfigValue(name, raw)
  if (r.ok) throw new Error(`expected ${name}=${String(raw)} to be refused`)
  return r.message
}

describe('LONG config values', () => {
  it("are Kafka's LONG configs: retention.ms, retention.bytes, segment.ms, delete.retention.ms, flush.messages, flush.ms", () => {
    const longs = Object.entries(TOPIC_CONFIG_TABLE).filter(([, d]) => d.type === 'long').map(([k]) => k).sort()
    expect(longs).toEqual(['delete.retention.ms', 'flush.messages', 'flush.ms', 'retention.bytes', 'retention.ms', 'segment.ms'])
    expect(DEFAULT_TOPIC_CONFIGS['flush.ms']).toBe(9223372036854775807n)
    expect(DEFAULT_TOPIC_CONFIGS['flush.messages']).toBe(9223372036854775807n)
  })

  it('are exact from decimal text up to Long.MAX_VALUE and down to Long.MIN_VALUE, never rounded through a JS number', () => {
    expect(parsed('flush.ms', '9223372036854775807')).toEqual({ ok: true, value: LONG_MAX_VALUE })
    expect(parsed('flush.ms', '9223372036854775806')).toEqual({ ok: true, value: 9223372036854775806n })
    expect(parsed('retention.bytes', '9007199254740993')).toEqual({ ok: true, value: 9007199254740993n }) // 2^53 + 1
    expect(parsed('retention.bytes', '-9223372036854775808')).toEqual({ ok: true, value: LONG_MIN_VALUE })
    expect(parsed('segment.ms', ' +42 ')).toEqual({ ok: true, value: 42n })
    expect(parsed('segment.ms', 42)).toEqual({ ok: true, value: 42n })
    expect(parsed('segment.ms', 42n)).toEqual({ ok: true, value: 42n })
  })

  it("are refused beyond Long.MAX_VALUE or Long.MIN_VALUE with Kafka's INVALID_CONFIG message", () => {
    expect(refused('flush.ms', '9223372036854775808')).toBe('Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG')
    expect(refused('retention.bytes', '-9223372036854775809')).toBe(
      'Invalid value -9223372036854775809 for configuration retention.bytes: Not a number of type LONG'
    )
    expect(refused('flush.ms', 2n ** 63n)).toBe('Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG')
    expect(refused('flush.ms', '1.5')).toBe('Invalid value 1.5 for configuration flush.ms: Not a number of type LONG')
    expect(refused('flush.ms', 'never')).toBe('Invalid value never for configuration flush.ms: Not a number of type LONG')
    expect(refused('flush.ms', true)).toBe('Invalid value true for configuration flush.ms: Expected value to be a 64-bit integer (long), but it was a boolean')
    expect(refused('retention.ms', '-2')).toBe('Invalid value -2 for configuration retention.ms: Value must be at least -1')
  })

  it('refuse a JSON number beyond 2^53 - 1, which cannot be exact, saying to give it as text', () => {
    expect(refused('flush.ms', 9223372036854775807)).toBe(
      'Invalid value 9223372036854776000 for configuration flush.ms: a number beyond 2^53 - 1 is not exact here; give a LONG beyond it as a decimal string'
    )
    expect(parsed('flush.ms', Number.MAX_SAFE_INTEGER)).toEqual({ ok: true, value: 9007199254740991n })
  })

  it('travel as decimal strings in JSON and come back exactly', () => {
    const configs = validateTopicConfigs({ 'flush.ms': '9223372036854775806', 'retention.bytes': LONG_MIN_VALUE, 'segment.ms': '9007199254740993' })
    const view = toTopicConfigsView(configs)
    expect(view['flush.ms']).toBe('9223372036854775806')
    expect(view['flush.messages']).toBe('9223372036854775807')
    expect(view['retention.bytes']).toBe('-9223372036854775808')
    expect(view['segment.bytes']).toBe(1073741824)
    const back = validateTopicConfigs(JSON.parse(JSON.stringify(view)) as Record<string, unknown>)
    expect(back).toEqual(configs)
    expect(back['segment.ms']).toBe(9007199254740993n)
    expect(DEFAULT_TOPIC_CONFIGS_VIEW['retention.ms']).toBe('604800000')
  })

  it('reach the storage log as numbers clamped to the safe integers: Long.MAX_VALUE is "never"', () => {
    const log = toLogConfig(validateTopicConfigs({ 'retention.bytes': LONG_MIN_VALUE, 'segment.ms': '86400000' }))
    expect(log.flushMs).toBe(Number.MAX_SAFE_INTEGER)
    expect(log.flushMessages).toBe(Number.MAX_SAFE_INTEGER)
    expect(log.retentionBytes).toBe(Number.MIN_SAFE_INTEGER)
    expect(log.segmentMs).toBe(86400000)
    expect(log.cleanupPolicy).toBe('delete')
  })
})

describe('other config values', () => {
  it("are parsed by their Kafka type with Kafka's messages", () => {
    expect(parsed('segment.bytes', '2147483647')).toEqual({ ok: true, value: 2147483647 })
    expect(refused('segment.bytes', '2147483648')).toBe('Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT')
    expect(refused('segment.bytes', 13)).toBe('Invalid value 13 for configuration segment.bytes: Value must be at least 14')
    expect(parsed('min.cleanable.dirty.ratio', '.25')).toEqual({ ok: true, value: 0.25 })
    expect(refused('min.cleanable.dirty.ratio', 'NaN')).toBe('Invalid value NaN for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE')
    expect(parsed('cleanup.policy', 'delete, compact')).toEqual({ ok: true, value: 'compact,delete' })
    expect(refused('cleanup.policy', 'keep')).toBe(
      'Invalid value keep for configuration cleanup.policy: String must be one of: delete, compact, or both as "compact,delete"'
    )
    expect(refused('retention.hours', 5)).toBe('Unknown topic config name: retention.hours')
    expect(refused('toString', 5)).toBe('Unknown topic config name: toString')
  })
})

describe('the source of a config value', () => {
  it('is DYNAMIC_TOPIC_CONFIG when it differs from the default, in either form, and DEFAULT_CONFIG otherwise', () => {
    expect(topicConfigSource('flush.ms', '9223372036854775807')).toBe('DEFAULT_CONFIG')
    expect(topicConfigSource('flush.ms', LONG_MAX_VALUE)).toBe('DEFAULT_CONFIG')
    expect(topicConfigSource('flush.ms', '9223372036854775806')).toBe('DYNAMIC_TOPIC_CONFIG')
    expect(topicConfigSource('cleanup.policy', 'compact')).toBe('DYNAMIC_TOPIC_CONFIG')
    expect(topicConfigSource('min.cleanable.dirty.ratio', 0.5)).toBe('DEFAULT_CONFIG')
    const view = toTopicConfigsView(validateTopicConfigs({ 'flush.messages': 5, 'cleanup.policy': 'compact' }))
    expect(topicConfigOverrides(view)).toEqual({ 'cleanup.policy': 'compact', 'flush.messages': '5' })
  })
})
