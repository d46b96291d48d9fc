/**
 * Compression codecs of record batches: round trips of every codec the broker writes, streams made
 * by other implementations (the lz4 and zstd command-line tools' output in fixtures/, a snappy
 * stream hand-built from the format description, gzip batches built by kafkajs's own encoder),
 * decoding of compressed batches, and the bound on decompression.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { decompress as fzstdDecompress } from 'fzstd'
import { KafkaError } from '../../../../src/broker/model/errors'
import { crc32c } from '../../../../src/broker/codec/crc32c'
import {
  CODEC_GZIP,
  CODEC_LZ4,
  CODEC_NONE,
  CODEC_SNAPPY,
  CODEC_ZSTD,
  compressRecords,
  decompressRecords
} from '../../../../src/broker/codec/compression'
import {
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  RecordBatchBuilder,
  batchAttributes,
  batchCrcMatches,
  compressBatch,
  decodeRecordBatch,
  encodeRecordBatch
} from '../../../../src/broker/codec/record-batch'
import { zstdCompressorReady } from '../../../../src/broker/codec/zstd-compressor'

const FIXTURES = path.join(__dirname, 'fixtures')

/** The records section the fixtures were made from (see fixtures/README.md). */
function fixtureRecords(): { section: Buffer; batch: Buffer } {
  const recs = Array.from({ length: 300 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'.repeat(300) + i), timestamp: 1_700_000_000_000 + i }))
  const batch = Buffer.from(new RecordBatchBuilder().encode(0, recs))
  return { section: batch.subarray(BATCH_HEADER_SIZE), batch }
}

function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    return e as KafkaError
  }
  throw new Error('expected an error')
}

/** A batch whose records section is `compressed` with codec `codec`, the rest of the header from `plain`. */
function withSection(plain: Buffer, codec: number, compressed: Buffer): Buffer {
  const out = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), compressed])
  out.writeInt32BE(out.length - 12, 8)
  out.writeInt16BE(codec, 21)
  out.writeUInt32BE(crc32c(out, 21, out.length), 17)
  return out
}

/** The zstd command-line tool, when installed (an independent zstd decoder). */
function zstdTool(): string | null {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore', timeout: 5000 })
    return 'zstd'
  } catch {
    return null
  }
}

beforeAll(() => zstdCompressorReady())

