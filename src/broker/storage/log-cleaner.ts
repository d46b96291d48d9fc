/**
 * LogCleaner: log compaction (Kafka's LogCleaner / Cleaner) for logs whose cleanup.policy includes
 * `compact`. A cleaning pass over one log (1) builds an offset map key -> last offset over the
 * dirty section (from the first dirty offset to the end of the cleanable segments), stopping early
 * at a batch boundary when the map reaches the dedupe buffer size (Kafka's
 * log.cleaner.dedupe.buffer.size), (2) recopies the closed segments from the log start up to where
 * the map ends, in groups of at most segment.bytes, into `.cleaned` segments, dropping each record
 * whose key the map holds at a later offset (Kafka's shouldRetainRecord) and tombstones (null value)
 * whose segment's largest timestamp is older than delete.retention.ms, keeping every retained
 * record's offset (gaps allowed) and each batch's identity (retained-batch.ts, Kafka's
 * MemoryRecords.filterTo): a batch that loses no record is copied as stored; one that loses some is
 * rebuilt with its offset range, leader epoch, timestamp type, producer id, epoch, base sequence,
 * flags and its own codec; one that loses all is dropped unless it is the last batch of a producer
 * the partition still tracks (ProducerStateManager's active producers), whose empty header is kept
 * so the producer's state survives a restart, (3) swaps each group in. The clean
 * section below the first dirty offset holds one record per key already, so it need not be mapped.
 *
 * Must stay true:
 * - Only closed segments that end at or below the high watermark are cleaned (Kafka's cleaner stops
 *   at the first uncleanable offset, at most the high watermark), so records not yet replicated to
 *   the ISR, which consumers cannot read, are never compacted away.
 * - The active segment is never touched; appends and reads go on between steps: a pass is a
 *   generator doing about `bytesPerStep` bytes of work per step, driven by LogManager.tick() or
 *   by setImmediate (clean()).
 * - A pass whose input changed (truncation, retention, another replacement: UnifiedLog's
 *   structureVersion) is abandoned and its `.cleaned` files deleted; nothing is lost.
 * - Records without a key are kept (Kafka refuses them on compacted topics at produce time).
 * - A cleaner works on one log at a time (Kafka's cleaner thread), so one dedupe buffer bounds the
 *   offset map's memory; step() picks the log that waited longest.
 */
import { StorageError } from '../model/errors'
import { BatchScanner } from './batch-scanner'
import type { LogSegment } from './log-segment'
import { CLEANED_FILE_SUFFIX } from './log-segment'
import type { UnifiedLog } from './unified-log'
import { RecordBatchBuilder, batchLastOffset, batchProducerId, decodeRecordsInto } from '../codec/record-batch'
import { retainedBatch } from './retained-batch'
import type { CleanerResult, StoredRecord } from './storage-types'

/** How the cleaner runs. */
export interface LogCleanerOptions {
  /** ms since the epoch. */
  clock: () => number
  /** Bytes of log read per step (default 1 MiB). */
  bytesPerStep?: number
  /**
   * Bytes the offset map of one pass may use (Kafka's log.cleaner.dedupe.buffer.size, default
   * 134217728), each key counted as its bytes plus MAP_ENTRY_OVERHEAD_BYTES. A pass whose dirty
   * section holds more keys cleans up to where the map filled; the next pass goes on from there.
   */
  dedupeBufferBytes?: number
  /** Called when a pass over `log` completed (its result is in log.lastCleaning), e.g. to checkpoint. */
  onCleaned?: (log: UnifiedLog) => void
  log?: (line: string) => void
}

/** Kafka's log.cleaner.dedupe.buffer.size default (bytes). */
export const DEFAULT_DEDUPE_BUFFER_BYTES = 134217728
/** What a map entry costs besides its key's bytes: Kafka's SkimpyOffsetMap spends 24 (16-byte MD5 + 8-byte offset). */
export const MAP_ENTRY_OVERHEAD_BYTES = 24

type Pass = Generator<void, CleanerResult | null, void>

/** True when cleanup.policy includes compact. */
export function isCompacted(log: UnifiedLog): boolean {
  return log.config.cleanupPolicy.split(',').includes('compact')
}

/**
 * The closed segments the cleaner may touch: the leading closed segments whose records all lie below
 * the high watermark (each segment ends where the next begins). Kafka: LogCleanerManager's
 * firstUncleanableOffset = min(active segment base offset, high watermark).
 */
export function cleanableSegments(log: UnifiedLog): LogSegment[] {
  const all = log.segmentList()
  const out: LogSegment[] = []
  for (let i = 0; i + 1 < all.length && all[i + 1].baseOffset <= log.highWatermark; i++) out.push(all[i])
  return out
}

