import { describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import {
  RecordBatchBuilder,
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchRecordCount,
  batchSize,
  batchCrcMatches,
  batchMinTimestamp,
  batchTimestampType,
  countBatchRecordsInRange,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  setBatchLastOffset,
  setBatchMaxTimestamp,
  setBatchPartitionLeaderEpoch,
  validateBatches
} from '../../../../src/broker/codec/record-batch'
import type { RecordInput } from '../../../../src/broker/storage/storage-types'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsCrc32C: (buf: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C')

const sample: RecordInput[] = [
  { key: Buffer.from('user-1'), value: Buffer.from('{"a":1}'), timestamp: 1_700_000_000_500, headers: [{ key: 'trace', value: Buffer.from('abc') }] },
  { key: null, value: Buffer.from('no key'), timestamp: 1_700_000_000_000 },
  { key: Buffer.from('tomb'), value: null, timestamp: 1_700_000_000_900, headers: [{ key: 'h-null', value: null }, { key: 'ü', value: Buffer.alloc(0) }] },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_600_000_000_000 }
]

describe('record batch v2', () => {
  it('round-trips records with headers, null keys, null values and empty bytes', () => {
    const buf = encodeRecordBatch(42, sample)
    const b = decodeRecordBatch(buf)
    expect(b.baseOffset).toBe(42)
    expect(b.lastOffset).toBe(45)
    expect(b.magic).toBe(2)
    expect(b.baseTimestamp).toBe(1_700_000_000_500)
    expect(b.maxTimestamp).toBe(1_700_000_000_900)
    expect([b.producerId, b.producerEpoch, b.baseSequence, b.partitionLeaderEpoch]).toEqual([-1, -1, -1, -1])
    expect(b.records.map((r) => r.offset)).toEqual([42, 43, 44, 45])
    expect(b.records.map((r) => r.timestamp)).toEqual(sample.map((r) => r.timestamp))
    expect(b.records[0].key?.toString()).toBe('user-1')
    expect(b.records[0].headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }])
    expect(b.records[1].key).toBeNull()
    expect(b.records[2].value).toBeNull()
    expect(b.records[2].headers).toEqual([{ key: 'h-null', value: null }, { key: 'ü', value: Buffer.alloc(0) }])
    expect(b.records[3].key).toEqual(Buffer.alloc(0))
    expect(b.records[3].value).toEqual(Buffer.alloc(0))
  })

  it('reads header fields without decoding records', () => {
    const buf = encodeRecordBatch(1000, sample)
    expect(batchBaseOffset(buf)).toBe(1000)
    expect(batchLastOffset(buf)).toBe(1003)
    expect(batchMaxTimestamp(buf)).toBe(1_700_000_000_900)
    expect(batchRecordCount(buf)).toBe(4)
    expect(batchSize(buf)).toBe(buf.length)
  })

  it('matches hand-checked bytes for one record (Kafka protocol doc, record batch layout)', () => {
    const buf = encodeRecordBatch(5, [{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1000 }])
    const record = '10' + '00' + '00' + '00' + '02' + '6b' + '02' + '76' + '00' // length 8, attrs, tsDelta, offsetDelta, key, value, 0 headers
    const afterCrc =
      '0000' + // attributes
      '00000000' + // lastOffsetDelta
      '00000000000003e8' + // baseTimestamp 1000
      '00000000000003e8' + // maxTimestamp
      'ffffffffffffffff' + // producerId -1
      'ffff' + // producerEpoch -1
      'ffffffff' + // baseSequence -1
      '00000001' + // records count
      record
    const crc = (kafkajsCrc32C(Buffer.from(afterCrc, 'hex')) >>> 0).toString(16).padStart(8, '0')
    const expected =
      '0000000000000005' + // baseOffset
      '0000003a' + // batchLength 58 = 70 - 12
      'ffffffff' + // partitionLeaderEpoch
      '02' + // magic
      crc +
      afterCrc
    expect(buf.toString('hex')).toBe(expected)
    expect(buf.length).toBe(70)
  })

  it('detects a flipped byte anywhere after the CRC with CORRUPT_MESSAGE', () => {
    const buf = encodeRecordBatch(0, sample)
    for (const at of [21, 30, 61, buf.length - 1]) {
      const bad = Buffer.from(buf)
      bad[at] ^= 0x01
      expect(() => validateBatches(bad)).toThrow(KafkaError)
      try {
        decodeRecordBatch(bad)
        expect.unreachable()
      } catch (e) {
        expect((e as KafkaError).code).toBe('CORRUPT_MESSAGE')
      }
    }
    expect(validateBatches(buf)).toBe(1)
  })

  it('refuses a truncated batch and a wrong magic', () => {
    const buf = encodeRecordBatch(0, sample)
    expect(() => validateBatches(buf.subarray(0, buf.length - 3))).toThrow(/extends past the end/)
    const m = Buffer.from(buf)
    m[16] = 1
    expect(() => validateBatches(m)).toThrow(/magic 1/)
  })

  it('reuses its buffer across encodes and decodes several batches in a row', () => {
    const builder = new RecordBatchBuilder(16)
    const a = Buffer.from(builder.encode(0, sample.slice(0, 2)))
    expect(builder.lastOffset).toBe(1)
    const b = Buffer.from(builder.encode(2, sample.slice(2)))
    expect(builder.count).toBe(2)
    const all = decodeRecordBatches(Buffer.concat([a, b]))
    expect(all.flatMap((x) => x.records.map((r) => r.offset))).toEqual([0, 1, 2, 3])
  })

  it('refuses an empty record list, non-bytes values and non-integer timestamps with named errors', () => {
    expect(() => encodeRecordBatch(0, [])).toThrow(/at least one record/)
    expect(() => encodeRecordBatch(0, [{ key: null, value: 'text' as unknown as Buffer, timestamp: 1 }])).toThrow(/must be bytes/)
    try {
      encodeRecordBatch(0, [{ key: null, value: null, timestamp: Number.NaN }])
      expect.unreachable()
    } catch (e) {
      expect((e as KafkaError).code).toBe('INVALID_TIMESTAMP')
    }
  })

  it('LogAppendTime sets attributes bit 3, stamps base and max timestamp, and decodes every record at the append time', () => {
    const appendTime = 1_800_000_000_123
    const buf = encodeRecordBatch(7, sample, -1, appendTime)
    expect(buf.readInt16BE(21) & 0x08).toBe(0x08)
    expect(batchTimestampType(buf)).toBe('LogAppendTime')
    expect(buf.readBigInt64BE(27)).toBe(BigInt(appendTime))
    expect(batchMaxTimestamp(buf)).toBe(appendTime)
    const b = decodeRecordBatch(buf)
    expect(b.timestampType).toBe('LogAppendTime')
    expect(b.records.map((r) => r.timestamp)).toEqual(sample.map(() => appendTime))
    expect(b.records.map((r) => r.key)).toEqual(sample.map((r) => r.key))
    expect(buf.readUInt32BE(17)).toBe(kafkajsCrc32C(buf.subarray(21)) >>> 0)
  })

  it('CreateTime leaves the timestamp type bit clear and keeps each record timestamp', () => {
    const buf = encodeRecordBatch(7, sample)
    expect(buf.readInt16BE(21)).toBe(0)
    expect(batchTimestampType(buf)).toBe('CreateTime')
    expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).toEqual(sample.map((r) => r.timestamp))
  })

  it('a LogAppendTime batch read with the bit honoured reports its max timestamp even when record deltas differ', () => {
    // A batch as another writer may lay it out: CreateTime deltas kept, the bit and maxTimestamp set afterwards.
    const buf = encodeRecordBatch(0, sample)
    const appendTime = 1_900_000_000_000
    buf.writeInt16BE(0x08, 21)
    buf.writeBigInt64BE(BigInt(appendTime), 35)
    expect(decodeRecordBatch(buf, 0, false).records.map((r) => r.timestamp)).toEqual(sample.map(() => appendTime))
  })

  it('rejects a log append time that is not an integer of ms', () => {
    expect(() => encodeRecordBatch(0, sample, -1, 1.5)).toThrow(KafkaError)
  })
})

