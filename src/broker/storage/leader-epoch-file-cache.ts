/**
 * LeaderEpochFileCache: a replica's leader-epoch -> start-offset map (KIP-101, KIP-279), Kafka's
 * org.apache.kafka.storage.internals.epoch.LeaderEpochFileCache, persisted in the partition's
 * `leader-epoch-checkpoint` (LeaderEpochCheckpointFile). Each entry says "leader epoch E wrote its
 * first record at offset S"; with it a follower asks its leader where its last epoch ended
 * (OffsetsForLeaderEpoch, endOffsetFor) and truncates to that divergence point instead of to its
 * high watermark.
 *
 * Must stay true:
 * - Entries are strictly increasing in epoch and in start offset (assign drops the entries that a new
 *   one contradicts, as Kafka's maybeTruncateNonMonotonicEntries does); epochs and offsets are >= 0.
 * - The file always holds at least what the cache held before an assign: every change is written
 *   (durably, synchronously: Kafka writes assigns synchronously and truncations asynchronously; this
 *   engine's truncations are rare, so they are written at once too). A cache without a file (null
 *   checkpoint) lives in memory only.
 * - Nothing here reads the log: UnifiedLog keeps the cache in step with it (appends, truncation, log
 *   start moves, recovery, deletion).
 */
import type { EpochEntry, LeaderEpochCheckpointFile } from './leader-epoch-checkpoint-file'

export type { EpochEntry } from './leader-epoch-checkpoint-file'

/** Kafka's OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH: no such epoch. */
export const UNDEFINED_EPOCH = -1
/** Kafka's OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET: no end offset known. */
export const UNDEFINED_EPOCH_OFFSET = -1

/** What endOffsetFor answers (Kafka's OffsetsForLeaderEpoch partition result). */
export interface EpochEndOffset {
  /** The largest known epoch <= the requested one, the requested one, or UNDEFINED_EPOCH (-1). */
  epoch: number
  /** Offset (exclusive) where that epoch ended, or UNDEFINED_EPOCH_OFFSET (-1). */
  endOffset: number
}

function checkEntry(epoch: number, startOffset: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > 0x7fffffff || !Number.isSafeInteger(startOffset) || startOffset < 0) {
    // Kafka: IllegalArgumentException "Received invalid partition leader epoch entry".
    throw new RangeError(`invalid leader epoch entry (epoch ${epoch}, start offset ${startOffset}): the epoch must be an int32 >= 0 and the start offset an offset >= 0`)
  }
}

const sameEntries = (a: readonly EpochEntry[], b: readonly EpochEntry[]): boolean =>
  a.length === b.length && a.every((e, i) => e.epoch === b[i].epoch && e.startOffset === b[i].startOffset)

export class LeaderEpochFileCache {
  /** Sorted by epoch (and so by start offset). */
  private epochs: EpochEntry[] = []
  private readonly checkpoint: LeaderEpochCheckpointFile | null
  private readonly logLine: (line: string) => void

  /**
   * A cache holding `entries` (as read from the checkpoint; applied in order as assign would, so an
   * out-of-order file still yields a monotonic cache), written to `checkpoint` on every change.
   * Nothing is written by the constructor.
   * @throws RangeError for an entry with a negative epoch or start offset.
   */
  constructor(checkpoint: LeaderEpochCheckpointFile | null, entries: readonly EpochEntry[] = [], log?: (line: string) => void) {
    this.checkpoint = checkpoint
    this.logLine = log ?? ((l) => console.warn(l))
    for (const e of entries) this.assignEntry(e.epoch, e.startOffset)
  }

  /**
   * Records that leader epoch `epoch` starts at `startOffset` (Kafka's assign). No-op when the latest
   * entry is that epoch starting at or before `startOffset` (an epoch keeps its first offset).
   * Otherwise entries the new one contradicts (an epoch >= `epoch` or a start offset >=
   * `startOffset`) are dropped first, logged when that removes more than a just-started epoch, and the
   * file is written. Returns true when the cache changed.
   * @throws RangeError for a negative epoch or start offset; StorageError KAFKA_STORAGE_ERROR when
   *   the file cannot be written (the cache holds the new entry then).
   */
  assign(epoch: number, startOffset: number): boolean {
    if (!this.assignEntry(epoch, startOffset)) return false
    this.flush()
    return true
  }

