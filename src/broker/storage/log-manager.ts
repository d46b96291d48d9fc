/**
 * LogManager: the logs of one broker's log directory (Kafka's LogManager): opens every
 * `<topic>-<partition>` log in it, knows whether the last shutdown was clean (the
 * `.kafka_cleanshutdown` marker, written on clean close and removed at open, as Kafka's), keeps the
 * Kafka-format `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
 * `cleaner-offset-checkpoint` files, and runs the periodic work from `tick(now)`: flush.ms,
 * retention (retention.ms / retention.bytes delete whole closed segments), checkpoints, and steps of
 * the log cleaner for compacted logs.
 *
 * Failures (Kafka marks a failed log dir offline with KAFKA_STORAGE_ERROR; here the unit is one log,
 * or the whole directory when it cannot be made or listed):
 * - A log that fails to open (ENOSPC, EIO, a corrupt closed segment, ...) is logged and recorded as
 *   offline with its StorageError; the others open. `reopenOfflineLog` retries it (once space is
 *   back it opens and is no longer offline).
 * - A log directory that cannot be made or listed (it is a file, unreadable) makes the whole
 *   LogManager offline: no log opens, every log of it reports that error, close writes nothing.
 * - A dir checkpoint file that does not parse is logged and ignored (recovery points: every log
 *   recovers from offset 0 after an unclean shutdown; cleaner offsets: compaction starts again).
 * - Logs the caller says are strays (`isStray`) are deleted before anything of them is opened.
 *
 * Must stay true:
 * - Without the marker at open, every log is recovered from its recovery point (LogLoader); the
 *   marker is written at close only when every log that needed recovery got it (so an offline log
 *   of an unclean directory is still recovered when it next opens).
 * - Creating a log that fails leaves no directory behind.
 * - Retention never deletes the active segment and only applies when cleanup.policy includes
 *   `delete`; compaction only when it includes `compact`.
 * - tick() is synchronous and bounded (the cleaner does at most one step per tick).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { KafkaError, StorageError } from '../model/errors'
import { writeFileDurably } from './checkpoint-file'
import { LogCleaner, needsCleaning } from './log-cleaner'
import { DEFAULT_LOG_CONFIG } from './log-config'
import { OffsetCheckpointFile, type TopicPartitionOffset } from './offset-checkpoint-file'
import { toStorageError } from './storage-failure'
import { UnifiedLog } from './unified-log'
import type { LogConfig, StorageBackend } from './storage-types'

/** Kafka's clean shutdown marker file name (LogLoader.CleanShutdownFile). */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
/** Kafka's per-log-dir checkpoint files. */
export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'
/** Where each compacted log's cleaning reached (its first dirty offset), Kafka's LogCleaner checkpoint. */
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint'

/** How a LogManager runs. */
export interface LogManagerOptions {
  backend: StorageBackend
  /** ms since the epoch; injected so tests control time. */
  clock: () => number
  /** The config of a log found on disk at open (default: Kafka's defaults). */
  configFor?: (topic: string, partition: number) => LogConfig
  /**
   * True for a `<topic>-<partition>` directory found at open that must not exist (the metadata does
   * not know it: Kafka's stray partitions); it is deleted, with a log line, without being opened.
   * Default: none is.
   */
  isStray?: (topic: string, partition: number) => boolean
  /** Write checkpoints from tick() at most this often (Kafka's log.flush.offset.checkpoint.interval.ms, 60000). */
  checkpointIntervalMs?: number
  /** Bytes of log the cleaner reads per tick (default 1 MiB). */
  cleanerBytesPerStep?: number
  /** The cleaner's offset map budget in bytes (Kafka's log.cleaner.dedupe.buffer.size, default 134217728). */
  cleanerDedupeBufferBytes?: number
  /** Where recovery, retention, cleaning and failure lines go (default console.warn). */
  log?: (line: string) => void
  /**
   * A log failed during the periodic work (a flush, retention, a cleaner step or its checkpoint
   * threw a storage error, e.g. ENOSPC or EIO): the owner takes the replica offline (which calls
   * forgetLog). Without it the failure is only logged. The other logs' work goes on either way.
   */
  onLogFailure?: (topic: string, partition: number, error: StorageError) => void
}