describe('record batch v2 stamping in place (DefaultRecordBatch setters)', () => {
  it('setBatchLastOffset and setBatchPartitionLeaderEpoch change fields outside the CRC: it stays valid', () => {
    const buf = encodeRecordBatch(0, sample)
    const crc = buf.readUInt32BE(17)
    setBatchLastOffset(buf, 0, 1003)
    setBatchPartitionLeaderEpoch(buf, 0, 12)
    const b = decodeRecordBatch(buf)
    expect([b.baseOffset, b.lastOffset, b.partitionLeaderEpoch]).toEqual([1000, 1003, 12])
    expect(b.records.map((r) => r.offset)).toEqual([1000, 1001, 1002, 1003])
    expect(buf.readUInt32BE(17)).toBe(crc)
  })

  it('setBatchMaxTimestamp rewrites the type bit and max timestamp with a new valid CRC, and leaves an equal batch untouched', () => {
    const buf = encodeRecordBatch(0, sample)
    const before = Buffer.from(buf)
    expect(setBatchMaxTimestamp(buf, 0, 'CreateTime', batchMaxTimestamp(buf))).toBe(false)
    expect(buf.equals(before)).toBe(true)
    expect(setBatchMaxTimestamp(buf, 0, 'LogAppendTime', 1_800_000_000_000)).toBe(true)
    expect(batchCrcMatches(buf)).toBe(true)
    expect(buf.readUInt32BE(17)).toBe(kafkajsCrc32C(buf.subarray(21)) >>> 0)
    const b = decodeRecordBatch(buf)
    expect([b.timestampType, b.baseTimestamp, b.maxTimestamp]).toEqual(['LogAppendTime', 1_700_000_000_500, 1_800_000_000_000])
    expect(batchMinTimestamp(buf)).toBe(1_800_000_000_000) // every record reports the append time
    expect(batchMinTimestamp(before)).toBe(1_700_000_000_500)
  })

  it('countBatchRecordsInRange counts a contiguous batch from its header and a batch with gaps record by record', () => {
    const contiguous = encodeRecordBatch(10, sample) // offsets 10..13
    expect(countBatchRecordsInRange(contiguous, 0, 0, 100)).toBe(4)
    expect(countBatchRecordsInRange(contiguous, 0, 11, 13)).toBe(2)
    expect(countBatchRecordsInRange(contiguous, 0, 14, 20)).toBe(0)
    const gaps = new RecordBatchBuilder().encodeWithOffsets(20, 9, [20, 24, 29].map((offset) => ({ offset, timestamp: 1, key: null, value: Buffer.from('v'), headers: [] })))
    expect(countBatchRecordsInRange(gaps, 0, 0, 100)).toBe(3)
    expect(countBatchRecordsInRange(gaps, 0, 21, 29)).toBe(1)
    expect(countBatchRecordsInRange(gaps, 0, 24, 30)).toBe(2)
    expect(countBatchRecordsInRange(gaps, 0, 25, 29)).toBe(0)
  })
})
