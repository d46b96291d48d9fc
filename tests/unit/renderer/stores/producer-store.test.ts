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
        requested: req.count ?? 1,
        written: req.count ?? 1,
        partitions: [
          { partition: 0, firstOffset: 10, lastOffset: 10, records: 1 },
          { partition: 1, firstOffset: 11, lastOffset: 11, records: 1 }
        ],
        acks: Array.from({ length: req.count ?? 1 }, (_, i) => ({
          partition: i % 2,
          offset: 10 + i,
          timestamp: 1000,
          reason: { kind: 'key' as const, murmur2: -i - 1, positive: 2147483647 - i, partitions: 2 }
        })),
        failed: null,
        elapsedMs: 3,
        ackWait: null
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

  it('keeps what an acks=all send waited for, for the result panel to explain', async () => {
    const ackWait = {
      waitedMs: 26_300,
      replicaLagTimeMaxMs: 30000,
      partitions: [{ partition: 0, lastOffset: 7, isrAtStart: [1, 2, 3], isrAtEnd: [1, 2], followers: [{ brokerId: 3, reachedAfterMs: null, fetched: false, leftIsrAfterMs: 26_300 }] }]
    }
    setApi(
      fakeApi({
        'produce/send': () => ({
          requested: 1,
          written: 1,
          partitions: [{ partition: 0, firstOffset: 7, lastOffset: 7, records: 1 }],
          acks: [{ partition: 0, offset: 7, timestamp: 1, reason: { kind: 'explicit' } }],
          failed: null,
          elapsedMs: 26_301,
          ackWait
        })
      })
    )
    const p = useProducerStore()
    p.topic = 't'
    p.partition = 0
    expect(await p.send()).toBe(true)
    expect(p.result?.ackWait).toEqual(ackWait)
  })

  it('sends an explicit partition and a null key when asked', async () => {
    const api = fakeApi({
      'produce/send': () => ({
        requested: 1,
        written: 1,
        partitions: [{ partition: 3, firstOffset: 0, lastOffset: 0, records: 1 }],
        acks: [{ partition: 3, offset: 0, timestamp: 1, reason: { kind: 'explicit' } }],
        failed: null,
        elapsedMs: 1,
        ackWait: null
      })
    })
    setApi(api)
    const p = useProducerStore()
    p.topic = 't'
    p.nullKey = true
    p.partition = 3
    await p.send()
    expect(api.calls[0].req).toMatchObject({ records: [{ key: null, partition: 3 }] })
    expect(p.result?.rows[0].why).toBe('explicit partition 3 (partitioner not used)')
  })

  it('keeps the per-partition summary of every record while the reply carries only the first acks', async () => {
    setApi(
      fakeApi({
        'produce/send': () => ({
          requested: 1_000_000,
          written: 1_000_000,
          partitions: [
            { partition: 0, firstOffset: 0, lastOffset: 499_999, records: 500_000 },
            { partition: 1, firstOffset: 0, lastOffset: 499_999, records: 500_000 }
          ],
          acks: Array.from({ length: 1000 }, (_, i) => ({ partition: i % 2, offset: i >> 1, timestamp: 1, reason: { kind: 'no-key' as const, strategy: 'sticky' as const } })),
          failed: null,
          elapsedMs: 900,
          ackWait: null
        })
      })
    )
    const p = useProducerStore()
    p.topic = 't'
    p.nullKey = true
    p.count = 1_000_000
    expect(await p.send()).toBe(true)
    expect(p.result).toMatchObject({ requested: 1_000_000, written: 1_000_000, failed: null })
    expect(p.result?.rows).toHaveLength(1000)
    expect(p.result?.partitions.map((x) => x.records)).toEqual([500_000, 500_000])
  })

  it('reports a partly written send: what was written stays shown, the failure is the error, send() is false', async () => {
    const failed = {
      fromIndex: 1000,
      toIndex: 2999,
      code: 'LEADER_NOT_AVAILABLE',
      message: 'Records 1000 to 2999 of this send (3000 records) were not written: Partition t-1 is offline: no live in-sync replica to lead it.',
      unacknowledged: null
    }
    setApi(
      fakeApi({
        'produce/send': () => ({
          requested: 3000,
          written: 1000,
          partitions: [{ partition: 0, firstOffset: 0, lastOffset: 999, records: 1000 }],
          acks: Array.from({ length: 1000 }, (_, i) => ({ partition: 0, offset: i, timestamp: 1, reason: { kind: 'explicit' as const } })),
          failed,
          elapsedMs: 5,
          ackWait: null
        })
      })
    )
    const p = useProducerStore()
    p.topic = 't'
    p.count = 3000
    expect(await p.send()).toBe(false)
    expect(p.error).toEqual({ code: 'LEADER_NOT_AVAILABLE', message: failed.message })
    expect(p.result).toMatchObject({ written: 1000, requested: 3000, failed })
    expect(useNoticeStore().queue.map((n) => n.text)).toEqual([`Produce: 1000 of 3000 records written. LEADER_NOT_AVAILABLE: ${failed.message}`])
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
