/**
 * Browser mode: an HTTP server serving the built renderer (out/renderer) with the same
 * Content-Security-Policy as the desktop app, and a WebSocket endpoint `/ws` carrying the contract
 * with the same envelope as the engine worker: requests `{ id, name, payload }`, replies
 * `{ id, reply }`, pushes `{ event, payload }`. Each connection is served by a WebConnection
 * (web-connection.ts), which bounds its requests in flight and its unsent replies.
 *
 * The engine runs in a worker thread (EngineHost) when the built worker (out/main/engine-worker.js)
 * exists, else in-process (EngineService on this thread), e.g. when running from source before
 * `npm run build`; the behaviour is the same, only heavy requests then share this thread. With
 * `listeners`, the engine starts the brokers' Kafka listeners too (in its worker or in-process).
 *
 * Must stay true: listens on the given host (default 127.0.0.1) only, and beyond loopback only with
 * an explicit Host allow-list (`allowedHosts`); WebSocket upgrades are accepted only on `/ws`, with a
 * Host header on the allow-list (host-allow-list.ts: loopback names, the listen address, the allowed
 * hosts, with the port; never "any"), from no Origin (scripts, tests) or our own origin, and with the
 * run's token (`?token=`, web-token.ts; 401 without it or with a wrong one), so neither other web
 * pages nor other local processes can drive the engine. Export downloads (`/export/<id>`,
 * export-download.ts) need the token and an allowed Host too. Static files (public app code, no
 * secrets) are served without the token and never leave the renderer directory. Every message is
 * size-limited, parsed defensively and validated, and a malformed one gets an error reply (never a
 * crash).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync, promises as fsp } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { WS_MAX_MESSAGE_BYTES } from '../shared/contract'
import { CONTENT_SECURITY_POLICY } from './content-security-policy'
import type { EngineClient } from './engine-client'
import { EngineHost } from './engine-host'
import { EngineService } from './engine-service'
import { openCluster } from './open-cluster'
import { startListeners, type ListenerSettings } from './open-listeners'
import type { RecordedListener } from '../broker/protocol/network/listeners-file'
import { hostAllowList, hostForUrl, hostHeaderAllowed, isLoopbackHost, isWildcardHost } from './host-allow-list'
import { connectionLimits, WebConnection, type ConnectionLimits, type ConnectionStats } from './web-connection'
import { newWebToken, webTokenMatches, webTokenProblem } from './web-token'
import { EXPORT_PATH_PREFIX, serveExportDownload } from './export-download'

export { parseWsRequest } from './web-connection'

/** Default largest WebSocket message, in bytes (an import's file content travels in one message). */
export const DEFAULT_MAX_MESSAGE_BYTES = WS_MAX_MESSAGE_BYTES

/** Options of startWebHost. */
export interface WebHostOptions {
  /** Cluster data directory (needed unless `engine` is given). */
  dataDir?: string
  /** An engine to serve instead of starting one; the web host then does not close it. */
  engine?: EngineClient
  /**
   * Interface to listen on (default 127.0.0.1). Anything but loopback (127.0.0.0/8, ::1,
   * localhost) needs `allowedHosts`.
   */
  host?: string
  /**
   * Host names or addresses (no port) browsers may use to reach the host besides the loopback names,
   * e.g. ['myhost.local', '192.168.1.5']; checked against each upgrade's Host header, with the port.
   */
  allowedHosts?: string[]
  /** Port (default 0: any free port). */
  port?: number
  /** Directory of the built renderer (index.html and assets). */
  rendererDir: string
  /** Built engine worker; when it exists the engine runs in a worker thread, else in-process. */
  workerScript?: string
  /** Largest WebSocket message in bytes (default 64 MiB); larger ones close the socket with 1009. */
  maxMessageBytes?: number
  /**
   * The run's secret (default: a new random one, see web-token.ts); pass one to keep it across
   * restarts (tests, pages left open). Must follow WEB_TOKEN_RULE.
   */
  token?: string
  /** Per-connection bounds (default DEFAULT_CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>
  /** Where the host's log lines go (a slow reader cut off); default console.warn. */
  log?: (line: string) => void
  /** Start the brokers' Kafka listeners with the engine (open-listeners.ts); absent: none. Ignored with `engine`. */
  listeners?: ListenerSettings
}

