/** useTopicDetailStore.alter: sends topic/alter for the open topic, takes the altered detail, and reports refusals. */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { DEFAULT_TOPIC_CONFIGS_VIEW, type TopicConfigOverridesJson, type TopicDetail } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useTopicDetailStore } from '../../../../src/renderer/src/stores/topic-detail-store'
import { useTopicsStore } from '../../../../src/renderer/src/stores/topics-store'
import { FakeFailure, fakeApi } from '../fake-api'

const detail = (partitions: number, retentionMs: string | number = '604800000'): TopicDetail =>
  ({
    name: 't',
    partitions,
    replicationFactor: 1,
    records: 0,
    uncountedPartitions: 0,
    offsetSpan: 0,
    sizeBytes: 0,
    underReplicatedPartitions: 0,
    offlinePartitions: 0,
    underMinIsrPartitions: 0,
    internal: false,
    configs: { ...DEFAULT_TOPIC_CONFIGS_VIEW, 'retention.ms': String(retentionMs) },
    partitionViews: []
  }) as TopicDetail

beforeEach(() => setActivePinia(createPinia()))

describe('useTopicDetailStore.alter', () => {
  it('alters the open topic and takes the result; a refusal is returned, the detail kept', async () => {
    let partitions = 2
    const api = fakeApi({
      'topic/describe': () => detail(partitions),
      'topic/segments': () => ({ topic: 't', partition: 0, segments: [], lastCleaning: null }),
      'topic/alter': (req) => {
        if (req.partitions !== undefined && req.partitions <= partitions)
          throw new FakeFailure({ code: 'INVALID_PARTITIONS', message: `The topic t currently has ${partitions} partition(s); ${req.partitions} would not be an increase.` })
        partitions = req.partitions ?? partitions
        return detail(partitions, req.configs?.['retention.ms'])
      }
    })
    setApi(api)
    const s = useTopicDetailStore()
    await s.open('t')
    expect(await s.alter({ partitions: 4, configs: { 'retention.ms': '1000' } })).toEqual({ ok: true })
    expect(api.calls.at(-1)).toEqual({ name: 'topic/alter', req: { topic: 't', partitions: 4, configs: { 'retention.ms': '1000' } } })
    expect(s.detail?.partitions).toBe(4)
    expect(s.detail?.configs['retention.ms']).toBe('1000')
    const refused = await s.alter({ partitions: 3 })
    expect(refused).toEqual({ ok: false, error: { code: 'INVALID_PARTITIONS', message: 'The topic t currently has 4 partition(s); 3 would not be an increase.' } })
    expect(s.detail?.partitions).toBe(4)
  })
})

describe('LONG configs in the stores', () => {
  it('keep 9223372036854775807 (Long.MAX_VALUE) and its neighbours exact through the defaults, an alter and the altered detail', async () => {
    // Replies and requests pass through JSON, as on the browser-mode WebSocket.
    const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T
    let configs = { ...DEFAULT_TOPIC_CONFIGS_VIEW }
    const api = fakeApi({
      'topic/defaults': () => viaJson({ configs: DEFAULT_TOPIC_CONFIGS_VIEW, brokers: 3 }),
      'topic/describe': () => viaJson({ ...detail(1), configs }),
      'topic/segments': () => ({ topic: 't', partition: 0, segments: [], lastCleaning: null }),
      'topic/alter': (req) => {
        configs = { ...configs, ...(viaJson(req.configs) as Record<string, string>) }
        return viaJson({ ...detail(1), configs })
      }
    })
    setApi(api)
    const topics = useTopicsStore()
    await topics.loadDefaults()
    expect(topics.defaults?.['flush.ms']).toBe('9223372036854775807')
    expect(topics.defaults?.['flush.messages']).toBe('9223372036854775807')

    const s = useTopicDetailStore()
    await s.open('t')
    const wanted: TopicConfigOverridesJson = { 'flush.ms': '9223372036854775806', 'retention.bytes': '9007199254740993', 'segment.ms': '9223372036854775807' }
    expect(await s.alter({ configs: wanted })).toEqual({ ok: true })
    expect(api.calls.at(-1)).toEqual({ name: 'topic/alter', req: { topic: 't', configs: wanted } })
    expect(s.detail?.configs['flush.ms']).toBe('9223372036854775806')
    expect(s.detail?.configs['retention.bytes']).toBe('9007199254740993')
    expect(s.detail?.configs['segment.ms']).toBe('9223372036854775807')
  })
})
