/**
 * Handlers of `messages/*`: pages of records for the message browser (../message-fetcher.ts), the
 * live tail (../messages/message-tail.ts), server-side searches (../messages/message-search.ts) and
 * exports (../messages/record-export.ts). Searches and exports live in registries owned here: at
 * most 8 searches and 8 exports open at once, each forgotten after 30 s without a request (a closed
 * tab, an abandoned download).
 *
 * Must stay true: a search or export is checked whole (topic, partitions, filters) before its id
 * is returned; messages/export-save is answered by the desktop app's IPC adapter (src/main), never
 * here (browser mode downloads the export from the web host instead).
 */
import { MessagesError } from '../messages/messages-error'
import { EXPORT_FILE_TYPES } from '../messages/export-format'
import { MessageSearch } from '../messages/message-search'
import { tailMessages } from '../messages/message-tail'
import { RecordExport } from '../messages/record-export'
import { SessionRegistry } from '../messages/session-registry'
import { fetchMessages } from '../message-fetcher'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** Open searches / exports at most, and how long one may go without a request before it is forgotten (ms). */
export const MAX_OPEN_SEARCHES = 8
export const MAX_OPEN_EXPORTS = 8
export const SESSION_IDLE_MS = 30_000

/** A file name for an export: topic, time (UTC, to the second) and the format's extension. */
export function exportFileName(topic: string, format: keyof typeof EXPORT_FILE_TYPES, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
  return `${topic}-${stamp}.${EXPORT_FILE_TYPES[format].extension}`
}

/** messages/fetch, tail, search-start|poll|stop, export-start|read|status|cancel|save. */
export function messagesHandlers(ctx: HandlerContext): NamespaceHandlers<'messages'> {
  const searches = new SessionRegistry<MessageSearch>('search', MAX_OPEN_SEARCHES, SESSION_IDLE_MS, ctx.clock)
  const exports = new SessionRegistry<RecordExport>('export', MAX_OPEN_EXPORTS, SESSION_IDLE_MS, ctx.clock)
  return {
    'messages/fetch': (req) => fetchMessages(ctx.cluster, req, req.maxBytes),
    'messages/tail': (req) => tailMessages(ctx.cluster, req),
    'messages/search-start': (query) => {
      const search = new MessageSearch(ctx.cluster, query, ctx.clock)
      const searchId = searches.add(search)
      return { searchId, progress: search.progress() }
    },
    'messages/search-poll': async ({ searchId, waitMs }) => searches.get(searchId).poll(waitMs ?? 0),
    'messages/search-stop': ({ searchId }) => {
      const search = searches.get(searchId)
      search.stop()
      return { progress: search.progress() }
    },
    'messages/export-start': ({ format, source }) => {
      const exp = new RecordExport(ctx.cluster, format, source, ctx.clock)
      const exportId = exports.add(exp)
      return { exportId, fileName: exportFileName(exp.topic, format, ctx.clock()), mimeType: EXPORT_FILE_TYPES[format].mimeType }
    },
    'messages/export-read': ({ exportId }) => exports.get(exportId).read(),
    'messages/export-status': ({ exportId }) => {
      const exp = exports.get(exportId)
      return { progress: exp.progress(), done: exp.done, error: exp.failure }
    },
    'messages/export-cancel': ({ exportId }) => {
      exports.remove(exportId)
      return { ok: true }
    },
    'messages/export-save': () => {
      throw new MessagesError(
        'EXPORT_SAVE_UNAVAILABLE',
        'Saving an export to a file is done by the desktop app; in browser mode the export downloads from the web host (/export/<id>)'
      )
    }
  }
}
