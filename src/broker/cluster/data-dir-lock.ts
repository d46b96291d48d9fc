/**
 * DataDirLock: one Cluster per data directory at a time, as Kafka's `.lock` file in each log dir.
 * The lock file `<dataDir>/.lock` names its owner as JSON: pid, hostname, and on Linux the
 * process's start time (field 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot id
 * (/proc/sys/kernel/random/boot_id), so that a pid reused by another process after a crash is
 * recognised. A lock whose owner no longer runs is stale and taken over, with a log line saying why.
 *
 * Must stay true: while a Cluster has a directory open, a second open from another running process,
 * or from the same JS realm (thread), fails with KAFKA_STORAGE_ERROR naming the directory and pid;
 * `release` removes the file only when this lock still owns it. A lock held by another thread of
 * this process is taken over: a terminated engine worker cannot release its lock, and its process
 * lives on (one engine per process is the hosts' rule). A lock is stale when its pid does not run,
 * when the machine rebooted since (boot id differs), or when the pid runs but started at another
 * time than the lock says (a reused pid). Where /proc is missing (macOS, Windows) or the lock
 * predates these fields (plain "pid ..." text), only the pid is checked, as before. A lock written
 * on another host is never taken over: its process cannot be checked from here.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { KafkaError } from '../model/errors'

export const LOCK_FILE = '.lock'

/** Data directories locked by this JS realm (thread). */
const heldHere = new Set<string>()

/** What a lock file says about its owner; fields other than pid are null when unknown. */
export interface LockOwner {
  pid: number
  hostname: string | null
  /** /proc/<pid>/stat field 22 (clock ticks after boot, as decimal text), or null without /proc. */
  startTime: string | null
  /** /proc/sys/kernel/random/boot_id, or null without /proc. */
  bootId: string | null
}

/** How the lock looks at processes: tests point `procDir` at a missing directory to act as macOS. */
export interface DataDirLockOptions {
  /** Log line sink for a stale lock taken over (default console.warn). */
  log?: (line: string) => void
  /** Where the proc file system is mounted (default /proc). */
  procDir?: string
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The start time of process `pid` from `<procDir>/<pid>/stat` (field 22, after the parenthesised
 * command name, which may itself hold spaces and parentheses).
 * @returns decimal text, or null when the file is missing or unreadable (no /proc, or no such pid).
 */
export function processStartTime(pid: number, procDir = '/proc'): string | null {
  let stat: string
  try {
    stat = fs.readFileSync(path.join(procDir, String(pid), 'stat'), 'utf8')
  } catch {
    return null
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const start = fields[19] // field 3 (state) is fields[0]
  return start !== undefined && /^\d+$/.test(start) ? start : null
}

function bootId(procDir: string): string | null {
  try {
    return fs.readFileSync(path.join(procDir, 'sys', 'kernel', 'random', 'boot_id'), 'utf8').trim() || null
  } catch {
    return null
  }
}

/**
 * Reads a lock file's owner: the JSON this module writes, or the older plain text "pid ms random".
 * @returns null when the text names no pid (a torn or foreign file: stale).
 */
export function parseLockOwner(text: string): LockOwner | null {
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
  if (text.trimStart().startsWith('{')) {
    try {
      const doc = JSON.parse(text) as Record<string, unknown>
      if (!Number.isInteger(doc.pid) || (doc.pid as number) <= 0) return null
      return { pid: doc.pid as number, hostname: str(doc.hostname), startTime: str(doc.startTime), bootId: str(doc.bootId) }
    } catch {
      return null
    }
  }
  const pid = Number(text.split(' ')[0])
  return Number.isInteger(pid) && pid > 0 ? { pid, hostname: null, startTime: null, bootId: null } : null
}

/** An acquired lock on a data directory. */
export class DataDirLock {
  private released = false
  private constructor(
    readonly file: string,
    private readonly token: string
  ) {}

  /**
   * Acquire the lock of `dataDir` (which must exist), taking over a stale one (logged).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the directory: a running process (or another host,
   *   or another Cluster of this thread) holds it, or the lock file cannot be written (the errno
   *   text: the directory is not writable, read-only, full).
   */
  static acquire(dataDir: string, opts: DataDirLockOptions = {}): DataDirLock {
    const log = opts.log ?? ((line: string) => console.warn(line))
    const procDir = opts.procDir ?? '/proc'
    const file = path.join(dataDir, LOCK_FILE)
    if (heldHere.has(path.resolve(file)))
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}: the data directory is in use by another open Cluster in this thread`
      )
    const me: LockOwner = { pid: process.pid, hostname: os.hostname(), startTime: processStartTime(process.pid, procDir), bootId: bootId(procDir) }
    const token = `${JSON.stringify({ ...me, token: Math.random().toString(36).slice(2) })}\n`
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, token, { flag: 'wx' })
        heldHere.add(path.resolve(file))
        return new DataDirLock(file, token)
      } catch (e) {
        const err = e as NodeJS.ErrnoException
        if (err.code !== 'EEXIST') throw new KafkaError('KAFKA_STORAGE_ERROR', `Data directory ${dataDir} is not writable (${err.message})`)
      }
      let text: string
      try {
        text = fs.readFileSync(file, 'utf8')
      } catch {
        continue // removed meanwhile: try again
      }
      const stale = DataDirLock.staleReason(parseLockOwner(text), me, procDir, dataDir)
      log(`Taking over the stale lock ${file}: ${stale}`)
      fs.rmSync(file, { force: true })
    }
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}`)
  }

  /**
   * Why the lock of `holder` is stale.
   * @throws KafkaError KAFKA_STORAGE_ERROR when it is not: its holder runs (or cannot be checked).
   */
  private static staleReason(holder: LockOwner | null, me: LockOwner, procDir: string, dataDir: string): string {
    if (holder === null) return 'it names no process'
    const inUse = (by: string): KafkaError =>
      new KafkaError('KAFKA_STORAGE_ERROR', `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}: the data directory is in use by ${by}`)
    if (holder.hostname !== null && holder.hostname !== me.hostname)
      throw inUse(
        `process ${holder.pid} on host ${holder.hostname} (this is ${me.hostname}; if that host no longer uses the directory, delete ${path.join(dataDir, LOCK_FILE)})`
      )
    if (holder.pid === me.pid) return `it was left by another thread of this process (pid ${holder.pid})`
    if (holder.bootId !== null && me.bootId !== null && holder.bootId !== me.bootId)
      return `process ${holder.pid} ran before the machine restarted (boot id ${holder.bootId})`
    if (!processRuns(holder.pid)) return `process ${holder.pid} no longer runs`
    if (holder.startTime !== null) {
      const now = processStartTime(holder.pid, procDir)
      if (now !== null && now !== holder.startTime)
        return `pid ${holder.pid} now belongs to another process (started at tick ${now}, the lock's holder at tick ${holder.startTime})`
    }
    throw inUse(`process ${holder.pid}`)
  }

  /** Release the lock (idempotent). */
  release(): void {
    if (this.released) return
    this.released = true
    heldHere.delete(path.resolve(this.file))
    try {
      if (fs.readFileSync(this.file, 'utf8') === this.token) fs.rmSync(this.file, { force: true })
    } catch {
      // already gone
    }
  }
}
