/**
 * OffsetIndex: the `.index` file of a segment (Kafka's OffsetIndex). Sparse: 8-byte entries
 * (relative offset int32 = offset - baseOffset, physical position int32 in the `.log`), one per
 * index.interval.bytes of log, so a lookup is a binary search here and then a short scan of the log.
 *
 * Must stay true: offsets strictly increase with entries; each entry's offset is the last offset of
 * the batch that starts at its position (as Kafka's, which indexes the largest offset appended), so
 * a reader can verify an entry against the log.
 */
import { StorageError } from '../model/errors'
import { AbstractIndex } from './abstract-index'
import type { StorageBackend } from './storage-types'

/** An (offset, position) pair: an absolute offset and a byte position in the segment's log. */
export interface OffsetPosition {
  offset: number
  position: number
}

export const OFFSET_INDEX_ENTRY_SIZE = 8

export class OffsetIndex extends AbstractIndex {
  #lastOffset: number

  /**
   * Opens (creating when missing) `path` for the segment starting at `baseOffset`, holding at most
   * `maxIndexBytes` (segment.index.bytes) of entries; `writable` marks the active segment's index
   * (the file grows on demand). Throws StorageError naming the file.
   */
  constructor(path: string, baseOffset: number, backend: StorageBackend, maxIndexBytes: number, writable: boolean) {
    super(path, baseOffset, OFFSET_INDEX_ENTRY_SIZE, backend, maxIndexBytes, writable)
    this.#lastOffset = this.closeOnFailure(() => (this._entries > 0 ? this.entry(this._entries - 1).offset : baseOffset))
  }

  /** Offset of the last entry (baseOffset when empty). */
  get lastOffset(): number {
    return this.#lastOffset
  }

  /** Entry `n` (0-based) as absolute offset and position. */
  entry(n: number): OffsetPosition {
    const b = this.readEntry(n)
    return { offset: this.baseOffset + b.readInt32BE(0), position: b.readInt32BE(4) }
  }

  /**
   * Adds (offset, position). Throws StorageError when the offset does not exceed the last entry's,
   * when it does not fit a relative int32, or when the index is full.
   */
  append(offset: number, position: number): void {
    if (this._entries > 0 && offset <= this.#lastOffset) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.path, `index entry offset ${offset} is not above the last entry ${this.#lastOffset}`)
    }
    const rel = offset - this.baseOffset
    if (rel < 0 || rel > 0x7fffffff) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.path, `offset ${offset} is outside the segment's relative int32 range from ${this.baseOffset}`)
    }
    this.scratch.writeInt32BE(rel, 0)
    this.scratch.writeInt32BE(position, 4)
    this.appendScratch()
    this.#lastOffset = offset
  }

  /** Index of the last entry with offset <= target, or -1. */
  private largestLowerBound(target: number): number {
    let lo = 0
    let hi = this._entries - 1
    let found = -1
    const rel = target - this.baseOffset
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.readEntry(mid).readInt32BE(0) <= rel) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /**
   * The entry with the largest offset <= `target`, or (baseOffset, 0) when there is none: where a
   * scan of the log for `target` starts (Kafka's OffsetIndex.lookup). Also returns the entry number (-1).
   */
  lookup(target: number): OffsetPosition & { slot: number } {
    const slot = this.largestLowerBound(target)
    if (slot < 0) return { offset: this.baseOffset, position: 0, slot }
    return { ...this.entry(slot), slot }
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBound(offset - 1)
    this.truncateToEntries(slot + 1)
    this.#lastOffset = this._entries > 0 ? this.entry(this._entries - 1).offset : this.baseOffset
  }

  override truncateToEntries(n: number): void {
    super.truncateToEntries(n)
    this.#lastOffset = this._entries > 0 ? this.entry(this._entries - 1).offset : this.baseOffset
  }
}