/**
 * Bytes of a log's cleanable segments below (clean) and from (dirty) the first dirty offset, and the
 * offset where they end; null when nothing is cleanable. A segment holding the first dirty offset
 * counts as dirty.
 */
function cleanableBytes(log: UnifiedLog): { clean: number; dirty: number; end: number } | null {
  const all = log.segmentList()
  const cleanable = cleanableSegments(log)
  if (cleanable.length === 0) return null
  let clean = 0
  let dirty = 0
  cleanable.forEach((seg, i) => {
    if (all[i + 1].baseOffset <= log.firstDirtyOffset) clean += seg.size()
    else dirty += seg.size()
  })
  return { clean, dirty, end: all[cleanable.length].baseOffset }
}

function ratioOf(c: { clean: number; dirty: number } | null): number {
  return c === null || c.clean + c.dirty === 0 ? 0 : c.dirty / (c.clean + c.dirty)
}

/**
 * The dirty ratio of a log's cleanable segments: bytes from the first dirty offset on over all their
 * bytes (Kafka's LogToClean.cleanableRatio); 0 when nothing is cleanable.
 */
export function dirtyRatio(log: UnifiedLog): number {
  return ratioOf(cleanableBytes(log))
}

/**
 * True when a log should be compacted now: it has new cleanable records and their share of the
 * cleanable bytes reached min.cleanable.dirty.ratio (Kafka's LogCleanerManager.grabFilthiestCompactedLog),
 * or a tombstone it kept has become removable (delete.retention.ms passed).
 */
export function needsCleaning(log: UnifiedLog, now: number): boolean {
  if (log.isClosed || !isCompacted(log)) return false
  const c = cleanableBytes(log)
  if (c === null) return false
  if (c.end > log.firstDirtyOffset && ratioOf(c) >= log.config.minCleanableDirtyRatio) return true
  return log.tombstoneDeadline !== null && now >= log.tombstoneDeadline
}

export class LogCleaner {
  private readonly clock: () => number
  private readonly bytesPerStep: number
  private readonly dedupeBufferBytes: number
  private readonly logLine: (line: string) => void
  private readonly onCleaned: (log: UnifiedLog) => void
  private readonly passes = new Map<UnifiedLog, Pass>()
  /** The log whose pass step() drives (one at a time). */
  private stepping: UnifiedLog | null = null

  /** The log whose cleaning pass is in progress (null between passes). */
  get cleaningLog(): UnifiedLog | null {
    return this.stepping
  }
  private readonly builder = new RecordBatchBuilder()

  constructor(opts: LogCleanerOptions) {
    this.clock = opts.clock
    this.bytesPerStep = opts.bytesPerStep ?? 1024 * 1024
    this.dedupeBufferBytes = opts.dedupeBufferBytes ?? DEFAULT_DEDUPE_BUFFER_BYTES
    this.logLine = opts.log ?? ((l) => console.warn(l))
    this.onCleaned = opts.onCleaned ?? (() => {})
  }

  /** True while a pass over `log` is in progress. */
  isCleaning(log: UnifiedLog): boolean {
    return this.passes.has(log)
  }

  /**
   * One step of work, about `bytesPerStep` bytes: continues the pass in progress started here, or
   * starts one on the log of `logs` that needs cleaning and waited longest (never cleaned first,
   * then the oldest last cleaning). Returns true while that pass has work left; false when it just
   * finished (or was abandoned) or nothing needed cleaning: the next call starts the next log's pass.
   * Finished passes record their CleanerResult in `log.lastCleaning`.
   */
  step(logs: Iterable<UnifiedLog>, now = this.clock()): boolean {
    const list = [...logs]
    for (const log of [...this.passes.keys()]) if (log.isClosed || !list.includes(log)) this.abort(log)
    let current = this.stepping !== null && this.passes.has(this.stepping) ? this.stepping : null
    if (current === null) {
      const waiting = list.filter((l) => !this.passes.has(l) && needsCleaning(l, now))
      if (waiting.length === 0) return false
      current = waiting.reduce((a, b) => ((b.lastCleaning?.finishedAt ?? -1) < (a.lastCleaning?.finishedAt ?? -1) ? b : a))
      this.passes.set(current, this.pass(current, now))
      this.stepping = current
    }
    if (this.advance(current, this.passes.get(current)!)) return true
    this.stepping = null
    return false
  }

  /** Runs one step of `pass`; false when it finished (or failed). */
  private advance(log: UnifiedLog, pass: Pass): boolean {
    let r: IteratorResult<void, CleanerResult | null>
    try {
      r = pass.next()
    } catch (e) {
      this.passes.delete(log)
      this.logLine(`brokerlab storage: cleaning ${log.dir} failed: ${(e as Error).message}`)
      return false
    }
    if (!r.done) return true
    this.passes.delete(log)
    return false
  }

