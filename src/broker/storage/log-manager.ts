/**
 * LogManager: the logs of one broker's log directory (Kafka's LogManager): opens every
 * `<topic>-<partition>` log in it, knows whether the last shutdown was clean (the
 * `.kafka_cleanshutdown` marker, written on clean close and removed at open, as Kafka's), keeps the
 * Kafka-format `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
 * `cleaner-offset-checkpoint` files, and
 * runs the periodic work from `tick(now)`: flush.ms, retention (retention.ms / retention.bytes
 * delete whole closed segments), checkpoints, and steps of the log cleaner for compacted logs.
 *
 * Must stay true:
 * - Without the marker at open, every log is recovered from its recovery point (PartitionLog).
 * - Retention never deletes the active segment and only applies when cleanup.policy includes
 *   `delete`; compaction only when it includes `compact`.
 * - tick() is synchronous and bounded (the cleaner does at most one step per tick).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { KafkaError, StorageError } from '../errors'
import { LogCleaner, needsCleaning } from './log-cleaner'
import { DEFAULT_LOG_CONFIG, PartitionLog, writeFileDurably } from './partition-log'
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
  /** Write checkpoints from tick() at most this often (Kafka's log.flush.offset.checkpoint.interval.ms, 60000). */
  checkpointIntervalMs?: number
  /** Bytes of log the cleaner reads per tick (default 1 MiB). */
  cleanerBytesPerStep?: number
  /** The cleaner's offset map budget in bytes (Kafka's log.cleaner.dedupe.buffer.size, default 134217728). */
  cleanerDedupeBufferBytes?: number
  /** Where recovery, retention and cleaning lines go (default console.warn). */
  log?: (line: string) => void
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

/** Kafka's checkpoint file text: version 0, entry count, `topic partition offset` lines. */
function checkpointText(entries: [string, number, number][]): string {
  return `0\n${entries.length}\n${entries.map(([t, p, o]) => `${t} ${p} ${o}`).join('\n')}${entries.length ? '\n' : ''}`
}

function readOffsetsCheckpoint(file: string): Map<string, number> {
  const out = new Map<string, number>()
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return out
  }
  const lines = text.split('\n').filter((l) => l.length > 0)
  if (lines[0] !== '0') throw new StorageError('KAFKA_STORAGE_ERROR', file, `unknown checkpoint version ${JSON.stringify(lines[0])}`)
  const n = Number(lines[1])
  for (let i = 0; i < n; i++) {
    const parts = (lines[2 + i] ?? '').split(' ')
    const off = Number(parts[2])
    if (parts.length !== 3 || !Number.isSafeInteger(off)) throw new StorageError('KAFKA_STORAGE_ERROR', file, `bad checkpoint line ${i + 3}`)
    out.set(`${parts[0]}-${parts[1]}`, off)
  }
  return out
}

export class LogManager {
  readonly logDir: string
  /** Whether the previous shutdown was clean (the marker existed at open). */
  readonly hadCleanShutdown: boolean
  readonly cleaner: LogCleaner
  private readonly backend: StorageBackend
  private readonly clock: () => number
  private readonly configFor: (topic: string, partition: number) => LogConfig
  private readonly checkpointIntervalMs: number
  private readonly logLine: (line: string) => void
  private readonly logs = new Map<string, { topic: string; partition: number; log: PartitionLog }>()
  private lastCheckpoint: number
  private closed = false

  private constructor(logDir: string, opts: LogManagerOptions, hadCleanShutdown: boolean) {
    this.logDir = logDir
    this.backend = opts.backend
    this.clock = opts.clock
    this.configFor = opts.configFor ?? (() => ({ ...DEFAULT_LOG_CONFIG }))
    this.checkpointIntervalMs = opts.checkpointIntervalMs ?? 60_000
    this.logLine = opts.log ?? ((l) => console.warn(l))
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
   * Opens the log directory `logDir` (created when missing) and every `<topic>-<partition>` log in
   * it, recovering them when the clean-shutdown marker is absent; then removes the marker.
   * Throws StorageError naming the file when a log cannot be opened.
   */
  static open(logDir: string, opts: LogManagerOptions): LogManager {
    fs.mkdirSync(logDir, { recursive: true })
    const marker = path.join(logDir, CLEAN_SHUTDOWN_FILE)
    const fresh = fs.readdirSync(logDir).length === 0
    const clean = fresh || fs.existsSync(marker)
    const mgr = new LogManager(logDir, opts, clean)
    const recoveryPoints = readOffsetsCheckpoint(path.join(logDir, RECOVERY_POINT_CHECKPOINT))
    const cleanerOffsets = readOffsetsCheckpoint(path.join(logDir, CLEANER_OFFSET_CHECKPOINT))
    try {
      for (const ent of fs.readdirSync(logDir, { withFileTypes: true })) {
        if (!ent.isDirectory()) continue
        const tp = parseTopicPartition(ent.name)
        if (tp === null) continue
        const log = PartitionLog.open(path.join(logDir, ent.name), mgr.configFor(tp.topic, tp.partition), {
          backend: opts.backend,
          clock: opts.clock,
          hadCleanShutdown: clean,
          recoveryPoint: recoveryPoints.get(ent.name),
          log: mgr.logLine
        })
        mgr.logs.set(ent.name, { ...tp, log })
        const cleanedTo = cleanerOffsets.get(ent.name)
        // Kafka's LogCleanerManager resets an out-of-range checkpoint to the log start offset.
        if (cleanedTo !== undefined)
          log.firstDirtyOffset = cleanedTo < log.logStartOffset || cleanedTo > log.logEndOffset ? log.logStartOffset : cleanedTo
      }
    } catch (e) {
      for (const { log } of mgr.logs.values()) log.close()
      throw e
    }
    fs.rmSync(marker, { force: true })
    return mgr
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', this.logDir, 'log manager is closed')
  }

  /** The log of (topic, partition), or undefined. */
  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(`${topic}-${partition}`)?.log
  }

