/**
 * PageRows, the message-browser page as it loads in chunks: chunks appended (forward) and prepended
 * (backward) give the page in ascending order by index, newest first through its reversed view,
 * one array (toArray) and per-partition ranges equal to pageRanges over that array; adding a chunk
 * leaves the page it was added to as it was (a holder of the old page keeps it).
 */
import { describe, expect, it } from 'vitest'
import type { RecordView } from '../../../../src/shared/contract'
import { PageRows } from '../../../../src/shared/page-rows'
import { pageRanges } from '../../support/page-ranges'

const rec = (i: number): RecordView => ({ partition: ((i % 3) + 3) % 3, offset: i + 1000, timestamp: i, key: null, value: null, headers: [], sizeBytes: 0 })
const run = (from: number, n: number): RecordView[] => Array.from({ length: n }, (_, k) => rec(from + k))
const all = (rows: { length: number; at(i: number): RecordView | undefined }) => Array.from({ length: rows.length }, (_, i) => rows.at(i)?.timestamp)

describe('PageRows', () => {
  it('holds appended and prepended chunks in ascending order, and newest first through its view', () => {
    // Chunk sizes vary (a byte bound cuts a chunk short): 5, 1, 7 appended after 0; 3, 4 prepended before it.
    let page = PageRows.of(run(0, 5))
    page = page.append(run(5, 1)).prepend(run(-3, 3)).append(run(6, 7)).prepend(run(-7, 4)).append([])
    const expected = Array.from({ length: 20 }, (_, i) => i - 7)
    expect(page.length).toBe(20)
    expect(all(page)).toEqual(expected)
    expect(page.toArray().map((r) => r.timestamp)).toEqual(expected)
    expect(all(page.inOrder(true))).toEqual([...expected].reverse())
    expect(page.inOrder(false)).toBe(page)
    expect([page.at(-1), page.at(20), page.at(1.5), page.inOrder(true).at(20)]).toEqual([undefined, undefined, undefined, undefined])
  })

  it('keeps each partition\'s lowest and highest offset per chunk, as pageRanges finds them over the whole page', () => {
    const partitions = [0, 1, 2, 3].map((p) => ({ partition: p, logStartOffset: 10, highWatermark: 5000 }))
    const page = PageRows.of(run(100, 50)).prepend(run(20, 80)).append(run(150, 2))
    expect(page.ranges(partitions)).toEqual(pageRanges(page.toArray(), partitions))
    expect(page.ranges(partitions)[3]).toEqual({ partition: 3, from: null, to: null, logStartOffset: 10, highWatermark: 5000 })
    expect(page.ranges(partitions)[0]).toMatchObject({ from: 1021, to: 1150 })
  })

  it('leaves the page a chunk was added to as it was', () => {
    const first = PageRows.of(run(0, 4))
    const before = first.ranges([{ partition: 0, logStartOffset: 0, highWatermark: 1 }])
    const later = first.append(run(4, 4)).prepend(run(-4, 4))
    expect(all(first)).toEqual([0, 1, 2, 3])
    expect(first.ranges([{ partition: 0, logStartOffset: 0, highWatermark: 1 }])).toEqual(before)
    expect(later.length).toBe(12)
    expect(PageRows.empty.length).toBe(0)
  })
})