  /** Abandons the pass on `log` (deleting its `.cleaned` files). */
  abort(log: UnifiedLog): void {
    const pass = this.passes.get(log)
    if (pass === undefined) return
    this.passes.delete(log)
    try {
      pass.return(null)
    } catch {
      /* the pass cleans up in its finally block */
    }
  }

  /**
   * Cleans `log` to completion synchronously (tests, tools). Returns the result (also in
   * `log.lastCleaning`), or null when there was nothing to clean or the pass was abandoned.
   */
  cleanNow(log: UnifiedLog, now = this.clock()): CleanerResult | null {
    this.abort(log)
    if (!needsCleaning(log, now)) return null
    const pass = this.pass(log, now)
    for (;;) {
      const r = pass.next()
      if (r.done) return r.value
    }
  }

  /**
   * Cleans `log` in setImmediate steps so appends and reads interleave; resolves with the result
   * (null when nothing to clean / abandoned), rejects on a storage error.
   */
  clean(log: UnifiedLog, now = this.clock()): Promise<CleanerResult | null> {
    this.abort(log)
    if (!needsCleaning(log, now)) return Promise.resolve(null)
    const pass = this.pass(log, now)
    this.passes.set(log, pass)
    return new Promise((resolve, reject) => {
      const tick = (): void => {
        if (this.passes.get(log) !== pass) return resolve(null)
        let r: IteratorResult<void, CleanerResult | null>
        try {
          r = pass.next()
        } catch (e) {
          this.passes.delete(log)
          return reject(e)
        }
        if (!r.done) return void setImmediate(tick)
        this.passes.delete(log)
        resolve(r.value)
      }
      setImmediate(tick)
    })
  }

  /**
   * Runs `onBatch` over every whole batch of a segment, yielding after about bytesPerStep bytes
   * (counted across calls in `budget`). Returns false when the log changed while yielded (the pass
   * must be abandoned). Throws StorageError CORRUPT_MESSAGE naming the file and position for a torn
   * batch, and for a CRC-32C mismatch when `checkCrc`.
   */
  private *scanSegment(
    seg: LogSegment,
    budget: { work: number },
    unchanged: () => boolean,
    checkCrc: boolean,
    onBatch: (s: BatchScanner) => void
  ): Generator<void, boolean, void> {
    const s = new BatchScanner(seg.log, 0, seg.size(), { wholeBatches: true, chunkSize: 1024 * 1024 })
    while (s.next()) {
      if (checkCrc && !s.crcMatches())
        throw new StorageError('CORRUPT_MESSAGE', seg.log.path, `cleaner: batch at offset ${s.baseOffset} fails its CRC-32C check`, s.position)
      onBatch(s)
      budget.work += s.size
      if (budget.work >= this.bytesPerStep) {
        budget.work = 0
        yield
        if (!unchanged()) return false
      }
    }
    if (s.error !== null) throw new StorageError('CORRUPT_MESSAGE', seg.log.path, `cleaner: ${s.error}`, s.position)
    return true
  }

