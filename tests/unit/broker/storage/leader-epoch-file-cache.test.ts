/**
 * LeaderEpochFileCache against Kafka's own expectations (core/src/test/scala/unit/kafka/server/epoch/
 * LeaderEpochFileCacheTest.scala, cases restated here), the OffsetsForLeaderEpoch answers of the
 * KIP-101 scenarios, and the `leader-epoch-checkpoint` file it keeps, byte for byte.
 */
import * as fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { LeaderEpochCheckpointFile } from '../../../../src/broker/storage/leader-epoch-checkpoint-file'
import { LeaderEpochFileCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../../../../src/broker/storage/leader-epoch-file-cache'
import { tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const UNDEFINED = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
const end = (epoch: number, endOffset: number): { epoch: number; endOffset: number } => ({ epoch, endOffset })
const entries = (...pairs: [number, number][]): { epoch: number; startOffset: number }[] => pairs.map(([epoch, startOffset]) => ({ epoch, startOffset }))

function newCache(): { cache: LeaderEpochFileCache; file: LeaderEpochCheckpointFile; lines: string[] } {
  const file = new LeaderEpochCheckpointFile(dirs.make())
  const lines: string[] = []
  return { cache: new LeaderEpochFileCache(file, [], (l) => lines.push(l)), file, lines }
}

describe('LeaderEpochFileCache.assign', () => {
  it('records an epoch at its first offset and answers its end offset as the log end offset while it is the latest', () => {
    const { cache } = newCache()
    cache.assign(2, 10)
    expect(cache.latestEpoch).toBe(2)
    expect(cache.epochEntries()).toEqual(entries([2, 10]))
    expect(cache.endOffsetFor(2, 11)).toEqual(end(2, 11))
  })

  it('never moves an epoch to a later start offset once assigned', () => {
    const { cache } = newCache()
    cache.assign(2, 6)
    expect(cache.assign(2, 10)).toBe(false)
    expect(cache.epochEntries()).toEqual(entries([2, 6]))
  })

  it('a new epoch at the same offset replaces the one that wrote nothing', () => {
    const { cache, lines } = newCache()
    cache.assign(2, 9)
    cache.assign(3, 9)
    expect(cache.epochEntries()).toEqual(entries([3, 9]))
    expect(lines).toEqual([]) // an epoch that wrote nothing goes silently
  })

  it('keeps epochs and offsets increasing: an older epoch, or a newer one at a lower offset, drops what contradicts it (logged)', () => {
    const { cache, lines } = newCache()
    cache.assign(1, 5)
    cache.assign(2, 6)
    cache.assign(1, 7)
    expect(cache.latestEpoch).toBe(1)
    expect(cache.epochEntries()).toEqual(entries([1, 7]))
    expect(cache.endOffsetFor(1, 8)).toEqual(end(1, 8))
    expect(cache.endOffsetFor(2, 8)).toEqual(UNDEFINED)
    expect(lines.some((l) => l.includes('(1, 7) truncated conflicting entries (1, 5) (2, 6)'))).toBe(true)

    const b = newCache().cache
    b.assign(2, 6)
    b.assign(3, 5)
    expect(b.epochEntries()).toEqual(entries([3, 5]))
  })

  it('an epoch reassigned at an earlier offset drops the later entries', () => {
    const { cache } = newCache()
    cache.assign(5, 11)
    cache.assign(6, 12)
    cache.assign(7, 13)
    cache.assign(7, 12)
    expect(cache.endOffsetFor(5, 0)).toEqual(end(5, 12))
    expect(cache.endOffsetFor(6, 0)).toEqual(end(5, 12))
  })

  it('refuses a negative epoch or offset', () => {
    const { cache } = newCache()
    expect(() => cache.assign(-1, 0)).toThrow(/invalid leader epoch entry \(epoch -1, start offset 0\)/)
    expect(() => cache.assign(0, -5)).toThrow(RangeError)
    expect(cache.epochEntries()).toEqual([])
  })
})

describe('LeaderEpochFileCache.endOffsetFor (OffsetsForLeaderEpoch)', () => {
  it('answers UNDEFINED for UNDEFINED_EPOCH, an empty cache, and an epoch above the latest', () => {
    const { cache } = newCache()
    expect(cache.endOffsetFor(UNDEFINED_EPOCH, 73)).toEqual(UNDEFINED)
    expect(cache.endOffsetFor(0, 0)).toEqual(UNDEFINED)
    expect(cache.endOffsetFor(7, 0)).toEqual(UNDEFINED)
    cache.assign(2, 11)
    cache.assign(3, 12)
    expect(cache.endOffsetFor(UNDEFINED_EPOCH, 0)).toEqual(UNDEFINED)
    expect(cache.endOffsetFor(4, 100)).toEqual(UNDEFINED)
  })

  it('gives an earlier epoch the start offset of the next epoch, and an epoch with no entry the largest epoch below it', () => {
    const { cache } = newCache()
    cache.assign(0, 10)
    cache.assign(2, 13)
    cache.assign(4, 17)
    expect(cache.endOffsetFor(1, 0)).toEqual(end(0, 13))
    expect(cache.endOffsetFor(2, 0)).toEqual(end(2, 17))
    expect(cache.endOffsetFor(3, 0)).toEqual(end(2, 17))
    expect(cache.endOffsetFor(4, 20)).toEqual(end(4, 20))
  })

  it('gives an epoch below the first the first start offset (the data before it is gone)', () => {
    const { cache } = newCache()
    cache.assign(5, 11)
    cache.assign(6, 12)
    cache.assign(7, 13)
    expect(cache.endOffsetFor(4, 0)).toEqual(end(4, 11))
  })

  it('tracks epochs as leaders change many times', () => {
    const { cache } = newCache()
    cache.assign(0, 0)
    cache.assign(1, 0)
    expect(cache.latestEpoch).toBe(1)
    expect(cache.endOffsetFor(1, 0)).toEqual(end(1, 0))
    expect(cache.endOffsetFor(0, 0)).toEqual(end(0, 0)) // epoch 0 wrote nothing: it ended where epoch 1 starts
    expect(cache.endOffsetFor(1, 5)).toEqual(end(1, 5))
    cache.assign(2, 5)
    expect(cache.endOffsetFor(2, 10)).toEqual(end(2, 10))
    expect(cache.endOffsetFor(1, 10)).toEqual(end(1, 5))
    expect(cache.endOffsetFor(0, 10)).toEqual(end(0, 0))
  })

  it('tracks epochs as a follower receives batches one by one', () => {
    const { cache } = newCache()
    for (let o = 0; o < 9; o++) cache.assign(Math.floor(o / 3), o)
    expect(cache.epochEntries()).toEqual(entries([0, 0], [1, 3], [2, 6]))
    expect(cache.endOffsetFor(2, 9)).toEqual(end(2, 9))
    expect(cache.endOffsetFor(0, 9)).toEqual(end(0, 3))
    expect(cache.endOffsetFor(1, 9)).toEqual(end(1, 6))
  })

  it('KIP-101 scenario 1: a follower that restarted keeps what its leader still has (its epoch ended at the leader log end)', () => {
    // Leader A and follower B both wrote m1, m2 (offsets 0, 1) in epoch 0; B restarted before it
    // learnt the high watermark moved past 1. With high watermark truncation B would drop m2 and,
    // if it then led, lose it; with epochs B asks A where epoch 0 ended.
    const leaderA = newCache().cache
    leaderA.assign(0, 0)
    const answer = leaderA.endOffsetFor(0, 2)
    expect(answer).toEqual(end(0, 2))
    // B truncates to min(its log end offset 2, the answer 2): nothing is lost.
    expect(Math.min(2, answer.endOffset)).toBe(2)
  })

  it('KIP-101 scenario 2: a replica that diverged while the other led truncates exactly to the divergence point', () => {
    // A wrote m1, m2 (0, 1) in epoch 0; B had only m1 when both crashed. B came back first, led in
    // epoch 1 and wrote m3 at offset 1. A returns as a follower with m2 at offset 1.
    const leaderB = newCache().cache
    leaderB.assign(0, 0)
    leaderB.assign(1, 1)
    const followerA = newCache().cache
    followerA.assign(0, 0)
    const answer = leaderB.endOffsetFor(followerA.latestEpoch!, 2)
    expect(answer).toEqual(end(0, 1))
    // A truncates to offset 1 (m2 goes), then fetches m3 from B: the replicas agree again.
    followerA.truncateFromEnd(answer.endOffset)
    followerA.assign(1, 1)
    expect(followerA.epochEntries()).toEqual(leaderB.epochEntries())
  })
})

describe('LeaderEpochFileCache truncation and lookups', () => {
  function threeEpochs(): LeaderEpochFileCache {
    const { cache } = newCache()
    cache.assign(2, 6)
    cache.assign(3, 8)
    cache.assign(4, 11)
    return cache
  }

  it('truncateFromEnd drops every entry starting at or after the offset', () => {
    const a = threeEpochs()
    a.truncateFromEnd(8)
    expect(a.epochEntries()).toEqual(entries([2, 6]))
    const b = threeEpochs()
    b.truncateFromEnd(9)
    expect(b.latestEpoch).toBe(3)
    expect(b.epochEntries()).toEqual(entries([2, 6], [3, 8]))
    const c = threeEpochs()
    c.truncateFromEnd(UNDEFINED_EPOCH_OFFSET)
    expect(c.epochEntries()).toHaveLength(3)
  })

  it('truncateFromStart keeps the epoch holding the new start, moved up to it', () => {
    const cases: [number, [number, number][]][] = [
      [1, [[2, 6], [3, 8], [4, 11]]],
      [6, [[2, 6], [3, 8], [4, 11]]],
      [8, [[3, 8], [4, 11]]],
      [9, [[3, 9], [4, 11]]],
      [11, [[4, 11]]],
      [15, [[4, 15]]],
      [UNDEFINED_EPOCH_OFFSET, [[2, 6], [3, 8], [4, 11]]]
    ]
    for (const [start, want] of cases) {
      const c = threeEpochs()
      c.truncateFromStart(start)
      expect(c.epochEntries(), `truncateFromStart(${start})`).toEqual(entries(...want))
    }
  })

  it('truncating an empty cache does nothing, and clearAndFlush empties it', () => {
    const { cache } = newCache()
    cache.truncateFromStart(7)
    cache.truncateFromEnd(7)
    expect(cache.epochEntries()).toEqual([])
    const c = threeEpochs()
    c.clearAndFlush()
    expect(c.epochEntries()).toEqual([])
    expect(c.latestEpoch).toBeNull()
  })

  it('epochForOffset gives the epoch that wrote an offset, or null below the first entry', () => {
    const { cache } = newCache()
    cache.assign(0, 10)
    cache.assign(1, 20)
    cache.assign(5, 30)
    expect(cache.epochForOffset(25)).toBe(1)
    expect(cache.epochForOffset(20)).toBe(1)
    expect(cache.epochForOffset(30)).toBe(5)
    expect(cache.epochForOffset(50)).toBe(5)
    expect(cache.epochForOffset(5)).toBeNull()
  })
})

describe('the leader-epoch-checkpoint a cache keeps', () => {
  it('is written on every change, in Kafka\'s format, and a new cache over it has the same entries', () => {
    const { cache, file } = newCache()
    cache.assign(2, 6)
    expect(fs.readFileSync(file.file, 'utf8')).toBe('0\n1\n2 6\n')
    cache.assign(3, 8)
    cache.assign(4, 11)
    expect(fs.readFileSync(file.file, 'utf8')).toBe('0\n3\n2 6\n3 8\n4 11\n')
    cache.truncateFromEnd(11)
    cache.truncateFromStart(8)
    expect(fs.readFileSync(file.file, 'utf8')).toBe('0\n1\n3 8\n')
    expect(file.read()).toEqual(entries([3, 8]))
    const again = new LeaderEpochFileCache(file, file.read()!)
    expect(again.epochEntries()).toEqual(entries([3, 8]))
    cache.clearAndFlush()
    expect(fs.readFileSync(file.file, 'utf8')).toBe('0\n0\n')
  })

  it('is not rewritten when nothing changed', () => {
    const { cache, file } = newCache()
    cache.assign(2, 6)
    fs.rmSync(file.file)
    cache.assign(2, 9) // the same epoch later: no change
    cache.truncateFromEnd(100)
    cache.truncateFromStart(3)
    cache.truncateFromStart(6) // the first entry already starts there
    expect(fs.existsSync(file.file)).toBe(false)
  })
})
