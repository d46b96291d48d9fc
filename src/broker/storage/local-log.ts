/**
 * LocalLog: the segments of one partition replica on this broker's disk (Kafka's
 * org.apache.kafka.storage.internals.log.LocalLog): the `<topic>-<partition>` directory of segments
 * named by their 20-digit base offset, the log end offset and the recovery point. Owns appending
 * whole batches (rolling a new active segment by segment.bytes / segment.ms / full indexes), reads by
 * offset and timestamp, truncation, deleting and replacing segments, re-validating segments found
 * corrupt at run time, flushing by flush.messages / flush.ms, and exact record counts.
 *
 * Knows nothing of the log start offset, the high watermark or leader epochs (UnifiedLog's): callers
 * pass the bounds they need.
 *
 * Must stay true:
 * - Segments are sorted by base offset, never empty while open; only the last (active) one is
 *   appended to; offsets only grow within the log; recoveryPoint <= logEndOffset.
 * - What is appended has been validated (UnifiedLog does it); what is read passed CRC-32C (LogSegment).
 * - structureVersion changes whenever closed segments change other than by a roll (truncation,
 *   deletion, replacement, recovery), so a cleaning pass in progress knows its input went away.
 * - Each change is one synchronous step (the engine's single event loop owns the log).
 */
import * as fs from 'node:fs'
import { StorageError } from '../model/errors'
import { batchLastOffset, batchMaxTimestamp, batchBaseOffset, batchRecordCount, batchSize } from '../codec/record-batch'
import { recoverSegment, type RecoveryInfo } from './log-loader'
import { LogSegment, SWAP_FILE_SUFFIX } from './log-segment'
import type { LogConfig, SegmentDescription, StorageBackend } from './storage-types'

const EMPTY = Buffer.alloc(0)

/** What a LocalLog is given besides its segments. */
export interface LocalLogOptions {
  backend: StorageBackend
  /** ms since the epoch. */
  clock: () => number
  /** Where recovery lines go. */
  log: (line: string) => void
  /**
   * Called when a roll is about to start a new active segment at `newBaseOffset`, before the batch
   * that opens it is written (UnifiedLog takes its producer state snapshot there, as Kafka's roll does).
   */
  onRoll?: (newBaseOffset: number) => void
}

export class LocalLog {
  readonly dir: string
  private _config: LogConfig
  private readonly backend: StorageBackend
  private readonly clock: () => number
  private readonly logLine: (line: string) => void
  private readonly onRoll: ((newBaseOffset: number) => void) | undefined
  /** Sorted by base offset; the last is the active segment. Never empty while open. */
  private segs: LogSegment[]
  private _logEndOffset: number
  private _recoveryPoint: number
  private unflushedMessages = 0
  private lastFlushTime: number
  private closed = false
  /** See the module header. */
  structureVersion = 0

  /**
   * A local log over `segments` (as LogLoader opened them: sorted, the last one writable) whose
   * records below `recoveryPoint` are flushed.
   */
  constructor(dir: string, config: LogConfig, segments: LogSegment[], recoveryPoint: number, opts: LocalLogOptions) {
    this.dir = dir
    this._config = { ...config }
    this.segs = segments
    this.backend = opts.backend
    this.clock = opts.clock
    this.logLine = opts.log
    this.onRoll = opts.onRoll
    this.lastFlushTime = opts.clock()
    this._logEndOffset = this.active.nextOffset()
    this._recoveryPoint = Math.min(recoveryPoint, this._logEndOffset)
  }

  /** The log's configuration (a copy). */
  get config(): LogConfig {
    return { ...this._config }
  }

  /** Applies a new configuration (segment.bytes, flush.*, retention, ...) from the next append on. */
  updateConfig(config: LogConfig): void {
    this._config = { ...config }
    for (const s of this.segs) s.config = this._config
  }

  /** The next offset to be written. */
  get logEndOffset(): number {
    return this._logEndOffset
  }

