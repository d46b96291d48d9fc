/**
 * The `app://brokerlab/` protocol: the pure request -> response plan (traversal refused, literal and
 * encoded; unknown files 404; index.html fallback for extension-less paths, as the browser-mode host
 * does; content types), the handler serving a real directory with the CSP on every response, and
 * the built renderer's asset URLs resolving under the scheme (when `npm run build` has run).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_INDEX_URL,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  planAppResponse,
  type AppPathKind
} from '../../../src/main/app-protocol'
import { CONTENT_SECURITY_POLICY } from '../../../src/host/content-security-policy'

/** A stand-in renderer directory: relative path -> kind. */
const TREE: Record<string, AppPathKind> = {
  'index.html': 'file',
  'favicon.png': 'file',
  assets: 'directory',
  'assets/index-abc.js': 'file',
  'assets/index-abc.css': 'file',
  'assets/font.woff2': 'file',
  'assets/blob.bin': 'file',
  docs: 'directory',
  'docs/index.html': 'file',
  empty: 'directory'
}
const asked: string[] = []
const lookup = (p: string): AppPathKind => {
  asked.push(p)
  return TREE[p] ?? null
}
const get = (url: string, method = 'GET') => planAppResponse({ url, method }, lookup)

describe('planAppResponse', () => {
  it('serves index.html for / and the window URL, assets with their content types', () => {
    expect(get('app://brokerlab/')).toEqual({ status: 200, file: 'index.html', contentType: 'text/html; charset=utf-8' })
    expect(get(APP_INDEX_URL)).toEqual({ status: 200, file: 'index.html', contentType: 'text/html; charset=utf-8' })
    expect(get('app://brokerlab/assets/index-abc.js')).toMatchObject({ status: 200, file: 'assets/index-abc.js', contentType: 'text/javascript; charset=utf-8' })
    expect(get('app://brokerlab/assets/index-abc.css?v=1#x')).toMatchObject({ status: 200, contentType: 'text/css; charset=utf-8' })
    expect(get('app://brokerlab/favicon.png')).toMatchObject({ status: 200, contentType: 'image/png' })
    expect(get('app://brokerlab/assets/font.woff2')).toMatchObject({ status: 200, contentType: 'font/woff2' })
    expect(get('app://brokerlab/assets/blob.bin')).toMatchObject({ status: 200, contentType: 'application/octet-stream' })
    expect(get('app://brokerlab/index.html', 'HEAD')).toMatchObject({ status: 200, file: 'index.html' })
  })

  it('never plans a file outside the renderer directory, however the .. is spelled', () => {
    const attempts = [
      'app://brokerlab/../../etc/passwd',
      'app://brokerlab/assets/../../../etc/passwd',
      'app://brokerlab/%2e%2e/%2e%2e/etc/passwd',
      'app://brokerlab/.%2E/secret.txt',
      'app://brokerlab/..%2f..%2fetc%2fpasswd',
      'app://brokerlab/assets/..%2F..%2F..%2Fsecret.txt',
      'app://brokerlab/%252e%252e/secret.txt',
      'app://brokerlab/..%5c..%5csecret.txt',
      'app://brokerlab/assets\\..\\..\\secret.txt',
      'app://brokerlab/C:%5cWindows%5cwin.ini',
      'app://brokerlab/C:/Windows/win.ini',
      'app://brokerlab/index.html%00.png'
    ]
    for (const url of attempts) {
      const plan = get(url)
      if (plan.status === 200) expect(TREE[plan.file], `${url} -> ${plan.file}`).toBe('file')
      else expect([400, 403, 404], url).toContain(plan.status)
    }
    expect(asked.every((p) => !p.split('/').includes('..') && !p.includes('\\') && !p.includes('\0')), asked.join(' | ')).toBe(true)
    expect(get('app://brokerlab/..%2f..%2fetc%2fpasswd')).toMatchObject({ status: 400, message: expect.stringMatching(/an encoded slash \(%2F\) is not allowed/) })
    expect(get('app://brokerlab/..%5csecret.txt')).toMatchObject({ status: 400, message: expect.stringMatching(/backslash/) })
    expect(get('app://brokerlab/index.html%00.png')).toMatchObject({ status: 400, message: expect.stringMatching(/NUL/) })
    expect(get('app://brokerlab/C:/Windows/win.ini')).toMatchObject({ status: 400, message: expect.stringMatching(/drive letter/) })
  })

  it('refuses a bad percent-encoding, other hosts and methods other than GET and HEAD', () => {
    expect(get('app://brokerlab/%E0%A4%A.js')).toMatchObject({ status: 400, message: expect.stringMatching(/percent-encoding/) })
    expect(get('app://other/index.html')).toMatchObject({ status: 404, message: expect.stringMatching(/app:\/\/other is not app:\/\/brokerlab/) })
    expect(get('app://brokerlab/index.html', 'POST')).toMatchObject({ status: 405, message: expect.stringMatching(/GET and HEAD only/) })
  })

  it('answers 404 for unknown files and falls back to index.html for extension-less paths', () => {
    expect(get('app://brokerlab/assets/missing.js')).toMatchObject({ status: 404, message: 'Not found: /assets/missing.js' })
    expect(get('app://brokerlab/empty')).toMatchObject({ status: 404 })
    expect(get('app://brokerlab/docs')).toMatchObject({ status: 200, file: 'docs/index.html' })
    expect(get('app://brokerlab/topics/flights')).toMatchObject({ status: 200, file: 'index.html' })
  })

  it('answers 503 naming `npm run build` when the renderer is not built', () => {
    const plan = planAppResponse({ url: APP_INDEX_URL, method: 'GET' }, () => null)
    expect(plan).toMatchObject({ status: 503, message: expect.stringMatching(/npm run build/) })
  })

  it('registers a standard, secure scheme that neither bypasses the CSP nor opens itself to other origins', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } })
  })
})

