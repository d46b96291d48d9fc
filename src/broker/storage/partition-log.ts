/**
 * PartitionLog: the log of one partition replica (Kafka's UnifiedLog + LogSegments): a directory
 * `<topic>-<partition>` of segments named by their 20-digit base offset, the log start offset, the
 * log end offset, the high watermark and the recovery point (persisted in `log-state.checkpoint`).
 * Owns leader and follower appends, reads by offset and timestamp, truncation, segment rolls,
 * flushing by flush.messages / flush.ms, and recovery after an unclean shutdown.
 *
 * Must stay true:
 * - logStartOffset <= highWatermark <= logEndOffset; offsets only grow within the log; segments
 *   are sorted by base offset and only the last (active) one is appended to.
 * - Every record batch written or served passed CRC-32C validation; an unclean shutdown is
 *   followed by re-validating everything after the recovery point (all of it flushed before).
 * - Each state change is one synchronous step (the engine's single event loop owns the log).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { KafkaError, StorageError } from '../model/errors'
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  LogSegment,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX
} from './log-segment'
import {
  RecordBatchBuilder,
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchRecordCount,
  batchSize,
  decodeRecordsInto,
  validateBatches
} from '../codec/record-batch'
import type { CleanerResult, LogConfig, RecordInput, SegmentDescription, StorageBackend, StoredRecord } from './storage-types'
import { DEFAULT_TOPIC_CONFIGS } from '../model/topic-config-values'
import { toLogConfig } from '../model/log-config'

/** Name of the per-log checkpoint file (high watermark, log start offset, recovery point). */
export const LOG_STATE_CHECKPOINT = 'log-state.checkpoint'
const CHECKPOINT_VERSION = 0

/** Kafka's defaults for the configs a log obeys: the model's topic config defaults, as the log sees them. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze(toLogConfig(DEFAULT_TOPIC_CONFIGS))

/** How a log is opened. */
export interface PartitionLogOptions {
  backend: StorageBackend
  /** ms since the epoch; injected so tests control time. */
  clock: () => number
  /**
   * False after an unclean shutdown: everything after the recovery point is re-validated batch by
   * batch and a torn or corrupt tail truncated. True or absent: trust the files, but still check
   * each segment's index tail and truncate a torn tail of the active segment.
   */
  hadCleanShutdown?: boolean
  /** Where recovery messages go (default console.warn). */
  log?: (line: string) => void
  /**
   * A recovery point from elsewhere (LogManager's recovery-point-offset-checkpoint); the lower of
   * it and the log's own checkpoint is used, so recovery never starts too late.
   */
  recoveryPoint?: number
}

/** What recovery did when the log opened. */
export interface RecoveryInfo {
  segmentsRecovered: number
  bytesTruncated: number
  segmentsDeleted: number
}

interface LogState {
  highWatermark: number
  logStartOffset: number
  recoveryPoint: number
  /** When a tombstone kept by the last cleaning becomes removable (ms); absent: none. */
  tombstoneDeadline?: number
}

/**
 * Reads `log-state.checkpoint`: the state, or null state when the file does not exist, or the
 * problem (a sentence) when it exists but cannot be read or does not parse.
 */
function readCheckpoint(file: string): { state: LogState | null; problem: string | null } {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { state: null, problem: null }
    return { state: null, problem: `cannot be read: ${(e as Error).message}` }
  }
  const bad = (problem: string): { state: null; problem: string } => ({ state: null, problem })
  const lines = text.split('\n')
  if (lines[0] !== String(CHECKPOINT_VERSION)) return bad(`unknown checkpoint version ${JSON.stringify(lines[0].slice(0, 40))}`)
  const state: Partial<LogState> = {}
  for (const line of lines.slice(1)) {
    const [k, v] = line.split(' ')
    if (k === 'highWatermark' || k === 'logStartOffset' || k === 'recoveryPoint' || k === 'tombstoneDeadline') {
      const n = v === undefined || v === '' ? NaN : Number(v)
      if (!Number.isSafeInteger(n) || n < 0) return bad(`bad ${k} ${JSON.stringify(v)} (a non-negative integer is required)`)
      state[k] = n
    }
  }
  if (state.highWatermark === undefined || state.logStartOffset === undefined || state.recoveryPoint === undefined) {
    return bad('checkpoint lacks highWatermark, logStartOffset or recoveryPoint')
  }
  return { state: state as LogState, problem: null }
}

