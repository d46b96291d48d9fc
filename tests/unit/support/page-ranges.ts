/**
 * The reference the message page's per-partition ranges are checked against: per partition, the
 * lowest and highest offset of the records given, found by one scan over all of them (O(records)),
 * with the partition's log start offset and high watermark. PageRows.ranges (src/shared/page-rows.ts)
 * keeps the same per chunk as a page loads; the tests compare the two.
 */
import type { PartitionRange, RecordView } from '../../../src/shared/contract'
import type { PageRange } from '../../../src/shared/page-rows'

/** Per partition of `partitions`, the offsets `records` hold of it (null when none) and its log start / high watermark. */
export function pageRanges(records: readonly RecordView[], partitions: readonly PartitionRange[]): PageRange[] {
  const seen = new Map<number, [number, number]>()
  for (const r of records) {
    const cur = seen.get(r.partition)
    if (!cur) seen.set(r.partition, [r.offset, r.offset])
    else {
      if (r.offset < cur[0]) cur[0] = r.offset
      if (r.offset > cur[1]) cur[1] = r.offset
    }
  }
  return partitions.map((p) => {
    const s = seen.get(p.partition)
    return { partition: p.partition, from: s ? s[0] : null, to: s ? s[1] : null, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark }
  })
}
