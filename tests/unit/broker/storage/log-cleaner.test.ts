import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogCleaner, MAP_ENTRY_OVERHEAD_BYTES, dirtyRatio, needsCleaning } from '../../../../src/broker/storage/log-cleaner'
import { LogManager } from '../../../../src/broker/storage/log-manager'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import type { LogConfig, RecordInput, StorageBackend } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { ManualClock, config, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: { close(): void }[] = []
afterEach(() => {
  for (const c of toClose.splice(0)) c.close()
  dirs.cleanup()
})

const kv = (key: string, value: string | null, ts: number): RecordInput => ({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: ts })

describe.each(backends)('LogCleaner on the $name backend', ({ create }) => {
  function openLog(backend: StorageBackend, clock: ManualClock, policy: 'compact' | 'compact,delete' = 'compact', extra: Partial<LogConfig> = {}): UnifiedLog {
    const log = UnifiedLog.open(path.join(dirs.make(), 'c-0'), config({ segmentBytes: 700, cleanupPolicy: policy, deleteRetentionMs: 60_000, ...extra }), {
      backend,
      clock: clock.fn
    })
    toClose.push(log)
    return log
  }

  /** A log of 60 records over 5 keys, fully replicated, cleaned once. */
  function cleanedOnce(): { clock: ManualClock; log: UnifiedLog; cleaner: LogCleaner } {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    expect(cleaner.cleanNow(log)).not.toBeNull()
    return { clock, log, cleaner }
  }

  it('keeps the latest record per key in closed segments, keeping offsets (gaps) and the active segment untouched', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    const latest = new Map<string, number>()
    for (let i = 0; i < 60; i++) {
      const key = `k${i % 5}`
      const r = log.appendAsLeader([kv(key, `v${i}`, 1_000_000 + i)], 0)
      latest.set(key, r.firstOffset)
    }
    const segsBefore = log.segments()
    expect(segsBefore.length).toBeGreaterThan(3)
    const activeBase = segsBefore[segsBefore.length - 1].baseOffset
    const activeBefore = log.readRecords(activeBase, {})
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    const res = cleaner.cleanNow(log)!
    expect(res).not.toBeNull()
    expect(res.recordsBefore).toBe(activeBase)
    expect(res.recordsAfter).toBeLessThan(res.recordsBefore)
    expect(res.bytesAfter).toBeLessThan(res.bytesBefore)
    expect(log.lastCleaning).toEqual(res)
    const all = log.readRecords(0, {})
    const closed = all.filter((r) => r.offset < activeBase)
    // per key at most one record among the closed segments, and it is the latest among them
    const keys = closed.map((r) => r.key!.toString())
    expect(new Set(keys).size).toBe(keys.length)
    for (const r of closed) {
      const lastInClosed = Math.max(...Array.from({ length: activeBase }, (_, o) => o).filter((o) => `k${o % 5}` === r.key!.toString()))
      expect(r.offset).toBe(lastInClosed)
      expect(r.value!.toString()).toBe(`v${r.offset}`)
    }
    expect(all.filter((r) => r.offset >= activeBase)).toEqual(activeBefore)
    expect(log.logEndOffset).toBe(60)
    // offsets kept: reading from a removed offset starts at the next kept one
    expect(log.readRecords(1, { maxRecords: 1 })[0].offset).toBeGreaterThan(1)
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    expect(cleaner.cleanNow(log)).toBeNull() // nothing new to clean
  })

  it('cleans records rewritten below the old cleaned point after a truncation (the cleaner point moves down)', () => {
    const { log, cleaner } = cleanedOnce()
    const cleanedTo = log.firstDirtyOffset
    expect(cleanedTo).toBeGreaterThan(40)
    // A follower truncating to offset 10 and fetching 30 new records: all of them lie below the old
    // cleaned point, in closed segments that were never compacted.
    log.truncateTo(10)
    expect(log.firstDirtyOffset).toBe(log.logEndOffset) // at most 10: compaction left gaps below it
    for (let i = 0; i < 30; i++) log.appendAsLeader([kv(`k${i % 5}`, `w${i}`, 1_000_100 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    expect(log.logEndOffset).toBeLessThan(cleanedTo)
    const res = cleaner.cleanNow(log)
    expect(res).not.toBeNull()
    const activeBase = log.segments().at(-1)!.baseOffset
    const keys = log.readRecords(0, {}).filter((r) => r.offset < activeBase).map((r) => r.key!.toString())
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('starts a pass only once the dirty share of the cleanable bytes reaches min.cleanable.dirty.ratio', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock, 'compact', { minCleanableDirtyRatio: 0.5 })
    // 40 keys: the cleaned section keeps 40 records, several segments' worth.
    for (let i = 0; i < 120; i++) log.appendAsLeader([kv(`k${i % 40}`, `v${i}`, 1_000_000 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    expect(dirtyRatio(log)).toBe(1) // never cleaned: all dirty
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    expect(cleaner.cleanNow(log)).not.toBeNull()
    expect(dirtyRatio(log)).toBe(0)
    // One new closed segment: a small share of the cleanable bytes, so no pass yet.
    const before = log.segments().length
    let i = 0
    const append = (): void => {
      log.appendAsLeader([kv(`k${i % 40}`, `w${i}`, 1_000_200 + i)], 0)
      i++
      log.updateHighWatermark(log.logEndOffset)
    }
    while (log.segments().length < before + 1) append()
    expect(dirtyRatio(log)).toBeGreaterThan(0)
    expect(dirtyRatio(log)).toBeLessThan(0.5)
    expect(needsCleaning(log, clock.now)).toBe(false)
    expect(cleaner.cleanNow(log)).toBeNull()
    // Enough new data to make the dirty share at least a half: it runs.
    while (dirtyRatio(log) < 0.5) append()
    expect(needsCleaning(log, clock.now)).toBe(true)
    expect(cleaner.cleanNow(log)).not.toBeNull()
  })

  it('never cleans past the high watermark: segments holding unreplicated records stay as written', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    const segs = log.segments()
    expect(segs.length).toBeGreaterThan(3)
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    expect(cleaner.cleanNow(log)).toBeNull() // high watermark 0: nothing is cleanable
    expect(log.readRecords(0, {})).toHaveLength(60)

    // High watermark inside the third segment: only the first two segments may be cleaned.
    const hw = segs[2].baseOffset + 1
    log.updateHighWatermark(hw)
    const res = cleaner.cleanNow(log)!
    expect(res.recordsBefore).toBe(segs[2].baseOffset)
    const after = log.readRecords(0, {})
    expect(after.filter((r) => r.offset >= segs[2].baseOffset).map((r) => r.offset)).toEqual(
      Array.from({ length: 60 - segs[2].baseOffset }, (_, i) => segs[2].baseOffset + i)
    )
    expect(after.filter((r) => r.offset < segs[2].baseOffset).length).toBeLessThan(segs[2].baseOffset)
  })

  it('keeps tombstones until delete.retention.ms has passed, then removes them', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 30; i++) log.appendAsLeader([kv(`k${i % 3}`, `v${i}`, 1_000_000)], 0)
    log.appendAsLeader([kv('k0', null, 1_000_000)], 0)
    for (let i = 0; i < 30; i++) log.appendAsLeader([kv(`other${i}`, 'x'.repeat(20), 1_000_000)], 0)
    const tombstoneOffset = 30
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    const first = cleaner.cleanNow(log)!
    expect(first.tombstonesRemoved).toBe(0)
    const afterFirst = log.readRecords(0, {})
    expect(afterFirst.find((r) => r.offset === tombstoneOffset)?.value).toBeNull()
    expect(afterFirst.some((r) => r.key!.toString() === 'k0' && r.offset < tombstoneOffset)).toBe(false)
    clock.advance(60_001)
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    const second = cleaner.cleanNow(log)!
    expect(second.tombstonesRemoved).toBe(1)
    expect(log.readRecords(0, {}).some((r) => r.key!.toString() === 'k0')).toBe(false)
  })

  it('runs in steps from LogManager.tick while appends and reads go on, and survives a reopen', () => {
    const clock = new ManualClock(1_000_000)
    const logDir = dirs.make()
    const m = LogManager.open(logDir, { backend: create(), clock: clock.fn, cleanerBytesPerStep: 300, log: () => {} })
    const log = m.getOrCreateLog('c', 0, config({ segmentBytes: 700, cleanupPolicy: 'compact,delete', retentionMs: -1 }))
    for (let i = 0; i < 80; i++) log.appendAsLeader([kv(`k${i % 4}`, `v${i}`, 1_000_000 + i)], 0)
    let steps = 0
    let next = 80
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    while (m.tick().cleaning) {
      steps++
      log.appendAsLeader([kv(`k${next % 4}`, `v${next}`, 1_000_000 + next)], 0) // appends go on between steps
      next++
      expect(log.readRecords(log.logEndOffset - 1, {})[0].value!.toString()).toBe(`v${next - 1}`)
    }
    expect(steps).toBeGreaterThan(2)
    expect(log.lastCleaning).not.toBeNull()
    const before = log.readRecords(0, {})
    m.close()
    const again = LogManager.open(logDir, { backend: create(), clock: clock.fn, log: () => {} })
    toClose.push(again)
    expect(again.getLog('c', 0)!.readRecords(0, {})).toEqual(before)
    expect(fs.readdirSync(path.join(logDir, 'c-0')).some((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toBe(false)
  })

  it('persists where cleaning reached (cleaner-offset-checkpoint) and the tombstone deadline, so a reopen neither re-cleans nor forgets a tombstone', () => {
    const clock = new ManualClock(1_000_000)
    const logDir = dirs.make()
    const cfg = config({ segmentBytes: 700, cleanupPolicy: 'compact', deleteRetentionMs: 60_000 })
    const m = LogManager.open(logDir, { backend: create(), clock: clock.fn, configFor: () => cfg, log: () => {} })
    const log = m.getOrCreateLog('c', 0, cfg)
    log.appendAsLeader([kv('gone', 'x', 1_000_000)], 0)
    log.appendAsLeader([kv('gone', null, 1_000_000)], 0) // tombstone, removable delete.retention.ms after its segment's last record
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    while (m.tick().cleaning) {
      /* clean */
    }
    const cleanedTo = log.firstDirtyOffset
    expect(cleanedTo).toBeGreaterThan(0)
    const deadline = log.tombstoneDeadline!
    expect(deadline).toBeGreaterThanOrEqual(1_060_000) // its segment's largest timestamp + delete.retention.ms
    const text = fs.readFileSync(path.join(logDir, 'cleaner-offset-checkpoint'), 'utf8')
    expect(text).toBe(`0\n1\nc 0 ${cleanedTo}\n`) // Kafka's checkpoint format, written right after the pass
    m.close()

    const reopen = (): LogManager => LogManager.open(logDir, { backend: create(), clock: clock.fn, configFor: () => cfg, log: () => {} })
    const again = reopen()
    const log2 = again.getLog('c', 0)!
    expect(log2.firstDirtyOffset).toBe(cleanedTo)
    expect(log2.tombstoneDeadline).toBe(deadline)
    expect(again.tick().cleaning).toBe(false) // nothing dirty: no second pass
    expect(log2.readRecords(0, {}).some((r) => r.key!.toString() === 'gone' && r.value === null)).toBe(true)
    clock.now = deadline
    while (again.tick().cleaning) {
      /* the deadline passed: clean again */
    }
    expect(log2.lastCleaning!.tombstonesRemoved).toBe(1)
    expect(log2.readRecords(0, {}).some((r) => r.key!.toString() === 'gone')).toBe(false)
    again.close()

    // A checkpoint beyond the log end offset is invalid: reset to the log start offset (Kafka does the same).
    fs.writeFileSync(path.join(logDir, 'cleaner-offset-checkpoint'), '0\n1\nc 0 999999\n')
    const third = reopen()
    toClose.push(third)
    expect(third.getLog('c', 0)!.firstDirtyOffset).toBe(third.getLog('c', 0)!.logStartOffset)
  })

  it('with a dedupe buffer too small for the dirty section, cleans in several passes, each up to where its map filled, never losing a key', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock, 'compact', { minCleanableDirtyRatio: 0 }) // every pass runs, however little is dirty
    const lastOf = new Map<string, { offset: number; value: string }>()
    for (let i = 0; i < 120; i++) {
      const key = `k${i % 20}`
      const r = log.appendAsLeader([kv(key, `v${i}`, 1_000_000 + i)], 0)
      lastOf.set(key, { offset: r.firstOffset, value: `v${i}` })
    }
    log.updateHighWatermark(log.logEndOffset)
    const activeBase = log.segments().at(-1)!.baseOffset
    // Room for 12 keys of 3 bytes (27 bytes each): fewer than the 20 keys of the dirty section.
    const cleaner = new LogCleaner({ clock: clock.fn, dedupeBufferBytes: 12 * (3 + MAP_ENTRY_OVERHEAD_BYTES), log: () => {} })
    let passes = 0
    while (cleaner.cleanNow(log) !== null) {
      passes++
      expect(passes).toBeLessThan(50)
      expect(log.firstDirtyOffset).toBeLessThanOrEqual(activeBase)
      // The latest record of every key is still there after every pass.
      const byKey = new Map(log.readRecords(0, {}).map((r) => [r.key!.toString(), r]))
      for (const [k, last] of lastOf) expect([k, byKey.get(k)?.offset, byKey.get(k)?.value?.toString()]).toEqual([k, last.offset, last.value])
    }
    expect(passes).toBeGreaterThan(2)
    expect(log.firstDirtyOffset).toBe(activeBase)
    const closed = log.readRecords(0, {}).filter((r) => r.offset < activeBase)
    const keys = closed.map((r) => r.key!.toString())
    expect(new Set(keys).size).toBe(keys.length) // one record per key below the active segment
  })

  it('refuses to recopy a corrupted batch of the clean section instead of rewriting it with a fresh CRC', () => {
    const { log, cleaner } = cleanedOnce()
    // Flip the last byte of the first batch's value in the first clean segment that kept records.
    const seg = log.segments().find((x) => x.records > 0 && x.baseOffset < log.firstDirtyOffset)!
    const name = `${String(seg.baseOffset).padStart(20, '0')}.log`
    const file = path.join(log.dir, name)
    const fd = fs.openSync(file, 'r+')
    const head = Buffer.alloc(12)
    fs.readSync(fd, head, 0, 12, 0)
    const valueEnd = 12 + head.readInt32BE(8) - 2 // the batch's last byte is the record's header count (0)
    const b = Buffer.alloc(1)
    fs.readSync(fd, b, 0, 1, valueEnd)
    b[0] ^= 0x01
    fs.writeSync(fd, b, 0, 1, valueEnd)
    fs.closeSync(fd)
    // New dirty segments: the next pass recopies the clean section too.
    for (let i = 0; i < 30; i++) log.appendAsLeader([kv(`k${i % 5}`, `w${i}`, 1_000_100 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    expect(() => cleaner.cleanNow(log)).toThrow(new RegExp(`CRC-32C.*${name.replace('.', '\\.')}`))
  })

  it('refuses to clean when one batch needs more offset map than log.cleaner.dedupe.buffer.size, changing nothing', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    log.updateHighWatermark(log.logEndOffset)
    const before = log.readRecords(0, {})
    const cleaner = new LogCleaner({ clock: clock.fn, dedupeBufferBytes: 20, log: () => {} })
    expect(() => cleaner.cleanNow(log)).toThrow(/needs 26 bytes of offset map, more than log\.cleaner\.dedupe\.buffer\.size 20/)
    expect(log.readRecords(0, {})).toEqual(before)
    expect(fs.readdirSync(log.dir).some((f) => f.includes('.cleaned'))).toBe(false)
  })

  it('step() cleans one log at a time (one dedupe buffer), then the next', () => {
    const clock = new ManualClock(1_000_000)
    const logs = [openLog(create(), clock), openLog(create(), clock)]
    for (const log of logs) {
      for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
      log.updateHighWatermark(log.logEndOffset)
    }
    const cleaner = new LogCleaner({ clock: clock.fn, bytesPerStep: 100, log: () => {} })
    const order: number[] = []
    for (let steps = 0; steps < 500 && logs.some((l) => l.lastCleaning === null); steps++) {
      cleaner.step(logs)
      const busy = logs.filter((l) => cleaner.isCleaning(l))
      expect(busy.length).toBeLessThanOrEqual(1)
      if (busy.length === 1 && order.at(-1) !== logs.indexOf(busy[0])) order.push(logs.indexOf(busy[0]))
    }
    expect(order).toEqual([0, 1])
    expect(logs.every((l) => l.lastCleaning !== null)).toBe(true)
  })

  it('clean() runs in setImmediate steps: appends made while it runs land and the result is recorded', async () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    const cleaner = new LogCleaner({ clock: clock.fn, bytesPerStep: 200, log: () => {} })
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    const done = cleaner.clean(log)
    expect(cleaner.isCleaning(log)).toBe(true)
    let appended = 0
    while (cleaner.isCleaning(log)) {
      await new Promise((r) => setImmediate(r))
      log.appendAsLeader([kv('live', `a${appended++}`, 1_000_100)], 0)
    }
    const res = await done
    expect(res).not.toBeNull()
    expect(log.lastCleaning).toEqual(res)
    expect(appended).toBeGreaterThan(2)
    expect(log.logEndOffset).toBe(60 + appended)
    expect(log.readRecords(60, {}).map((r) => r.value!.toString())).toEqual(Array.from({ length: appended }, (_, i) => `a${i}`))
  })

  it('abandons a pass whose segments were truncated away, deleting its .cleaned files', () => {
    const clock = new ManualClock(1_000_000)
    const log = openLog(create(), clock)
    for (let i = 0; i < 60; i++) log.appendAsLeader([kv(`k${i % 5}`, `v${i}`, 1_000_000 + i)], 0)
    const cleaner = new LogCleaner({ clock: clock.fn, bytesPerStep: 100, log: () => {} })
    log.updateHighWatermark(log.logEndOffset) // replicas caught up: cleanable up to here
    expect(cleaner.step([log])).toBe(true)
    log.truncateTo(10)
    while (cleaner.step([log])) {
      /* run out */
    }
    expect(log.lastCleaning).toBeNull()
    expect(fs.readdirSync(log.dir).some((f) => f.includes('.cleaned'))).toBe(false)
    expect(log.readRecords(0, {}).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i))
  })
})

describe.each(backends)('cleaner swap recovery on the $name backend', ({ create }) => {
  it('completes a swap interrupted by a crash: the .swap segment replaces the originals at the next open', () => {
    const clock = new ManualClock(1_000_000)
    const root = dirs.make()
    const dirA = path.join(root, 'a', 'c-0')
    const c = config({ segmentBytes: 700, cleanupPolicy: 'compact' })
    const log = UnifiedLog.open(dirA, c, { backend: create(), clock: clock.fn })
    for (let i = 0; i < 40; i++) log.appendAsLeader([kv(`k${i % 3}`, `v${i}`, 1_000_000 + i)], 0)
    const original = log.readRecords(0, {})
    log.close()
    const dirB = path.join(root, 'b', 'c-0')
    fs.cpSync(dirA, dirB, { recursive: true })
    const logA = UnifiedLog.open(dirA, c, { backend: create(), clock: clock.fn })
    toClose.push(logA)
    new LogCleaner({ clock: clock.fn, log: () => {} }).cleanNow(logA)
    const first = logA.segmentList()[0]
    const cleanedFirst = logA.readRecords(0, {}).filter((r) => r.offset < logA.segmentList()[1].baseOffset)
    // B = the originals plus A's cleaned first segment under .swap names: a crash between the
    // rename to .swap and the deletion of the originals.
    for (const sfx of ['.log', '.index', '.timeindex']) {
      const name = path.basename(first.log.path).replace('.log', sfx)
      fs.copyFileSync(path.join(dirA, name), path.join(dirB, `${name}.swap`))
    }
    const lines: string[] = []
    const logB = UnifiedLog.open(dirB, c, { backend: create(), clock: clock.fn, log: (l) => lines.push(l) })
    toClose.push(logB)
    expect(lines.some((l) => l.includes('interrupted segment swap'))).toBe(true)
    expect(fs.readdirSync(dirB).some((f) => f.endsWith('.swap'))).toBe(false)
    const recsB = logB.readRecords(0, {})
    const secondBase = logB.segmentList()[1].baseOffset
    expect(recsB.filter((r) => r.offset < secondBase)).toEqual(cleanedFirst)
    const byOffset = new Map(original.map((r) => [r.offset, r]))
    for (const r of recsB) expect(r).toEqual(byOffset.get(r.offset))
    expect(logB.logEndOffset).toBe(40)
  })
})
