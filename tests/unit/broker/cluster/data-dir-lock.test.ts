/**
 * The data directory's `.lock`: it records pid, hostname, start time and boot id; a lock whose pid
 * runs but is another process (start time differs) is stale and taken over with a log line; a lock
 * of a process that really runs is refused, from a real second process too; without /proc only the
 * pid is checked; an older plain-text lock is still understood.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirLock, parseLockOwner, processStartTime } from '../../../../src/broker/cluster/data-dir-lock'
import { KafkaError } from '../../../../src/broker/model/errors'
import { bundledEntry } from '../../support/bundled-entry'

const HAS_PROC = fs.existsSync(`/proc/${process.pid}/stat`)
/** The lock holder, run from a bundle (bundledEntry) so no tsx loader starts for it. */
const CHILD = path.join(__dirname, 'fixtures', 'lock-holder-child.ts')

let dir: string
let lockFile: string
const held: DataDirLock[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-lock-'))
  lockFile = path.join(dir, '.lock')
})

afterEach(() => {
  for (const l of held.splice(0)) l.release()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** acquire, remembering the lock for release; log lines go to `lines`. */
function acquire(lines: string[] = [], procDir?: string): DataDirLock {
  const l = DataDirLock.acquire(dir, { log: (line) => lines.push(line), procDir })
  held.push(l)
  return l
}

function refusal(fn: () => unknown): KafkaError {
  try {
    fn()
  } catch (e) {
    if (e instanceof KafkaError) return e
    throw e
  }
  throw new Error('expected the lock to be refused')
}

function writeLock(owner: Record<string, unknown>): void {
  fs.writeFileSync(lockFile, JSON.stringify({ hostname: os.hostname(), token: 'x', ...owner }))
}

describe('DataDirLock', () => {
  it.skipIf(!HAS_PROC)('records pid, hostname, start time and boot id of the holder', () => {
    acquire()
    const owner = parseLockOwner(fs.readFileSync(lockFile, 'utf8'))
    expect(owner).toEqual({
      pid: process.pid,
      hostname: os.hostname(),
      startTime: processStartTime(process.pid),
      bootId: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    })
    expect(owner!.startTime).toMatch(/^\d+$/)
  })

  it.skipIf(!HAS_PROC)('takes over a lock whose pid runs but belongs to another process (its start time differs), saying so', () => {
    const real = processStartTime(process.ppid)!
    writeLock({ pid: process.ppid, startTime: String(BigInt(real) + 12345n), bootId: null })
    const lines: string[] = []
    acquire(lines)
    expect(parseLockOwner(fs.readFileSync(lockFile, 'utf8'))!.pid).toBe(process.pid)
    expect(lines).toEqual([
      `Taking over the stale lock ${lockFile}: pid ${process.ppid} now belongs to another process (started at tick ${real}, the lock's holder at tick ${BigInt(real) + 12345n})`
    ])
  })

  it.skipIf(!HAS_PROC)('takes over a lock written before the machine restarted (another boot id)', () => {
    writeLock({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: '00000000-0000-0000-0000-000000000000' })
    const lines: string[] = []
    acquire(lines)
    expect(lines[0]).toMatch(/ran before the machine restarted/)
  })

  it.skipIf(!HAS_PROC)('refuses a lock whose pid runs with the start time it recorded', () => {
    writeLock({ pid: process.ppid, startTime: processStartTime(process.ppid) })
    const e = refusal(() => acquire())
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toBe(`Failed to acquire lock on file .lock in ${dir}: the data directory is in use by process ${process.ppid}`)
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(process.ppid) // left as it was
  })

  it('refuses the lock while another process really holds it, and takes it once that process ends', async () => {
    const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(process.execPath, [bundledEntry(CHILD), dir], {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    try {
      let out = ''
      let err = ''
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (out.includes('locked\n')) resolve()
        })
        child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${err}`)))
      })
      const e = refusal(() => acquire())
      expect(e.code).toBe('KAFKA_STORAGE_ERROR')
      expect(e.message).toContain(`in use by process ${child.pid}`)
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin.end()
      await exited
      acquire()
      expect(parseLockOwner(fs.readFileSync(lockFile, 'utf8'))!.pid).toBe(process.pid)
    } finally {
      clearTimeout(guard)
      child.kill('SIGKILL')
    }
  })

  it('checks only the pid where /proc is missing', () => {
    const noProc = path.join(dir, 'no-proc')
    writeLock({ pid: process.ppid, startTime: '1' }) // a start time it cannot check here
    expect(refusal(() => acquire([], noProc)).message).toContain(`in use by process ${process.ppid}`)
    fs.rmSync(lockFile)
    acquire([], noProc)
    expect(parseLockOwner(fs.readFileSync(lockFile, 'utf8'))).toEqual({ pid: process.pid, hostname: os.hostname(), startTime: null, bootId: null })
  })

  it('understands the older plain-text lock: refused while its pid runs, taken over when it does not', () => {
    fs.writeFileSync(lockFile, `${process.ppid} 1700000000000 abc`)
    expect(refusal(() => acquire()).message).toContain(`in use by process ${process.ppid}`)
    fs.writeFileSync(lockFile, '2147483646 1700000000000 abc')
    const lines: string[] = []
    acquire(lines)
    expect(lines).toEqual([`Taking over the stale lock ${lockFile}: process 2147483646 no longer runs`])
  })

  it('never takes over a lock written on another host', () => {
    writeLock({ pid: 2147483646, hostname: 'elsewhere.example' })
    const e = refusal(() => acquire())
    expect(e.message).toContain(`in use by process 2147483646 on host elsewhere.example (this is ${os.hostname()}; if that host no longer uses the directory, delete ${lockFile})`)
  })

  it('takes over a torn lock file that names no process', () => {
    fs.writeFileSync(lockFile, '')
    const lines: string[] = []
    acquire(lines)
    expect(lines).toEqual([`Taking over the stale lock ${lockFile}: it names no process`])
  })
})