/** Writes `text` to `file` durably: temp file, fsync, rename (Kafka's CheckpointFile). */
export function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`
  try {
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, text)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
  } catch (e) {
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot write: ${(e as Error).message}`)
  }
}

const EMPTY = Buffer.alloc(0)

export class PartitionLog {
  readonly dir: string
  private _config: LogConfig
  private readonly backend: StorageBackend
  private readonly clock: () => number
  private readonly logLine: (line: string) => void
  /** Sorted by base offset; the last is the active segment. Never empty while open. */
  private segs: LogSegment[] = []
  private _logStartOffset = 0
  private _logEndOffset = 0
  private _highWatermark = 0
  private _recoveryPoint = 0
  private unflushedMessages = 0
  private lastFlushTime: number
  private closed = false
  private readonly builder = new RecordBatchBuilder()
  /**
   * The high watermark as this log's checkpoint recorded it when the log opened, before it was
   * clamped to the log end offset found on disk (null: no checkpoint). A log end offset below it
   * means the replica lost records the partition had acknowledged (a damaged or cut log), so the
   * cluster must not let this replica lead or decide what the other replicas keep.
   */
  checkpointedHighWatermark: number | null = null
  /** What recovery did at open. */
  readonly recovery: RecoveryInfo = { segmentsRecovered: 0, bytesTruncated: 0, segmentsDeleted: 0 }
  /** The last compaction of this log (LogCleaner), null before the first. */
  lastCleaning: CleanerResult | null = null
  /**
   * Offsets below it were compacted by the last cleaning (Kafka's first dirty offset); LogManager
   * persists it in `cleaner-offset-checkpoint`. Truncation moves it down.
   */
  firstDirtyOffset = 0
  /** When (ms) a retained tombstone becomes removable (the cleaner runs again then); null: none. */
  tombstoneDeadline: number | null = null
  /**
   * Bumped whenever closed segments change other than by a roll (truncation, deletion,
   * replacement), so a cleaning pass in progress knows its input went away.
   */
  structureVersion = 0

  private constructor(dir: string, config: LogConfig, opts: PartitionLogOptions) {
    this.dir = dir
    this._config = { ...config }
    this.backend = opts.backend
    this.clock = opts.clock
    this.logLine = opts.log ?? ((l) => console.warn(l))
    this.lastFlushTime = opts.clock()
    this.recoveryPointOverride = opts.recoveryPoint
  }

  private readonly recoveryPointOverride: number | undefined

  /**
   * Opens (creating if missing) the log in `dir` (a `<topic>-<partition>` directory). Recovers it
   * when `opts.hadCleanShutdown` is false (see PartitionLogOptions), and from offset 0 when its
   * `log-state.checkpoint` exists but does not parse (logged, then treated as absent: the high
   * watermark restarts at the log start offset and checkpointedHighWatermark is null). Throws
   * StorageError naming the file when a file cannot be opened or a closed segment is corrupt beyond
   * index rebuilding, or Node's errno error when the directory cannot be made or listed; nothing
   * stays open then.
   */
  static open(dir: string, config: LogConfig, opts: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(dir, config, opts)
    try {
      log.load(opts.hadCleanShutdown)
    } catch (e) {
      log.closeAfterFailedLoad()
      throw e
    }
    return log
  }

  /** Releases the files of whatever segments a failed load opened (the load's error is the one reported). */
  private closeAfterFailedLoad(): void {
    this.closed = true
    for (const s of this.segs.splice(0)) s.abandon()
  }