describe('createAppProtocolHandler on a real directory', () => {
  let parent: string
  let root: string
  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-app-protocol-'))
    root = path.join(parent, 'renderer')
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true })
    fs.writeFileSync(path.join(root, 'index.html'), '<title>Brokerlab</title>')
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'export const x = 1\n')
    fs.writeFileSync(path.join(parent, 'secret.txt'), 'not for the renderer')
  })
  afterAll(() => fs.rmSync(parent, { recursive: true, force: true }))

  it('serves files with their content type, the CSP and nosniff; HEAD has no body', async () => {
    const handle = createAppProtocolHandler(root)
    const index = await handle({ url: APP_INDEX_URL, method: 'GET' })
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await index.text()).toBe('<title>Brokerlab</title>')
    const js = await handle({ url: 'app://brokerlab/assets/app.js', method: 'GET' })
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('export const x = 1\n')
    const head = await handle({ url: 'app://brokerlab/assets/app.js', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('19')
    expect(await head.text()).toBe('')
  })

  it('never returns a file beside the renderer directory; errors carry the CSP too', async () => {
    const handle = createAppProtocolHandler(root)
    for (const url of ['app://brokerlab/../secret.txt', 'app://brokerlab/%2e%2e/secret.txt', 'app://brokerlab/..%2fsecret.txt', 'app://brokerlab/..%5csecret.txt']) {
      const res = await handle({ url, method: 'GET' })
      expect(await res.text(), url).not.toContain('not for the renderer')
      expect(res.status, url).not.toBe(200)
      expect(res.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY)
    }
    const missing = await handle({ url: 'app://brokerlab/assets/missing.js', method: 'GET' })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    // A path below a file (ENOTDIR from stat) is a 404 too, not a failed request.
    expect((await handle({ url: 'app://brokerlab/index.html/app.js', method: 'GET' })).status).toBe(404)
  })
})

const BUILT_INDEX = path.resolve(__dirname, '../../../out/renderer/index.html')
const built = fs.existsSync(BUILT_INDEX)
if (!built) console.warn(`app-protocol.test: built-renderer check skipped, ${BUILT_INDEX} is not built (run \`npm run build\`)`)

describe.skipIf(!built)('the built renderer under app://brokerlab/', () => {
  it('every script, stylesheet, preload and icon URL of index.html resolves to a served file', async () => {
    const html = fs.readFileSync(BUILT_INDEX, 'utf8')
    const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(refs.some((r) => /\.js$/.test(r))).toBe(true)
    expect(refs.some((r) => /\.css$/.test(r))).toBe(true)
    const handle = createAppProtocolHandler(path.dirname(BUILT_INDEX))
    for (const ref of refs) {
      const url = new URL(ref, APP_INDEX_URL)
      expect(url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin, ref).toBe('app://brokerlab')
      const res = await handle({ url: url.href, method: 'GET' })
      expect(res.status, `${ref} -> ${url.href}`).toBe(200)
      if (ref.endsWith('.js')) expect(res.headers.get('content-type'), ref).toMatch(/^text\/javascript/)
      if (ref.endsWith('.css')) expect(res.headers.get('content-type'), ref).toMatch(/^text\/css/)
    }
  })
})
