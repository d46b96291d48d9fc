/**
 * The WebSocket transport against fake sockets and fake timers: queueing while connecting, replies
 * by id, events across reconnects, back-off, and the rule that a request whose caller was told it
 * failed is never sent (nothing is replayed after a reconnect).
 */
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
  const make = (connectWaitMs?: number) =>
    wsTransport('ws://h/ws?token=secret-token', {
      createSocket: () => {
        const s = new FakeSocket()
        sockets.push(s)
        return s
      },
      backoff: { initialMs: 100, maxMs: 400 },
      connectWaitMs
    })
  /** Records how a promise settled, without awaiting it (so a never-settling one is visible). */
  function track<T>(p: Promise<T>): { value: T | undefined; count: number } {
    const t = { value: undefined as T | undefined, count: 0 }
    void p.then((v) => {
      t.value = v
      t.count++
    })
    return t
  }
  const sentNames = (s: FakeSocket) => s.sent.map((m) => JSON.parse(m).name)

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
    const big = await t.request('produce/send', { topic: 't', acks: 'all', records: [{ key: null, value: 'é'.repeat(600) }] })
    expect(big).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^This produce\/send request is 0\.0 MiB; browser mode sends at most 0\.0 MiB per request/) }
    })
    expect(sockets[0].sent).toEqual([])
    // 600 two-byte characters are 1,200 bytes of UTF-8 but 600 UTF-16 units: the count is in bytes.
    const small = t.request('produce/send', { topic: 't', acks: 'all', records: [{ key: null, value: 'e'.repeat(600) }] })
    expect(sockets[0].sent).toHaveLength(1)
    sockets[0].receive({ id: 2, reply: { ok: true, data: { requested: 1, written: 1, partitions: [], acks: [], failed: null, elapsedMs: 0 } } })
    await expect(small).resolves.toMatchObject({ ok: true })
    t.close()
  })

  it('fails a request made while disconnected when the next attempt fails, and never sends it after the reconnect', async () => {
    const t = make()
    sockets[0].open()
    sockets[0].close() // the host went away
    const create = track(t.request('topic/create', { topic: 'late', partitions: 1, replicationFactor: 1 }))
    vi.advanceTimersByTime(100)
    sockets[1].close() // the host is still down: this attempt fails
    await vi.advanceTimersByTimeAsync(0)
    expect(create.value).toMatchObject({ ok: false, error: { code: 'DISCONNECTED', message: expect.stringMatching(/was not sent/) } })
    vi.advanceTimersByTime(200)
    sockets[2].open() // the host is back
    const list = t.request('topic/list', {})
    expect(sentNames(sockets[2])).toEqual(['topic/list'])
    sockets[2].receive({ id: 2, reply: { ok: true, data: [] } })
    await expect(list).resolves.toEqual({ ok: true, data: [] })
    expect(create.count).toBe(1)
    t.close()
  })

  it('fails a request unsent once it has waited connectWaitMs for the connection', async () => {
    const t = make(1000)
    const create = track(t.request('topic/create', { topic: 'late', partitions: 1, replicationFactor: 1 }))
    await vi.advanceTimersByTimeAsync(999)
    expect(create.count).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(create.value).toMatchObject({
      ok: false,
      error: { code: 'DISCONNECTED', message: 'Not connected to ws://h/ws (waited 1 s for the connection): the request was not sent.' }
    })
    sockets[0].open() // the connection opens after the caller was told it failed
    expect(sockets[0].sent).toEqual([])
    expect(create.count).toBe(1)
    t.close()
  })

  it('waits 5 s by default for the connection before failing a request', async () => {
    const t = make()
    const p = track(t.request('group/list', {}))
    await vi.advanceTimersByTimeAsync(4999)
    expect(p.count).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(p.value).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } })
    t.close()
  })

  it('fails both sent and queued requests once when the socket closes, and sends neither again', async () => {
    const t = make()
    sockets[0].open()
    const sent = track(t.request('topic/delete', { topic: 'a' }))
    sockets[0].close()
    const queued = track(t.request('broker/stop', { brokerId: 1 }))
    await vi.advanceTimersByTimeAsync(100)
    sockets[1].close()
    await vi.advanceTimersByTimeAsync(200)
    sockets[2].open()
    sockets[2].receive({ id: 1, reply: { ok: true, data: {} } }) // a stray reply to the old id is ignored
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toMatchObject({ count: 1, value: { ok: false, error: { code: 'DISCONNECTED', message: expect.stringMatching(/may or may not have applied/) } } })
    expect(queued).toMatchObject({ count: 1, value: { ok: false, error: { code: 'DISCONNECTED', message: expect.stringMatching(/was not sent/) } } })
    expect(sockets[2].sent).toEqual([])
    t.close()
  })

  it('keeps the token out of error messages', async () => {
    const t = make()
    sockets[0].open()
    const p = t.request('group/list', {})
    sockets[0].close()
    const reply = await p
    expect(JSON.stringify(reply)).not.toContain('secret-token')
    t.close()
  })

  it('stops reconnecting on close() and fails what is queued, unsent', async () => {
    const t = make()
    sockets[0].open()
    sockets[0].close()
    const queued = track(t.request('group/list', {}))
    t.close()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sockets).toHaveLength(1)
    expect(queued.value).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } })
    await expect(t.request('group/list', {})).resolves.toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } })
  })
})
