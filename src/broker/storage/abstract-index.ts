/**
 * AbstractIndex: what the offset index and the time index share (Kafka's AbstractIndex): a file of
 * fixed-size entries opened through a StorageBackend, holding at most segment.index.bytes of
 * entries (a full index rolls the segment), trimmed to its entries when the segment rolls or
 * closes, an entry count, and truncation.
 *
 * Disk: the file grows on demand as entries are appended; it is never preallocated to
 * segment.index.bytes (Kafka preallocates it sparse, with RandomAccessFile.setLength; here an
 * active index costs only what its entries need, plus at most one growth step of the mmap backend,
 * reserved with fallocate so a full disk fails an append with ENOSPC rather than a SIGBUS).
 *
 * Must stay true: the file's logical size is always `entries * entrySize`; entries are strictly
 * increasing (by offset, resp. timestamp) so a binary search applies; a zero-filled tail left by a
 * crash (the mmap backend's file is as long as its mapping until close) is never counted as entries
 * (an all-zero entry is never valid); an index that fails to open keeps no file open. Not
 * thread-safe (the engine's single event loop owns it).
 */
import * as fs from 'node:fs'
import { StorageError } from '../model/errors'
import type { StorageBackend, StorageFile } from './storage-types'

export abstract class AbstractIndex {
  path: string
  readonly baseOffset: number
  readonly entrySize: number
  protected readonly backend: StorageBackend
  protected file: StorageFile
  /** Most entries this index may hold (segment.index.bytes / entrySize). */
  maxEntries: number
  protected _entries = 0
  protected readonly scratch: Buffer
  /** Appended to as the active segment's index (the mmap backend may hold it longer than its entries). */
  #writable: boolean

  /**
   * Opens (creating when missing) the index at `path`, holding at most `maxIndexBytes`
   * (segment.index.bytes, rounded down to whole entries) of entries; `writable` marks the active
   * segment's index. Nothing is preallocated: the file grows as entries are appended. Entries are
   * counted from the file, stopping at a zero-filled tail, which is cut. Throws StorageError naming
   * the file.
   */
  protected constructor(path: string, baseOffset: number, entrySize: number, backend: StorageBackend, maxIndexBytes: number, writable: boolean) {
    this.path = path
    this.baseOffset = baseOffset
    this.entrySize = entrySize
    this.backend = backend
    this.scratch = Buffer.alloc(entrySize)
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / entrySize))
    this.#writable = writable
    this.file = backend.open(path, { create: true })
    try {
      this._entries = this.countEntries()
      const valid = this._entries * entrySize
      if (this.file.size() !== valid) this.file.truncate(valid)
    } catch (e) {
      this.file.close() // nothing stays open when the index cannot be opened
      throw e
    }
  }

  /** Runs `f` (a subclass's reads at open); when it throws, closes the file before rethrowing. */
  protected closeOnFailure<T>(f: () => T): T {
    try {
      return f()
    } catch (e) {
      this.file.close()
      throw e
    }
  }

  /** Entries in the index. */
  get entries(): number {
    return this._entries
  }

  /** Bytes of valid entries (the size the file has after trimming). */
  sizeInBytes(): number {
    return this._entries * this.entrySize
  }

  /** True when no further entry fits (the segment must roll). */
  isFull(): boolean {
    return this._entries >= this.maxEntries
  }

  private isZeroEntry(n: number): boolean {
    this.readEntry(n)
    for (let i = 0; i < this.entrySize; i++) if (this.scratch[i] !== 0) return false
    return true
  }

  /** Whole entries in the file before the first all-zero entry (binary search: zeros are a suffix). */
  private countEntries(): number {
    const n = Math.floor(this.file.size() / this.entrySize)
    if (n === 0 || !this.isZeroEntry(n - 1)) return n
    let lo = 0
    let hi = n - 1 // entry hi is zero; find the first zero entry
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.isZeroEntry(mid)) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /** Copies entry `n` into `this.scratch`. */
  protected readEntry(n: number): Buffer {
    const got = this.file.readInto(n * this.entrySize, this.scratch, 0, this.entrySize)
    if (got !== this.entrySize) {
      throw new StorageError('CORRUPT_MESSAGE', this.path, `index entry ${n} is short (${got} of ${this.entrySize} bytes)`, n * this.entrySize)
    }
    return this.scratch
  }

  /** Writes `this.scratch` as the next entry. Throws StorageError when full. */
  protected appendScratch(): void {
    if (this.isFull()) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.path, `index is full (${this._entries} entries, segment.index.bytes reached)`)
    }
    this.file.write(this._entries * this.entrySize, this.scratch)
    this._entries++
  }

  /** Keeps the first `n` entries. */
  truncateToEntries(n: number): void {
    if (n >= this._entries) return
    this._entries = Math.max(0, n)
    this.file.truncate(this._entries * this.entrySize)
  }

  /** Removes every entry. */
  reset(): void {
    this.truncateToEntries(0)
  }

  /**
   * Trims the file on disk to its entries (Kafka's trimToValidSize on roll): the file is closed
   * (which trims what a backend grew ahead, the mmap backend's capacity) and reopened at its exact
   * size. `maxEntries` stays as it was. No-op unless writable.
   */
  trimToValidSize(): void {
    if (!this.#writable) return
    this.file.close()
    this.file = this.backend.open(this.path, { create: true })
    this.#writable = false
  }

  /**
   * Marks the index as the active segment's again (after a truncation made its segment active): it
   * takes entries up to `maxEntries`, growing on demand. Nothing is reserved ahead.
   */
  makeWritable(): void {
    this.#writable = true
  }

  /** Makes the entries durable. */
  flush(): void {
    this.file.flush()
  }

  /** Trims and closes the file. */
  close(): void {
    this.file.close()
  }

  /** Closes and deletes the file. */
  deleteFile(): void {
    this.file.close()
    fs.rmSync(this.path, { force: true })
  }

  /** Closes the file and renames it (used when a cleaned segment replaces an old one). */
  renameTo(path: string): void {
    this.file.close()
    fs.renameSync(this.path, path)
    this.path = path
    this.file = this.backend.open(path, { create: true })
    this.#writable = false
  }
}
