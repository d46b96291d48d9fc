/**
 * LogLoader: opens a partition's directory into the state UnifiedLog starts from (Kafka's
 * org.apache.kafka.storage.internals.log.LogLoader): finishes a cleaner swap a crash interrupted,
 * deletes what interrupted work left behind (`.cleaned`, `.deleted`, `.tmp` files, indexes without a
 * log), opens the segments, reads `log-state.checkpoint` and `leader-epoch-checkpoint`, recovers
 * after an unclean shutdown (every batch from the recovery point re-validated, a torn or corrupt tail
 * cut), and on a clean open checks what a crash could still have left wrong (index tails, a torn
 * active tail), and loads the idempotent producers' state (the latest `<offset>.snapshot` at or
 * below the log end offset, then the batch headers after it; snapshots above it are deleted).
 *
 * Must stay true:
 * - A checkpoint that does not parse never stops the open: a garbage `log-state.checkpoint` is logged
 *   and the log is recovered from offset 0 with its high watermark unknown; a missing or garbage
 *   `leader-epoch-checkpoint` is rebuilt from the batches' partitionLeaderEpoch (as Kafka's recovery
 *   assigns epochs from the batches it re-reads) and written again.
 * - What load returns is consistent: logStartOffset <= highWatermark <= logEndOffset, recoveryPoint
 *   <= logEndOffset, and the epoch cache holds no entry below the log start offset (other than the
 *   first, moved up to it) or at or after the log end offset.
 * - On failure every segment file the load opened is closed again and the error is thrown.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { StorageError } from '../model/errors'
import { BatchScanner } from './batch-scanner'
import { LeaderEpochCheckpointFile } from './leader-epoch-checkpoint-file'
import { LeaderEpochFileCache } from './leader-epoch-file-cache'
import { CLEANED_FILE_SUFFIX, DELETED_FILE_SUFFIX, LogSegment, SWAP_FILE_SUFFIX } from './log-segment'
import { LogStateCheckpointFile, type LogState } from './log-state-checkpoint-file'
import type { LogConfig, StorageBackend } from './storage-types'
import { ProducerStateManager, type ProducerBatch } from './producer-state-manager'

/** How a log is opened. */
export interface LogLoadOptions {
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
  /** producer.id.expiration.ms (default 86400000): producers idle this long are dropped (ProducerStateManager). */
  producerIdExpirationMs?: number
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

/** The state a log opens with (Kafka's LoadedLogOffsets, plus what Brokerlab's own checkpoint keeps). */
export interface LoadedLog {
  /** Sorted by base offset, never empty; the last is the active (writable) segment. */
  segments: LogSegment[]
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
  recoveryPoint: number
  /** The high watermark the checkpoint held before it was clamped to what is on disk (null: none). */
  checkpointedHighWatermark: number | null
  /** ms; null: no retained tombstone. */
  tombstoneDeadline: number | null
  recovery: RecoveryInfo
  leaderEpochCache: LeaderEpochFileCache
  /** The idempotent producers' state: the latest `.snapshot` at or below the log end offset plus the log after it. */
  producerState: ProducerStateManager
}

export class LogLoader {
  private readonly segs: LogSegment[] = []
  private readonly recovery: RecoveryInfo = { segmentsRecovered: 0, bytesTruncated: 0, segmentsDeleted: 0 }
  private readonly logLine: (line: string) => void

  private constructor(
    private readonly dir: string,
    private readonly config: LogConfig,
    private readonly opts: LogLoadOptions
  ) {
    this.logLine = opts.log ?? ((l) => console.warn(l))
  }

  /**
   * Loads (creating when missing) the log in `dir`, a `<topic>-<partition>` directory; see the module
   * header for what it does.
   * @throws StorageError naming the file when a file cannot be opened or a closed segment is corrupt
   *   beyond index rebuilding; Node's errno error when the directory cannot be made or listed. No
   *   file stays open then.
   */
  static load(dir: string, config: LogConfig, opts: LogLoadOptions): LoadedLog {
    const loader = new LogLoader(dir, config, opts)
    try {
      return loader.run()
    } catch (e) {
      for (const s of loader.segs.splice(0)) s.abandon()
      throw e
    }
  }

