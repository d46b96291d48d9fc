/**
 * Opening a Cluster on a data directory it cannot use: a path that is a file, sits under a file,
 * cannot be created or cannot be written gives KAFKA_STORAGE_ERROR naming the directory and the
 * errno text, and leaves nothing behind (no lock, nothing created). Tests run as root here, where
 * permission bits do not stop writes, so "cannot be created" and "not writable" inject the failure
 * at the fs call; the real chmod case runs only for a non-root user.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'

let root: string

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-datadir-'))
})

afterEach(() => {
  vi.restoreAllMocks()
  fs.chmodSync(root, 0o700)
  fs.rmSync(root, { recursive: true, force: true })
})

/** The error opening `dataDir` gives (the cluster is closed again if it opened). */
async function openError(dataDir: string): Promise<KafkaError> {
  let c: Cluster
  try {
    c = new Cluster({ dataDir, storage: 'file', autoReplicate: false, log: () => {} })
  } catch (e) {
    if (e instanceof KafkaError) return e
    throw e
  }
  await c.close()
  throw new Error(`expected ${dataDir} to be refused`)
}

/** An error as Node's fs raises it. */
function errnoError(code: string, errno: number, text: string, syscall: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${p}'`), { code, errno, syscall, path: p })
}

describe('the data directory at open', () => {
  it('refuses a data directory that is a file, leaving the file as it was', async () => {
    const file = path.join(root, 'data')
    fs.writeFileSync(file, 'not a directory')
    const e = await openError(file)
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toBe(`Data directory ${file} is a file, not a directory (EEXIST: file already exists, mkdir '${file}')`)
    expect(fs.readFileSync(file, 'utf8')).toBe('not a directory')
  })

  it('refuses a data directory under a file', async () => {
    const file = path.join(root, 'file')
    fs.writeFileSync(file, '')
    const dir = path.join(file, 'data', 'deeper')
    const e = await openError(dir)
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toMatch(new RegExp(`^Data directory ${dir} cannot be created: part of its path is a file \\(ENOTDIR: not a directory, mkdir `))
  })

  it('refuses a data directory that cannot be created (EACCES injected at mkdir), creating nothing', async () => {
    const dir = path.join(root, 'new-data')
    const mkdir = fs.mkdirSync
    vi.spyOn(fs, 'mkdirSync').mockImplementation((p, o) => {
      if (p === dir) throw errnoError('EACCES', -13, 'permission denied', 'mkdir', dir)
      return mkdir(p, o)
    })
    const e = await openError(dir)
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toBe(`Data directory ${dir} cannot be created (EACCES: permission denied, mkdir '${dir}')`)
    expect(fs.existsSync(dir)).toBe(false)
  })

  it('refuses a data directory that cannot be written (EROFS injected at the first write, the lock), and opens once it can', async () => {
    const dir = path.join(root, 'data')
    fs.mkdirSync(dir)
    const lock = path.join(dir, '.lock')
    const write = fs.writeFileSync
    const spy = vi.spyOn(fs, 'writeFileSync').mockImplementation((p, d, o) => {
      if (p === lock) throw errnoError('EROFS', -30, 'read-only file system', 'open', lock)
      return write(p, d, o)
    })
    const e = await openError(dir)
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toBe(`Data directory ${dir} is not writable (EROFS: read-only file system, open '${lock}')`)
    expect(fs.readdirSync(dir)).toEqual([])
    spy.mockRestore()
    const c = new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {} })
    await c.close()
  })

  it.skipIf(process.getuid?.() === 0)('refuses a data directory without write permission (not as root: root ignores permission bits)', async () => {
    const dir = path.join(root, 'data')
    fs.mkdirSync(dir, { mode: 0o500 })
    const e = await openError(dir)
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toMatch(new RegExp(`^Data directory ${dir} is not writable \\(EACCES: permission denied, open `))
  })

  it("opens with a broker's log directory that is a file: that broker's replicas are offline, naming it, until it is a directory again", async () => {
    const dir = path.join(root, 'data')
    const first = new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {}, eventLog: () => {} })
    first.createTopic('t', { partitions: 1, replicationFactor: 3 })
    await first.close()
    const logDir = path.join(dir, 'broker-2')
    fs.rmSync(logDir, { recursive: true })
    fs.writeFileSync(logDir, '')
    const c = new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {}, eventLog: () => {} })
    try {
      const p = c.describeTopic('t').partitions[0]
      const replica = p.replicaStates.find((r) => r.brokerId === 2)!
      expect(replica.offline).toBe(true)
      expect(replica.storageError).toContain(logDir)
      expect(p.leader).not.toBe(2)
      expect(p.isr).not.toContain(2)
    } finally {
      await c.close()
    }
    fs.rmSync(logDir)
    const again = new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {}, eventLog: () => {} })
    expect(again.describeTopic('t').partitions[0].replicaStates.find((r) => r.brokerId === 2)!.offline).toBe(false)
    await again.close()
  })
})
