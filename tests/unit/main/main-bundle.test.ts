/**
 * Loads the BUILT main-process bundle (out/main/index.js) with a stand-in `electron` module and
 * checks what the real app would do: the `app://` scheme is registered as privileged before ready
 * and its handler serves the built renderer; every permission request and check is denied, with the
 * handlers in place before the window loads `app://brokerlab/index.html`; the window's
 * webPreferences are the safe ones, navigation and new windows are blocked, the CSP header is
 * installed, every contract request name is served by the registered IPC handler (through the real
 * engine worker, out/main/engine-worker.js) from the window's main frame, and other frames are refused.
 * Skipped, with a message, when the bundle has not been built (`npm run build`; `npm test` builds
 * before running the unit tests).
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import Module, { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, REQUEST_NAMES, type Reply, type RequestName } from '../../../src/shared/contract'
import { validateRequest } from '../../../src/shared/schemas'

const ROOT = path.resolve(__dirname, '../../..')
const BUNDLE = path.join(ROOT, 'out/main/index.js')
const built = fs.existsSync(BUNDLE) && fs.existsSync(path.join(ROOT, 'out/main/engine-worker.js'))
if (!built) console.warn(`main-bundle.test: skipped, ${BUNDLE} is not built (run \`npm run build\`)`)

/** A stand-in WebFrameMain. */
interface FakeFrame {
  parent: FakeFrame | null
  origin: string
  url: string
}

class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame = { parent: null, origin: 'app://brokerlab', url: 'app://brokerlab/index.html' }
  openHandler: ((details: unknown) => unknown) | null = null
  sent: unknown[][] = []
  setWindowOpenHandler(h: (details: unknown) => unknown) {
    this.openHandler = h
  }
  send(...args: unknown[]) {
    this.sent.push(args)
  }
  isDestroyed() {
    return false
  }
}

type PermissionRequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void
type PermissionCheckHandler = (wc: unknown, permission: string, origin: string, details: unknown) => boolean
type ProtocolHandler = (request: { url: string; method: string }) => Promise<Response>

let ready = false
const recorded = {
  /** Each registerSchemesAsPrivileged call, and whether the app was ready by then. */
  privilegedSchemes: [] as { schemes: unknown; afterReady: boolean }[],
  /** Each protocol.handle call with how many windows existed then. */
  protocols: new Map<string, { handler: ProtocolHandler; windowsBefore: number }>(),
  permissionRequest: null as null | { handler: PermissionRequestHandler; windowsBefore: number },
  permissionCheck: null as null | { handler: PermissionCheckHandler; windowsBefore: number },
  devicePermission: null as null | ((details: unknown) => boolean),
  windows: [] as FakeBrowserWindow[],
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  csp: null as null | ((details: unknown, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void),
  menu: null as unknown,
  quitCalls: 0
}

class FakeBrowserWindow extends EventEmitter {
  webContents = new FakeWebContents()
  loaded: string[] = []
  constructor(readonly options: { webPreferences?: Record<string, unknown>; icon?: string }) {
    super()
    recorded.windows.push(this)
  }
  loadFile(f: string) {
    this.loaded.push(f)
    return Promise.resolve()
  }
  loadURL(u: string) {
    this.loaded.push(u)
    return Promise.resolve()
  }
  show() {}
  static getAllWindows() {
    return recorded.windows
  }
}

const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-userdata-'))
const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve().then(() => void (ready = true)),
  getPath: (name: string) => (name === 'userData' ? userData : os.tmpdir()),
  quit: () => {
    recorded.quitCalls++
  }
})
const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle: (ch: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void recorded.handlers.set(ch, fn),
    removeHandler: (ch: string) => void recorded.handlers.delete(ch)
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown) => void recorded.privilegedSchemes.push({ schemes, afterReady: ready }),
    handle: (scheme: string, handler: ProtocolHandler) => void recorded.protocols.set(scheme, { handler, windowsBefore: recorded.windows.length })
  },
  session: {
    defaultSession: Object.assign(new EventEmitter(), {
      webRequest: { onHeadersReceived: (fn: typeof recorded.csp) => void (recorded.csp = fn) },
      setPermissionRequestHandler: (handler: PermissionRequestHandler) =>
        void (recorded.permissionRequest = { handler, windowsBefore: recorded.windows.length }),
      setPermissionCheckHandler: (handler: PermissionCheckHandler) =>
        void (recorded.permissionCheck = { handler, windowsBefore: recorded.windows.length }),
      setDevicePermissionHandler: (handler: (details: unknown) => boolean) => void (recorded.devicePermission = handler)
    })
  },
  Menu: {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (m: unknown) => void (recorded.menu = m)
  }
}

const STANDIN = path.join(userData, 'electron-standin.js')
type ResolveFilename = (request: string, ...rest: unknown[]) => string
const M = Module as unknown as { _resolveFilename: ResolveFilename; _cache: Record<string, unknown> }
const originalResolve = M._resolveFilename