describe('compression codecs', () => {
  it.each([
    ['gzip', CODEC_GZIP],
    ['snappy', CODEC_SNAPPY],
    ['lz4', CODEC_LZ4],
    ['zstd', CODEC_ZSTD]
  ])('round-trips a records section through %s', (_name, codec) => {
    const { section } = fixtureRecords()
    const c = compressRecords(codec, section)
    expect(c.length).toBeLessThan(section.length / 4)
    expect(decompressRecords(codec, c, 1 << 20).equals(section)).toBe(true)
  })

  it('writes snappy in xerial framing (magic, version 1, compatible 1, length-prefixed blocks of at most 32 KiB)', () => {
    const { section } = fixtureRecords()
    const c = compressRecords(CODEC_SNAPPY, section)
    expect([...c.subarray(0, 16)]).toEqual([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
    let blocks = 0
    for (let p = 16; p < c.length; p += 4 + c.readInt32BE(p)) blocks++
    expect(blocks).toBe(Math.ceil(section.length / 32768))
  })

  it('reads snappy hand-built from the format description, in xerial framing and as a plain raw block', () => {
    // Raw snappy: varint length 12, literal "abc" (tag (3-1)<<2), copy of 9 bytes at offset 3 (tag ((9-4)<<2)|1, offset 3).
    const raw1 = Buffer.from([0x0c, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03])
    const raw2 = Buffer.from([0x03, 0x08, 0x78, 0x79, 0x7a])
    expect(decompressRecords(CODEC_SNAPPY, raw1, 100).toString()).toBe('abcabcabcabc')
    const xerial = Buffer.concat([
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
      Buffer.from([0, 0, 0, raw1.length]),
      raw1,
      Buffer.from([0, 0, 0, raw2.length]),
      raw2
    ])
    expect(decompressRecords(CODEC_SNAPPY, xerial, 100).toString()).toBe('abcabcabcabcxyz')
  })

  it('reads lz4 frames written by the lz4 tool: independent 64 KiB blocks as Kafka writes, and linked blocks with a content checksum', () => {
    const { section } = fixtureRecords()
    for (const f of ['records-independent.lz4', 'records-linked.lz4']) {
      const out = decompressRecords(CODEC_LZ4, fs.readFileSync(path.join(FIXTURES, f)), 1 << 20)
      expect(out.equals(section)).toBe(true)
    }
  })

  it('writes lz4 frames as Kafka does: version 1, independent blocks, 64 KiB, the KIP-57 header checksum', () => {
    const c = compressRecords(CODEC_LZ4, fixtureRecords().section)
    expect(c.readUInt32LE(0)).toBe(0x184d2204)
    expect(c[4]).toBe(0x60)
    expect(c[5]).toBe(0x40)
    // The lz4 tool wrote the same descriptor (FLG 0x60, BD 0x40) with this checksum byte in the independent fixture.
    expect(c[6]).toBe(fs.readFileSync(path.join(FIXTURES, 'records-independent.lz4'))[6])
  })

  it('refuses an lz4 frame whose header checksum is wrong (a pre-KIP-57 frame) and one cut short', () => {
    const good = fs.readFileSync(path.join(FIXTURES, 'records-independent.lz4'))
    const bad = Buffer.from(good)
    bad[6] ^= 0xff
    expect(errorOf(() => decompressRecords(CODEC_LZ4, bad, 1 << 20))).toMatchObject({ code: 'CORRUPT_MESSAGE', message: expect.stringContaining('header checksum') })
    expect(errorOf(() => decompressRecords(CODEC_LZ4, good.subarray(0, 200), 1 << 20)).code).toBe('CORRUPT_MESSAGE')
  })

  it('reads zstd written by the zstd tool', () => {
    const out = decompressRecords(CODEC_ZSTD, fs.readFileSync(path.join(FIXTURES, 'records.zst')), 1 << 20)
    expect(out.equals(fixtureRecords().section)).toBe(true)
  })

  it('writes zstd as one standard zstd frame that fzstd and the zstd tool read back', () => {
    const { section } = fixtureRecords()
    const c = compressRecords(CODEC_ZSTD, section)
    expect([...c.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd])
    expect(Buffer.from(fzstdDecompress(c)).equals(section)).toBe(true)
    const tool = zstdTool()
    if (tool === null) return console.warn('zstd tool not installed: the check against it is skipped')
    const out = execFileSync(tool, ['-d', '-c', '-q'], { input: c, timeout: 10_000, maxBuffer: 4 << 20 })
    expect(out.equals(section)).toBe(true)
  })

  it('writes zstd for an empty records section too', () => {
    expect(decompressRecords(CODEC_ZSTD, compressRecords(CODEC_ZSTD, Buffer.alloc(0)), 1 << 20).length).toBe(0)
  })

  it('refuses to write an unknown codec, naming the ones it writes', () => {
    expect(errorOf(() => compressRecords(5, Buffer.from('x')))).toMatchObject({ code: 'UNSUPPORTED_COMPRESSION_TYPE', message: expect.stringContaining('lz4 and zstd') })
  })

  it.each([
    ['gzip', CODEC_GZIP, () => zlib.gzipSync(Buffer.alloc(4 << 20))],
    ['snappy', CODEC_SNAPPY, () => compressRecords(CODEC_SNAPPY, Buffer.alloc(4 << 20))],
    ['lz4', CODEC_LZ4, () => compressRecords(CODEC_LZ4, Buffer.alloc(4 << 20))],
    ['zstd', CODEC_ZSTD, () => fs.readFileSync(path.join(FIXTURES, 'records.zst'))]
  ])('refuses %s records that inflate past the bound with RECORD_TOO_LARGE', (_n, codec, make) => {
    const err = errorOf(() => decompressRecords(codec, make(), 64 * 1024))
    expect(err).toBeInstanceOf(KafkaError)
    expect(err.code).toBe('RECORD_TOO_LARGE')
    expect(err.message).toContain('65536 bytes')
  })

  it.each([
    ['gzip', CODEC_GZIP],
    ['snappy', CODEC_SNAPPY],
    ['lz4', CODEC_LZ4],
    ['zstd', CODEC_ZSTD]
  ])('refuses %s garbage with CORRUPT_MESSAGE', (_n, codec) => {
    const err = errorOf(() => decompressRecords(codec, Buffer.from('this is not a compressed stream at all'), 1 << 20))
    expect(err.code).toBe('CORRUPT_MESSAGE')
  })
})

describe('compressed record batches', () => {
  it.each([
    ['gzip', CODEC_GZIP],
    ['snappy', CODEC_SNAPPY],
    ['lz4', CODEC_LZ4],
    ['zstd', CODEC_ZSTD],
    ['uncompressed', CODEC_NONE]
  ])('compressBatch to %s keeps the header and records, with a valid CRC', (_n, codec) => {
    const { batch } = fixtureRecords()
    const c = compressBatch(batch, 0, codec)
    expect(batchAttributes(c) & COMPRESSION_MASK).toBe(codec)
    expect(batchCrcMatches(c)).toBe(true)
    const d = decodeRecordBatch(c)
    const plain = decodeRecordBatch(batch)
    expect(d.records).toEqual(plain.records)
    expect({ ...d, records: [], sizeBytes: 0, crc: 0, attributes: 0 }).toEqual({ ...plain, records: [], sizeBytes: 0, crc: 0, attributes: 0 })
    // And back: decompressing restores the original bytes.
    expect(compressBatch(c, 0, CODEC_NONE).equals(batch)).toBe(true)
  })

  it('decodes batches whose records section came from the lz4 and zstd tools', () => {
    const { batch } = fixtureRecords()
    const plain = decodeRecordBatch(batch).records
    for (const [codec, f] of [[CODEC_LZ4, 'records-independent.lz4'], [CODEC_ZSTD, 'records.zst']] as const) {
      const b = withSection(batch, codec, fs.readFileSync(path.join(FIXTURES, f)))
      expect(decodeRecordBatch(b).records).toEqual(plain)
    }
  })

  it('names the batch when its compressed records do not decode', () => {
    const b = encodeRecordBatch(42, [{ key: null, value: Buffer.from('x'), timestamp: 1 }])
    b.writeInt16BE(CODEC_GZIP, 21)
    expect(errorOf(() => decodeRecordBatch(b, 0, false))).toMatchObject({ code: 'CORRUPT_MESSAGE', message: expect.stringContaining('record batch at offset 42') })
  })
})
