/**
 * ProducerStateManager: the idempotent producers' state of one partition replica (Kafka's
 * org.apache.kafka.storage.internals.log.ProducerStateManager, ProducerStateEntry and the
 * idempotence part of ProducerAppendInfo, KIP-98): per producer id its epoch and the metadata of
 * its last 5 batches (first and last sequence, first and last offset, max timestamp), kept from
 * every batch with a producer id the log appends, as leader or follower, and checked on leader
 * appends from clients:
 * - a batch whose epoch and sequence range equal one of the last 5 batches' is a duplicate (a
 *   producer's retry): answered with that batch's offsets, nothing appended (Kafka's
 *   findDuplicateBatch);
 * - an epoch below the producer's current one: INVALID_PRODUCER_EPOCH (Kafka >= 2.7);
 * - a new (higher) epoch must start at sequence 0, and within an epoch the first sequence must
 *   follow the last (lastSeq + 1, wrapping after Int32 max to 0): OUT_OF_ORDER_SEQUENCE_NUMBER;
 * - a producer id this partition has no state for (new, or its state expired or went with
 *   retention) is accepted at any sequence, as Kafka does since 2.5 (KIP-360): the broker never
 *   answers UNKNOWN_PRODUCER_ID for it.
 * Followers apply the same batches without the checks (Kafka's AppendOrigin.REPLICATION), so a
 * new leader already has the state.
 *
 * Durability: snapshots `<20-digit offset>.snapshot` (producer-snapshot-file.ts, Kafka's format v1)
 * of the state covering the offsets below their offset, taken at segment roll and clean shutdown;
 * at open and after truncation the state is the latest snapshot at or below the log end offset plus
 * the batches after it, read from the log's batch headers (an unclean shutdown loses nothing: the
 * log is the truth). A snapshot keeps only each producer's last batch, as Kafka's does, so after a
 * reload duplicates are found for the last batch replayed from the snapshot and all those after.
 * Producers idle for producer.id.expiration.ms (default 86400000) are removed (Kafka's
 * removeExpiredProducers); snapshots below the log start offset are deleted with their segments.
 *
 * Must stay true: `mapEndOffset` is the offset up to which the state reflects the log (exclusive);
 * checking a leader append changes nothing (update comes after the append succeeded); every
 * snapshot file's offset is <= the log end offset after truncation; each change is one synchronous
 * step on the engine's loop.
 */
import { KafkaError, StorageError } from '../model/errors'
import {
  deleteProducerSnapshot,
  listProducerSnapshots,
  readProducerSnapshot,
  writeProducerSnapshot,
  type ProducerSnapshotEntry
} from './producer-snapshot-file'

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
export const NUM_BATCHES_TO_RETAIN = 5
/** Kafka's producer.id.expiration.ms default (1 day). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000
/** Kafka's RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH / NO_SEQUENCE. */
export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1

/** Metadata of one appended batch of a producer (Kafka's BatchMetadata). Offsets, sequences; timestamp in ms. */
export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
  /** Max timestamp of the batch (ms). */
  timestamp: number
}

/** One producer's state on a partition (Kafka's ProducerStateEntry). */
export interface ProducerStateEntry {
  producerId: number
  producerEpoch: number
  /** The last batches, oldest first, at most NUM_BATCHES_TO_RETAIN; cleared when the epoch changes. */
  batches: BatchMetadata[]
  /** Max timestamp (ms) of the last batch: what expiration measures idleness from. */
  lastTimestamp: number
  coordinatorEpoch: number
}

/** The producer fields of one batch to check or apply. Offsets as stamped (or to be stamped). */
export interface ProducerBatch {
  producerId: number
  producerEpoch: number
  baseSequence: number
  /** Records in the batch (a compacted batch may hold fewer than its offset range, even 0). */
  count: number
  firstOffset: number
  lastOffset: number
  /** Max timestamp (ms). */
  maxTimestamp: number
}

/** How a ProducerStateManager is set up. */
export interface ProducerStateOptions {
  /** producer.id.expiration.ms (default 86400000). */
  producerIdExpirationMs?: number
  /** Where snapshot problems are logged. */
  log?: (line: string) => void
}

/** Reads the batch headers of the log from `fromOffset` on and hands each batch with a producer id to `apply`. */
export type ProducerBatchSource = (fromOffset: number, apply: (b: ProducerBatch) => void) => void

/** Kafka's DefaultRecordBatch.incrementSequence. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > 0x7fffffff - increment) return increment - (0x7fffffff - sequence) - 1
  return sequence + increment
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === 0x7fffffff)
}

/**
 * The batch's last sequence: baseSequence + lastOffsetDelta (Kafka's DefaultRecordBatch.lastSequence),
 * not + count - 1, so a batch the log cleaner emptied or thinned keeps its last sequence.
 */
