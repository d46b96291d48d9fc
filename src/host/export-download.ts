/**
 * Browser mode's export download: `GET /export/<exportId>?token=<run token>&name=<file name>` on
 * the web host streams the export's text (contract messages/export-read, piece by piece) as an
 * attachment, so the browser saves it with its own download UI while the page shows the export's
 * progress (messages/export-status). Used by web-host.ts; the desktop app writes the same pieces to
 * a file instead (src/main/export-save.ts).
 *
 * Must stay true: nothing is served without the run's token and an allowed Host header (as for the
 * WebSocket); the response is written with back-pressure (one piece at a time, waiting for
 * 'drain'), so a slow disk or network never makes the host hold more than one piece; a download
 * the browser abandons cancels the export; a failure after the headers went out aborts the
 * response (the browser shows the download as failed, never as a complete file).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ContractError, Reply } from '../shared/contract'
import type { EngineClient } from './engine-client'

/** The path prefix of export downloads. */
export const EXPORT_PATH_PREFIX = '/export/'

const MIME_BY_EXTENSION: Record<string, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8'
}

/** What the download needs from the web host. */
export interface ExportDownloadContext {
  engine: EngineClient
  /** Whether the request's `token` parameter is the run's. */
  tokenMatches(token: string | null): boolean
  /** Whether the Host header is on the allow-list. */
  hostAllowed(host: string | undefined): boolean
}

function fail(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(text)
}

/** A safe attachment name: the asked one when it is a plain file name, else "export.<ext>". */
function attachmentName(asked: string | null): string {
  if (asked && /^[A-Za-z0-9._-]{1,200}$/.test(asked) && !asked.startsWith('.')) return asked
  return 'export.ndjson'
}

/**
 * Serves one export download request (the caller matched EXPORT_PATH_PREFIX).
 * Statuses: 401 without the right token, 403 for a Host not allowed, 405 for anything but GET, 404
 * for an export the engine does not know; else 200 with the file streamed.
 */
export async function serveExportDownload(ctx: ExportDownloadContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!ctx.hostAllowed(req.headers.host)) return fail(res, 403, 'Forbidden')
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET')
    return fail(res, 405, 'Method not allowed')
  }
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (!ctx.tokenMatches(url.searchParams.get('token'))) return fail(res, 401, 'Unauthorized: this download needs the run token')
  const exportId = url.pathname.slice(EXPORT_PATH_PREFIX.length)
  const status = await ctx.engine.handle('messages/export-status', { exportId })
  if (!status.ok) return fail(res, status.error.code === 'INVALID_REQUEST' ? 400 : 404, `${status.error.code}: ${status.error.message}`)
  const name = attachmentName(url.searchParams.get('name'))
  res.statusCode = 200
  res.setHeader('Content-Type', MIME_BY_EXTENSION[name.split('.').pop() ?? ''] ?? 'application/octet-stream')
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`)
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  let abandoned = false
  res.on('close', () => {
    if (!res.writableFinished) abandoned = true
  })
  for (;;) {
    if (abandoned) {
      await ctx.engine.handle('messages/export-cancel', { exportId })
      return
    }
    const piece = (await ctx.engine.handle('messages/export-read', { exportId })) as Reply<{ text: string; done: boolean }>
    if (!piece.ok) {
      const e: ContractError = piece.error
      res.destroy(new Error(`${e.code}: ${e.message}`))
      return
    }
    if (piece.data.text.length > 0 && !res.write(piece.data.text)) await new Promise<void>((r) => res.once('drain', r).once('close', r))
    if (piece.data.done) {
      res.end()
      return
    }
  }
}
