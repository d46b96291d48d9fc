/**
 * ReplicaLog: the part of the storage layer's UnifiedLog (../storage/unified-log.ts) that a
 * replica uses, and ReplicaLogStore: where a cluster's replica logs live (one log directory per
 * broker). The cluster depends on these shapes only, so UnifiedLog under a LogManager (the
 * default, ./log-manager-store.ts) or a test stand-in can back the replicas.
 *
 * Must stay true: offsets are contiguous from logStartOffset to logEndOffset - 1 (up to compaction
 * gaps); a follower's log is a prefix of its leader's log once truncated to its high watermark; the
 * store owns the logs' lifetime (closing and deleting), not the partitions using them.
 */
import type { StorageError } from '../model/errors'
import type { CleanerResult } from './cluster-api'
import type { KafkaError } from '../model/errors'
import type { EpochEndOffset, EpochEntry } from '../storage/leader-epoch-file-cache'
import type { LeaderAppendOptions, LogAppendInfo } from '../storage/unified-log'
import type { LogConfig, RecordInput, SegmentDescription, StoredRecord } from '../storage/storage-types'

export interface ReplicaLog {
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly highWatermark: number
  readonly sizeInBytes: number
  /**
   * The high watermark this log's checkpoint recorded when it opened (null: none). A log end offset
   * below it means the replica lost acknowledged records.
   */
  readonly checkpointedHighWatermark?: number | null
  /** The last compaction of this log, when a cleaner runs on it. */
  readonly lastCleaning?: CleanerResult | null
  /**
   * The exact number of records in [logStartOffset, highWatermark) (a compacted log without its
   * gaps), kept cheaply per segment. @throws StorageError when a segment it must scan is corrupt.
   */
  readonly recordCount: number
  /**
   * Leader append of record batches v2 as a producer sends them (base offset 0, one or more):
   * validated whole (CRC-32C, sizes against max.message.bytes, counts, timestamps against
   * message.timestamp.type: see storage/log-validator.ts), then stamped in place with offsets from the
   * log end offset and `leaderEpoch`, which starts an epoch in the leader-epoch cache when new.
   * The `records` form encodes one batch first (a convenience the replica manager replaces).
   * @throws KafkaError CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP, RECORD_TOO_LARGE,
   *   UNSUPPORTED_COMPRESSION_TYPE, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH with
   *   nothing written; StorageError on I/O failure. A duplicate idempotent batch returns its
   *   original offsets with `duplicate` set (see storage/producer-state-manager.ts).
   */
  appendAsLeader(batches: Buffer, leaderEpoch: number, opts?: LeaderAppendOptions): LogAppendInfo
  appendAsLeader(records: RecordInput[], leaderEpoch: number): LogAppendInfo
  /**
   * Follower append: batches exactly as the leader's readBatches returned them (offsets, leader
   * epochs and CRCs kept); their partitionLeaderEpoch feeds the leader-epoch cache. `crcVerified`:
   * they come straight from the leader's read in this process, which verified every CRC-32C, so the
   * follower does not repeat that pass (see UnifiedLog.appendAsFollower).
   * @throws KafkaError CORRUPT_MESSAGE for a bad batch, OFFSET_OUT_OF_RANGE below the log end offset.
   */
  appendAsFollower(batches: Buffer, opts?: { crcVerified?: boolean }): { lastOffset: number; records: number }
  /** The latest leader epoch that wrote to this log (its leader-epoch cache), or null when none. */
  readonly latestEpoch: number | null
  /**
   * Where `leaderEpoch` ended in this log (OffsetsForLeaderEpoch, KIP-101): the largest epoch <= it
   * and the start offset of the next epoch, or the log end offset for the latest epoch; -1 / -1
   * (UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET) when unknown. A follower truncates to the leader's
   * answer for its own latest epoch (then to its high watermark at most as far as the leader allows).
   */
  endOffsetForEpoch(leaderEpoch: number): EpochEndOffset
  /** A new leader's epoch starts at `startOffset` (Kafka's maybeAssignEpochStartOffset). */
  assignEpochStartOffset(leaderEpoch: number, startOffset: number): void
  /** The leader-epoch cache's entries, oldest first (for the UI and tests). */
  epochEntries(): EpochEntry[]
  readBatches(startOffset: number, maxBytes: number, maxOffset?: number): Buffer
  readRecords(startOffset: number, opts: { maxRecords?: number; maxBytes?: number; maxOffset?: number }): StoredRecord[]
  updateHighWatermark(offset: number): void
  offsetForTimestamp(ts: number): number | null
  /** Removes every record at offset >= `offset` (whole batches; the epoch cache follows). */
  truncateTo(offset: number): void
  /** Delete everything and restart empty at `offset` (a follower behind its leader's log start). */
  truncateFullyAndStartAt(offset: number): void
  /**
   * Raises the log start offset to `offset` (DeleteRecords on the leader; a follower following its
   * leader's log start offset), deleting the segments wholly below it; no-op when not above it.
   * @throws KafkaError OFFSET_OUT_OF_RANGE above the log end offset.
   */
  maybeIncrementLogStartOffset(offset: number): void
  segments(): SegmentDescription[]
  updateConfig(config: LogConfig): void
  /**
   * Re-validates every batch from the segment holding `offset` on, as recovery after an unclean
   * shutdown does, and cuts the log at the first invalid batch (later segments deleted).
   * @returns the new log end offset.
   */
  recoverFrom(offset: number): number
}

