/**
 * A 100,000-row page never freezes the window (issue 8): while the message store loads a page chunk
 * by chunk, each chunk costs work bounded by the chunk, not by the rows already loaded. Measured as
 * reads of the records' fields (every record the fake host serves counts each read of it): per
 * chunk, the store takes the chunk and the view reads what its templates read (the count, the
 * per-partition ranges, the rows on screen, Previous / Next); a rescan of the page per chunk (ranges
 * recomputed over every row, the rows re-sorted or re-formatted) would read every row loaded so far.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RecordView, RequestOf, ResponseOf } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useMessagesStore } from '../../../../src/renderer/src/stores/messages-store'
import { PAGE_CHUNK_RECORDS } from '../../../../src/renderer/src/utils/message-paging'
import { fakeApi } from '../fake-api'

const PARTITIONS = 4
const PER_PARTITION = 10_000
const TOTAL = PARTITIONS * PER_PARTITION
/** Rows a table shows at once (the window plus its overscan). */
const ON_SCREEN = 60

let reads = 0
/** Record `offset` of partition `p`, counting every read of its fields. */
function record(p: number, offset: number): RecordView {
  const r: RecordView = { partition: p, offset, timestamp: offset * PARTITIONS + p, key: btoa(`k${p}-${offset}`), value: btoa(`v${offset}`), headers: [], sizeBytes: 8 }
  return new Proxy(r, { get: (t, k, rc) => (reads++, Reflect.get(t, k, rc)) })
}
const ALL: RecordView[][] = Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: PER_PARTITION }, (_, o) => record(p, o)))

/** A host serving the topic as messages/fetch does: merged by timestamp, forward from the start or backward before it. */
function serve(req: RequestOf<'messages/fetch'>): ResponseOf<'messages/fetch'> {
  const backward = req.direction === 'backward' || req.start.kind === 'latest'
  const start = (p: number): number => {
    const s = req.start
    return s.kind === 'latest' ? PER_PARTITION : s.kind === 'earliest' ? 0 : s.kind === 'offsets' ? (s.offsets[p] ?? 0) : 0
  }
  // Timestamps interleave the partitions round-robin, so a merge takes equal runs of each.
  const from = Math.min(...Array.from({ length: PARTITIONS }, (_, p) => start(p)))
  const records: RecordView[] = []
  if (backward) for (let o = from - 1; o >= 0 && records.length < req.limit; o--) for (let p = PARTITIONS - 1; p >= 0 && records.length < req.limit; p--) records.unshift(ALL[p][o])
  else for (let o = from; o < PER_PARTITION && records.length < req.limit; o++) for (let p = 0; p < PARTITIONS && records.length < req.limit; p++) records.push(ALL[p][o])
  const nextOffsets: Record<number, number> = {}
  const firstOffsets: Record<number, number> = {}
  for (let p = 0; p < PARTITIONS; p++) {
    const mine = records.filter((r) => r.partition === p)
    firstOffsets[p] = mine.length ? mine[0].offset : start(p)
    nextOffsets[p] = mine.length ? mine[mine.length - 1].offset + 1 : start(p)
  }
  return { records, nextOffsets, firstOffsets, byteLimitReached: false, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, logStartOffset: 0, highWatermark: PER_PARTITION })) }
}

beforeEach(() => setActivePinia(createPinia()))

describe('the message store loading a big page', () => {
  for (const kind of ['earliest', 'latest'] as const)
    it(`takes each chunk of a ${TOTAL.toLocaleString('en-US')}-row ${kind} page with work bounded by the chunk, however many rows are loaded`, async () => {
      const m = useMessagesStore()
      /** What the browser view reads after a chunk: the location line and the table's rows on screen. */
      const render = (): void => {
        void m.count
        void m.loaded
        for (const r of m.ranges) void [r.from, r.to]
        const rows = m.rows
        for (let i = 0; i < Math.min(ON_SCREEN, rows.length); i++) void rows.at(i)?.key
        void [m.canNext, m.canPrevious, m.selectedCount]
      }
      const perChunk: number[] = []
      let mark = 0
      setApi(
        fakeApi({
          'messages/fetch': (req) => {
            // The store took the previous chunk: the view renders it, then the work is counted.
            if (m.count > 0) {
              render()
              perChunk.push(reads - mark)
            }
            const res = serve(req)
            mark = reads
            return res
          }
        })
      )
      m.setTopic('t')
      m.setStartKind(kind)
      m.limit = TOTAL
      await m.fetch()
      render()
      perChunk.push(reads - mark)
      expect(m.count).toBe(TOTAL)
      expect(perChunk.length).toBe(TOTAL / PAGE_CHUNK_RECORDS)
      // Each chunk's records are read a few times (sizes, ranges), plus the rows on screen: never the page.
      const bound = 6 * PAGE_CHUNK_RECORDS + 2 * ON_SCREEN
      expect(Math.max(...perChunk)).toBeLessThanOrEqual(bound)
      // And the last chunks cost what the first ones did.
      expect(perChunk[perChunk.length - 1]).toBeLessThanOrEqual(perChunk[1] * 1.5 + ON_SCREEN)
      // The page itself is whole and in order.
      const all = m.records
      expect(all.length).toBe(TOTAL)
      for (let i = 1; i < all.length; i += 997) expect(all[i].timestamp).toBeGreaterThan(all[i - 1].timestamp)
      expect(m.ranges.map((r) => [r.from, r.to])).toEqual(Array.from({ length: PARTITIONS }, () => [0, PER_PARTITION - 1]))
    })
})
