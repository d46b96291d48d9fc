/**
 * UnifiedLog.recordCount (issue 8): the exact number of records in [logStartOffset, highWatermark),
 * what a consumer reading the partition from its start gets, after appends, retention, DeleteRecords,
 * compaction, truncation and reopening; and kept cheaply: per-segment counts, with only the segments
 * a bound cuts read again.
 */
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { LogCleaner } from '../../../../src/broker/storage/log-cleaner'
import type { LogConfig, StorageBackend, StorageFile } from '../../../../src/broker/storage/storage-types'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const open: UnifiedLog[] = []
afterEach(() => {
  for (const l of open.splice(0)) l.close()
  dirs.cleanup()
})

/** What a consumer reading from the log start up to the high watermark receives. */
const consumed = (log: UnifiedLog): number => log.readRecords(log.logStartOffset, { maxOffset: log.highWatermark }).length

describe.each(backends)('UnifiedLog.recordCount on the $name backend', ({ create }) => {
  function openLog(dir: string, c: Partial<LogConfig> = {}, opts: { backend?: StorageBackend; clock?: ManualClock; hadCleanShutdown?: boolean } = {}): UnifiedLog {
    const log = UnifiedLog.open(dir, config(c), { backend: opts.backend ?? create(), clock: (opts.clock ?? new ManualClock()).fn, hadCleanShutdown: opts.hadCleanShutdown, log: () => {} })
    open.push(log)
    return log
  }
  function closeLog(log: UnifiedLog): void {
    log.close()
    open.splice(open.indexOf(log), 1)
  }

  it('counts the records below the high watermark across segments, none at or after it', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentBytes: 1000 })
    expect(log.recordCount).toBe(0)
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    expect(log.numberOfSegments).toBeGreaterThan(3)
    expect(log.recordCount).toBe(0) // nothing committed yet
    log.updateHighWatermark(200)
    expect(log.recordCount).toBe(200)
    log.updateHighWatermark(123) // inside the batch 120..129
    expect(log.recordCount).toBe(123)
    expect(log.recordCount).toBe(consumed(log))
  })

  it('follows the log start offset: retention, and DeleteRecords inside a segment and inside a batch', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentBytes: 1000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    log.updateHighWatermark(200)
    const deleted = log.deleteOldSegments((seg) => seg.baseOffset < 50)
    expect(deleted).toBeGreaterThan(0)
    expect(log.recordCount).toBe(200 - log.logStartOffset)
    log.maybeIncrementLogStartOffset(log.logStartOffset + 17) // mid segment, mid batch
    expect(log.recordCount).toBe(200 - log.logStartOffset)
    expect(log.recordCount).toBe(consumed(log))
  })

  it('is honest on a compacted log: the records a consumer gets, not the span of offsets, also with bounds inside batches with gaps', () => {
    const clock = new ManualClock(10_000)
    const log = openLog(path.join(dirs.make(), 'c-0'), { segmentBytes: 900, cleanupPolicy: 'compact' }, { clock })
    // Batch i holds offsets 5i..5i+4: a key of its own at 5i, then four keys every batch repeats,
    // so cleaning leaves batches of one record spanning five offsets (gaps inside batches).
    for (let i = 0; i < 40; i++) {
      log.appendAsLeader(Array.from({ length: 5 }, (_, k) => ({ key: Buffer.from(k === 0 ? `own-${i}` : `shared-${k}`), value: Buffer.from(`v${i}`), timestamp: 10_000 + i })), 0)
    }
    log.updateHighWatermark(log.logEndOffset)
    expect(new LogCleaner({ clock: clock.fn, log: () => {} }).cleanNow(log)).not.toBeNull()
    const span = log.highWatermark - log.logStartOffset
    expect(log.recordCount).toBe(consumed(log))
    expect(log.recordCount).toBeLessThan(span)
    expect(log.readRecords(0, { maxRecords: 3 }).map((r) => r.offset)).toEqual([0, 5, 10]) // the gaps are there
    // A log start inside a cleaned batch is counted record by record: 5..9 holds only offset 5.
    log.maybeIncrementLogStartOffset(7)
    expect(log.recordCount).toBe(consumed(log))
    log.maybeIncrementLogStartOffset(10)
    expect(log.recordCount).toBe(consumed(log))
    // So is a high watermark inside one (lowered here by hand; offsets 15..19 hold only 15).
    log.updateHighWatermark(17)
    expect(log.recordCount).toBe(2)
    expect(log.recordCount).toBe(consumed(log))
  })

  it('follows truncation, a batch cut in the middle going whole', () => {
    const log = openLog(path.join(dirs.make(), 't-0'), { segmentBytes: 1000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    log.updateHighWatermark(200)
    const segs = log.segments()
    const seg = segs.find((s) => s.records >= 20 && s.baseOffset >= 100)!
    log.truncateTo(seg.baseOffset + 15) // inside the segment's second batch
    expect(log.logEndOffset).toBe(seg.baseOffset + 10)
    expect(log.recordCount).toBe(seg.baseOffset + 10)
    log.appendAsLeader(records(4, log.logEndOffset), 1)
    log.updateHighWatermark(seg.baseOffset + 14)
    expect(log.recordCount).toBe(seg.baseOffset + 14)
    expect(log.recordCount).toBe(consumed(log))
    log.truncateFullyAndStartAt(500)
    expect(log.recordCount).toBe(0)
  })

  it('survives a clean reopen (counts learnt from the batch headers) and an unclean one (counts from recovery)', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir, { segmentBytes: 1000 })
    for (let i = 0; i < 20; i++) log.appendAsLeader(records(10, i * 10), 0)
    log.updateHighWatermark(190)
    log.maybeIncrementLogStartOffset(33)
    closeLog(log)
    const clean = openLog(dir, { segmentBytes: 1000 })
    expect(clean.recordCount).toBe(190 - 33)
    closeLog(clean)
    const unclean = openLog(dir, { segmentBytes: 1000 }, { hadCleanShutdown: false })
    expect(unclean.recordCount).toBe(190 - 33)
  })
})

