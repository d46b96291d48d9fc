/**
 * RecordScan: one pass over a bounded range of a topic's partitions, keeping the records a
 * RecordMatcher accepts, in turns: each `turn()` reads bounded chunks of raw record batches
 * (round-robin over the partitions) until it has read TURN_BYTES or spent TURN_MS, and returns; the
 * records are matched where they lie in the batches' bytes (RecordCursor, RecordMatcher: whole
 * batches ruled out by header or by bytes first) and only matches are decoded. The caller gives the
 * engine's loop a turn between two (a search between polls, an export between reads), so the wire
 * listeners and other requests are never held for long. The search (message-search.ts) and the
 * export of a search (record-export.ts) both run on it.
 *
 * The range: per partition from `query.from` (default earliest) to `query.to` (exclusive; default
 * the high watermark when the scan starts, so records produced meanwhile are not scanned). The
 * scan ends when every partition is done, or at its bounds: maxScanBytes (byte-limit) and
 * maxDurationMs (time-limit, on the injected clock).
 *
 * Must stay true: every record of the range is scanned at most once, in offset order per partition;
 * a partition whose log start moved past the position (retention) continues from the new log start;
 * progress counts exactly the records and bytes scanned (the records of the range whose batch was
 * looked into, and their key, value and header bytes; batches ruled out by their header are passed
 * over uncounted, as the records before timestampFrom's offset are).
 */
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import { KafkaError } from '../../broker/model/errors'
import {
  SEARCH_MAX_DURATION_MS,
  SEARCH_MAX_SCAN_BYTES,
  type SearchProgress,
  type SearchQuery,
  type SearchStopReason
} from '../../shared/contract'
import {
  COMPRESSION_MASK,
  TIMESTAMP_TYPE_MASK,
  batchAttributes,
  batchBaseOffset,
  batchBaseTimestamp,
  batchLastOffset,
  batchMaxTimestamp,
  batchRecordCount,
  batchRecordsSection,
  batchSize
} from '../../broker/codec/record-batch'
import { readBatchInfo, type RecordBatchInfo } from '../../broker/codec/batch-info'
import { partitionRange, readBatches, resolvePosition, selectPartitions, type ConsumerRecord } from './engine-records'
import { compileRecordMatcher, type RecordMatcher } from './record-matcher'
import { RecordCursor } from './record-cursor'
import { RegexBudget } from './text-filter'

/** Bytes of record batches per engine read while scanning (at least one batch). */
const CHUNK_BYTES = 1024 * 1024
/** A turn ends after reading this many bytes of record batches... */
const TURN_BYTES = 8 * 1024 * 1024
/** ...or after this many ms (real time: it only sizes the turns). */
const TURN_MS = 12

interface PartitionScan {
  partition: number
  fromOffset: number
  toOffset: number
  position: number
  done: boolean
}

/** What a scan needs besides the cluster and the query. */
export interface RecordScanOptions {
  /** ms since the epoch, for elapsed time and maxDurationMs. */
  clock: () => number
  /** Monotonic ms for sizing turns (default performance.now). */
  monotonic?: () => number
  /** Bytes of record batches a turn reads at most (default 8 MiB; tests pass small ones to see several turns). */
  turnBytes?: number
}

/** The outcome of one turn: the matches it found, and the stop reason once the scan ended. */
export interface TurnResult {
  matches: ConsumerRecord[]
  ended: SearchStopReason | null
}

/** A chunked, bounded scan of a topic range; see the module comment. */
export class RecordScan {
  private readonly parts: PartitionScan[]
  private readonly matcher: RecordMatcher
  private readonly regexBudget = new RegexBudget()
  private readonly cursor = new RecordCursor()
  private readonly startedAt: number
  private readonly maxBytes: number
  private readonly maxDurationMs: number
  private readonly monotonic: () => number
  private readonly turnBytes: number
  private next = 0
  private scannedRecords = 0
  private scannedBytes = 0
  private matchCount = 0
  private endedAt: number | null = null
  private reason: SearchStopReason | null = null

