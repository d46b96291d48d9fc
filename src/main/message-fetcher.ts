/**
 * The message browser's read path (contract request messages/fetch): one partition or all of a
 * topic, from earliest / latest / an offset / a timestamp, a page forwards or backwards, optionally
 * only records whose UTF-8 key contains a text. All partitions are merged by timestamp (ties by
 * partition, then offset), as a consumer of the whole topic would interleave them.
 *
 * Must stay true: reads never pass the high watermark (Cluster.fetch guarantees it); records come
 * back in ascending (timestamp, partition, offset) order for both directions; `nextOffsets[p]` is
 * where a forward page continues and `firstOffsets[p]` where a backward page continues.
 */
import type { RecordView, RequestOf, ResponseOf, StartPosition } from '../shared/contract'
import type { ClusterApi, ConsumerRecord } from '../broker/cluster/cluster-api'
import { toRecordView } from './contract-views'

/** Records read per Cluster.fetch call while scanning. */
const CHUNK = 2000

type FetchRequest = RequestOf<'messages/fetch'>
type FetchResponse = ResponseOf<'messages/fetch'>

/** The first offset to read in `partition` for `start`, within [log start offset, high watermark]. */
export function resolveStart(cluster: ClusterApi, topic: string, partition: number, start: StartPosition): number {
  const earliest = cluster.listOffset(topic, partition, 'earliest') ?? 0
  const latest = cluster.listOffset(topic, partition, 'latest') ?? earliest
  switch (start.kind) {
    case 'earliest':
      return earliest
    case 'latest':
      return latest
    case 'offset':
      return Math.min(Math.max(start.offset, earliest), latest)
    case 'timestamp':
      return cluster.listOffset(topic, partition, { timestamp: start.timestamp }) ?? latest
  }
}

function keyMatcher(keyContains: string | undefined): (r: ConsumerRecord) => boolean {
  if (!keyContains) return () => true
  return (r) => r.key !== null && r.key.toString('utf8').includes(keyContains)
}

/**
 * Scans forward from `from` until `limit` matching records or the high watermark.
 * @returns the matches and the offset after the last scanned record.
 */
function scanForward(
  cluster: ClusterApi,
  topic: string,
  partition: number,
  from: number,
  limit: number,
  match: (r: ConsumerRecord) => boolean
): { records: ConsumerRecord[]; scannedTo: number } {
  const records: ConsumerRecord[] = []
  let offset = from
  for (;;) {
    const res = cluster.fetch(topic, partition, offset, { maxRecords: CHUNK })
    if (res.records.length === 0 || res.nextOffset <= offset) return { records, scannedTo: Math.max(offset, res.nextOffset) }
    for (const r of res.records) {
      if (!match(r)) continue
      records.push(r)
      if (records.length === limit) return { records, scannedTo: r.offset + 1 }
    }
    offset = res.nextOffset
    if (offset >= res.highWatermark) return { records, scannedTo: offset }
  }
}

/**
 * Scans backward from `before` (exclusive) in chunks until `limit` matching records or the log start.
 * @returns the matches (ascending) and the lowest offset scanned.
 */
function scanBackward(
  cluster: ClusterApi,
  topic: string,
  partition: number,
  before: number,
  limit: number,
  match: (r: ConsumerRecord) => boolean
): { records: ConsumerRecord[]; scannedFrom: number } {
  const logStart = cluster.listOffset(topic, partition, 'earliest') ?? 0
  let end = before
  let collected: ConsumerRecord[] = []
  while (end > logStart && collected.length < limit) {
    const from = Math.max(logStart, end - Math.max(CHUNK, limit - collected.length))
    const chunk: ConsumerRecord[] = []
    let offset = from
    while (offset < end) {
      const res = cluster.fetch(topic, partition, offset, { maxRecords: Math.min(CHUNK, end - offset) })
      if (res.records.length === 0 || res.nextOffset <= offset) break
      for (const r of res.records) if (r.offset < end && match(r)) chunk.push(r)
      offset = res.nextOffset
    }
    collected = chunk.concat(collected)
    end = from
  }
  const records = collected.slice(Math.max(0, collected.length - limit))
  return { records, scannedFrom: records.length === limit ? records[0].offset : end }
}

function byTime(a: ConsumerRecord, b: ConsumerRecord): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset
}

/**
 * Serves messages/fetch. Forward: the first `limit` records at or after the start position.
 * Backward: the `limit` records just before it. Validation of the request happens before.
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition.
 */
export function fetchMessages(cluster: ClusterApi, req: FetchRequest): FetchResponse {
  const topic = cluster.describeTopic(req.topic)
  const partitions =
    req.partition === null ? topic.partitions.map((p) => p.partition).sort((a, b) => a - b) : [req.partition]
  if (req.partition !== null && !topic.partitions.some((p) => p.partition === req.partition)) {
    // Let the engine raise its own UNKNOWN_TOPIC_OR_PARTITION.
    cluster.fetch(req.topic, req.partition, 0, { maxRecords: 1 })
  }
  const match = keyMatcher(req.keyContains)
  const backward = req.direction === 'backward'
  const starts = new Map(partitions.map((p) => [p, resolveStart(cluster, req.topic, p, req.start)]))
  const candidates: ConsumerRecord[] = []
  const scanEdge = new Map<number, number>()
  for (const p of partitions) {
    const start = starts.get(p) as number
    if (backward) {
      const s = scanBackward(cluster, req.topic, p, start, req.limit, match)
      candidates.push(...s.records)
      scanEdge.set(p, s.scannedFrom)
    } else {
      const s = scanForward(cluster, req.topic, p, start, req.limit, match)
      candidates.push(...s.records)
      scanEdge.set(p, s.scannedTo)
    }
  }
  candidates.sort(byTime)
  const page = backward ? candidates.slice(Math.max(0, candidates.length - req.limit)) : candidates.slice(0, req.limit)

  const nextOffsets: Record<number, number> = {}
  const firstOffsets: Record<number, number> = {}
  for (const p of partitions) {
    const mine = page.filter((r) => r.partition === p)
    const scannedAny = candidates.some((r) => r.partition === p)
    const start = starts.get(p) as number
    if (mine.length > 0) {
      firstOffsets[p] = mine[0].offset
      nextOffsets[p] = mine[mine.length - 1].offset + 1
    } else if (backward) {
      // Nothing of p on this page: continue backwards from where the scan found nothing more, or stay.
      firstOffsets[p] = scannedAny ? start : (scanEdge.get(p) as number)
      nextOffsets[p] = start
    } else {
      firstOffsets[p] = start
      nextOffsets[p] = scannedAny ? start : (scanEdge.get(p) as number)
    }
  }
  const records: RecordView[] = page.map(toRecordView)
  return { records, nextOffsets, firstOffsets }
}