/** What the web host holds now, for tests and diagnostics. */
export interface WebHostStats {
  /** Open WebSocket connections and their counters. */
  connections: ConnectionStats[]
  /** Most unsent bytes any one connection held since the start. */
  peakBufferedBytes: number
  /** Connections closed (1008) for not reading their replies. */
  slowReadersClosed: number
}

/** A running browser-mode host. */
export interface WebHost {
  /** The server's base URL, e.g. "http://127.0.0.1:5173/" (static files need no token). */
  url: string
  /** The URL to open: `url` with the token, e.g. "http://127.0.0.1:5173/?token=...". */
  appUrl: string
  /** The run's secret; the WebSocket needs it as `/ws?token=...`. */
  token: string
  /** The port listened on (the actual one when 0 was asked). */
  port: number
  /** Where the engine runs. */
  engineMode: 'worker' | 'in-process' | 'external'
  /** The brokers' Kafka listeners as they started (empty without the `listeners` option). */
  brokerListeners: RecordedListener[]
  /** Counters of the open connections. */
  stats(): WebHostStats
  /** Closes the sockets, the server and (when started here) the engine. */
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8'
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.end(text)
}

/** Serves a file of `root` for a GET/HEAD; unknown paths without an extension get index.html. */
async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  securityHeaders(res)
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return sendText(res, 405, 'Method not allowed')
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
  } catch {
    return sendText(res, 400, 'Bad request path')
  }
  if (pathname.includes('\0')) return sendText(res, 400, 'Bad request path')
  let file = normalize(join(root, pathname))
  if (file !== root && !file.startsWith(root + sep)) return sendText(res, 403, 'Forbidden')
  let stat = await fsp.stat(file).catch(() => null)
  if (stat?.isDirectory()) {
    file = join(file, 'index.html')
    stat = await fsp.stat(file).catch(() => null)
  }
  if (!stat && extname(pathname) === '') {
    file = join(root, 'index.html')
    stat = await fsp.stat(file).catch(() => null)
  }
  if (!stat || !stat.isFile()) {
    if (!existsSync(join(root, 'index.html')))
      return sendText(res, 503, `The renderer is not built (no ${join(root, 'index.html')}); run \`npm run build\` first.`)
    return sendText(res, 404, 'Not found')
  }
  res.statusCode = 200
  res.setHeader('Content-Type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream')
  res.setHeader('Content-Length', stat.size)
  res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600')
  if (req.method === 'HEAD') return void res.end()
  res.end(await fsp.readFile(file))
}

async function startEngine(options: WebHostOptions): Promise<{ engine: EngineClient; mode: WebHost['engineMode']; brokerListeners: RecordedListener[] }> {
  if (options.engine) return { engine: options.engine, mode: 'external', brokerListeners: [] }
  const dataDir = options.dataDir
  if (!dataDir) throw new Error('startWebHost needs dataDir (or an engine)')
  if (options.workerScript && existsSync(options.workerScript)) {
    const engine = await EngineHost.start({ workerScript: options.workerScript, dataDir, listeners: options.listeners })
    return { engine, mode: 'worker', brokerListeners: engine.brokerListeners }
  }
  const cluster = openCluster({ dataDir })
  try {
    const listeners = options.listeners ? await startListeners(cluster, dataDir, options.listeners, options.log ?? ((l) => console.warn(l))) : undefined
    return { engine: new EngineService(cluster, { listeners }), mode: 'in-process', brokerListeners: listeners?.statuses() ?? [] }
  } catch (e) {
    await cluster.close()
    throw e
  }
}