/** A valid payload per request (checked against the schemas below), in an order that makes sense. */
const VALID: { [N in RequestName]: unknown } = {
  'topic/create': { topic: 'bundle', partitions: 2, replicationFactor: 3 },
  'topic/alter': { topic: 'bundle', partitions: 3 },
  'cluster/snapshot': {},
  'cluster/events': { afterSeq: 0 },
  'cluster/elect-leaders': { electionType: 'preferred', topic: 'bundle' },
  'topic/list': {},
  'topic/describe': { topic: 'bundle' },
  'topic/defaults': {},
  'topic/segments': { topic: 'bundle', partition: 0 },
  'topic/replica-lag-history': { topic: 'bundle', partition: 0 },
  'produce/send': { topic: 'bundle', acks: 'all', records: [{ key: 'k', value: 'v' }] },
  'messages/fetch': { topic: 'bundle', partition: null, start: { kind: 'earliest' }, limit: 10 },
  'messages/tail': { topic: 'bundle', partitions: null, cursors: null },
  'messages/search-start': { topic: 'bundle', partitions: null, value: { mode: 'substring', pattern: 'v' } },
  'messages/search-poll': { searchId: 'unknown-search-id' },
  'messages/search-stop': { searchId: 'unknown-search-id' },
  'messages/export-start': { format: 'ndjson', source: { kind: 'records', topic: 'bundle', records: [{ partition: 0, offset: 0 }] } },
  'messages/export-read': { exportId: 'unknown-export-id' },
  'messages/export-status': { exportId: 'unknown-export-id' },
  'messages/export-cancel': { exportId: 'unknown-export-id' },
  'messages/export-save': { exportId: 'unknown-export-id', fileName: 'bundle.ndjson' },
  'offsets/list': { topic: 'bundle' },
  'group/consume': { groupId: 'g', topic: 'bundle', maxRecords: 10, fromBeginning: true },
  'group/list': {},
  'group/describe': { groupId: 'g' },
  'group/reset': { groupId: 'g', topic: 'bundle', to: 'earliest' },
  'group/membership': { groupId: 'g' },
  'group/details': { groupId: 'g' },
  'group/delete': { groupId: 'g' },
  'import/upload': { fileName: 'a.ndjson', size: 8 },
  'import/upload-chunk': { uploadId: 'not-staged', offset: 0, data: Buffer.from('{"a":1}\n').toString('base64') },
  'import/sample': { sample: 'flights' },
  'import/inspect': { uploadId: 'not-staged' },
  'import/run': { uploadId: 'not-staged', topic: 'bundle', format: 'ndjson', keyField: 'a' },
  'import/discard': { uploadId: 'not-staged' },
  'broker/fetching': { brokerId: 3, paused: true },
  // the ports main's listeners already use (9092 and up): a rebind in place, no new port taken
  'listener/settings': {},
  'listener/base-port': { basePort: 9092 },
  'broker/slow': { brokerId: 3, delayMs: 10 },
  'broker/isolate': { brokerId: 3 },
  'broker/heal': { brokerId: 3 },
  'broker/kill': { brokerId: 3 },
  'broker/stop': { brokerId: 3 },
  'broker/start': { brokerId: 3 },
  'topic/delete': { topic: 'bundle' }
}

