/**
 * useExportStore: exports of the message browser (the page, the selected rows, or all results of
 * the search) to NDJSON, JSON or CSV. The host prepares the export (messages/export-start); the
 * file is then streamed by the web host as a download (browser mode: a link to /export/<id> with
 * the run's token) or written by the desktop app to the file its save dialog asks for
 * (messages/export-save). Meanwhile the store polls messages/export-status for the progress bar.
 *
 * Must stay true: one export at a time per store; the progress polling ends when the export is
 * done, failed, cancelled or forgotten by the host.
 */
import { defineStore } from 'pinia'
import type { ContractError, ExportFormat, ExportProgress, ExportSource } from '../../../shared/contract'
import { exportDownloadUrl, messagesApi } from '../api/client'
import { ApiError } from '../api/api-error'
import { useNoticeStore } from './notice-store'

/** How often the progress is polled, in ms. */
const STATUS_POLL_MS = 250

export interface ExportState {
  format: ExportFormat
  exportId: string | null
  fileName: string | null
  /** What is being exported, in words ("42 selected records"). */
  what: string
  state: 'idle' | 'running' | 'done' | 'failed' | 'cancelled'
  progress: ExportProgress | null
  /** Desktop app: where the file was saved. */
  savedPath: string | null
  error: ContractError | null
}

/** Starts a browser download of `url` (an anchor click: the browser's download manager takes over). */
function download(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

let generation = 0

export const useExportStore = defineStore('export', {
  state: (): ExportState => ({
    format: 'ndjson',
    exportId: null,
    fileName: null,
    what: '',
    state: 'idle',
    progress: null,
    savedPath: null,
    error: null
  }),
  getters: {
    percent: (s) => Math.round(100 * (s.progress?.fraction ?? 0))
  },
  actions: {
    /** Exports `source` in the chosen format; `what` says what it is, in words. */
    async run(source: ExportSource, what: string): Promise<void> {
      const gen = ++generation
      this.what = what
      this.state = 'running'
      this.progress = { records: 0, bytes: 0, fraction: 0 }
      this.savedPath = null
      this.error = null
      try {
        const { exportId, fileName } = await messagesApi.exportStart({ format: this.format, source })
        this.exportId = exportId
        this.fileName = fileName
        const url = exportDownloadUrl(exportId, fileName)
        if (url) {
          download(url, fileName)
          await this.watch(gen, exportId)
          return
        }
        const watching = this.watch(gen, exportId)
        const saved = await messagesApi.exportSave(exportId, fileName)
        if (!saved.saved) {
          this.state = 'cancelled'
          generation++
          return
        }
        this.savedPath = saved.path
        await watching
      } catch (e) {
        if (gen !== generation) return
        this.state = 'failed'
        this.error = useNoticeStore().error(e, 'Export')
      }
    },
    /** Polls the progress until the export is done or failed. */
    async watch(gen: number, exportId: string): Promise<void> {
      while (gen === generation) {
        const s = await messagesApi.exportStatus(exportId)
        if (gen !== generation) return
        this.progress = s.progress
        if (s.error) throw new ApiError(s.error)
        if (s.done) {
          this.state = 'done'
          useNoticeStore().push('success', `Exported ${s.progress.records.toLocaleString('en-US')} records to ${this.fileName}`)
          return
        }
        await new Promise((r) => setTimeout(r, STATUS_POLL_MS))
      }
    },
    /** Cancels the running export. */
    async cancel(): Promise<void> {
      generation++
      if (this.exportId) await messagesApi.exportCancel(this.exportId).catch(() => undefined)
      this.state = 'cancelled'
    }
  }
})
