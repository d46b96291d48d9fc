/**
 * UnifiedLog keeps its leader-epoch cache in step with the log (KIP-101, KIP-279): leader appends
 * stamp the epoch on the batches and start epochs, follower appends take them from the batches,
 * truncation, log start moves and full truncation cut the cache, recovery rebuilds it from the
 * batches when the checkpoint is missing or garbage, and the KIP-101 scenarios end with identical
 * replicas when followers truncate by the leader's endOffsetForEpoch.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeRecordBatches } from '../../../../src/broker/codec/record-batch'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { LEADER_EPOCH_CHECKPOINT } from '../../../../src/broker/storage/leader-epoch-checkpoint-file'
import { LogCleaner } from '../../../../src/broker/storage/log-cleaner'
import type { LogConfig, StorageBackend } from '../../../../src/broker/storage/storage-types'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const open: UnifiedLog[] = []
afterEach(() => {
  for (const l of open.splice(0)) l.close()
  dirs.cleanup()
})

const entries = (...pairs: [number, number][]): { epoch: number; startOffset: number }[] => pairs.map(([epoch, startOffset]) => ({ epoch, startOffset }))

describe.each(backends)('UnifiedLog leader epochs on the $name backend', ({ create }) => {
  function openLog(dir: string, c: Partial<LogConfig> = {}, opts: { backend?: StorageBackend; hadCleanShutdown?: boolean; clock?: ManualClock; lines?: string[] } = {}): UnifiedLog {
    const lines = opts.lines
    const log = UnifiedLog.open(dir, config(c), {
      backend: opts.backend ?? create(),
      clock: (opts.clock ?? new ManualClock()).fn,
      hadCleanShutdown: opts.hadCleanShutdown,
      log: lines ? (l) => lines.push(l) : () => {}
    })
    open.push(log)
    return log
  }
  function closeLog(log: UnifiedLog): void {
    log.close()
    open.splice(open.indexOf(log), 1)
  }
  /** Every batch of the log, decoded (readBatches reads one segment at a time). */
  function allBatches(log: UnifiedLog): ReturnType<typeof decodeRecordBatches> {
    const out: ReturnType<typeof decodeRecordBatches> = []
    for (let next = log.logStartOffset; next < log.logEndOffset; ) {
      const bs = decodeRecordBatches(log.readBatches(next, 1 << 24))
      out.push(...bs)
      next = bs[bs.length - 1].lastOffset + 1
    }
    return out
  }
  const epochsOnDisk = (log: UnifiedLog): number[] => allBatches(log).map((b) => b.partitionLeaderEpoch)
  const checkpointText = (dir: string): string => fs.readFileSync(path.join(dir, LEADER_EPOCH_CHECKPOINT), 'utf8')

  it('a leader append stamps its epoch on the batches and starts the epoch at its first offset, in the checkpoint file', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir)
    expect(checkpointText(dir)).toBe('0\n0\n') // written at creation
    expect(log.latestEpoch).toBeNull()
    log.appendAsLeader(records(3, 0), 0)
    log.appendAsLeader(records(2, 3), 0)
    log.appendAsLeader(records(4, 5), 3)
    expect(epochsOnDisk(log)).toEqual([0, 0, 3])
    expect(log.epochEntries()).toEqual(entries([0, 0], [3, 5]))
    expect(log.latestEpoch).toBe(3)
    expect(checkpointText(dir)).toBe('0\n2\n0 0\n3 5\n')
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 5 })
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 9 })
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: -1, endOffset: -1 })
    expect(log.epochForOffset(7)).toBe(3)
    closeLog(log)
    const again = openLog(dir)
    expect(again.epochEntries()).toEqual(entries([0, 0], [3, 5]))
  })

  it('refuses a leader epoch that is not an int32 >= 0, writing nothing', () => {
    const log = openLog(path.join(dirs.make(), 't-0'))
    expect(() => log.appendAsLeader(records(1), -1)).toThrow(/leader epoch -1 must be an int32 >= 0/)
    expect(log.logEndOffset).toBe(0)
    expect(log.epochEntries()).toEqual([])
  })

  it('a follower keeps the leader epochs of the batches it copies and ends with the same cache as its leader', () => {
    const leader = openLog(path.join(dirs.make(), 'leader-0'), { segmentBytes: 1200 })
    const follower = openLog(path.join(dirs.make(), 'follower-0'), { segmentBytes: 1200 })
    for (let i = 0; i < 12; i++) leader.appendAsLeader(records(5, i * 5), Math.floor(i / 4) * 2)
    let next = 0
    while (next < leader.logEndOffset) next = follower.appendAsFollower(leader.readBatches(next, 600)).lastOffset + 1
    expect(leader.epochEntries()).toEqual(entries([0, 0], [2, 20], [4, 40]))
    expect(follower.epochEntries()).toEqual(leader.epochEntries())
    expect(epochsOnDisk(follower)).toEqual(epochsOnDisk(leader))
  })

  it('batches without a recorded epoch (-1, as older Brokerlabs wrote them) start no epoch', () => {
    const follower = openLog(path.join(dirs.make(), 'f-0'))
    const other = openLog(path.join(dirs.make(), 'o-0'))
    other.appendAsLeader(records(2), 0)
    const b = Buffer.from(other.readBatches(0, 1 << 20))
    b.writeInt32BE(-1, 12) // partitionLeaderEpoch lies outside the CRC
    follower.appendAsFollower(b)
    expect(follower.logEndOffset).toBe(2)
    expect(follower.epochEntries()).toEqual([])
  })

  it('truncation drops the epochs at or after the new log end offset, a batch cut in the middle included', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir, { segmentBytes: 800 })
    log.appendAsLeader(records(10, 0), 0)
    log.appendAsLeader(records(10, 10), 1)
    log.appendAsLeader(records(10, 20), 2)
    log.truncateTo(25) // inside epoch 2's batch 20..29: the batch goes whole, so does epoch 2
    expect(log.logEndOffset).toBe(20)
    expect(log.epochEntries()).toEqual(entries([0, 0], [1, 10]))
    expect(checkpointText(dir)).toBe('0\n2\n0 0\n1 10\n')
    log.appendAsLeader(records(1, 20), 5)
    expect(log.epochEntries()).toEqual(entries([0, 0], [1, 10], [5, 20]))
  })

  it('an epoch started without records (its append failed: a full disk) is dropped by a truncation at or beyond the log end offset, as Kafka does', () => {
    const backend = new FaultInjectingBackend(create())
    const log = openLog(path.join(dirs.make(), 't-0'), {}, { backend })
    log.appendAsLeader(records(3), 0)
    const heal = backend.inject({ op: 'write', code: 'ENOSPC', pathIncludes: '.log' })
    expect(() => log.appendAsLeader(records(2, 3), 1)).toThrow(/ENOSPC|No space left/)
    heal()
    expect(log.logEndOffset).toBe(3)
    expect(log.latestEpoch).toBe(1) // assigned before the write, as Kafka does
    log.truncateTo(10)
    expect(log.epochEntries()).toEqual(entries([0, 0]))
  })

  it('moving the log start offset drops the epochs wholly below it and moves the first one up', () => {
    const dir = path.join(dirs.make(), 't-0')
    const clock = new ManualClock(1_700_000_000_000)
    const log = openLog(dir, { segmentBytes: 600, retentionMs: 1000 }, { clock })
    for (let i = 0; i < 10; i++) log.appendAsLeader(records(5, i * 5, 1_700_000_000_000), i < 5 ? 0 : 1)
    log.updateHighWatermark(log.logEndOffset)
    log.maybeIncrementLogStartOffset(12)
    expect(log.epochEntries()).toEqual(entries([0, 12], [1, 25]))
    log.maybeIncrementLogStartOffset(30)
    expect(log.epochEntries()).toEqual(entries([1, 30]))
    expect(checkpointText(dir)).toBe('0\n1\n1 30\n')
    // Retention deleting segments moves it too.
    const deleted = log.deleteOldSegments(() => true)
    expect(deleted).toBeGreaterThan(0)
    expect(log.epochEntries()).toEqual(entries([1, log.logStartOffset]))
  })

  it('a full truncation (a follower behind its leader\'s log start) clears the cache', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir)
    log.appendAsLeader(records(3), 4)
    log.truncateFullyAndStartAt(100)
    expect(log.epochEntries()).toEqual([])
    expect(checkpointText(dir)).toBe('0\n0\n')
  })

  it.each([
    ['missing', null],
    ['garbage', 'epochs!\n'],
    ['negative-epoch', '0\n1\n-3 0\n']
  ])('a %s leader-epoch-checkpoint is rebuilt from the batches at open and written again', (_what, text) => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir, { segmentBytes: 700 })
    for (let i = 0; i < 9; i++) log.appendAsLeader(records(4, i * 4), [0, 0, 2, 2, 2, 7, 7, 9, 9][i])
    const want = log.epochEntries()
    expect(want).toEqual(entries([0, 0], [2, 8], [7, 20], [9, 28]))
    closeLog(log)
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT)
    if (text === null) fs.rmSync(file)
    else fs.writeFileSync(file, text)
    const lines: string[] = []
    const again = openLog(dir, { segmentBytes: 700 }, { lines })
    expect(again.epochEntries()).toEqual(want)
    expect(checkpointText(dir)).toBe('0\n4\n0 0\n2 8\n7 20\n9 28\n')
    if (text !== null) expect(lines.some((l) => l.includes(file) && l.includes('rebuilding the leader epoch cache from the batches'))).toBe(true)
  })

  it('recovery that cuts a torn tail also cuts the epochs that started in it', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir)
    log.appendAsLeader(records(5, 0), 0)
    log.appendAsLeader(records(5, 5), 1)
    closeLog(log)
    // Tear the last batch (epoch 1's only one) as a crash mid-write would.
    const seg = path.join(dir, '00000000000000000000.log')
    const bytes = fs.readFileSync(seg)
    const firstBatch = bytes.readInt32BE(8) + 12
    fs.truncateSync(seg, firstBatch + 30)
    const again = openLog(dir, {}, { hadCleanShutdown: false })
    expect(again.logEndOffset).toBe(5)
    expect(again.epochEntries()).toEqual(entries([0, 0]))
    expect(checkpointText(dir)).toBe('0\n1\n0 0\n')
  })

  it('recoverFrom (a corrupt batch read at run time) cuts the epochs with the log', () => {
    const dir = path.join(dirs.make(), 't-0')
    const log = openLog(dir)
    log.appendAsLeader(records(5, 0), 0)
    log.appendAsLeader(records(5, 5), 1)
    log.flush()
    const seg = path.join(dir, '00000000000000000000.log')
    const fd = fs.openSync(seg, 'r+')
    const firstBatch = fs.readFileSync(seg).readInt32BE(8) + 12
    fs.writeSync(fd, Buffer.from([0xee]), 0, 1, firstBatch + 70) // inside the second batch's records
    fs.closeSync(fd)
    closeLog(log)
    const again = openLog(dir)
    expect(again.recoverFrom(0)).toBe(5)
    expect(again.epochEntries()).toEqual(entries([0, 0]))
  })

  it('compaction keeps each batch its leader epoch, so a cache rebuilt from the batches is the same', () => {
    const dir = path.join(dirs.make(), 'c-0')
    const clock = new ManualClock(10_000)
    const log = openLog(dir, { segmentBytes: 700, cleanupPolicy: 'compact' }, { clock })
    for (let i = 0; i < 30; i++) {
      const epoch = Math.floor(i / 10)
      log.appendAsLeader([{ key: Buffer.from(`e${epoch}-k${i % 3}`), value: Buffer.from(`v${i}`), timestamp: 10_000 + i }], epoch)
    }
    log.updateHighWatermark(log.logEndOffset)
    expect(new LogCleaner({ clock: clock.fn, log: () => {} }).cleanNow(log)).not.toBeNull()
    expect(log.readRecords(0, {}).length).toBeLessThan(30)
    const kept = allBatches(log).map((b) => [b.baseOffset, b.partitionLeaderEpoch])
    expect(kept.length).toBeLessThan(30)
    for (const [base, epoch] of kept) expect(epoch).toBe(Math.floor(base / 10))
    expect(log.epochEntries()).toEqual(entries([0, 0], [1, 10], [2, 20]))
    closeLog(log)
    fs.rmSync(path.join(dir, LEADER_EPOCH_CHECKPOINT))
    const again = openLog(dir, { segmentBytes: 700, cleanupPolicy: 'compact' }, { clock })
    // Every epoch is still known; each starts at its first batch that survived the cleaning.
    const firstOf = (epoch: number): number => kept.find(([, e]) => e === epoch)![0]
    expect(again.epochEntries()).toEqual(entries([0, firstOf(0)], [1, firstOf(1)], [2, firstOf(2)]))
  })
})

