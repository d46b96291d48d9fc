import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useProducerStore } from '../../../../src/renderer/src/stores/producer-store'
import { useNoticeStore } from '../../../../src/renderer/src/stores/notice-store'
import { FakeFailure, fakeApi } from '../fake-api'

beforeEach(() => setActivePinia(createPinia()))

describe('useProducerStore', () => {
  it('sends the form as one record with count and explains where each templated key landed', async () => {
    const api = fakeApi({
      'produce/send': (req) => ({
        acks: Array.from({ length: req.count ?? 1 }, (_, i) => ({
          partition: i % 2,
          offset: 10 + i,
          timestamp: 1000,
          reason: { kind: 'key' as const, murmur2: -i - 1, positive: 2147483647 - i, partitions: 2 }
        })),
        elapsedMs: 3
      })
    })
    setApi(api)
    const p = useProducerStore()
    p.topic = 'orders'
    p.key = 'customer-{{i}}'
    p.value = '{"n": {{i}}}'
    p.acks = 1
    p.count = 2
    p.headers = [{ key: 'source', value: 'ui' }]
    expect(await p.send()).toBe(true)
    expect(api.calls[0]).toEqual({
      name: 'produce/send',
      req: { topic: 'orders', acks: 1, count: 2, records: [{ key: 'customer-{{i}}', value: '{"n": {{i}}}', headers: [{ key: 'source', value: 'ui' }] }] }
    })
    expect(p.result?.rows.map((r) => [r.key, r.partition, r.offset])).toEqual([
      ['customer-0', 0, 10],
      ['customer-1', 1, 11]
    ])
    expect(p.result?.rows[1].why).toBe('key "customer-1" → murmur2 = -2 → positive 2147483646 → 2147483646 % 2 = 1')
  })

  it('sends an explicit partition and a null key when asked', async () => {
    const api = fakeApi({ 'produce/send': () => ({ acks: [{ partition: 3, offset: 0, timestamp: 1, reason: { kind: 'explicit' } }], elapsedMs: 1 }) })
    setApi(api)
    const p = useProducerStore()
    p.topic = 't'
    p.nullKey = true
    p.partition = 3
    await p.send()
    expect(api.calls[0].req).toMatchObject({ records: [{ key: null, partition: 3 }] })
    expect(p.result?.rows[0].why).toBe('explicit partition 3 (partitioner not used)')
  })

  it('keeps a failed produce as an error in words, without throwing', async () => {
    setApi(
      fakeApi({
        'produce/send': () => {
          throw new FakeFailure({ code: 'NOT_ENOUGH_REPLICAS', message: 'ISR [1] is smaller than min.insync.replicas 2' })
        }
      })
    )
    const p = useProducerStore()
    p.topic = 't'
    expect(await p.send()).toBe(false)
    expect(p.error).toEqual({ code: 'NOT_ENOUGH_REPLICAS', message: 'ISR [1] is smaller than min.insync.replicas 2' })
    expect(useNoticeStore().queue.map((n) => n.text)).toEqual(['Produce: NOT_ENOUGH_REPLICAS: ISR [1] is smaller than min.insync.replicas 2'])
  })
})
