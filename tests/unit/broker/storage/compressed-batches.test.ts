/**
 * Compressed batches through a leader append: gzip batches built by kafkajs's own producer encoder
 * (recordBatch/v0 with compression GZIP, an implementation we did not write) are validated, stored
 * byte for byte as sent but for base offset and leader epoch, decoded by us and by kafkajs; a
 * LogAppendTime topic re-stamps them with a CRC kafkajs checks; compression.type rebuilds batches
 * of another codec; what inflates too far or does not decompress is refused with nothing written.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import { CODEC_GZIP, CODEC_LZ4, CODEC_NONE, CODEC_ZSTD } from '../../../../src/broker/codec/compression'
import { crc32c } from '../../../../src/broker/codec/crc32c'
import { BATCH_HEADER_SIZE, COMPRESSION_MASK, batchAttributes, encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { zstdCompressorReady } from '../../../../src/broker/codec/zstd-compressor'
import type { LogConfig } from '../../../../src/broker/storage/storage-types'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { config, records, tempDirs } from './helpers'

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkajsDecoder: new (buf: Buffer) => { offset: number } = require('kafkajs/src/protocol/decoder')
const decodeKafkajsBatch: (d: unknown) => Promise<{ timestampType: number; records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null }[] }> = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const { RecordBatch: kafkajsRecordBatch }: { RecordBatch: (opts: Record<string, unknown>) => Promise<{ buffer: Buffer }> } = require('kafkajs/src/protocol/recordBatch/v0')
const kafkajsRecord: (r: { offsetDelta: number; timestampDelta: number; key: Buffer | null; value: Buffer | null }) => unknown = require('kafkajs/src/protocol/recordBatch/record/v0')
/* eslint-enable @typescript-eslint/no-require-imports */

const dirs = tempDirs()
beforeAll(() => zstdCompressorReady())
afterEach(() => dirs.cleanup())
const NOW = 1_750_000_000_000

type Msg = { key: Buffer | null; value: Buffer | null; timestamp: number }

function messages(n: number, tag = 'm'): Msg[] {
  return Array.from({ length: n }, (_, k) => ({ key: Buffer.from(`${tag}-key-${k}`), value: Buffer.from(`${tag}-value-${k}-`.repeat(20)), timestamp: 1_700_000_000_000 + k }))
}

/** A gzip batch exactly as kafkajs's producer builds it (compression GZIP). */
async function kafkajsGzipBatch(msgs: Msg[]): Promise<Buffer> {
  const first = msgs[0].timestamp
  const recs = msgs.map((m, i) => kafkajsRecord({ offsetDelta: i, timestampDelta: m.timestamp - first, key: m.key, value: m.value }))
  const b = await kafkajsRecordBatch({ compression: 1, records: recs, firstTimestamp: first, maxTimestamp: msgs[msgs.length - 1].timestamp, lastOffsetDelta: recs.length - 1 })
  return Buffer.from(b.buffer)
}

async function decodeWithKafkajs(buf: Buffer): Promise<{ timestampType: number; records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null }[] }[]> {
  const d = new KafkajsDecoder(buf)
  const out = []
  while (d.offset < buf.length) out.push(await decodeKafkajsBatch(d))
  return out
}

function open(overrides: Partial<LogConfig> = {}): UnifiedLog {
  return UnifiedLog.open(path.join(dirs.make(), 't-0'), config(overrides), { backend: new FileBackend(), clock: () => NOW })
}

function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    return e as KafkaError
  }
  throw new Error('expected an error')
}

