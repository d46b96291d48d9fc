/**
 * RecordCursor: walking a batch's records in place yields what decoding it yields (offsets,
 * timestamps, keys, values, headers, sizes), for CreateTime and LogAppendTime batches, compressed
 * ones, compaction gaps and many headers; a record that does not parse is refused as CORRUPT_MESSAGE.
 */
import { describe, expect, it } from 'vitest'
import {
  COMPRESSION_MASK,
  RecordBatchBuilder,
  TIMESTAMP_TYPE_MASK,
  batchAttributes,
  batchBaseOffset,
  batchBaseTimestamp,
  batchMaxTimestamp,
  batchRecordCount,
  batchRecordsSection,
  compressBatch,
  decodeRecordsInto,
  encodeRecordBatch
} from '../../../../src/broker/codec/record-batch'
import { CODEC_GZIP, CODEC_LZ4 } from '../../../../src/broker/codec/compression'
import { readBatchInfo } from '../../../../src/broker/codec/batch-info'
import { payloadSize } from '../../../../src/broker/cluster/record-size'
import type { RecordInput, StoredRecord } from '../../../../src/broker/storage/storage-types'
import { RecordCursor } from '../../../../src/host/messages/record-cursor'

const b = (s: string) => Buffer.from(s, 'utf8')

const RECORDS: RecordInput[] = [
  { key: b('k0'), value: b('{"a":1}'), timestamp: 1_700_000_000_500, headers: [{ key: 'source', value: b('radar') }] },
  { key: null, value: b('no key'), timestamp: 1_700_000_000_100 }, // earlier than the first: a negative delta
  { key: b('k2'), value: null, timestamp: 1_700_000_000_900, headers: [{ key: 'h', value: null }] },
  { key: b(''), value: b(''), timestamp: 1_700_000_000_000 },
  {
    key: b('many'),
    value: b('x'.repeat(300)),
    timestamp: 1_700_000_001_000,
    headers: Array.from({ length: 12 }, (_, i) => ({ key: `h${i}-\u00e9`, value: i % 3 === 0 ? null : b(`v${i}`) }))
  }
]

/** Walks the batch at 0 in `buf` with a cursor and returns what it saw, as decoding reports records. */
function walk(buf: Buffer): { records: StoredRecord[]; sizes: number[] } {
  const { data, start, end } = batchRecordsSection(buf, 0)
  const c = new RecordCursor()
  const appendTime = (batchAttributes(buf, 0) & TIMESTAMP_TYPE_MASK) !== 0 ? batchMaxTimestamp(buf, 0) : null
  c.reset(data, start, end, { baseOffset: batchBaseOffset(buf, 0), baseTimestamp: batchBaseTimestamp(buf, 0), appendTime, count: batchRecordCount(buf, 0) })
  const records: StoredRecord[] = []
  const sizes: number[] = []
  const info = readBatchInfo(buf, 0)
  while (c.next()) {
    const r = c.toRecord('t', 0, info)
    records.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })
    sizes.push(c.payloadBytes)
    expect(r.sizeBytes).toBe(c.payloadBytes)
  }
  return { records, sizes }
}

function decoded(buf: Buffer): StoredRecord[] {
  const out: StoredRecord[] = []
  decodeRecordsInto(buf, 0, out)
  return out
}

describe('record cursor', () => {
  it('walks a CreateTime batch as decoding reads it, negative timestamp deltas, nulls and many headers included', () => {
    const buf = encodeRecordBatch(40, RECORDS)
    const { records, sizes } = walk(buf)
    expect(records).toEqual(decoded(buf))
    expect(records.map((r) => r.offset)).toEqual([40, 41, 42, 43, 44])
    expect(records[1].timestamp).toBe(1_700_000_000_100)
    expect(sizes).toEqual(decoded(buf).map((r) => payloadSize(r)))
  })

  it('gives every record of a LogAppendTime batch the append time', () => {
    const buf = encodeRecordBatch(0, RECORDS, 3, 1_800_000_000_000)
    const { records } = walk(buf)
    expect(records).toEqual(decoded(buf))
    expect(new Set(records.map((r) => r.timestamp))).toEqual(new Set([1_800_000_000_000]))
  })

  it('walks the decompressed records of gzip and lz4 batches', () => {
    for (const codec of [CODEC_GZIP, CODEC_LZ4]) {
      const buf = compressBatch(encodeRecordBatch(7, RECORDS), 0, codec)
      expect(batchAttributes(buf, 0) & COMPRESSION_MASK).toBe(codec)
      expect(walk(buf).records).toEqual(decoded(buf))
    }
  })

  it('walks a batch with compaction gaps, reporting each record at its own offset', () => {
    const kept = decoded(encodeRecordBatch(100, RECORDS)).filter((r) => r.offset % 2 === 0)
    const buf = Buffer.from(new RecordBatchBuilder().encodeWithOffsets(100, RECORDS.length - 1, kept))
    expect(walk(buf).records.map((r) => r.offset)).toEqual([100, 102, 104])
    expect(walk(buf).records).toEqual(decoded(buf))
  })

  it('refuses a record whose lengths overrun it, and bytes after the last record, as CORRUPT_MESSAGE', () => {
    const buf = encodeRecordBatch(5, [{ key: b('key'), value: b('value'), timestamp: 1 }])
    const { data, start, end } = batchRecordsSection(buf, 0)
    const c = new RecordCursor()
    const batch = { baseOffset: 5, baseTimestamp: 1, appendTime: null, count: 1 }
    // A key length larger than the record: the byte after attributes, timestamp and offset deltas.
    const bad = Buffer.from(data)
    bad[start + 4] = 0x7e // zigzag 63
    c.reset(bad, start, end, batch)
    expect(() => c.next()).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/offset 5 does not decode/) }))
    // One record announced, two present: the second is bytes after the last record.
    const two = Buffer.concat([data.subarray(start, end), data.subarray(start, end)])
    c.reset(two, 0, two.length, batch)
    expect(c.next()).toBe(true)
    expect(() => c.next()).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/bytes after its 1 records/) }))
    // A truncated section: the varint runs past the end.
    c.reset(data, start, end - 3, batch)
    expect(() => c.next()).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE' }))
  })
})