function lastSeqOf(b: ProducerBatch): number {
  return incrementSequence(b.baseSequence, b.lastOffset - b.firstOffset)
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>()
  private snapshots: number[]
  private readonly expirationMs: number
  private readonly logLine: (line: string) => void
  /** The state reflects the log below this offset (Kafka's lastMapOffset). */
  private lastMapOffset = 0
  private lastSnapOffset = 0

  /** The manager of the partition directory `dir` (its snapshot files are listed, not read yet). */
  constructor(
    readonly dir: string,
    readonly topicPartition: string,
    opts: ProducerStateOptions = {}
  ) {
    this.expirationMs = opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS
    this.logLine = opts.log ?? ((l) => console.warn(l))
    this.snapshots = listProducerSnapshots(dir)
  }

  /** The offset below which the state reflects the log (exclusive). */
  get mapEndOffset(): number {
    return this.lastMapOffset
  }

  /** Offsets of the snapshot files, ascending. */
  snapshotOffsets(): number[] {
    return [...this.snapshots]
  }

  /** The state of `producerId`, or undefined (a copy). */
  lastEntry(producerId: number): ProducerStateEntry | undefined {
    const e = this.producers.get(producerId)
    return e && { ...e, batches: e.batches.map((b) => ({ ...b })) }
  }

  /** Every producer's state (copies), by producer id ascending. */
  activeProducers(): ProducerStateEntry[] {
    return [...this.producers.keys()].sort((a, b) => a - b).map((id) => this.lastEntry(id)!)
  }

  /**
   * Checks a leader append from a client (Kafka's analyzeAndValidateProducerState for
   * AppendOrigin.CLIENT) of `batches` (in order, offsets as they would be stamped) against the
   * state; changes nothing. Returns the duplicate's metadata when a batch repeats one of its
   * producer's last 5 batches (the whole append is then answered with it, nothing appended, as
   * Kafka does), else null.
   * @throws KafkaError INVALID_PRODUCER_EPOCH (an epoch below the current one) or
   *   OUT_OF_ORDER_SEQUENCE_NUMBER (see the module header), naming producer, offset and partition.
   */
  checkLeaderAppend(batches: readonly ProducerBatch[]): BatchMetadata | null {
    // Batches of one request see the ones before them (Kafka's updatedEntry).
    const pending = new Map<number, { epoch: number; lastSeq: number }>()
    for (const b of batches) {
      if (b.producerId === NO_PRODUCER_ID) continue
      const current = this.producers.get(b.producerId)
      const seen = pending.get(b.producerId)
      if (seen === undefined && current !== undefined && current.producerEpoch === b.producerEpoch) {
        const lastSeq = lastSeqOf(b)
        const dup = current.batches.find((m) => m.firstSeq === b.baseSequence && m.lastSeq === lastSeq)
        if (dup) return { ...dup }
      }
      const epoch = seen?.epoch ?? current?.producerEpoch ?? NO_PRODUCER_EPOCH
      if (b.producerEpoch < epoch) {
        throw new KafkaError(
          'INVALID_PRODUCER_EPOCH',
          `Epoch of producer ${b.producerId} at offset ${b.firstOffset} in ${this.topicPartition} is ${b.producerEpoch}, which is smaller than the last seen epoch ${epoch}`
        )
      }
      if (b.producerEpoch !== epoch) {
        if (b.baseSequence !== 0 && epoch !== NO_PRODUCER_EPOCH) {
          throw new KafkaError(
            'OUT_OF_ORDER_SEQUENCE_NUMBER',
            `Invalid sequence number for new epoch of producer ${b.producerId} at offset ${b.firstOffset} in partition ${this.topicPartition}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${epoch} (current producer epoch)`
          )
        }
      } else {
        const last = seen?.lastSeq ?? (current && current.batches.length > 0 ? current.batches[current.batches.length - 1].lastSeq : NO_SEQUENCE)
        if (epoch !== NO_PRODUCER_EPOCH && !inSequence(last, b.baseSequence)) {
          throw new KafkaError(
            'OUT_OF_ORDER_SEQUENCE_NUMBER',
            `Out of order sequence number for producer ${b.producerId} at offset ${b.firstOffset} in partition ${this.topicPartition}: ${b.baseSequence} (incoming seq. number), ${last} (current end sequence number)`
          )
        }
      }
      pending.set(b.producerId, { epoch: b.producerEpoch, lastSeq: lastSeqOf(b) })
    }
    return null
  }

  /**
   * Applies one appended batch (leader after its append, follower, replay of the log): a new epoch
   * clears the producer's batch metadata, the batch joins its last 5. Batches without a producer id
   * only move mapEndOffset.
   */
  update(b: ProducerBatch): void {
    if (b.producerId !== NO_PRODUCER_ID) {
      let e = this.producers.get(b.producerId)
      if (!e) {
        e = { producerId: b.producerId, producerEpoch: b.producerEpoch, batches: [], lastTimestamp: b.maxTimestamp, coordinatorEpoch: -1 }
        this.producers.set(b.producerId, e)
      }
      if (e.producerEpoch !== b.producerEpoch) {
        e.producerEpoch = b.producerEpoch
        e.batches = []
      }
      e.batches.push({ firstSeq: b.baseSequence, lastSeq: lastSeqOf(b), firstOffset: b.firstOffset, lastOffset: b.lastOffset, timestamp: b.maxTimestamp })
      if (e.batches.length > NUM_BATCHES_TO_RETAIN) e.batches.shift()
      e.lastTimestamp = b.maxTimestamp
    }
    if (b.lastOffset + 1 > this.lastMapOffset) this.lastMapOffset = b.lastOffset + 1
  }

  /** Moves mapEndOffset to `offset` (after an append of batches without producers, as Kafka's updateMapEndOffset). */
  updateMapEndOffset(offset: number): void {
    this.lastMapOffset = offset
  }

  /**
   * Writes a snapshot at mapEndOffset when none is there yet (Kafka's takeSnapshot; at segment roll
   * and clean shutdown).
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written.
   */
  takeSnapshot(): void {
    if (this.lastMapOffset <= this.lastSnapOffset && this.snapshots.includes(this.lastMapOffset)) return
    writeProducerSnapshot(this.dir, this.lastMapOffset, this.snapshotEntries())
    if (!this.snapshots.includes(this.lastMapOffset)) {
      this.snapshots.push(this.lastMapOffset)
      this.snapshots.sort((a, b) => a - b)
    }
    this.lastSnapOffset = this.lastMapOffset
  }

  private snapshotEntries(): ProducerSnapshotEntry[] {
    return this.activeProducers().map((e) => {
      const last = e.batches[e.batches.length - 1]
      return {
        producerId: e.producerId,
        producerEpoch: e.producerEpoch,
        lastSequence: last?.lastSeq ?? NO_SEQUENCE,
        lastOffset: last?.lastOffset ?? -1,
        offsetDelta: last ? last.lastSeq - last.firstSeq : 0,
        timestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: -1
      }
    })
  }

  /**
   * Rebuilds the state for a log holding [logStartOffset, logEndOffset) (Kafka's truncateAndReload
   * plus the log replay of UnifiedLog.loadProducerState): snapshots above logEndOffset are deleted,
   * the latest one at or below it is loaded (producers expired at `now` dropped; a corrupt one is
   * logged, deleted and the next older tried), then `source` replays the batches from its offset (or
   * from logStartOffset without one) to the log end.
   */
  truncateAndReload(logStartOffset: number, logEndOffset: number, now: number, source: ProducerBatchSource): void {
    for (const s of this.snapshots.filter((o) => o > logEndOffset)) this.removeSnapshot(s)
    if (logEndOffset === this.lastMapOffset && this.producers.size > 0) return
    this.producers.clear()
    let from = logStartOffset
    for (;;) {
      const latest = this.snapshots[this.snapshots.length - 1]
      if (latest === undefined) break
      try {
        for (const e of readProducerSnapshot(this.dir, latest)) {
          if (now - e.timestamp >= this.expirationMs) continue
          this.producers.set(e.producerId, {
            producerId: e.producerId,
            producerEpoch: e.producerEpoch,
            batches:
              e.lastOffset >= 0
                ? [{ firstSeq: e.lastSequence - e.offsetDelta, lastSeq: e.lastSequence, firstOffset: e.lastOffset - e.offsetDelta, lastOffset: e.lastOffset, timestamp: e.timestamp }]
                : [],
            lastTimestamp: e.timestamp,
            coordinatorEpoch: e.coordinatorEpoch
          })
        }
        from = Math.max(latest, logStartOffset)
        this.lastSnapOffset = latest
        break
      } catch (err) {
        if (!(err instanceof StorageError)) throw err
        this.logLine(`brokerlab storage: ignoring producer snapshot of ${this.topicPartition}: ${err.message}; rebuilding from the log`)
        this.producers.clear()
        this.removeSnapshot(latest)
      }
    }
    if (this.snapshots.length === 0) this.lastSnapOffset = 0
    this.lastMapOffset = from
    if (from < logEndOffset) source(from, (b) => this.update(b))
    this.lastMapOffset = logEndOffset
  }

  /** Forgets every producer and deletes every snapshot; the state restarts at `offset` (Kafka's truncateFullyAndStartAt). */
  truncateFullyAndStartAt(offset: number): void {
    this.producers.clear()
    for (const s of [...this.snapshots]) this.removeSnapshot(s)
    this.lastSnapOffset = 0
    this.lastMapOffset = offset
  }

  /** Deletes the snapshots below `offset` (Kafka's deleteSnapshotsBefore: retention deleted their segments). */
  deleteSnapshotsBefore(offset: number): void {
    for (const s of this.snapshots.filter((o) => o < offset)) this.removeSnapshot(s)
  }

  /** Removes the producers idle for producer.id.expiration.ms at `now` (ms; Kafka's removeExpiredProducers). Returns how many. */
  removeExpiredProducers(now: number): number {
    let n = 0
    for (const [id, e] of this.producers) {
      if (now - e.lastTimestamp >= this.expirationMs) {
        this.producers.delete(id)
        n++
      }
    }
    return n
  }

  private removeSnapshot(offset: number): void {
    deleteProducerSnapshot(this.dir, offset)
    this.snapshots = this.snapshots.filter((o) => o !== offset)
  }
}