describe.each(backends)('the KIP-101 scenarios on the $name backend', ({ create }) => {
  function replica(name: string): UnifiedLog {
    const log = UnifiedLog.open(path.join(dirs.make(), `${name}-0`), config(), { backend: create(), clock: () => 1_700_000_000_000, log: () => {} })
    open.push(log)
    return log
  }
  /** A follower's catch-up after it became a follower: truncate to where its last epoch ended on the leader, then fetch. */
  function becomeFollower(follower: UnifiedLog, leader: UnifiedLog): void {
    const latest = follower.latestEpoch
    if (latest !== null) {
      const { endOffset } = leader.endOffsetForEpoch(latest)
      if (endOffset >= 0) follower.truncateTo(Math.min(endOffset, follower.logEndOffset))
    }
    while (follower.logEndOffset < leader.logEndOffset) follower.appendAsFollower(leader.readBatches(follower.logEndOffset, 1 << 20))
  }
  const values = (log: UnifiedLog): string[] => log.readRecords(0, {}).map((r) => r.value!.toString())
  const one = (v: string): { key: null; value: Buffer; timestamp: number }[] => [{ key: null, value: Buffer.from(v), timestamp: 1_700_000_000_000 }]

  it('scenario 1: a follower that restarted before learning the high watermark keeps m2, which the old high watermark truncation lost', () => {
    const a = replica('a')
    const b = replica('b')
    a.appendAsLeader(one('m1'), 0)
    a.appendAsLeader(one('m2'), 0)
    b.appendAsFollower(a.readBatches(0, 1 << 20)) // b has m1, m2
    a.updateHighWatermark(2) // acknowledged to the producer; b's high watermark is still 1
    b.updateHighWatermark(1)
    // b restarts and follows a again: by epoch it keeps m2 (high watermark truncation would cut to 1).
    becomeFollower(b, a)
    expect(values(b)).toEqual(['m1', 'm2'])
    // a dies; b leads in epoch 1 and a follows it: nothing acknowledged is lost, the replicas agree.
    b.appendAsLeader(one('m3'), 1)
    becomeFollower(a, b)
    expect(values(a)).toEqual(['m1', 'm2', 'm3'])
    expect(values(a)).toEqual(values(b))
    expect(a.epochEntries()).toEqual(b.epochEntries())
  })

  it('scenario 2: replicas that diverged after both crashed end identical, the new leader\'s m3 replacing the unacknowledged m2', () => {
    const a = replica('a')
    const b = replica('b')
    a.appendAsLeader(one('m1'), 0)
    b.appendAsFollower(a.readBatches(0, 1 << 20))
    a.appendAsLeader(one('m2'), 0) // b never got it; high watermark 1: m2 was not acknowledged
    // Both crash; b comes back first and leads in epoch 1, writing m3 at offset 1.
    b.appendAsLeader(one('m3'), 1)
    // a returns as b's follower. Truncating to its high watermark (1) would keep it consistent only by
    // luck of offsets; the epoch answer says exactly where a's epoch 0 ended on b: offset 1.
    expect(b.endOffsetForEpoch(a.latestEpoch!)).toEqual({ epoch: 0, endOffset: 1 })
    becomeFollower(a, b)
    expect(values(a)).toEqual(['m1', 'm3'])
    expect(values(a)).toEqual(values(b))
    expect(a.readBatches(0, 1 << 20).equals(b.readBatches(0, 1 << 20))).toBe(true)
  })
})
