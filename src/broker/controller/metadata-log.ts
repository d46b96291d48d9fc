/**
 * MetadataLog: the cluster metadata as a log in the data directory, KRaft-style (Kafka's
 * `__cluster_metadata` topic, its snapshots and the controller's replay of them). Every metadata
 * change is a record (./metadata-records.ts) appended to the partition log
 * `<dataDir>/__cluster_metadata-0/` (record batches v2 through the engine's storage, UnifiedLog,
 * so CRC-32C, recovery after a crash and torn tails are the storage's), with snapshots of the whole
 * image (./metadata-snapshot.ts) next to it; opening replays the newest valid snapshot, then the log
 * after it. The cluster id is in `<dataDir>/meta.properties`; `<dataDir>/.kafka_cleanshutdown` is
 * the metadata log directory's clean-shutdown marker (Kafka's, written at clean close, removed at
 * open). A data directory of the earlier format (`cluster.json`) is migrated once at open
 * (./metadata-migration.ts).
 *
 * The cluster keeps its in-memory ClusterMetadata: `persist(image)` appends the records that turn the
 * last persisted image into `image` (./metadata-delta.ts) and returns what they changed as typed
 * events (./metadata-change.ts); `close(image)` persists, snapshots and marks the clean shutdown.
 *
 * Durability, and why it is safe:
 * - persist appends in the step, synchronously, as one record batch (one batch per persist: a torn
 *   tail loses a whole persist, never half of one). A process that dies afterwards (kill -9, out of
 *   memory, a crash) loses nothing: the bytes are in the operating system's page cache.
 * - The fsync comes right after the step (setImmediate), one for every persist of that turn of the
 *   event loop; persistDurably does it at once (topic creation and added partitions call it before
 *   they answer, as Kafka's controller answers CreateTopics once its records are committed, so a
 *   creation that cannot be made durable is rolled back, its records cut from the log). Only an
 *   operating-system crash or power loss between the append and that fsync can lose the last
 *   changes, and then the log opens with a prefix of them (recovery cuts the torn tail). That is the window in which replica logs lose their own
 *   unflushed records too (flush.messages / flush.ms default to never, as Kafka relies on
 *   replication); each replica log recovers on its own, and what a lost change leaves (an ISR member
 *   that had been removed, a leader that had moved) is what the cluster already handles after any
 *   restart: the ISR shrinks again after replica.lag.time.max.ms, a replica whose log is behind the
 *   acknowledged offsets does not lead. Losing a change is never losing a topic's existence once its
 *   creation was answered.
 * - A snapshot is written (durably) after every DEFAULT_SNAPSHOT_INTERVAL_RECORDS records and at
 *   clean close; the two newest are kept (the older one is the fallback when the newest is damaged)
 *   and the log starts at the older one's end offset, so log segments wholly below it are deleted.
 * - The clean-shutdown marker is written only by close, after the last flush.
 *
 * Failures: an append or fsync that fails (a full disk, EIO) throws KAFKA_STORAGE_ERROR naming the
 * log directory (persist, flush) or is handed to onFlushFailure (the fsync after the step); the log
 * is then reopened with recovery at the next persist and the image rebuilt from what is on disk, so
 * the next persist writes whatever did not make it. A failed persistDurably is all or nothing: the
 * records it appended are cut at that recovery (tried at once), so a change its caller rolled back
 * is never found in the log, by the next persist or by a later open. A damaged snapshot is skipped
 * for an older one, with a log line; a log that starts after every valid snapshot, a record that
 * does not apply or a missing meta.properties fail the open with KAFKA_STORAGE_ERROR naming the
 * file: no topic is ever lost silently.
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError, StorageError } from '../model/errors'
import { RecordBatchBuilder } from '../codec/record-batch'
import { parseClusterMetadata, type ClusterMetadata } from '../cluster/cluster-metadata'
import { FileBackend } from '../storage/file-backend'
import { CLEAN_SHUTDOWN_FILE } from '../storage/log-manager'
import { writeFileDurably } from '../storage/checkpoint-file'
import { DEFAULT_LOG_CONFIG } from '../storage/log-config'
import { UnifiedLog } from '../storage/unified-log'
import type { LogConfig, RecordInput, StorageBackend } from '../storage/storage-types'
import { readClusterId, writeClusterId } from './meta-properties'
import type { MetadataChange } from './metadata-change'
import { metadataDelta } from './metadata-delta'
import { MetadataImage } from './metadata-image'
import { migrateLegacyMetadata, type MigratedLog } from './metadata-migration'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from './metadata-records'
import { listSnapshots, readSnapshot, writeSnapshot } from './metadata-snapshot'

/** KRaft's metadata topic name. */
export const METADATA_TOPIC = '__cluster_metadata'
/** The metadata log's directory under the data directory (`__cluster_metadata-0`, KRaft's). */
export const METADATA_LOG_DIR = `${METADATA_TOPIC}-0`
/**
 * The metadata log's leader epoch, stamped on its batches and in snapshot names: one in-process
 * controller that has never changed (a controller election would raise it).
 */