/** What one tick did. */
export interface TickResult {
  segmentsDeleted: number
  logsFlushed: number
  /** The log cleaner has work left: a pass in progress, or a log that needs cleaning. */
  cleaning: boolean
}

/** `<topic>-<partition>` -> [topic, partition], or null when the name is not a log dir. */
export function parseTopicPartition(name: string): { topic: string; partition: number } | null {
  const m = /^(.+)-(\d+)$/.exec(name)
  if (!m) return null
  const partition = Number(m[2])
  if (!Number.isSafeInteger(partition)) return null
  return { topic: m[1], partition }
}

export class LogManager {
  readonly logDir: string
  /**
   * Whether the previous shutdown was clean (the marker existed at open). True for an offline log
   * directory (nothing of it was opened, so nothing was recovered).
   */
  readonly hadCleanShutdown: boolean
  readonly cleaner: LogCleaner
  private readonly backend: StorageBackend
  private readonly clock: () => number
  private readonly configFor: (topic: string, partition: number) => LogConfig
  private readonly checkpointIntervalMs: number
  private readonly logLine: (line: string) => void
  private readonly onLogFailure: LogManagerOptions['onLogFailure']
  private readonly logs = new Map<string, { topic: string; partition: number; log: UnifiedLog }>()
  /** Logs that failed to open, by `<topic>-<partition>`. */
  private readonly offline = new Map<string, StorageError>()
  /** Logs taken offline at run time (forgetLog), by name: the recovery point to recover from when they reopen. */
  private readonly failedAt = new Map<string, number>()
  /** Set when the directory itself cannot be used: the whole LogManager is offline. */
  private dirError: StorageError | null = null
  /** The dir's recovery points read at open (null: that checkpoint did not parse, so recover from 0). */
  private recoveryPoints: Map<string, number> | null = new Map()
  private cleanerOffsets = new Map<string, number>()
  private lastCheckpoint: number
  private closed = false

  private constructor(logDir: string, opts: LogManagerOptions, hadCleanShutdown: boolean) {
    this.logDir = logDir
    this.backend = opts.backend
    this.clock = opts.clock
    this.configFor = opts.configFor ?? (() => ({ ...DEFAULT_LOG_CONFIG }))
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? 60_000
    this.logLine = opts.log ?? ((l) => console.warn(l))
    this.onLogFailure = opts.onLogFailure
    this.hadCleanShutdown = hadCleanShutdown
    this.lastCheckpoint = opts.clock()
    this.cleaner = new LogCleaner({
      clock: opts.clock,
      bytesPerStep: opts.cleanerBytesPerStep,
      dedupeBufferBytes: opts.cleanerDedupeBufferBytes,
      // Kafka writes the cleaner checkpoint after each cleaning; the log's own checkpoint keeps its tombstone deadline.
      onCleaned: (log) => {
        log.writeCheckpoint()
        this.writeCleanerCheckpoint()
      },
      log: this.logLine
    })
  }

  /**
   * Opens the log directory `logDir` (created when missing): deletes the stray logs (`isStray`)
   * unopened, opens every other `<topic>-<partition>` log, recovering them when the clean-shutdown
   * marker is absent, then removes the marker. Never throws for a storage failure: a log that fails
   * to open is offline (offlineLogs), a directory that cannot be made, listed or written is offline
   * as a whole (offlineDirError); each is logged naming the file and the error. Rethrows anything
   * else (a programming error), closing what it opened.
   */
  static open(logDir: string, opts: LogManagerOptions): LogManager {
    let entries: fs.Dirent[]
    try {
      fs.mkdirSync(logDir, { recursive: true })
      entries = fs.readdirSync(logDir, { withFileTypes: true })
    } catch (e) {
      return LogManager.offlineDir(logDir, opts, e)
    }
    const marker = path.join(logDir, CLEAN_SHUTDOWN_FILE)
    const clean = entries.length === 0 || entries.some((d) => d.name === CLEAN_SHUTDOWN_FILE)
    const mgr = new LogManager(logDir, opts, clean)
    mgr.readDirCheckpoints()
    try {
      for (const ent of entries) {
        if (!ent.isDirectory()) continue
        const tp = parseTopicPartition(ent.name)
        if (tp === null) continue
        if (opts.isStray?.(tp.topic, tp.partition)) {
          mgr.deleteStray(ent.name)
          continue
        }
        mgr.openExisting(tp.topic, tp.partition, mgr.configFor(tp.topic, tp.partition)) // a failure: offline, logged
      }
      fs.rmSync(marker, { force: true })
    } catch (e) {
      // Only the marker's removal gets here with a storage failure: without it a crash would pass
      // for a clean shutdown, so the directory cannot be used.
      mgr.closeLogsAfterFailedOpen()
      if (toStorageError(e, logDir) === null) throw e
      return LogManager.offlineDir(logDir, opts, e)
    }
    return mgr
  }