  private assignEntry(epoch: number, startOffset: number): boolean {
    checkEntry(epoch, startOffset)
    const latest = this.latestEntry()
    if (latest !== null && latest.epoch === epoch && latest.startOffset <= startOffset) return false
    const removed: EpochEntry[] = []
    while (this.epochs.length > 0) {
      const last = this.epochs[this.epochs.length - 1]
      if (last.epoch < epoch && last.startOffset < startOffset) break
      removed.unshift(this.epochs.pop()!)
    }
    if (removed.length > 1 || (removed.length === 1 && removed[0].startOffset !== startOffset)) {
      this.logLine(
        `brokerlab storage: leader epoch entry (${epoch}, ${startOffset}) truncated conflicting entries ${removed.map((e) => `(${e.epoch}, ${e.startOffset})`).join(' ')}`
      )
    }
    this.epochs.push({ epoch, startOffset })
    return true
  }

  /** The latest epoch that has an entry (the epoch of the last records written), or null when empty. */
  get latestEpoch(): number | null {
    return this.latestEntry()?.epoch ?? null
  }

  /** The entry of the latest epoch, or null when empty. */
  latestEntry(): EpochEntry | null {
    const e = this.epochs[this.epochs.length - 1]
    return e === undefined ? null : { ...e }
  }

  /** The entry of the earliest epoch, or null when empty. */
  earliestEntry(): EpochEntry | null {
    const e = this.epochs[0]
    return e === undefined ? null : { ...e }
  }

  /** True when the cache has at least one entry. */
  get nonEmpty(): boolean {
    return this.epochs.length > 0
  }

  /** Every entry, oldest epoch first (copies). */
  epochEntries(): EpochEntry[] {
    return this.epochs.map((e) => ({ ...e }))
  }

  /**
   * The epoch that wrote `offset`: the epoch of the last entry starting at or before it, or null
   * when `offset` is below the first entry (Kafka's epochForOffset).
   */
  epochForOffset(offset: number): number | null {
    let previous: number | null = null
    for (const e of this.epochs) {
      if (e.startOffset === offset) return e.epoch
      if (e.startOffset > offset) return previous
      previous = e.epoch
    }
    return previous
  }

  /**
   * Kafka's endOffsetFor (the OffsetsForLeaderEpoch answer): for `requestedEpoch` and this replica's
   * `logEndOffset`, the largest epoch <= the requested one and the offset where it ended, which is
   * the start offset of the first epoch above the requested one, or `logEndOffset` when the requested
   * epoch is the latest. A requested epoch below every entry gets itself and the first entry's start
   * offset (the data before it is gone). UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET (-1, -1) for
   * UNDEFINED_EPOCH, an empty cache, or an epoch above the latest.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET }
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult
    const latest = this.latestEntry()
    if (latest !== null && latest.epoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset }
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch)
    if (higher === undefined) return undefinedResult
    let floor: EpochEntry | undefined
    for (const e of this.epochs) if (e.epoch <= requestedEpoch) floor = e
    if (floor === undefined) return { epoch: requestedEpoch, endOffset: higher.startOffset }
    return { epoch: floor.epoch, endOffset: higher.startOffset }
  }

  /**
   * Removes every entry starting at or after `endOffset` (the log was truncated to `endOffset`;
   * Kafka's truncateFromEnd). No-op for a negative `endOffset`. Writes the file when it changed.
   * @throws StorageError KAFKA_STORAGE_ERROR when the file cannot be written.
   */
  truncateFromEnd(endOffset: number): void {
    if (endOffset < 0) return
    const before = this.epochs.length
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= endOffset) this.epochs.pop()
    if (this.epochs.length !== before) this.flush()
  }

  /**
   * Drops the entries wholly below the new log start offset `startOffset`: every entry starting at
   * or before it goes, and the last of them comes back starting at `startOffset` (so truncateFromStart(6)
   * keeps an entry at 6; Kafka's truncateFromStart). Writes the file when it changed.
   * @throws StorageError KAFKA_STORAGE_ERROR when the file cannot be written.
   */
  truncateFromStart(startOffset: number): void {
    let n = 0
    while (n < this.epochs.length && this.epochs[n].startOffset <= startOffset) n++
    if (n === 0) return
    const before = this.epochs
    const kept = { epoch: before[n - 1].epoch, startOffset }
    this.epochs = [kept, ...before.slice(n)]
    if (!sameEntries(before, this.epochs)) this.flush()
  }

  /** Removes every entry and writes the (empty) file (Kafka's clearAndFlush). @throws StorageError when it cannot be written. */
  clearAndFlush(): void {
    this.epochs = []
    this.flush()
  }

  /** Writes the entries to the checkpoint file (no-op without one). @throws StorageError KAFKA_STORAGE_ERROR when it cannot be written. */
  flush(): void {
    this.checkpoint?.write(this.epochs)
  }
}
