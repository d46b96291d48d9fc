/**
 * The Content-Security-Policy both hosts send with the renderer: the desktop app (the `app://`
 * protocol's responses, and the Electron session as a response header on every other load, such as
 * the dev server in `npm run dev`) and the browser-mode HTTP server. The renderer's index.html
 * carries the same policy in a meta tag (less frame-ancestors, which a meta tag cannot set).
 *
 * Must stay true: scripts only from the app's own origin (no inline scripts, no eval); connections
 * only to the own origin ('self'): the desktop app talks to the engine over IPC, which CSP does not
 * govern, and needs no socket (in `npm run dev` the dev server's hot-reload socket is its own
 * origin); browser mode's WebSocket is `ws://<its own host>/ws`, which CSP Level 3 lets 'self'
 * match (checked in Debian's Chromium 156: 'self' allows the same-origin ws:// and blocks another
 * port); styles allow 'unsafe-inline' because the component library injects style elements at run
 * time.
 */

/** The policy, as one header value. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')

/** Minimal shape of Electron's session.webRequest used here. */
export interface WebRequestLike {
  onHeadersReceived(
    listener: (
      details: { responseHeaders?: Record<string, string[] | string> },
      callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void
    ) => void
  ): void
}

/**
 * Adds the CSP header to every response the Electron session receives, replacing any other
 * Content-Security-Policy header (header names compared case-insensitively).
 */
export function installContentSecurityPolicy(webRequest: WebRequestLike): void {
  webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[] | string> = {}
    for (const [k, v] of Object.entries(details.responseHeaders ?? {}))
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]
    callback({ responseHeaders: headers })
  })
}
