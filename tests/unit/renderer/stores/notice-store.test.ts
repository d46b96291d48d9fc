/**
 * Toasts do not pile up: a notice identical to one still shown is not shown again; at most three
 * are shown, the oldest closing first; moving to another view closes the errors and warnings about
 * the last one (confirmations stay until they time out).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { MAX_SHOWN_NOTICES, useNoticeStore } from '../../../../src/renderer/src/stores/notice-store'
import { ApiError } from '../../../../src/renderer/src/api/api-error'

beforeEach(() => setActivePinia(createPinia()))

describe('useNoticeStore', () => {
  it('does not show an error again while the same one is shown, and shows it again once it closed', () => {
    const n = useNoticeStore()
    const e = new ApiError({ code: 'DISCONNECTED', message: 'the connection dropped' })
    n.error(e, 'List topics')
    n.error(e, 'List topics')
    expect(n.drain().map((x) => x.text)).toEqual(['List topics: DISCONNECTED: the connection dropped'])
    n.error(e, 'List topics')
    expect(n.drain()).toEqual([])
    n.closed(n.shown[0].id)
    n.error(e, 'List topics')
    expect(n.drain()).toHaveLength(1)
  })

  it(`shows at most ${MAX_SHOWN_NOTICES} toasts, closing the oldest`, () => {
    const n = useNoticeStore()
    for (let i = 0; i < 5; i++) n.push('error', `failure ${i}`)
    const shown = n.drain()
    expect(shown).toHaveLength(5)
    expect(n.takeToClose()).toEqual([shown[0].id, shown[1].id])
    expect(n.shown.map((x) => x.text)).toEqual(['failure 2', 'failure 3', 'failure 4'])
  })

  it('closes errors and warnings when the user leaves the view, keeping confirmations', () => {
    const n = useNoticeStore()
    n.push('error', 'Create topic x: TOPIC_ALREADY_EXISTS: ...')
    n.push('success', 'Imported 2 records into t')
    const [err, ok] = n.drain()
    n.push('warning', 'queued, not shown yet')
    n.leftView()
    expect(n.takeToClose()).toEqual([err.id])
    expect(n.shown).toEqual([ok])
    expect(n.drain()).toEqual([])
  })
})
