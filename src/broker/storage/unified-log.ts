/**
 * UnifiedLog: the log of one partition replica (Kafka's kafka.log.UnifiedLog): a LocalLog of
 * segments plus what the partition's replication needs around it: the log start offset, the high
 * watermark, the recovery point's checkpoint (`log-state.checkpoint`), the leader-epoch cache
 * (`leader-epoch-checkpoint`, KIP-101), leader appends (record batches as a producer sends them,
 * validated by LogValidator, offsets and the leader epoch stamped), follower appends (batches kept
 * exactly as the leader sent them), the idempotent producers' state (ProducerStateManager: duplicates,
 * sequence and epoch checks on leader appends, kept from every append as leader and follower, its
 * `.snapshot` files at segment roll and clean shutdown), reads, truncation, retention's and
 * DeleteRecords' log start moves, and exact record counts. LogLoader opens it.
 *
 * Must stay true:
 * - logStartOffset <= highWatermark <= logEndOffset; offsets only grow within the log.
 * - Every batch written passed CRC-32C validation; a leader append is all or nothing (validated
 *   whole before anything is written).
 * - The leader-epoch cache follows the log: a batch's partitionLeaderEpoch starts its epoch at its
 *   base offset when above the latest (appends as leader and follower); truncation drops the entries
 *   at or after the new log end offset, a log start move the ones wholly below it, a full truncation
 *   all of them; a missing or garbage checkpoint is rebuilt from the batches at open.
 * - The producer state follows the log: updated after each batch is written (never for a refused or
 *   duplicate append), rebuilt after truncation and recovery, cleared by a full truncation; a
 *   snapshot is taken before each roll (at the new segment's base offset) and at close.
 * - Each state change is one synchronous step (the engine's single event loop owns the log).
 */
import * as path from 'node:path'
import { KafkaError } from '../model/errors'
import {
  PRODUCER_EPOCH_POS,
  RecordBatchBuilder,
  batchBaseSequence,
  batchMaxTimestamp,
  batchProducerId,
  batchRecordCount,
  batchBaseOffset,
  batchLastOffset,
  batchPartitionLeaderEpoch,
  batchSize,
  decodeRecordsInto,
  validateBatches
} from '../codec/record-batch'
import type { EpochEndOffset, EpochEntry, LeaderEpochFileCache } from './leader-epoch-file-cache'
import { LocalLog } from './local-log'
import type { CleanerResult } from './storage-types'
import { LogLoader, type LogLoadOptions, type RecoveryInfo } from './log-loader'
import type { LogSegment } from './log-segment'
import { LogStateCheckpointFile } from './log-state-checkpoint-file'
import { assignOffsets, checkBatches, NO_TIMESTAMP, type AppendOrigin } from './log-validator'
import { replayProducerBatches } from './log-loader'
import type { ProducerBatch, ProducerStateEntry, ProducerStateManager } from './producer-state-manager'
import type { LogConfig, RecordInput, SegmentDescription, StoredRecord } from './storage-types'

export type { LogLoadOptions as UnifiedLogOptions, RecoveryInfo } from './log-loader'

/** What a leader append did (Kafka's LogAppendInfo, the parts callers use). */
export interface LogAppendInfo {
  firstOffset: number
  lastOffset: number
  /** Largest record timestamp appended (ms): the append time under LogAppendTime. */
  maxTimestamp: number
  /** The append time (ms) under message.timestamp.type LogAppendTime, else -1. */
  logAppendTime: number
  /** Bytes of record batches appended. */
  batchBytes: number
  /** Records appended (0 for a duplicate). */
  records: number
  /**
   * True when the batch repeated one of its idempotent producer's last 5 batches: nothing was
   * appended and the offsets and timestamp are the original batch's (Kafka answers such a retry
   * with its original base offset and no error).
   */
  duplicate?: boolean
}

/** How a leader append is made (Kafka's appendAsLeader arguments besides records and epoch). */
export interface LeaderAppendOptions {
  /** Who appends (Kafka's AppendOrigin): 'client' (default) gets the client-only checks. */
  origin?: AppendOrigin
}

const EMPTY = Buffer.alloc(0)
/** Kafka's producer.id.expiration.check.interval.ms default (10 minutes). */
export const PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600000

