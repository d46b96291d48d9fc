import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../src/broker/model/errors'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { backends } from './backends'
import { tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

/** The error `f` throws (fails the test when it throws none or not a StorageError). */
function thrown(f: () => unknown): StorageError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError)
    return e as StorageError
  }
  throw new Error('expected a StorageError')
}

describe.each(backends)('FaultInjectingBackend over the $name backend', ({ name, create }) => {
  it('only delegates while no fault is injected', () => {
    const b = new FaultInjectingBackend(create())
    expect(b.name).toBe(name)
    const p = path.join(dirs.make(), 'a.log')
    const f = b.open(p, { create: true })
    f.write(0, Buffer.from('hello world'))
    f.truncate(5)
    f.flush()
    expect(f.size()).toBe(5)
    expect(f.read(0, 100).toString()).toBe('hello')
    const into = Buffer.alloc(5)
    expect(f.readInto(0, into, 0, 5)).toBe(5)
    expect(into.toString()).toBe('hello')
    f.close()
    expect(fs.readFileSync(p, 'utf8')).toBe('hello')
  })

  it('fails an open with the wrapped backend’s own error for that errno, naming the file', () => {
    const inner = create()
    const b = new FaultInjectingBackend(inner)
    const dir = dirs.make()
    const p = path.join(dir, 'x.log')
    // The real error of this backend for a missing file, to compare the shape with.
    const real = thrown(() => inner.open(p, { create: false }))
    b.inject({ op: 'open', code: 'EACCES' })
    const injected = thrown(() => b.open(p, { create: true }))
    expect(injected.code).toBe('KAFKA_STORAGE_ERROR')
    expect(injected.file).toBe(p)
    const enoent = name === 'mmap' ? 'No such file or directory (ENOENT)' : 'ENOENT: no such file or directory'
    const eacces = name === 'mmap' ? 'Permission denied (EACCES)' : 'EACCES: permission denied'
    expect(real.message).toContain(enoent)
    expect(injected.message).toBe(real.message.replace(enoent, eacces))
    expect(fs.existsSync(p)).toBe(false) // the wrapped backend was never asked
  })

  it('lets afterBytes be written, then fails the write that passes it (writing nothing) and every later matching operation', () => {
    const b = new FaultInjectingBackend(create())
    const p = path.join(dirs.make(), 'full.log')
    const f = b.open(p, { create: true })
    b.inject({ op: 'any', code: 'ENOSPC', afterBytes: 10 })
    f.write(0, Buffer.alloc(6, 1))
    f.write(6, Buffer.alloc(4, 2))
    const e = thrown(() => f.write(10, Buffer.alloc(1, 3)))
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.file).toBe(p)
    expect(e.message).toMatch(/No space left on device \(ENOSPC\)|ENOSPC: no space left on device/)
    expect(f.size()).toBe(10)
    expect(thrown(() => f.flush()).message).toMatch(/ENOSPC/)
    expect(thrown(() => f.truncate(2)).message).toMatch(/ENOSPC/)
    expect(f.size()).toBe(10)
    expect(thrown(() => b.open(p, { create: false })).message).toMatch(/ENOSPC/)
    b.clear()
    f.write(10, Buffer.alloc(1, 3))
    expect(f.read(0, 11)).toEqual(Buffer.concat([Buffer.alloc(6, 1), Buffer.alloc(4, 2), Buffer.alloc(1, 3)]))
    f.close()
  })

  it('hits only the operation and the files it names, until removed', () => {
    const b = new FaultInjectingBackend(create())
    const dir = dirs.make()
    const index = b.open(path.join(dir, 'a.index'), { create: true })
    const log = b.open(path.join(dir, 'a.log'), { create: true })
    const remove = b.inject({ op: 'flush', code: 'EIO', pathIncludes: '.index' })
    expect(b.faults()).toEqual([{ op: 'flush', code: 'EIO', pathIncludes: '.index' }])
    index.write(0, Buffer.alloc(8, 1))
    log.write(0, Buffer.alloc(8, 1))
    log.flush()
    const e = thrown(() => index.flush())
    expect(e.message).toMatch(name === 'mmap' ? /fsync .*a\.index: Input\/output error \(EIO\)/ : /fsync failed: EIO: i\/o error, fsync/)
    remove()
    remove()
    index.flush()
    expect(b.faults()).toEqual([])
    index.close()
    log.close()
  })

  it('refuses a fault it cannot inject, naming the rule', () => {
    const b = new FaultInjectingBackend(create())
    expect(() => b.inject({ op: 'rename' as never, code: 'EIO' })).toThrow(/fault op must be open, read, write, truncate, flush or any/)
    expect(() => b.inject({ op: 'write', code: 'ENOMEM' as never })).toThrow(/fault code must be ENOSPC, EIO or EACCES/)
    expect(() => b.inject({ op: 'write', code: 'ENOSPC', afterBytes: -1 })).toThrow(/afterBytes must be a non-negative integer/)
  })
})

describe('FaultInjectingBackend over the file backend', () => {
  it('fails a write exactly as a real ENOSPC does (/dev/full)', () => {
    const inner = new FileBackend()
    const real = thrown(() => inner.open('/dev/full', { create: false }).write(0, Buffer.from('x')))
    const b = new FaultInjectingBackend(inner)
    const f = b.open('/dev/full', { create: false })
    b.inject({ op: 'write', code: 'ENOSPC' })
    const injected = thrown(() => f.write(0, Buffer.from('x')))
    expect(injected.message).toBe(real.message)
    expect(injected.code).toBe(real.code)
    expect(injected.position).toBe(real.position)
    f.close()
  })
})
