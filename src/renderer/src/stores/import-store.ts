/**
 * useImportStore: the import form. A chosen file is staged on the host in chunks (import/upload,
 * import/upload-chunk) and inspected there (import/inspect: format from the extension or the user's
 * choice, fields, record count, first values); then the key field, the timestamp field and the
 * target topic (existing, or new with partitions and replication factor); import/run with progress
 * from 'import/progress' pushes (checking every row, then importing), and the result. The flights
 * sample dataset is staged by the host (import/sample) and goes through the same path.
 *
 * Must stay true: progress only counts events for the topic being imported; a file whose extension
 * names no format is not inspected until a format is chosen; after an import the form resets (the
 * file, its fields and choices are cleared, the host discarded the staged file), so the same file is
 * never imported twice by accident; a staged file that is replaced is discarded on the host.
 */
import { defineStore } from 'pinia'
import { IMPORT_UPLOAD_CHUNK_BYTES, SAMPLE_DATASETS, type ContractError, type ImportInspection, type ImportTimestamp, type SampleDataset } from '../../../shared/contract'
import { formatFromFileName, unknownFormatMessage, type ImportFormat } from '../../../shared/import-format'
import { importApi, onEvent } from '../api/client'
import { toContractError } from '../api/api-error'
import { fileChunks, type ChunkableFile } from '../utils/file-chunks'
import { useNoticeStore } from './notice-store'

/** How the form reads record timestamps: none (CreateTime now), or from a field. */
export interface TimestampChoice {
  field: string | null
  format: ImportTimestamp['format']
  pattern: string
  /** IANA zone for times without an offset; '' for the host's. */
  timeZone: string
}

export interface ImportState {
  fileName: string | null
  size: number
  /** The file staged on the host, once uploaded whole. */
  uploadId: string | null
  /** Bytes sent while uploading. */
  uploaded: number | null
  /** The format the user chose (null: from the extension). */
  formatChoice: ImportFormat | null
  inspection: ImportInspection | null
  inspecting: boolean
  detectError: string | null
  keyField: string | null
  timestamp: TimestampChoice
  csvTypedColumns: boolean
  topic: string
  createNew: boolean
  partitions: number
  replicationFactor: number
  running: boolean
  progress: { phase: 'checking' | 'importing'; done: number; total: number } | null
  error: ContractError | null
  result: { topic: string; fileName: string; imported: number; perPartition: Record<number, number>; elapsedMs: number } | null
  /** Increments per chosen file; replies for an older file are dropped. */
  seq: number
}

const noTimestamp = (): TimestampChoice => ({ field: null, format: 'iso', pattern: '', timeZone: '' })