/** @throws KafkaError OFFSET_OUT_OF_RANGE when `offset` is not an integer >= 0 (NaN, a fraction, a negative). */
function checkOffset(what: string, offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `${what} ${offset} is not an offset (an integer >= 0)`)
}

function checkLeaderEpoch(leaderEpoch: number): void {
  if (!Number.isSafeInteger(leaderEpoch) || leaderEpoch < 0 || leaderEpoch > 0x7fffffff) {
    throw new RangeError(`leader epoch ${leaderEpoch} must be an int32 >= 0`)
  }
}

export class UnifiedLog {
  readonly dir: string
  /** `<topic>-<partition>`, as Kafka's messages name it. */
  readonly topicPartition: string
  private readonly local: LocalLog
  private readonly epochCache: LeaderEpochFileCache
  private readonly stateFile: LogStateCheckpointFile
  private readonly clock: () => number
  private _logStartOffset: number
  private _highWatermark: number
  private readonly builder = new RecordBatchBuilder()
  private readonly producerState: ProducerStateManager
  /** When producers were last expired (ms). */
  private lastProducerExpiryCheck: number
  /**
   * The high watermark as this log's checkpoint recorded it when the log opened, before it was
   * clamped to the log end offset found on disk (null: no checkpoint). A log end offset below it
   * means the replica lost records the partition had acknowledged (a damaged or cut log), so the
   * cluster must not let this replica lead or decide what the other replicas keep.
   */
  checkpointedHighWatermark: number | null
  /** What recovery did at open (and recoverFrom since). */
  readonly recovery: RecoveryInfo
  /** The last compaction of this log (LogCleaner), null before the first. */
  lastCleaning: CleanerResult | null = null
  /**
   * Offsets below it were compacted by the last cleaning (Kafka's first dirty offset); LogManager
   * persists it in `cleaner-offset-checkpoint`. Truncation moves it down.
   */
  firstDirtyOffset = 0
  /** When (ms) a retained tombstone becomes removable (the cleaner runs again then); null: none. */
  tombstoneDeadline: number | null

  private constructor(dir: string, config: LogConfig, opts: LogLoadOptions) {
    const loaded = LogLoader.load(dir, config, opts)
    this.dir = dir
    this.topicPartition = path.basename(dir)
    this.clock = opts.clock
    this.producerState = loaded.producerState
    this.lastProducerExpiryCheck = opts.clock()
    this.local = new LocalLog(dir, config, loaded.segments, loaded.recoveryPoint, {
      backend: opts.backend,
      clock: opts.clock,
      log: opts.log ?? ((l) => console.warn(l)),
      onRoll: (base) => {
        // Kafka's roll: the state up to the new segment's base offset is snapshotted there.
        this.producerState.updateMapEndOffset(base)
        this.producerState.takeSnapshot()
      }
    })
    this.epochCache = loaded.leaderEpochCache
    this.stateFile = new LogStateCheckpointFile(dir)
    this._logStartOffset = loaded.logStartOffset
    this._highWatermark = loaded.highWatermark
    this.checkpointedHighWatermark = loaded.checkpointedHighWatermark
    this.tombstoneDeadline = loaded.tombstoneDeadline
    this.recovery = loaded.recovery
  }

  /**
   * Opens (creating if missing) the log in `dir` (a `<topic>-<partition>` directory) through
   * LogLoader: recovered when `opts.hadCleanShutdown` is false, and from offset 0 when its
   * `log-state.checkpoint` exists but does not parse (logged, then treated as absent: the high
   * watermark restarts at the log start offset and checkpointedHighWatermark is null).
   * @throws StorageError naming the file when a file cannot be opened or a closed segment is corrupt
   *   beyond index rebuilding, or Node's errno error when the directory cannot be made or listed;
   *   nothing stays open then.
   */
  static open(dir: string, config: LogConfig, opts: LogLoadOptions): UnifiedLog {
    return new UnifiedLog(dir, config, opts)
  }

  private checkOpen(): void {
    this.local.checkOpen()
  }

  /** The log's configuration (a copy). */
  get config(): LogConfig {
    return this.local.config
  }

  /** Applies a new configuration (segment.bytes, flush.*, retention, ...) from the next append on. */
  updateConfig(config: LogConfig): void {
    this.checkOpen()
    this.local.updateConfig(config)
  }

