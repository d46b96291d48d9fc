import { describe, expect, it } from 'vitest'
import { Consumer, FIRST_READ_BYTES } from '../../../../src/broker/client/consumer'
import { RecordBatchBuilder, batchLastOffset, decodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import type { ReplicaManager } from '../../../../src/broker/server/replica-manager'

/**
 * A leader serving one partition's log from memory with the read rule of the real one (whole
 * batches from the one holding the offset, up to maxBytes, at least one), counting the bytes it
 * hands out.
 */
function memoryLeader(batchSizes: number[]): { rm: ReplicaManager; batches: Buffer[]; served: number[]; hw: number } {
  const builder = new RecordBatchBuilder(1024)
  const batches: Buffer[] = []
  let offset = 0
  for (const [i, n] of batchSizes.entries()) {
    const records = Array.from({ length: n }, (_, j) => ({
      key: Buffer.from(`key-${(offset + j) % 7}`),
      value: Buffer.alloc(50 + ((i * 31 + j) % 90), 'v'),
      headers: j % 5 === 0 ? [{ key: 'h', value: Buffer.from(String(j)) }] : [],
      timestamp: 1_700_000_000_000 + offset + j
    }))
    batches.push(Buffer.from(builder.encode(offset, records, 3)))
    offset += n
  }
  const served: number[] = []
  const hw = offset
  const rm = {
    fetchForConsumer(_topic: string, _partition: number, from: number, maxBytes: number) {
      let i = batches.findIndex((b) => batchLastOffset(b, 0) >= from)
      const out: Buffer[] = []
      let size = 0
      for (; i >= 0 && i < batches.length; i++) {
        if (out.length > 0 && size + batches[i].length > maxBytes) break
        out.push(batches[i])
        size += batches[i].length
      }
      served.push(size)
      return { batches: Buffer.concat(out), highWatermark: hw, logStartOffset: 0, logEndOffset: hw }
    }
  } as unknown as ReplicaManager
  return { rm, batches, served, hw }
}

function consumerOf(rm: ReplicaManager): Consumer {
  return new Consumer({ leaderOf: () => rm, replicaCount: () => 1 })
}

/** The records of the log with from <= offset, decoded one batch at a time, as offset + key + value + headers. */
function expectedRecords(batches: Buffer[], from: number, count: number): string[] {
  return batches
    .flatMap((b) => decodeRecordBatch(b).records)
    .filter((r) => r.offset >= from)
    .slice(0, count)
    .map((r) => `${r.offset} ${r.key?.toString()} ${r.value?.length} ${r.headers.map((h) => `${h.key}=${h.value?.toString()}`).join(',')}`)
}

describe('the in-process consumer', () => {
  it('copies about the batches it decodes when maxRecords bounds a fetch, not maxBytes', () => {
    const { rm, batches, served } = memoryLeader(Array.from({ length: 200 }, () => 50))
    const r = consumerOf(rm).fetch('t', 0, 0, { maxRecords: 3000, maxBytes: 4 << 20 })
    expect(r.records.map((x) => x.offset)).toEqual(Array.from({ length: 3000 }, (_, i) => i))
    const needed = batches.slice(0, 60).reduce((n, b) => n + b.length, 0)
    const whole = batches.reduce((n, b) => n + b.length, 0)
    const servedBytes = served.reduce((a, b) => a + b, 0)
    expect(servedBytes).toBeGreaterThanOrEqual(needed)
    expect(servedBytes).toBeLessThan(needed * 1.2 + FIRST_READ_BYTES)
    expect(servedBytes).toBeLessThan(whole / 2)
    expect(r.nextOffset).toBe(3000)
  })

  it('returns the same records as reading the log batch by batch, from any offset and under any bounds', () => {
    const { rm, batches, hw } = memoryLeader([1, 7, 300, 2, 45, 1000, 13, 1, 640, 90, 5, 2000, 3])
    const consumer = consumerOf(rm)
    for (const [from, maxRecords, maxBytes] of [
      [0, 10_000, 4 << 20],
      [5, 500, 1 << 20],
      [4090, 1, 1],
      [311, 2500, 10_000_000],
      [1400, 10_000, 200_000],
      [4000, 7, 100]
    ]) {
      const got: string[] = []
      let offset = from
      for (;;) {
        const r = consumer.fetch('t', 0, offset, { maxRecords, maxBytes })
        if (r.records.length === 0) break
        expect(r.records.length).toBeLessThanOrEqual(maxRecords)
        got.push(...r.records.map((x) => `${x.offset} ${x.key?.toString()} ${x.value?.length} ${x.headers.map((h) => `${h.key}=${h.value?.toString()}`).join(',')}`))
        offset = r.nextOffset
      }
      expect(got).toEqual(expectedRecords(batches, from, hw))
    }
  })

  it('lets only the first batch of a fetch take it past maxBytes', () => {
    const { rm, batches } = memoryLeader([400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400])
    const size = batches[0].length
    expect(size).toBeGreaterThan(FIRST_READ_BYTES / 2)
    const consumer = consumerOf(rm)
    // Smaller than one batch: that one batch.
    expect(consumer.fetch('t', 0, 0, { maxRecords: 10_000, maxBytes: 100 }).records).toHaveLength(400)
    // Room for 3.5 batches: 3, whatever steps the reads took.
    expect(consumer.fetch('t', 0, 0, { maxRecords: 10_000, maxBytes: Math.floor(size * 3.5) }).records).toHaveLength(1200)
  })
})
