import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { OffsetIndex } from '../../../../src/broker/storage/offset-index'
import { TimeIndex } from '../../../../src/broker/storage/time-index'
import { backends } from './backends'
import { tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

describe.each(backends)('indexes on the $name backend', ({ create }) => {
  it('OffsetIndex.lookup finds the largest entry at or below the target, or (base, 0)', () => {
    const p = path.join(dirs.make(), '00000000000000000100.index')
    const idx = new OffsetIndex(p, 100, create(), 1024, true)
    idx.append(110, 4096)
    idx.append(120, 8192)
    idx.append(135, 12288)
    expect(idx.lookup(99)).toMatchObject({ offset: 100, position: 0 })
    expect(idx.lookup(109)).toMatchObject({ offset: 100, position: 0 })
    expect(idx.lookup(110)).toMatchObject({ offset: 110, position: 4096 })
    expect(idx.lookup(134)).toMatchObject({ offset: 120, position: 8192 })
    expect(idx.lookup(10_000)).toMatchObject({ offset: 135, position: 12288 })
    expect(() => idx.append(135, 99999)).toThrow(/not above the last entry/)
    idx.close()
  })

  it('OffsetIndex grows on demand while writable (not to segment.index.bytes), is trimmed to its entries on close, and reopens with them', () => {
    const p = path.join(dirs.make(), '00000000000000000000.index')
    const idx = new OffsetIndex(p, 0, create(), 10 * 1024 * 1024, true)
    expect(idx.maxEntries).toBe((10 * 1024 * 1024) / 8)
    expect(fs.statSync(p).blocks).toBe(0)
    for (let i = 1; i <= 10; i++) idx.append(i * 10, i * 1000)
    // 80 bytes of entries: at most one 64 KiB growth step of the mmap backend on disk, never 10 MiB.
    expect(fs.statSync(p).size).toBeLessThanOrEqual(64 * 1024)
    expect(fs.statSync(p).blocks * 512).toBeLessThanOrEqual(64 * 1024)
    idx.close()
    expect(fs.statSync(p).size).toBe(80)
    const again = new OffsetIndex(p, 0, create(), 10 * 1024 * 1024, false)
    expect(again.entries).toBe(10)
    expect(again.lastOffset).toBe(100)
    expect(again.lookup(55)).toMatchObject({ offset: 50, position: 5000 })
    again.close()
  })

  it('OffsetIndex ignores a zero-filled preallocated tail left by a crash', () => {
    const p = path.join(dirs.make(), '00000000000000000000.index')
    const buf = Buffer.alloc(8 * 64)
    for (let i = 0; i < 5; i++) {
      buf.writeInt32BE((i + 1) * 3, i * 8)
      buf.writeInt32BE((i + 1) * 500, i * 8 + 4)
    }
    fs.writeFileSync(p, buf)
    const idx = new OffsetIndex(p, 0, create(), 8 * 64, true)
    expect(idx.entries).toBe(5)
    expect(idx.lastOffset).toBe(15)
    idx.close()
    expect(fs.statSync(p).size).toBe(40)
  })

  it('OffsetIndex.truncateTo removes entries at or above the offset; isFull at segment.index.bytes', () => {
    const idx = new OffsetIndex(path.join(dirs.make(), 'x.index'), 0, create(), 8 * 4, true)
    for (let i = 1; i <= 4; i++) idx.append(i, i * 10)
    expect(idx.isFull()).toBe(true)
    expect(() => idx.append(5, 50)).toThrow(/full/)
    idx.truncateTo(3)
    expect(idx.entries).toBe(2)
    expect(idx.lastOffset).toBe(2)
    idx.close()
  })

  it('TimeIndex appends only growing timestamps and looks up the largest timestamp at or below', () => {
    const p = path.join(dirs.make(), '00000000000000000000.timeindex')
    const t = new TimeIndex(p, 0, create(), 12 * 100, true)
    t.maybeAppend(1000, 5)
    t.maybeAppend(900, 6) // not above: ignored
    t.maybeAppend(2000, 10)
    t.maybeAppend(3000, 20)
    expect(t.entries).toBe(3)
    expect(t.lookup(999)).toEqual({ timestamp: -1, offset: 0 })
    expect(t.lookup(2500)).toEqual({ timestamp: 2000, offset: 10 })
    expect(t.lookup(1e15)).toEqual({ timestamp: 3000, offset: 20 })
    t.truncateTo(10)
    expect(t.lastEntry).toEqual({ timestamp: 1000, offset: 5 })
    t.close()
    expect(fs.statSync(p).size).toBe(12)
    const again = new TimeIndex(p, 0, create(), 1200, false)
    expect(again.lastEntry).toEqual({ timestamp: 1000, offset: 5 })
    again.close()
  })
})