  /** Deletes the stray log directory `name` unopened (logged); one that cannot be deleted is left, logged. */
  private deleteStray(name: string): void {
    const dir = path.join(this.logDir, name)
    try {
      fs.rmSync(dir, { recursive: true, force: true })
      this.logLine(`brokerlab storage: deleted stray log ${dir} (not in the metadata) without opening it`)
    } catch (e) {
      this.logLine(`brokerlab storage: cannot delete stray log ${dir}, left unopened: ${(e as Error).message}`)
    }
  }

  /** A LogManager whose directory cannot be used (`e`): offline as a whole, logged. */
  private static offlineDir(logDir: string, opts: LogManagerOptions, e: unknown): LogManager {
    const err = toStorageError(e, logDir)
    if (err === null) throw e
    const mgr = new LogManager(logDir, opts, true)
    mgr.dirError = err
    mgr.logLine(`brokerlab storage: log directory ${logDir} is offline, none of its logs open: ${err.message}`)
    return mgr
  }

  /** Reads the dir's recovery-point, log-start-offset and cleaner-offset checkpoints; garbage is logged and ignored. */
  private readDirCheckpoints(): void {
    const read = (name: string, consequence: string): Map<string, number> | null => {
      const file = new OffsetCheckpointFile(path.join(this.logDir, name))
      try {
        return file.read() ?? new Map()
      } catch (e) {
        if (!(e instanceof StorageError)) throw e
        this.logLine(`brokerlab storage: ignoring ${file.file}: ${e.message}; ${consequence}`)
        return null
      }
    }
    this.recoveryPoints = read(RECOVERY_POINT_CHECKPOINT, this.hadCleanShutdown ? 'not needed after a clean shutdown' : 'every log recovers from offset 0')
    // Each log keeps its own log start offset (log-state.checkpoint); this file is written for Kafka's layout.
    read(LOG_START_OFFSET_CHECKPOINT, "each log's own checkpoint keeps its log start offset")
    this.cleanerOffsets = read(CLEANER_OFFSET_CHECKPOINT, 'compacted logs are cleaned again from their start') ?? new Map()
  }

  /**
   * Opens the existing log `<topic>-<partition>` of this directory (at open, or retrying an offline
   * one) as the directory was at open (clean or not, its recovery points). On a storage failure it
   * is recorded offline (logged) and its StorageError returned; other errors are thrown.
   */
  private openExisting(topic: string, partition: number, config: LogConfig): UnifiedLog | StorageError {
    const name = `${topic}-${partition}`
    const dir = path.join(this.logDir, name)
    let log: UnifiedLog
    try {
      log = UnifiedLog.open(dir, config, {
        backend: this.backend,
        clock: this.clock,
        hadCleanShutdown: this.failedAt.has(name) ? false : this.hadCleanShutdown,
        recoveryPoint: this.failedAt.get(name) ?? (this.recoveryPoints === null ? 0 : this.recoveryPoints.get(name)),
        log: this.logLine
      })
    } catch (e) {
      const err = toStorageError(e, dir)
      if (err === null) throw e
      this.offline.set(name, err)
      this.logLine(`brokerlab storage: log ${dir} is offline: ${err.message}`)
      return err
    }
    this.failedAt.delete(name)
    if (this.offline.delete(name)) this.logLine(`brokerlab storage: log ${dir} is back online`)
    this.logs.set(name, { topic, partition, log })
    const cleanedTo = this.cleanerOffsets.get(name)
    // Kafka's LogCleanerManager resets an out-of-range checkpoint to the log start offset.
    if (cleanedTo !== undefined) log.firstDirtyOffset = cleanedTo < log.logStartOffset || cleanedTo > log.logEndOffset ? log.logStartOffset : cleanedTo
    return log
  }

