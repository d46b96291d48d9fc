import * as fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { LogSegment, segmentFilePath } from '../../../../src/broker/storage/log-segment'
import { RecordBatchBuilder, decodeRecordBatches } from '../../../../src/broker/codec/record-batch'
import { backends } from './backends'
import { config, records, tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

function fill(seg: LogSegment, batches: number, perBatch: number, base: number, valueBytes = 100): void {
  const b = new RecordBatchBuilder()
  for (let i = 0; i < batches; i++) {
    const off = base + i * perBatch
    const buf = b.encode(off, records(perBatch, off, 1_000_000, valueBytes))
    seg.append(buf, b.lastOffset, b.maxTimestamp, b.count)
  }
}

describe.each(backends)('LogSegment on the $name backend', ({ create }) => {
  it('adds an index entry per index.interval.bytes and translates offsets to batch positions', () => {
    const dir = dirs.make()
    const seg = LogSegment.open(dir, 50, config({ indexIntervalBytes: 1000 }), create(), { writable: true, now: 0 })
    fill(seg, 40, 5, 50) // ~600-byte batches
    expect(seg.nextOffset()).toBe(250)
    expect(seg.offsetIndex.entries).toBeGreaterThan(10)
    expect(seg.offsetIndex.entries).toBeLessThan(40)
    for (const target of [50, 51, 99, 100, 173, 249]) {
      const t = seg.translateOffset(target)!
      expect(t.baseOffset).toBeLessThanOrEqual(target)
      expect(t.lastOffset).toBeGreaterThanOrEqual(target)
      expect(t.lastOffset - t.baseOffset).toBe(4)
    }
    expect(seg.translateOffset(250)).toBeNull()
    seg.close()
  })

  it('reads whole batches up to maxSize, at least one, stopping before maxOffset', () => {
    const seg = LogSegment.open(dirs.make(), 0, config(), create(), { writable: true, now: 0 })
    fill(seg, 10, 10, 0)
    const one = seg.read(0, 10, undefined, true)!
    expect(decodeRecordBatches(one).map((b) => b.baseOffset)).toEqual([0])
    const sizes = decodeRecordBatches(seg.read(0, 1 << 20)!).map((b) => b.sizeBytes)
    const some = seg.read(25, sizes[2] + sizes[3] + sizes[4] + 5)!
    expect(decodeRecordBatches(some).map((b) => b.baseOffset)).toEqual([20, 30, 40])
    const capped = seg.read(25, 1 << 20, 60)!
    expect(decodeRecordBatches(capped).map((b) => b.baseOffset)).toEqual([20, 30, 40, 50])
    expect(seg.read(25, 1 << 20, 29)!.length).toBe(0)
    seg.close()
  })

  it('reads from a just-appended batch (remembered position) the same bytes as through the index after a reopen', () => {
    const dir = dirs.make()
    const seg = LogSegment.open(dir, 0, config({ indexIntervalBytes: 500 }), create(), { writable: true, now: 0 })
    fill(seg, 30, 10, 0)
    const remembered = [0, 150, 280, 290].map((o) => seg.read(o, 3000, 300)!)
    seg.close()
    const reopened = LogSegment.open(dir, 0, config({ indexIntervalBytes: 500 }), create(), { writable: true, now: 0 })
    const looked = [0, 150, 280, 290].map((o) => reopened.read(o, 3000, 300)!)
    expect(remembered.map((b) => decodeRecordBatches(b).map((x) => x.baseOffset))).toEqual([[0, 10], [150, 160], [280, 290], [290]])
    for (let i = 0; i < looked.length; i++) expect(remembered[i].equals(looked[i])).toBe(true)
    reopened.close()
  })

  it('after a truncation and appends with other batch boundaries, reads at offsets that began a batch before return the batch holding them now', () => {
    const seg = LogSegment.open(dirs.make(), 0, config(), create(), { writable: true, now: 0 })
    fill(seg, 3, 10, 0) // batches 0-9, 10-19, 20-29
    expect(decodeRecordBatches(seg.read(20, 1 << 20)!).map((b) => b.baseOffset)).toEqual([20])
    seg.truncateTo(10)
    fill(seg, 1, 5, 10) // 10-14
    fill(seg, 1, 15, 15) // 15-29: offset 20 now sits inside a batch
    const read = decodeRecordBatches(seg.read(20, 1 << 20)!)
    expect(read.map((b) => [b.baseOffset, b.lastOffset])).toEqual([[15, 29]])
    expect(decodeRecordBatches(seg.read(10, 1 << 20)!).map((b) => b.baseOffset)).toEqual([10, 15])
    seg.close()
  })

  it('finds the first offset at or after a timestamp and truncates at batch boundaries', () => {
    const seg = LogSegment.open(dirs.make(), 0, config({ indexIntervalBytes: 500 }), create(), { writable: true, now: 0 })
    fill(seg, 20, 10, 0) // record i has timestamp 1_000_000 + i
    expect(seg.findOffsetByTimestamp(1_000_000)).toBe(0)
    expect(seg.findOffsetByTimestamp(1_000_123)).toBe(123)
    expect(seg.findOffsetByTimestamp(1_000_199)).toBe(199)
    expect(seg.findOffsetByTimestamp(1_000_200)).toBeNull()
    const removed = seg.truncateTo(105)
    expect(removed).toBeGreaterThan(0)
    expect(seg.nextOffset()).toBe(100)
    expect(seg.maxTimestamp()).toBe(1_000_099)
    expect(seg.findOffsetByTimestamp(1_000_150)).toBeNull()
    seg.close()
  })

  it('rebuilds its indexes from the log when an index entry disagrees with it', () => {
    const dir = dirs.make()
    const c = config({ indexIntervalBytes: 500 })
    const seg = LogSegment.open(dir, 0, c, create(), { writable: true, now: 0 })
    fill(seg, 20, 10, 0)
    seg.close()
    const idxPath = segmentFilePath(dir, 0, '.index')
    const idx = fs.readFileSync(idxPath)
    idx.writeInt32BE(idx.readInt32BE(4 * 8 + 4) + 7, 4 * 8 + 4) // entry 4 points 7 bytes too far
    fs.writeFileSync(idxPath, idx)
    const again = LogSegment.open(dir, 0, c, create(), { writable: false, now: 0 })
    for (let off = 0; off < 200; off += 7) {
      const t = again.translateOffset(off)!
      expect(t.baseOffset).toBe(off - (off % 10))
    }
    again.close()
  })

  it('recover() truncates a torn tail and rebuilds the indexes', () => {
    const dir = dirs.make()
    const seg = LogSegment.open(dir, 0, config({ indexIntervalBytes: 500 }), create(), { writable: true, now: 0 })
    fill(seg, 20, 10, 0)
    const full = seg.size()
    seg.close()
    const logPath = segmentFilePath(dir, 0, '.log')
    fs.truncateSync(logPath, full - 30)
    const again = LogSegment.open(dir, 0, config({ indexIntervalBytes: 500 }), create(), { writable: true, now: 0 })
    expect(again.recover()).toBeGreaterThan(0)
    expect(again.nextOffset()).toBe(190)
    expect(again.checkIndexes()).toBeNull()
    again.close()
  })
})
