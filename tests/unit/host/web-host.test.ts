/**
 * Browser-mode host: static files with the CSP (no token needed), the contract over /ws with the
 * same envelope, defensive message handling, the run's token, Host and Origin checks, and a clean
 * close. The per-connection bounds are in web-connection.test.ts.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EngineService } from '../../../src/host/engine-service'
import { startWebHost, type WebHost } from '../../../src/host/web-host'
import { CONTENT_SECURITY_POLICY } from '../../../src/host/content-security-policy'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster
let service: EngineService
let host: WebHost
let rendererDir: string
const sockets: WebSocket[] = []

beforeEach(async () => {
  tc = openTestCluster()
  service = new EngineService(tc.cluster)
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-renderer-'))
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Brokerlab</title>')
  fs.mkdirSync(path.join(rendererDir, 'assets'))
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  host = await startWebHost({ engine: service, rendererDir, port: 0, maxMessageBytes: 64 * 1024 })
})

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate()
  await host.close()
  await service.close()
  await tc.cleanup()
  fs.rmSync(rendererDir, { recursive: true, force: true })
})

/** The WebSocket URL of `h` with its token (or `token`: null for none). */
function wsUrl(h: WebHost, token: string | null = h.token): string {
  return `${h.url.replace('http', 'ws')}ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}

/** Opens a client (with the run's token unless `token` says otherwise) and collects every message it receives. */
async function connect(
  headers: Record<string, string> = {},
  token: string | null = host.token
): Promise<{ ws: WebSocket; inbox: any[]; next: (pred: (m: any) => boolean) => Promise<any> }> {
  const ws = new WebSocket(wsUrl(host, token), { headers })
  sockets.push(ws)
  const inbox: any[] = []
  const waiters: { pred: (m: any) => boolean; res: (m: any) => void }[] = []
  ws.on('message', (d) => {
    const m = JSON.parse(String(d))
    inbox.push(m)
    for (const w of [...waiters]) if (w.pred(m)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.res(m)
    }
  })
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res())
    ws.once('error', rej)
  })
  const next = (pred: (m: any) => boolean) =>
    new Promise<any>((res) => {
      const found = inbox.find(pred)
      if (found) res(found)
      else waiters.push({ pred, res })
    })
  return { ws, inbox, next }
}

describe('startWebHost', () => {
  it('listens on 127.0.0.1 and serves the renderer with the Content-Security-Policy', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(host.engineMode).toBe('external')
    const index = await fetch(host.url)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await index.text()).toContain('<title>Brokerlab</title>')
    const js = await fetch(`${host.url}assets/app.js`)
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/)
    expect((await fetch(`${host.url}assets/missing.js`)).status).toBe(404)
  })

  it('never serves files outside the renderer directory', async () => {
    const secret = path.join(path.dirname(rendererDir), `${path.basename(rendererDir)}-secret.txt`)
    fs.writeFileSync(secret, 'secret')
    try {
      const r = await fetch(`${host.url}..%2f${path.basename(secret)}`)
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(await r.text()).not.toContain('secret')
    } finally {
      fs.rmSync(secret)
    }
  })

  it('serves contract requests over /ws with {id, reply} envelopes', async () => {
    const { ws, next } = await connect()
    ws.send(JSON.stringify({ id: 1, name: 'topic/create', payload: { topic: 'web', partitions: 2, replicationFactor: 3 } }))
    const created = await next((m) => m.id === 1)
    expect(created.reply.ok).toBe(true)
    expect(created.reply.data.partitionViews).toHaveLength(2)
    ws.send(JSON.stringify({ id: 2, name: 'topic/list', payload: {} }))
    const list = await next((m) => m.id === 2)
    expect(list.reply).toMatchObject({ ok: true, data: [{ name: 'web', partitions: 2, replicationFactor: 3 }] })
  })

  it('answers malformed and invalid messages with error replies and keeps serving', async () => {
    const { ws, next } = await connect()
    ws.send('{not json')
    const parseError = await next((m) => m.id === null)
    expect(parseError.reply).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(parseError.reply.error.message).toMatch(/not valid JSON/)
    ws.send(JSON.stringify({ id: 7, name: 'topic/create', payload: { topic: 'bad name', partitions: 1, replicationFactor: 1 } }))
    const invalid = await next((m) => m.id === 7)
    expect(invalid.reply.error.code).toBe('INVALID_REQUEST')
    expect(invalid.reply.error.message).toMatch(/ASCII alphanumerics/)
    ws.send(JSON.stringify({ id: 8, name: 'no/such', payload: {} }))
    expect((await next((m) => m.id === 8)).reply.error.message).toMatch(/Unknown request/)
    ws.send(JSON.stringify({ id: 9, name: 'topic/list', payload: {} }))
    expect((await next((m) => m.id === 9)).reply.ok).toBe(true)
  })

  it('answers a binary message with an error reply and keeps serving', async () => {
    const { ws, next } = await connect()
    ws.send(Buffer.from('{"id":1,"name":"topic/list","payload":{}}'), { binary: true })
    expect((await next((m) => m.id === null)).reply).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: 'Binary messages are not accepted' } })
    ws.send(JSON.stringify({ id: 2, name: 'topic/list', payload: {} }))
    expect((await next((m) => m.id === 2)).reply.ok).toBe(true)
  })

  it('refuses prototype-polluting payloads and prototype member names', async () => {
    const { ws, next } = await connect()
    ws.send('{"id":5,"name":"topic/list","payload":{"__proto__":{"polluted":true}}}')
    const reply = await next((m) => m.id === 5)
    expect(reply.reply.ok).toBe(false)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    ws.send(JSON.stringify({ id: 6, name: 'constructor', payload: {} }))
    expect((await next((m) => m.id === 6)).reply.error.message).toMatch(/Unknown request "constructor"/)
    ws.send(JSON.stringify([1, 2]))
    expect((await next((m) => m.id === null && /must be an object/.test(m.reply.error.message))).reply.ok).toBe(false)
  })

  it('closes a connection whose message exceeds the size limit, and still accepts new ones', async () => {
    const { ws } = await connect()
    const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)))
    ws.send(JSON.stringify({ id: 1, name: 'topic/list', payload: { pad: 'x'.repeat(100_000) } }))
    expect(await closed).toBe(1009)
    const again = await connect()
    again.ws.send(JSON.stringify({ id: 2, name: 'topic/list', payload: {} }))
    expect((await again.next((m) => m.id === 2)).reply.ok).toBe(true)
  })

  it('pushes engine events to connected clients as {event, payload}', async () => {
    const { next } = await connect()
    service.pushSnapshot()
    const pushed = await next((m) => m.event === 'snapshot')
    expect(pushed.payload.brokers).toHaveLength(3)
  })

  it('refuses WebSocket upgrades from another origin', async () => {
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow(/403/)
    const own = await connect({ Origin: host.url.replace(/\/$/, '') })
    expect(own.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('refuses a WebSocket upgrade without the token or with a wrong one (401), and accepts the run\'s token', async () => {
    await expect(connect({}, null)).rejects.toThrow(/401/)
    await expect(connect({}, 'wrong-token-of-the-right-shape')).rejects.toThrow(/401/)
    await expect(connect({}, host.token.slice(0, -1))).rejects.toThrow(/401/)
    await expect(connect({}, `${host.token}x`)).rejects.toThrow(/401/)
    const own = await connect()
    own.ws.send(JSON.stringify({ id: 1, name: 'topic/list', payload: {} }))
    expect((await own.next((m) => m.id === 1)).reply.ok).toBe(true)
  })

  it('makes a new random base64url token each run and prints it in the app URL; static files need none', async () => {
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(host.appUrl).toBe(`${host.url}?token=${host.token}`)
    const other = await startWebHost({ engine: service, rendererDir, port: 0 })
    try {
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(other.token).not.toBe(host.token)
      // A token of one run opens nothing on another.
      await expect(
        new Promise((res, rej) => {
          const ws = new WebSocket(wsUrl(other, host.token))
          sockets.push(ws)
          ws.once('open', res)
          ws.once('error', rej)
        })
      ).rejects.toThrow(/401/)
    } finally {
      await other.close()
    }
    expect((await fetch(`${host.url}assets/app.js`)).status).toBe(200)
    expect((await fetch(host.url)).status).toBe(200)
  })

  it('uses a token passed in, and refuses to start with one that breaks the rule', async () => {
    const token = 'a-test-token_0123456789'
    const h = await startWebHost({ engine: service, rendererDir, port: 0, token })
    try {
      expect(h.token).toBe(token)
      expect(h.appUrl).toMatch(new RegExp(`\\?token=${token}$`))
    } finally {
      await h.close()
    }
    await expect(startWebHost({ engine: service, rendererDir, port: 0, token: 'short' })).rejects.toThrow(
      /token must be 16 to 256 characters of A-Z, a-z, 0-9, - and _ \(base64url\); got 5 characters/
    )
    await expect(startWebHost({ engine: service, rendererDir, port: 0, token: 'has spaces in it, sixteen+' })).rejects.toThrow(/including others/)
  })

  it('refuses upgrades whose Host header is not ours (DNS rebinding), even with the token', async () => {
    await expect(connect({ Host: `evil.example:${host.port}` })).rejects.toThrow(/403/)
    await expect(connect({ Host: `127.0.0.1:${host.port + 1}` })).rejects.toThrow(/403/)
    const byName = await connect({ Host: `localhost:${host.port}`, Origin: `http://localhost:${host.port}` })
    expect(byName.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('stops listening on close', async () => {
    await host.close()
    await expect(fetch(host.url)).rejects.toThrow()
  })
})

