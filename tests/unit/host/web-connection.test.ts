/**
 * Per-connection bounds of the web host: requests in flight per connection, and a client that does
 * not read its replies: throttled (its socket not read) above the soft limit, cut off with 1008 and a
 * reason before the unsent bytes pass the hard limit or after staying above the soft one too long.
 * The non-reading clients are real ws clients whose TCP socket is paused (nothing is read from it),
 * against a host on 127.0.0.1.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Reply } from '../../../src/shared/contract'
import type { EngineClient } from '../../../src/host/engine-client'
import { EngineService } from '../../../src/host/engine-service'
import { connectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../../src/host/web-connection'
import { startWebHost, type WebHost } from '../../../src/host/web-host'
import { openTestCluster, type TestCluster } from './test-cluster'

const KIB = 1024
const MIB = 1024 * KIB
let rendererDir: string
const sockets: WebSocket[] = []
const hosts: WebHost[] = []

beforeAll(() => {
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-renderer-'))
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Brokerlab</title>')
})
afterAll(() => fs.rmSync(rendererDir, { recursive: true, force: true }))
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  for (const h of hosts.splice(0)) await h.close()
})

/** Waits (bounded) until `cond` holds, checking every few ms; fails naming `what`. */
async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A client that counts replies and records how the server closed it. */
async function client(h: WebHost): Promise<{ ws: WebSocket; replies: Map<number, Reply<unknown>>; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}ws?token=${h.token}`)
  sockets.push(ws)
  const replies = new Map<number, Reply<unknown>>()
  ws.on('message', (d) => {
    const m = JSON.parse(String(d))
    if (typeof m.id === 'number') replies.set(m.id, m.reply)
  })
  const closed = new Promise<{ code: number; reason: string }>((res) => ws.once('close', (code, reason) => res({ code, reason: String(reason) })))
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  return { ws, replies, closed }
}

/** The ws client's TCP socket: pausing it makes the client stop reading, as a stuck page would. */
function tcp(ws: WebSocket): { pause(): void; resume(): void } {
  return (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
}

describe('web host per-connection limits', () => {
  it('checks the limits passed in and names the broken rule', () => {
    expect(connectionLimits()).toEqual(DEFAULT_CONNECTION_LIMITS)
    expect(() => connectionLimits({ maxInFlight: 0 })).toThrow('Web host limits: maxInFlight must be a positive integer, got 0')
    expect(() => connectionLimits({ softBufferedBytes: 2 * MIB, hardBufferedBytes: MIB })).toThrow(
      /softBufferedBytes \(2097152\) must not exceed hardBufferedBytes \(1048576\)/
    )
  })

  it('gives the engine at most maxInFlight requests of one connection at once, and serves the rest as replies go out', async () => {
    const waiting: (() => void)[] = []
    const engine: EngineClient = {
      handle: (name) => new Promise((res) => waiting.push(() => res({ ok: true, data: name }))),
      subscribe: () => () => undefined,
      close: async () => undefined
    }
    const h = await startWebHost({ engine, rendererDir, port: 0, limits: { maxInFlight: 4 } })
    hosts.push(h)
    const c = await client(h)
    for (let id = 1; id <= 10; id++) c.ws.send(JSON.stringify({ id, name: 'topic/list', payload: {} }))
    await until(() => waiting.length >= 4, 'the engine has 4 requests')
    // Let everything the client sent reach the host: still 4 with the engine, the connection not read.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(waiting).toHaveLength(4)
    expect(h.stats().connections[0]).toMatchObject({ inFlight: 4, reading: false })
    let answered = 0
    while (answered < 10) {
      await until(() => waiting.length > 0, 'the engine has a request')
      expect(h.stats().connections[0].inFlight).toBeLessThanOrEqual(4)
      waiting.shift()!()
      answered++
    }
    await until(() => c.replies.size === 10, 'all 10 replies arrived')
    expect([...c.replies.values()].every((r) => r.ok)).toBe(true)
  })

  describe('a client that does not read its replies', () => {
    let tc: TestCluster
    let service: EngineService
    beforeAll(async () => {
      tc = openTestCluster()
      service = new EngineService(tc.cluster)
      // A wide topic makes every cluster/snapshot reply about 120 KB.
      const created = await service.handle('topic/create', {
        topic: 'wide',
        partitions: 300,
        replicationFactor: 1,
        configs: { 'segment.index.bytes': 4096 }
      })
      expect(created.ok).toBe(true)
    }, 60_000)
    afterAll(async () => {
      await service.close()
      await tc.cleanup()
    })

    /** Sends `n` cluster/snapshot requests from a client that reads nothing. */
    async function flood(h: WebHost, n: number): Promise<Awaited<ReturnType<typeof client>>> {
      const c = await client(h)
      tcp(c.ws).pause()
      for (let id = 1; id <= n; id++) c.ws.send(JSON.stringify({ id, name: 'cluster/snapshot', payload: {} }))
      return c
    }

    it('is cut off with 1008 and a reason before the unsent bytes pass the hard limit, and the host keeps serving', async () => {
      const lines: string[] = []
      const limits = { softBufferedBytes: 256 * KIB, hardBufferedBytes: MIB, slowReaderMs: 600_000 }
      const h = await startWebHost({ engine: service, rendererDir, port: 0, limits, log: (l) => lines.push(l) })
      hosts.push(h)
      // ~70 MB of replies: more than the kernel's socket buffers can hold.
      const c = await flood(h, 600)
      await until(() => h.stats().slowReadersClosed === 1, 'the host closed the slow reader', 60_000)
      expect(h.stats().peakBufferedBytes).toBeGreaterThan(limits.softBufferedBytes)
      expect(h.stats().peakBufferedBytes).toBeLessThanOrEqual(limits.hardBufferedBytes)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^brokerlab web host: closing the connection from 127\.0\.0\.1:\d+ \(1008\): client is not reading its replies: 1\.\d MiB unsent$/)
      // When the client reads again it gets what was buffered, then the close frame with the reason.
      tcp(c.ws).resume()
      const closed = await c.closed
      expect(closed.code).toBe(1008)
      expect(closed.reason).toMatch(/^client is not reading its replies: \d+\.\d MiB unsent$/)
      expect(c.replies.size).toBeLessThan(600)
      const other = await client(h)
      other.ws.send(JSON.stringify({ id: 1, name: 'topic/list', payload: {} }))
      await until(() => other.replies.has(1), 'another client is served')
      expect(other.replies.get(1)!.ok).toBe(true)
    }, 90_000)

    it('is throttled above the soft limit, then cut off when the unsent bytes stay above it for slowReaderMs', async () => {
      const lines: string[] = []
      const limits = { softBufferedBytes: 256 * KIB, hardBufferedBytes: 1024 * MIB, slowReaderMs: 300 }
      const h = await startWebHost({ engine: service, rendererDir, port: 0, limits, log: (l) => lines.push(l) })
      hosts.push(h)
      const c = await flood(h, 600)
      await until(() => h.stats().slowReadersClosed === 1, 'the host closed the slow reader', 60_000)
      expect(lines[0]).toMatch(/client is not reading its replies: \d+\.\d MiB unsent$/)
      // Throttled: the host stopped taking requests well before the 600 were served.
      expect(h.stats().peakBufferedBytes).toBeLessThan(64 * MIB)
      tcp(c.ws).resume()
      expect((await c.closed).code).toBe(1008)
      expect(c.replies.size).toBeLessThan(600)
    }, 90_000)

    it('is served in full, without being cut off, once it reads again within slowReaderMs', async () => {
      const lines: string[] = []
      const limits = { softBufferedBytes: 256 * KIB, hardBufferedBytes: 1024 * MIB, slowReaderMs: 600_000 }
      const h = await startWebHost({ engine: service, rendererDir, port: 0, limits, log: (l) => lines.push(l) })
      hosts.push(h)
      const c = await flood(h, 300)
      await until(() => h.stats().connections[0]?.reading === false && h.stats().connections[0].inFlight === 0, 'the host stopped reading the client')
      const served = h.stats().connections[0]
      expect(served.bufferedBytes).toBeGreaterThan(limits.softBufferedBytes)
      tcp(c.ws).resume()
      await until(() => c.replies.size === 300, 'all 300 replies arrived', 60_000)
      expect(c.ws.readyState).toBe(WebSocket.OPEN)
      expect(h.stats().slowReadersClosed).toBe(0)
      expect(lines).toEqual([])
    }, 90_000)
  })
})
