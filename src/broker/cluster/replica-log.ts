/**
 * ReplicaLog: the part of the storage layer's PartitionLog (../storage/partition-log.ts) that a
 * replica uses, and ReplicaLogStore: where a cluster's replica logs live (one log directory per
 * broker). The cluster depends on these shapes only, so PartitionLog under a LogManager (the
 * default, ./log-manager-store.ts) or a test stand-in can back the replicas.
 *
 * Must stay true: offsets are contiguous from logStartOffset to logEndOffset - 1 (up to compaction
 * gaps); a follower's log is a prefix of its leader's log once truncated to its high watermark; the
 * store owns the logs' lifetime (closing and deleting), not the partitions using them.
 */
import type { StorageError } from '../model/errors'
import type { CleanerResult } from './cluster-api'
import type { KafkaError } from '../model/errors'
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
  appendAsLeader(records: RecordInput[]): { firstOffset: number; lastOffset: number; batchBytes: number; maxTimestamp: number }
  appendAsFollower(batches: Buffer): { lastOffset: number; records: number }
  readBatches(startOffset: number, maxBytes: number, maxOffset?: number): Buffer
  readRecords(startOffset: number, opts: { maxRecords?: number; maxBytes?: number; maxOffset?: number }): StoredRecord[]
  updateHighWatermark(offset: number): void
  offsetForTimestamp(ts: number): number | null
  truncateTo(offset: number): void
  /** Delete everything and restart empty at `offset` (a follower behind its leader's log start). */
  truncateFullyAndStartAt(offset: number): void
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
  /** Flush and close every log (clean shutdown). */
  close(): void
}
