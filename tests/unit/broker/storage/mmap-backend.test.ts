import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../src/broker/model/errors'
import { MmapBackend, loadMmapAddon, resolveMmapAddonPath } from '../../../../src/broker/storage/mmap-backend'

const load = loadMmapAddon()
if (!load.ok) console.warn(`skipping mmap backend tests: ${load.reason}`)

describe.skipIf(!load.ok)('MmapBackend', () => {
  let dir: string
  let backend: MmapBackend
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'brokerlab-mmap-'))
    backend = new MmapBackend()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('maps a new file and reads back what was written', () => {
    const f = backend.open(join(dir, 'a.log'), { create: true })
    f.write(0, Buffer.from('hello '))
    f.write(6, Buffer.from('world'))
    expect(f.size()).toBe(11)
    expect(f.read(0, 11).toString()).toBe('hello world')
    expect(f.read(6, 100).toString()).toBe('world')
    expect(f.read(11, 10).length).toBe(0)
    f.close()
  })

  it('grows and remaps beyond the initial capacity, keeping earlier bytes', () => {
    const f = backend.open(join(dir, 'grow.log'), { create: true })
    const first = Buffer.alloc(4096, 7)
    f.write(0, first)
    const initial = f.capacity()
    const far = 5 * 1024 * 1024 + 3
    f.write(far, Buffer.from([1, 2, 3]))
    expect(f.capacity()).toBeGreaterThan(initial)
    expect(f.capacity()).toBeGreaterThanOrEqual(far + 3)
    expect(f.size()).toBe(far + 3)
    expect(f.read(0, 4096).equals(first)).toBe(true)
    expect(f.read(4096, 16).equals(Buffer.alloc(16))).toBe(true)
    expect([...f.read(far, 3)]).toEqual([1, 2, 3])
    f.close()
  })

  it('grows a large file in steps of at most 4 MiB, so its reserved tail stays a few MiB', () => {
    const path = join(dir, 'steps.log')
    const f = backend.open(path, { create: true })
    const big = 24 * 1024 * 1024
    f.write(big - 1, Buffer.from([1])) // capacity: exactly what the write needs (page-rounded)
    for (let end = big; end < big + 9 * 1024 * 1024; end += 1024 * 1024) {
      f.write(end, Buffer.alloc(1024 * 1024, 2)) // appends: each growth is one step
      const tail = f.capacity() - f.size()
      expect(tail).toBeLessThanOrEqual(4 * 1024 * 1024)
      // What the file system reserved while open is the capacity (fallocate), not more.
      expect(statSync(path).blocks * 512).toBeLessThanOrEqual(f.capacity() + 64 * 1024)
    }
    f.close()
    expect(statSync(path).size).toBe(big + 9 * 1024 * 1024)
  })

  it('copies out into JS-owned buffers that stay valid after remap and close', () => {
    const path = join(dir, 'copy.log')
    const f = backend.open(path, { create: true })
    f.write(0, Buffer.from('abcdef'))
    const copy = f.read(0, 6)
    copy[0] = 0x7a
    expect(f.read(0, 1).toString()).toBe('a')
    f.write(64 * 1024 * 1024, Buffer.from('x')) // forces a remap
    f.close()
    expect(copy.toString()).toBe('zbcdef')
  })

  it('serves large reads (pread) and small reads (mapping) with the same unflushed bytes', () => {
    const f = backend.open(join(dir, 'coherent.log'), { create: true })
    const data = Buffer.alloc(300_000)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 253
    f.write(0, data)
    f.write(100_000, Buffer.alloc(50_000, 0xee)) // overwrite in place, not flushed
    data.fill(0xee, 100_000, 150_000)
    expect(f.read(0, 300_000).equals(data)).toBe(true)
    const target = Buffer.alloc(300_010)
    expect(f.readInto(0, target, 10, 300_000)).toBe(300_000)
    expect(target.subarray(10).equals(data)).toBe(true)
    expect(f.read(149_990, 20).equals(data.subarray(149_990, 150_010))).toBe(true)
    f.close()
  })

  it('readInto copies into a target buffer at an offset and returns the bytes copied', () => {
    const f = backend.open(join(dir, 'into.log'), { create: true })
    f.write(0, Buffer.from('0123456789'))
    const target = Buffer.alloc(8, 0x2e)
    expect(f.readInto(6, target, 2, 6)).toBe(4)
    expect(target.toString()).toBe('..6789..')
    expect(f.readInto(10, target, 0, 4)).toBe(0)
    expect(() => f.readInto(0, target, 4, 5)).toThrow(StorageError)
    f.close()
  })

  it('truncate shrinks the logical size and a regrown tail reads as zeros', () => {
    const f = backend.open(join(dir, 'trunc.log'), { create: true })
    f.write(0, Buffer.alloc(100, 9))
    f.truncate(40)
    expect(f.size()).toBe(40)
    expect(f.read(0, 100).length).toBe(40)
    f.truncate(100)
    expect(f.read(40, 60).equals(Buffer.alloc(60))).toBe(true)
    expect(f.read(0, 40).equals(Buffer.alloc(40, 9))).toBe(true)
    f.close()
  })

  it('a large shrink (past the in-place limit) also zeroes what was cut', () => {
    const f = backend.open(join(dir, 'big-trunc.log'), { create: true })
    const size = 3 * 1024 * 1024
    f.write(0, Buffer.alloc(size, 0xab))
    f.truncate(1000)
    f.write(size - 1, Buffer.from([1]))
    const back = f.read(0, size)
    expect(back.subarray(0, 1000).equals(Buffer.alloc(1000, 0xab))).toBe(true)
    expect(back.subarray(1000, size - 1).equals(Buffer.alloc(size - 1001))).toBe(true)
    expect(back[size - 1]).toBe(1)
    f.close()
  })

  it('preallocates capacity on disk while open and trims to the logical size on close', () => {
    const path = join(dir, '00000000000000000000.index')
    const f = backend.open(path, { create: true, preallocate: 10 * 1024 * 1024 })
    expect(f.size()).toBe(0)
    expect(f.capacity()).toBe(10 * 1024 * 1024)
    expect(statSync(path).size).toBe(10 * 1024 * 1024)
    f.write(0, Buffer.alloc(24, 1))
    f.close()
    expect(statSync(path).size).toBe(24)
  })

  it('flush makes written bytes visible to ordinary file reads of the same file', () => {
    const path = join(dir, 'flush.log')
    const f = backend.open(path, { create: true })
    f.write(0, Buffer.from('durable'))
    f.flush()
    expect(readFileSync(path).subarray(0, 7).toString()).toBe('durable')
    f.close()
  })

  it('close leaves the file at its logical size and a reopen reads it back', () => {
    const path = join(dir, 'reopen.log')
    const f = backend.open(path, { create: true })
    const data = Buffer.alloc(200_000)
    for (let i = 0; i < data.length; i++) data[i] = i % 251
    f.write(0, data)
    f.close()
    expect(statSync(path).size).toBe(200_000)
    const g = backend.open(path, { create: false })
    expect(g.size()).toBe(200_000)
    expect(g.read(0, 200_000).equals(data)).toBe(true)
    g.write(200_000, Buffer.from('more'))
    g.close()
    expect(readFileSync(path).subarray(200_000).toString()).toBe('more')
  })

  it('opens an existing file written by ordinary I/O with its length as the logical size', () => {
    const path = join(dir, 'plain.log')
    writeFileSync(path, 'plain bytes')
    const f = backend.open(path, { create: false })
    expect(f.size()).toBe(11)
    expect(f.read(0, 5).toString()).toBe('plain')
    f.close()
    expect(readFileSync(path, 'utf8')).toBe('plain bytes')
  })

  it.skipIf(process.platform !== 'linux')('keeps the file-backed RSS of a large mapping bounded under random reads', () => {
    const path = join(dir, 'big.log')
    const chunk = Buffer.alloc(1024 * 1024, 0x42)
    const w = backend.open(path, { create: true })
    const total = 256 * 1024 * 1024
    for (let p = 0; p < total; p += chunk.length) w.write(p, chunk)
    w.close()
    const rssFileMB = (): number => Number(/RssFile:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024
    const f = backend.open(path, { create: false })
    const before = rssFileMB()
    let seed = 7
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      const page = f.read(seed % (total - 32768), i % 2 === 0 ? 24_000 : 4_000) // large reads pread, small ones copy from the mapping
      expect(page[0]).toBe(0x42)
    }
    const grown = rssFileMB() - before
    f.close()
    // Without the residency bound this grows by most of the file (the kernel maps whole folios).
    expect(grown).toBeLessThan(80)
  })

  it('refuses to open a directory with a StorageError naming the file', () => {
    const sub = join(dir, 'adir')
    mkdirSync(sub)
    let err: unknown
    try {
      backend.open(sub, { create: false })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).file).toBe(sub)
    expect((err as StorageError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((err as StorageError).message).toMatch(/EISDIR/)
    expect((err as StorageError).message).toContain(sub)
  })

  it('refuses to open a missing file without create, naming the file and ENOENT', () => {
    const path = join(dir, 'missing.log')
    expect(() => backend.open(path, { create: false })).toThrow(StorageError)
    expect(() => backend.open(path, { create: false })).toThrow(/ENOENT.*missing\.log/)
  })

  it('rejects use after close and bad positions with a StorageError naming the file', () => {
    const path = join(dir, 'closed.log')
    const f = backend.open(path, { create: true })
    expect(() => f.write(-1, Buffer.from('x'))).toThrow(StorageError)
    expect(() => f.read(1.5, 1)).toThrow(/closed\.log/)
    f.close()
    f.close() // idempotent
    expect(() => f.read(0, 1)).toThrow(/file is closed/)
    expect(() => f.write(0, Buffer.from('x'))).toThrow(StorageError)
  })
})

describe('resolveMmapAddonPath', () => {
  it('walks up from a bundle directory to the project root holding package.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'brokerlab-root-'))
    try {
      writeFileSync(join(root, 'package.json'), '{}')
      mkdirSync(join(root, 'out', 'main'), { recursive: true })
      const saved = process.env.BROKERLAB_NATIVE_PATH
      delete process.env.BROKERLAB_NATIVE_PATH
      try {
        expect(resolveMmapAddonPath(join(root, 'out', 'main'))).toBe(join(root, 'native', 'build', 'Release', 'brokerlab_mmap.node'))
      } finally {
        if (saved !== undefined) process.env.BROKERLAB_NATIVE_PATH = saved
      }
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('honours the BROKERLAB_NATIVE_PATH override', () => {
    const saved = process.env.BROKERLAB_NATIVE_PATH
    process.env.BROKERLAB_NATIVE_PATH = '/opt/somewhere/brokerlab_mmap.node'
    try {
      expect(resolveMmapAddonPath('/')).toBe('/opt/somewhere/brokerlab_mmap.node')
    } finally {
      if (saved === undefined) delete process.env.BROKERLAB_NATIVE_PATH
      else process.env.BROKERLAB_NATIVE_PATH = saved
    }
  })
})
