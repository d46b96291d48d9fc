/**
 * Compatibility: segment files written by UnifiedLog are decoded with kafkajs's own record batch
 * decoder (node_modules/kafkajs/src/protocol/recordBatch/v0/decoder.js, an implementation we did
 * not write) and compared record by record; kafkajs's CRC-32C checks every batch's stored CRC.
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
})
