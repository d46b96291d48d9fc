/**
 * The topic detail's configs table, as `kafka-configs --describe --all` lists configs: every config
 * with its exact value (a LONG in full) and gloss, overrides marked DYNAMIC_TOPIC_CONFIG with the
 * default they override, the rest DEFAULT_CONFIG; the same overrides `topic describe` lists.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_TOPIC_CONFIGS_VIEW, topicConfigOverrides } from '../../../../src/shared/contract'
import { topicConfigRows } from '../../../../src/renderer/src/utils/topic-config-rows'

describe('topicConfigRows', () => {
  const configs = { ...DEFAULT_TOPIC_CONFIGS_VIEW, 'cleanup.policy': 'compact' as const, 'flush.ms': '9223372036854775806', 'retention.ms': '3600000' }
  const rows = topicConfigRows(configs)
  const row = (k: string) => rows.find((r) => r.key === k)!

  it('lists every config once, in the table order Kafka lists them (alphabetical)', () => {
    expect(rows.map((r) => r.key)).toEqual(Object.keys(DEFAULT_TOPIC_CONFIGS_VIEW))
    expect(rows.map((r) => r.key)).toEqual([...rows.map((r) => r.key)].sort())
  })

  it('marks values set on the topic as DYNAMIC_TOPIC_CONFIG, with the default they override', () => {
    expect(row('retention.ms')).toMatchObject({ value: '3600000', gloss: '1 h', source: 'DYNAMIC_TOPIC_CONFIG', defaultValue: '604800000', defaultGloss: '7 d' })
    expect(row('flush.ms')).toMatchObject({ value: '9223372036854775806', source: 'DYNAMIC_TOPIC_CONFIG', defaultValue: '9223372036854775807', defaultGloss: 'Long.MAX_VALUE (never)' })
    expect(row('cleanup.policy')).toMatchObject({ value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', defaultValue: 'delete' })
    const marked = rows.filter((r) => r.source === 'DYNAMIC_TOPIC_CONFIG').map((r) => r.key)
    expect(marked).toEqual(Object.keys(topicConfigOverrides(configs)))
  })

  it("shows Kafka's defaults as DEFAULT_CONFIG, Long.MAX_VALUE in full with its gloss", () => {
    expect(row('flush.messages')).toMatchObject({ value: '9223372036854775807', gloss: 'Long.MAX_VALUE (never)', source: 'DEFAULT_CONFIG' })
    expect(row('segment.bytes')).toMatchObject({ value: '1073741824', source: 'DEFAULT_CONFIG' })
    expect(row('min.insync.replicas').doc).toMatch(/acks=all/)
  })
})