/**
 * Starts browser mode: the engine, then the HTTP + WebSocket server.
 * @returns the URLs (with the actual port when `port` is 0), the token, stats() and close().
 * @throws Error before starting anything when `host` is beyond loopback without `allowedHosts`, an
 *   allowed host or the token breaks its rule, or a limit is invalid; when the engine cannot open the
 *   data directory; or when the port is taken (EADDRINUSE).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1'
  const allowed = options.allowedHosts ?? []
  if (!isLoopbackHost(host) && allowed.length === 0)
    throw new Error(
      `Listening on ${host} makes the engine reachable from the network: name the hosts browsers use to reach it (allowedHosts), so the Host check stays on`
    )
  hostAllowList(host, 0, allowed) // throws naming a bad entry, before anything starts
  const token = options.token ?? newWebToken()
  const tokenProblem = webTokenProblem(token)
  if (tokenProblem) throw new Error(`Web host token: ${tokenProblem}`)
  const limits = connectionLimits(options.limits)
  const log = options.log ?? ((line: string) => console.warn(line))
  const root = resolve(options.rendererDir)
  const { engine, mode, brokerListeners } = await startEngine(options)
  let hosts = new Set<string>()
  const downloads = {
    engine,
    tokenMatches: (t: string | null) => webTokenMatches(token, t),
    hostAllowed: (h: string | undefined) => hostHeaderAllowed(hosts, h)
  }
  const server = createServer((req, res) => {
    const serve = (req.url ?? '').startsWith(EXPORT_PATH_PREFIX) ? serveExportDownload(downloads, req, res) : serveStatic(root, req, res)
    serve.catch((e) => {
      if (!res.headersSent) sendText(res, 500, `Internal error: ${(e as Error).message}`)
      else res.destroy()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES })
  const connections = new Set<WebConnection>()
  let peakBufferedBytes = 0
  let slowReadersClosed = 0

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    let url: URL
    try {
      url = new URL(req.url ?? '', 'http://localhost')
    } catch {
      return refuse(400, 'Bad Request')
    }
    if (url.pathname !== '/ws') return refuse(404, 'Not Found')
    // Host check against DNS rebinding, also when listening on a wildcard address.
    const hostHeader = req.headers.host
    if (!hostHeaderAllowed(hosts, hostHeader)) return refuse(403, 'Forbidden')
    const origin = req.headers.origin
    if (origin !== undefined && origin.toLowerCase() !== `http://${hostHeader?.toLowerCase()}`) return refuse(403, 'Forbidden')
    if (!webTokenMatches(token, url.searchParams.get('token'))) return refuse(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const conn = new WebConnection(ws, req, engine, limits, log, () => slowReadersClosed++)
    connections.add(conn)
    ws.on('close', () => {
      connections.delete(conn)
      peakBufferedBytes = Math.max(peakBufferedBytes, conn.peakBufferedBytes)
    })
  })

  const unsubscribe = engine.subscribe((ev) => {
    if (connections.size === 0) return
    const text = JSON.stringify(ev)
    for (const conn of connections) conn.pushEvent(text)
  })

  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', rej)
        res()
      })
    })
  } catch (e) {
    unsubscribe()
    if (mode !== 'external') await engine.close()
    throw e
  }
  const port = (server.address() as AddressInfo).port
  hosts = hostAllowList(host, port, allowed)
  // A wildcard address is no place to browse to: the printed URL uses loopback.
  const url = `http://${isWildcardHost(host) ? '127.0.0.1' : hostForUrl(host)}:${port}/`
  let closing: Promise<void> | null = null
  return {
    url,
    appUrl: `${url}?token=${token}`,
    token,
    port,
    engineMode: mode,
    brokerListeners,
    stats() {
      const conns = [...connections].map((c) => c.stats())
      return {
        connections: conns,
        peakBufferedBytes: Math.max(peakBufferedBytes, ...conns.map((c) => c.peakBufferedBytes)),
        slowReadersClosed
      }
    },
    close() {
      closing ??= (async () => {
        unsubscribe()
        for (const ws of wss.clients) ws.terminate()
        await new Promise<void>((res) => wss.close(() => res()))
        server.closeAllConnections?.()
        await new Promise<void>((res) => server.close(() => res()))
        if (mode !== 'external') await engine.close()
      })()
      return closing
    }
  }
}
