/**
 * LogSegment: one segment of a partition log (Kafka's LogSegment): `<base>.log` holding record
 * batches v2, its sparse `.index` (offset -> position) and `.timeindex` (timestamp -> offset).
 * Owns append, read by offset, translateOffset, findOffsetByTimestamp, truncateTo, recover (rebuild
 * the indexes by re-validating every batch), roll decisions and the description the UI shows.
 *
 * Must stay true:
 * - Batches are appended whole, in offset order; an index entry is added when more than
 *   index.interval.bytes of log were appended since the last one; it names the last offset of the
 *   batch starting at its position (and the time index the batch's max timestamp so far).
 * - What a read returns is whole batches whose header is sane, whose CRC-32C matches and whose
 *   offsets increase; a bad batch ends a read after good ones and is refused with a StorageError
 *   naming the file and position when it comes first: never wrong data. An index entry that
 *   disagrees with the log (or points past it) makes the segment rebuild its indexes from the log.
 * - The positions of the last RECENT_BATCHES batches appended are remembered (a follower's fetch
 *   starts at one of them, so its read needs no index lookup and scan); they are forgotten whenever
 *   the log changes other than by an append (truncation, recovery, index rebuild, roll, rename), and
 *   a read starting at one checks that the batch there is the one remembered, else reads as if it
 *   were not remembered.
 * - The bytes of the last read that started at a remembered batch are kept for the next read with
 *   the same arguments (the other followers of the partition fetch the same tail in the same
 *   replication round, RF 3: one pread and one CRC-32C pass instead of two), used once: they are
 *   dropped when that read takes them, on the next append and whenever the remembered positions
 *   are forgotten, so they are only ever served for a log whose size did not change since.
 * - Not thread-safe: the engine's single event loop owns it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { StorageError } from '../model/errors'
import { BatchScanner } from './batch-scanner'
import { OffsetIndex } from './offset-index'
import {
  BATCH_HEADER_SIZE,
  batchBaseOffset,
  batchCrcMatches,
  batchLastOffset,
  batchMaxTimestamp,
  batchMinTimestamp,
  batchSize,
  checkBatchHeader,
  countBatchRecordsInRange,
  decodeRecordsInto
} from '../codec/record-batch'
import type { LogConfig, SegmentDescription, StorageBackend, StorageFile, StoredRecord } from './storage-types'
import { TimeIndex } from './time-index'

export const LOG_FILE_SUFFIX = '.log'
export const INDEX_FILE_SUFFIX = '.index'
export const TIME_INDEX_FILE_SUFFIX = '.timeindex'
/** Suffix of a segment file being written by the cleaner (Kafka's CleanedFileSuffix). */
export const CLEANED_FILE_SUFFIX = '.cleaned'
/** Suffix of a cleaned segment about to replace the originals (Kafka's SwapFileSuffix). */
export const SWAP_FILE_SUFFIX = '.swap'
/** Suffix of a segment file scheduled for deletion (Kafka's DeletedFileSuffix). */
export const DELETED_FILE_SUFFIX = '.deleted'

/** `<20-digit zero-padded offset>` (Kafka's LogFileUtils.filenamePrefixFromOffset). */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0')
}

/** Path of a segment file: `dir/<20 digits><suffix>`. */
export function segmentFilePath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + suffix)
}

/** Where a batch starts and what it holds (the result of translateOffset). */
export interface BatchPosition {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
}

/**
 * How many appended batches' positions a segment remembers (see the module header): enough for the
 * batches a follower has not yet copied between two replication rounds (a round copies every
 * partition up to its leader's log end offset), few enough to cost nothing.
 */
const RECENT_BATCHES = 64

/** Thrown internally when an index entry does not match the log; the segment rebuilds its indexes. */
class IndexMismatch extends Error {}

