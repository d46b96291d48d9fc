/**
 * useTopicDetailStore: alter sends topic/alter for the open topic, takes the altered detail, and
 * reports refusals; the segments follow the log from the snapshots (new records, rolls, retention,
 * a periodic reload) with one request in flight.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { DEFAULT_TOPIC_CONFIGS_VIEW, type ClusterSnapshot, type PartitionView, type TopicConfigOverridesJson, type TopicDetail } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { SEGMENTS_REFRESH_MS, useTopicDetailStore } from '../../../../src/renderer/src/stores/topic-detail-store'
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

describe('useTopicDetailStore segments follow the log', () => {
  const part = (logEndOffset: number, logStartOffset = 0): PartitionView =>
    ({ partition: 0, leader: 1, replicas: [1], isr: [1], logStartOffset, logEndOffset, highWatermark: logEndOffset, records: logEndOffset, sizeBytes: 0, replicaStates: [], underReplicated: false, offline: false, underMinIsr: false }) as PartitionView
  const snap = (takenAt: number, p: PartitionView): ClusterSnapshot => ({ takenAt, partitions: { t: [p] } }) as unknown as ClusterSnapshot
  const segment = (baseOffset: number, records: number, active: boolean) => ({ baseOffset, sizeBytes: records * 100, records, minTimestamp: 1, maxTimestamp: 2, active })

  it('reloads the shown partition when new records arrive or a segment rolls, and not while the log stands still', async () => {
    let segments = [segment(0, 3, true)]
    const api = fakeApi({
      'topic/describe': () => ({ ...detail(1), partitionViews: [part(3)] }),
      'topic/segments': () => ({ topic: 't', partition: 0, segments, lastCleaning: null })
    })
    setApi(api)
    const s = useTopicDetailStore()
    const opened = s.open('t') // as the view does: open, then the held snapshot
    s.observe(snap(1_000, part(3)))
    await opened
    const loads = (): number => api.calls.filter((c) => c.name === 'topic/segments').length
    expect(loads()).toBe(1)
    s.observe(snap(2_000, part(3)))
    await flush()
    expect(loads()).toBe(1)
    // Two more records roll the segment: the card shows the new active one without a click.
    segments = [segment(0, 4, false), segment(4, 1, true)]
    s.observe(snap(3_000, part(5)))
    await flush()
    expect(loads()).toBe(2)
    expect(s.segments?.segments.map((x) => [x.baseOffset, x.records, x.active])).toEqual([
      [0, 4, false],
      [4, 1, true]
    ])
    // Retention moves the log start offset: reloaded too.
    segments = [segment(4, 1, true)]
    s.observe(snap(3_500, part(5, 4)))
    await flush()
    expect(s.segments?.segments.map((x) => x.baseOffset)).toEqual([4])
  })

  it(`reloads at least every ${SEGMENTS_REFRESH_MS} ms of snapshot time (a cleaner pass moves no offset)`, async () => {
    const api = fakeApi({
      'topic/describe': () => ({ ...detail(1), partitionViews: [part(3)] }),
      'topic/segments': () => ({ topic: 't', partition: 0, segments: [segment(0, 3, true)], lastCleaning: null })
    })
    setApi(api)
    const s = useTopicDetailStore()
    const opened = s.open('t')
    s.observe(snap(10_000, part(3)))
    await opened
    const loads = (): number => api.calls.filter((c) => c.name === 'topic/segments').length
    s.observe(snap(10_000 + SEGMENTS_REFRESH_MS - 1, part(3)))
    await flush()
    expect(loads()).toBe(1)
    s.observe(snap(10_000 + SEGMENTS_REFRESH_MS, part(3)))
    await flush()
    expect(loads()).toBe(2)
  })

  it('keeps one request in flight: refreshes asked for meanwhile become one more load, for the partition shown then', async () => {
    const pending: (() => void)[] = []
    const api = fakeApi({
      'topic/describe': () => ({ ...detail(2), partitionViews: [part(3), { ...part(7), partition: 1 }] }),
      'topic/segments': (req) => ({ topic: 't', partition: req.partition, segments: [segment(req.partition, 1, true)], lastCleaning: null })
    })
    // Hold every topic/segments reply until released.
    const request = api.request.bind(api)
    api.request = (async (name: never, req: never) => {
      if (name === 'topic/segments') await new Promise<void>((res) => pending.push(res))
      return request(name, req)
    }) as typeof api.request
    setApi(api)
    const s = useTopicDetailStore()
    const opened = s.open('t')
    await flush()
    expect(pending.length).toBe(1)
    s.observe(snap(1_000, part(4)))
    s.observe(snap(2_000, part(5)))
    void s.loadSegments(1)
    await flush()
    expect(pending.length).toBe(1)
    pending.shift()?.()
    await flush()
    expect(pending.length).toBe(1)
    pending.shift()?.()
    await opened
    await flush()
    expect(api.calls.filter((c) => c.name === 'topic/segments').map((c) => (c.req as { partition: number }).partition)).toEqual([0, 1])
    expect(s.segments?.partition).toBe(1)
  })
})

/** Lets pending promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
