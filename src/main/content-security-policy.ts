/**
 * The Content-Security-Policy both hosts send with the renderer: the Electron session (as a
 * response header on every load) and the browser-mode HTTP server.
 *
 * Must stay true: scripts only from the app's own origin (no inline scripts, no eval); connections
 * only to the own origin and loopback WebSockets; styles allow 'unsafe-inline' because the
 * component library injects style elements at run time.
 */

/** The policy, as one header value. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
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
