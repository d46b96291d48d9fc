/**
 * Storage failures never stop a log directory from opening (issue 7, points 1 and 6): stray logs
 * are deleted unopened, a log that fails to open is offline with KAFKA_STORAGE_ERROR and reopens
 * once the fault is gone, a failed creation leaves nothing behind, a broken broker directory makes
 * only that broker's replicas offline. Faults are injected (FaultInjectingBackend), never real.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../src/broker/model/errors'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { LogManagerStore } from '../../../../src/broker/cluster/log-manager-store'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../../../src/broker/storage/log-manager'
import { toStorageError } from '../../../../src/broker/storage/storage-failure'
import type { StorageBackend, StorageFile } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: { close(): void }[] = []
afterEach(() => {
  for (const c of toClose.splice(0)) c.close()
  dirs.cleanup()
})

/** Wraps a backend, recording every path opened. */
function recordingBackend(inner: StorageBackend): { backend: StorageBackend; opened: string[] } {
  const opened: string[] = []
  return {
    opened,
    backend: {
      name: inner.name,
      open(p, opts): StorageFile {
        opened.push(p)
        return inner.open(p, opts)
      }
    }
  }
}

/** A log directory holding logs `t-<p>` with `n` records each, closed cleanly. */
function logDirWith(backend: StorageBackend, partitions: number[], n = 30): string {
  const dir = dirs.make()
  const mgr = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
  for (const p of partitions) {
    const log = mgr.getOrCreateLog('t', p, config({ segmentBytes: 1000 }))
    for (let i = 0; i < n; i += 10) log.appendAsLeader(records(10, i), 0)
  }
  mgr.close()
  return dir
}

function valuesOf(log: { readRecords(o: number, opts: { maxRecords?: number }): { value: Buffer | null }[] }): string[] {
  return log.readRecords(0, { maxRecords: 1000 }).map((r) => r.value!.toString())
}

const expectedValues = (n: number): string[] => Array.from({ length: n }, (_, i) => `value-${i}`)