describe.skipIf(!built)('built main bundle (out/main/index.js) with a stand-in electron', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    M._resolveFilename = function (request: string, ...rest: unknown[]) {
      if (request === 'electron') return STANDIN
      return originalResolve.call(this, request, ...rest)
    }
    const standin = new Module(STANDIN)
    standin.filename = STANDIN
    standin.loaded = true
    standin.exports = fakeElectron
    M._cache[STANDIN] = standin
    createRequire(__filename)(BUNDLE)
    // whenReady() resolved: let its continuation run.
    await new Promise((r) => setTimeout(r, 0))
  })

  afterAll(async () => {
    const quitBefore = recorded.quitCalls
    let prevented = false
    app.emit('before-quit', { preventDefault: () => (prevented = true) })
    if (prevented) {
      const until = Date.now() + 20_000
      while (recorded.quitCalls === quitBefore && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    }
    M._resolveFilename = originalResolve
    delete M._cache[STANDIN]
    fs.rmSync(userData, { recursive: true, force: true })
  })

  it('opens one window with the safe webPreferences and the built preload', () => {
    expect(recorded.windows).toHaveLength(1)
    const prefs = recorded.windows[0].options.webPreferences ?? {}
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.preload).toBe(path.join(ROOT, 'out/preload/index.js'))
    expect(recorded.windows[0].loaded).toEqual(['app://brokerlab/index.html'])
  })

  it('registers app:// as a privileged standard secure scheme before ready, without bypassing the CSP', () => {
    expect(recorded.privilegedSchemes).toEqual([
      { schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }], afterReady: false }
    ])
  })

  it('serves the built renderer on app://brokerlab/ with its content types and the CSP, and refuses traversal', async () => {
    const entry = recorded.protocols.get('app')
    expect(entry?.windowsBefore).toBe(0)
    const handle = entry!.handler
    const index = await handle({ url: 'app://brokerlab/index.html', method: 'GET' })
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('content-security-policy')).toMatch(/connect-src 'self';/)
    const html = await index.text()
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const js = await handle({ url: new URL(script!, 'app://brokerlab/index.html').href, method: 'GET' })
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    for (const url of ['app://brokerlab/..%2f..%2fmain%2findex.js', 'app://brokerlab/../main/index.js', 'app://brokerlab/assets/missing.js']) {
      const res = await handle({ url, method: 'GET' })
      expect(res.status, url).not.toBe(200)
    }
  })

  it('denies every permission request and check, with the handlers installed before the window opened', () => {
    expect(recorded.permissionRequest?.windowsBefore).toBe(0)
    expect(recorded.permissionCheck?.windowsBefore).toBe(0)
    const wc = recorded.windows[0].webContents
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const answers: boolean[] = []
      recorded.permissionRequest!.handler(wc, permission, (g) => answers.push(g), { requestingUrl: 'app://brokerlab/index.html' })
      expect(answers, permission).toEqual([false])
      expect(recorded.permissionCheck!.handler(wc, permission, 'app://brokerlab', {}), permission).toBe(false)
    }
    expect(recorded.devicePermission?.({ deviceType: 'usb', origin: 'app://brokerlab' })).toBe(false)
  })

  it('gives the window the app icon from resources/', () => {
    const icon = recorded.windows[0].options.icon
    expect(icon).toBe(path.join(ROOT, 'resources/icon.png'))
    expect(fs.existsSync(icon!)).toBe(true)
  })

  it('blocks navigation and denies new windows', () => {
    const wc = recorded.windows[0].webContents
    let prevented = 0
    wc.emit('will-navigate', { preventDefault: () => prevented++ }, 'https://example.com/')
    expect(prevented).toBeGreaterThanOrEqual(1)
    expect(wc.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
  })

  it('installs the strict Content-Security-Policy on every response', () => {
    let headers: Record<string, string[]> | undefined
    recorded.csp?.({ responseHeaders: { 'content-security-policy': ['default-src *'], 'x-other': ['1'] } }, (r) => (headers = r.responseHeaders))
    expect(headers?.['Content-Security-Policy']?.[0]).toMatch(/default-src 'self'; script-src 'self'/)
    expect(headers?.['Content-Security-Policy']?.[0]).not.toMatch(/ws:/)
    expect(headers?.['content-security-policy']).toBeUndefined()
    expect(headers?.['x-other']).toEqual(['1'])
  })

  it('serves every contract request name through the registered IPC handler', async () => {
    const handler = recorded.handlers.get(IPC_REQUEST_CHANNEL)
    expect(handler).toBeTypeOf('function')
    const sender = recorded.windows[0].webContents
    const event = { sender, senderFrame: sender.mainFrame }
    for (const name of REQUEST_NAMES) {
      expect(validateRequest(name, VALID[name]).ok, name).toBe(true)
      const reply = (await handler!(event, name, VALID[name])) as Reply<unknown>
      expect(typeof reply.ok, name).toBe('boolean')
      if (!reply.ok) {
        expect(reply.error.code, `${name}: ${reply.error.message}`).not.toBe('INVALID_REQUEST')
        expect(reply.error.message).not.toMatch(/Unknown request/)
      }
      const bad = (await handler!(event, name, { not: 'valid' })) as Reply<unknown>
      expect(bad.ok || bad.error.code, name).toBe('INVALID_REQUEST')
    }
    const snapshot = (await handler!(event, 'cluster/snapshot', {})) as Reply<{ brokers: unknown[] }>
    expect(snapshot.ok && snapshot.data.brokers).toHaveLength(3)
  })

  it('refuses requests from any sender other than its window, and unknown names', async () => {
    const handler = recorded.handlers.get(IPC_REQUEST_CHANNEL)!
    const other = new FakeWebContents()
    expect(await handler({ sender: other, senderFrame: other.mainFrame }, 'topic/list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const sender = recorded.windows[0].webContents
    expect(await handler({ sender, senderFrame: sender.mainFrame }, 'shell/exec', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Unknown request "shell/exec"' }
    })
  })

  it("refuses a subframe, a foreign-origin frame and a gone frame of its own window", async () => {
    const handler = recorded.handlers.get(IPC_REQUEST_CHANNEL)!
    const sender = recorded.windows[0].webContents
    const frames = [
      { parent: sender.mainFrame, origin: 'app://brokerlab', url: 'app://brokerlab/frame.html' },
      { parent: null, origin: 'https://evil.example', url: 'https://evil.example/' },
      { parent: null, origin: 'file://', url: 'file:///work/out/renderer/index.html' },
      null
    ]
    for (const senderFrame of frames)
      expect(await handler({ sender, senderFrame }, 'topic/list', {}), JSON.stringify(senderFrame?.url ?? null)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' }
      })
  })

  it('pushes engine snapshots to the window on the event channel', async () => {
    const wc = recorded.windows[0].webContents
    const until = Date.now() + 5000
    while (!wc.sent.some((m) => m[0] === IPC_EVENT_CHANNEL && m[1] === 'snapshot') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100))
    expect(wc.sent.some((m) => m[0] === IPC_EVENT_CHANNEL && m[1] === 'snapshot')).toBe(true)
  })
})
