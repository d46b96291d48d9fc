import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { CODEC_GZIP, CODEC_LZ4, CODEC_SNAPPY } from '../../../../src/broker/codec/compression'
import {
  BATCH_HEADER_SIZE,
  RecordBatchBuilder,
  batchBaseOffset,
  batchBaseTimestamp,
  batchMaxTimestamp,
  batchRecordCount,
  batchRecordsSection,
  batchTimestampType,
  compressBatch,
  decodeRecordsInto,
  readBatchRecords
} from '../../../../src/broker/codec/record-batch'
import { RecordsReader } from '../../../../src/broker/codec/record-decoder'
import { payloadSize } from '../../../../src/broker/cluster/record-size'
import type { RecordInput, StoredRecord } from '../../../../src/broker/storage/storage-types'

/**
 * The eager reference decoder (what decodeRecordsInto did before the records reader): every field
 * through ByteReader, one StoredRecord per record.
 */
function referenceDecode(buf: Buffer, minOffset = 0, maxOffset = Number.MAX_SAFE_INTEGER): StoredRecord[] {
  const baseOffset = batchBaseOffset(buf, 0)
  const appendTime = batchTimestampType(buf, 0) === 'LogAppendTime' ? batchMaxTimestamp(buf, 0) : null
  const { data, start, end } = batchRecordsSection(buf, 0)
  const r = new ByteReader(data, start, end)
  const out: StoredRecord[] = []
  for (let i = 0; i < batchRecordCount(buf, 0); i++) {
    const len = r.varint()
    const recEnd = r.pos + len
    r.pos++
    const timestamp = appendTime ?? batchBaseTimestamp(buf, 0) + r.varlong()
    if (appendTime !== null) r.varlong()
    const offset = baseOffset + r.varint()
    if (offset < minOffset || offset >= maxOffset) {
      r.pos = recEnd
      continue
    }
    const kl = r.varint()
    const key = kl < 0 ? null : r.bytes(kl)
    const vl = r.varint()
    const value = vl < 0 ? null : r.bytes(vl)
    const headers = []
    for (let h = r.varint(); h > 0; h--) {
      const hk = r.utf8(r.varint())
      const hl = r.varint()
      headers.push({ key: hk, value: hl < 0 ? null : r.bytes(hl) })
    }
    out.push({ offset, timestamp, key, value, headers })
  }
  return out
}

/** Records of odd sizes: null, empty, 1-byte and multi-byte-varint keys and values; headers with null values and non-ASCII keys; timestamp deltas that need 1 to 7 varlong bytes, negative ones too. */
function oddRecords(): RecordInput[] {
  const base = 1_700_000_000_000
  const deltas = [0, 1, -1, 63, -64, 64, 8191, 8192, 1_048_575, 1_048_576, 134_217_727, 134_217_728, -134_217_729, 2 ** 35 + 3, -(2 ** 40) - 7, 2 ** 45]
  const out: RecordInput[] = []
  for (let i = 0; i < 40; i++) {
    const keyLen = [-1, 0, 1, 63, 64, 127, 128, 300, 16_384][i % 9]
    const valueLen = [200, -1, 0, 8191, 8192, 1, 65][i % 7]
    const headers =
      i % 4 === 0
        ? []
        : Array.from({ length: i % 4 }, (_, h) => ({ key: ['trace', 'ü-schlüssel', '', 'k'.repeat(130)][(i + h) % 4], value: h % 2 === 0 ? Buffer.alloc(i * 3, h + 1) : null }))
    out.push({
      key: keyLen < 0 ? null : Buffer.alloc(keyLen, 65 + (i % 26)),
      value: valueLen < 0 ? null : Buffer.alloc(valueLen, 97 + (i % 26)),
      headers,
      timestamp: base + deltas[i % deltas.length]
    })
  }
  return out
}