describe('startWebHost engine placement', () => {
  const ROOT = path.resolve(__dirname, '../../..')
  const BUILT_WORKER = path.join(ROOT, 'out/main/engine-worker.js')

  async function roundTrip(h: WebHost): Promise<unknown> {
    const ws = new WebSocket(wsUrl(h))
    sockets.push(ws)
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res())
      ws.once('error', rej)
    })
    const reply = new Promise<unknown>((res) => ws.once('message', (d) => res(JSON.parse(String(d)))))
    ws.send(JSON.stringify({ id: 1, name: 'topic/defaults', payload: {} }))
    return reply
  }

  it('runs the engine in-process when the worker is not built', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-web-'))
    const h = await startWebHost({ dataDir, rendererDir, workerScript: path.join(dataDir, 'missing-worker.js') })
    try {
      expect(h.engineMode).toBe('in-process')
      expect(await roundTrip(h)).toMatchObject({ id: 1, reply: { ok: true, data: { brokers: 3 } } })
    } finally {
      await h.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it.skipIf(!fs.existsSync(BUILT_WORKER))('runs the engine in the built worker thread when it exists', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-web-'))
    const h = await startWebHost({ dataDir, rendererDir, workerScript: BUILT_WORKER })
    try {
      expect(h.engineMode).toBe('worker')
      expect(await roundTrip(h)).toMatchObject({ id: 1, reply: { ok: true, data: { brokers: 3 } } })
    } finally {
      await h.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('startWebHost beyond loopback', () => {
  it('refuses to listen beyond loopback without allowed hosts, before starting anything', async () => {
    const engine = { handle: async () => ({ ok: true as const, data: null }), subscribe: () => () => undefined, close: async () => undefined }
    await expect(startWebHost({ engine, rendererDir, host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /Listening on 0\.0\.0\.0 makes the engine reachable from the network: name the hosts browsers use to reach it \(allowedHosts\)/
    )
    await expect(startWebHost({ engine, rendererDir, host: '192.168.1.5', port: 0 })).rejects.toThrow(/allowedHosts/)
    await expect(startWebHost({ engine, rendererDir, port: 0, allowedHosts: ['http://myhost.local'] })).rejects.toThrow(
      /"http:\/\/myhost\.local" is not a host name or IP address/
    )
  })

  it('accepts upgrades for an allowed host with our port and Origin, and still requires the token and checks the Origin', async () => {
    // Listens on 127.0.0.1 only; the Host headers are forged as a browser reaching "myhost.local" would send them.
    const h = await startWebHost({ engine: service, rendererDir, port: 0, allowedHosts: ['myhost.local', '192.168.1.5'] })
    const open = (headers: Record<string, string>, token: string | null = h.token) =>
      new Promise<WebSocket>((res, rej) => {
        const ws = new WebSocket(wsUrl(h, token), { headers })
        sockets.push(ws)
        ws.once('open', () => res(ws))
        ws.once('error', rej)
      })
    try {
      const named = `myhost.local:${h.port}`
      expect((await open({ Host: named, Origin: `http://${named}` })).readyState).toBe(WebSocket.OPEN)
      expect((await open({ Host: `MyHost.Local:${h.port}` })).readyState).toBe(WebSocket.OPEN)
      expect((await open({ Host: `192.168.1.5:${h.port}` })).readyState).toBe(WebSocket.OPEN)
      await expect(open({ Host: named }, null)).rejects.toThrow(/401/)
      await expect(open({ Host: named, Origin: 'http://evil.example' })).rejects.toThrow(/403/)
      await expect(open({ Host: `myhost.local:${h.port + 1}` })).rejects.toThrow(/403/)
      await expect(open({ Host: `other.local:${h.port}` })).rejects.toThrow(/403/)
    } finally {
      await h.close()
    }
  })
})