export const METADATA_LOG_EPOCH = 0
/**
 * Records between snapshots (Kafka triggers by bytes instead: metadata.log.max.record.bytes.between.snapshots,
 * 20 MiB, or metadata.log.max.snapshot.interval.ms, 1 hour).
 */
export const DEFAULT_SNAPSHOT_INTERVAL_RECORDS = 1000
/**
 * segment.bytes of the metadata log: 1 MiB (Kafka's metadata.log.segment.bytes is 1 GiB); small,
 * because snapshots make older segments deletable and the log stays a few MiB at most.
 */
export const METADATA_LOG_SEGMENT_BYTES = 1048576
/** Snapshots kept: the newest and the one before it, the fallback when the newest is damaged. */
export const SNAPSHOTS_KEPT = 2

/** How a MetadataLog runs. */
export interface MetadataLogOptions {
  /** The storage backend of the log's files (default the positional-I/O FileBackend; tests inject faults here). */
  backend?: StorageBackend
  /** ms since the epoch, for record and snapshot timestamps (default Date.now). */
  clock?: () => number
  /** Where migration, recovery and snapshot lines go (default console.info). */
  log?: (line: string) => void
  /** Records between snapshots (default DEFAULT_SNAPSHOT_INTERVAL_RECORDS; at least 1). */
  snapshotIntervalRecords?: number
  /** segment.bytes of the log (default METADATA_LOG_SEGMENT_BYTES). */
  segmentBytes?: number
  /**
   * The fsync after a step failed (KAFKA_STORAGE_ERROR naming the log directory): the last changes
   * may not be durable. The next persist recovers the log and writes them again. Default: a log line.
   */
  onFlushFailure?: (error: KafkaError) => void
}

/** What MetadataLog.open gives: the image (null for a directory holding no cluster yet) and the open log. */
export interface MetadataLogOpen {
  image: ClusterMetadata | null
  log: MetadataLog
}

/** The cluster metadata log of one data directory; see the module header. */
export class MetadataLog {
  readonly dataDir: string
  /** `<dataDir>/__cluster_metadata-0`. */
  readonly dir: string
  private readonly marker: string
  private readonly backend: StorageBackend
  private readonly clock: () => number
  private readonly logLine: (line: string) => void
  private readonly snapshotInterval: number
  private readonly config: LogConfig
  private readonly onFlushFailure: (error: KafkaError) => void
  private readonly builder = new RecordBatchBuilder(4096)
  private plog: UnifiedLog | null = null
  /** What the log holds (null: no cluster yet, or unknown after a failure until it is rebuilt). */
  private image: MetadataImage | null = null
  /** The last append or fsync failed: the log is reopened and the image rebuilt at the next persist. */
  private failure: KafkaError | null = null
  /**
   * Records from this offset on were appended by a durable write that failed (persistDurably): they
   * are not part of the log and are cut when it is recovered, before the image is rebuilt. Null: none.
   */
  private uncommittedFrom: number | null = null
  private flushScheduled: NodeJS.Immediate | null = null
  private recordsSinceSnapshot = 0
  private newestSnapshotEnd = -1
  private lastAppendTimestamp = -1
  private closed = false

