/**
 * Paging over all partitions at once: the contract's fetch takes one start position, so the next
 * (or previous) page across partitions is fetched per partition from each partition's own cursor,
 * then merged here by timestamp (ties by partition, then offset) and cut to the page size.
 * Must stay true: pure; the returned cursors describe exactly the records returned (a partition
 * with no record in the page keeps its old cursor), so no record is skipped or repeated.
 */
import type { RecordView } from '../../../shared/contract'

/** Per-partition cursors: where the next page starts and where the current page began. */
export interface PageCursors {
  nextOffsets: Record<number, number>
  firstOffsets: Record<number, number>
}

/** Orders records as the all-partitions view shows them. */
export function compareRecords(a: RecordView, b: RecordView): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset
}

/**
 * Merges per-partition pages into one page of at most `limit` records.
 * Forward keeps the earliest `limit`; backward keeps the latest `limit` (the ones just before the
 * current page). Cursors start from `previous` and are moved only for partitions in the page.
 */
export function mergePages(
  pages: RecordView[][],
  limit: number,
  direction: 'forward' | 'backward',
  previous: PageCursors
): { records: RecordView[] } & PageCursors {
  const all = pages.flat().sort(compareRecords)
  const records = direction === 'forward' ? all.slice(0, limit) : all.slice(Math.max(0, all.length - limit))
  const nextOffsets = { ...previous.nextOffsets }
  const firstOffsets = { ...previous.firstOffsets }
  const seen = new Set<number>()
  for (const r of records) {
    if (!seen.has(r.partition)) {
      seen.add(r.partition)
      firstOffsets[r.partition] = r.offset
      nextOffsets[r.partition] = r.offset + 1
    }
    firstOffsets[r.partition] = Math.min(firstOffsets[r.partition], r.offset)
    nextOffsets[r.partition] = Math.max(nextOffsets[r.partition], r.offset + 1)
  }
  // Partitions absent from a page: forward, they stay where they were; backward, the next page
  // (forwards again) must start where the current page began, so their next cursor is their first.
  if (direction === 'backward') {
    for (const p of Object.keys(previous.firstOffsets).map(Number)) {
      if (!seen.has(p)) nextOffsets[p] = previous.firstOffsets[p]
    }
  } else {
    for (const p of Object.keys(previous.nextOffsets).map(Number)) {
      if (!seen.has(p)) firstOffsets[p] = previous.nextOffsets[p]
    }
  }
  return { records, nextOffsets, firstOffsets }
}
