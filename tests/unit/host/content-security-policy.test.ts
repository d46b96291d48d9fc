/**
 * The Content-Security-Policy of the desktop app and browser mode: narrowed to what the renderer
 * uses (no WebSocket origins: the desktop app talks IPC, browser mode's /ws is its own origin),
 * still strict (no inline script, no eval), and the renderer's meta tag never broader than the header.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, installContentSecurityPolicy } from '../../../src/host/content-security-policy'

/** Parses a policy into directive -> sources. */
function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...sources] = part.split(/\s+/)
    out.set(name.toLowerCase(), sources)
  }
  return out
}

/** The content of the `<meta http-equiv="Content-Security-Policy">` of an HTML file. */
function metaPolicy(file: string): string {
  const html = fs.readFileSync(file, 'utf8')
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)
  if (!m) throw new Error(`${file} has no CSP meta tag`)
  return m[1]
}

const ROOT = path.resolve(__dirname, '../../..')

describe('CONTENT_SECURITY_POLICY', () => {
  const policy = directives(CONTENT_SECURITY_POLICY)

  it('connects only to its own origin: no ws:, wss: or wildcard WebSocket origins', () => {
    expect(policy.get('connect-src')).toEqual(["'self'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/\bwss?:/)
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/\*/)
  })

  it('stays strict: scripts from its own origin only, no inline script or eval, no plugins, no framing', () => {
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(policy.get('form-action')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval/)
  })

  const metas = [path.join(ROOT, 'src/renderer/index.html'), path.join(ROOT, 'out/renderer/index.html')].filter((f) => fs.existsSync(f))
  it.each(metas)("the meta tag of %s is the header's policy (less frame-ancestors, which a meta tag cannot carry)", (file) => {
    const meta = directives(metaPolicy(file))
    const expected = new Map(policy)
    expected.delete('frame-ancestors')
    expect(meta).toEqual(expected)
  })

  it('installContentSecurityPolicy replaces any Content-Security-Policy header, whatever its case, and keeps the others', () => {
    let listener: Parameters<Parameters<typeof installContentSecurityPolicy>[0]['onHeadersReceived']>[0] | null = null
    installContentSecurityPolicy({ onHeadersReceived: (l) => void (listener = l) })
    let headers: Record<string, string[] | string> | undefined
    listener!({ responseHeaders: { 'content-security-policy': ["connect-src ws://127.0.0.1:*"], 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders))
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] })
  })
})
