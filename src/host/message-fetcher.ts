/**
 * The message browser's read path (contract request messages/fetch): one partition or all of a
 * topic, from earliest / an offset / a timestamp / per-partition offsets, a page forwards or
 * backwards, or `latest`: the last `limit` records before the high watermarks (always backwards);
 * optionally only records whose UTF-8 key contains a text. All partitions are merged by timestamp
 * (ties by partition, then offset), as a consumer of the whole topic would interleave them. The page
 * carries each partition's log start offset and high watermark, so the UI can say where it is and
 * disable Previous / Next at the ends. Records are read through messages/engine-records.ts only.
 *
 * A page is bounded twice: at most `limit` records, and at most MESSAGES_PAGE_MAX_BYTES of record
 * payload (key + value + headers, RecordView.sizeBytes; at least one record). Each partition is
 * read lazily by a cursor holding one bounded chunk, and the merge takes the next record from the
 * cursor whose head comes first, so neither the page nor the records held while building it grow
 * with `limit` × record size × partitions.
 *
 * Must stay true: reads never pass the high watermark (Cluster.fetch guarantees it); records come
 * back in ascending (timestamp, partition, offset) order for both directions; each partition's
 * records on a page are consecutive (among matching records) in offset order, so
 * `nextOffsets[p]` is where a forward page continues and `firstOffsets[p]` where a backward page
 * continues, with nothing skipped or repeated, also when a page stopped at the byte bound
 * (`byteLimitReached`).
 */
import type { PartitionRange, RecordView, RequestOf, ResponseOf, StartPosition } from '../shared/contract'
import type { ClusterApi, ConsumerRecord } from '../broker/cluster/cluster-api'
import { toRecordView } from './contract-views'
import { partitionRange, readChunk, resolvePosition, selectPartitions } from './messages/engine-records'

/**
 * Most record payload bytes (key + value + headers) one messages/fetch page carries: 32 MiB. A
 * page travels as base64 in one reply (about 43 MiB of JSON), which stays below the WebSocket's
 * 64 MiB message limit and is far more than a screen of records needs.
 */
export const MESSAGES_PAGE_MAX_BYTES = 32 * 1024 * 1024

/** Most records read per Cluster.fetch call while scanning. */
const CHUNK_RECORDS = 2000
/** What all cursors of one request may hold between fetches, in bytes, shared among partitions (each 64 KiB .. 1 MiB). */
const SCAN_BUFFER_BYTES = 16 * 1024 * 1024

type FetchRequest = RequestOf<'messages/fetch'>
type FetchResponse = ResponseOf<'messages/fetch'>
type Match = (r: ConsumerRecord) => boolean

/** The first offset to read in `partition` for `start`, within [log start offset, high watermark]. */
export function resolveStart(cluster: ClusterApi, topic: string, partition: number, start: StartPosition): number {
  return resolvePosition(cluster, topic, partitionRange(cluster, topic, partition), start)
}

function keyMatcher(keyContains: string | undefined): Match {
  if (!keyContains) return () => true
  return (r) => r.key !== null && r.key.toString('utf8').includes(keyContains)
}

/** Ascending (timestamp, partition, offset). */
function byTime(a: ConsumerRecord, b: ConsumerRecord): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset
}

/** Reads one partition forwards from an offset, one bounded chunk at a time, keeping only matches. */
class ForwardCursor {
  private buffer: ConsumerRecord[] = []
  private at = 0
  private done = false

  constructor(
    private readonly cluster: ClusterApi,
    private readonly topic: string,
    readonly partition: number,
    /** Next offset to fetch. */
    private position: number,
    private readonly match: Match,
    private readonly chunkBytes: number
  ) {}

  /** The next matching record not taken yet, or null at the high watermark. */
  head(): ConsumerRecord | null {
    while (this.at >= this.buffer.length && !this.done) {
      const res = readChunk(this.cluster, this.topic, this.partition, this.position, CHUNK_RECORDS, this.chunkBytes)
      if (res.records.length === 0 || res.nextOffset <= this.position) {
        this.done = true
        break
      }
      this.buffer = res.records.filter(this.match)
      this.at = 0
      this.position = res.nextOffset
      if (this.position >= res.highWatermark) this.done = this.buffer.length === 0
    }
    return this.at < this.buffer.length ? this.buffer[this.at] : null
  }

  take(): void {
    this.at++
  }

  /** Where a forward read continues: the first matching record not taken, else after what was scanned. */
  next(): number {
    return this.at < this.buffer.length ? this.buffer[this.at].offset : this.position
  }
}

/**
 * Reads one partition backwards from an offset (exclusive): chunks of about `chunkBytes` read
 * forwards and served newest first. A chunk holds at most `chunkBytes` of matches (at least one):
 * when a chunk turns out larger, its older records are dropped and read again with the next chunk,
 * whose record count adapts to the record sizes seen.
 */
class BackwardCursor {
  /** Matches of the current chunk, ascending; served from the end. */
  private buffer: ConsumerRecord[] = []
  private records = 64

  constructor(
    private readonly cluster: ClusterApi,
    private readonly topic: string,
    readonly partition: number,
    /** Everything below this offset (exclusive) is still to read. */
    private end: number,
    private readonly logStart: number,
    private readonly match: Match,
    private readonly chunkBytes: number
  ) {}