export class LogSegment {
  readonly dir: string
  baseOffset: number
  log: StorageFile
  private readonly backend: StorageBackend
  /** Suffix after `.log` / `.index` / `.timeindex` ('' or '.cleaned'). */
  suffix: string
  offsetIndex: OffsetIndex
  timeIndex: TimeIndex
  config: LogConfig
  /** Bytes appended since the last offset-index entry. */
  private bytesSinceLastIndexEntry = 0
  private _nextOffset: number | null
  /** Largest batch maxTimestamp in the segment and the last offset of that batch (-1 when unknown/empty). */
  private _maxTimestamp: number | null
  private _offsetOfMaxTimestamp = -1
  /** maxTimestamp of the first batch, the base of segment.ms (Kafka's rollingBasedTimestamp). */
  private rollingBasedTimestamp: number | null = null
  /** Clock time the segment was created / opened; segment.ms falls back to it. */
  readonly created: number
  private _records: number | null
  private _minTimestamp: number | null | undefined
  private writable: boolean
  /** Base offset -> where that batch starts, for the last RECENT_BATCHES batches appended (insertion order). */
  private readonly recent = new Map<number, BatchPosition>()
  /** The last read that started at a remembered batch, kept for one identical read (see the module header). */
  private tailRead: { startOffset: number; maxSize: number; maxOffset: number; minOneBatch: boolean; logSize: number; buf: Buffer } | null = null

  private constructor(
    dir: string,
    baseOffset: number,
    log: StorageFile,
    oi: OffsetIndex,
    ti: TimeIndex,
    config: LogConfig,
    created: number,
    writable: boolean,
    backend: StorageBackend,
    suffix: string
  ) {
    this.dir = dir
    this.backend = backend
    this.suffix = suffix
    this.baseOffset = baseOffset
    this.log = log
    this.offsetIndex = oi
    this.timeIndex = ti
    this.config = config
    this.created = created
    this.writable = writable
    const empty = log.size() === 0
    this._nextOffset = empty ? baseOffset : null
    this._maxTimestamp = empty ? -1 : null
    this._records = empty ? 0 : null
    this._minTimestamp = empty ? null : undefined
  }

  /**
   * Opens the segment starting at `baseOffset` in `dir`, creating its files when missing.
   * `writable` marks the active segment (its indexes take entries up to segment.index.bytes,
   * growing on demand; nothing is preallocated). `suffix`
   * (e.g. '.cleaned') is appended to every file name. Throws StorageError naming the file.
   */
  static open(dir: string, baseOffset: number, config: LogConfig, backend: StorageBackend, opts: { writable: boolean; now: number; suffix?: string }): LogSegment {
    const sfx = opts.suffix ?? ''
    const log = backend.open(segmentFilePath(dir, baseOffset, LOG_FILE_SUFFIX + sfx), { create: true })
    let oi: OffsetIndex | undefined
    try {
      oi = new OffsetIndex(segmentFilePath(dir, baseOffset, INDEX_FILE_SUFFIX + sfx), baseOffset, backend, config.segmentIndexBytes, opts.writable)
      const ti = new TimeIndex(segmentFilePath(dir, baseOffset, TIME_INDEX_FILE_SUFFIX + sfx), baseOffset, backend, config.segmentIndexBytes, opts.writable)
      return new LogSegment(dir, baseOffset, log, oi, ti, config, opts.now, opts.writable, backend, sfx)
    } catch (e) {
      log.close()
      oi?.close()
      throw e
    }
  }

  /** Size of the `.log` file in bytes. */
  size(): number {
    return this.log.size()
  }

  /** The offset after the last batch (baseOffset when empty). Computed from the tail on first use. */
  nextOffset(): number {
    if (this._nextOffset === null) this.loadTail()
    return this._nextOffset!
  }

  /** Largest batch max timestamp in the segment, -1 when empty. */
  maxTimestamp(): number {
    if (this._maxTimestamp === null) this.loadTail()
    return this._maxTimestamp!
  }