  private run(): LoadedLog {
    const dir = this.dir
    fs.mkdirSync(dir, { recursive: true })
    this.completeSwaps()
    const bases: number[] = []
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name)
      if (name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith('.tmp')) {
        fs.rmSync(full, { force: true }) // interrupted cleaning / deletion / checkpoint write
        continue
      }
      const m = /^(\d{20})\.log$/.exec(name)
      if (m) bases.push(Number(m[1]))
    }
    for (const name of fs.readdirSync(dir)) {
      const m = /^(\d{20})(\.index|\.timeindex)$/.exec(name)
      if (m && !bases.includes(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true }) // orphan index
    }
    bases.sort((a, b) => a - b)
    const stateFile = new LogStateCheckpointFile(dir)
    let state: LogState | null = null
    // A checkpoint that does not parse says nothing: recover everything, as after an unclean shutdown.
    let fullRecovery = false
    try {
      state = stateFile.read()
    } catch (e) {
      if (!(e instanceof StorageError)) throw e
      fullRecovery = true
      this.logLine(`brokerlab storage: ignoring ${stateFile.file}: ${e.message}; recovering the log from offset 0 (high watermark unknown)`)
    }
    const now = this.opts.clock()
    for (let i = 0; i < bases.length; i++) {
      this.segs.push(LogSegment.open(dir, bases[i], this.config, this.opts.backend, { writable: i === bases.length - 1, now }))
    }
    if (this.segs.length === 0) {
      const base = state?.logStartOffset ?? 0
      this.segs.push(LogSegment.open(dir, base, this.config, this.opts.backend, { writable: true, now }))
    }
    const unclean = this.opts.hadCleanShutdown === false || fullRecovery
    let recoveryPoint = fullRecovery ? 0 : Math.min(state?.recoveryPoint ?? 0, this.opts.recoveryPoint ?? Number.MAX_SAFE_INTEGER)
    if (unclean) this.recover(recoveryPoint)
    else this.checkOnCleanOpen()
    const logEndOffset = this.segs[this.segs.length - 1].nextOffset()
    const logStartOffset = Math.min(Math.max(state?.logStartOffset ?? 0, this.segs[0].baseOffset), logEndOffset)
    const highWatermark = Math.min(Math.max(state?.highWatermark ?? 0, logStartOffset), logEndOffset)
    recoveryPoint = unclean ? logEndOffset : Math.min(recoveryPoint, logEndOffset)
    const leaderEpochCache = this.loadLeaderEpochCache(logStartOffset, logEndOffset)
    const producerState = new ProducerStateManager(dir, path.basename(dir), { producerIdExpirationMs: this.opts.producerIdExpirationMs, log: this.logLine })
    producerState.truncateAndReload(logStartOffset, logEndOffset, now, (from, apply) => replayProducerBatches(this.segs, from, apply))
    return {
      segments: this.segs,
      logStartOffset,
      logEndOffset,
      highWatermark,
      recoveryPoint,
      checkpointedHighWatermark: state?.highWatermark ?? null,
      tombstoneDeadline: state?.tombstoneDeadline ?? null,
      recovery: this.recovery,
      leaderEpochCache,
      producerState
    }
  }

  /**
   * The leader-epoch cache from `leader-epoch-checkpoint`, or, when the file is missing or garbage,
   * rebuilt from the batches (each batch whose partitionLeaderEpoch is above the latest so far starts
   * that epoch at its base offset; -1, no epoch recorded, is skipped) and written. Then cut to
   * [logStartOffset, logEndOffset) as Kafka's LogLoader and UnifiedLog do after recovery.
   */
  private loadLeaderEpochCache(logStartOffset: number, logEndOffset: number): LeaderEpochFileCache {
    const file = new LeaderEpochCheckpointFile(this.dir)
    let entries: ReturnType<LeaderEpochCheckpointFile['read']> = null
    let problem: string | null = null
    try {
      entries = file.read()
      if (entries === null) problem = 'missing'
    } catch (e) {
      if (!(e instanceof StorageError)) throw e
      problem = e.message
      this.logLine(`brokerlab storage: ignoring ${file.file}: ${e.message}; rebuilding the leader epoch cache from the batches`)
    }
    if (problem !== null) {
      entries = []
      for (const seg of this.segs) {
        const s = new BatchScanner(seg.log, 0, seg.size(), { chunkSize: 256 * 1024 })
        while (s.next()) {
          const latest = entries.length === 0 ? -1 : entries[entries.length - 1].epoch
          if (s.partitionLeaderEpoch > latest) entries.push({ epoch: s.partitionLeaderEpoch, startOffset: s.baseOffset })
        }
      }
    }
    const cache = new LeaderEpochFileCache(file, entries ?? [], this.logLine)
    // truncateFromEnd / truncateFromStart write the file when they change it; a rebuilt cache is written either way.
    cache.truncateFromEnd(logEndOffset)
    cache.truncateFromStart(logStartOffset)
    if (problem !== null) cache.flush()
    return cache
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
      const swap = LogSegment.open(this.dir, base, this.config, this.opts.backend, { writable: false, now: this.opts.clock(), suffix: SWAP_FILE_SUFFIX })
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

  private get active(): LogSegment {
    return this.segs[this.segs.length - 1]
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
    return recoverSegment(seg, why, this.recovery, this.logLine)
  }

  /**
   * Unclean-shutdown recovery (Kafka's LogLoader.recoverLog): every segment holding offsets at or
   * after `recoveryPoint` is re-validated batch by batch and its indexes rebuilt; at the first
   * invalid batch the segment is truncated and all later segments deleted.
   */
  private recover(recoveryPoint: number): void {
    for (let i = 0; i < this.segs.length; i++) {
      const seg = this.segs[i]
      const next = i + 1 < this.segs.length ? this.segs[i + 1].baseOffset : Number.MAX_SAFE_INTEGER
      if (next <= recoveryPoint) {
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
}

/**
 * Hands every batch of `segs` with a last offset >= `fromOffset` to `apply` as ProducerBatch (its
 * header's producer fields, offsets and max timestamp), in log order, reading batch headers only
 * (Kafka's UnifiedLog.rebuildProducerState reads the log likewise).
 * @throws StorageError CORRUPT_MESSAGE naming the file when a batch header is not sane.
 */
export function replayProducerBatches(segs: readonly LogSegment[], fromOffset: number, apply: (b: ProducerBatch) => void): void {
  for (let i = 0; i < segs.length; i++) {
    const next = i + 1 < segs.length ? segs[i + 1].baseOffset : Number.MAX_SAFE_INTEGER
    if (next <= fromOffset) continue
    const seg = segs[i]
    const s = new BatchScanner(seg.log, 0, seg.size(), { chunkSize: 256 * 1024 })
    while (s.next()) {
      if (s.lastOffset < fromOffset) continue
      apply({
        producerId: s.producerId,
        producerEpoch: s.producerEpoch,
        baseSequence: s.baseSequence,
        count: s.count,
        firstOffset: s.baseOffset,
        lastOffset: s.lastOffset,
        maxTimestamp: s.maxTimestamp
      })
    }
    if (s.error !== null) throw new StorageError('CORRUPT_MESSAGE', seg.log.path, `invalid record batch while rebuilding producer state: ${s.error}`, s.position)
  }
}

/**
 * Re-validates `seg` (LogSegment.recover: CRC-32C, headers, offsets; indexes rebuilt; an invalid
 * tail cut), counts it in `info` and logs what was cut. Returns the bytes truncated.
 */
export function recoverSegment(seg: LogSegment, why: string, info: RecoveryInfo, logLine: (line: string) => void): number {
  const cut = seg.recover()
  info.segmentsRecovered++
  info.bytesTruncated += cut
  logLine(`brokerlab storage: recovered ${seg.log.path} (${why}); truncated ${cut} bytes`)
  return cut
}
