import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RecordView, RequestOf } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useMessagesStore } from '../../../../src/renderer/src/stores/messages-store'
import { fakeApi } from '../fake-api'

/** A topic with two partitions of 5 records; partition p's record o has timestamp 10*o + p. */
function serve(req: RequestOf<'messages/fetch'>) {
  const parts = req.partition === null ? [0, 1] : [req.partition]
  const all: RecordView[] = []
  const next: Record<number, number> = {}
  const first: Record<number, number> = {}
  for (const p of parts) {
    const start = req.start.kind === 'offset' ? req.start.offset : req.start.kind === 'latest' ? 5 : 0
    const offs = req.direction === 'backward' ? [...Array(5).keys()].filter((o) => o < start).slice(-req.limit) : [...Array(5).keys()].filter((o) => o >= start).slice(0, req.limit)
    for (const o of offs) all.push({ partition: p, offset: o, timestamp: 10 * o + p, key: null, value: null, headers: [], sizeBytes: 0 })
    first[p] = offs[0] ?? start
    next[p] = offs.length ? offs[offs.length - 1] + 1 : start
  }
  all.sort((a, b) => a.timestamp - b.timestamp)
  const page = req.direction === 'backward' ? all.slice(-req.limit) : all.slice(0, req.limit)
  // As the host does: cursors describe the page returned.
  for (const p of parts) {
    const mine = page.filter((r) => r.partition === p)
    if (mine.length) {
      first[p] = mine[0].offset
      next[p] = mine[mine.length - 1].offset + 1
    }
  }
  return { records: page, nextOffsets: next, firstOffsets: first, byteLimitReached: false, partitions: [] }
}

beforeEach(() => setActivePinia(createPinia()))

describe('useMessagesStore', () => {
  it('pages one partition forwards and backwards by its cursors', async () => {
    const api = fakeApi({ 'messages/fetch': serve })
    setApi(api)
    const m = useMessagesStore()
    m.setTopic('t')
    m.partition = 1
    m.limit = 2
    await m.fetch()
    expect(m.records.map((r) => r.offset)).toEqual([0, 1])
    await m.page('forward')
    expect(m.records.map((r) => r.offset)).toEqual([2, 3])
    expect(api.calls[1].req).toMatchObject({ partition: 1, start: { kind: 'offset', offset: 2 }, direction: 'forward' })
    await m.page('backward')
    expect(m.records.map((r) => r.offset)).toEqual([0, 1])
  })

  it('pages all partitions by fetching each from its own cursor and merging by timestamp', async () => {
    const api = fakeApi({ 'messages/fetch': serve })
    setApi(api)
    const m = useMessagesStore()
    m.setTopic('t')
    m.limit = 3
    m.keyContains = 'x'
    await m.fetch()
    expect(m.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:0', '1:0', '0:1'])
    expect(api.calls[0].req).toMatchObject({ partition: null, start: { kind: 'earliest' }, keyContains: 'x' })
    await m.page('forward')
    expect(m.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['1:1', '0:2', '1:2'])
  })

  it('starts at an offset or a timestamp as chosen', () => {
    const m = useMessagesStore()
    m.startKind = 'offset'
    m.offset = 42
    expect(m.start).toEqual({ kind: 'offset', offset: 42 })
    m.startKind = 'timestamp'
    m.timestamp = 1700000000000
    expect(m.start).toEqual({ kind: 'timestamp', timestamp: 1700000000000 })
  })

  it('remembers a per-row viewer over the global one', () => {
    const m = useMessagesStore()
    const r = { partition: 0, offset: 1, timestamp: 0, key: null, value: null, headers: [], sizeBytes: 0 }
    m.viewer = 'json'
    expect(m.viewerFor(r)).toBe('json')
    m.setRowViewer(r, 'hex')
    expect(m.viewerFor(r)).toBe('hex')
    m.setRowViewer(r, null)
    expect(m.viewerFor(r)).toBe('json')
  })
})