/** A record with its bytes as hex, which toEqual compares fast. */
function plain(r: StoredRecord): unknown {
  const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'))
  return { offset: r.offset, timestamp: r.timestamp, key: hex(r.key), value: hex(r.value), headers: r.headers.map((h) => ({ key: h.key, value: hex(h.value) })) }
}

function readAll(buf: Buffer, minOffset?: number, maxOffset?: number): { record: StoredRecord; payloadBytes: number }[] {
  const r = readBatchRecords(buf, 0, new RecordsReader(), minOffset, maxOffset)
  const out = []
  while (r.next()) out.push({ record: { offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }, payloadBytes: r.payloadBytes })
  return out
}

function readAllPlain(buf: Buffer, minOffset?: number, maxOffset?: number): unknown[] {
  return readAll(buf, minOffset, maxOffset).map((g) => plain(g.record))
}

describe('the records reader', () => {
  const builder = new RecordBatchBuilder(1024)

  it('yields what the eager reference decoder yields over a batch of odd sizes, with each payload size', () => {
    const buf = Buffer.from(builder.encode(1000, oddRecords(), 7))
    const expected = referenceDecode(buf)
    expect(expected).toHaveLength(40)
    const got = readAll(buf)
    expect(got.map((g) => plain(g.record))).toEqual(expected.map(plain))
    expect(got.map((g) => g.payloadBytes)).toEqual(expected.map((r) => payloadSize(r)))
    const stored: StoredRecord[] = []
    decodeRecordsInto(buf, 0, stored)
    expect(stored.map(plain)).toEqual(expected.map(plain))
  })

  it('yields only the records of the offset range, as the reference does', () => {
    const buf = Buffer.from(builder.encode(1000, oddRecords()))
    expect(readAllPlain(buf, 1013, 1029)).toEqual(referenceDecode(buf, 1013, 1029).map(plain))
    expect(readAll(buf, 1013, 1029).map((g) => g.record.offset)).toEqual(Array.from({ length: 16 }, (_, i) => 1013 + i))
    expect(readAll(buf, 2000)).toEqual([])
  })

  it('reports the append time of a LogAppendTime batch for every record', () => {
    const buf = Buffer.from(builder.encode(5, oddRecords(), 0, 1_800_000_000_123))
    const got = readAll(buf)
    expect(got.map((g) => plain(g.record))).toEqual(referenceDecode(buf).map(plain))
    expect(new Set(got.map((g) => g.record.timestamp))).toEqual(new Set([1_800_000_000_123]))
  })

  it('decodes gzip, snappy and lz4 batches as their uncompressed form', () => {
    const uncompressed = Buffer.from(builder.encode(0, oddRecords()))
    const expected = readAllPlain(uncompressed)
    for (const codec of [CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4]) expect(readAllPlain(compressBatch(uncompressed, 0, codec))).toEqual(expected)
  })

  it('gives keys and values as views into the batch, not copies', () => {
    const buf = Buffer.from(builder.encode(0, [{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestamp: 1 }]))
    const [{ record }] = readAll(buf)
    expect(record.key!.buffer).toBe(buf.buffer)
    expect(record.value!.buffer).toBe(buf.buffer)
  })

  it('throws CORRUPT_MESSAGE naming the batch when a record overruns the batch, its own length, or bytes follow the last record', () => {
    const buf = Buffer.from(builder.encode(77, oddRecords().slice(0, 3)))
    const overrun = Buffer.from(buf)
    overrun[BATCH_HEADER_SIZE] = 0xfe // first record's length varint: 127, past its contents
    expect(() => readAll(overrun)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/offset 77 does not decode/) }))
    const fewer = Buffer.from(buf)
    fewer.writeInt32BE(2, 57) // records count 2: the third record's bytes are left over
    expect(() => readAll(fewer)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/offset 77 has \d+ bytes after its 2 records/) }))
    const more = Buffer.from(buf)
    more.writeInt32BE(4, 57)
    expect(() => readAll(more)).toThrow(expect.objectContaining({ code: 'CORRUPT_MESSAGE', message: expect.stringMatching(/cannot read varint/) }))
  })
})
