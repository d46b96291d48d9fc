/**
 * How the in-process producer groups one call's records into record batches: one batch per
 * partition when they fit max.message.bytes, else split so that every batch fits, sized with each
 * record's real offset and timestamp deltas (not its size alone in a batch).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { batchLastOffset, batchRecordCount, batchSize } from '../../../../src/broker/codec/record-batch'
import { RECORD_BATCH_OVERHEAD, singleRecordBatchSize } from '../../../../src/broker/cluster/record-size'
import { openTestCluster, type TestCluster } from '../../host/test-cluster'
import type { ProducerRecord } from '../../../../src/broker/cluster/cluster-api'

let tc: TestCluster | null = null
afterEach(async () => {
  await tc?.cleanup()
  tc = null
})

/** Sizes (bytes) and record counts of the batches stored in `topic`-`partition`. */
function storedBatches(t: TestCluster, topic: string, partition: number): { size: number; count: number }[] {
  const out = []
  for (let offset = 0; ; ) {
    // Each read stops at a segment's end (a timestamp jump past segment.ms rolls one).
    const { batches } = t.cluster.fetchBatches(topic, partition, offset, 1 << 20)
    if (batches.length === 0) return out
    for (let p = 0; p < batches.length; p += batchSize(batches, p)) {
      out.push({ size: batchSize(batches, p), count: batchRecordCount(batches, p) })
      offset = batchLastOffset(batches, p) + 1
    }
  }
}

describe('the in-process producer batches a call', () => {
  it('splits records that fit max.message.bytes one by one but not with their timestamp deltas, so every batch fits', async () => {
    // Timestamps 2^35 ms apart: each record's timestamp delta takes 6 varlong bytes in a batch, 1 alone.
    const records = Array.from({ length: 20 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(40 + i, 'v'), timestamp: i * 2 ** 35, partition: 0 }))
    const aloneSum = records.reduce((n, r) => n + singleRecordBatchSize({ ...r, headers: [] }) - RECORD_BATCH_OVERHEAD, RECORD_BATCH_OVERHEAD)
    const maxMessageBytes = aloneSum + 10
    tc = openTestCluster(1)
    tc.cluster.createTopic('t', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': maxMessageBytes } })
    const mds = await tc.cluster.produce('t', records, { acks: 1 })
    expect(mds.map((m) => m.offset)).toEqual(records.map((_, i) => i))
    const batches = storedBatches(tc, 't', 0)
    expect(batches.length).toBeGreaterThan(1)
    for (const b of batches) expect(b.size).toBeLessThanOrEqual(maxMessageBytes)
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(20)
    const { records: read } = tc.cluster.fetch('t', 0, 0, { maxRecords: 100 })
    expect(read.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp))
  })

  it('writes the records of a call for one partition as one batch when they fit', async () => {
    tc = openTestCluster(1)
    tc.cluster.createTopic('t', { partitions: 3, replicationFactor: 1 })
    const records = Array.from({ length: 300 }, (_, i) => ({ key: Buffer.from(`key-${i % 17}`), value: Buffer.alloc(100, 'v') }))
    const mds = await tc.cluster.produce('t', records, { acks: 1 })
    for (let p = 0; p < 3; p++) {
      const count = mds.filter((m) => m.partition === p).length
      expect(storedBatches(tc, 't', p)).toEqual(count ? [{ size: expect.any(Number), count }] : [])
    }
  })

  it("encodes the caller's records as given: no timestamp is the call's time, an absent key or value and null headers are Kafka nulls and none, in every partition's order", async () => {
    tc = openTestCluster(1)
    tc.cluster.createTopic('t', { partitions: 3, replicationFactor: 1 })
    const now = tc.clock.now
    const records = Array.from({ length: 30 }, (_, i) => {
      const r: Record<string, unknown> = { partition: i % 3 }
      if (i % 2 === 0) r.timestamp = now - 1000 + i
      if (i % 5 !== 0) r.key = Buffer.from(`k${i}`)
      if (i % 7 !== 0) r.value = Buffer.from(`v${i}`)
      if (i % 4 === 0) r.headers = null
      else if (i % 4 === 1) r.headers = [{ key: 'h', value: Buffer.from(`h${i}`) }]
      return r
    }) as unknown as ProducerRecord[]
    const mds = await tc.cluster.produce('t', records, { acks: 1 })
    for (let p = 0; p < 3; p++) {
      const mine = records.map((r, i) => ({ r, i })).filter(({ i }) => i % 3 === p)
      expect(mds.filter((m) => m.partition === p).map((m) => m.offset)).toEqual(mine.map((_, j) => j))
      const { records: read } = tc.cluster.fetch('t', p, 0, { maxRecords: 100 })
      expect(
        read.map((x) => ({ ts: x.timestamp, key: x.key?.toString() ?? null, value: x.value?.toString() ?? null, headers: x.headers.map((h) => `${h.key}=${h.value}`) }))
      ).toEqual(
        mine.map(({ i }) => ({
          ts: i % 2 === 0 ? now - 1000 + i : now,
          key: i % 5 !== 0 ? `k${i}` : null,
          value: i % 7 !== 0 ? `v${i}` : null,
          headers: i % 4 === 1 ? [`h=h${i}`] : []
        }))
      )
    }
    expect(mds.map((m) => m.timestamp)).toEqual(records.map((_, i) => (i % 2 === 0 ? now - 1000 + i : now)))
  })

  it('splits a call whose records have no timestamps by their sizes at the call time', async () => {
    tc = openTestCluster(1)
    const records = Array.from({ length: 40 }, (_, i) => ({ key: null, value: Buffer.alloc(200 + i, 'v'), partition: 0 })) as unknown as ProducerRecord[]
    tc.cluster.createTopic('t', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 2000 } })
    const mds = await tc.cluster.produce('t', records, { acks: 1 })
    expect(mds.map((m) => m.offset)).toEqual(records.map((_, i) => i))
    const batches = storedBatches(tc, 't', 0)
    expect(batches.length).toBeGreaterThan(4)
    for (const b of batches) expect(b.size).toBeLessThanOrEqual(2000)
    const { records: read } = tc.cluster.fetch('t', 0, 0, { maxRecords: 100 })
    expect(read.map((r) => [r.key, r.value!.length, r.timestamp])).toEqual(records.map((_, i) => [null, 200 + i, tc!.clock.now]))
  })
})

