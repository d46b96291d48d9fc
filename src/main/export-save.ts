/**
 * The desktop app's export save (contract messages/export-save, answered here in the main process,
 * not by the engine): asks where to save with Electron's save dialog, then writes the export's
 * text to that file piece by piece (messages/export-read), as browser mode's download does
 * (src/host/export-download.ts). The renderer shows the progress from messages/export-status.
 *
 * Must stay true: the dialog opens only for an export the engine knows; a cancelled dialog cancels
 * the export and writes nothing; the file is written with back-pressure, one piece at a time; a
 * failed export or write removes the partial file and answers the error (never a half file
 * reported as saved).
 */
import { createWriteStream, promises as fsp } from 'node:fs'
import { join } from 'node:path'
import type { Reply, RequestOf, ResponseOf } from '../shared/contract'
import type { EngineClient } from '../host/engine-client'

/** The part of Electron's dialog used here (dialog.showSaveDialog with our window). */
export type ShowSaveDialog = (options: {
  title: string
  defaultPath: string
  filters: { name: string; extensions: string[] }[]
}) => Promise<{ canceled: boolean; filePath?: string }>

const FILTERS: Record<string, { name: string; extensions: string[] }> = {
  ndjson: { name: 'NDJSON', extensions: ['ndjson', 'jsonl'] },
  json: { name: 'JSON', extensions: ['json'] },
  csv: { name: 'CSV', extensions: ['csv'] }
}

/**
 * Serves messages/export-save: dialog, then the export streamed to the chosen file.
 * @param defaultDir where the dialog starts (the user's downloads folder).
 * @returns { saved, path }, or the engine's error (EXPORT_NOT_FOUND, ...), or KAFKA_STORAGE_ERROR
 *   naming the file when it cannot be written.
 */
export async function saveExport(
  engine: EngineClient,
  showSaveDialog: ShowSaveDialog,
  defaultDir: string,
  req: RequestOf<'messages/export-save'>
): Promise<Reply<ResponseOf<'messages/export-save'>>> {
  const status = await engine.handle('messages/export-status', { exportId: req.exportId })
  if (!status.ok) return status
  const extension = req.fileName.split('.').pop() ?? ''
  const choice = await showSaveDialog({
    title: 'Export messages',
    defaultPath: join(defaultDir, req.fileName),
    filters: FILTERS[extension] ? [FILTERS[extension]] : []
  })
  if (choice.canceled || !choice.filePath) {
    await engine.handle('messages/export-cancel', { exportId: req.exportId })
    return { ok: true, data: { saved: false, path: null } }
  }
  const path = choice.filePath
  const out = createWriteStream(path)
  let writeError: Error | null = null
  out.on('error', (e) => (writeError = e))
  const failed = async (code: string, message: string): Promise<Reply<never>> => {
    out.destroy()
    await fsp.rm(path, { force: true }).catch(() => undefined)
    await engine.handle('messages/export-cancel', { exportId: req.exportId })
    return { ok: false, error: { code, message } }
  }
  for (;;) {
    if (writeError) return failed('KAFKA_STORAGE_ERROR', `Cannot write ${path}: ${(writeError as Error).message}`)
    const piece = (await engine.handle('messages/export-read', { exportId: req.exportId })) as Reply<ResponseOf<'messages/export-read'>>
    if (!piece.ok) return failed(piece.error.code, piece.error.message)
    if (piece.data.text.length > 0 && !out.write(piece.data.text))
      await new Promise<void>((r) => out.once('drain', r).once('error', () => r()))
    if (piece.data.done) break
  }
  await new Promise<void>((r) => out.end(r))
  if (writeError) return failed('KAFKA_STORAGE_ERROR', `Cannot write ${path}: ${(writeError as Error).message}`)
  return { ok: true, data: { saved: true, path } }
}