  /** The newest matching record not taken yet, or null at the log start. */
  head(): ConsumerRecord | null {
    while (this.buffer.length === 0 && this.end > this.logStart) this.readChunk()
    return this.buffer.length ? this.buffer[this.buffer.length - 1] : null
  }

  take(): void {
    this.buffer.pop()
  }

  /** Where a backward read continues (exclusive): above the matches not taken, else where the scan got to. */
  first(): number {
    return this.buffer.length ? this.buffer[this.buffer.length - 1].offset + 1 : this.end
  }

  private readChunk(): void {
    const from = Math.max(this.logStart, this.end - this.records)
    const kept: ConsumerRecord[] = []
    let keptBytes = 0
    let scanned = 0
    let scannedBytes = 0
    let offset = from
    let keptFrom = from
    while (offset < this.end) {
      const res = readChunk(this.cluster, this.topic, this.partition, offset, Math.min(CHUNK_RECORDS, this.end - offset), this.chunkBytes)
      if (res.records.length === 0 || res.nextOffset <= offset) break
      for (const r of res.records) {
        if (r.offset >= this.end) break
        scanned++
        scannedBytes += r.sizeBytes
        if (!this.match(r)) continue
        kept.push(r)
        keptBytes += r.sizeBytes
        // Over the bound: drop the oldest kept records; the next chunk reads them again.
        while (keptBytes > this.chunkBytes && kept.length > 1) {
          const dropped = kept.shift() as ConsumerRecord
          keptBytes -= dropped.sizeBytes
          keptFrom = kept[0].offset
        }
      }
      offset = res.nextOffset
    }
    this.buffer = kept
    this.end = keptFrom
    const average = scanned ? Math.max(1, scannedBytes / scanned) : 1
    this.records = Math.max(1, Math.min(CHUNK_RECORDS, Math.floor(this.chunkBytes / average)))
  }
}

/**
 * Serves messages/fetch. Forward: the first `limit` records at or after the start position.
 * Backward: the `limit` records just before it. Latest: backward from the high watermarks.
 * Either stops early at MESSAGES_PAGE_MAX_BYTES of payload (byteLimitReached). Validation of the
 * request happens before.
 * @param maxPageBytes the page's payload bound (default MESSAGES_PAGE_MAX_BYTES; tests pass a small one)
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition.
 */
export function fetchMessages(cluster: ClusterApi, req: FetchRequest, maxPageBytes = MESSAGES_PAGE_MAX_BYTES): FetchResponse {
  const partitions = selectPartitions(cluster, req.topic, req.partition === null ? null : [req.partition])
  const match = keyMatcher(req.keyContains)
  const backward = req.direction === 'backward' || req.start.kind === 'latest'
  const chunkBytes = Math.max(64 * 1024, Math.min(1024 * 1024, Math.floor(SCAN_BUFFER_BYTES / partitions.length)))
  const ranges: PartitionRange[] = partitions.map((p) => partitionRange(cluster, req.topic, p))
  const starts = new Map(ranges.map((r) => [r.partition, resolvePosition(cluster, req.topic, r, req.start)]))

  const page: ConsumerRecord[] = []
  let bytes = 0
  let byteLimitReached = false
  const nextOffsets: Record<number, number> = {}
  const firstOffsets: Record<number, number> = {}

  if (!backward) {
    const cursors = partitions.map((p) => new ForwardCursor(cluster, req.topic, p, starts.get(p) as number, match, chunkBytes))
    while (page.length < req.limit) {
      let best: ForwardCursor | null = null
      for (const c of cursors) {
        const h = c.head()
        if (h && (!best || byTime(h, best.head() as ConsumerRecord) < 0)) best = c
      }
      if (!best) break
      const r = best.head() as ConsumerRecord
      if (page.length > 0 && bytes + r.sizeBytes > maxPageBytes) {
        byteLimitReached = true
        break
      }
      page.push(r)
      bytes += r.sizeBytes
      best.take()
    }
    for (const c of cursors) {
      const mine = page.filter((r) => r.partition === c.partition)
      firstOffsets[c.partition] = mine.length ? mine[0].offset : (starts.get(c.partition) as number)
      nextOffsets[c.partition] = mine.length ? mine[mine.length - 1].offset + 1 : c.next()
    }
  } else {
    const cursors = ranges.map(
      (r) => new BackwardCursor(cluster, req.topic, r.partition, starts.get(r.partition) as number, r.logStartOffset, match, chunkBytes)
    )
    while (page.length < req.limit) {
      let best: BackwardCursor | null = null
      for (const c of cursors) {
        const h = c.head()
        if (h && (!best || byTime(h, best.head() as ConsumerRecord) > 0)) best = c
      }
      if (!best) break
      const r = best.head() as ConsumerRecord
      if (page.length > 0 && bytes + r.sizeBytes > maxPageBytes) {
        byteLimitReached = true
        break
      }
      page.push(r)
      bytes += r.sizeBytes
      best.take()
    }
    for (const c of cursors) {
      const mine = page.filter((r) => r.partition === c.partition)
      const start = starts.get(c.partition) as number
      // Taken newest first: the last taken of p is its oldest on the page.
      firstOffsets[c.partition] = mine.length ? mine[mine.length - 1].offset : c.first()
      nextOffsets[c.partition] = mine.length ? mine[0].offset + 1 : start
    }
  }
  page.sort(byTime)
  const records: RecordView[] = page.map(toRecordView)
  return { records, nextOffsets, firstOffsets, byteLimitReached, partitions: ranges }
}