  /**
   * Reads the batches after the last offset-index entry to learn the next offset and max
   * timestamp (Kafka's readNextOffset). Throws StorageError naming the log file and position when
   * the tail is not made of whole sane batches (recover() truncates such a tail).
   */
  private loadTail(): void {
    const last = this.offsetIndex.entries > 0 ? this.offsetIndex.entry(this.offsetIndex.entries - 1) : { offset: this.baseOffset, position: 0 }
    const s = new BatchScanner(this.log, last.position, this.log.size(), { chunkSize: 16 * 1024 })
    let next = this.baseOffset
    const lastTime = this.timeIndex.lastEntry
    let maxTs = lastTime.timestamp
    let maxTsOffset = lastTime.offset
    let bytes = 0
    while (s.next()) {
      next = s.lastOffset + 1
      if (s.maxTimestamp > maxTs) {
        maxTs = s.maxTimestamp
        maxTsOffset = s.lastOffset
      }
      bytes += s.size
    }
    if (s.error !== null) {
      throw new StorageError('CORRUPT_MESSAGE', this.log.path, `segment tail is not a sane record batch: ${s.error}`, s.position)
    }
    this._nextOffset = next
    this._maxTimestamp = maxTs
    this._offsetOfMaxTimestamp = maxTsOffset
    this.bytesSinceLastIndexEntry = bytes
    if (this.rollingBasedTimestamp === null && this.log.size() >= BATCH_HEADER_SIZE) {
      this.rollingBasedTimestamp = batchMaxTimestamp(this.log.read(0, BATCH_HEADER_SIZE))
    }
  }

  /**
   * Checks the last entries of both indexes against the log (Kafka's sanityCheck, plus a look at
   * the batch the entry names). Returns a reason when they disagree, null when consistent.
   */
  checkIndexes(): string | null {
    const n = this.offsetIndex.entries
    if (n > 0) {
      const e = this.offsetIndex.entry(n - 1)
      if (e.position + BATCH_HEADER_SIZE > this.log.size()) return `offset index entry ${e.offset} -> ${e.position} points past the log end ${this.log.size()}`
      const h = this.log.read(e.position, BATCH_HEADER_SIZE)
      if (checkBatchHeader(h, 0, this.log.size() - e.position) !== null || batchLastOffset(h) !== e.offset) {
        return `offset index entry ${e.offset} -> ${e.position} does not name a batch ending at that offset`
      }
    }
    if (this.timeIndex.entries > 0) {
      const t = this.timeIndex.lastEntry
      try {
        const b = this.translateOffsetUnchecked(t.offset)
        if (b === null || b.lastOffset !== t.offset) return `time index entry ${t.timestamp} -> ${t.offset} does not name a batch end`
        const h = this.log.read(b.position, BATCH_HEADER_SIZE)
        if (batchMaxTimestamp(h) !== t.timestamp) return `time index entry ${t.timestamp} -> ${t.offset} disagrees with its batch's max timestamp`
      } catch {
        return `time index entry ${t.timestamp} -> ${t.offset} cannot be checked against the log`
      }
    }
    return null
  }

  /** True when appending a batch of `batchBytes` with `maxTimestamp` must go to a new segment (Kafka's shouldRoll). */
  shouldRoll(batchBytes: number, maxTimestamp: number, lastOffset: number, now: number): boolean {
    const size = this.log.size()
    if (size === 0) return false
    if (size > this.config.segmentBytes - batchBytes) return true
    const waited = this.rollingBasedTimestamp !== null && this.rollingBasedTimestamp >= 0 ? maxTimestamp - this.rollingBasedTimestamp : now - this.created
    if (waited > this.config.segmentMs) return true
    if (this.offsetIndex.isFull() || this.timeIndex.isFull()) return true
    return lastOffset - this.baseOffset > 0x7fffffff
  }

  /**
   * Appends one or more whole batches (`batches`, already validated) whose last offset is
   * `lastOffset` and largest max timestamp `maxTimestamp`; `count` records. Adds index entries per
   * index.interval.bytes (one per batch at most). Throws StorageError on I/O failure.
   */
  append(batches: Uint8Array, lastOffset: number, maxTimestamp: number, count: number): void {
    if (this._nextOffset === null) this.loadTail()
    const position = this.log.size()
    if (position === 0) this.rollingBasedTimestamp = batchMaxTimestamp(batches, 0)
    this.tailRead = null
    this.log.write(position, batches)
    if (batches.length === batchSize(batches, 0)) {
      this.indexBatch(position, batches.length, lastOffset, maxTimestamp)
      this.remember(position, batches.length, batchBaseOffset(batches, 0), lastOffset)
    } else {
      let p = 0
      while (p < batches.length) {
        const size = batchSize(batches, p)
        const last = batchLastOffset(batches, p)
        this.indexBatch(position + p, size, last, batchMaxTimestamp(batches, p))
        this.remember(position + p, size, batchBaseOffset(batches, p), last)
        p += size
      }
    }
    this._nextOffset = lastOffset + 1
    if (this._records !== null) this._records += count
    if (this._minTimestamp !== undefined) {
      let p = 0
      while (p < batches.length) {
        const bt = batchMinTimestamp(batches, p)
        if (this._minTimestamp === null || bt < this._minTimestamp) this._minTimestamp = bt
        p += batchSize(batches, p)
      }
    }
  }

