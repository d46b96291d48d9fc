/**
 * Compatibility: segment files written by UnifiedLog are decoded with kafkajs's own record batch
 * decoder (node_modules/kafkajs/src/protocol/recordBatch/v0/decoder.js, an implementation we did
 * not write) and compared record by record; kafkajs's CRC-32C checks every batch's stored CRC. And
 * batches kafkajs's producer encoder builds (recordBatch/v0 with record/v0, as its Produce request
 * does) are appended as a producer sends them and stored as sent, but for base offset and epoch.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogCleaner } from '../../../../src/broker/storage/log-cleaner'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import type { RecordInput } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { config, tempDirs } from './helpers'

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkajsDecoder: new (buf: Buffer) => { offset: number; buffer: Buffer } = require('kafkajs/src/protocol/decoder')
const decodeKafkajsBatch: (d: unknown) => Promise<KafkajsBatch> = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const kafkajsCrc32C: (buf: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C')
const { RecordBatch: kafkajsRecordBatch }: { RecordBatch: (opts: Record<string, unknown>) => Promise<{ buffer: Buffer }> } = require('kafkajs/src/protocol/recordBatch/v0')
const kafkajsRecord: (r: { offsetDelta: number; timestampDelta: number; key: Buffer | null; value: Buffer | null; headers?: Record<string, Buffer> }) => unknown = require('kafkajs/src/protocol/recordBatch/record/v0')
/* eslint-enable @typescript-eslint/no-require-imports */

interface KafkajsRecord {
  offset: string
  timestamp: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | null | (Buffer | null)[]>
}
interface KafkajsBatch {
  firstOffset: string
  partitionLeaderEpoch: number
  /** kafkajs's TimestampTypes: 0 CREATE_TIME, 1 LOG_APPEND_TIME. */
  timestampType: number
  lastOffsetDelta: number
  maxTimestamp: string
  records: KafkajsRecord[]
}

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

/** Decodes every `.log` file of `dir` with kafkajs, checking each stored CRC with kafkajs's CRC-32C. */
async function decodeDirWithKafkajs(dir: string, batches: KafkajsBatch[] = []): Promise<KafkajsRecord[]> {
  const seen: KafkajsRecord[] = []
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const bytes = fs.readFileSync(path.join(dir, f))
    const d = new KafkajsDecoder(bytes)
    while (d.offset < bytes.length) {
      const start = d.offset
      const b = await decodeKafkajsBatch(d)
      expect(bytes.readUInt32BE(start + 17)).toBe(kafkajsCrc32C(bytes.subarray(start + 21, d.offset)) >>> 0)
      batches.push(b)
      seen.push(...b.records)
    }
  }
  return seen
}

/** Deterministic varied records: null keys and values, headers (one repeated key), unicode, big values. */
function sampleRecords(n: number, from: number): RecordInput[] {
  const out: RecordInput[] = []
  for (let i = from; i < from + n; i++) {
    out.push({
      key: i % 7 === 0 ? null : Buffer.from(`key-${i % 13}-é`),
      value: i % 11 === 0 ? null : Buffer.alloc(i % 5 === 0 ? 3000 : 20 + (i % 50), i & 0xff),
      timestamp: 1_700_000_000_000 + i * 3 - (i % 4) * 10,
      headers: i % 3 === 0 ? [] : [
        { key: 'trace-id', value: Buffer.from(`t${i}`) },
        { key: 'nullable', value: i % 2 === 0 ? null : Buffer.from('x') }
      ]
    })
  }
  return out
}