describe.each(backends)('log directory failures on the $name backend', ({ create }) => {
  it('deletes a stray log directory before opening anything of it, and opens the rest', () => {
    const dir = logDirWith(create(), [0])
    // A stray that would fail to open: its ".log" is a directory, beside garbage.
    const stray = path.join(dir, 'gone-3')
    fs.mkdirSync(path.join(stray, '00000000000000000000.log'), { recursive: true })
    fs.writeFileSync(path.join(stray, '00000000000000000000.index'), 'garbage')
    const { backend, opened } = recordingBackend(create())
    const lines: string[] = []
    const mgr = LogManager.open(dir, { backend, clock: () => 0, isStray: (t) => t === 'gone', log: (l) => lines.push(l) })
    toClose.push(mgr)
    expect(fs.existsSync(stray)).toBe(false)
    expect(opened.filter((p) => p.includes('gone-3'))).toEqual([])
    expect(lines.some((l) => l.includes('stray') && l.includes(stray))).toBe(true)
    expect(mgr.offlineLogs().size).toBe(0)
    expect(valuesOf(mgr.getLog('t', 0)!)).toEqual(expectedValues(30))
  })

  it('opens the other logs when one fails to open, recording it offline with KAFKA_STORAGE_ERROR naming the file and the errno', () => {
    const dir = logDirWith(create(), [0, 1])
    const backend = new FaultInjectingBackend(create())
    backend.inject({ op: 'open', code: 'ENOSPC', pathIncludes: `${path.sep}t-1${path.sep}` })
    const lines: string[] = []
    const mgr = LogManager.open(dir, { backend, clock: () => 0, log: (l) => lines.push(l) })
    toClose.push(mgr)
    expect(valuesOf(mgr.getLog('t', 0)!)).toEqual(expectedValues(30))
    expect(mgr.getLog('t', 1)).toBeUndefined()
    const err = mgr.offlineLogs().get('t-1')!
    expect(err).toBeInstanceOf(StorageError)
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.file).toContain(path.join(dir, 't-1'))
    expect(err.message).toMatch(/No space left on device \(ENOSPC\)|ENOSPC: no space left on device/)
    expect(mgr.offlineError('t', 1)).toBe(err)
    expect(mgr.offlineError('t', 0)).toBeNull()
    expect(lines.some((l) => l.includes('offline') && l.includes(err.file) && l.includes('ENOSPC'))).toBe(true)
  })

  it('reopens an offline log once its fault is removed, with all its records', () => {
    const dir = logDirWith(create(), [0, 1])
    const backend = new FaultInjectingBackend(create())
    const remove = backend.inject({ op: 'open', code: 'EIO', pathIncludes: `${path.sep}t-1${path.sep}` })
    const mgr = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
    toClose.push(mgr)
    expect(() => mgr.reopenOfflineLog('t', 1)).toThrow(/EIO/)
    expect(() => mgr.getOrCreateLog('t', 1, config())).toThrow(StorageError)
    expect(mgr.offlineLogs().has('t-1')).toBe(true)
    remove()
    const log = mgr.getOrCreateLog('t', 1, config({ segmentBytes: 1000 }))
    expect(valuesOf(log)).toEqual(expectedValues(30))
    expect(mgr.offlineLogs().size).toBe(0)
    expect(mgr.offlineError('t', 1)).toBeNull()
    expect(mgr.getLog('t', 1)).toBe(log)
  })

  it('leaves no directory behind when creating a log fails with ENOSPC, and throws KAFKA_STORAGE_ERROR naming the file', () => {
    const dir = dirs.make()
    const backend = new FaultInjectingBackend(create())
    const mgr = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
    toClose.push(mgr)
    // The .log opens; the .index does not: something was made before the failure.
    const remove = backend.inject({ op: 'open', code: 'ENOSPC', pathIncludes: '.index' })
    let err: unknown
    try {
      mgr.getOrCreateLog('new', 0, config())
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((err as StorageError).file).toBe(path.join(dir, 'new-0', '00000000000000000000.index'))
    expect((err as StorageError).message).toMatch(/No space left on device \(ENOSPC\)|ENOSPC: no space left on device/)
    expect(fs.existsSync(path.join(dir, 'new-0'))).toBe(false)
    expect(mgr.offlineLogs().size).toBe(0)
    remove()
    mgr.getOrCreateLog('new', 0, config()).appendAsLeader(records(3), 0)
    expect(valuesOf(mgr.getLog('new', 0)!)).toEqual(expectedValues(3))
  })

  it.skipIf(!fs.existsSync('/proc/self/fd'))('a log whose open fails after its files opened (a read fault while checking them) keeps none of them open', () => {
    const dir = logDirWith(create(), [0, 1])
    const backend = new FaultInjectingBackend(create())
    backend.inject({ op: 'read', code: 'EIO', pathIncludes: `${path.sep}t-1${path.sep}` })
    const mgr = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
    toClose.push(mgr)
    expect(mgr.offlineError('t', 1)!.message).toMatch(/EIO/)
    const fds = (): number => fs.readdirSync('/proc/self/fd').length
    const before = fds()
    for (let i = 0; i < 5; i++) expect(() => mgr.reopenOfflineLog('t', 1)).toThrow(/EIO/)
    expect(fds()).toBe(before)
  })

  it('deletes an offline log: its directory goes and it is no longer offline', () => {
    const dir = logDirWith(create(), [0, 1])
    const backend = new FaultInjectingBackend(create())
    backend.inject({ op: 'open', code: 'EIO', pathIncludes: `${path.sep}t-1${path.sep}` })
    const mgr = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
    toClose.push(mgr)
    mgr.deleteLog('t', 1)
    expect(fs.existsSync(path.join(dir, 't-1'))).toBe(false)
    expect(mgr.offlineError('t', 1)).toBeNull()
  })

  it('does not mark an unclean directory clean at close while a log is still offline, so it is recovered next time', () => {
    const dir = logDirWith(create(), [0, 1])
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE)) // as after a crash
    const backend = new FaultInjectingBackend(create())
    backend.inject({ op: 'open', code: 'EIO', pathIncludes: `${path.sep}t-1${path.sep}` })
    const lines: string[] = []
    const first = LogManager.open(dir, { backend, clock: () => 0, log: (l) => lines.push(l) })
    expect(first.hadCleanShutdown).toBe(false)
    first.close()
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(false)
    expect(lines.some((l) => l.includes('not marking') && l.includes('1 log(s) offline'))).toBe(true)
    backend.clear()
    const second = LogManager.open(dir, { backend, clock: () => 0, log: () => {} })
    expect(second.hadCleanShutdown).toBe(false)
    expect(second.getLog('t', 1)!.recovery.segmentsRecovered).toBeGreaterThan(0)
    expect(valuesOf(second.getLog('t', 1)!)).toEqual(expectedValues(30))
    second.close()
    expect(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE))).toBe(true)
  })

  it('a log directory that is a file is offline as a whole: every log reports its error, nothing is written', () => {
    const parent = dirs.make()
    const file = path.join(parent, 'broker-1')
    fs.writeFileSync(file, 'not a directory')
    const lines: string[] = []
    const mgr = LogManager.open(file, { backend: create(), clock: () => 0, log: (l) => lines.push(l) })
    const err = mgr.offlineDirError!
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.file).toBe(file)
    expect(mgr.offlineError('t', 0)).toBe(err)
    expect(() => mgr.getOrCreateLog('t', 0, config())).toThrow(err)
    expect(mgr.tick(0)).toEqual({ segmentsDeleted: 0, logsFlushed: 0, cleaning: false })
    mgr.deleteLog('t', 0)
    mgr.close()
    expect(lines.some((l) => l.includes(file) && l.includes('offline'))).toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory')
  })
})

