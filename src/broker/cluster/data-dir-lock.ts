/**
 * DataDirLock: one Cluster per data directory at a time, as Kafka's `.lock` file in each log dir.
 * The lock file `<dataDir>/.lock` holds the owner's pid; a lock whose process no longer runs is stale
 * and taken over.
 *
 * Must stay true: while a Cluster has a directory open, a second open from another running process,
 * or from the same JS realm (thread), fails with KAFKA_STORAGE_ERROR naming the directory and pid;
 * `release` removes the file only when this lock still owns it. A lock held by another thread of
 * this process is taken over: a terminated engine worker cannot release its lock, and its process
 * lives on (one engine per process is the hosts' rule).
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError } from '../errors'

export const LOCK_FILE = '.lock'

/** Data directories locked by this JS realm (thread). */
const heldHere = new Set<string>()

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** An acquired lock on a data directory. */
export class DataDirLock {
  private released = false
  private constructor(
    readonly file: string,
    private readonly token: string
  ) {}

  /**
   * Acquire the lock of `dataDir` (which must exist).
   * @throws KafkaError KAFKA_STORAGE_ERROR when a running process holds it.
   */
  static acquire(dataDir: string): DataDirLock {
    const file = path.join(dataDir, LOCK_FILE)
    if (heldHere.has(path.resolve(file)))
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}: the data directory is in use by another open Cluster in this thread`
      )
    const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}`
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, token, { flag: 'wx' })
        heldHere.add(path.resolve(file))
        return new DataDirLock(file, token)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
      let holder = NaN
      try {
        holder = Number(fs.readFileSync(file, 'utf8').split(' ')[0])
      } catch {
        continue // removed meanwhile: try again
      }
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processRuns(holder))
        throw new KafkaError(
          'KAFKA_STORAGE_ERROR',
          `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}: the data directory is in use by process ${holder}`
        )
      fs.rmSync(file, { force: true }) // stale: its process is gone, or a thread of this process ended without closing
    }
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Failed to acquire lock on file ${LOCK_FILE} in ${dataDir}`)
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