  /** Closes every log opened so far (the directory's open failed); their own close errors are dropped. */
  private closeLogsAfterFailedOpen(): void {
    for (const { log } of this.logs.values()) {
      try {
        log.close()
      } catch {
        // the open's failure is the one reported
      }
    }
    this.logs.clear()
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', this.logDir, 'log manager is closed')
    if (this.dirError) throw this.dirError
  }

  /** The directory's own failure when it is offline as a whole, else null. */
  get offlineDirError(): StorageError | null {
    return this.dirError
  }

  /** The logs that failed to open, by `<topic>-<partition>`, with why (KAFKA_STORAGE_ERROR naming the file). */
  offlineLogs(): ReadonlyMap<string, StorageError> {
    return this.offline
  }

  /** Why the log of (topic, partition) is offline (its own failure, or its directory's), or null. */
  offlineError(topic: string, partition: number): StorageError | null {
    return this.dirError ?? this.offline.get(`${topic}-${partition}`) ?? null
  }

  /** The log of (topic, partition), or undefined (also while it is offline). */
  getLog(topic: string, partition: number): UnifiedLog | undefined {
    return this.logs.get(`${topic}-${partition}`)?.log
  }

  /**
   * Retries opening the offline log of (topic, partition) with `config` (default: configFor's).
   * Returns it once it opens (it is then no longer offline); throws its StorageError
   * (KAFKA_STORAGE_ERROR naming the file) while it still fails, or the directory's when the whole
   * directory is offline. Throws KafkaError UNKNOWN_TOPIC_OR_PARTITION when that log is not offline.
   */
  reopenOfflineLog(topic: string, partition: number, config?: LogConfig, recover = false): UnifiedLog {
    this.checkOpen()
    const name = `${topic}-${partition}`
    if (!this.offline.has(name)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `log ${name} of ${this.logDir} is not offline`)
    // Full recovery from offset 0: every batch re-validated, the log cut at the first invalid one.
    if (recover) this.failedAt.set(name, 0)
    const log = this.openExisting(topic, partition, config ?? this.configFor(topic, partition))
    if (log instanceof StorageError) throw log
    return log
  }