describe.each(backends)('LogManagerStore failures on the $name backend', ({ create }) => {
  const clock = new ManualClock()
  const knownConfig = (t: string, p: number) => (t === 't' && p < 2 ? config({ segmentBytes: 1000 }) : null)
  function store(dataDir: string, backend: StorageBackend, lines: string[] = []): LogManagerStore {
    const s = new LogManagerStore({ dataDir, brokerIds: [1, 2], storage: 'file', backend, clock: clock.fn, configFor: knownConfig, log: (l) => lines.push(l) })
    toClose.push(s)
    return s
  }

  it('an injected ENOSPC while creating a log leaves no directory behind and throws KAFKA_STORAGE_ERROR', () => {
    const dataDir = dirs.make()
    const backend = new FaultInjectingBackend(create())
    const s = store(dataDir, backend)
    const remove = backend.inject({ op: 'open', code: 'ENOSPC' })
    expect(() => s.open(1, 't', 0, config(), true)).toThrow(/No space left on device \(ENOSPC\)|ENOSPC: no space left on device/)
    try {
      s.open(1, 't', 0, config(), true)
    } catch (e) {
      expect((e as StorageError).code).toBe('KAFKA_STORAGE_ERROR')
      expect((e as StorageError).file).toContain(path.join(dataDir, 'broker-1', 't-0'))
    }
    expect(fs.existsSync(path.join(dataDir, 'broker-1', 't-0'))).toBe(false)
    expect(s.offlineError(1, 't', 0)).toBeNull()
    remove()
    expect(s.open(1, 't', 0, config(), true)).not.toBeNull()
  })

  it('an injected ENOSPC on open of an existing log leaves the store open with that log offline; once removed the next open has all its records', () => {
    const dataDir = dirs.make()
    const plain = store(dataDir, create())
    for (const p of [0, 1]) plain.open(1, 't', p, config({ segmentBytes: 1000 }), true)!.appendAsLeader(records(25), 0)
    plain.close()
    toClose.splice(toClose.indexOf(plain), 1)

    const backend = new FaultInjectingBackend(create())
    const remove = backend.inject({ op: 'open', code: 'ENOSPC', pathIncludes: `${path.sep}t-1${path.sep}` })
    const lines: string[] = []
    const s = store(dataDir, backend, lines)
    expect(valuesOf(s.open(1, 't', 0, config(), false)!)).toEqual(expectedValues(25))
    const err = s.offlineError(1, 't', 1)!
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.message).toMatch(/ENOSPC/)
    expect(() => s.open(1, 't', 1, config(), false)).toThrow(StorageError)
    expect(() => s.open(1, 't', 1, config(), true)).toThrow(/ENOSPC/)
    expect(lines.some((l) => l.includes('offline') && l.includes(path.join('broker-1', 't-1')))).toBe(true)
    remove()
    const log = s.open(1, 't', 1, config({ segmentBytes: 1000 }), false)!
    expect(valuesOf(log)).toEqual(expectedValues(25))
    expect(s.offlineError(1, 't', 1)).toBeNull()
  })

  it('deletes strays without opening them: logs the metadata does not know', () => {
    const dataDir = dirs.make()
    const plain = store(dataDir, create())
    plain.open(1, 't', 0, config(), true)!.appendAsLeader(records(5), 0)
    plain.close()
    toClose.splice(toClose.indexOf(plain), 1)
    fs.mkdirSync(path.join(dataDir, 'broker-1', 't-7', '00000000000000000000.log'), { recursive: true }) // past the partition count, unopenable
    const { backend, opened } = recordingBackend(create())
    const s = store(dataDir, backend)
    expect(fs.existsSync(path.join(dataDir, 'broker-1', 't-7'))).toBe(false)
    expect(opened.filter((p) => p.includes('t-7'))).toEqual([])
    expect(s.offlineError(1, 't', 7)).toBeNull()
    expect(valuesOf(s.open(1, 't', 0, config(), false)!)).toEqual(expectedValues(5))
  })

  it('a broker directory that is a file makes only that broker offline, with KAFKA_STORAGE_ERROR naming it', () => {
    const dataDir = dirs.make()
    fs.writeFileSync(path.join(dataDir, 'broker-2'), 'oops')
    const s = store(dataDir, create())
    s.open(1, 't', 0, config(), true)!.appendAsLeader(records(5), 0)
    const err = s.offlineError(2, 't', 0)!
    expect(err).toBeInstanceOf(StorageError)
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.file).toBe(path.join(dataDir, 'broker-2'))
    expect(() => s.open(2, 't', 0, config(), true)).toThrow(err)
    expect(s.tick(clock.now, [1, 2])).toBe(false)
    s.delete(2, 't', 0)
    expect(s.offlineError(1, 't', 0)).toBeNull()
    expect(s.hadCleanShutdown).toBe(true)
  })
})