  /** Forgets the remembered batch positions and the kept tail read (the log changed other than by an append). */
  private forgetRecent(): void {
    this.recent.clear()
    this.tailRead = null
  }

  private remember(position: number, size: number, baseOffset: number, lastOffset: number): void {
    this.recent.set(baseOffset, { position, size, baseOffset, lastOffset })
    if (this.recent.size > RECENT_BATCHES) this.recent.delete(this.recent.keys().next().value as number)
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this._maxTimestamp!) {
      this._maxTimestamp = maxTimestamp
      this._offsetOfMaxTimestamp = lastOffset
    }
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position)
      this.timeIndex.maybeAppend(this._maxTimestamp!, this._offsetOfMaxTimestamp)
      this.bytesSinceLastIndexEntry = 0
    }
    this.bytesSinceLastIndexEntry += size
  }

  private translateOffsetUnchecked(offset: number): BatchPosition | null {
    const e = this.offsetIndex.lookup(offset)
    const s = new BatchScanner(this.log, e.position, this.log.size(), { chunkSize: 8 * 1024 })
    let first = true
    while (s.next()) {
      if (first && e.slot >= 0 && s.lastOffset !== e.offset) {
        throw new IndexMismatch(`offset index entry ${e.offset} -> ${e.position} names a batch ending at ${s.lastOffset}`)
      }
      first = false
      if (s.lastOffset >= offset) return { position: s.position, size: s.size, baseOffset: s.baseOffset, lastOffset: s.lastOffset }
    }
    if (first && e.slot >= 0) {
      throw new IndexMismatch(`offset index entry ${e.offset} -> ${e.position} does not point at a batch: ${s.error ?? 'past the end of the log'}`)
    }
    if (s.error !== null) throw new StorageError('CORRUPT_MESSAGE', this.log.path, `cannot find offset ${offset}: ${s.error}`, s.position)
    return null
  }

  /** Runs `f`; when an index disagrees with the log, rebuilds the indexes and runs it once more. */
  private withIndexes<T>(f: () => T): T {
    try {
      return f()
    } catch (e) {
      if (!(e instanceof IndexMismatch)) throw e
      this.rebuildIndexes(e.message)
      return f()
    }
  }

  /**
   * The first batch whose last offset is >= `offset` (Kafka's translateOffset): its position,
   * size and offsets; null when the segment has none. Throws StorageError naming the log file and
   * position when the log is not sane there.
   */
  translateOffset(offset: number): BatchPosition | null {
    return this.withIndexes(() => this.translateOffsetUnchecked(offset))
  }

  /**
   * Whole batches starting with the one containing `startOffset`, up to `maxSize` bytes (at least
   * one batch when `minOneBatch`), excluding batches with offsets >= `maxOffset`. Null when no batch
   * of this segment reaches `startOffset`. Every returned batch passed its CRC-32C check; a bad
   * batch ends the read, or, when it is the first, throws StorageError (CORRUPT_MESSAGE) naming the
   * log file and position.
   */
  read(startOffset: number, maxSize: number, maxOffset = Number.MAX_SAFE_INTEGER, minOneBatch = true): Buffer | null {
    const recent = this.recent.get(startOffset)
    if (recent !== undefined) {
      const kept = this.tailRead
      if (kept !== null) {
        this.tailRead = null
        if (kept.startOffset === startOffset && kept.maxSize === maxSize && kept.maxOffset === maxOffset && kept.minOneBatch === minOneBatch && kept.logSize === this.log.size()) return kept.buf
      }
      const r = this.readFrom(recent, maxSize, maxOffset, minOneBatch, true)
      if (r !== null) {
        if (r.length > 0) this.tailRead = { startOffset, maxSize, maxOffset, minOneBatch, logSize: this.log.size(), buf: r }
        return r
      }
      this.forgetRecent()
    }
    const start = this.translateOffset(startOffset)
    if (start === null) return null
    return this.readFrom(start, maxSize, maxOffset, minOneBatch, false)
  }

  /**
   * read() from the batch at `start`. `remembered`: `start` came from the recent appends, so null
   * is returned when the bytes there are not that batch (the caller then looks it up).
   */
  private readFrom(start: BatchPosition, maxSize: number, maxOffset: number, minOneBatch: boolean, remembered: boolean): Buffer | null {
    if (start.lastOffset >= maxOffset) return Buffer.alloc(0)
    const logSize = this.log.size()
    if (remembered && start.position + start.size > logSize) return null
    let len = Math.min(Math.max(maxSize, 0), logSize - start.position)
    if (len < start.size) {
      if (!minOneBatch) return Buffer.alloc(0)
      len = start.size
    }
    const buf = this.log.read(start.position, len)
    if (remembered && (buf.length < BATCH_HEADER_SIZE || checkBatchHeader(buf, 0, logSize - start.position) !== null || batchBaseOffset(buf, 0) !== start.baseOffset || batchSize(buf, 0) !== start.size)) return null
    let pos = 0
    let prevLast = -1
    while (pos < buf.length) {
      const avail = buf.length - pos
      if (avail < BATCH_HEADER_SIZE) break
      // A bad batch after good ones ends the read (they are served); a bad first batch is refused.
      const reason = checkBatchHeader(buf, pos, logSize - start.position - pos)
      if (reason !== null) {
        if (pos > 0) break
        throw new StorageError('CORRUPT_MESSAGE', this.log.path, `invalid record batch: ${reason}`, start.position + pos)
      }
      const size = batchSize(buf, pos)
      if (size > avail) break
      if (batchLastOffset(buf, pos) >= maxOffset) break
      if (!batchCrcMatches(buf, pos)) {
        if (pos > 0) break
        throw new StorageError('CORRUPT_MESSAGE', this.log.path, `record batch at offset ${batchBaseOffset(buf, pos)} fails its CRC-32C check`, start.position + pos)
      }
      if (batchBaseOffset(buf, pos) <= prevLast) {
        if (pos > 0) break
        throw new StorageError('CORRUPT_MESSAGE', this.log.path, `record batch offsets go backwards at offset ${batchBaseOffset(buf, pos)}`, start.position + pos)
      }
      prevLast = batchLastOffset(buf, pos)
      pos += size
    }
    return pos === buf.length ? buf : buf.subarray(0, pos)
  }

  /**
   * The first offset >= `startingOffset` whose record timestamp is >= `timestamp`, or null when the
   * segment has none (Kafka's findOffsetByTimestamp: time index lookup, offset index lookup, scan).
   */
  findOffsetByTimestamp(timestamp: number, startingOffset = this.baseOffset): number | null {
    return this.withIndexes(() => {
      const t = this.timeIndex.lookup(timestamp)
      let from = Math.max(t.offset, startingOffset)
      if (t.timestamp >= 0) {
        const b = this.translateOffsetUnchecked(t.offset)
        if (b === null || b.lastOffset !== t.offset) throw new IndexMismatch(`time index entry ${t.timestamp} -> ${t.offset} does not name a batch end`)
        const h = this.log.read(b.position, BATCH_HEADER_SIZE)
        if (batchMaxTimestamp(h) !== t.timestamp) {
          throw new IndexMismatch(`time index entry ${t.timestamp} -> ${t.offset} disagrees with its batch's max timestamp`)
        }
        from = Math.max(b.baseOffset, startingOffset)
      }
      const start = this.translateOffsetUnchecked(from)
      if (start === null) return null
      const s = new BatchScanner(this.log, start.position, this.log.size(), { wholeBatches: true })
      const recs: StoredRecord[] = []
      while (s.next()) {
        if (s.maxTimestamp < timestamp || s.lastOffset < startingOffset) continue
        if (!s.crcMatches()) throw new StorageError('CORRUPT_MESSAGE', this.log.path, `record batch at offset ${s.baseOffset} fails its CRC-32C check`, s.position)
        recs.length = 0
        decodeRecordsInto(s.buf, s.bufPos, recs, startingOffset)
        for (const r of recs) if (r.timestamp >= timestamp) return r.offset
      }
      if (s.error !== null) throw new StorageError('CORRUPT_MESSAGE', this.log.path, `cannot search by timestamp: ${s.error}`, s.position)
      return null
    })
  }

  /**
   * Removes every batch containing an offset >= `offset` (a batch holding `offset` goes whole, as
   * Kafka truncates at batch boundaries). Returns the bytes removed. Throws StorageError on a log
   * that is not sane before the cut.
   */
  truncateTo(offset: number): number {
    this.forgetRecent()
    const b = this.translateOffset(offset)
    if (b === null) return 0
    const removed = this.log.size() - b.position
    const recordsLeft = this._records === null ? null : this._records - this.countInRegion(b.position, this.log.size(), 0, Number.MAX_SAFE_INTEGER)
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    // The index entries at or after the cut position go too (an entry names a batch's last offset).
    while (this.offsetIndex.entries > 0 && this.offsetIndex.entry(this.offsetIndex.entries - 1).position >= b.position) {
      this.offsetIndex.truncateToEntries(this.offsetIndex.entries - 1)
    }
    this.timeIndex.truncateTo(b.baseOffset)
    this.log.truncate(b.position)
    this._nextOffset = null
    this._maxTimestamp = null
    this._records = null
    this._minTimestamp = undefined
    if (b.position === 0) {
      this.rollingBasedTimestamp = null
      this._nextOffset = this.baseOffset
      this._maxTimestamp = -1
      this._records = 0
      this.bytesSinceLastIndexEntry = 0
    } else {
      this.loadTail()
      this._records = recordsLeft
    }
    return removed
  }

  /**
   * Re-validates every batch (header sanity, offsets increasing, CRC-32C), rebuilds both indexes
   * from the log and truncates an invalid tail (Kafka's LogSegment.recover). Returns the bytes
   * truncated (0 when the log was whole).
   */
  recover(): number {
    this.forgetRecent()
    const valid = this.rebuild()
    const truncated = this.log.size() - valid
    if (truncated > 0) this.log.truncate(valid)
    return truncated
  }

  /**
   * Rebuilds the indexes from the log without truncating it. When the log itself is not sane,
   * throws StorageError naming the log file and the bad position (the indexes then cover what
   * precedes it). `why` is logged.
   */
  rebuildIndexes(why: string): void {
    console.warn(`brokerlab storage: rebuilding indexes of ${this.log.path}: ${why}`)
    const valid = this.rebuild()
    if (valid !== this.log.size()) throw new StorageError('CORRUPT_MESSAGE', this.log.path, 'record batch fails validation while rebuilding the indexes', valid)
  }

  /** Scans and re-indexes the log; returns the bytes of valid batches from the start. */
  private rebuild(): number {
    this.forgetRecent()
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.bytesSinceLastIndexEntry = 0
    this._maxTimestamp = -1
    this._offsetOfMaxTimestamp = -1
    this.rollingBasedTimestamp = null
    let next = this.baseOffset
    let records = 0
    let minTs: number | null = null
    let valid = 0
    const s = new BatchScanner(this.log, 0, this.log.size(), { wholeBatches: true, chunkSize: 1024 * 1024 })
    while (s.next()) {
      // Offsets outside the segment's int32 range from its base cannot be indexed (Kafka's
      // LogSegment.ensureOffsetInRange): a damaged base offset (outside the CRC) ends the valid part.
      if (!s.crcMatches() || s.baseOffset < next || s.lastOffset < s.baseOffset || s.lastOffset - this.baseOffset > 0x7fffffff) break
      if (valid === 0) this.rollingBasedTimestamp = s.maxTimestamp
      this.indexBatch(s.position, s.size, s.lastOffset, s.maxTimestamp)
      next = s.lastOffset + 1
      records += s.count
      if (minTs === null || s.minTimestamp < minTs) minTs = s.minTimestamp
      valid = s.position + s.size
    }
    this._nextOffset = next
    this._records = records
    this._minTimestamp = minTs
    return valid
  }

  /**
   * Called when this segment stops being the active one (roll) or closes: appends the final
   * time-index entry for the max timestamp so far and trims both indexes and the log file to
   * their contents.
   */
  onBecomeInactiveSegment(): void {
    this.forgetRecent()
    const max = this.maxTimestamp()
    if (max >= 0 && this._offsetOfMaxTimestamp >= 0) this.timeIndex.maybeAppend(max, this._offsetOfMaxTimestamp, true)
    this.offsetIndex.trimToValidSize()
    this.timeIndex.trimToValidSize()
    // Trim the log file too: a backend that grows files ahead (mmap) leaves zeros past the logical
    // end on disk until close; a closed segment must end with its last batch even after a crash.
    const logPath = this.log.path
    this.log.close()
    this.log = this.backend.open(logPath, { create: false })
    this.writable = false
  }

  /** Makes this segment the active one again (after a truncation): its indexes take entries again. */
  becomeActive(): void {
    if (this.writable) return
    this.offsetIndex.makeWritable()
    this.timeIndex.makeWritable()
    this.writable = true
  }

  /** True while this segment is the active one (appended to; its files are trimmed when it rolls). */
  isWritable(): boolean {
    return this.writable
  }

  /**
   * Learns the record count and min timestamp from the batch headers; they are kept (and from then
   * on maintained) only when every header was sane. Returns them, with the reason the scan stopped
   * early (null when it did not).
   */
  private scanHeaders(): { records: number; minTimestamp: number | null; error: StorageError | null } {
    const s = new BatchScanner(this.log, 0, this.log.size(), { chunkSize: 256 * 1024 })
    let records = 0
    let minTs: number | null = null
    while (s.next()) {
      records += s.count
      if (minTs === null || s.minTimestamp < minTs) minTs = s.minTimestamp
    }
    if (s.error !== null) return { records, minTimestamp: minTs, error: new StorageError('CORRUPT_MESSAGE', this.log.path, `cannot count records: ${s.error}`, s.position) }
    this._records = records
    this._minTimestamp = minTs
    return { records, minTimestamp: minTs, error: null }
  }

  /**
   * The number of records in the segment, exact (compaction gaps are not records). Maintained by
   * append, recovery, truncation and the cleaner's writes; after a clean open it is learnt from the
   * batch headers the first time it is asked for.
   * @throws StorageError CORRUPT_MESSAGE naming the file when a batch header is not sane.
   */
  recordCount(): number {
    if (this._records === null) {
      const { error } = this.scanHeaders()
      if (error !== null) throw error
    }
    return this._records!
  }

  /**
   * The number of records with `from` <= offset < `to` in the segment, exact. Reads only the batch
   * headers between the two bounds' batches, or, when that is the larger part of the segment, those
   * outside them (subtracted from recordCount()); a batch a bound cuts is counted record by record
   * only when its offsets have compaction gaps.
   * @throws StorageError CORRUPT_MESSAGE naming the file when the log is not sane there.
   */
  countRecords(from: number, to: number): number {
    const next = this.nextOffset()
    const lo = Math.max(from, this.baseOffset)
    const hi = Math.min(to, next)
    if (hi <= lo) return 0
    if (lo === this.baseOffset && hi === next) return this.recordCount()
    const size = this.log.size()
    const a = lo === this.baseOffset ? null : this.translateOffset(lo)
    const b = hi === next ? null : this.translateOffset(hi)
    const pa = a?.position ?? 0
    const pb = b?.position ?? size
    const direct = pb - pa
    // Without a known total the complement would scan the whole segment anyway.
    if (this._records === null || direct <= size - direct) {
      return this.countInRegion(pa, b === null ? size : pb + b.size, lo, hi)
    }
    const below = a === null ? 0 : this.countInRegion(0, pa + a.size, 0, lo)
    const above = b === null ? 0 : this.countInRegion(pb, size, hi, Number.MAX_SAFE_INTEGER)
    return this.recordCount() - below - above
  }

  /** Records with minOffset <= offset < maxOffset among the batches in log positions [start, end) (whole batches). */
  private countInRegion(start: number, end: number, minOffset: number, maxOffset: number): number {
    const s = new BatchScanner(this.log, start, end, { chunkSize: 64 * 1024 })
    let n = 0
    while (s.next()) {
      if (s.baseOffset >= minOffset && s.lastOffset < maxOffset) n += s.count
      else if (s.lastOffset >= minOffset && s.baseOffset < maxOffset) {
        if (s.count === s.lastOffset - s.baseOffset + 1) n += Math.min(s.lastOffset, maxOffset - 1) - Math.max(s.baseOffset, minOffset) + 1
        else n += countBatchRecordsInRange(this.log.read(s.position, s.size), 0, minOffset, maxOffset)
      }
    }
    if (s.error !== null) throw new StorageError('CORRUPT_MESSAGE', this.log.path, `cannot count records: ${s.error}`, s.position)
    return n
  }

  /**
   * Records, batch-based min/max timestamps: scans batch headers once, then cached. A segment whose
   * headers stop being sane part way is described as far as they are (and scanned again next time).
   */
  describe(active: boolean): SegmentDescription {
    let records = this._records
    let minTimestamp = this._minTimestamp
    if (records === null || minTimestamp === undefined) ({ records, minTimestamp } = this.scanHeaders())
    const max = this.maxTimestamp()
    return {
      baseOffset: this.baseOffset,
      sizeBytes: this.log.size(),
      records,
      minTimestamp,
      maxTimestamp: records === 0 || max < 0 ? null : max,
      active
    }
  }

  /** Makes the log and both indexes durable (fsync / msync). */
  flush(): void {
    this.log.flush()
    this.offsetIndex.flush()
    this.timeIndex.flush()
  }

  /** Writes the final time-index entry, trims the indexes, closes the files. */
  close(): void {
    if (this.writable) this.onBecomeInactiveSegment()
    this.log.close()
    this.offsetIndex.close()
    this.timeIndex.close()
  }

  /**
   * Closes the three files as they are, without the final time-index entry or trimming the
   * indexes (which read the log): used when opening the log failed. Never throws; close errors
   * are dropped, since the failure that led here is the one to report.
   */
  abandon(): void {
    for (const f of [this.log, this.offsetIndex, this.timeIndex]) {
      try {
        f.close()
      } catch {
        // secondary to the failure being reported
      }
    }
    this.writable = false
  }

  /**
   * Renames the segment's three files to carry `suffix` instead of the current one (the cleaner
   * writes `.cleaned` files and renames them into place). Indexes are trimmed first. Throws
   * StorageError naming the file.
   */
  renameTo(baseOffset: number, suffix: string): void {
    if (baseOffset !== this.baseOffset) throw new StorageError('KAFKA_STORAGE_ERROR', this.log.path, 'a segment keeps its base offset when renamed')
    if (this.writable) this.onBecomeInactiveSegment()
    this.offsetIndex.renameTo(segmentFilePath(this.dir, baseOffset, INDEX_FILE_SUFFIX + suffix))
    this.timeIndex.renameTo(segmentFilePath(this.dir, baseOffset, TIME_INDEX_FILE_SUFFIX + suffix))
    const from = this.log.path
    const to = segmentFilePath(this.dir, baseOffset, LOG_FILE_SUFFIX + suffix)
    this.log.close()
    try {
      fs.renameSync(from, to)
    } catch (e) {
      throw new StorageError('KAFKA_STORAGE_ERROR', from, `cannot rename to ${to}: ${(e as Error).message}`)
    }
    this.log = this.backend.open(to, { create: false })
    this.suffix = suffix
    this.forgetRecent()
  }

  /** Closes and deletes the segment's files. */
  deleteFiles(): void {
    this.log.close()
    this.offsetIndex.deleteFile()
    this.timeIndex.deleteFile()
    fs.rmSync(this.log.path, { force: true })
  }
}
