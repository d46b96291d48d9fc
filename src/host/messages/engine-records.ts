/**
 * The message browser's one door into the engine: every read of records, offsets and partitions
 * by the browse, tail, search and export code goes through these functions, so the engine's read
 * paths are swapped here and nowhere else: readChunk (ClusterApi.fetch, records decoded into
 * objects) for browse, tail and export pages, readBatches (ClusterApi.fetchBatches, the raw record
 * batches as stored) for the search, which matches bytes in place and decodes only its matches.
 *
 * Must stay true: reads never pass the high watermark (ClusterApi.fetch guarantees it) and never
 * change engine state; every function is synchronous (one step of the engine's loop) and bounded by
 * the records / bytes it is asked for.
 */
import type { ClusterApi, ConsumerRecord } from '../../broker/cluster/cluster-api'
import type { PartitionRange, StartPosition } from '../../shared/contract'
import { KafkaError } from '../../broker/model/errors'

export type { ConsumerRecord }

/** One bounded read of a partition: records at or after the offset asked for, and where to continue. */
export interface RecordChunk {
  records: ConsumerRecord[]
  /** Offset to read next (the offset asked for when nothing was read). */
  nextOffset: number
  highWatermark: number
  logStartOffset: number
}

/**
 * Reads up to `maxRecords` records / about `maxBytes` bytes of partition `partition` from `offset`
 * (at least one record when any is below the high watermark).
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, OFFSET_OUT_OF_RANGE (below the
 *   log start offset, e.g. retention deleted it meanwhile).
 */
export function readChunk(
  cluster: ClusterApi,
  topic: string,
  partition: number,
  offset: number,
  maxRecords: number,
  maxBytes: number
): RecordChunk {
  return cluster.fetch(topic, partition, offset, { maxRecords, maxBytes })
}

/** One bounded read of a partition as raw record batches v2 (see readBatches). */
export interface BatchChunk {
  /** Whole batches back to back; the first may start before the offset asked for; empty at the high watermark. */
  batches: Buffer
  highWatermark: number
  logStartOffset: number
}

/**
 * Reads the record batches of partition `partition` from the one holding `offset`, about `maxBytes`
 * bytes (at least one batch when any is below the high watermark), never past the high watermark.
 * @throws KafkaError as readChunk.
 */
export function readBatches(cluster: ClusterApi, topic: string, partition: number, offset: number, maxBytes: number): BatchChunk {
  return cluster.fetchBatches(topic, partition, offset, maxBytes)
}

/** The partition numbers of `topic`, ascending. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
export function topicPartitions(cluster: ClusterApi, topic: string): number[] {
  return cluster
    .describeTopic(topic)
    .partitions.map((p) => p.partition)
    .sort((a, b) => a - b)
}

/**
 * The partitions to read: all of the topic's (`selected` null) or the ones named, checked.
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION naming a partition the topic does not have.
 */
export function selectPartitions(cluster: ClusterApi, topic: string, selected: readonly number[] | null): number[] {
  const all = topicPartitions(cluster, topic)
  if (selected === null) return all
  const have = new Set(all)
  for (const p of selected)
    if (!have.has(p))
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${topic} has no partition ${p} (it has ${all.length} partitions, 0 to ${all.length - 1})`)
  return [...new Set(selected)].sort((a, b) => a - b)
}

/** [log start offset, high watermark) of a partition now. */
export function partitionRange(cluster: ClusterApi, topic: string, partition: number): PartitionRange {
  const logStartOffset = cluster.listOffset(topic, partition, 'earliest') ?? 0
  const highWatermark = cluster.listOffset(topic, partition, 'latest') ?? logStartOffset
  return { partition, logStartOffset, highWatermark }
}

/**
 * The offset `position` names in a partition whose readable range is `range`, within it:
 * earliest = log start offset, latest = high watermark, an offset brought into the range, a
 * timestamp = the first offset whose timestamp >= T (Kafka's ListOffsets; the high watermark when
 * none), per-partition offsets = this partition's (its log start offset when it is not named).
 */
export function resolvePosition(cluster: ClusterApi, topic: string, range: PartitionRange, position: StartPosition): number {
  const clamp = (o: number) => Math.min(Math.max(o, range.logStartOffset), range.highWatermark)
  switch (position.kind) {
    case 'earliest':
      return range.logStartOffset
    case 'latest':
      return range.highWatermark
    case 'offset':
      return clamp(position.offset)
    case 'offsets': {
      const o = position.offsets[range.partition]
      return o === undefined ? range.logStartOffset : clamp(o)
    }
    case 'timestamp':
      return clamp(cluster.listOffset(topic, range.partition, { timestamp: position.timestamp }) ?? range.highWatermark)
  }
}
