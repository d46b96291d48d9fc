/**
 * PartitionReader: reads a topic's partitions from chosen offsets without a consumer group, as
 * `kafka-console-consumer --partition P --offset earliest|latest|N` does (no offsets committed),
 * round-robin over the partitions in bounded chunks. `brokerlab consume` without --group runs on it,
 * once to the high watermarks, or again and again with --follow.
 *
 * Must stay true: each record is handed out once, in offset order per partition, never past the
 * high watermark; an offset N outside [log start offset, high watermark] is refused
 * (OFFSET_OUT_OF_RANGE, naming both ends), never moved silently.
 */
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import { KafkaError } from '../../broker/model/errors'
import { partitionRange, readChunk, selectPartitions, type ConsumerRecord } from './engine-records'

/** Records read per partition per round. */
const ROUND_RECORDS = 500
const ROUND_BYTES = 1024 * 1024

/** Where a reader starts: earliest, latest (only what is written from now on), or an offset. */
export type ReaderStart = 'earliest' | 'latest' | number

/** A group-less reader of some partitions of a topic; see the module comment. */
export class PartitionReader {
  private readonly positions = new Map<number, number>()

  /**
   * @param partitions the partitions to read (null: all of them).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; OFFSET_OUT_OF_RANGE for an offset outside a partition's range.
   */
  constructor(
    private readonly cluster: ClusterApi,
    private readonly topic: string,
    partitions: number[] | null,
    start: ReaderStart
  ) {
    for (const p of selectPartitions(cluster, topic, partitions)) {
      const r = partitionRange(cluster, topic, p)
      if (typeof start === 'number' && (start < r.logStartOffset || start > r.highWatermark))
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `Offset ${start} is out of range for partition ${topic}-${p}: log start offset ${r.logStartOffset}, high watermark ${r.highWatermark}`
        )
      this.positions.set(p, start === 'earliest' ? r.logStartOffset : start === 'latest' ? r.highWatermark : start)
    }
  }

  /**
   * Hands `onRecord` the records below the high watermarks now, at most `max`.
   * @returns how many were handed out.
   */
  poll(max: number, onRecord: (r: ConsumerRecord) => void): number {
    let n = 0
    let progressed = true
    while (n < max && progressed) {
      progressed = false
      for (const [p, position] of this.positions) {
        if (n >= max) break
        const range = partitionRange(this.cluster, this.topic, p)
        // Retention may have deleted what was next: continue at the log start, as a consumer resets.
        const from = Math.max(position, range.logStartOffset)
        if (from >= range.highWatermark) continue
        const chunk = readChunk(this.cluster, this.topic, p, from, Math.min(ROUND_RECORDS, max - n), ROUND_BYTES)
        for (const r of chunk.records) {
          if (n >= max) break
          onRecord(r)
          n++
          this.positions.set(p, r.offset + 1)
          progressed = true
        }
      }
    }
    return n
  }
}