  /** Offsets below it are flushed to disk (recovery re-validates from here). */
  get recoveryPoint(): number {
    return this._recoveryPoint
  }

  /** Raises the recovery point to `offset` (capped at the log end offset); never lowers it. */
  raiseRecoveryPoint(offset: number): void {
    if (offset > this._recoveryPoint) this._recoveryPoint = Math.min(offset, this._logEndOffset)
  }

  /** The live segment objects, oldest first (do not mutate the array). */
  get segments(): readonly LogSegment[] {
    return this.segs
  }

  /** The segment appended to. */
  get active(): LogSegment {
    return this.segs[this.segs.length - 1]
  }

  /** Base offset of the oldest segment. */
  get firstSegmentBaseOffset(): number {
    return this.segs[0].baseOffset
  }

  /** Sum of the `.log` file sizes in bytes. */
  get sizeInBytes(): number {
    let n = 0
    for (const s of this.segs) n += s.size()
    return n
  }

  /** True once close(), delete() or abandon() ran. */
  get isClosed(): boolean {
    return this.closed
  }

  /** @throws StorageError KAFKA_STORAGE_ERROR when the log is closed. */
  checkOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', this.dir, 'log is closed')
  }

  /** The segments as the topic detail view shows them, oldest first. */
  describeSegments(): SegmentDescription[] {
    return this.segs.map((s, i) => s.describe(i === this.segs.length - 1))
  }

  /**
   * Appends `batches` (one or more whole, validated record batches v2 whose offsets start at or
   * after the log end offset) batch by batch, rolling a new segment when the active one would pass
   * segment.bytes or segment.ms, or its indexes are full (Kafka's maybeRoll), then applies
   * flush.messages / flush.ms. Returns the records appended.
   * @throws StorageError on I/O failure (the log end offset covers what was written before it).
   */
  append(batches: Buffer): number {
    const now = this.clock()
    let records = 0
    for (let p = 0; p < batches.length; ) {
      const size = batchSize(batches, p)
      const last = batchLastOffset(batches, p)
      const maxTs = batchMaxTimestamp(batches, p)
      const count = batchRecordCount(batches, p)
      const seg = this.maybeRoll(size, maxTs, last, batchBaseOffset(batches, p), now)
      seg.append(p === 0 && size === batches.length ? batches : batches.subarray(p, p + size), last, maxTs, count)
      this._logEndOffset = last + 1
      records += count
      p += size
    }
    this.unflushedMessages += records
    if (this.unflushedMessages >= this._config.flushMessages || now - this.lastFlushTime >= this._config.flushMs) this.flush(now)
    return records
  }

  private maybeRoll(batchBytes: number, maxTimestamp: number, lastOffset: number, nextBase: number, now: number): LogSegment {
    const seg = this.active
    if (!seg.shouldRoll(batchBytes, maxTimestamp, lastOffset, now)) return seg
    return this.roll(nextBase, now)
  }

  /** Starts a new active segment at `base` (Kafka's roll): the old one writes its last time-index entry and trims its indexes. */
  private roll(base: number, now: number): LogSegment {
    this.onRoll?.(base)
    const old = this.active
    old.onBecomeInactiveSegment()
    if (old.size() === 0) {
      // An empty active segment is replaced rather than kept (Kafka deletes it likewise).
      this.segs.pop()
      old.deleteFiles()
    }
    const seg = LogSegment.open(this.dir, base, this._config, this.backend, { writable: true, now })
    this.segs.push(seg)
    return seg
  }

  /** fsyncs every segment with unflushed data; the recovery point becomes the log end offset. */
  flush(now = this.clock()): void {
    for (let i = this.segs.length - 1; i >= 0; i--) {
      const s = this.segs[i]
      s.flush()
      if (s.baseOffset <= this._recoveryPoint) break
    }
    this._recoveryPoint = this._logEndOffset
    this.unflushedMessages = 0
    this.lastFlushTime = now
  }

  /** flush.ms when no append came: flushes when the last flush is older than flush.ms and something is unflushed. */
  maybeFlush(now: number): void {
    if (this.unflushedMessages > 0 && now - this.lastFlushTime >= this._config.flushMs) this.flush(now)
  }

  /** Index of the segment holding `offset` (the last with baseOffset <= offset; 0 when below all). */
  floorSegment(offset: number): number {
    let lo = 0
    let hi = this.segs.length - 1
    let found = 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.segs[mid].baseOffset <= offset) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /**
   * Whole batches from the first segment that has a batch reaching `startOffset`, up to `maxBytes`
   * (at least one batch when `minOneBatch`), none with an offset >= `maxOffset`; may be empty when
   * maxOffset cuts or at the end. Bounds are the caller's to check.
   * @throws StorageError CORRUPT_MESSAGE naming the file on a bad first batch.
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): Buffer {
    for (let i = this.floorSegment(startOffset); i < this.segs.length; i++) {
      const r = this.segs[i].read(startOffset, maxBytes, maxOffset, minOneBatch)
      if (r !== null) return r
    }
    return EMPTY
  }

  /**
   * The first offset >= `startingOffset` whose record timestamp is >= `ts` (ms), or null (Kafka's
   * fetchOffsetByTimestamp: the first segment whose max timestamp reaches `ts`, then its indexes).
   */
  offsetForTimestamp(ts: number, startingOffset: number): number | null {
    for (let i = this.floorSegment(startingOffset); i < this.segs.length; i++) {
      const seg = this.segs[i]
      if (seg.maxTimestamp() < ts) continue
      const r = seg.findOffsetByTimestamp(ts, startingOffset)
      if (r !== null) return r
    }
    return null
  }

  /**
   * Removes every record at offset >= `offset`, which must be >= the first segment's base offset
   * (below it use truncateFullyAndStartAt). A batch holding `offset` goes whole (Kafka truncates at
   * batch boundaries). Lowers the recovery point to the new log end offset. No-op at or above the
   * log end offset.
   */
  truncateTo(offset: number): void {
    if (offset >= this._logEndOffset) return
    this.structureVersion++
    while (this.segs.length > 1 && this.active.baseOffset > offset) {
      const s = this.segs.pop()!
      s.deleteFiles()
    }
    const seg = this.active
    seg.becomeActive()
    seg.truncateTo(offset)
    this._logEndOffset = seg.nextOffset()
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset)
  }

  /** Deletes every segment and starts an empty log at `offset` (Kafka's truncateFullyAndStartAt). */
  truncateFullyAndStartAt(offset: number): void {
    this.structureVersion++
    for (const s of this.segs) s.deleteFiles()
    this.segs = [LogSegment.open(this.dir, offset, this._config, this.backend, { writable: true, now: this.clock() })]
    this._logEndOffset = offset
    this._recoveryPoint = offset
  }

  /** Deletes the oldest segments wholly below `offset` (each ending at or before it), never the active one. Returns how many. */
  deleteSegmentsBelow(offset: number): number {
    let n = 0
    while (this.segs.length > 1 && this.segs[1].baseOffset <= offset) {
      this.structureVersion++
      this.segs.shift()!.deleteFiles()
      n++
    }
    return n
  }

  /**
   * Deletes the oldest closed segments, in order, while `shouldDelete(segment, log size in bytes
   * after deleting it)` says so; the active segment is never deleted. Returns the number deleted.
   */
  deleteOldSegments(shouldDelete: (seg: { baseOffset: number; sizeBytes: number; maxTimestamp: number }, sizeAfter: number) => boolean): number {
    let n = 0
    let size = this.sizeInBytes
    while (this.segs.length > 1) {
      const first = this.segs[0]
      const d = { baseOffset: first.baseOffset, sizeBytes: first.size(), maxTimestamp: first.maxTimestamp() }
      if (!shouldDelete(d, size - d.sizeBytes)) break
      size -= d.sizeBytes
      this.segs.shift()
      first.deleteFiles()
      this.structureVersion++
      n++
    }
    return n
  }

  /**
   * Replaces the closed segments `old` (consecutive, oldest first, never the active one) with
   * `replacement` whose files carry the `.cleaned` suffix: flushed, renamed to `.swap`, the old
   * files deleted, then renamed into place (Kafka's replaceSegments; a crash in between is completed
   * at the next open by LogLoader).
   * @throws StorageError KAFKA_STORAGE_ERROR when `old` is not a run of closed segments of this log.
   */
  replaceSegments(old: LogSegment[], replacement: LogSegment): void {
    const i = this.segs.indexOf(old[0])
    if (i < 0 || old.some((s, k) => this.segs[i + k] !== s) || i + old.length >= this.segs.length) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.dir, 'replaceSegments: segments are not consecutive closed segments of this log')
    }
    replacement.flush()
    replacement.renameTo(replacement.baseOffset, SWAP_FILE_SUFFIX)
    for (const s of old) s.deleteFiles()
    replacement.renameTo(replacement.baseOffset, '')
    this.segs.splice(i, old.length, replacement)
    this.structureVersion++
  }

  /** Opens a new segment of this log's config and backend (the cleaner writes `.cleaned` ones). */
  openSegment(baseOffset: number, suffix: string): LogSegment {
    return LogSegment.open(this.dir, baseOffset, this._config, this.backend, { writable: true, now: this.clock(), suffix })
  }

  /**
   * Re-validates every batch from the segment holding `offset` on (as unclean-shutdown recovery
   * does) and cuts the log at the first invalid batch, deleting every later segment. Counts what it
   * did in `info`. Returns the log end offset afterwards.
   * @throws StorageError naming the file when a segment cannot be read or cut.
   */
  recoverFrom(offset: number, info: RecoveryInfo): number {
    this.structureVersion++
    for (let i = this.floorSegment(offset); i < this.segs.length; i++) {
      const seg = this.segs[i]
      const cut = recoverSegment(seg, 'a corrupt batch was read', info, this.logLine)
      if (cut > 0) {
        for (const s of this.segs.splice(i + 1)) {
          this.logLine(`brokerlab storage: deleting ${s.log.path} after a corrupt batch in an earlier segment`)
          s.deleteFiles()
        }
        seg.becomeActive()
        break
      }
    }
    this._logEndOffset = this.active.nextOffset()
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset)
    return this._logEndOffset
  }

  /**
   * The exact number of records with `from` <= offset < `to`: segments wholly inside are summed from
   * their counts; only the segments a bound cuts are scanned (LogSegment.countRecords).
   * @throws StorageError CORRUPT_MESSAGE naming the file when a scanned segment is not sane.
   */
  recordCount(from: number, to: number): number {
    const hi = Math.min(to, this._logEndOffset)
    let n = 0
    for (let i = this.floorSegment(from); i < this.segs.length && this.segs[i].baseOffset < hi; i++) n += this.segs[i].countRecords(from, hi)
    return n
  }

  /**
   * Closes every file (each segment writes its final time-index entry and trims its indexes); does
   * not flush: UnifiedLog.close flushes first. Idempotent.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    for (const s of this.segs) s.close()
  }

  /**
   * Closes every file as it is, as the OS does when the process is killed (kill -9): no final
   * time-index entry, no index trimming, no flush (what was written is in the page cache and
   * survives; the next open recovers the log as after an unclean shutdown). Never throws. Idempotent.
   */
  abandon(): void {
    if (this.closed) return
    this.closed = true
    for (const s of this.segs) s.abandon()
  }

  /** Closes the log and removes its directory. */
  delete(): void {
    this.close()
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
