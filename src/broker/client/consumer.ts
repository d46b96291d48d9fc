/**
 * Consumer: the in-process consumer's read path (after Kafka's Fetcher in the Java client): reads a
 * partition from its leader's ReplicaManager, as raw record batches never past the high watermark,
 * and decodes them into records here (decoding belongs to the reader, not the broker), each
 * carrying the header facts of its batch (producer, sequence, codec, leader epoch); fetchBatches
 * hands the batches over undecoded, for readers that match bytes in place (the message search). It follows
 * the leader: when a read answers NOT_LEADER_OR_FOLLOWER (leadership moved, e.g. away from a
 * corrupt log), it asks the metadata again and reads from the new leader.
 *
 * fetch reads the leader's log in steps sized to the records still wanted (about maxRecords' worth
 * of bytes at the size seen so far, at least FIRST_READ_BYTES, never past maxBytes), so a fetch
 * bounded by maxRecords copies about what it decodes.
 *
 * Must stay true: records come back in offset order, from the requested offset, below the high
 * watermark; only the first batch of a fetch may take it past maxBytes; at most one retry per
 * replica of the partition.
 */
import { KafkaError } from '../model/errors'
import type { ConsumerRecord, FetchedBatches } from '../cluster/cluster-api'
import type { ReplicaManager } from '../server/replica-manager'
import { batchLastOffset, batchSize, readBatchRecords } from '../codec/record-batch'
import { RecordsReader } from '../codec/record-decoder'
import { readBatchInfo, recordSequence } from '../codec/batch-info'

/** Kafka's max.partition.fetch.bytes default, used as fetch()'s default maxBytes. */
export const DEFAULT_FETCH_MAX_BYTES = 1048576
/** Kafka's max.poll.records default, used as fetch()'s default maxRecords. */
export const DEFAULT_FETCH_MAX_RECORDS = 500

/** Bytes of batches fetch() asks the leader for first (less when maxBytes is less). */
export const FIRST_READ_BYTES = 65536
/** fetch()'s later reads ask for the bytes the records still wanted take at the rate seen so far, times this. */
const NEXT_READ_MARGIN = 1.1

/** What the consumer needs from the cluster. */
export interface ConsumerEnv {
  /** The running leader's ReplicaManager of `topic`-`partition`. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE. */
  leaderOf(topic: string, partition: number): ReplicaManager
  /** How many replicas the partition has (bounds the retries). */
  replicaCount(topic: string, partition: number): number
}

/** A fetch's answer. */
export interface FetchAnswer {
  records: ConsumerRecord[]
  highWatermark: number
  logStartOffset: number
  /** Offset to fetch next. */
  nextOffset: number
}

/** The in-process consumer's reads. */
export class Consumer {
  constructor(private readonly env: ConsumerEnv) {}

