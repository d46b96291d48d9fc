/** useTopicDetailStore.alter: sends topic/alter for the open topic, takes the altered detail, and reports refusals. */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { TopicDetail } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useTopicDetailStore } from '../../../../src/renderer/src/stores/topic-detail-store'
import { FakeFailure, fakeApi } from '../fake-api'

const detail = (partitions: number, retentionMs = 604800000): TopicDetail =>
  ({
    name: 't',
    partitions,
    replicationFactor: 1,
    records: 0,
    sizeBytes: 0,
    underReplicatedPartitions: 0,
    offlinePartitions: 0,
    internal: false,
    configs: { 'retention.ms': retentionMs } as TopicDetail['configs'],
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
    expect(await s.alter({ partitions: 4, configs: { 'retention.ms': 1000 } })).toEqual({ ok: true })
    expect(api.calls.at(-1)).toEqual({ name: 'topic/alter', req: { topic: 't', partitions: 4, configs: { 'retention.ms': 1000 } } })
    expect(s.detail?.partitions).toBe(4)
    expect(s.detail?.configs['retention.ms']).toBe(1000)
    const refused = await s.alter({ partitions: 3 })
    expect(refused).toEqual({ ok: false, error: { code: 'INVALID_PARTITIONS', message: 'The topic t currently has 4 partition(s); 3 would not be an increase.' } })
    expect(s.detail?.partitions).toBe(4)
  })
})
