/**
 * useImportStore: the import form (file read in the browser, detected format and fields, key
 * field, target topic existing or new), progress from 'import/progress' pushes, and the result.
 * Must stay true: progress only counts events for the topic being imported.
 */
import { defineStore } from 'pinia'
import type { ContractError } from '../../../shared/contract'
import { importApi, onEvent } from '../api/client'
import { detectImport, type ImportFormat } from '../utils/import-detect'
import { useNoticeStore } from './notice-store'

export interface ImportState {
  fileName: string | null
  content: string | null
  format: ImportFormat | null
  fields: string[]
  detectedRecords: number
  detectError: string | null
  keyField: string | null
  topic: string
  createNew: boolean
  partitions: number
  replicationFactor: number
  running: boolean
  progress: { done: number; total: number } | null
  error: ContractError | null
  result: { topic: string; imported: number; perPartition: Record<number, number>; elapsedMs: number } | null
}

export const useImportStore = defineStore('import', {
  state: (): ImportState => ({
    fileName: null,
    content: null,
    format: null,
    fields: [],
    detectedRecords: 0,
    detectError: null,
    keyField: null,
    topic: '',
    createNew: false,
    partitions: 6,
    replicationFactor: 3,
    running: false,
    progress: null,
    error: null,
    result: null
  }),
  actions: {
    /** Takes a file's text: detects format and fields, preselects a key field. */
    load(fileName: string, content: string): void {
      this.fileName = fileName
      this.content = content
      this.result = null
      this.progress = null
      const d = detectImport(fileName, content)
      if ('error' in d) {
        this.detectError = d.error
        this.format = null
        this.fields = []
        this.detectedRecords = 0
        this.keyField = null
        return
      }
      this.detectError = null
      this.format = d.format
      this.fields = d.fields
      this.detectedRecords = d.records
      if (this.keyField && !d.fields.includes(this.keyField)) this.keyField = null
    },
    /** Runs import/run, following 'import/progress' for this topic. */
    async run(): Promise<boolean> {
      if (!this.content || !this.format || !this.topic) return false
      const topic = this.topic
      this.running = true
      this.progress = { done: 0, total: this.detectedRecords }
      this.result = null
      const off = onEvent('import/progress', (p) => {
        if (p.topic === topic) this.progress = { done: p.done, total: p.total }
      })
      try {
        const res = await importApi.run({
          topic,
          format: this.format,
          content: this.content,
          keyField: this.keyField,
          ...(this.createNew ? { createTopic: { partitions: this.partitions, replicationFactor: this.replicationFactor } } : {})
        })
        this.result = { topic, ...res }
        this.createNew = false
        this.progress = { done: res.imported, total: res.imported }
        this.error = null
        useNoticeStore().push('success', `Imported ${res.imported} records into ${topic}`)
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
