/**
 * TimeIndex: the `.timeindex` file of a segment (Kafka's TimeIndex). 12-byte entries (timestamp
 * int64 ms, relative offset int32): "records up to this offset have timestamps up to this
 * timestamp", appended beside offset-index entries when the segment's max timestamp grew, and once
 * more when the segment rolls or closes. Lookup by timestamp is a binary search.
 *
 * Must stay true: timestamps strictly increase with entries, offsets do not decrease; each entry's
 * offset is the last offset of a batch whose maxTimestamp is the entry's timestamp.
 */
import { StorageError } from '../model/errors'
import { AbstractIndex } from './abstract-index'
import { readInt64BE, writeInt64BE } from '../codec/byte-writer'
import type { StorageBackend } from './storage-types'

/** A (timestamp, offset) pair. */
export interface TimestampOffset {
  timestamp: number
  offset: number
}

export const TIME_INDEX_ENTRY_SIZE = 12

export class TimeIndex extends AbstractIndex {
  #last: TimestampOffset

  /** Opens (creating when missing) `path`; see AbstractIndex. Throws StorageError naming the file. */
  constructor(path: string, baseOffset: number, backend: StorageBackend, maxIndexBytes: number, writable: boolean) {
    super(path, baseOffset, TIME_INDEX_ENTRY_SIZE, backend, maxIndexBytes, writable)
    this.#last = this.closeOnFailure(() => this.lastFromFile())
  }

  private lastFromFile(): TimestampOffset {
    return this._entries > 0 ? this.entry(this._entries - 1) : { timestamp: -1, offset: this.baseOffset }
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  get lastEntry(): TimestampOffset {
    return this.#last
  }

  /** Entry `n` (0-based). */
  entry(n: number): TimestampOffset {
    const b = this.readEntry(n)
    return { timestamp: readInt64BE(b, 0), offset: this.baseOffset + b.readInt32BE(8) }
  }

  /**
   * Appends (timestamp, offset) when `timestamp` is above the last entry's (Kafka's maybeAppend).
   * `skipFullCheck` lets the final entry on roll go in even when the index is full (one entry past
   * segment.index.bytes: the file grows on demand, and the segment rolls before appending to a full
   * index). Throws StorageError when the offset goes backwards.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (this._entries > 0 && timestamp <= this.#last.timestamp) return
    if (this._entries > 0 && offset < this.#last.offset) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.path, `time index offset ${offset} goes below the last entry's ${this.#last.offset}`)
    }
    if (skipFullCheck && this.isFull()) this.maxEntries++
    writeInt64BE(this.scratch, timestamp, 0)
    this.scratch.writeInt32BE(offset - this.baseOffset, 8)
    this.appendScratch()
    this.#last = { timestamp, offset }
  }

  /**
   * The entry with the largest timestamp <= `timestamp`, or (-1, baseOffset) when none: where a scan
   * for the first record at or after `timestamp` starts (Kafka's TimeIndex.lookup).
   */
  lookup(timestamp: number): TimestampOffset {
    let lo = 0
    let hi = this._entries - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (readInt64BE(this.readEntry(mid), 0) <= timestamp) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(found)
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: number): void {
    let n = this._entries
    while (n > 0 && this.entry(n - 1).offset >= offset) n--
    this.truncateToEntries(n)
  }

  override truncateToEntries(n: number): void {
    super.truncateToEntries(n)
    this.#last = this.lastFromFile()
  }
}