  /** The pass over one log, as a generator yielding between steps. */
  private *pass(log: UnifiedLog, now: number): Pass {
    let version = log.structureVersion
    const all = log.segmentList()
    const closed = cleanableSegments(log)
    if (closed.length === 0) return null
    const cfg = log.config
    const deleteHorizon = now - cfg.deleteRetentionMs
    const unchanged = (): boolean => !log.isClosed && log.structureVersion === version

    // 1. offset map: key -> last offset, over the dirty section (the segment holding the first
    // dirty offset onwards), until the dedupe buffer is full.
    const map = new Map<string, number>()
    let mapBytes = 0
    let mappedTo = log.logStartOffset // offsets below it are covered by the map or already clean
    const recs: StoredRecord[] = []
    const budget = { work: 0 }
    const firstDirty = Math.max(log.firstDirtyOffset, log.logStartOffset)
    let full = false
    for (let i = 0; i < closed.length && !full; i++) {
      const seg = closed[i]
      const segEnd = all[i + 1].baseOffset // a closed segment ends where the next begins
      if (segEnd <= firstDirty) {
        mappedTo = segEnd
        continue
      }
      const complete = yield* this.scanSegment(seg, budget, unchanged, true, (s) => {
        if (full) return
        recs.length = 0
        decodeRecordsInto(s.buf, s.bufPos, recs)
        let cost = 0
        for (const r of recs) if (r.key !== null && !map.has(r.key.toString('latin1'))) cost += r.key.length + MAP_ENTRY_OVERHEAD_BYTES
        if (mapBytes + cost > this.dedupeBufferBytes && mappedTo > firstDirty) {
          full = true // clean what the map covers; the next pass goes on from here
          return
        }
        if (mapBytes + cost > this.dedupeBufferBytes)
          throw new StorageError(
            'KAFKA_STORAGE_ERROR',
            seg.log.path,
            `cleaner: one record batch at offset ${s.baseOffset} needs ${cost} bytes of offset map, more than log.cleaner.dedupe.buffer.size ${this.dedupeBufferBytes}`
          )
        mapBytes += cost
        for (const r of recs) if (r.key !== null) map.set(r.key.toString('latin1'), r.offset)
        mappedTo = s.lastOffset + 1
      })
      if (!complete) return null
      if (!full) mappedTo = segEnd
    }
    const endOffset = mappedTo
    const toClean = closed.filter((seg) => seg.baseOffset < endOffset)

    // The last batch of each producer the partition tracks (Kafka's lastRecordsOfActiveProducers):
    // kept, empty if need be, so its state is rebuilt from the log after a restart.
    const lastBatchOfProducer = new Map<number, number>()
    for (const e of log.activeProducers()) {
      const last = e.batches[e.batches.length - 1]
      if (last !== undefined) lastBatchOfProducer.set(e.producerId, last.lastOffset)
    }

    // 2. recopy in groups of at most segment.bytes, swapping each group in.
    const result: CleanerResult = { finishedAt: 0, recordsBefore: 0, recordsAfter: 0, bytesBefore: 0, bytesAfter: 0, tombstonesRemoved: 0 }
    let tombstoneDeadline: number | null = null
    let i = 0
    while (i < toClean.length) {
      const group: LogSegment[] = [toClean[i]]
      let size = toClean[i].size()
      i++
      while (i < toClean.length && size + toClean[i].size() <= cfg.segmentBytes) {
        size += toClean[i].size()
        group.push(toClean[i++])
      }
      const cleaned = log.openSegment(group[0].baseOffset, CLEANED_FILE_SUFFIX)
      let swapped = false
      try {
        for (const seg of group) {
          const segMax = seg.maxTimestamp()
          const dropTombstones = segMax < deleteHorizon
          // CRC-32C checked again: the clean section was not read while building the map, and a
          // corrupt batch must never be rewritten with a fresh, valid CRC.
          const complete = yield* this.scanSegment(seg, budget, unchanged, true, (s) => {
            recs.length = 0
            decodeRecordsInto(s.buf, s.bufPos, recs)
            result.recordsBefore += recs.length
            result.bytesBefore += s.size
            const keptRecs: StoredRecord[] = []
            for (const r of recs) {
              // Kafka's shouldRetainRecord: drop a record whose key the map holds at a later offset.
              const latest = r.key === null ? undefined : map.get(r.key.toString('latin1'))
              if (latest !== undefined && r.offset < latest) continue
              if (r.key !== null && r.value === null) {
                if (dropTombstones) {
                  result.tombstonesRemoved++
                  continue
                }
                const deadline = segMax + cfg.deleteRetentionMs
                if (tombstoneDeadline === null || deadline < tombstoneDeadline) tombstoneDeadline = deadline
              }
              keptRecs.push(r)
            }
            const producerId = batchProducerId(s.buf, s.bufPos)
            const retainEmpty = producerId >= 0 && lastBatchOfProducer.get(producerId) === batchLastOffset(s.buf, s.bufPos)
            const out = retainedBatch(s.buf, s.bufPos, keptRecs, retainEmpty ? 'RETAIN_EMPTY' : 'DELETE_EMPTY', this.builder)
            if (out !== null) {
              cleaned.append(out.bytes, out.lastOffset, out.maxTimestamp, out.count)
              result.recordsAfter += out.count
              result.bytesAfter += out.bytes.length
            }
          })
          if (!complete) return null
        }
        if (!unchanged()) return null
        log.replaceSegments(group, cleaned)
        swapped = true
        version = log.structureVersion // this pass made that change
      } finally {
        if (!swapped) cleaned.deleteFiles()
      }
    }
    log.firstDirtyOffset = endOffset
    log.tombstoneDeadline = tombstoneDeadline
    result.finishedAt = this.clock()
    log.lastCleaning = result
    this.logLine(
      `brokerlab storage: cleaned ${log.dir}: ${result.recordsBefore} -> ${result.recordsAfter} records, ${result.bytesBefore} -> ${result.bytesAfter} bytes, ${result.tombstonesRemoved} tombstones removed`
    )
    this.onCleaned(log)
    return result
  }
}
