import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CLEAN_SHUTDOWN_FILE, LogManager, RECOVERY_POINT_CHECKPOINT, parseTopicPartition } from '../../../../src/broker/storage/log-manager'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import type { LogConfig, StorageBackend, StorageFile } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: { close(): void }[] = []
afterEach(() => {
  for (const c of toClose.splice(0)) c.close()
  dirs.cleanup()
})

/** Wraps a backend, counting flush() calls per file. */
function countingBackend(inner: StorageBackend): { backend: StorageBackend; flushes: () => number } {
  let n = 0
  const backend: StorageBackend = {
    name: inner.name,
    open(p, opts): StorageFile {
      const f = inner.open(p, opts)
      return {
        path: f.path,
        size: () => f.size(),
        write: (pos, buf) => f.write(pos, buf),
        read: (pos, len) => f.read(pos, len),
        readInto: (pos, t, o, l) => f.readInto(pos, t, o, l),
        truncate: (s) => f.truncate(s),
        flush: () => {
          if (p.endsWith('.log')) n++
          f.flush()
        },
        close: () => f.close()
      }
    }
  }
  return { backend, flushes: () => n }
}

describe('parseTopicPartition', () => {
  it('splits at the last dash and refuses other names', () => {
    expect(parseTopicPartition('my-topic-12')).toEqual({ topic: 'my-topic', partition: 12 })
    expect(parseTopicPartition('flights-0')).toEqual({ topic: 'flights', partition: 0 })
    expect(parseTopicPartition('recovery-point-offset-checkpoint')).toBeNull()
  })
})

