/**
 * Types shared by the storage layer and its users (the cluster's replicas, the log cleaner, the
 * benchmarks): records, log configuration, segment descriptions, and the file backend interface
 * that the memory-mapped addon and the positional-I/O fallback both implement.
 *
 * Units: offsets are Kafka offsets held in JS numbers (exact below 2^53); sizes and positions are
 * bytes; times are ms since the epoch.
 */
import type { CleanupPolicy } from '../model/topic-configs'

/** A record header (Kafka's Header): string key, bytes value or null. */
export interface StoredHeader {
  key: string
  value: Buffer | null
}

/** A record to append; the log assigns its offset. */
export interface RecordInput {
  key: Buffer | null
  value: Buffer | null
  headers?: readonly StoredHeader[]
  /** CreateTime, ms. */
  timestamp: number
}

/** A record decoded from a stored batch. */
export interface StoredRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: readonly StoredHeader[]
}

/** The configs the log itself obeys (a subset of the topic configs, Kafka's names camel-cased). */
export interface LogConfig {
  /** segment.bytes: roll when the active segment would exceed this. Default 1073741824. */
  segmentBytes: number
  /** segment.ms: roll when the active segment's first record is older than this. Default 604800000. */
  segmentMs: number
  /**
   * segment.index.bytes: the most bytes of entries an .index / .timeindex holds; a full index rolls
   * the segment. Kafka preallocates the files to it (sparse); here they grow on demand. Default 10485760.
   */
  segmentIndexBytes: number
  /** index.interval.bytes: bytes of log between offset index entries. Default 4096. */
  indexIntervalBytes: number
  /** retention.ms, -1 = unlimited. Default 604800000. (A LONG: clamped to Number.MAX_SAFE_INTEGER here, see model/log-config.ts.) */
  retentionMs: number
  /** retention.bytes, negative = unlimited. Default -1. (A LONG, clamped to the safe integers here.) */
  retentionBytes: number
  /** cleanup.policy. Default 'delete'. */
  cleanupPolicy: CleanupPolicy
  /** delete.retention.ms: how long tombstones survive compaction. Default 86400000. */
  deleteRetentionMs: number
  /** min.cleanable.dirty.ratio: compaction starts once dirty / (clean + dirty) bytes reach it (0 to 1). */
  minCleanableDirtyRatio: number
  /**
   * flush.messages: fsync after this many appended messages. Kafka's default Long.MAX_VALUE arrives
   * here clamped to Number.MAX_SAFE_INTEGER ("never" in practice); the topic's config stays exact.
   */
  flushMessages: number
  /** flush.ms: fsync when the last flush is older than this (ms). Default Long.MAX_VALUE, clamped to Number.MAX_SAFE_INTEGER. */
  flushMs: number
  /**
   * message.timestamp.type: 'CreateTime' keeps the producer's timestamps; 'LogAppendTime' stamps
   * each leader-appended batch with the log's clock (batch attribute bit 3 set). Default 'CreateTime'.
   */
  messageTimestampType: 'CreateTime' | 'LogAppendTime'
  /**
   * compression.type: 'producer' (default) stores each batch with the producer's codec; another
   * value makes a leader append rebuild batches of a different codec with it (see log-validator.ts).
   */
  compressionType: 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /**
   * max.message.bytes: the largest record batch a leader append accepts, in bytes (Kafka's
   * LogConfig.maxMessageSize; RECORD_TOO_LARGE above it). Follower appends are not checked (the
   * leader accepted the batch). Default 1048588.
   */
  maxMessageBytes: number
}

/**
 * Outcome of one log cleaner pass over a partition log (cleanup.policy=compact): when it finished
 * (ms since the epoch), records and bytes before and after, and the tombstones it removed.
 */
export interface CleanerResult {
  finishedAt: number
  recordsBefore: number
  recordsAfter: number
  bytesBefore: number
  bytesAfter: number
  tombstonesRemoved: number
}

/** A segment as the topic detail view shows it. */
export interface SegmentDescription {
  baseOffset: number
  sizeBytes: number
  records: number
  minTimestamp: number | null
  maxTimestamp: number | null
  active: boolean
}

/**
 * A file opened through a storage backend. Positional, synchronous, copying: reads copy into
 * JS-owned buffers, writes copy from them; no pointer into a mapping ever reaches JavaScript.
 * Errors are StorageError naming the file.
 */
export interface StorageFile {
  readonly path: string
  /** Logical size in bytes (what has been written / truncated to; not the mapped capacity). */
  size(): number
  /** Copy `buf` into the file at `position`, growing it as needed. */
  write(position: number, buf: Uint8Array): void
  /** Copy up to `length` bytes from `position` into a new Buffer (shorter at end of file). */
  read(position: number, length: number): Buffer
  /** Copy into an existing buffer; returns bytes read. */
  readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number
  /** Set the logical size (shrink or grow with zeros). */
  truncate(size: number): void
  /** msync / fsync so what was written survives a crash. */
  flush(): void
  /** Unmap / close. The file stays on disk at its logical size. */
  close(): void
}

/** Opens files; 'mmap' (native addon) and 'file' (positional fs I/O) implement it. */
export interface StorageBackend {
  readonly name: 'mmap' | 'file'
  /**
   * Open (creating when `create`) a file. `preallocate` reserves capacity (bytes) ahead of the
   * logical size, which it does not change (the mmap backend reserves real blocks). The log layer
   * passes none: its files grow on demand, so an open replica costs little beyond its data.
   */
  open(path: string, opts: { create: boolean; preallocate?: number }): StorageFile
}
