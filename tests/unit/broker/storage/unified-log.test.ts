import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { decodeRecordBatches } from '../../../../src/broker/codec/record-batch'
import type { LogConfig, StorageBackend } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const open: UnifiedLog[] = []
afterEach(() => {
  for (const l of open.splice(0)) l.close()
  dirs.cleanup()
})

describe.each(backends)('UnifiedLog on the $name backend', ({ create }) => {
  function openLog(dir: string, c: Partial<LogConfig> = {}, clock = new ManualClock(), backend: StorageBackend = create(), hadCleanShutdown?: boolean): UnifiedLog {
    const log = UnifiedLog.open(dir, config(c), { backend, clock: clock.fn, hadCleanShutdown })
    open.push(log)
    return log
  }
  function closeLog(log: UnifiedLog): void {
    log.close()
    open.splice(open.indexOf(log), 1)
  }

  it('assigns contiguous offsets, one batch per leader append, and reads them back', () => {
    const log = openLog(path.join(dirs.make(), 'orders-0'))
    expect(log.appendAsLeader(records(3, 0), 0)).toMatchObject({ firstOffset: 0, lastOffset: 2 })
    const r = log.appendAsLeader(records(2, 3), 0)
    expect(r).toMatchObject({ firstOffset: 3, lastOffset: 4, maxTimestamp: 1_700_000_000_004 })
    expect(r.batchBytes).toBeGreaterThan(61)
    expect(log.logEndOffset).toBe(5)
    const recs = log.readRecords(0, {})
    expect(recs.map((x) => x.offset)).toEqual([0, 1, 2, 3, 4])
    expect(recs.map((x) => x.key!.toString())).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4'])
    expect(decodeRecordBatches(log.readBatches(0, 1 << 20)).map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0, 2],
      [3, 4]
    ])
  })

  it('rolls a segment when segment.bytes is reached and reopening restores offsets, files and high watermark', () => {
    const dir = path.join(dirs.make(), 'orders-1')
    const log = openLog(dir, { segmentBytes: 4096, indexIntervalBytes: 512 })
    for (let i = 0; i < 50; i++) log.appendAsLeader(records(5, i * 5, undefined, 100), 0)
    expect(log.segments().length).toBeGreaterThan(5)
    for (const s of log.segments()) expect(s.sizeBytes).toBeLessThanOrEqual(4096)
    log.updateHighWatermark(200)
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.log'))
    expect(names[0]).toBe('00000000000000000000.log')
    for (const s of log.segments()) {
      const base = String(s.baseOffset).padStart(20, '0')
      expect(fs.existsSync(path.join(dir, `${base}.index`))).toBe(true)
      expect(fs.existsSync(path.join(dir, `${base}.timeindex`))).toBe(true)
    }
    const before = log.segments()
    closeLog(log)
    const again = openLog(dir, { segmentBytes: 4096, indexIntervalBytes: 512 })
    expect(again.logEndOffset).toBe(250)
    expect(again.highWatermark).toBe(200)
    expect(again.segments()).toEqual(before)
    expect(again.readRecords(117, { maxRecords: 3 }).map((r) => r.value!.length)).toEqual([100, 100, 100])
    expect(again.appendAsLeader(records(1, 250), 0).firstOffset).toBe(250)
  })

  it('rolls at segment.ms measured between record timestamps', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentMs: 1000 })
    log.appendAsLeader([{ key: null, value: Buffer.from('a'), timestamp: 10_000 }], 0)
    log.appendAsLeader([{ key: null, value: Buffer.from('b'), timestamp: 10_900 }], 0)
    expect(log.segments().length).toBe(1)
    log.appendAsLeader([{ key: null, value: Buffer.from('c'), timestamp: 11_001 }], 0)
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0, 2])
    expect(log.segments().map((s) => s.records)).toEqual([2, 1])
  })

  it('readBatches honours maxBytes (at least one batch), maxOffset and the log bounds', () => {
    const log = openLog(path.join(dirs.make(), 't-0'))
    for (let i = 0; i < 10; i++) log.appendAsLeader(records(10, i * 10), 0)
    const first = decodeRecordBatches(log.readBatches(35, 1))
    expect(first.map((b) => b.baseOffset)).toEqual([30])
    expect(decodeRecordBatches(log.readBatches(35, 1 << 20, 70)).map((b) => b.baseOffset)).toEqual([30, 40, 50, 60])
    expect(log.readBatches(35, 1 << 20, 35).length).toBe(0)
    expect(log.readBatches(100, 1 << 20).length).toBe(0)
    expect(() => log.readBatches(101, 100)).toThrow(KafkaError)
    try {
      log.readBatches(-1, 100)
    } catch (e) {
      expect((e as KafkaError).code).toBe('OFFSET_OUT_OF_RANGE')
    }
  })

  it('readRecords honours maxRecords, maxBytes and maxOffset, splitting batches by record', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentBytes: 2000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    expect(log.segments().length).toBeGreaterThan(2)
    expect(log.readRecords(5, { maxRecords: 17 }).map((r) => r.offset)).toEqual(Array.from({ length: 17 }, (_, i) => 5 + i))
    expect(log.readRecords(5, { maxOffset: 12 }).map((r) => r.offset)).toEqual([5, 6, 7, 8, 9, 10, 11])
    expect(log.readRecords(5, { maxBytes: 1 }).map((r) => r.offset)).toEqual([5, 6, 7, 8, 9])
    expect(log.readRecords(0, {}).length).toBe(200)
    expect(log.readRecords(200, {})).toEqual([])
  })

  it('offsetForTimestamp returns the first offset with timestamp >= T across segments, or null', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentBytes: 3000, indexIntervalBytes: 300 })
    for (let i = 0; i < 30; i++) log.appendAsLeader(records(10, i * 10, 5_000), 0)
    expect(log.segments().length).toBeGreaterThan(2)
    expect(log.offsetForTimestamp(0)).toBe(0)
    expect(log.offsetForTimestamp(5_000 + 137)).toBe(137)
    expect(log.offsetForTimestamp(5_000 + 299)).toBe(299)
    expect(log.offsetForTimestamp(5_000 + 300)).toBeNull()
  })

  it('truncateTo removes offsets at and above the target, across segments, and appends continue from there', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir, { segmentBytes: 2000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    log.updateHighWatermark(150)
    log.truncateTo(60)
    expect(log.logEndOffset).toBe(60)
    expect(log.highWatermark).toBe(60)
    expect(log.readRecords(50, {}).map((r) => r.offset)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59])
    expect(log.appendAsLeader(records(3, 60), 0).firstOffset).toBe(60)
    log.truncateTo(65) // inside the batch 60..62? no: beyond the end, a no-op
    expect(log.logEndOffset).toBe(63)
    closeLog(log)
    const again = openLog(dir, { segmentBytes: 2000 })
    expect(again.logEndOffset).toBe(63)
    expect(again.readRecords(0, {}).length).toBe(63)
  })

  it('follower append keeps the leader offsets, validates CRC-32C and refuses offsets below the log end', () => {
    const leader = openLog(path.join(dirs.make(), 'leader-0'), { segmentBytes: 1500 })
    const follower = openLog(path.join(dirs.make(), 'follower-0'), { segmentBytes: 1500 })
    for (let i = 0; i < 12; i++) leader.appendAsLeader(records(7, i * 7), 0)
    let next = 0
    while (next < leader.logEndOffset) {
      const chunk = leader.readBatches(next, 700)
      const r = follower.appendAsFollower(chunk)
      next = r.lastOffset + 1
    }
    expect(follower.logEndOffset).toBe(84)
    expect(follower.readRecords(0, {})).toEqual(leader.readRecords(0, {}))
    expect(follower.segments().length).toBeGreaterThan(1)
    const other = openLog(path.join(dirs.make(), 'f2-0'))
    const bad = Buffer.from(leader.readBatches(0, 100))
    bad[bad.length - 2] ^= 0xff
    expect(() => other.appendAsFollower(bad)).toThrow(/CRC-32C/)
    expect(other.logEndOffset).toBe(0)
    other.appendAsFollower(leader.readBatches(0, 100))
    expect(other.logEndOffset).toBe(7)
    expect(() => other.appendAsFollower(leader.readBatches(0, 100))).toThrow(/below the expected offset 7/)
    expect(other.logEndOffset).toBe(7)
  })

  it("follower append of a leader's verified read (crcVerified) skips only the CRC-32C pass: headers and offsets are still checked", () => {
    const leader = openLog(path.join(dirs.make(), 'leader-0'))
    for (let i = 0; i < 3; i++) leader.appendAsLeader(records(7, i * 7), 0)
    const follower = openLog(path.join(dirs.make(), 'follower-0'))
    // A batch whose length field overruns the bytes given: refused with or without the CRC pass.
    const torn = Buffer.from(leader.readBatches(0, 100))
    torn.writeInt32BE(torn.readInt32BE(8) + 50, 8)
    expect(() => follower.appendAsFollower(torn, { crcVerified: true })).toThrow(/invalid record batch/)
    follower.appendAsFollower(leader.readBatches(0, 100), { crcVerified: true })
    expect(() => follower.appendAsFollower(leader.readBatches(0, 100), { crcVerified: true })).toThrow(/below the expected offset 7/)
    // A value byte flipped after the read: only the default (network-like) path recomputes the CRC.
    const flipped = Buffer.from(leader.readBatches(7, 100))
    flipped[flipped.length - 2] ^= 0xff
    expect(() => follower.appendAsFollower(flipped)).toThrow(/CRC-32C/)
    expect(follower.appendAsFollower(flipped, { crcVerified: true }).lastOffset).toBe(13)
    expect(follower.logEndOffset).toBe(14)
  })

  it('updateHighWatermark refuses values outside [logStartOffset, logEndOffset]', () => {
    const log = openLog(path.join(dirs.make(), 't-0'))
    log.appendAsLeader(records(5), 0)
    log.updateHighWatermark(5)
    expect(() => log.updateHighWatermark(6)).toThrow(/logEndOffset 5/)
    log.maybeIncrementLogStartOffset(2)
    expect(() => log.updateHighWatermark(1)).toThrow(/logStartOffset 2/)
    expect(log.readRecords(2, {}).length).toBe(3)
    expect(() => log.readRecords(1, {})).toThrow(/outside the log/)
  })

  it('maybeIncrementLogStartOffset deletes whole segments below it, never the active one, and persists', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir, { segmentBytes: 1000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(5, i * 5), 0)
    const segs = log.segments()
    log.maybeIncrementLogStartOffset(segs[2].baseOffset + 1)
    expect(log.segments()[0].baseOffset).toBe(segs[2].baseOffset)
    expect(log.logStartOffset).toBe(segs[2].baseOffset + 1)
    log.maybeIncrementLogStartOffset(100)
    expect(log.segments().length).toBe(1)
    closeLog(log)
    const again = openLog(dir, { segmentBytes: 1000 })
    expect(again.logStartOffset).toBe(100)
    expect(again.logEndOffset).toBe(100)
  })

  it('describes a LogAppendTime segment by the append times its records report, also after a reopen', () => {
    const dir = path.join(dirs.make(), 't-0')
    const clock = new ManualClock(1_750_000_000_000)
    const log = openLog(dir, { messageTimestampType: 'LogAppendTime' }, clock)
    log.appendAsLeader(records(3, 0, 5), 0) // producer timestamps 5, 6, 7
    clock.advance(1000)
    log.appendAsLeader(records(2, 3, 9), 0)
    expect(log.readRecords(0, {}).map((r) => r.timestamp)).toEqual([1_750_000_000_000, 1_750_000_000_000, 1_750_000_000_000, 1_750_000_001_000, 1_750_000_001_000])
    expect(log.segments().map((s) => [s.minTimestamp, s.maxTimestamp])).toEqual([[1_750_000_000_000, 1_750_000_001_000]])
    closeLog(log)
    const again = openLog(dir, { messageTimestampType: 'LogAppendTime' }, clock)
    expect(again.segments().map((s) => [s.minTimestamp, s.maxTimestamp])).toEqual([[1_750_000_000_000, 1_750_000_001_000]])
  })

  it('refuses offsets that are not integers >= 0 with OFFSET_OUT_OF_RANGE, changing nothing', () => {
    const log = openLog(path.join(dirs.make(), 't-0'))
    log.appendAsLeader(records(5), 0)
    log.updateHighWatermark(5)
    for (const bad of [Number.NaN, 1.5, -2, Infinity]) {
      for (const f of [
        () => log.maybeIncrementLogStartOffset(bad),
        () => log.truncateTo(bad),
        () => log.truncateFullyAndStartAt(bad),
        () => log.readRecords(bad, {}),
        () => log.readBatches(bad, 100),
        () => log.recoverFrom(bad)
      ]) {
        try {
          f()
          throw new Error(`accepted ${bad}`)
        } catch (e) {
          expect((e as KafkaError).code, String(e)).toBe('OFFSET_OUT_OF_RANGE')
        }
      }
    }
    expect([log.logStartOffset, log.highWatermark, log.logEndOffset]).toEqual([0, 5, 5])
    expect(log.readRecords(0, {}).length).toBe(5)
  })

  it('delete() removes the directory', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = UnifiedLog.open(dir, config(), { backend: create(), clock: () => 0 })
    log.appendAsLeader(records(1), 0)
    log.delete()
    expect(fs.existsSync(dir)).toBe(false)
  })
})