describe.each(backends)('segments written on the $name backend', ({ create }) => {
  it('decode with kafkajs record by record equal to what was produced', async () => {
    const dir = path.join(dirs.make(), 'compat-0')
    const log = UnifiedLog.open(dir, config({ segmentBytes: 64 * 1024, indexIntervalBytes: 1024 }), { backend: create(), clock: () => 0 })
    const produced: RecordInput[] = []
    let n = 0
    for (let i = 0; i < 60; i++) {
      const batch = sampleRecords(1 + (i % 9) * 3, n)
      log.appendAsLeader(batch, 0)
      produced.push(...batch)
      n += batch.length
    }
    expect(log.segments().length).toBeGreaterThan(1)
    log.close()

    const seen: KafkajsRecord[] = []
    const logFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort()
    for (const f of logFiles) {
      const bytes = fs.readFileSync(path.join(dir, f))
      const d = new KafkajsDecoder(bytes)
      while (d.offset < bytes.length) {
        const start = d.offset
        const b = await decodeKafkajsBatch(d)
        const end = d.offset
        expect(bytes.readUInt32BE(start + 17)).toBe(kafkajsCrc32C(bytes.subarray(start + 21, end)) >>> 0)
        expect(Number(b.firstOffset) + b.lastOffsetDelta).toBe(Number(b.records[b.records.length - 1].offset))
        expect(Number(f.slice(0, 20))).toBeLessThanOrEqual(Number(b.firstOffset))
        seen.push(...b.records)
      }
    }
    expect(seen.length).toBe(produced.length)
    seen.forEach((r, i) => {
      const p = produced[i]
      expect(Number(r.offset)).toBe(i)
      expect(Number(r.timestamp)).toBe(p.timestamp)
      expect(r.key).toEqual(p.key)
      expect(r.value).toEqual(p.value)
      const expectedHeaders: Record<string, Buffer | null> = {}
      for (const h of p.headers ?? []) expectedHeaders[h.key] = h.value
      expect(r.headers).toEqual(expectedHeaders)
    })
  })

  it('decode with kafkajs after compaction: offsets with gaps, the same records our reader returns', async () => {
    const dir = path.join(dirs.make(), 'compact-0')
    const log = UnifiedLog.open(dir, config({ segmentBytes: 2048, cleanupPolicy: 'compact' }), { backend: create(), clock: () => 10_000 })
    for (let i = 0; i < 40; i++) log.appendAsLeader(sampleRecords(5, i * 5).map((r, k) => ({ ...r, key: Buffer.from(`k${(i * 5 + k) % 9}`) })), 0)
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    expect(new LogCleaner({ clock: () => 10_000, log: () => {} }).cleanNow(log)).not.toBeNull()
    const ours = log.readRecords(0, {})
    log.close()
    expect(ours.length).toBeLessThan(200)
    const theirs = await decodeDirWithKafkajs(dir)
    expect(theirs.map((r) => Number(r.offset))).toEqual(ours.map((r) => r.offset))
    theirs.forEach((r, i) => {
      expect(Number(r.timestamp)).toBe(ours[i].timestamp)
      expect(r.key).toEqual(ours[i].key)
      expect(r.value).toEqual(ours[i].value)
    })
  })

  it('decode a LogAppendTime log with kafkajs: timestamp type LOG_APPEND_TIME, every record at its batch append time', async () => {
    const dir = path.join(dirs.make(), 'append-time-0')
    let now = 1_750_000_000_000
    const log = UnifiedLog.open(dir, config({ messageTimestampType: 'LogAppendTime' }), { backend: create(), clock: () => now })
    const appendTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      now += 1000
      const res = log.appendAsLeader(sampleRecords(3, i * 3), 0)
      expect(res.maxTimestamp).toBe(now)
      for (let k = 0; k < 3; k++) appendTimes.push(now)
    }
    const ours = log.readRecords(0, {})
    log.close()
    expect(ours.map((r) => r.timestamp)).toEqual(appendTimes)
    const batches: KafkajsBatch[] = []
    const theirs = await decodeDirWithKafkajs(dir, batches)
    expect(batches.map((b) => b.timestampType)).toEqual([1, 1, 1, 1, 1])
    expect(theirs.map((r) => Number(r.timestamp))).toEqual(appendTimes)
  })

  it('compaction keeps a LogAppendTime batch its type and append time', async () => {
    const dir = path.join(dirs.make(), 'append-time-compact-0')
    let now = 1_750_000_000_000
    const log = UnifiedLog.open(dir, config({ segmentBytes: 2048, cleanupPolicy: 'compact', messageTimestampType: 'LogAppendTime' }), {
      backend: create(),
      clock: () => now
    })
    for (let i = 0; i < 40; i++) {
      now += 10
      log.appendAsLeader(sampleRecords(5, i * 5).map((r, k) => ({ ...r, key: Buffer.from(`k${(i * 5 + k) % 9}`) })), 0)
    }
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    expect(new LogCleaner({ clock: () => now, log: () => {} }).cleanNow(log)).not.toBeNull()
    const ours = log.readRecords(0, {})
    log.close()
    expect(ours.length).toBeLessThan(200)
    for (const r of ours) expect(r.timestamp).toBe(1_750_000_000_000 + 10 * (1 + Math.floor(r.offset / 5)))
    const batches: KafkajsBatch[] = []
    const theirs = await decodeDirWithKafkajs(dir, batches)
    expect(batches.every((b) => b.timestampType === 1)).toBe(true)
    expect(theirs.map((r) => Number(r.timestamp))).toEqual(ours.map((r) => r.timestamp))
  })

  /** A batch exactly as kafkajs's producer builds it for one partition (produce/v3 request.js). */
  async function kafkajsProducerBatch(messages: { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: Record<string, Buffer> }[]): Promise<Buffer> {
    const first = Math.min(...messages.map((m) => m.timestamp))
    const records = messages.map((m, i) => kafkajsRecord({ offsetDelta: i, timestampDelta: m.timestamp - first, key: m.key, value: m.value, headers: m.headers }))
    const batch = await kafkajsRecordBatch({
      records,
      firstTimestamp: first,
      maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
      lastOffsetDelta: records.length - 1
    })
    return Buffer.from(batch.buffer)
  }

  it("stores batches built by kafkajs's producer encoder as sent, but for base offset and leader epoch, and kafkajs decodes them", async () => {
    const dir = path.join(dirs.make(), 'from-kafkajs-0')
    const log = UnifiedLog.open(dir, config(), { backend: create(), clock: () => 1_750_000_000_000 })
    const sent: Buffer[] = []
    const produced: { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: Record<string, Buffer> }[] = []
    for (let i = 0; i < 6; i++) {
      const msgs = Array.from({ length: 1 + i * 3 }, (_, k) => ({
        key: k % 4 === 0 ? null : Buffer.from(`key-${i}-${k}`),
        value: Buffer.alloc(10 + k * 7, i + k),
        timestamp: 1_700_000_000_000 + i * 1000 + k,
        ...(k % 2 === 0 ? { headers: { 'trace-id': Buffer.from(`t${i}.${k}`) } } : {})
      }))
      const b = await kafkajsProducerBatch(msgs)
      sent.push(Buffer.from(b))
      produced.push(...msgs)
      log.appendAsLeader(b, 3 + Math.floor(i / 3))
    }
    const stored = log.readBatches(0, 1 << 20)
    log.close()
    // Byte for byte, but for baseOffset (0..8) and partitionLeaderEpoch (12..16).
    let p = 0
    let offset = 0
    sent.forEach((b, i) => {
      const s = stored.subarray(p, p + b.length)
      expect(Number(s.readBigInt64BE(0))).toBe(offset)
      expect(s.readInt32BE(12)).toBe(3 + Math.floor(i / 3))
      expect(s.subarray(8, 12).equals(b.subarray(8, 12))).toBe(true)
      expect(s.subarray(16).equals(b.subarray(16))).toBe(true)
      p += b.length
      offset += b.readInt32BE(23) + 1
    })
    expect(p).toBe(stored.length)
    const batches: KafkajsBatch[] = []
    const theirs = await decodeDirWithKafkajs(dir, batches)
    expect(batches.map((b) => b.partitionLeaderEpoch)).toEqual([3, 3, 3, 4, 4, 4])
    expect(theirs.map((r) => Number(r.offset))).toEqual(produced.map((_, i) => i))
    theirs.forEach((r, i) => {
      expect(Number(r.timestamp)).toBe(produced[i].timestamp)
      expect(r.key).toEqual(produced[i].key)
      expect(r.value).toEqual(produced[i].value)
      expect(r.headers).toEqual(produced[i].headers ?? {})
    })
  })

  it('kafkajs decodes a kafkajs batch appended to a LogAppendTime topic: the re-stamped CRC checks, every record at the append time', async () => {
    const dir = path.join(dirs.make(), 'lat-kafkajs-0')
    const now = 1_750_000_000_000
    const log = UnifiedLog.open(dir, config({ messageTimestampType: 'LogAppendTime' }), { backend: create(), clock: () => now })
    const b = await kafkajsProducerBatch([1, 2, 3].map((k) => ({ key: Buffer.from(`k${k}`), value: Buffer.from(`v${k}`), timestamp: 1_700_000_000_000 + k })))
    expect(log.appendAsLeader(b, 2)).toMatchObject({ maxTimestamp: now, logAppendTime: now })
    log.close()
    const batches: KafkajsBatch[] = []
    const theirs = await decodeDirWithKafkajs(dir, batches) // checks the stored CRC with kafkajs's CRC-32C
    expect(batches.map((x) => [x.timestampType, Number(x.maxTimestamp), x.partitionLeaderEpoch])).toEqual([[1, now, 2]])
    expect(theirs.map((r) => Number(r.timestamp))).toEqual([now, now, now])
  })
})