  /**
   * Checks the query (partitions, filters) and resolves the range; reads no records yet.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a refused filter.
   */
  constructor(
    private readonly cluster: ClusterApi,
    readonly query: SearchQuery,
    private readonly options: RecordScanOptions
  ) {
    this.matcher = compileRecordMatcher(query)
    this.monotonic = options.monotonic ?? (() => performance.now())
    this.turnBytes = options.turnBytes ?? TURN_BYTES
    this.startedAt = options.clock()
    this.maxBytes = query.maxScanBytes ?? SEARCH_MAX_SCAN_BYTES
    this.maxDurationMs = query.maxDurationMs ?? SEARCH_MAX_DURATION_MS
    const from = query.from ?? { kind: 'earliest' as const }
    const to = query.to ?? { kind: 'latest' as const }
    this.parts = selectPartitions(cluster, query.topic, query.partitions).map((p) => {
      const range = partitionRange(cluster, query.topic, p)
      let fromOffset = resolvePosition(cluster, query.topic, range, from)
      // Records before the first offset whose timestamp reaches timestampFrom are all older (ListOffsets).
      if (query.timestampFrom !== undefined)
        fromOffset = Math.max(fromOffset, resolvePosition(cluster, query.topic, range, { kind: 'timestamp', timestamp: query.timestampFrom }))
      const toOffset = Math.max(fromOffset, resolvePosition(cluster, query.topic, range, to))
      return { partition: p, fromOffset, toOffset, position: fromOffset, done: fromOffset >= toOffset }
    })
    if (this.parts.every((p) => p.done)) this.end('completed')
  }

  /** The stop reason once the scan ended, else null. */
  get ended(): SearchStopReason | null {
    return this.reason
  }

  /** Total offsets of the range, and how many of them are behind the positions (for a progress fraction). */
  get fraction(): number {
    let total = 0
    let done = 0
    for (const p of this.parts) {
      total += p.toOffset - p.fromOffset
      done += p.position - p.fromOffset
    }
    return total === 0 ? 1 : Math.min(1, done / total)
  }

  /** Counts matches passed on by the caller (the search's match limit counts what it delivered). */
  countMatches(n: number): void {
    this.matchCount += n
  }

  /** Where the scan is: records, bytes, matches, elapsed ms and the per-partition positions. */
  progress(): SearchProgress {
    return {
      scannedRecords: this.scannedRecords,
      scannedBytes: this.scannedBytes,
      matches: this.matchCount,
      elapsedMs: (this.endedAt ?? this.options.clock()) - this.startedAt,
      partitions: this.parts.map((p) => ({ partition: p.partition, fromOffset: p.fromOffset, toOffset: p.toOffset, position: p.position }))
    }
  }

  /**
   * Ends the scan with `reason` (stopped, match-limit, failed); later turns find nothing. Only
   * 'match-limit' replaces an earlier reason, and only 'completed': matches of the range were left out.
   */
  end(reason: SearchStopReason): void {
    if (this.reason === 'completed' && reason === 'match-limit') this.reason = reason
    if (this.reason !== null) return
    this.reason = reason
    this.endedAt = this.options.clock()
  }

  /**
   * Scans for one turn (about TURN_BYTES or TURN_MS, at least one chunk) and returns its matches.
   * @throws KafkaError when the engine fails the read (e.g. LEADER_NOT_AVAILABLE) or a regex is too
   *   slow; the scan has then ended with 'failed'.
   */
  turn(): TurnResult {
    const matches: ConsumerRecord[] = []
    if (this.reason !== null) return { matches, ended: this.reason }
    const started = this.monotonic()
    let bytes = 0
    try {
      while (this.reason === null) {
        if (this.scannedBytes >= this.maxBytes) {
          this.end('byte-limit')
          break
        }
        if (this.options.clock() - this.startedAt >= this.maxDurationMs) {
          this.end('time-limit')
          break
        }
        const part = this.nextPartition()
        if (!part) {
          this.end('completed')
          break
        }
        bytes += this.scanChunk(part, matches)
        if (part.done && this.parts.every((p) => p.done)) {
          this.end('completed')
          break
        }
        if (bytes >= this.turnBytes || this.monotonic() - started >= TURN_MS) break
      }
    } catch (e) {
      this.end('failed')
      throw e
    }
    return { matches, ended: this.reason }
  }

  /** The next partition not done, round-robin. */
  private nextPartition(): PartitionScan | null {
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[(this.next + i) % this.parts.length]
      if (!p.done) {
        this.next = (this.next + i + 1) % this.parts.length
        return p
      }
    }
    return null
  }

  /**
   * Reads one chunk of `part` (raw record batches), appends its matches, moves the position; returns
   * the bytes of batches read. Per batch: ruled out by its header (timestamp range) or by its
   * records section (a filter's bytes occur nowhere in it) without looking at its records' fields;
   * else each record of the range is walked in place and only a match is decoded into a record. A
   * compressed batch is decompressed once. Records outside the range and skipped batches are not
   * counted as scanned (as the records before timestampFrom's offset are not).
   */
  private scanChunk(part: PartitionScan, out: ConsumerRecord[]): number {
    const byteRoom = Math.max(1, Math.min(CHUNK_BYTES, this.maxBytes - this.scannedBytes))
    let chunk
    try {
      chunk = readBatches(this.cluster, this.query.topic, part.partition, part.position, byteRoom)
    } catch (e) {
      if (e instanceof KafkaError && e.code === 'OFFSET_OUT_OF_RANGE') {
        // Retention moved the log start past the position: continue from there.
        const range = partitionRange(this.cluster, this.query.topic, part.partition)
        if (range.logStartOffset > part.position) {
          part.position = Math.min(range.logStartOffset, part.toOffset)
          part.done = part.position >= part.toOffset
          return 0
        }
      }
      throw e
    }
    const buf = chunk.batches
    if (buf.length === 0) {
      // Nothing more below the high watermark (it can have moved down after a leader change).
      part.done = true
      return 0
    }
    const m = this.matcher
    const t0 = m.usesRegex ? this.monotonic() : 0
    const firstPosition = part.position
    let payload = 0
    let read = 0
    m.begin(buf)
    for (let pos = 0; pos < buf.length && part.position < part.toOffset; ) {
      const size = batchSize(buf, pos)
      const lastOffset = batchLastOffset(buf, pos)
      read += size
      if (batchBaseOffset(buf, pos) >= part.toOffset) {
        part.position = part.toOffset
        break
      }
      if (lastOffset >= part.position && !m.skipsBatch(buf, pos)) payload += this.scanBatch(part, buf, pos, out)
      // Past the batch; offsets missing in it (compaction) hold nothing to scan.
      part.position = Math.min(lastOffset + 1, part.toOffset)
      pos += size
    }
    if (m.usesRegex)
      this.regexBudget.check(this.monotonic() - t0, `partition ${part.partition} offsets ${firstPosition} to ${part.position - 1}`)
    this.scannedBytes += payload
    part.done = part.position >= part.toOffset
    return read
  }

  /** Walks the records of the batch at `pos` from the partition's position, below toOffset; returns their payload bytes. */
  private scanBatch(part: PartitionScan, buf: Buffer, pos: number, out: ConsumerRecord[]): number {
    const m = this.matcher
    const compressed = (batchAttributes(buf, pos) & COMPRESSION_MASK) !== 0
    const { data, start, end } = batchRecordsSection(buf, pos)
    if (compressed) m.begin(data)
    const candidate = m.prepare(start, end)
    const appendTime = (batchAttributes(buf, pos) & TIMESTAMP_TYPE_MASK) !== 0 ? batchMaxTimestamp(buf, pos) : null
    const c = this.cursor
    c.reset(data, start, end, { baseOffset: batchBaseOffset(buf, pos), baseTimestamp: batchBaseTimestamp(buf, pos), appendTime, count: batchRecordCount(buf, pos) })
    let info: RecordBatchInfo | null = null
    let payload = 0
    while (c.next()) {
      if (c.offset < part.position || c.offset >= part.toOffset) continue
      this.scannedRecords++
      payload += c.payloadBytes
      if (candidate && m.matches(c)) out.push(c.toRecord(this.query.topic, part.partition, (info ??= readBatchInfo(buf, pos))))
    }
    if (compressed) m.begin(buf)
    return payload
  }
}
