/**
 * ReplicaLog: the part of the storage layer's PartitionLog (../storage/partition-log.ts) that a
 * replica uses. The cluster depends on this shape only, so PartitionLog (or any log honouring the
 * same contract) can back a replica.
 *
 * Must stay true: offsets are contiguous from logStartOffset to logEndOffset - 1; a follower's log
 * is always a prefix of its leader's log once truncated to the high watermark.
 */
import type { LogConfig, RecordInput, SegmentDescription, StoredRecord } from '../storage/storage-types'

export interface ReplicaLog {
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly highWatermark: number
  readonly sizeInBytes: number
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
  close(): void
  delete(): void
}

/** Opens the log of one replica: `dir` is `<dataDir>/broker-<id>/<topic>-<partition>`. */
export type ReplicaLogOpener = (dir: string, config: LogConfig, hadCleanShutdown: boolean) => ReplicaLog