describe.each(backends)('LogManager and log durability on the $name backend', ({ create }) => {
  it('grows the active .index/.timeindex on demand instead of to segment.index.bytes, and trims them on roll and close', () => {
    const dir = path.join(dirs.make(), 't-0')
    const indexBytes = 10 * 1024 * 1024
    const log = UnifiedLog.open(dir, config({ segmentBytes: 1000, segmentIndexBytes: indexBytes, indexIntervalBytes: 200 }), { backend: create(), clock: () => 0 })
    for (let i = 0; i < 10; i++) log.appendAsLeader(records(10, i * 10), 0)
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(1)
    const file = (base: number, sfx: string): string => path.join(dir, String(base).padStart(20, '0') + sfx)
    const active = segs[segs.length - 1].baseOffset
    for (const sfx of ['.index', '.timeindex']) {
      // A few entries: at most one 64 KiB growth step of the mmap backend, nothing near 10 MiB.
      expect(fs.statSync(file(active, sfx)).size).toBeLessThanOrEqual(64 * 1024)
      expect(fs.statSync(file(active, sfx)).blocks * 512).toBeLessThanOrEqual(64 * 1024)
    }
    const closedIndex = fs.statSync(file(segs[0].baseOffset, '.index')).size
    expect(closedIndex % 8).toBe(0)
    expect(closedIndex).toBeGreaterThan(0)
    expect(closedIndex).toBeLessThan(1000)
    log.close()
    expect(fs.statSync(file(active, '.index')).size % 8).toBe(0)
    expect(fs.statSync(file(active, '.timeindex')).size % 12).toBe(0)
    expect(fs.statSync(file(active, '.index')).size).toBeLessThan(1000)
  })

  it('flushes every flush.messages messages and after flush.ms, advancing the recovery point', () => {
    const { backend, flushes } = countingBackend(create())
    const clock = new ManualClock()
    const log = UnifiedLog.open(path.join(dirs.make(), 't-0'), config({ flushMessages: 5, flushMs: 1000 }), { backend, clock: clock.fn })
    toClose.push(log)
    log.appendAsLeader(records(3), 0)
    expect(flushes()).toBe(0)
    expect(log.recoveryPoint).toBe(0)
    log.appendAsLeader(records(2, 3), 0)
    expect(flushes()).toBe(1)
    expect(log.recoveryPoint).toBe(5)
    log.appendAsLeader(records(1, 5), 0)
    clock.advance(999)
    log.maybeFlush(clock.now)
    expect(flushes()).toBe(1)
    clock.advance(1)
    log.maybeFlush(clock.now)
    expect(flushes()).toBe(2)
    expect(log.recoveryPoint).toBe(6)
  })

  it('writes the clean-shutdown marker on close, removes it at open, and reopens every log', () => {
    const logDir = dirs.make()
    const clock = new ManualClock()
    const m = LogManager.open(logDir, { backend: create(), clock: clock.fn })
    expect(m.hadCleanShutdown).toBe(true) // a fresh directory
    m.getOrCreateLog('orders', 0, config()).appendAsLeader(records(4), 0)
    m.getOrCreateLog('my-topic', 3, config()).appendAsLeader(records(2), 0)
    m.close()
    expect(fs.existsSync(path.join(logDir, CLEAN_SHUTDOWN_FILE))).toBe(true)
    expect(fs.readFileSync(path.join(logDir, RECOVERY_POINT_CHECKPOINT), 'utf8')).toMatch(/^0\n2\n/)
    const again = LogManager.open(logDir, { backend: create(), clock: clock.fn })
    toClose.push(again)
    expect(again.hadCleanShutdown).toBe(true)
    expect(fs.existsSync(path.join(logDir, CLEAN_SHUTDOWN_FILE))).toBe(false)
    expect(again.getLog('orders', 0)!.logEndOffset).toBe(4)
    expect(again.getLog('my-topic', 3)!.logEndOffset).toBe(2)
    again.deleteLog('orders', 0)
    expect(fs.existsSync(path.join(logDir, 'orders-0'))).toBe(false)
  })

  it('recovers from the recovery point when the marker is missing, truncating a torn tail', () => {
    const logDir = dirs.make()
    const clock = new ManualClock()
    const m = LogManager.open(logDir, { backend: create(), clock: clock.fn })
    const log = m.getOrCreateLog('t', 0, config({ segmentBytes: 2000 }))
    for (let i = 0; i < 10; i++) log.appendAsLeader(records(10, i * 10), 0)
    m.close()
    fs.rmSync(path.join(logDir, CLEAN_SHUTDOWN_FILE))
    // tear the last batch: cut 20 bytes off the active segment's log
    const d = path.join(logDir, 't-0')
    const last = fs.readdirSync(d).filter((f) => f.endsWith('.log')).sort().pop()!
    fs.truncateSync(path.join(d, last), fs.statSync(path.join(d, last)).size - 20)
    const lines: string[] = []
    const again = LogManager.open(logDir, { backend: create(), clock: clock.fn, configFor: () => config({ segmentBytes: 2000 }), log: (l) => lines.push(l) })
    toClose.push(again)
    expect(again.hadCleanShutdown).toBe(false)
    const rec = again.getLog('t', 0)!
    expect(rec.logEndOffset).toBe(90)
    expect(rec.readRecords(0, {}).map((r) => r.offset)).toEqual(Array.from({ length: 90 }, (_, i) => i))
    expect(lines.some((l) => l.includes('truncated'))).toBe(true)
    expect(rec.appendAsLeader(records(1, 90), 0).firstOffset).toBe(90)
  })

  it('retention.ms deletes closed segments older than retention, advancing the log start offset, never the active one', () => {
    const clock = new ManualClock(1_000_000)
    const m = LogManager.open(dirs.make(), { backend: create(), clock: clock.fn })
    toClose.push(m)
    const c: LogConfig = config({ segmentBytes: 600, retentionMs: 10_000 })
    const log = m.getOrCreateLog('t', 0, c)
    for (let i = 0; i < 12; i++) log.appendAsLeader(records(5, i * 5, 1_000_000 + i * 1000), 0) // timestamps 1.000.000 + i*1000 + j
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(3)
    expect(m.tick(1_000_000 + 5_000).segmentsDeleted).toBe(0)
    clock.now = segs[1].maxTimestamp! + 10_001
    const r = m.tick()
    expect(r.segmentsDeleted).toBe(2)
    expect(log.logStartOffset).toBe(segs[2].baseOffset)
    expect(() => log.readRecords(0, {})).toThrow(/outside the log/)
    clock.now = 1e12
    m.tick()
    expect(log.segments().length).toBe(1)
    expect(log.segments()[0].active).toBe(true)
    expect(log.logStartOffset).toBe(log.segments()[0].baseOffset)
  })

  it('retention.bytes deletes the oldest closed segments while the log stays at or above the limit', () => {
    const m = LogManager.open(dirs.make(), { backend: create(), clock: () => 0 })
    toClose.push(m)
    const log = m.getOrCreateLog('t', 0, config({ segmentBytes: 1000, retentionBytes: 2500, retentionMs: -1 }))
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(5, i * 5, 0), 0)
    expect(log.sizeInBytes).toBeGreaterThan(2500)
    m.tick()
    expect(log.sizeInBytes).toBeLessThan(2500 + 1000)
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(2500 - 1000)
    expect(log.logStartOffset).toBe(log.segments()[0].baseOffset)
    expect(log.readRecords(log.logStartOffset, {}).length).toBe(100 - log.logStartOffset)
  })

  it('retention leaves compact-only logs alone', () => {
    const m = LogManager.open(dirs.make(), { backend: create(), clock: () => 1e12 })
    toClose.push(m)
    const log = m.getOrCreateLog('t', 0, config({ segmentBytes: 1000, retentionMs: 1, cleanupPolicy: 'compact' }))
    for (let i = 0; i < 10; i++) log.appendAsLeader(records(5, i * 5, 0), 0)
    m.applyRetention(log)
    expect(log.logStartOffset).toBe(0)
  })
})