  /** True once close() or delete() ran. */
  get isClosed(): boolean {
    return this.local.isClosed
  }

  /** First offset readable (retention and DeleteRecords raise it). */
  get logStartOffset(): number {
    return this._logStartOffset
  }

  /** The next offset to be written. */
  get logEndOffset(): number {
    return this.local.logEndOffset
  }

  /** Offsets below it are committed (replicated to the ISR); persisted on flush and close. */
  get highWatermark(): number {
    return this._highWatermark
  }

  /** Offsets below it are flushed to disk (recovery re-validates from here). */
  get recoveryPoint(): number {
    return this.local.recoveryPoint
  }

  /** Sum of the `.log` file sizes in bytes. */
  get sizeInBytes(): number {
    return this.local.sizeInBytes
  }

  /** Number of segments. */
  get numberOfSegments(): number {
    return this.local.segments.length
  }

  /**
   * Bumped whenever closed segments change other than by a roll (truncation, deletion,
   * replacement), so a cleaning pass in progress knows its input went away.
   */
  get structureVersion(): number {
    return this.local.structureVersion
  }

  // ---------------------------------------------------------------------------------------------
  // Appends

  /**
   * Leader append (Kafka's appendAsLeader). `batches` are record batches v2 as a producer sends them:
   * base offset 0, one or more, uncompressed or compressed. LogValidator checks them whole (see
   * log-validator.ts; a batch of another codec than compression.type asks is rebuilt), the producer
   * state checks idempotent batches (a duplicate of one of its producer's last 5 batches returns that
   * batch's offsets with `duplicate` set and appends nothing), then the batches are stamped in place
   * (the caller's buffer changes): offsets from the log end offset on,
   * partitionLeaderEpoch = `leaderEpoch`, and under message.timestamp.type LogAppendTime the append
   * time (the log's clock) as maxTimestamp with the type bit (CRC recomputed). `leaderEpoch` starts an
   * epoch in the leader-epoch cache at the first offset when it is new. A valid CreateTime batch is
   * stored byte for byte as sent but for its base offset and leader epoch.
   *
   * The convenience form takes `records` and encodes them as one batch first (CreateTime, as a
   * producer would), then appends it as above.
   * @throws KafkaError CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP, RECORD_TOO_LARGE,
   *   UNSUPPORTED_COMPRESSION_TYPE (zstd before its compressor has loaded), OUT_OF_ORDER_SEQUENCE_NUMBER or
   *   INVALID_PRODUCER_EPOCH (RecordValidationError for rejected records) naming the rule, with
   *   nothing written; INVALID_RECORD for an empty record list; StorageError on I/O failure;
   *   RangeError for a leader epoch that is not an int32 >= 0.
   */
  appendAsLeader(batches: Buffer, leaderEpoch: number, opts?: LeaderAppendOptions): LogAppendInfo
  appendAsLeader(records: RecordInput[], leaderEpoch: number): LogAppendInfo
  appendAsLeader(input: Buffer | RecordInput[], leaderEpoch: number, opts: LeaderAppendOptions = {}): LogAppendInfo {
    this.checkOpen()
    checkLeaderEpoch(leaderEpoch)
    const batches = Buffer.isBuffer(input) ? input : this.builder.encode(0, input, -1, null)
    const cfg = this.local.config
    const firstOffset = this.local.logEndOffset
    const origin = opts.origin ?? 'client'
    const vcfg = {
      topicPartition: this.topicPartition,
      compacted: cfg.cleanupPolicy.split(',').includes('compact'),
      messageTimestampType: cfg.messageTimestampType,
      maxMessageBytes: cfg.maxMessageBytes,
      compressionType: cfg.compressionType,
      origin
    }
    const checked = checkBatches(batches, vcfg)
    if (origin === 'client') {
      let next = firstOffset
      const planned: ProducerBatch[] = checked.map((b) => {
        const p = { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, count: b.count, firstOffset: next, lastOffset: next + b.count - 1, maxTimestamp: b.maxRecordTimestamp }
        next += b.count
        return p
      })
      const dup = this.producerState.checkLeaderAppend(planned)
      if (dup) {
        return { firstOffset: dup.firstOffset, lastOffset: dup.lastOffset, maxTimestamp: dup.timestamp, logAppendTime: cfg.messageTimestampType === 'LogAppendTime' ? dup.timestamp : NO_TIMESTAMP, batchBytes: 0, records: 0, duplicate: true }
      }
    }
    const v = assignOffsets(batches, checked, firstOffset, leaderEpoch, this.clock(), vcfg)
    this.epochCache.assign(leaderEpoch, firstOffset)
    this.appendBatches(v.output)
    return { firstOffset, lastOffset: v.lastOffset, maxTimestamp: v.maxTimestamp, logAppendTime: v.logAppendTime, batchBytes: v.bytes, records: v.records }
  }