  private constructor(dataDir: string, opts: MetadataLogOptions) {
    this.dataDir = path.resolve(dataDir)
    this.dir = path.join(this.dataDir, METADATA_LOG_DIR)
    this.marker = path.join(this.dataDir, CLEAN_SHUTDOWN_FILE)
    this.backend = opts.backend ?? new FileBackend()
    this.clock = opts.clock ?? Date.now
    this.logLine = opts.log ?? ((l) => console.info(l))
    const interval = opts.snapshotIntervalRecords ?? DEFAULT_SNAPSHOT_INTERVAL_RECORDS
    if (!Number.isSafeInteger(interval) || interval < 1) throw new RangeError(`snapshotIntervalRecords must be an integer >= 1, got ${interval}`)
    this.snapshotInterval = interval
    this.config = { ...DEFAULT_LOG_CONFIG, segmentBytes: opts.segmentBytes ?? METADATA_LOG_SEGMENT_BYTES }
    this.onFlushFailure = opts.onFlushFailure ?? ((e) => this.logLine(`brokerlab metadata: ${e.message}; the next change writes it again`))
  }

  /**
   * Opens the metadata log of `dataDir` (an existing directory): migrates a `cluster.json` written
   * before the metadata log (once), recovers the log when the marker says the last shutdown was not
   * clean, replays the newest valid snapshot and the records after it, checks the image (the rules of
   * parseClusterMetadata), then removes the clean-shutdown marker.
   * @returns the image (`cleanShutdown`: whether the marker was there; null when the directory holds
   *   no cluster yet) and the open log.
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the file: a malformed cluster.json, a log or snapshot
   *   that cannot be read, a log starting after every valid snapshot, a record that does not apply, a
   *   missing or malformed meta.properties, a marker that cannot be removed. Nothing stays open then.
   */
  static open(dataDir: string, opts: MetadataLogOptions = {}): MetadataLogOpen {
    const log = new MetadataLog(dataDir, opts)
    migrateLegacyMetadata(log.dataDir, {
      logDir: log.dir,
      cleanShutdownMarker: log.marker,
      writeLog: (dir, doc) => log.writeMigratedLog(dir, doc),
      log: log.logLine
    })
    const clean = fs.existsSync(log.marker)
    let image: ClusterMetadata | null
    try {
      image = log.load(clean)
      try {
        fs.rmSync(log.marker, { force: true })
      } catch (e) {
        // Without its removal a crash would pass for a clean shutdown.
        throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot remove the clean-shutdown marker ${log.marker}: ${(e as Error).message}`)
      }
    } catch (e) {
      log.release()
      throw e
    }
    return { image, log }
  }

  /**
   * Opens the UnifiedLog (recovering it unless `clean`) and rebuilds the image from the newest
   * valid snapshot and the records after it; see open. Sets plog, image and the snapshot counters.
   */
  private load(clean: boolean, cutFrom: number | null = null): ClusterMetadata | null {
    try {
      this.plog = UnifiedLog.open(this.dir, this.config, { backend: this.backend, clock: this.clock, hadCleanShutdown: clean, log: this.logLine })
      if (cutFrom !== null && cutFrom < this.plog.logEndOffset) {
        const end = this.plog.logEndOffset
        this.plog.truncateTo(Math.max(cutFrom, this.plog.logStartOffset))
        this.logLine(`brokerlab metadata: cut the metadata log ${this.dir} at offset ${this.plog.logEndOffset}: offsets ${cutFrom} to ${end - 1} were written by a change that failed and was rolled back`)
      }
    } catch (e) {
      throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot open the cluster metadata log ${this.dir}: ${(e as Error).message}`)
    }
    const plog = this.plog
    const snapshots = listSnapshots(this.dir)
    const clusterId = readClusterId(this.dataDir)
    if (clusterId === null) {
      if (snapshots.length === 0 && plog.logEndOffset === plog.logStartOffset) {
        this.image = null
        return null
      }
      throw new KafkaError('KAFKA_STORAGE_ERROR', `The cluster metadata log ${this.dir} holds records, but ${path.join(this.dataDir, 'meta.properties')} (the cluster id) is missing`)
    }
    let image: MetadataImage | null = null
    let from = plog.logStartOffset
    const skipped: string[] = []
    for (const s of snapshots) {
      if (s.endOffset < plog.logStartOffset) {
        skipped.push(`${path.basename(s.file)} ends before the log start offset ${plog.logStartOffset}`)
        continue
      }
      try {
        const read = readSnapshot(s.file)
        const candidate = MetadataImage.empty(clusterId)
        for (const [i, r] of read.records.entries()) {
          try {
            candidate.replay(r, i)
          } catch (e) {
            throw new StorageError('CORRUPT_MESSAGE', s.file, `metadata snapshot record ${i} does not apply: ${(e as Error).message}`)
          }
        }
        image = candidate
        from = s.endOffset
        this.newestSnapshotEnd = s.endOffset
        this.lastAppendTimestamp = read.lastContainedLogTimestamp
        break
      } catch (e) {
        skipped.push((e as Error).message)
        this.logLine(`brokerlab metadata: ignoring the metadata snapshot ${s.file}: ${(e as Error).message}; falling back to an older snapshot or the log`)
      }
    }
    if (image === null && plog.logStartOffset > 0)
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `The cluster metadata log ${this.dir} starts at offset ${plog.logStartOffset}, and no valid snapshot holds the metadata before it` +
          `${skipped.length ? ` (${skipped.join('; ')})` : ''}; refusing to open a cluster without those topics`
      )
    if (image !== null && from > plog.logEndOffset) {
      this.logLine(
        `brokerlab metadata: the metadata log ${this.dir} ends at offset ${plog.logEndOffset}, before its snapshot at ${from} (its tail was lost); it continues after the snapshot`
      )
      plog.truncateFullyAndStartAt(from)
    }
    image ??= MetadataImage.empty(clusterId)
    this.recordsSinceSnapshot = this.replayTail(image, from)
    if (this.newestSnapshotEnd < 0) this.recordsSinceSnapshot = plog.logEndOffset - plog.logStartOffset
    if (!clean || skipped.length > 0)
      this.logLine(
        `brokerlab metadata: ${clean ? 'opened' : 'recovered'} the metadata log ${this.dir}: ` +
          `${this.newestSnapshotEnd >= 0 ? `snapshot at offset ${this.newestSnapshotEnd}` : 'no snapshot'} and ${this.recordsSinceSnapshot} records after it, up to offset ${plog.logEndOffset}`
      )
    if (image.isEmpty) {
      this.image = null
      return null
    }
    this.image = image
    const meta = image.toClusterMetadata(clean)
    // The cross-references (replicas are brokers, ISR within the replicas, configs valid) as cluster.json was checked.
    return parseClusterMetadata(meta, this.dir)
  }

  /**
   * Replays the log's records from `from` to its end onto `image`; returns how many. A corrupt batch
   * (one a clean open did not re-validate) cuts the log there as storage recovery does, with a line
   * saying which changes are lost.
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the log and offset for a record that is not a
   *   metadata record or does not apply.
   */
  private replayTail(image: MetadataImage, from: number): number {
    const plog = this.plog!
    let offset = Math.max(from, plog.logStartOffset)
    let replayed = 0
    while (offset < plog.logEndOffset) {
      let stored
      try {
        stored = plog.readRecords(offset, { maxRecords: 10000 })
      } catch (e) {
        if (!(e instanceof KafkaError) || e.code !== 'CORRUPT_MESSAGE') throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot read the cluster metadata log ${this.dir}: ${(e as Error).message}`)
        const end = plog.logEndOffset
        const cut = plog.recoverFrom(offset)
        this.logLine(`brokerlab metadata: the metadata log ${this.dir} has a corrupt batch at or after offset ${offset} (${e.message}); cut it at offset ${cut}, losing the changes of offsets ${cut} to ${end - 1}`)
        continue
      }
      if (stored.length === 0) break
      for (const r of stored) {
        try {
          const record = decodeMetadataRecord(r)
          if (record.type === 'SnapshotHeaderRecord' || record.type === 'SnapshotFooterRecord') throw new Error(`a ${record.type} belongs in a snapshot`)
          image.replay(record, r.offset)
        } catch (e) {
          throw new KafkaError('KAFKA_STORAGE_ERROR', `The cluster metadata log ${this.dir} has a bad record at offset ${r.offset}: ${(e as Error).message}`)
        }
        this.lastAppendTimestamp = r.timestamp
        replayed++
      }
      offset = stored[stored.length - 1].offset + 1
    }
    return replayed
  }

  /** Builds the migrated log of `doc` in `dir` (closed, with a snapshot at its end) and writes meta.properties. */
  private writeMigratedLog(dir: string, doc: ClusterMetadata): MigratedLog {
    writeClusterId(this.dataDir, doc.clusterId)
    const image = MetadataImage.empty(doc.clusterId)
    const records = metadataDelta(image, doc)
    image.replayAll(records, 0)
    const plog = UnifiedLog.open(dir, this.config, { backend: this.backend, clock: this.clock, log: this.logLine })
    try {
      if (records.length > 0) this.appendTo(plog, records)
      plog.flush()
    } finally {
      plog.close()
    }
    const now = this.clock()
    const snapshot = writeSnapshot(dir, records.length, METADATA_LOG_EPOCH, image.records(), now, now)
    return { records: records.length, snapshot }
  }

  /** Appends `records` to `plog` as one batch at its log end offset (epoch METADATA_LOG_EPOCH). */
  private appendTo(plog: UnifiedLog, records: readonly MetadataRecord[]): void {
    const now = this.clock()
    const inputs: RecordInput[] = records.map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp: now }))
    plog.appendAsFollower(this.builder.encode(plog.logEndOffset, inputs, METADATA_LOG_EPOCH))
    this.lastAppendTimestamp = now
  }

  /** Next offset of the metadata log. */
  get logEndOffset(): number {
    return this.plog?.logEndOffset ?? 0
  }

  /** First offset the log holds (the end offset of the older kept snapshot, once snapshots exist). */
  get logStartOffset(): number {
    return this.plog?.logStartOffset ?? 0
  }

  /**
   * Appends the records turning the last persisted image into `image` (nothing when nothing changed)
   * and schedules their fsync right after this step. Returns what changed (MetadataChange, in log
   * order, each naming its record's offset).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the log directory when the records cannot be
   *   appended (or meta.properties written, or a failed log not reopened): nothing of this persist is
   *   then part of the image, and the next persist tries again. Error for a change records cannot
   *   express (see metadataDelta).
   */
  persist(image: ClusterMetadata): MetadataChange[] {
    const changes = this.append(image)
    if (changes.length > 0) this.scheduleFlush()
    return changes
  }

  /**
   * persist, then the fsync at once, all or nothing: for a change that must not go on without being
   * durable (topic creation, added partitions: Kafka's controller answers CreateTopics and
   * CreatePartitions once their records are committed). When the append or the fsync fails, the
   * records this call appended are not part of the log: they are cut when the log is recovered (tried
   * at once, else at the next persist or close, before the image is rebuilt), as a KRaft controller
   * reverts to its last committed offset when a write does not commit (QuorumController.renounce).
   * So the caller's rollback of its in-memory metadata and the log agree, whatever records cannot
   * express (no record removes a partition). Records of earlier persists stay.
   * @returns what changed (as persist).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the log directory (as persist and flush).
   */
  persistDurably(image: ClusterMetadata): MetadataChange[] {
    let first: number | null = null
    try {
      const changes = this.append(image, (offset) => (first = offset))
      this.flush()
      return changes
    } catch (e) {
      if (first !== null) {
        this.uncommittedFrom = Math.min(this.uncommittedFrom ?? first, first)
        if (this.failure) {
          try {
            this.recover()
          } catch {
            // the log still fails: the next persist (or close) recovers it and cuts the records then
          }
        }
      }
      throw e
    }
  }

  /**
   * Appends the records turning the image into `image` (see persist); `appending` is told their
   * first offset before they are written.
   */
  private append(image: ClusterMetadata, appending?: (first: number) => void): MetadataChange[] {
    this.checkOpen()
    if (this.failure) this.recover()
    const isNew = this.image === null
    const next = this.image ?? MetadataImage.empty(image.clusterId)
    const records = metadataDelta(next, image)
    if (records.length === 0) return []
    const plog = this.plog!
    const first = plog.logEndOffset
    appending?.(first)
    try {
      if (isNew) writeClusterId(this.dataDir, image.clusterId)
      // Replayed first: records that do not apply are never written.
      const changes = next.replayAll(records, first)
      this.appendTo(plog, records)
      this.image = next
      this.recordsSinceSnapshot += records.length
      return changes
    } catch (e) {
      throw this.fail(e, 'Cannot write the cluster metadata log')
    }
  }

  /** Marks the log failed (reopened and rebuilt at the next persist) and returns the error to throw. */
  private fail(e: unknown, what: string): KafkaError {
    const err = new KafkaError('KAFKA_STORAGE_ERROR', `${what} ${this.dir}: ${(e as Error).message}`)
    this.failure = err
    this.image = null
    return err
  }

  /**
   * Reopens a failed log with recovery, cuts the records of a failed durable write (uncommittedFrom)
   * and rebuilds the image from disk.
   */
  private recover(): void {
    try {
      this.plog?.close()
    } catch {
      // it failed already; recovery below re-validates what it wrote
    }
    this.plog = null
    this.newestSnapshotEnd = -1
    this.load(false, this.uncommittedFrom)
    this.uncommittedFrom = null
    this.failure = null
    this.logLine(`brokerlab metadata: reopened the metadata log ${this.dir} after a failure; it holds offsets up to ${this.plog!.logEndOffset}`)
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return
    this.flushScheduled = setImmediate(() => {
      this.flushScheduled = null
      try {
        this.flush()
      } catch (e) {
        this.onFlushFailure(e instanceof KafkaError ? e : new KafkaError('KAFKA_STORAGE_ERROR', String(e)))
      }
    })
  }

  /**
   * fsyncs what persist appended, now, then writes a snapshot when DEFAULT_SNAPSHOT_INTERVAL_RECORDS
   * (the option) records came since the last one. A snapshot that cannot be written is logged and
   * tried again at the next flush (the log still holds every record).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the log directory when the fsync fails (the log is
   *   then reopened with recovery at the next persist).
   */
  flush(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled)
      this.flushScheduled = null
    }
    if (this.closed || this.plog === null) return
    if (this.failure) throw this.failure
    try {
      this.plog.flush()
    } catch (e) {
      throw this.fail(e, 'Cannot flush the cluster metadata log')
    }
    if (this.recordsSinceSnapshot >= this.snapshotInterval) this.snapshot()
  }

  /**
   * Writes a snapshot of the image at the log end offset (unless the newest one is there already),
   * deletes the snapshots older than the SNAPSHOTS_KEPT newest and moves the log start offset to the
   * oldest kept one (deleting the segments wholly below it). Failures are logged, never thrown.
   */
  private snapshot(): void {
    const plog = this.plog
    if (plog === null || this.image === null || plog.logEndOffset === this.newestSnapshotEnd) return
    const end = plog.logEndOffset
    try {
      writeSnapshot(this.dir, end, METADATA_LOG_EPOCH, this.image.records(), this.lastAppendTimestamp, this.clock())
    } catch (e) {
      this.logLine(`brokerlab metadata: ${(e as Error).message}; the log keeps every record, and the snapshot is tried again at the next flush`)
      return
    }
    this.newestSnapshotEnd = end
    this.recordsSinceSnapshot = 0
    try {
      const kept = listSnapshots(this.dir)
      for (const old of kept.slice(SNAPSHOTS_KEPT)) fs.rmSync(old.file, { force: true })
      const oldestKept = kept.slice(0, SNAPSHOTS_KEPT).at(-1)!
      plog.maybeIncrementLogStartOffset(oldestKept.endOffset)
    } catch (e) {
      this.logLine(`brokerlab metadata: cannot delete older snapshots or log segments of ${this.dir}: ${(e as Error).message}; tried again after the next snapshot`)
    }
  }

  /**
   * Clean close: persists `image`, fsyncs, writes a snapshot at the log end (unless there is one),
   * closes the log and writes the clean-shutdown marker. Idempotent. A snapshot that cannot be
   * written is logged (the log holds everything).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the log directory when the records cannot be
   *   appended or flushed (no marker is written: the next open recovers the log).
   */
  close(image: ClusterMetadata): void {
    if (this.closed) return
    try {
      this.append(image)
      this.flush()
      this.snapshot()
      this.plog!.close()
      this.plog = null
      writeFileDurably(this.marker, '')
    } catch (e) {
      this.release()
      throw e instanceof KafkaError ? e : new KafkaError('KAFKA_STORAGE_ERROR', `Cannot close the cluster metadata log ${this.dir}: ${(e as Error).message}`)
    }
    this.closed = true
  }

  /**
   * Closes the log's files without a snapshot or the clean-shutdown marker (a cluster that failed
   * to open, or a test simulating a crash): the next open recovers the log. Idempotent; never throws.
   */
  release(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled)
      this.flushScheduled = null
    }
    this.closed = true
    try {
      this.plog?.close()
    } catch {
      // nothing more can be done: the next open recovers the log
    }
    this.plog = null
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaError('KAFKA_STORAGE_ERROR', `The cluster metadata log ${this.dir} is closed`)
  }
}
