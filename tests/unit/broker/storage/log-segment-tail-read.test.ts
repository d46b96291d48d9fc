/**
 * LogSegment's kept tail read: the followers of a partition fetch the same tail of its leader's log
 * in one replication round, so the bytes of a read that started at a just-appended batch serve the
 * next identical read once, without reading the file again, and never after the log changed.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { LogSegment } from '../../../../src/broker/storage/log-segment'
import { RecordBatchBuilder, decodeRecordBatches } from '../../../../src/broker/codec/record-batch'
import type { StorageBackend, StorageFile } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { config, records, tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

/** `backend` with a count of its files' read/readInto calls. */
function countingReads(backend: StorageBackend): { backend: StorageBackend; reads: () => number } {
  let reads = 0
  const wrapped: StorageBackend = {
    name: backend.name,
    open(path, opts): StorageFile {
      const f = backend.open(path, opts)
      return {
        path: f.path,
        size: () => f.size(),
        write: (position, buf) => f.write(position, buf),
        read(position, length) {
          reads++
          return f.read(position, length)
        },
        readInto(position, target, targetOffset, length) {
          reads++
          return f.readInto(position, target, targetOffset, length)
        },
        truncate: (size) => f.truncate(size),
        flush: () => f.flush(),
        close: () => f.close()
      }
    }
  }
  return { backend: wrapped, reads: () => reads }
}

function append(seg: LogSegment, b: RecordBatchBuilder, base: number, n: number, valueBytes: number, ts0 = 1_000_000): void {
  const buf = b.encode(base, records(n, base, ts0, valueBytes))
  seg.append(buf, b.lastOffset, b.maxTimestamp, b.count)
}

describe.each(backends)('LogSegment tail read on the $name backend', ({ create }) => {
  it('serves a second identical read of the just-appended tail from the first one, reading the file once', () => {
    const c = countingReads(create())
    const seg = LogSegment.open(dirs.make(), 0, config(), c.backend, { writable: true, now: 0 })
    const b = new RecordBatchBuilder()
    for (let i = 0; i < 5; i++) append(seg, b, i * 10, 10, 100)
    const before = c.reads()
    const first = seg.read(40, 1 << 20, 50)!
    const second = seg.read(40, 1 << 20, 50)!
    expect(c.reads() - before).toBe(1)
    expect(Buffer.compare(first, second)).toBe(0)
    expect(decodeRecordBatches(second).map((x) => x.baseOffset)).toEqual([40])
    // Used once: a third identical read goes to the file again.
    const third = seg.read(40, 1 << 20, 50)!
    expect(c.reads() - before).toBe(2)
    expect(Buffer.compare(first, third)).toBe(0)
    seg.close()
  })

  it('does not serve a kept tail read after an append or a truncation changed the log', () => {
    const seg = LogSegment.open(dirs.make(), 0, config(), create(), { writable: true, now: 0 })
    const b = new RecordBatchBuilder()
    for (let i = 0; i < 3; i++) append(seg, b, i * 10, 10, 100)
    seg.read(20, 1 << 20)
    append(seg, b, 30, 10, 100)
    expect(decodeRecordBatches(seg.read(20, 1 << 20)!).map((x) => x.baseOffset)).toEqual([20, 30])
    // Same size and offsets after the cut, other bytes: the read must return the new ones.
    const old = Buffer.from(seg.read(30, 1 << 20)!)
    seg.truncateTo(30)
    append(seg, b, 30, 10, 100, 2_000_000)
    const fresh = seg.read(30, 1 << 20)!
    const rewritten = new RecordBatchBuilder().encode(30, records(10, 30, 2_000_000, 100))
    expect(fresh.length).toBe(old.length)
    expect(Buffer.compare(fresh, old)).not.toBe(0)
    expect(Buffer.compare(fresh, rewritten)).toBe(0)
    seg.close()
  })

  it('keeps nothing for reads that do not start at a just-appended batch (consumers reading older batches)', () => {
    const c = countingReads(create())
    const seg = LogSegment.open(dirs.make(), 0, config(), c.backend, { writable: true, now: 0 })
    const b = new RecordBatchBuilder()
    for (let i = 0; i < 100; i++) append(seg, b, i * 10, 10, 100)
    const before = c.reads()
    seg.read(5, 4096)
    seg.read(5, 4096)
    expect(c.reads() - before).toBeGreaterThanOrEqual(2)
    seg.close()
  })
})