  /** Writes whole validated batches one at a time, each followed by its producer state update (so a roll's snapshot sees every batch before it). */
  private appendBatches(batches: Buffer): number {
    let records = 0
    for (let p = 0; p < batches.length; ) {
      const size = batchSize(batches, p)
      records += this.local.append(p === 0 && size === batches.length ? batches : batches.subarray(p, p + size))
      this.producerState.update({
        producerId: batchProducerId(batches, p),
        producerEpoch: batches.readInt16BE(p + PRODUCER_EPOCH_POS),
        baseSequence: batchBaseSequence(batches, p),
        count: batchRecordCount(batches, p),
        firstOffset: batchBaseOffset(batches, p),
        lastOffset: batchLastOffset(batches, p),
        maxTimestamp: batchMaxTimestamp(batches, p)
      })
      p += size
    }
    return records
  }

  /**
   * Follower append (Kafka's appendAsFollower): raw whole record batches (as readBatches returns
   * them) kept exactly as sent, offsets and leader epochs included. Validates every batch (header,
   * CRC-32C: KafkaError CORRUPT_MESSAGE) and that offsets increase from logEndOffset (the first batch
   * may start above it only across a compaction gap; below it is OFFSET_OUT_OF_RANGE). Each batch's
   * partitionLeaderEpoch (when recorded, >= 0) is assigned in the leader-epoch cache at its base
   * offset. The producer state learns each batch's producer id, epoch and sequences unchecked
   * (Kafka's AppendOrigin.REPLICATION), so this replica has it when it becomes leader. Returns the
   * last offset appended and the record count.
   * `crcVerified`: the batches are a leader's readBatches answer in this process, whose every CRC-32C
   * that read verified (LogSegment.read serves no batch that fails it) and which never left process
   * memory: the headers and offsets are still checked, the CRC pass is not repeated. (Kafka's
   * follower re-checks because its bytes crossed the network.)
   */
  appendAsFollower(batches: Buffer, opts?: { crcVerified?: boolean }): { lastOffset: number; records: number } {
    this.checkOpen()
    if (batches.length === 0) return { lastOffset: this.logEndOffset - 1, records: 0 }
    validateBatches(batches, 0, batches.length, undefined, 0, opts?.crcVerified !== true)
    let expected = this.logEndOffset
    for (let p = 0; p < batches.length; p += batchSize(batches, p)) {
      const base = batchBaseOffset(batches, p)
      if (base < expected) {
        throw new KafkaError('OFFSET_OUT_OF_RANGE', `follower append: batch at offset ${base} is below the expected offset ${expected} (log end offset ${this.logEndOffset})`)
      }
      expected = batchLastOffset(batches, p) + 1
    }
    for (let p = 0; p < batches.length; p += batchSize(batches, p)) {
      const epoch = batchPartitionLeaderEpoch(batches, p)
      if (epoch >= 0) this.epochCache.assign(epoch, batchBaseOffset(batches, p))
    }
    const records = this.appendBatches(batches)
    return { lastOffset: this.logEndOffset - 1, records }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  private checkRange(startOffset: number): void {
    checkOffset('offset', startOffset)
    if (startOffset < this._logStartOffset || startOffset > this.logEndOffset) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `offset ${startOffset} is outside the log [${this._logStartOffset}, ${this.logEndOffset}] of ${this.topicPartition}`)
    }
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
    if (startOffset === this.logEndOffset) return EMPTY
    return this.local.read(startOffset, maxBytes, Math.min(maxOffset ?? this.logEndOffset, this.logEndOffset), true)
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
    const maxOffset = Math.min(opts.maxOffset ?? this.logEndOffset, this.logEndOffset)
    const maxRecords = opts.maxRecords ?? Number.MAX_SAFE_INTEGER
    const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER
    const out: StoredRecord[] = []
    let offset = startOffset
    let bytes = 0
    // First read sized to the request (about 1 KiB a record, 4..64 KiB), doubling while more is wanted.
    let chunk = Math.min(64 * 1024, Math.max(4 * 1024, Math.min(maxRecords, 64) * 1024))
    while (offset < maxOffset && out.length < maxRecords && bytes < maxBytes) {
      const buf = this.local.read(offset, Math.min(chunk, maxBytes - bytes), Number.MAX_SAFE_INTEGER, out.length === 0)
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
   * The first offset >= logStartOffset whose record timestamp is >= `ts` (ms), or null (Kafka's
   * fetchOffsetByTimestamp: the first segment whose max timestamp reaches `ts`, then its indexes).
   */
  offsetForTimestamp(ts: number): number | null {
    this.checkOpen()
    return this.local.offsetForTimestamp(ts, this._logStartOffset)
  }

  /**
   * The exact number of records in [logStartOffset, highWatermark): what a consumer reading the
   * partition from its start receives, so a compacted log is counted without its compaction gaps
   * (issue 8's "records" next to "offsets"). Summed from the segments' record counts; only the
   * segments the two bounds cut are scanned, and only their batch headers unless a cut batch has
   * compaction gaps. After a clean open each segment's count is learnt from its headers once.
   * @throws StorageError CORRUPT_MESSAGE naming the file when a scanned segment is not sane.
   */
  get recordCount(): number {
    this.checkOpen()
    return this.local.recordCount(this._logStartOffset, this._highWatermark)
  }

  // ---------------------------------------------------------------------------------------------
  // Leader epochs (KIP-101, KIP-279)

  /** The latest leader epoch with an entry in the leader-epoch cache (the epoch of the last batches written), or null when none. */
  get latestEpoch(): number | null {
    return this.epochCache.latestEpoch
  }

  /**
   * Where `leaderEpoch` ended in this log (Kafka's UnifiedLog.endOffsetForEpoch, the answer to a
   * follower's OffsetsForLeaderEpoch): the largest epoch <= `leaderEpoch` and the start offset of the
   * first epoch above it, or the log end offset when `leaderEpoch` is the latest. UNDEFINED_EPOCH /
   * UNDEFINED_EPOCH_OFFSET (-1, -1) when unknown (no entries, an epoch above the latest, or -1).
   */
  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset {
    return this.epochCache.endOffsetFor(leaderEpoch, this.logEndOffset)
  }

  /**
   * A new leader's epoch starts at the log end offset (Kafka's maybeAssignEpochStartOffset, called
   * from Partition.makeLeader), so its followers' OffsetsForLeaderEpoch answers know where the old
   * epochs ended before the new leader wrote anything. No-op for an epoch not above the latest.
   * @throws RangeError for a leader epoch that is not an int32 >= 0.
   */
  assignEpochStartOffset(leaderEpoch: number, startOffset: number): void {
    this.checkOpen()
    checkLeaderEpoch(leaderEpoch)
    this.epochCache.assign(leaderEpoch, startOffset)
  }

  /** The leader-epoch cache's entries, oldest first (copies; for the UI and tests). */
  epochEntries(): EpochEntry[] {
    return this.epochCache.epochEntries()
  }

  /** The leader epoch that wrote `offset` (Kafka's epochForOffset), or null when below the first entry. */
  epochForOffset(offset: number): number | null {
    return this.epochCache.epochForOffset(offset)
  }

  // ---------------------------------------------------------------------------------------------
  // Idempotent producers (KIP-98)

  /** The producers this replica knows (copies, by producer id): epoch and last 5 batches each. */
  activeProducers(): ProducerStateEntry[] {
    return this.producerState.activeProducers()
  }

  /** Offsets of this log's producer state snapshot files (`<offset>.snapshot`), ascending. */
  producerSnapshotOffsets(): number[] {
    return this.producerState.snapshotOffsets()
  }

  /**
   * Removes producers idle for producer.id.expiration.ms, checked at most every
   * producer.id.expiration.check.interval.ms (Kafka's default 600000) unless `force`. Returns how many.
   */
  maybeExpireProducers(now: number, force = false): number {
    if (!force && now - this.lastProducerExpiryCheck < PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS) return 0
    this.lastProducerExpiryCheck = now
    return this.producerState.removeExpiredProducers(now)
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets and truncation

  /**
   * Sets the high watermark. Throws KafkaError OFFSET_OUT_OF_RANGE when `offset` is above the log
   * end offset or below the log start offset (it clamps nothing).
   */
  updateHighWatermark(offset: number): void {
    this.checkOpen()
    if (!Number.isSafeInteger(offset) || offset > this.logEndOffset || offset < this._logStartOffset) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `high watermark ${offset} must lie within [logStartOffset ${this._logStartOffset}, logEndOffset ${this.logEndOffset}]`
      )
    }
    this._highWatermark = offset
  }

