/**
 * useTailStore on fake timers (vitest's injected clock): it polls every TAIL_POLL_MS continuing
 * from the cursors the last poll returned, puts new records on top, keeps at most
 * TAIL_BUFFER_RECORDS, does not poll while paused, and rates writes from the high watermarks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { RecordView, RequestOf, ResponseOf } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { TAIL_BUFFER_RECORDS, TAIL_POLL_MS, tailRate, useTailStore } from '../../../../src/renderer/src/stores/tail-store'
import { fakeApi } from '../fake-api'

/** A one-partition topic whose high watermark the test moves; a poll returns what lies past its cursor. */
let hw = 0
const rec = (offset: number): RecordView => ({ partition: 0, offset, timestamp: offset, key: null, value: null, headers: [], sizeBytes: 0 })
function tail(req: RequestOf<'messages/tail'>): ResponseOf<'messages/tail'> {
  const partitions = [{ partition: 0, logStartOffset: 0, highWatermark: hw }]
  if (req.cursors === null) return { records: [], cursors: { 0: hw }, partitions, skipped: 0 }
  const from = req.cursors[0]
  return { records: Array.from({ length: hw - from }, (_, i) => rec(from + i)), cursors: { 0: hw }, partitions, skipped: 0 }
}

beforeEach(() => {
  vi.useFakeTimers()
  setActivePinia(createPinia())
  hw = 100
})
afterEach(() => {
  useTailStore().stop()
  vi.useRealTimers()
})

describe('useTailStore', () => {
  it('polls from its cursors, puts new records on top, keeps a bounded buffer, and does not poll while paused', async () => {
    const api = fakeApi({ 'messages/tail': tail })
    setApi(api)
    const t = useTailStore()
    await t.start('t', [0])
    expect(t.records).toEqual([])
    expect(api.calls[0].req).toMatchObject({ topic: 't', partitions: [0], cursors: null })
    hw = 103
    await vi.advanceTimersByTimeAsync(TAIL_POLL_MS)
    expect(t.records.map((r) => r.offset)).toEqual([102, 101, 100])
    expect(api.calls[1].req).toMatchObject({ cursors: { 0: 100 } })
    hw = 105
    await vi.advanceTimersByTimeAsync(TAIL_POLL_MS)
    expect(t.records.map((r) => r.offset)).toEqual([104, 103, 102, 101, 100])
    t.pause()
    const polls = api.calls.length
    hw = 105 + TAIL_BUFFER_RECORDS + 10
    await vi.advanceTimersByTimeAsync(10 * TAIL_POLL_MS)
    expect(api.calls.length).toBe(polls)
    await t.resume()
    expect(t.records).toHaveLength(TAIL_BUFFER_RECORDS)
    expect(t.records[0].offset).toBe(hw - 1)
    t.stop()
    await vi.advanceTimersByTimeAsync(10 * TAIL_POLL_MS)
    expect(api.calls.length).toBe(polls + 1)
  })

  it('rates writes from the high watermarks over the last 5 s', () => {
    let s = tailRate([], 0, 1000)
    expect(s.rate).toBe(0)
    s = tailRate(s.samples, 1000, 1500)
    expect(s.rate).toBe(500)
    s = tailRate(s.samples, 2000, 1600)
    expect(s.rate).toBe(300)
    s = tailRate(s.samples, 7500, 1600)
    expect(s.samples.map((x) => x.t)).toEqual([7500])
    expect(s.rate).toBe(0)
  })
})
