import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { wsTransport, type SocketLike } from '../../../../src/renderer/src/api/ws-transport'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: string[] = []
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  send(data: string): void {
    this.sent.push(data)
  }
  close(): void {
    this.readyState = 3
    this.onclose?.({})
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) })
  }
}

describe('wsTransport', () => {
  let sockets: FakeSocket[]
  beforeEach(() => {
    vi.useFakeTimers()
    sockets = []
  })
  afterEach(() => vi.useRealTimers())
  const make = () =>
    wsTransport('ws://h/ws', {
      createSocket: () => {
        const s = new FakeSocket()
        sockets.push(s)
        return s
      },
      backoff: { initialMs: 100, maxMs: 400 }
    })

  it('queues requests until the socket opens, then matches replies by id', async () => {
    const t = make()
    const p = t.request('topic/list', {})
    expect(sockets[0].sent).toEqual([])
    sockets[0].open()
    expect(JSON.parse(sockets[0].sent[0])).toEqual({ id: 1, name: 'topic/list', payload: {} })
    sockets[0].receive({ id: 1, reply: { ok: true, data: [] } })
    await expect(p).resolves.toEqual({ ok: true, data: [] })
    t.close()
  })

  it('delivers pushed events to listeners, also after a reconnect', () => {
    const t = make()
    const seen: number[] = []
    t.on('import/progress', (p) => seen.push(p.done))
    sockets[0].open()
    sockets[0].receive({ event: 'import/progress', payload: { topic: 'x', done: 5, total: 10 } })
    sockets[0].close()
    vi.advanceTimersByTime(100)
    expect(sockets).toHaveLength(2)
    sockets[1].open()
    sockets[1].receive({ event: 'import/progress', payload: { topic: 'x', done: 10, total: 10 } })
    expect(seen).toEqual([5, 10])
    t.close()
  })

  it('fails pending requests with DISCONNECTED when the socket closes, and backs off when reconnecting', async () => {
    const t = make()
    sockets[0].open()
    const p = t.request('group/list', {})
    sockets[0].close()
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } })
    vi.advanceTimersByTime(100)
    sockets[1].close()
    vi.advanceTimersByTime(199)
    expect(sockets).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(3)
    t.close()
  })

  it('refuses a request bigger than the host accepts, saying so, without sending it', async () => {
    const t = wsTransport('ws://h/ws', {
      createSocket: () => {
        const s = new FakeSocket()
        sockets.push(s)
        return s
      },
      maxMessageBytes: 1000
    })
    sockets[0].open()
    const big = await t.request('import/run', { topic: 't', format: 'ndjson', content: 'é'.repeat(600), keyField: null })
    expect(big).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^This import\/run request is 0\.0 MiB; browser mode sends at most 0\.0 MiB per request/) }
    })
    expect(sockets[0].sent).toEqual([])
    // 600 two-byte characters are 1,200 bytes of UTF-8 but 600 UTF-16 units: the count is in bytes.
    const small = t.request('import/run', { topic: 't', format: 'ndjson', content: 'e'.repeat(600), keyField: null })
    expect(sockets[0].sent).toHaveLength(1)
    sockets[0].receive({ id: 2, reply: { ok: true, data: { imported: 0, perPartition: {}, elapsedMs: 0 } } })
    await expect(small).resolves.toMatchObject({ ok: true })
    t.close()
  })
})
