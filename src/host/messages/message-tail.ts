/**
 * The live tail (contract messages/tail): what was written to a topic's partitions since the
 * cursors a previous poll returned. The UI polls it a few times a second; each reply is bounded in
 * records and bytes, and when more was written since the last poll than one reply carries, the
 * newest records are returned and the ones passed over are counted (`skipped`), as `tail -f` shows
 * the end of a file that grows faster than the screen.
 *
 * Must stay true: records come back in ascending (timestamp, partition, offset) order, each at
 * most once over consecutive polls (cursors only move forward), never past the high watermark;
 * a first poll (cursors null) returns nothing and starts at the high watermarks.
 */
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import type { RequestOf, ResponseOf } from '../../shared/contract'
import { toRecordView } from '../contract-views'
import { partitionRange, readChunk, selectPartitions, type ConsumerRecord } from './engine-records'

/** Records one tail reply carries by default, and at most. */
export const TAIL_DEFAULT_RECORDS = 500
/** Payload bytes one tail reply carries by default and at most: 4 MiB. */
export const TAIL_MAX_BYTES = 4 * 1024 * 1024

/**
 * Serves messages/tail: per partition, the records from its cursor to the high watermark; when the
 * records to show are more than the reply's share (maxRecords / maxBytes divided over the
 * partitions that have new records), only the newest of them.
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION.
 */
export function tailMessages(cluster: ClusterApi, req: RequestOf<'messages/tail'>): ResponseOf<'messages/tail'> {
  const partitions = selectPartitions(cluster, req.topic, req.partitions)
  const ranges = partitions.map((p) => partitionRange(cluster, req.topic, p))
  const cursors: Record<number, number> = {}
  if (req.cursors === null) {
    for (const r of ranges) cursors[r.partition] = r.highWatermark
    return { records: [], cursors, partitions: ranges, skipped: 0 }
  }
  const maxRecords = req.maxRecords ?? TAIL_DEFAULT_RECORDS
  const maxBytes = Math.min(req.maxBytes ?? TAIL_MAX_BYTES, TAIL_MAX_BYTES)
  // A partition not in the cursors (added since) starts at its log start offset.
  const from = new Map(ranges.map((r) => [r.partition, Math.min(Math.max(req.cursors?.[r.partition] ?? r.logStartOffset, r.logStartOffset), r.highWatermark)]))
  const fresh = ranges.filter((r) => r.highWatermark > (from.get(r.partition) as number))
  const shareRecords = Math.max(1, Math.floor(maxRecords / Math.max(1, fresh.length)))
  const shareBytes = Math.max(1, Math.floor(maxBytes / Math.max(1, fresh.length)))
  let skipped = 0
  const records: ConsumerRecord[] = []
  for (const r of ranges) {
    let start = from.get(r.partition) as number
    cursors[r.partition] = r.highWatermark
    if (start >= r.highWatermark) continue
    if (r.highWatermark - start > shareRecords) {
      skipped += r.highWatermark - shareRecords - start
      start = r.highWatermark - shareRecords
    }
    const chunk = readChunk(cluster, req.topic, r.partition, start, shareRecords, shareBytes)
    let mine = chunk.records.filter((x) => x.offset < r.highWatermark)
    // Over the byte share: keep the newest that fit (at least one).
    let bytes = mine.reduce((n, x) => n + x.sizeBytes, 0)
    let drop = 0
    while (bytes > shareBytes && drop < mine.length - 1) bytes -= mine[drop++].sizeBytes
    if (drop > 0) mine = mine.slice(drop)
    const readTo = mine.length ? mine[mine.length - 1].offset + 1 : start
    if (readTo < r.highWatermark) {
      // The byte bound stopped the read: jump to the newest records instead.
      const tail = readChunk(cluster, req.topic, r.partition, Math.max(start, r.highWatermark - Math.max(1, mine.length)), shareRecords, shareBytes)
      mine = tail.records.filter((x) => x.offset < r.highWatermark)
    }
    const firstShown = mine.length ? mine[0].offset : r.highWatermark
    skipped += Math.max(0, firstShown - start)
    records.push(...mine)
  }
  records.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
  return { records: records.map(toRecordView), cursors, partitions: ranges, skipped }
}