describe.each(backends)('a Cluster given storageBackend ($name)', ({ create }) => {
  it('stores every replica through that backend', async () => {
    const dataDir = dirs.make()
    const { backend, opened } = recordingBackend(create())
    const cluster = new Cluster({ dataDir, brokers: 3, clock: () => 1_700_000_000_000, autoReplicate: false, storage: 'file', storageBackend: backend, log: () => {} })
    try {
      cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 })
      await cluster.produce('orders', [{ key: null, value: Buffer.from('v'), partition: 1 }], { acks: 1 })
    } finally {
      await cluster.close()
    }
    for (const b of [1, 2, 3])
      for (const p of [0, 1]) expect(opened).toContain(path.join(dataDir, `broker-${b}`, `orders-${p}`, '00000000000000000000.log'))
  })
})

describe('toStorageError', () => {
  it('keeps a KAFKA_STORAGE_ERROR, restates a CORRUPT_MESSAGE as one, converts errno errors, and leaves other errors alone', () => {
    const storage = new StorageError('KAFKA_STORAGE_ERROR', '/d/a.log', 'boom')
    expect(toStorageError(storage, '/d')).toBe(storage)
    const corrupt = toStorageError(new StorageError('CORRUPT_MESSAGE', '/d/a.log', 'bad CRC', 42), '/d')!
    expect(corrupt.code).toBe('KAFKA_STORAGE_ERROR')
    expect(corrupt.message).toBe('corrupt log data: bad CRC (file /d/a.log, position 42)')
    const errno = Object.assign(new Error("ENOSPC: no space left on device, mkdir '/d/t-0'"), { code: 'ENOSPC', path: '/d/t-0' })
    const converted = toStorageError(errno, '/d')!
    expect(converted.code).toBe('KAFKA_STORAGE_ERROR')
    expect(converted.file).toBe('/d/t-0')
    expect(converted.message).toContain('ENOSPC: no space left on device')
    expect(toStorageError(new TypeError('x is undefined'), '/d')).toBeNull()
  })
})