  /** The log of (topic, partition), created with `config` when missing (an existing one gets `config`). */
  getOrCreateLog(topic: string, partition: number, config: LogConfig): PartitionLog {
    this.checkOpen()
    if (!Number.isSafeInteger(partition) || partition < 0) throw new KafkaError('INVALID_PARTITIONS', `partition ${partition} must be a non-negative integer`)
    const name = `${topic}-${partition}`
    const existing = this.logs.get(name)
    if (existing) {
      existing.log.updateConfig(config)
      return existing.log
    }
    const log = PartitionLog.open(path.join(this.logDir, name), config, { backend: this.backend, clock: this.clock, log: this.logLine })
    this.logs.set(name, { topic, partition, log })
    return log
  }

  /**
   * Forgets the log of (topic, partition) after a failure: the cleaner lets go of it and its files
   * are closed as far as they still can be (errors ignored: the log failed already), but kept on
   * disk, so the next getOrCreateLog reopens it from disk. No-op when missing.
   */
  forgetLog(topic: string, partition: number): void {
    const name = `${topic}-${partition}`
    const e = this.logs.get(name)
    if (!e) return
    this.cleaner.abort(e.log)
    this.logs.delete(name)
    try {
      e.log.close()
    } catch {
      // the log failed already; what could not be flushed is recovered when it reopens
    }
  }

  /** Closes and deletes the log of (topic, partition) and its directory. No-op when missing. */
  deleteLog(topic: string, partition: number): void {
    const name = `${topic}-${partition}`
    const e = this.logs.get(name)
    if (!e) return
    this.cleaner.abort(e.log)
    this.logs.delete(name)
    e.log.delete()
  }

  /** Every open log. */
  allLogs(): { topic: string; partition: number; log: PartitionLog }[] {
    return [...this.logs.values()]
  }

  /**
   * Periodic work at `now` (ms): flush.ms for each log, retention (retention.ms: closed segments
   * whose largest timestamp is older than now - retention.ms; retention.bytes: oldest closed
   * segments while the log stays at or above retention.bytes without them), checkpoints every
   * checkpointIntervalMs, and one cleaner step (on one compacted log at a time).
   */
  tick(now = this.clock()): TickResult {
    this.checkOpen()
    const result: TickResult = { segmentsDeleted: 0, logsFlushed: 0, cleaning: false }
    for (const { log } of this.logs.values()) {
      const before = log.recoveryPoint
      log.maybeFlush(now)
      if (log.recoveryPoint !== before) result.logsFlushed++
      result.segmentsDeleted += this.applyRetention(log, now)
    }
    const logs = this.allLogs().map((e) => e.log)
    // Work left: the pass in progress, or another log that needs cleaning (the next pass).
    result.cleaning = this.cleaner.step(logs, now) || logs.some((l) => needsCleaning(l, now))
    if (now - this.lastCheckpoint >= this.checkpointIntervalMs) this.checkpoint()
    return result
  }

  /** Deletes segments beyond retention.ms / retention.bytes (Kafka's deleteRetentionMsBreachedSegments / deleteRetentionSizeBreachedSegments). */
  applyRetention(log: PartitionLog, now = this.clock()): number {
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
    const entries: [string, number, number][] = []
    for (const { topic, partition, log } of this.logs.values()) if (log.firstDirtyOffset > 0) entries.push([topic, partition, log.firstDirtyOffset])
    writeFileDurably(path.join(this.logDir, CLEANER_OFFSET_CHECKPOINT), checkpointText(entries))
  }

  /** Writes every log's own checkpoint and the log dir's recovery-point, log-start-offset and cleaner-offset checkpoints. */
  checkpoint(): void {
    this.checkOpen()
    const rp: [string, number, number][] = []
    const ls: [string, number, number][] = []
    for (const { topic, partition, log } of this.logs.values()) {
      log.writeCheckpoint()
      rp.push([topic, partition, log.recoveryPoint])
      ls.push([topic, partition, log.logStartOffset])
    }
    writeFileDurably(path.join(this.logDir, RECOVERY_POINT_CHECKPOINT), checkpointText(rp))
    writeFileDurably(path.join(this.logDir, LOG_START_OFFSET_CHECKPOINT), checkpointText(ls))
    this.writeCleanerCheckpoint()
    this.lastCheckpoint = this.clock()
  }

  /** Flushes and closes every log, writes the checkpoints, then the clean-shutdown marker. Idempotent. */
  close(): void {
    if (this.closed) return
    for (const { log } of this.logs.values()) {
      this.cleaner.abort(log)
      log.flush()
    }
    this.checkpoint()
    for (const { log } of this.logs.values()) log.close()
    this.closed = true
    writeFileDurably(path.join(this.logDir, CLEAN_SHUTDOWN_FILE), '')
  }
}
