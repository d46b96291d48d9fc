/**
 * A page of the message browser loaded in chunks: the page (up to 100,000 records) is fetched as
 * consecutive messages/fetch requests of at most PAGE_CHUNK_RECORDS records, each continuing from
 * the previous chunk's per-partition cursors (`{ kind: 'offsets' }`), so no single reply is large
 * enough to hold the window while it is parsed and shown, and the rows appear as they arrive.
 * Forward chunks continue after the previous one (nextOffsets); backward chunks (and `latest`)
 * continue before it (firstOffsets).
 *
 * The page so far is a PageRows (page-rows.ts): each chunk is added to it without copying the rows
 * before, so a chunk costs the loader O(chunk), however many rows the page already holds.
 *
 * Pure (no Node, no DOM): the renderer's store runs it (utils/message-paging.ts).
 *
 * Must stay true: the chunks together are exactly the page one request of `limit` records would
 * give (the host's merge continues from cursors), in ascending (timestamp, partition, offset)
 * order; the page's cursors are the first chunk's and the last chunk's; the chunks' payload stays
 * within MESSAGES_PAGE_MAX_BYTES in total (each asks for what is left).
 */
import type { PartitionRange, RecordView, RequestOf, ResponseOf, StartPosition } from './contract'
import { PageRows } from './page-rows'

/** Records per chunk. */
export const PAGE_CHUNK_RECORDS = 1000
/** A page's payload bound, as the host's (32 MiB). */
export const PAGE_MAX_BYTES = 32 * 1024 * 1024

type FetchReq = RequestOf<'messages/fetch'>
type FetchRes = ResponseOf<'messages/fetch'>

/** A page as loaded so far. */
export interface PageSoFar {
  /** The page so far, ascending (timestamp, partition, offset). */
  page: PageRows
  /** The records this chunk added (ascending). */
  chunk: RecordView[]
  nextOffsets: Record<number, number>
  firstOffsets: Record<number, number>
  partitions: PartitionRange[]
  /** True when the page stopped at its payload bound before `limit` records. */
  byteLimitReached: boolean
  /** True once the page is complete. */
  complete: boolean
}

/** What to load: the request of the whole page. */
export type PageRequest = Omit<FetchReq, 'maxBytes'>

/** Orders records as the all-partitions view shows them. */
export function compareRecords(a: RecordView, b: RecordView): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset
}

/**
 * Loads `page` chunk by chunk with `fetch`, yielding the page so far after each chunk (the last
 * yield has `complete: true`).
 * @throws whatever `fetch` throws (the caller shows it; the chunks before stay shown).
 */
export async function* loadPage(page: PageRequest, fetch: (req: FetchReq) => Promise<FetchRes>, chunkRecords = PAGE_CHUNK_RECORDS): AsyncGenerator<PageSoFar> {
  const backward = page.direction === 'backward' || page.start.kind === 'latest'
  let start: StartPosition = page.start
  let rows = PageRows.empty
  let bytes = 0
  let first: FetchRes | null = null
  let last: FetchRes | null = null
  for (;;) {
    const want = Math.min(chunkRecords, page.limit - rows.length)
    const res = await fetch({ ...page, start, limit: want, direction: backward ? 'backward' : 'forward', maxBytes: PAGE_MAX_BYTES - bytes })
    first ??= res
    last = res
    rows = backward ? rows.prepend(res.records) : rows.append(res.records)
    for (const r of res.records) bytes += r.sizeBytes
    const full = rows.length >= page.limit
    const atEnd = res.records.length < want && !res.byteLimitReached
    const complete = full || atEnd || res.byteLimitReached || res.records.length === 0
    const cursors = backward
      ? { nextOffsets: first.nextOffsets, firstOffsets: res.firstOffsets }
      : { nextOffsets: res.nextOffsets, firstOffsets: first.firstOffsets }
    yield { page: rows, chunk: res.records, ...cursors, partitions: last.partitions, byteLimitReached: res.byteLimitReached, complete }
    if (complete) return
    start = { kind: 'offsets', offsets: backward ? res.firstOffsets : res.nextOffsets }
  }
}

/** True when no partition has records before the page (every first offset at its log start). */
export function atLogStart(firstOffsets: Record<number, number>, partitions: PartitionRange[]): boolean {
  return partitions.every((p) => (firstOffsets[p.partition] ?? p.logStartOffset) <= p.logStartOffset)
}

/** True when no partition has records after the page (every next offset at its high watermark). */
export function atHighWatermark(nextOffsets: Record<number, number>, partitions: PartitionRange[]): boolean {
  return partitions.every((p) => (nextOffsets[p.partition] ?? p.highWatermark) >= p.highWatermark)
}
