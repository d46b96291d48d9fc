/**
 * useMessagesStore (over a fake host that pages as the real one does): latest shows the newest records newest first, Previous /
 * Next page without gaps and are offered only when records lie beyond the page, a page loads in
 * chunks, and produce-again pre-fills the producer (refusing bytes the producer cannot send as text).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RecordView, RequestOf, ResponseOf } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useMessagesStore } from '../../../../src/renderer/src/stores/messages-store'
import { useProducerStore } from '../../../../src/renderer/src/stores/producer-store'
import { useRouterStore } from '../../../../src/renderer/src/stores/router-store'
import { useNoticeStore } from '../../../../src/renderer/src/stores/notice-store'
import type { RowList } from '../../../../src/shared/page-rows'
import { fakeApi } from '../fake-api'

/**
 * A topic `t` with 2 partitions: record i (0..9) is key "ki", value "vi", header n=i, in partition
 * i % 2 at offset i div 2, timestamp 10 * i. Serves messages/fetch as the host does (tested there):
 * a merge by timestamp, forwards from the start or backwards before it, `latest` backwards.
 */
const ALL: RecordView[] = Array.from({ length: 10 }, (_, i) => ({
  partition: i % 2,
  offset: Math.floor(i / 2),
  timestamp: 10 * i,
  key: btoa(`k${i}`),
  value: btoa(`v${i}`),
  headers: [{ key: 'n', value: btoa(String(i)) }],
  sizeBytes: 5
}))
function serve(req: RequestOf<'messages/fetch'>): ResponseOf<'messages/fetch'> {
  const parts = req.partition === null ? [0, 1] : [req.partition]
  const backward = req.direction === 'backward' || req.start.kind === 'latest'
  const start = (p: number) => {
    const s = req.start
    return s.kind === 'latest' ? 5 : s.kind === 'earliest' ? 0 : s.kind === 'offset' ? s.offset : s.kind === 'offsets' ? (s.offsets[p] ?? 0) : 0
  }
  let page = ALL.filter((r) => parts.includes(r.partition) && (backward ? r.offset < start(r.partition) : r.offset >= start(r.partition)))
  page = backward ? page.slice(-req.limit) : page.slice(0, req.limit)
  const nextOffsets: Record<number, number> = {}
  const firstOffsets: Record<number, number> = {}
  for (const p of parts) {
    const mine = page.filter((r) => r.partition === p)
    firstOffsets[p] = mine.length ? mine[0].offset : backward ? 0 : start(p)
    nextOffsets[p] = mine.length ? mine[mine.length - 1].offset + 1 : backward ? start(p) : 5
  }
  return { records: page, nextOffsets, firstOffsets, byteLimitReached: false, partitions: parts.map((p) => ({ partition: p, logStartOffset: 0, highWatermark: 5 })) }
}

beforeEach(() => setActivePinia(createPinia()))

const keys = (rs: RowList) => Array.from({ length: rs.length }, (_, i) => atob(rs.at(i)?.key ?? ''))

describe('useMessagesStore', () => {
  it('latest shows the newest records newest first; Previous pages back, Next is offered only when records follow', async () => {
    setApi(fakeApi({ 'messages/fetch': serve }))
    const m = useMessagesStore()
    m.setTopic('t')
    expect(m.startKind).toBe('latest')
    m.limit = 4
    await m.fetch()
    expect(keys(m.rows)).toEqual(['k9', 'k8', 'k7', 'k6'])
    expect(m.canNext).toBe(false)
    expect(m.canPrevious).toBe(true)
    await m.page('backward')
    expect(keys(m.rows)).toEqual(['k5', 'k4', 'k3', 'k2'])
    await m.page('backward')
    expect(keys(m.rows)).toEqual(['k1', 'k0'])
    expect(m.canPrevious).toBe(false)
    m.newestFirst = false
    expect(keys(m.rows)).toEqual(['k0', 'k1'])
    await m.page('forward')
    expect(keys(m.records)).toEqual(['k2', 'k3', 'k4', 'k5'])
    expect(m.canNext).toBe(true)
  })

  it('pages one partition from earliest, oldest first, and loads a big page in chunks', async () => {
    const api = fakeApi({ 'messages/fetch': serve })
    setApi(api)
    const m = useMessagesStore()
    m.setTopic('t')
    m.setStartKind('earliest')
    expect(m.newestFirst).toBe(false)
    m.partition = 1
    m.limit = 3
    await m.fetch()
    expect(keys(m.rows)).toEqual(['k1', 'k3', 'k5'])
    expect(m.partitions).toEqual([{ partition: 1, logStartOffset: 0, highWatermark: 5 }])
    await m.page('forward')
    expect(keys(m.rows)).toEqual(['k7', 'k9'])
    expect(m.canNext).toBe(false)
    m.partition = null
    m.limit = 100_000
    api.calls.length = 0
    await m.fetch()
    expect(m.records).toHaveLength(10)
    expect(api.calls.map((c) => c.name)).toEqual(['messages/fetch'])
    m.limit = 4
    await m.fetch()
    expect(keys(m.rows)).toEqual(['k0', 'k1', 'k2', 'k3'])
    api.calls.length = 0
    await m.page('forward')
    expect(keys(m.rows)).toEqual(['k4', 'k5', 'k6', 'k7'])
    expect(api.calls[0].req).toMatchObject({ start: { kind: 'offsets', offsets: { 0: 2, 1: 2 } } })
  })

  it('produce again opens the producer with the record to edit; bytes that are not text are refused', async () => {
    setApi(fakeApi({ 'messages/fetch': serve }))
    const m = useMessagesStore()
    m.setTopic('t')
    await m.fetch()
    const r = m.rows.at(0)!
    expect(m.produceAgain('t', r)).toBe(true)
    const p = useProducerStore()
    expect({ topic: p.topic, key: p.key, value: p.value, headers: p.headers, partition: p.partition, nullKey: p.nullKey }).toEqual({
      topic: 't',
      key: 'k9',
      value: 'v9',
      headers: [{ key: 'n', value: '9' }],
      partition: 1,
      nullKey: false
    })
    expect(useRouterStore().view).toBe('producer')
    const binary = { ...r, value: btoa(String.fromCharCode(0xff, 0xfe)) }
    expect(m.produceAgain('t', binary)).toBe(false)
    expect(useNoticeStore().queue.at(-1)?.text).toMatch(/not UTF-8 text/)
  })

  it('remembers a per-row viewer over the global one, and a selection for export', async () => {
    setApi(fakeApi({ 'messages/fetch': serve }))
    const m = useMessagesStore()
    m.setTopic('t')
    await m.fetch()
    const r = m.rows.at(0)!
    m.viewer = 'json'
    expect(m.viewerFor(r)).toBe('json')
    m.setRowViewer(r, 'hex')
    expect(m.viewerFor(r)).toBe('hex')
    m.setRowViewer(r, null)
    expect(m.viewerFor(r)).toBe('json')
    m.toggleSelected(m.rows.at(1)!)
    m.toggleSelected(m.rows.at(3)!)
    expect(keys(m.selectedRecords)).toEqual(['k6', 'k8'])
    m.selectAll(false)
    expect(m.selectedRecords).toEqual([])
  })
})
