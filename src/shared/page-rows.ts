/**
 * PageRows: the records of a message-browser page as it loads chunk by chunk, without copying the
 * rows already loaded. The page is held as the chunks themselves (each a messages/fetch reply's
 * records): chunks continuing the page forward are appended after it, chunks continuing it
 * backward (and `latest`) are prepended before it. A PageRows is immutable: adding a chunk returns
 * a new one that shares every chunk array with the old one, so a chunk costs O(chunk + number of
 * chunks), never O(rows loaded), and a holder of the old page (a template, an export) keeps a
 * consistent page. Also kept per chunk: each partition's lowest and highest offset on the page.
 *
 * Pure (no Node, no DOM): the renderer's message store holds it; page-chunks.ts builds it.
 *
 * Must stay true: `at(i)` for i in 0..length-1 is the i-th record of the page in ascending
 * (timestamp, partition, offset) order, given that each chunk is itself ascending and lies wholly
 * after (append) or before (prepend) the page so far, as the host's merge guarantees; the chunk
 * arrays are never modified after they are added (the caller hands them over).
 */
import type { PartitionRange, RecordView } from './contract'

/**
 * Rows a table can show: a length and the record at an index (undefined outside 0..length-1).
 * A plain array is one; so is a PageRows and its display views.
 */
export interface RowList {
  readonly length: number
  at(index: number): RecordView | undefined
}

/** Per partition, the page's lowest and highest offset (null when it holds none of it) and where the partition's records are (log start offset, high watermark). */
export interface PageRange {
  partition: number
  /** Lowest offset of the partition on the page, null when the page has none of it. */
  from: number | null
  /** Highest offset of the partition on the page, null when the page has none of it. */
  to: number | null
  logStartOffset: number
  highWatermark: number
}

/** Where `j` falls in chunks of these cumulative ends: the chunk index (ends[k] > j, the first such). */
function chunkOf(ends: readonly number[], j: number): number {
  let lo = 0
  let hi = ends.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ends[mid] > j) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** The page in descending order (newest first): a view over a PageRows, no copy. */
class ReversedRows implements RowList {
  constructor(private readonly page: PageRows) {}
  get length(): number {
    return this.page.length
  }
  at(index: number): RecordView | undefined {
    return index < 0 || index >= this.page.length ? undefined : this.page.at(this.page.length - 1 - index)
  }
}

/** The records of one page, ascending, held as the chunks they arrived in (see the module header). */
export class PageRows implements RowList {
  /** The page with no records. */
  static readonly empty = new PageRows([], [], [], [], new Map())

  /** Records in all. */
  readonly length: number

  /**
   * @param front prepended chunks, the most recent (nearest the page's middle) first
   * @param frontEnds cumulative record counts of `front`
   * @param back appended chunks, in arrival order
   * @param backEnds cumulative record counts of `back`
   * @param offsets per partition, the lowest and highest offset on the page
   */
  private constructor(
    private readonly front: readonly RecordView[][],
    private readonly frontEnds: readonly number[],
    private readonly back: readonly RecordView[][],
    private readonly backEnds: readonly number[],
    private readonly offsets: ReadonlyMap<number, readonly [number, number]>
  ) {
    this.length = (frontEnds[frontEnds.length - 1] ?? 0) + (backEnds[backEnds.length - 1] ?? 0)
  }

  /** A page of these records (ascending), as one chunk. */
  static of(records: RecordView[]): PageRows {
    return PageRows.empty.append(records)
  }

  /** The page with `chunk` (ascending, wholly after the page) added at its end. O(chunk + chunks). */
  append(chunk: RecordView[]): PageRows {
    if (chunk.length === 0) return this
    const end = (this.backEnds[this.backEnds.length - 1] ?? 0) + chunk.length
    return new PageRows(this.front, this.frontEnds, [...this.back, chunk], [...this.backEnds, end], this.withOffsets(chunk))
  }

  /** The page with `chunk` (ascending, wholly before the page) added at its start. O(chunk + chunks). */
  prepend(chunk: RecordView[]): PageRows {
    if (chunk.length === 0) return this
    const end = (this.frontEnds[this.frontEnds.length - 1] ?? 0) + chunk.length
    return new PageRows([...this.front, chunk], [...this.frontEnds, end], this.back, this.backEnds, this.withOffsets(chunk))
  }

  /** The i-th record, ascending (undefined outside 0..length-1). O(log chunks). */
  at(index: number): RecordView | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined
    const f = this.frontEnds[this.frontEnds.length - 1] ?? 0
    if (index < f) {
      // Counted down from the boundary between the prepended and the appended chunks.
      const j = f - 1 - index
      const k = chunkOf(this.frontEnds, j)
      const chunk = this.front[k]
      return chunk[chunk.length - 1 - (j - (k > 0 ? this.frontEnds[k - 1] : 0))]
    }
    const j = index - f
    const k = chunkOf(this.backEnds, j)
    return this.back[k][j - (k > 0 ? this.backEnds[k - 1] : 0)]
  }

  /** The page in display order: newest first (a view, no copy) or ascending (this page). */
  inOrder(newestFirst: boolean): RowList {
    return newestFirst ? new ReversedRows(this) : this
  }

  /** The records ascending, one array: O(rows), for actions (export, selection), not per chunk. */
  toArray(): RecordView[] {
    const out: RecordView[] = []
    for (let k = this.front.length - 1; k >= 0; k--) for (const r of this.front[k]) out.push(r)
    for (const chunk of this.back) for (const r of chunk) out.push(r)
    return out
  }

  /** Per partition of `partitions`, the page's offsets and the partition's log start / high watermark. O(partitions). */
  ranges(partitions: PartitionRange[]): PageRange[] {
    return partitions.map((p) => {
      const s = this.offsets.get(p.partition)
      return { partition: p.partition, from: s ? s[0] : null, to: s ? s[1] : null, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark }
    })
  }

  /** The per-partition offsets with `chunk`'s merged in: O(chunk + partitions). */
  private withOffsets(chunk: RecordView[]): Map<number, readonly [number, number]> {
    const out = new Map<number, [number, number]>()
    for (const [p, [from, to]] of this.offsets) out.set(p, [from, to])
    for (const r of chunk) {
      const cur = out.get(r.partition)
      if (!cur) out.set(r.partition, [r.offset, r.offset])
      else {
        if (r.offset < cur[0]) cur[0] = r.offset
        if (r.offset > cur[1]) cur[1] = r.offset
      }
    }
    return out
  }
}