  /** After the log end offset moved down: the other offsets and the epoch cache follow it. */
  private afterTruncation(): void {
    const leo = this.logEndOffset
    this._highWatermark = Math.min(this._highWatermark, leo)
    this._logStartOffset = Math.min(this._logStartOffset, leo)
    // Records written again above the truncation point are dirty (Kafka's maybeTruncateCheckpoint).
    this.firstDirtyOffset = Math.min(this.firstDirtyOffset, leo)
    this.epochCache.truncateFromEnd(leo)
    this.reloadProducerState()
  }

  /** Rebuilds the producer state for the log as it is: latest snapshot at or below the log end offset, then the log after it. */
  private reloadProducerState(): void {
    this.producerState.truncateAndReload(this._logStartOffset, this.logEndOffset, this.clock(), (from, apply) => replayProducerBatches(this.local.segments, from, apply))
  }

  /**
   * Removes every record at offset >= `offset` (follower truncation on leader change, Kafka's
   * truncateTo). A batch that holds `offset` goes whole (Kafka truncates at batch boundaries), so the
   * log end offset becomes the base of that batch. Below the first segment or the log start offset
   * the log is emptied and restarts at `offset`. The leader-epoch cache loses the entries at or after
   * the new log end offset, also when nothing was truncated (an epoch started without records, as
   * Kafka does). Throws KafkaError OFFSET_OUT_OF_RANGE for a negative or non-integer offset.
   */
  truncateTo(offset: number): void {
    this.checkOpen()
    if (offset < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `cannot truncate to negative offset ${offset}`)
    checkOffset('truncation offset', offset)
    if (offset >= this.logEndOffset) {
      this.epochCache.truncateFromEnd(this.logEndOffset)
      return
    }
    if (offset < this.local.firstSegmentBaseOffset || offset < this._logStartOffset) {
      this.truncateFullyAndStartAt(offset)
      return
    }
    this.local.truncateTo(offset)
    this.afterTruncation()
  }

