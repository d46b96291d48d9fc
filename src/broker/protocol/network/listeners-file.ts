/**
 * The listeners file, `<dataDir>/listeners.json`: where the process running a cluster records its
 * brokers' listeners, so that a later command given only `--data-dir` finds the running cluster
 * and talks to it over the wire instead of failing on the data directory's lock.
 *
 * It holds the writer's identity as the lock file records it (pid, hostname, start time and boot id,
 * see ../../cluster/data-dir-lock.ts), the time it was written and every broker's listener (id,
 * host, port, state). The reader's staleness rule: the record counts only while the lock's holder
 * is the recorded process (same pid, start time and boot id where known) and that process still
 * runs with that start time; anything else (no lock, another holder, a crashed writer, a torn file)
 * is stale, with the reason.
 *
 * Must stay true: the file is replaced atomically (a temporary file renamed over it), so a reader
 * sees the old or the new record, never half of one; `removeListenersFile` removes it only when it
 * is this process's.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { LOCK_FILE, parseLockOwner, processStartTime } from '../../cluster/data-dir-lock'

/** The file's name in the data directory. */
export const LISTENERS_FILE = 'listeners.json'

/** One broker's listener as recorded. `state`: listening, down (could not bind) or stopped (broker stopped). */
export interface RecordedListener {
  brokerId: number
  host: string
  port: number
  state: 'listening' | 'down' | 'stopped'
  /** Why the listener is down (e.g. the port is in use), else null. */
  error: string | null
}

/** What listeners.json holds. `writtenAt` in ms since the epoch. */
export interface ListenersRecord {
  pid: number
  hostname: string
  /** /proc/<pid>/stat field 22 (as the lock records it), or null without /proc. */
  startTime: string | null
  /** /proc/sys/kernel/random/boot_id, or null without /proc. */
  bootId: string | null
  writtenAt: number
  brokers: RecordedListener[]
  /** The listening brokers as a Kafka bootstrap string, e.g. "127.0.0.1:9092,127.0.0.1:9093". */
  bootstrapServers: string
}

/** The outcome of reading the file: the record of a running cluster, or why there is none. */
export type ListenersLookup = { ok: true; record: ListenersRecord } | { ok: false; reason: string }

function bootId(procDir: string): string | null {
  try {
    return fs.readFileSync(path.join(procDir, 'sys', 'kernel', 'random', 'boot_id'), 'utf8').trim() || null
  } catch {
    return null
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** "host:port" with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}

/**
 * Writes the record of this process's listeners atomically (temporary file, then rename).
 * @param procDir where /proc is (tests point it elsewhere).
 * @throws Error (the errno's) when the data directory cannot be written.
 */
export function writeListenersFile(dataDir: string, brokers: RecordedListener[], opts: { clock?: () => number; procDir?: string } = {}): ListenersRecord {
  const procDir = opts.procDir ?? '/proc'
  const record: ListenersRecord = {
    pid: process.pid,
    hostname: os.hostname(),
    startTime: processStartTime(process.pid, procDir),
    bootId: bootId(procDir),
    writtenAt: (opts.clock ?? Date.now)(),
    brokers: brokers.map((b) => ({ ...b })),
    bootstrapServers: brokers
      .filter((b) => b.state === 'listening')
      .map((b) => hostPort(b.host, b.port))
      .join(',')
  }
  const file = path.join(dataDir, LISTENERS_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`)
  fs.renameSync(tmp, file)
  return record
}

/** Removes the listeners file when this process wrote it (another process's record is left alone). */
export function removeListenersFile(dataDir: string): void {
  const file = path.join(dataDir, LISTENERS_FILE)
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown }
    if (doc.pid === process.pid) fs.rmSync(file, { force: true })
  } catch {
    // missing or torn: nothing of ours to remove
  }
}

function parseRecord(text: string): ListenersRecord | null {
  let doc: Record<string, unknown>
  try {
    doc = JSON.parse(text) as Record<string, unknown>
  } catch {
    return null
  }
  if (!doc || typeof doc !== 'object' || !Number.isInteger(doc.pid) || !Array.isArray(doc.brokers) || typeof doc.bootstrapServers !== 'string') return null
  const ok = (doc.brokers as unknown[]).every((b) => {
    const r = b as Record<string, unknown>
    return r && Number.isInteger(r.brokerId) && typeof r.host === 'string' && Number.isInteger(r.port) && ['listening', 'down', 'stopped'].includes(r.state as string)
  })
  return ok ? (doc as unknown as ListenersRecord) : null
}

/**
 * Reads the listeners of the cluster running on `dataDir`, applying the staleness rule (see the
 * module header). Never throws: a missing, torn or stale record is `{ ok: false, reason }`.
 */
export function readListenersFile(dataDir: string, opts: { procDir?: string } = {}): ListenersLookup {
  const procDir = opts.procDir ?? '/proc'
  const file = path.join(dataDir, LISTENERS_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return { ok: false, reason: `${file} does not exist: no running cluster recorded its listeners there` }
  }
  const record = parseRecord(text)
  if (!record) return { ok: false, reason: `${file} is not a listeners record (torn or foreign)` }
  let lockText: string
  try {
    lockText = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')
  } catch {
    return { ok: false, reason: `${file} is stale: ${path.join(dataDir, LOCK_FILE)} does not exist, so process ${record.pid} no longer holds the data directory` }
  }
  const holder = parseLockOwner(lockText)
  const stale = (why: string): ListenersLookup => ({ ok: false, reason: `${file} is stale: ${why}` })
  if (!holder) return stale('the lock file names no process')
  if (holder.pid !== record.pid) return stale(`the lock is held by process ${holder.pid}, not by process ${record.pid} that wrote it`)
  if (holder.hostname !== null && holder.hostname !== record.hostname) return stale(`the lock was written on host ${holder.hostname}, the listeners on ${record.hostname}`)
  if (holder.startTime !== null && record.startTime !== null && holder.startTime !== record.startTime)
    return stale(`the lock's holder started at tick ${holder.startTime}, the listeners' writer at tick ${record.startTime}`)
  if (holder.bootId !== null && record.bootId !== null && holder.bootId !== record.bootId) return stale('the lock and the listeners were written in different boots')
  if (record.hostname !== os.hostname()) return stale(`it was written on host ${record.hostname} (this is ${os.hostname()}), whose process cannot be checked from here`)
  const now = bootId(procDir)
  if (now !== null && record.bootId !== null && now !== record.bootId) return stale(`process ${record.pid} ran before the machine restarted`)
  if (!processRuns(record.pid)) return stale(`process ${record.pid} no longer runs`)
  const start = processStartTime(record.pid, procDir)
  if (start !== null && record.startTime !== null && start !== record.startTime) return stale(`pid ${record.pid} now belongs to another process`)
  return { ok: true, record }
}