  /**
   * The log of (topic, partition), created with `config` when missing (an existing one gets
   * `config`; an offline one is retried, see reopenOfflineLog). A log that cannot be created leaves
   * no directory or file behind and throws StorageError KAFKA_STORAGE_ERROR naming the file and the
   * errno text (e.g. "No space left on device (ENOSPC)"); the directory's error when it is offline.
   * Throws KafkaError INVALID_PARTITIONS for a partition that is not a non-negative integer.
   */
  getOrCreateLog(topic: string, partition: number, config: LogConfig): UnifiedLog {
    this.checkOpen()
    if (!Number.isSafeInteger(partition) || partition < 0) throw new KafkaError('INVALID_PARTITIONS', `partition ${partition} must be a non-negative integer`)
    const name = `${topic}-${partition}`
    const existing = this.logs.get(name)
    if (existing) {
      existing.log.updateConfig(config)
      return existing.log
    }
    if (this.offline.has(name)) return this.reopenOfflineLog(topic, partition, config)
    const dir = path.join(this.logDir, name)
    if (fs.existsSync(dir)) {
      // Made outside this manager since it opened: open it as found, never delete it.
      const found = this.openExisting(topic, partition, config)
      if (found instanceof StorageError) throw found
      return found
    }
    let log: UnifiedLog
    try {
      log = UnifiedLog.open(dir, config, { backend: this.backend, clock: this.clock, log: this.logLine })
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true })
      const err = toStorageError(e, dir)
      if (err === null) throw e
      this.logLine(`brokerlab storage: cannot create log ${dir}: ${err.message}`)
      throw err
    }
    this.logs.set(name, { topic, partition, log })
    return log
  }

  /**
   * Takes the log of (topic, partition) offline after a failure at run time (`error`, e.g. ENOSPC on
   * a write): the cleaner lets go of it, its files are closed as far as they still can be (errors
   * ignored: the log failed already) but kept on disk, and it is offline (offlineError) until
   * reopenOfflineLog opens it again, recovering it from its recovery point as after a crash (a
   * write may have failed halfway). No-op when missing.
   */
  forgetLog(topic: string, partition: number, error: StorageError): void {
    const name = `${topic}-${partition}`
    const e = this.logs.get(name)
    if (!e) return
    this.cleaner.abort(e.log)
    this.logs.delete(name)
    this.failedAt.set(name, e.log.recoveryPoint)
    this.offline.set(name, error)
    try {
      e.log.close()
    } catch {
      // the log failed already; what could not be flushed is recovered when it reopens
    }
  }

  /**
   * Closes and deletes the log of (topic, partition) and its directory, also when it is offline
   * (its directory is removed, it is no longer offline). No-op when missing.
   */
  deleteLog(topic: string, partition: number): void {
    const name = `${topic}-${partition}`
    const e = this.logs.get(name)
    if (e) {
      this.cleaner.abort(e.log)
      this.logs.delete(name)
      e.log.delete()
      return
    }
    if (!this.offline.delete(name) && this.dirError === null) return
    try {
      fs.rmSync(path.join(this.logDir, name), { recursive: true, force: true })
    } catch (err) {
      // An offline directory that is not a directory holds nothing to delete.
      const code = (err as { code?: unknown }).code
      if (code !== 'ENOTDIR' && code !== 'ENOENT') throw toStorageError(err, path.join(this.logDir, name)) ?? err
    }
  }

  /** Every open log (offline ones are not). */
  allLogs(): { topic: string; partition: number; log: UnifiedLog }[] {
    return [...this.logs.values()]
  }

  /**
   * Periodic work at `now` (ms): flush.ms for each log, idle producer ids expired
   * (producer.id.expiration.ms, checked every 10 minutes), retention (retention.ms: closed segments
   * whose largest timestamp is older than now - retention.ms; retention.bytes: oldest closed
   * segments while the log stays at or above retention.bytes without them), checkpoints every
   * checkpointIntervalMs, and one cleaner step (on one compacted log at a time).
   */
  tick(now = this.clock()): TickResult {
    const result: TickResult = { segmentsDeleted: 0, logsFlushed: 0, cleaning: false }
    if (this.dirError) return result // an offline directory has no work
    this.checkOpen()
    // One log failing (a full disk, EIO) never stops the others' work: it is reported and skipped.
    for (const { topic, partition, log } of [...this.logs.values()]) {
      this.isolated(topic, partition, log.dir, () => {
        const before = log.recoveryPoint
        log.maybeFlush(now)
        log.maybeExpireProducers(now)
        if (log.recoveryPoint !== before) result.logsFlushed++
        result.segmentsDeleted += this.applyRetention(log, now)
      })
    }
    const cleaning = this.cleaner.cleaningLog
    const entry = [...this.logs.values()].find((e) => e.log === cleaning)
    this.isolated(entry?.topic ?? null, entry?.partition ?? -1, cleaning?.dir ?? this.logDir, () => {
      const logs = this.allLogs().map((e) => e.log)
      // Work left: the pass in progress, or another log that needs cleaning (the next pass).
      result.cleaning = this.cleaner.step(logs, now) || logs.some((l) => needsCleaning(l, now))
    })
    if (now - this.lastCheckpoint >= this.checkpointIntervalMs) this.checkpoint()
    return result
  }

  /**
   * Runs `work` for the log `topic`-`partition` (null: not known); a storage failure is logged and
   * handed to onLogFailure instead of thrown; anything else is thrown.
   */
  private isolated(topic: string | null, partition: number, file: string, work: () => void): void {
    try {
      work()
    } catch (e) {
      const err = toStorageError(e, file)
      if (err === null) throw e
      this.logLine(`brokerlab storage: periodic work on ${file} failed: ${err.message}`)
      if (topic === null) return
      this.onLogFailure?.(topic, partition, err)
      // Whatever the owner did, the failed log does no more periodic work until it is reopened.
      if (this.logs.has(`${topic}-${partition}`)) this.forgetLog(topic, partition, err)
    }
  }

  /** Deletes segments beyond retention.ms / retention.bytes (Kafka's deleteRetentionMsBreachedSegments / deleteRetentionSizeBreachedSegments). */
  applyRetention(log: UnifiedLog, now = this.clock()): number {
    const cfg = log.config
    if (!cfg.cleanupPolicy.split(',').includes('delete')) return 0
    let deleted = 0
    if (cfg.retentionMs >= 0) {
      deleted += log.deleteOldSegments((seg) => now - seg.maxTimestamp > cfg.retentionMs)
    }
    if (cfg.retentionBytes >= 0) {
      deleted += log.deleteOldSegments((_seg, sizeAfter) => sizeAfter >= cfg.retentionBytes)
    }
    if (deleted > 0) this.logLine(`brokerlab storage: retention deleted ${deleted} segment(s) of ${log.dir}; log start offset ${log.logStartOffset}`)
    return deleted
  }

  /**
   * Writes `cleaner-offset-checkpoint`: the first dirty offset of every compacted log that has been
   * cleaned (Kafka writes it after each cleaning), so a restart does not clean them all again.
   */
  writeCleanerCheckpoint(): void {
    this.checkOpen()
    const entries: TopicPartitionOffset[] = []
    for (const { topic, partition, log } of this.logs.values()) if (log.firstDirtyOffset > 0) entries.push({ topic, partition, offset: log.firstDirtyOffset })
    new OffsetCheckpointFile(path.join(this.logDir, CLEANER_OFFSET_CHECKPOINT)).write(entries)
  }

  /**
   * Writes every open log's own checkpoint and the log dir's recovery-point, log-start-offset and
   * cleaner-offset checkpoints (of the open logs). No-op for an offline directory.
   */
  checkpoint(): void {
    if (this.dirError) return
    this.checkOpen()
    const rp: TopicPartitionOffset[] = []
    const ls: TopicPartitionOffset[] = []
    for (const { topic, partition, log } of [...this.logs.values()]) {
      this.isolated(topic, partition, log.dir, () => log.writeCheckpoint())
      rp.push({ topic, partition, offset: log.recoveryPoint })
      ls.push({ topic, partition, offset: log.logStartOffset })
    }
    // The log dir's own checkpoints are retried at the next interval when they cannot be written.
    this.lastCheckpoint = this.clock()
    this.isolated(null, -1, this.logDir, () => {
      new OffsetCheckpointFile(path.join(this.logDir, RECOVERY_POINT_CHECKPOINT)).write(rp)
      new OffsetCheckpointFile(path.join(this.logDir, LOG_START_OFFSET_CHECKPOINT)).write(ls)
      this.writeCleanerCheckpoint()
    })
  }

  /**
   * Flushes and closes every log, writes the checkpoints, then the clean-shutdown marker, unless a
   * log of a directory that was not shut down cleanly is still offline (unrecovered: it must be
   * recovered when it next opens). An offline directory is left as it is. Idempotent.
   */
  /**
   * The broker's process was killed (kill -9): every log's files are closed as they are, without a
   * flush, checkpoints or the clean-shutdown marker, so the next open recovers them as after a
   * crash (the marker was removed when this manager opened). Never throws. Idempotent.
   */
  crash(): void {
    if (this.closed) return
    this.closed = true
    for (const { log } of this.logs.values()) {
      try {
        this.cleaner.abort(log) // its .cleaned files would be deleted at the next open anyway
      } catch {
        // a killed process leaves them; the next open deletes them
      }
      log.abandon()
    }
    this.logs.clear()
  }

  close(): void {
    if (this.closed) return
    if (this.dirError) {
      this.closed = true
      return
    }
    for (const { log } of this.logs.values()) {
      this.cleaner.abort(log)
      log.flush()
    }
    this.checkpoint()
    for (const { log } of this.logs.values()) log.close()
    this.closed = true
    if (this.offline.size > 0 && !this.hadCleanShutdown) {
      this.logLine(`brokerlab storage: not marking ${this.logDir} as shut down cleanly: ${this.offline.size} log(s) offline and not recovered`)
      return
    }
    writeFileDurably(path.join(this.logDir, CLEAN_SHUTDOWN_FILE), '')
  }
}