/** The replica logs of every broker of a cluster. */
export interface ReplicaLogStore {
  /** True unless some broker's log directory missed its clean-shutdown marker at open. */
  readonly hadCleanShutdown: boolean
  /**
   * The log of `topic`-`partition` on `brokerId`: opened (created with `config` when missing) when
   * `create`; otherwise only an existing one, else null. An offline log (see offlineError) is
   * retried and returned once it opens; with `opts.recover` it is reopened with full recovery (every
   * batch re-validated and the log cut at the first invalid one, as after an unclean shutdown), for
   * a damaged log whose cut part intact replicas can refill.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file while the log is offline, or when
   *   creating it fails (then nothing of it is left on disk).
   */
  open(brokerId: number, topic: string, partition: number, config: LogConfig, create: boolean, opts?: { recover?: boolean }): ReplicaLog | null
  /**
   * Forget the replica's log after it failed with `error` (a storage error): close it as far as
   * possible, keeping its files; it is offline (offlineError) until the next `open` reopens (and
   * recovers) it from disk.
   */
  evict(brokerId: number, topic: string, partition: number, error: KafkaError): void
  /**
   * Why the replica's log is offline (Kafka's offline log dir: the replica cannot lead or follow
   * until it opens), or null when it is not: the StorageError (KAFKA_STORAGE_ERROR naming the file
   * and the errno text) its last open failed with, or its broker's log directory's failure. A
   * successful open() clears it.
   */
  offlineError(brokerId: number, topic: string, partition: number): StorageError | null
  /** Close and delete the replica's log and directory (no-op when missing; an offline log's directory goes too). */
  delete(brokerId: number, topic: string, partition: number): void
  /**
   * Periodic storage work of the live brokers at `now` (flush.ms, retention, checkpoints, a step of
   * compaction). Returns true while the log cleaner has work left.
   */
  tick(now: number, liveBrokers: readonly number[]): boolean
  /**
   * Broker `brokerId`'s process was killed: its logs are dropped as they are (no flush, no
   * checkpoints, no clean-shutdown marker); until restartBroker, none of its logs opens. Optional:
   * a store without it keeps the logs as they are.
   */
  crashBroker?(brokerId: number): void
  /** Broker `brokerId` starts after crashBroker: its log directory opens again, recovering its logs as after a crash. */
  restartBroker?(brokerId: number): void
  /** Flush and close every log (clean shutdown). */
  close(): void
}