  private load(hadCleanShutdown: boolean | undefined): void {
    fs.mkdirSync(this.dir, { recursive: true })
    this.completeSwaps()
    const bases: number[] = []
    for (const name of fs.readdirSync(this.dir)) {
      const full = path.join(this.dir, name)
      if (name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith('.tmp')) {
        fs.rmSync(full, { force: true }) // interrupted cleaning / deletion / checkpoint write
        continue
      }
      const m = /^(\d{20})\.log$/.exec(name)
      if (m) bases.push(Number(m[1]))
    }
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^(\d{20})(\.index|\.timeindex)$/.exec(name)
      if (m && !bases.includes(Number(m[1]))) fs.rmSync(path.join(this.dir, name), { force: true }) // orphan index
    }
    bases.sort((a, b) => a - b)
    const checkpointFile = path.join(this.dir, LOG_STATE_CHECKPOINT)
    const { state, problem } = readCheckpoint(checkpointFile)
    // A checkpoint that does not parse says nothing: recover everything, as after an unclean shutdown.
    const fullRecovery = problem !== null
    if (fullRecovery) {
      this.logLine(`brokerlab storage: ignoring ${checkpointFile}: ${problem}; recovering the log from offset 0 (high watermark unknown)`)
    }
    const now = this.clock()
    for (let i = 0; i < bases.length; i++) {
      this.segs.push(LogSegment.open(this.dir, bases[i], this._config, this.backend, { writable: i === bases.length - 1, now }))
    }
    if (this.segs.length === 0) {
      const base = state?.logStartOffset ?? 0
      this.segs.push(LogSegment.open(this.dir, base, this._config, this.backend, { writable: true, now }))
    }
    this._recoveryPoint = fullRecovery ? 0 : Math.min(state?.recoveryPoint ?? 0, this.recoveryPointOverride ?? Number.MAX_SAFE_INTEGER)
    this.tombstoneDeadline = state?.tombstoneDeadline ?? null
    if (hadCleanShutdown === false || fullRecovery) this.recover()
    else this.checkOnCleanOpen()
    this._logEndOffset = this.active.nextOffset()
    this._logStartOffset = Math.min(Math.max(state?.logStartOffset ?? 0, this.segs[0].baseOffset), this._logEndOffset)
    this._highWatermark = Math.min(Math.max(state?.highWatermark ?? 0, this._logStartOffset), this._logEndOffset)
    this.checkpointedHighWatermark = state?.highWatermark ?? null
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset)
    if (hadCleanShutdown === false || fullRecovery) this._recoveryPoint = this._logEndOffset
  }

  /**
   * Finishes a cleaner swap interrupted by a crash (Kafka's LogLoader swap handling): a
   * `<base>.log.swap` holds the cleaned replacement of the segments with base offsets in
   * [base, its last offset]; those are deleted and the swap files renamed into place.
   */
  private completeSwaps(): void {
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^(\d{20})\.log\.swap$/.exec(name)
      if (!m) continue
      const base = Number(m[1])
      const swap = LogSegment.open(this.dir, base, this._config, this.backend, { writable: false, now: this.clock(), suffix: SWAP_FILE_SUFFIX })
      let last = base
      try {
        swap.recover()
        last = Math.max(base, swap.nextOffset() - 1)
      } catch (e) {
        swap.close()
        throw e
      }
      for (const other of fs.readdirSync(this.dir)) {
        const o = /^(\d{20})\.(log|index|timeindex)$/.exec(other)
        if (o && Number(o[1]) >= base && Number(o[1]) <= last) fs.rmSync(path.join(this.dir, other), { force: true })
      }
      swap.renameTo(base, '')
      swap.close()
      this.logLine(`brokerlab storage: completed an interrupted segment swap at ${base} in ${this.dir}`)
    }
  }

  /** Clean open: index tails checked against the log (rebuilt when they disagree), a torn active tail cut. */
  private checkOnCleanOpen(): void {
    for (const seg of this.segs) {
      const why = seg.checkIndexes()
      if (why !== null) {
        if (seg === this.active) this.recoverSegment(seg, why)
        else seg.rebuildIndexes(why)
      }
    }
    this.checkTails(this.segs)
  }

  /**
   * Each segment must end with a whole sane batch (read from its last index entry on): a torn or
   * zero-filled tail (a crash while a backend had grown the file ahead) is cut by recovering the
   * segment.
   */
  private checkTails(segs: LogSegment[]): void {
    for (const seg of segs) {
      try {
        seg.nextOffset()
      } catch (e) {
        if (!(e instanceof StorageError)) throw e
        this.recoverSegment(seg, e.message)
      }
    }
  }

  private recoverSegment(seg: LogSegment, why: string): number {
    const cut = seg.recover()
    this.recovery.segmentsRecovered++
    this.recovery.bytesTruncated += cut
    this.logLine(`brokerlab storage: recovered ${seg.log.path} (${why}); truncated ${cut} bytes`)
    return cut
  }

  /**
   * Unclean-shutdown recovery (Kafka's LogLoader.recoverLog): every segment holding offsets at or
   * after the recovery point is re-validated batch by batch and its indexes rebuilt; at the first
   * invalid batch the segment is truncated and all later segments deleted.
   */
  private recover(): void {
    for (let i = 0; i < this.segs.length; i++) {
      const seg = this.segs[i]
      const next = i + 1 < this.segs.length ? this.segs[i + 1].baseOffset : Number.MAX_SAFE_INTEGER
      if (next <= this._recoveryPoint) {
        this.checkTails([seg])
        continue
      }
      const cut = this.recoverSegment(seg, 'unclean shutdown')
      if (cut > 0 && i + 1 < this.segs.length) {
        const later = this.segs.splice(i + 1)
        for (const s of later) {
          this.logLine(`brokerlab storage: deleting ${s.log.path} after a corrupt batch in an earlier segment`)
          s.deleteFiles()
        }
        this.recovery.segmentsDeleted += later.length
        seg.becomeActive()
        break
      }
    }
  }

  /**
   * Re-validates every batch from the segment holding `offset` on (as unclean-shutdown recovery
   * does: CRC-32C, headers, offsets; indexes rebuilt) and cuts the log at the first invalid batch,
   * deleting every later segment. Used when a read met a corrupt batch, so the damaged replica keeps
   * only what is whole and refetches the rest from its leader.
   * @returns the log end offset afterwards.
   * @throws StorageError naming the file when a segment cannot be read or cut.
   */
  recoverFrom(offset: number): number {
    this.checkOpen()
    this.structureVersion++
    for (let i = this.floorSegment(Math.max(offset, this._logStartOffset)); i < this.segs.length; i++) {
      const seg = this.segs[i]
      const cut = this.recoverSegment(seg, 'a corrupt batch was read')
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
    this._highWatermark = Math.min(this._highWatermark, this._logEndOffset)
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset)
    this._logStartOffset = Math.min(this._logStartOffset, this._logEndOffset)
    this.firstDirtyOffset = Math.min(this.firstDirtyOffset, this._logEndOffset)
    return this._logEndOffset
  }

  private get active(): LogSegment {
    return this.segs[this.segs.length - 1]
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', this.dir, 'log is closed')
  }

  /** The log's configuration (a copy). */
  get config(): LogConfig {
    return { ...this._config }
  }

  /** First offset readable (retention and DeleteRecords raise it). */
  get logStartOffset(): number {
    return this._logStartOffset
  }

  /** The next offset to be written. */
  get logEndOffset(): number {
    return this._logEndOffset
  }

  /** Offsets below it are committed (replicated to the ISR); persisted on flush and close. */
  get highWatermark(): number {
    return this._highWatermark
  }

  /** Offsets below it are flushed to disk (recovery re-validates from here). */
  get recoveryPoint(): number {
    return this._recoveryPoint
  }

  /** Sum of the `.log` file sizes in bytes. */
  get sizeInBytes(): number {
    let n = 0
    for (const s of this.segs) n += s.size()
    return n
  }

  /** Number of segments. */
  get numberOfSegments(): number {
    return this.segs.length
  }

  /**
   * Leader append: assigns offsets logEndOffset.. to `records` and writes them as ONE record batch
   * v2 (uncompressed). With message.timestamp.type LogAppendTime the batch is stamped with the
   * log's clock (timestamp type bit set, every record's timestamp the append time, as Kafka's
   * LogValidator does); CreateTime keeps the records' timestamps. Returns the offsets, the batch
   * size in bytes and its max timestamp (ms; the append time for LogAppendTime). Throws KafkaError
   * INVALID_RECORD for an empty list, StorageError on I/O failure.
   */
  appendAsLeader(records: RecordInput[]): { firstOffset: number; lastOffset: number; batchBytes: number; maxTimestamp: number } {
    this.checkOpen()
    const now = this.clock()
    const b = this.builder
    const firstOffset = this._logEndOffset
    const logAppendTime = this._config.messageTimestampType === 'LogAppendTime' ? now : null
    const batch = b.encode(firstOffset, records, -1, logAppendTime)
    const seg = this.maybeRoll(batch.length, b.maxTimestamp, b.lastOffset, firstOffset, now)
    seg.append(batch, b.lastOffset, b.maxTimestamp, b.count)
    this._logEndOffset = b.lastOffset + 1
    const result = { firstOffset, lastOffset: b.lastOffset, batchBytes: b.size, maxTimestamp: b.maxTimestamp }
    this.afterAppend(b.count, now)
    return result
  }

  /**
   * Follower append: raw whole record batches (as readBatches returns them) keeping their offsets.
   * Validates every batch (header, CRC-32C: KafkaError CORRUPT_MESSAGE) and that offsets increase
   * from logEndOffset (the first batch may start above it only across a compaction gap; below it is
   * OFFSET_OUT_OF_RANGE). Returns the last offset appended and the record count.
   */
  appendAsFollower(batches: Buffer): { lastOffset: number; records: number } {
    this.checkOpen()
    if (batches.length === 0) return { lastOffset: this._logEndOffset - 1, records: 0 }
    validateBatches(batches)
    let expected = this._logEndOffset
    for (let p = 0; p < batches.length; p += batchSize(batches, p)) {
      const base = batchBaseOffset(batches, p)
      if (base < expected) {
        throw new KafkaError('OFFSET_OUT_OF_RANGE', `follower append: batch at offset ${base} is below the expected offset ${expected} (log end offset ${this._logEndOffset})`)
      }
      expected = batchLastOffset(batches, p) + 1
    }
    const now = this.clock()
    let records = 0
    for (let p = 0; p < batches.length; ) {
      const size = batchSize(batches, p)
      const last = batchLastOffset(batches, p)
      const maxTs = batchMaxTimestamp(batches, p)
      const count = batchRecordCount(batches, p)
      const seg = this.maybeRoll(size, maxTs, last, batchBaseOffset(batches, p), now)
      seg.append(batches.subarray(p, p + size), last, maxTs, count)
      this._logEndOffset = last + 1
      records += count
      p += size
    }
    this.afterAppend(records, now)
    return { lastOffset: this._logEndOffset - 1, records }
  }

  private maybeRoll(batchBytes: number, maxTimestamp: number, lastOffset: number, nextBase: number, now: number): LogSegment {
    const seg = this.active
    if (!seg.shouldRoll(batchBytes, maxTimestamp, lastOffset, now)) return seg
    return this.roll(nextBase, now)
  }

  /** Starts a new active segment at `base` (Kafka's roll): the old one writes its last time-index entry and trims its indexes. */
  private roll(base: number, now: number): LogSegment {
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

  /** flush.messages / flush.ms (Kafka's LogConfig): fsync once enough messages or time accumulated. */
  private afterAppend(count: number, now: number): void {
    this.unflushedMessages += count
    if (this.unflushedMessages >= this._config.flushMessages || now - this.lastFlushTime >= this._config.flushMs) {
      this.flushData(now)
    }
  }

  /** fsync every segment with unflushed data; the recovery point becomes the log end offset. */
  private flushData(now: number): void {
    for (let i = this.segs.length - 1; i >= 0; i--) {
      const s = this.segs[i]
      s.flush()
      if (s.baseOffset <= this._recoveryPoint) break
    }
    this._recoveryPoint = this._logEndOffset
    this.unflushedMessages = 0
    this.lastFlushTime = now
  }

  /**
   * Applies flush.ms when no append came (called from LogManager.tick): flushes when the last flush
   * is older than flush.ms and something is unflushed.
   */
  maybeFlush(now: number): void {
    this.checkOpen()
    if (this.unflushedMessages > 0 && now - this.lastFlushTime >= this._config.flushMs) this.flushData(now)
  }

  private checkRange(startOffset: number): void {
    if (startOffset < this._logStartOffset || startOffset > this._logEndOffset) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${startOffset} is outside the log [${this._logStartOffset}, ${this._logEndOffset}] of ${path.basename(this.dir)}`
      )
    }
  }

  /** Index of the segment holding `offset` (the last with baseOffset <= offset; 0 when below all). */
  private floorSegment(offset: number): number {
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

  /** Whole batches from the first segment that has a batch reaching `startOffset` (may be empty when maxOffset cuts). */
  private readFrom(startOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): Buffer {
    for (let i = this.floorSegment(startOffset); i < this.segs.length; i++) {
      const r = this.segs[i].read(startOffset, maxBytes, maxOffset, minOneBatch)
      if (r !== null) return r
    }
    return EMPTY
  }

  /**
   * Raw whole batches starting with the batch containing `startOffset`, up to `maxBytes` (at least
   * one batch), never including a batch with an offset >= `maxOffset` (exclusive; default the log
   * end offset). Empty at the end. Throws KafkaError OFFSET_OUT_OF_RANGE outside
   * [logStartOffset, logEndOffset]; StorageError CORRUPT_MESSAGE naming the file on a bad batch.
   */
  readBatches(startOffset: number, maxBytes: number, maxOffset?: number): Buffer {
    this.checkOpen()
    this.checkRange(startOffset)
    if (startOffset === this._logEndOffset) return EMPTY
    return this.readFrom(startOffset, maxBytes, Math.min(maxOffset ?? this._logEndOffset, this._logEndOffset), true)
  }

  /**
   * Decoded records with startOffset <= offset < maxOffset (default logEndOffset), up to
   * `maxRecords` records and about `maxBytes` bytes of batches read (at least one record when
   * any). Throws KafkaError OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset];
   * StorageError CORRUPT_MESSAGE naming the file on a bad batch.
   */
  readRecords(startOffset: number, opts: { maxRecords?: number; maxBytes?: number; maxOffset?: number } = {}): StoredRecord[] {
    this.checkOpen()
    this.checkRange(startOffset)
    const maxOffset = Math.min(opts.maxOffset ?? this._logEndOffset, this._logEndOffset)
    const maxRecords = opts.maxRecords ?? Number.MAX_SAFE_INTEGER
    const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER
    const out: StoredRecord[] = []
    let offset = startOffset
    let bytes = 0
    // First read sized to the request (about 1 KiB a record, 4..64 KiB), doubling while more is wanted.
    let chunk = Math.min(64 * 1024, Math.max(4 * 1024, Math.min(maxRecords, 64) * 1024))
    while (offset < maxOffset && out.length < maxRecords && bytes < maxBytes) {
      const buf = this.readFrom(offset, Math.min(chunk, maxBytes - bytes), Number.MAX_SAFE_INTEGER, out.length === 0)
      if (buf.length === 0) break
      let p = 0
      while (p < buf.length && out.length < maxRecords) {
        decodeRecordsInto(buf, p, out, offset, maxOffset)
        offset = batchLastOffset(buf, p) + 1
        p += batchSize(buf, p)
      }
      bytes += p
      chunk = Math.min(chunk * 2, 8 * 1024 * 1024)
    }
    if (out.length > maxRecords) out.length = maxRecords
    return out
  }

  /**
   * Sets the high watermark. Throws KafkaError OFFSET_OUT_OF_RANGE when `offset` is above the log
   * end offset or below the log start offset (it clamps nothing).
   */
  updateHighWatermark(offset: number): void {
    this.checkOpen()
    if (!Number.isSafeInteger(offset) || offset > this._logEndOffset || offset < this._logStartOffset) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `high watermark ${offset} must lie within [logStartOffset ${this._logStartOffset}, logEndOffset ${this._logEndOffset}]`
      )
    }
    this._highWatermark = offset
  }

  /**
   * The first offset >= logStartOffset whose record timestamp is >= `ts` (ms), or null (Kafka's
   * fetchOffsetByTimestamp: the first segment whose max timestamp reaches `ts`, then its indexes).
   */
  offsetForTimestamp(ts: number): number | null {
    this.checkOpen()
    for (let i = this.floorSegment(this._logStartOffset); i < this.segs.length; i++) {
      const seg = this.segs[i]
      if (seg.maxTimestamp() < ts) continue
      const r = seg.findOffsetByTimestamp(ts, this._logStartOffset)
      if (r !== null) return r
    }
    return null
  }

  /**
   * Removes every record at offset >= `offset` (follower truncation on leader change). A batch that
   * holds `offset` goes whole (Kafka truncates at batch boundaries), so the log end offset becomes
   * the base of that batch. Below the first segment the log is emptied and restarts at `offset`.
   */
  truncateTo(offset: number): void {
    this.checkOpen()
    if (offset >= this._logEndOffset) return
    if (offset < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `cannot truncate to negative offset ${offset}`)
    if (offset < this.segs[0].baseOffset || offset < this._logStartOffset) {
      this.truncateFullyAndStartAt(offset)
      return
    }
    this.structureVersion++
    while (this.segs.length > 1 && this.active.baseOffset > offset) {
      const s = this.segs.pop()!
      s.deleteFiles()
    }
    const seg = this.active
    seg.becomeActive()
    seg.truncateTo(offset)
    this._logEndOffset = seg.nextOffset()
    this._highWatermark = Math.min(this._highWatermark, this._logEndOffset)
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset)
    this._logStartOffset = Math.min(this._logStartOffset, this._logEndOffset)
    // Records written again above the truncation point are dirty (Kafka's maybeTruncateCheckpoint).
    this.firstDirtyOffset = Math.min(this.firstDirtyOffset, this._logEndOffset)
  }

  /** Deletes every segment and starts an empty log at `offset` (Kafka's truncateFullyAndStartAt). */
  truncateFullyAndStartAt(offset: number): void {
    this.checkOpen()
    this.structureVersion++
    for (const s of this.segs) s.deleteFiles()
    this.segs = [LogSegment.open(this.dir, offset, this._config, this.backend, { writable: true, now: this.clock() })]
    this._logStartOffset = offset
    this._logEndOffset = offset
    this._highWatermark = offset
    this._recoveryPoint = offset
    this.firstDirtyOffset = offset
    this.tombstoneDeadline = null
    this.writeCheckpoint()
  }

  /**
   * Raises the log start offset to `offset` (retention, DeleteRecords) and deletes the segments
   * wholly below it (never the active one). No-op when not above the current one. Throws KafkaError
   * OFFSET_OUT_OF_RANGE above the log end offset. Persists the checkpoint.
   */
  maybeIncrementLogStartOffset(offset: number): void {
    this.checkOpen()
    if (offset <= this._logStartOffset) return
    if (offset > this._logEndOffset) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `log start offset ${offset} would pass the log end offset ${this._logEndOffset}`)
    }
    this._logStartOffset = offset
    if (this._highWatermark < offset) this._highWatermark = offset
    if (this._recoveryPoint < offset) this._recoveryPoint = Math.min(offset, this._logEndOffset)
    while (this.segs.length > 1 && this.segs[1].baseOffset <= offset) {
      this.structureVersion++
      this.segs.shift()!.deleteFiles()
    }
    this.writeCheckpoint()
  }

  /**
   * Deletes the oldest closed segments, in order, while `shouldDelete(segment, log size in bytes
   * after deleting it)` says so; advances the log start offset to the first kept segment. The
   * active segment is never deleted. Returns the number deleted. Used by retention (LogManager).
   */
  deleteOldSegments(shouldDelete: (seg: { baseOffset: number; sizeBytes: number; maxTimestamp: number }, sizeAfter: number) => boolean): number {
    this.checkOpen()
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
    if (n > 0) {
      const start = this.segs[0].baseOffset
      if (start > this._logStartOffset) this._logStartOffset = start
      if (this._highWatermark < this._logStartOffset) this._highWatermark = this._logStartOffset
      if (this._recoveryPoint < this._logStartOffset) this._recoveryPoint = this._logStartOffset
      this.writeCheckpoint()
    }
    return n
  }

  /** The segments, oldest first, as the topic detail view shows them. */
  segments(): SegmentDescription[] {
    this.checkOpen()
    return this.segs.map((s, i) => s.describe(i === this.segs.length - 1))
  }

  /** The live segment objects, oldest first (for the cleaner; do not mutate the array). */
  segmentList(): readonly LogSegment[] {
    return this.segs
  }

  /**
   * Replaces the closed segments `old` (consecutive, oldest first, never the active one) with
   * `replacement` whose files carry the `.cleaned` suffix: flushed, renamed to `.swap`, the old
   * files deleted, then renamed into place (Kafka's replaceSegments; a crash in between is completed
   * at the next open). Used by the log cleaner.
   */
  replaceSegments(old: LogSegment[], replacement: LogSegment): void {
    this.checkOpen()
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

  /** Applies a new configuration (segment.bytes, flush.*, retention, ...) from the next append on. */
  updateConfig(config: LogConfig): void {
    this.checkOpen()
    this._config = { ...config }
    for (const s of this.segs) s.config = this._config
  }

  /** True once close() or delete() ran. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Opens a new segment of this log's config and backend (the cleaner writes `.cleaned` ones). */
  openSegment(baseOffset: number, suffix: string): LogSegment {
    return LogSegment.open(this.dir, baseOffset, this._config, this.backend, { writable: true, now: this.clock(), suffix })
  }

  /**
   * Writes high watermark, log start offset, recovery point (offsets) and the tombstone deadline
   * (ms, when set) to `log-state.checkpoint` durably.
   */
  writeCheckpoint(): void {
    const text =
      `${CHECKPOINT_VERSION}\nhighWatermark ${this._highWatermark}\nlogStartOffset ${this._logStartOffset}\nrecoveryPoint ${this._recoveryPoint}\n` +
      (this.tombstoneDeadline === null ? '' : `tombstoneDeadline ${this.tombstoneDeadline}\n`)
    writeFileDurably(path.join(this.dir, LOG_STATE_CHECKPOINT), text)
  }

  /** fsyncs unflushed segments (the recovery point becomes the log end offset) and writes the checkpoint. */
  flush(): void {
    this.checkOpen()
    this.flushData(this.clock())
    this.writeCheckpoint()
  }

  /** Flushes, writes the checkpoint, trims the active segment's indexes, closes every file. Idempotent. */
  close(): void {
    if (this.closed) return
    this.flush()
    this.closed = true
    for (const s of this.segs) s.close()
  }

  /** Closes the log and removes its directory. */
  delete(): void {
    if (!this.closed) {
      this.closed = true
      for (const s of this.segs) s.close()
    }
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}

export { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX }
