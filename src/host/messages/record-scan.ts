/**
 * RecordScan: one pass over a bounded range of a topic's partitions, keeping the records a
 * RecordMatcher accepts, in turns: each `turn()` reads bounded chunks (round-robin over the
 * partitions) until it has read TURN_BYTES or spent TURN_MS, and returns; the caller gives the
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
 * progress counts exactly the records and bytes scanned.
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
import { partitionRange, readChunk, resolvePosition, selectPartitions, type ConsumerRecord } from './engine-records'
import { compileRecordMatcher, type RecordMatcher } from './record-matcher'
import { RegexBudget } from './text-filter'

/** Records per engine read while scanning. */
const CHUNK_RECORDS = 4000
/** Bytes per engine read while scanning. */
const CHUNK_BYTES = 1024 * 1024
/** A turn ends after reading this many bytes of records... */
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
  /** Bytes of records a turn reads at most (default 8 MiB; tests pass small ones to see several turns). */
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

  /** Reads one chunk of `part`, appends its matches, moves the position; returns the bytes read. */
  private scanChunk(part: PartitionScan, out: ConsumerRecord[]): number {
    const room = Math.min(CHUNK_RECORDS, part.toOffset - part.position)
    const byteRoom = Math.max(1, Math.min(CHUNK_BYTES, this.maxBytes - this.scannedBytes))
    let chunk
    try {
      chunk = readChunk(this.cluster, this.query.topic, part.partition, part.position, room, byteRoom)
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
    if (chunk.records.length === 0 || chunk.nextOffset <= part.position) {
      // Nothing more below the high watermark (it can have moved down after a leader change).
      part.done = true
      return 0
    }
    let bytes = 0
    let beyond = false
    const t0 = this.matcher.usesRegex ? this.monotonic() : 0
    for (const r of chunk.records) {
      if (r.offset >= part.toOffset) {
        beyond = true
        break
      }
      bytes += r.sizeBytes
      this.scannedRecords++
      if (this.matcher.matches(r)) out.push(r)
    }
    const last = chunk.records[chunk.records.length - 1].offset
    if (this.matcher.usesRegex)
      this.regexBudget.check(this.monotonic() - t0, `partition ${part.partition} offsets ${chunk.records[0].offset} to ${Math.min(last, part.toOffset - 1)}`)
    // Past the last record read; offsets missing in between (compaction) hold nothing to scan.
    part.position = beyond ? part.toOffset : Math.min(chunk.nextOffset, part.toOffset)
    this.scannedBytes += bytes
    part.done = part.position >= part.toOffset
    return bytes
  }
}
