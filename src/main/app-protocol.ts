/**
 * The `app://brokerlab/` protocol that serves the built renderer (out/renderer) to the desktop
 * window instead of `file://`: a privileged standard, secure scheme, so the page has a real origin
 * (`app://brokerlab`) that the CSP's 'self' and the IPC sender check can name, and no `file://`
 * page can read the disk around it.
 *
 * Two parts: `planAppResponse`, the pure request -> response mapping (tested on its own), and
 * `createAppProtocolHandler`, which applies it to the renderer directory for `protocol.handle`.
 *
 * Must stay true: the scheme is registered as privileged before the app is ready (Electron allows it
 * only then) and never with `bypassCSP` or `corsEnabled` (other origins cannot read it); only files
 * under the renderer directory are served: any `..` segment (literal or percent-encoded), encoded
 * slash or backslash, NUL or drive letter is refused, never normalised away; only GET and HEAD; every
 * response, errors included, carries the Content-Security-Policy and `nosniff`; paths without an
 * extension fall back to index.html, like the browser-mode host, and unknown files are 404.
 */
import { statSync, promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { CONTENT_SECURITY_POLICY } from '../host/content-security-policy'

/** The scheme, without the colon. */
export const APP_SCHEME = 'app'
/** The one host the scheme serves. */
export const APP_HOST = 'brokerlab'
/** The renderer's origin in the desktop app. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** What the window loads. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`

/**
 * The scheme's registration for `protocol.registerSchemesAsPrivileged` (Electron's CustomScheme):
 * `standard` (a real origin, relative URLs resolve as on http), `secure` (a secure context, like
 * https), `supportFetchAPI` (module scripts and fetch of own files). Deliberately not `bypassCSP`,
 * `corsEnabled` or `allowServiceWorkers`.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true }
} as const

/**
 * Content types of the files a Vite build of the renderer emits (and a few a later asset may need);
 * any other extension is served as application/octet-stream, which `nosniff` keeps from running.
 */
export const APP_MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm'
}

/** What a request needs: its URL and method (Electron passes a fetch Request). */
export interface AppRequestLike {
  url: string
  method: string
}

/** What a path of the renderer directory is, as `planAppResponse` asks it. */
export type AppPathKind = 'file' | 'directory' | null

/**
 * The answer `planAppResponse` plans: a file of the renderer directory (a relative path, segments
 * joined with '/') with its content type, or an error status with a message naming the problem.
 */
export type AppResponsePlan =
  | { status: 200; file: string; contentType: string }
  | { status: 400 | 403 | 404 | 405 | 503; message: string }

const INDEX = 'index.html'

function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot).toLowerCase() : ''
}

/** What makes a decoded path segment unsafe to join to a directory, or null. */
function segmentProblem(segment: string): string | null {
  if (segment.includes('\0')) return 'a NUL byte'
  if (segment.includes('/')) return 'an encoded slash (%2F)'
  if (segment.includes('\\')) return 'a backslash'
  if (/^[a-zA-Z]:/.test(segment)) return 'a drive letter'
  return null
}

function served(file: string): AppResponsePlan {
  return { status: 200, file, contentType: APP_MIME_TYPES[extensionOf(file)] ?? 'application/octet-stream' }
}

/**
 * Maps one `app://` request to what to answer, without touching the disk itself: `lookup(path)`
 * says whether a relative path of the renderer directory is a file, a directory or absent.
 *
 * - 405 for methods other than GET and HEAD; 404 for another host than `brokerlab`.
 * - 400 for a path that is not valid percent-encoding, or whose decoded segments hold a NUL, an
 *   encoded slash, a backslash or a drive letter (`C:`), which could step out of the directory once
 *   joined; literal and `%2e%2e` dot segments are resolved by the WHATWG URL parser (so `/../x` is
 *   `/x`, inside the directory); a `..` segment that would still survive decoding is a 403.
 * - `/` and directories serve their index.html; a path without an extension that does not exist
 *   serves index.html (client-side routes, as the browser-mode host does); other unknown files 404;
 *   503 when the renderer is not built at all (no index.html).
 * @param request the request's URL (`app://brokerlab/assets/index-abc.js`) and method.
 */
export function planAppResponse(request: AppRequestLike, lookup: (relativePath: string) => AppPathKind): AppResponsePlan {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return { status: 405, message: `Method ${request.method} not allowed: ${APP_ORIGIN} serves GET and HEAD only` }
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return { status: 400, message: `Bad request URL "${request.url}"` }
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST)
    return { status: 404, message: `Not found: ${url.protocol}//${url.host} is not ${APP_ORIGIN}` }
  const rawSegments = url.pathname.split('/').filter((s) => s !== '')
  const segments: string[] = []
  for (const raw of rawSegments) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return { status: 400, message: `Bad request path "${url.pathname}": invalid percent-encoding` }
    }
    if (segment === '..') return { status: 403, message: `Forbidden: "${url.pathname}" leaves the renderer directory` }
    const bad = segmentProblem(segment)
    if (bad) return { status: 400, message: `Bad request path "${url.pathname}": ${bad} is not allowed in a path segment` }
    if (segment !== '.') segments.push(segment)
  }
  const indexBuilt = lookup(INDEX) === 'file'
  if (!indexBuilt) return { status: 503, message: `The renderer is not built (no ${INDEX}); run \`npm run build\` first.` }
  const path = segments.join('/')
  if (path === '') return served(INDEX)
  const kind = lookup(path)
  if (kind === 'file') return served(path)
  if (kind === 'directory') {
    const index = `${path}/${INDEX}`
    return lookup(index) === 'file' ? served(index) : { status: 404, message: `Not found: ${url.pathname}` }
  }
  if (extensionOf(path) === '') return served(INDEX)
  return { status: 404, message: `Not found: ${url.pathname}` }
}

/** Headers every `app://` response carries. */
function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache'
  }
}

/** What `path` is on disk; null when absent or unreadable (ENOENT, ENOTDIR below a file, EACCES). */
function statKind(path: string): AppPathKind {
  try {
    const stat = statSync(path, { throwIfNoEntry: false })
    return stat?.isFile() ? 'file' : stat?.isDirectory() ? 'directory' : null
  } catch {
    return null
  }
}

/**
 * The `protocol.handle(APP_SCHEME, ...)` handler serving `rendererDir` (out/renderer): plans each
 * request with `planAppResponse` against the directory, reads the file and answers a Response with
 * its content type, the CSP and `nosniff` (no body for HEAD); errors get a text/plain Response with
 * the plan's status and message. Never throws: a file that vanishes between plan and read is a 404.
 */
export function createAppProtocolHandler(rendererDir: string): (request: AppRequestLike) => Promise<Response> {
  const lookup = (relativePath: string): AppPathKind => statKind(join(rendererDir, ...relativePath.split('/')))
  return async (request) => {
    const plan = planAppResponse(request, lookup)
    if (plan.status !== 200) return new Response(plan.message, { status: plan.status, headers: baseHeaders('text/plain; charset=utf-8') })
    let body: Buffer
    try {
      body = await fsp.readFile(join(rendererDir, ...plan.file.split('/')))
    } catch {
      return new Response(`Not found: /${plan.file}`, { status: 404, headers: baseHeaders('text/plain; charset=utf-8') })
    }
    const headers = { ...baseHeaders(plan.contentType), 'Content-Length': String(body.length) }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers })
  }
}