export const useImportStore = defineStore('import', {
  state: (): ImportState => ({
    fileName: null,
    size: 0,
    uploadId: null,
    uploaded: null,
    formatChoice: null,
    inspection: null,
    inspecting: false,
    detectError: null,
    keyField: null,
    timestamp: noTimestamp(),
    csvTypedColumns: false,
    topic: '',
    createNew: false,
    partitions: 6,
    replicationFactor: 3,
    running: false,
    progress: null,
    error: null,
    result: null,
    seq: 0
  }),
  getters: {
    /** The format the file is read as: the user's choice, else the extension's; null when neither names one. */
    format: (s): ImportFormat | null => s.formatChoice ?? (s.fileName ? formatFromFileName(s.fileName) : null),
    fields: (s): string[] => s.inspection?.fields ?? []
  },
  actions: {
    /** Forgets the file (discarding it on the host) and the choices that depend on it. */
    clearFile(): void {
      if (this.uploadId) void importApi.discard(this.uploadId).catch(() => undefined)
      this.seq++
      this.fileName = null
      this.size = 0
      this.uploadId = null
      this.uploaded = null
      this.formatChoice = null
      this.inspection = null
      this.inspecting = false
      this.detectError = null
      this.keyField = null
      this.timestamp = noTimestamp()
      this.csvTypedColumns = false
    },

    /**
     * Takes a chosen file: stages it on the host in chunks (of `chunkBytes`, at most
     * IMPORT_UPLOAD_CHUNK_BYTES), then inspects it when its format is known.
     */
    async choose(file: ChunkableFile & { name: string }, chunkBytes = IMPORT_UPLOAD_CHUNK_BYTES): Promise<void> {
      this.clearFile()
      const seq = this.seq
      this.fileName = file.name
      this.size = file.size
      this.result = null
      this.progress = null
      this.error = null
      this.uploaded = 0
      try {
        const { uploadId } = await importApi.upload({ fileName: file.name, size: file.size })
        if (seq !== this.seq) return void importApi.discard(uploadId).catch(() => undefined)
        for await (const chunk of fileChunks(file, Math.min(chunkBytes, IMPORT_UPLOAD_CHUNK_BYTES))) {
          await importApi.uploadChunk({ uploadId, offset: chunk.offset, data: chunk.data })
          if (seq !== this.seq) return void importApi.discard(uploadId).catch(() => undefined)
          this.uploaded = chunk.offset + chunk.bytes
        }
        this.uploadId = uploadId
        this.uploaded = null
      } catch (e) {
        if (seq !== this.seq) return
        this.uploaded = null
        const err = toContractError(e)
        this.detectError = `Could not send ${file.name} to the host: ${err.code}: ${err.message}`
        return
      }
      await this.inspect()
    },

    /** Stages a sample dataset on the host, inspects it and fills the form as the sample suggests (a new topic). */
    async loadSample(name: SampleDataset): Promise<boolean> {
      this.clearFile()
      const seq = this.seq
      const sample = SAMPLE_DATASETS[name]
      this.result = null
      this.progress = null
      this.error = null
      try {
        const staged = await importApi.sample({ sample: name })
        if (seq !== this.seq) return false
        this.fileName = staged.fileName
        this.size = staged.size
        this.uploadId = staged.uploadId
      } catch (e) {
        this.error = useNoticeStore().error(e, `Load the sample ${sample.title}`)
        return false
      }
      await this.inspect()
      if (!this.inspection) return false
      this.keyField = sample.keyField
      this.timestamp = { field: sample.timestamp.field, format: sample.timestamp.format, pattern: sample.timestamp.pattern, timeZone: '' }
      this.topic = sample.topic
      this.createNew = true
      return true
    },

    /** Chooses the format to read the file as (for an extension that names none, or another reading). */
    async chooseFormat(format: ImportFormat | null): Promise<void> {
      this.formatChoice = format
      await this.inspect()
    },

    /** Sets CSV typed columns and inspects again (the preview changes). */
    async setCsvTyped(typed: boolean): Promise<void> {
      this.csvTypedColumns = typed
      await this.inspect()
    },

    /** import/inspect of the staged file as `format`; an unknown format is named without asking the host. */
    async inspect(): Promise<void> {
      const seq = this.seq
      this.inspection = null
      if (!this.fileName) return
      const format = this.format
      if (!format) {
        this.detectError = unknownFormatMessage(this.fileName, 'ui')
        return
      }
      if (!this.uploadId) return
      this.inspecting = true
      this.detectError = null
      try {
        const found = await importApi.inspect({ uploadId: this.uploadId, format, ...(format === 'csv' ? { csvTypedColumns: this.csvTypedColumns } : {}) })
        if (seq !== this.seq) return
        this.inspection = found
        if (this.keyField && !found.fields.includes(this.keyField)) this.keyField = null
        if (this.timestamp.field && !found.fields.includes(this.timestamp.field)) this.timestamp.field = null
      } catch (e) {
        if (seq !== this.seq) return
        const err = toContractError(e)
        this.detectError = err.message
      } finally {
        if (seq === this.seq) this.inspecting = false
      }
    },

    /** The timestamp rule of the form, or undefined for CreateTime now. */
    timestampSpec(): ImportTimestamp | undefined {
      const t = this.timestamp
      if (!t.field) return undefined
      return {
        field: t.field,
        format: t.format,
        ...(t.format === 'pattern' ? { pattern: t.pattern } : {}),
        ...(t.timeZone ? { timeZone: t.timeZone } : {})
      }
    },

    /** Runs import/run, following 'import/progress' for this topic; on success the form resets. */
    async run(): Promise<boolean> {
      const format = this.format
      if (!this.uploadId || !format || !this.inspection || !this.topic) return false
      const topic = this.topic
      const fileName = this.fileName as string
      this.running = true
      this.progress = { phase: 'checking', done: 0, total: this.inspection.records }
      this.result = null
      const off = onEvent('import/progress', (p) => {
        if (p.topic === topic) this.progress = { phase: p.phase, done: p.done, total: p.total }
      })
      try {
        const timestamp = this.timestampSpec()
        const res = await importApi.run({
          uploadId: this.uploadId,
          topic,
          format,
          keyField: this.keyField,
          ...(timestamp ? { timestamp } : {}),
          ...(format === 'csv' ? { csvTypedColumns: this.csvTypedColumns } : {}),
          ...(this.createNew ? { createTopic: { partitions: this.partitions, replicationFactor: this.replicationFactor } } : {})
        })
        this.result = { topic, fileName, ...res }
        this.progress = { phase: 'importing', done: res.imported, total: res.imported }
        this.error = null
        // The host discarded the staged file: the form starts again, so nothing is imported twice.
        this.uploadId = null
        this.clearFile()
        this.topic = ''
        this.createNew = false
        useNoticeStore().push('success', `Imported ${res.imported.toLocaleString('en-US')} records into ${topic}`)
        return true
      } catch (e) {
        this.error = useNoticeStore().error(e, `Import into ${topic}`)
        return false
      } finally {
        off()
        this.running = false
      }
    }
  }
})