  /**
   * Reads `topic`-`partition` from `offset`, up to maxRecords (default 500) / maxBytes of batches
   * (default 1048576; at least one batch), never at or past the high watermark.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, OFFSET_OUT_OF_RANGE when
   *   offset < log start offset or > log end offset, CORRUPT_MESSAGE naming file and position.
   */
  fetch(topic: string, partition: number, offset: number, opts?: { maxRecords?: number; maxBytes?: number }): FetchAnswer {
    const maxRecords = opts?.maxRecords ?? DEFAULT_FETCH_MAX_RECORDS
    const maxBytes = opts?.maxBytes ?? DEFAULT_FETCH_MAX_BYTES
    return this.withLeader(topic, partition, (rm) => {
      const records: ConsumerRecord[] = []
      let bytes = 0
      // Read in steps sized to what is still wanted (the first FIRST_READ_BYTES, then by the bytes
      // per record seen so far), so that a fetch bounded by maxRecords does not copy maxBytes of
      // batches out of the log only to decode a part of them.
      let result = rm.fetchForConsumer(topic, partition, offset, Math.min(maxBytes, FIRST_READ_BYTES))
      let next = offset
      for (let first = true; ; first = false) {
        const buf = result.batches
        // Only the first batch of a fetch may exceed maxBytes (Kafka's "at least one batch").
        if (!first && buf.length > 0 && batchSize(buf, 0) > maxBytes - bytes) break
        let p = 0
        while (p < buf.length && records.length < maxRecords) {
          decodeConsumerRecords(topic, partition, buf, p, next, result.highWatermark, records)
          next = batchLastOffset(buf, p) + 1
          p += batchSize(buf, p)
        }
        bytes += p
        if (p === 0 || records.length >= maxRecords || bytes >= maxBytes || next >= result.highWatermark) break
        const left = maxBytes - bytes
        const wanted = records.length === 0 ? left : Math.ceil(((maxRecords - records.length) * bytes * NEXT_READ_MARGIN) / records.length)
        result = rm.fetchForConsumer(topic, partition, next, Math.min(left, Math.max(FIRST_READ_BYTES, wanted)))
      }
      if (records.length > maxRecords) records.length = maxRecords
      const nextOffset = records.length ? records[records.length - 1].offset + 1 : offset
      return { records, highWatermark: result.highWatermark, logStartOffset: result.logStartOffset, nextOffset }
    })
  }

  /**
   * Reads `topic`-`partition` from `offset` as the raw record batches the leader stores (whole
   * batches from the one holding `offset`, about `maxBytes`, at least one batch, never at or past the
   * high watermark; empty there), for readers that match bytes in place instead of decoding every
   * record (the message search). The first batch may start before `offset`.
   * @throws KafkaError as fetch does.
   */
  fetchBatches(topic: string, partition: number, offset: number, maxBytes: number): FetchedBatches {
    return this.withLeader(topic, partition, (rm) => {
      const r = rm.fetchForConsumer(topic, partition, offset, maxBytes)
      return { batches: r.batches, highWatermark: r.highWatermark, logStartOffset: r.logStartOffset }
    })
  }

  /** Kafka's ListOffsets through the leader (see ReplicaManager.listOffset). */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    return this.withLeader(topic, partition, (rm) => rm.listOffset(topic, partition, spec))
  }

  private withLeader<T>(topic: string, partition: number, read: (rm: ReplicaManager) => T): T {
    const tries = this.env.replicaCount(topic, partition)
    for (let i = 0; ; i++) {
      const rm = this.env.leaderOf(topic, partition)
      try {
        return read(rm)
      } catch (e) {
        if (i < tries && e instanceof KafkaError && e.code === 'NOT_LEADER_OR_FOLLOWER') continue
        throw e
      }
    }
  }
}

/**
 * Decodes the records of the batch at `pos` in `buf` with minOffset <= offset < maxOffset into
 * ConsumerRecords of `topic`-`partition`, appended to `out` (keys, values and header values are
 * views into `buf`), each with its batch's header facts and its own sequence number. Builds each
 * ConsumerRecord straight from the decoded values (a RecordsReader), with no intermediate record.
 * @throws KafkaError CORRUPT_MESSAGE when the batch does not decode.
 */
function decodeConsumerRecords(topic: string, partition: number, buf: Buffer, pos: number, minOffset: number, maxOffset: number, out: ConsumerRecord[]): void {
  const batch = readBatchInfo(buf, pos)
  const baseSequence = batch.baseSequence
  const baseOffset = batch.baseOffset
  const r = readBatchRecords(buf, pos, reader, minOffset, maxOffset)
  while (r.next()) {
    const offset = r.offset
    out.push({
      topic,
      partition,
      offset,
      timestamp: r.timestamp,
      key: r.key,
      value: r.value,
      headers: r.headers,
      sizeBytes: r.payloadBytes,
      batch,
      sequence: baseSequence < 0 ? -1 : recordSequence(baseSequence, baseOffset, offset)
    })
  }
}

/** The consumer's records reader (decoding calls nothing else while stepping, so one is enough). */
const reader = new RecordsReader()