  /** Deletes every segment and starts an empty log at `offset` (Kafka's truncateFullyAndStartAt); the epoch cache is cleared. */
  truncateFullyAndStartAt(offset: number): void {
    this.checkOpen()
    checkOffset('new start offset', offset)
    this.local.truncateFullyAndStartAt(offset)
    this._logStartOffset = offset
    this._highWatermark = offset
    this.firstDirtyOffset = offset
    this.tombstoneDeadline = null
    this.epochCache.clearAndFlush()
    this.producerState.truncateFullyAndStartAt(offset)
    this.writeCheckpoint()
  }

  /** After the log start offset rose: high watermark, recovery point and the epoch cache follow it. */
  private afterLogStartMoved(): void {
    if (this._highWatermark < this._logStartOffset) this._highWatermark = this._logStartOffset
    this.local.raiseRecoveryPoint(this._logStartOffset)
    this.epochCache.truncateFromStart(this._logStartOffset)
    // Snapshots whose segments are gone go with them (Kafka deletes a deleted segment's snapshot).
    this.producerState.deleteSnapshotsBefore(this.local.firstSegmentBaseOffset)
  }

  /**
   * Raises the log start offset to `offset` (retention, DeleteRecords) and deletes the segments
   * wholly below it (never the active one); the leader-epoch cache drops the entries below it. No-op
   * when not above the current one. Throws KafkaError OFFSET_OUT_OF_RANGE above the log end offset
   * or for a value that is not an offset. Persists the checkpoint.
   */
  maybeIncrementLogStartOffset(offset: number): void {
    this.checkOpen()
    checkOffset('log start offset', offset)
    if (offset <= this._logStartOffset) return
    if (offset > this.logEndOffset) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `log start offset ${offset} would pass the log end offset ${this.logEndOffset}`)
    }
    this._logStartOffset = offset
    this.local.deleteSegmentsBelow(offset)
    this.afterLogStartMoved()
    this.writeCheckpoint()
  }

  /**
   * Deletes the oldest closed segments, in order, while `shouldDelete(segment, log size in bytes
   * after deleting it)` says so; advances the log start offset to the first kept segment (and the
   * epoch cache with it). The active segment is never deleted. Returns the number deleted. Used by
   * retention (LogManager).
   */
  deleteOldSegments(shouldDelete: (seg: { baseOffset: number; sizeBytes: number; maxTimestamp: number }, sizeAfter: number) => boolean): number {
    this.checkOpen()
    const n = this.local.deleteOldSegments(shouldDelete)
    if (n > 0) {
      const start = this.local.firstSegmentBaseOffset
      if (start > this._logStartOffset) this._logStartOffset = start
      this.afterLogStartMoved()
      this.writeCheckpoint()
    }
    return n
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
    checkOffset('recovery offset', offset)
    this.local.recoverFrom(Math.max(offset, this._logStartOffset), this.recovery)
    this.afterTruncation()
    return this.logEndOffset
  }

  // ---------------------------------------------------------------------------------------------
  // Segments (the view, the cleaner)

  /** The segments, oldest first, as the topic detail view shows them. */
  segments(): SegmentDescription[] {
    this.checkOpen()
    return this.local.describeSegments()
  }

  /** The live segment objects, oldest first (for the cleaner; do not mutate the array). */
  segmentList(): readonly LogSegment[] {
    return this.local.segments
  }

  /**
   * Replaces the closed segments `old` (consecutive, oldest first, never the active one) with
   * `replacement` whose files carry the `.cleaned` suffix (Kafka's replaceSegments; a crash in
   * between is completed at the next open). Used by the log cleaner.
   * @throws StorageError KAFKA_STORAGE_ERROR when `old` is not a run of closed segments of this log.
   */
  replaceSegments(old: LogSegment[], replacement: LogSegment): void {
    this.checkOpen()
    this.local.replaceSegments(old, replacement)
  }

  /** Opens a new segment of this log's config and backend (the cleaner writes `.cleaned` ones). */
  openSegment(baseOffset: number, suffix: string): LogSegment {
    return this.local.openSegment(baseOffset, suffix)
  }

  // ---------------------------------------------------------------------------------------------
  // Durability and lifetime

  /**
   * Writes high watermark, log start offset, recovery point (offsets) and the tombstone deadline
   * (ms, when set) to `log-state.checkpoint` durably.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written.
   */
  writeCheckpoint(): void {
    this.stateFile.write({
      highWatermark: this._highWatermark,
      logStartOffset: this._logStartOffset,
      recoveryPoint: this.local.recoveryPoint,
      ...(this.tombstoneDeadline === null ? {} : { tombstoneDeadline: this.tombstoneDeadline })
    })
  }

  /**
   * Applies flush.ms when no append came (called from LogManager.tick): flushes when the last flush
   * is older than flush.ms and something is unflushed.
   */
  maybeFlush(now: number): void {
    this.checkOpen()
    this.local.maybeFlush(now)
  }

  /** fsyncs unflushed segments (the recovery point becomes the log end offset) and writes the checkpoint. */
  flush(): void {
    this.checkOpen()
    this.local.flush()
    this.writeCheckpoint()
  }

  /**
   * Flushes, writes the checkpoint and a producer state snapshot at the log end offset (Kafka's
   * clean shutdown), trims the active segment's indexes, closes every file. Idempotent.
   */
  close(): void {
    if (this.isClosed) return
    this.flush()
    this.producerState.updateMapEndOffset(this.logEndOffset)
    this.producerState.takeSnapshot()
    this.local.close()
  }

  /** Drops the log as a killed process does: files closed as they are, no flush, no checkpoint or snapshot (see LocalLog.abandon). */
  abandon(): void {
    this.local.abandon()
  }

  /** Closes the log and removes its directory (the leader-epoch and state checkpoints with it). */
  delete(): void {
    this.local.delete()
  }
}