describe('compressed batches on a leader append', () => {
  it("stores kafkajs's gzip batches as sent but for base offset and leader epoch, and both decoders read them", async () => {
    const log = open()
    const a = messages(30, 'a')
    const b = messages(12, 'b')
    const sentA = await kafkajsGzipBatch(a)
    const sentB = await kafkajsGzipBatch(b)
    const copies = [Buffer.from(sentA), Buffer.from(sentB)]
    expect(batchAttributes(sentA) & COMPRESSION_MASK).toBe(CODEC_GZIP)
    expect(log.appendAsLeader(sentA, 5)).toMatchObject({ firstOffset: 0, lastOffset: 29, records: 30 })
    expect(log.appendAsLeader(sentB, 5)).toMatchObject({ firstOffset: 30, lastOffset: 41, records: 12 })
    const stored = log.readBatches(0, 1 << 20)
    expect(stored.length).toBe(copies[0].length + copies[1].length)
    let p = 0
    for (const c of copies) {
      const s = stored.subarray(p, p + c.length)
      expect(s.readInt32BE(12)).toBe(5)
      expect(s.subarray(8, 12).equals(c.subarray(8, 12))).toBe(true)
      expect(s.subarray(16).equals(c.subarray(16))).toBe(true)
      p += c.length
    }
    const ours = log.readRecords(0)
    expect(ours.map((r) => r.offset)).toEqual(Array.from({ length: 42 }, (_, i) => i))
    expect(ours.map((r) => r.value!.toString())).toEqual([...a, ...b].map((m) => m.value!.toString()))
    const theirs = (await decodeWithKafkajs(stored)).flatMap((x) => x.records)
    expect(theirs.map((r) => Number(r.offset))).toEqual(ours.map((r) => r.offset))
    expect(theirs.map((r) => r.key!.toString())).toEqual([...a, ...b].map((m) => m.key!.toString()))
    log.close()
  })

  it('re-stamps a compressed batch on a LogAppendTime topic: compressed bytes kept, CRC recomputed, kafkajs reads the append time', async () => {
    const log = open({ messageTimestampType: 'LogAppendTime' })
    const sent = await kafkajsGzipBatch(messages(10))
    const copy = Buffer.from(sent)
    log.appendAsLeader(sent, 1)
    const stored = log.readBatches(0, 1 << 20)
    expect(stored.subarray(BATCH_HEADER_SIZE).equals(copy.subarray(BATCH_HEADER_SIZE))).toBe(true)
    expect(stored.readUInt32BE(17)).toBe(crc32c(stored, 21, stored.length))
    expect(stored.readUInt32BE(17)).not.toBe(copy.readUInt32BE(17))
    const [batch] = await decodeWithKafkajs(stored)
    expect(batch.timestampType).toBe(1)
    expect(log.readRecords(0).every((r) => r.timestamp === NOW)).toBe(true)
    log.close()
  })

  it('compression.type uncompressed stores a gzip batch decompressed, same records and offsets', async () => {
    const log = open({ compressionType: 'uncompressed' })
    const msgs = messages(20)
    log.appendAsLeader(await kafkajsGzipBatch(msgs), 0)
    const stored = log.readBatches(0, 1 << 20)
    expect(batchAttributes(stored) & COMPRESSION_MASK).toBe(CODEC_NONE)
    const theirs = (await decodeWithKafkajs(stored)).flatMap((x) => x.records)
    expect(theirs.map((r) => r.value!.toString())).toEqual(msgs.map((m) => m.value!.toString()))
    log.close()
  })

  it('compression.type gzip and lz4 recompress an uncompressed batch; gzip is read back by kafkajs', async () => {
    const gz = open({ compressionType: 'gzip' })
    const r = gz.appendAsLeader(encodeRecordBatch(0, records(50)), 0)
    const stored = gz.readBatches(0, 1 << 20)
    expect(batchAttributes(stored) & COMPRESSION_MASK).toBe(CODEC_GZIP)
    expect(r.batchBytes).toBe(stored.length)
    expect((await decodeWithKafkajs(stored))[0].records.map((x) => x.value!.toString())).toEqual(records(50).map((x) => x.value!.toString()))
    gz.close()
    const lz = open({ compressionType: 'lz4' })
    lz.appendAsLeader(encodeRecordBatch(0, records(50)), 0)
    expect(batchAttributes(lz.readBatches(0, 1 << 20)) & COMPRESSION_MASK).toBe(CODEC_LZ4)
    expect(lz.readRecords(0).map((x) => x.value!.toString())).toEqual(records(50).map((x) => x.value!.toString()))
    lz.close()
  })

  it('compression.type zstd recompresses an uncompressed batch with zstd and keeps zstd batches as sent', () => {
    const log = open({ compressionType: 'zstd' })
    const r = log.appendAsLeader(encodeRecordBatch(0, records(30)), 0)
    const rebuilt = log.readBatches(0, 1 << 20)
    expect(batchAttributes(rebuilt) & COMPRESSION_MASK).toBe(CODEC_ZSTD)
    expect(r.batchBytes).toBe(rebuilt.length)
    expect(rebuilt.readUInt32BE(17)).toBe(crc32c(rebuilt, 21, rebuilt.length))
    expect(log.readRecords(0).map((x) => x.value!.toString())).toEqual(records(30).map((x) => x.value!.toString()))
    // A zstd batch made by the zstd tool (fixture) is stored as sent.
    const plain = encodeRecordBatch(0, Array.from({ length: 300 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'.repeat(300) + i), timestamp: 1_700_000_000_000 + i })))
    const zst = fs.readFileSync(path.join(__dirname, '../codec/fixtures/records.zst'))
    const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), zst])
    batch.writeInt32BE(batch.length - 12, 8)
    batch.writeInt16BE(CODEC_ZSTD, 21)
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
    const copy = Buffer.from(batch)
    expect(log.appendAsLeader(batch, 0)).toMatchObject({ firstOffset: 30, lastOffset: 329 })
    expect(log.readBatches(30, 1 << 20).subarray(16).equals(copy.subarray(16))).toBe(true)
    log.close()
  })

  it('refuses a batch whose records inflate past 16 x max.message.bytes (at least 1 MiB) with RECORD_TOO_LARGE, writing nothing', () => {
    const log = open({ maxMessageBytes: 10_000 })
    const plain = encodeRecordBatch(0, [{ key: null, value: Buffer.alloc(2 << 20), timestamp: 1 }])
    const gz = zlib.gzipSync(plain.subarray(BATCH_HEADER_SIZE))
    const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), gz])
    batch.writeInt32BE(batch.length - 12, 8)
    batch.writeInt16BE(CODEC_GZIP, 21)
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
    expect(batch.length).toBeLessThan(10_000)
    const err = errorOf(() => log.appendAsLeader(batch, 0))
    expect(err.code).toBe('RECORD_TOO_LARGE')
    expect(err.message).toContain(`${1 << 20} bytes`)
    expect(log.logEndOffset).toBe(0)
    log.close()
  })

  it('checks the records inside a compressed batch: offset deltas that are not 0..n-1 are INVALID_RECORD', () => {
    const log = open()
    const plain = encodeRecordBatch(0, records(3))
    // Record 1's offset delta (byte 4 of its body: length, attributes, timestamp delta, offset delta) made 5.
    const section = Buffer.from(plain.subarray(BATCH_HEADER_SIZE))
    const firstLen = section[0] >> 1
    const second = 1 + firstLen
    expect(section[second + 3]).toBe(2) // zigzag 1
    section[second + 3] = 10 // zigzag 5
    const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), zlib.gzipSync(section)])
    batch.writeInt32BE(batch.length - 12, 8)
    batch.writeInt16BE(CODEC_GZIP, 21)
    batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17)
    const err = errorOf(() => log.appendAsLeader(batch, 0))
    expect(err.code).toBe('INVALID_RECORD')
    expect(err.message).toContain('Record offset delta 5')
    expect(log.logEndOffset).toBe(0)
    log.close()
  })
})