/** A file backend that counts the reads of each file and the bytes they return. */
class CountingBackend implements StorageBackend {
  readonly name = 'file' as const
  private readonly inner = new FileBackend()
  readonly reads = new Map<string, number>()
  bytesRead = 0
  open(p: string, opts: { create: boolean; preallocate?: number }): StorageFile {
    const f = this.inner.open(p, opts)
    const count = <T extends Buffer | number>(r: T): T => {
      this.reads.set(path.basename(p), (this.reads.get(path.basename(p)) ?? 0) + 1)
      this.bytesRead += typeof r === 'number' ? r : r.length
      return r
    }
    return {
      path: f.path,
      size: () => f.size(),
      write: (pos, buf) => f.write(pos, buf),
      read: (pos, len) => count(f.read(pos, len)),
      readInto: (pos, t, off, len) => count(f.readInto(pos, t, off, len)),
      truncate: (n) => f.truncate(n),
      flush: () => f.flush(),
      close: () => f.close()
    }
  }
  readLogFiles(): string[] {
    return [...this.reads.keys()].filter((n) => n.endsWith('.log')).sort()
  }
}

describe('recordCount is kept cheaply', () => {
  it('reads no segment whose count it knows; only the segments the log start and the high watermark cut', () => {
    const dir = path.join(dirs.make(), 't-0')
    const first = UnifiedLog.open(dir, config({ segmentBytes: 1000 }), { backend: new FileBackend(), clock: () => 0, log: () => {} })
    for (let i = 0; i < 20; i++) first.appendAsLeader(records(10, i * 10), 0)
    first.updateHighWatermark(200)
    first.close()
    const backend = new CountingBackend()
    const log = UnifiedLog.open(dir, config({ segmentBytes: 1000 }), { backend, clock: () => 0, log: () => {} })
    open.push(log)
    const names = log.segments().map((s) => `${String(s.baseOffset).padStart(20, '0')}.log`)
    expect(names.length).toBeGreaterThan(4)
    expect(log.recordCount).toBe(200) // learns each segment's count once
    backend.reads.clear()
    log.appendAsLeader(records(10, 200), 0)
    log.updateHighWatermark(205) // cuts the active segment
    expect(log.recordCount).toBe(205)
    expect(backend.readLogFiles()).toEqual([names[names.length - 1]])
    backend.reads.clear()
    log.maybeIncrementLogStartOffset(log.segments()[1].baseOffset + 3) // cuts the (new) first segment
    expect(log.recordCount).toBe(205 - log.logStartOffset)
    const now = log.segments().map((s) => `${String(s.baseOffset).padStart(20, '0')}.log`)
    expect(backend.readLogFiles()).toEqual([now[0], now[now.length - 1]].sort())
    backend.reads.clear()
    log.updateHighWatermark(210)
    expect(log.recordCount).toBe(210 - log.logStartOffset)
    expect(backend.readLogFiles()).toEqual([now[0]]) // the active segment is now whole: its count is known
  })

  it('a bound near the end of a large segment is counted from that end, not by reading the segment', () => {
    const backend = new CountingBackend()
    const log = UnifiedLog.open(path.join(dirs.make(), 't-0'), config(), { backend, clock: () => 0, log: () => {} })
    open.push(log)
    for (let i = 0; i < 1000; i++) log.appendAsLeader(records(10, i * 10), 0)
    expect(log.numberOfSegments).toBe(1)
    log.updateHighWatermark(9995) // inside the last batch
    backend.bytesRead = 0
    expect(log.recordCount).toBe(9995)
    expect(log.sizeInBytes).toBeGreaterThan(200_000)
    expect(backend.bytesRead).toBeLessThan(20_000) // the index finds the batch; its tail is scanned
  })
})
