/**
 * useSearchStore: the message browser's server-side search: the form (key, value, header key,
 * header value as substring or regex, case-insensitive or not; a JSON filter; a time range; a
 * partition set; the match limit), and the running search: its matches (streamed in by polling
 * messages/search-poll, one poll at a time), its progress (records / bytes / offsets scanned,
 * matches, elapsed) and why it stopped. `query` is the SearchQuery the form stands for, which an
 * export of all results sends again.
 *
 * Must stay true: at most one search runs per store: starting one stops the previous; a stopped
 * or finished search is polled until every match arrived; `matches` is raw and only grows.
 */
import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { ContractError, RecordView, SearchProgress, SearchQuery, SearchStopReason, TextFilter } from '../../../shared/contract'
import { messagesApi } from '../api/client'
import { ApiError } from '../api/api-error'
import { useNoticeStore } from './notice-store'

/** One text filter of the form (empty pattern: not used). */
export interface FilterField {
  pattern: string
  regex: boolean
  caseInsensitive: boolean
}

export type FilterName = 'key' | 'value' | 'headerKey' | 'headerValue'

export interface SearchState {
  topic: string | null
  /** Partitions to scan; empty: all. */
  partitions: number[]
  filters: Record<FilterName, FilterField>
  json: string
  /** ms since the epoch, or null for no bound. */
  timestampFrom: number | null
  timestampTo: number | null
  maxMatches: number
  searchId: string | null
  running: boolean
  matches: RecordView[]
  progress: SearchProgress | null
  stopReason: SearchStopReason | null
  error: ContractError | null
}

const emptyField = (): FilterField => ({ pattern: '', regex: false, caseInsensitive: true })

/** The contract filter of a form field, or undefined when it is empty. */
export function textFilter(f: FilterField): TextFilter | undefined {
  if (f.pattern === '') return undefined
  return { mode: f.regex ? 'regex' : 'substring', pattern: f.pattern, ...(f.caseInsensitive ? { caseInsensitive: true } : {}) }
}

let generation = 0

export const useSearchStore = defineStore('search', {
  state: (): SearchState => ({
    topic: null,
    partitions: [],
    filters: { key: emptyField(), value: emptyField(), headerKey: emptyField(), headerValue: emptyField() },
    json: '',
    timestampFrom: null,
    timestampTo: null,
    maxMatches: 10_000,
    searchId: null,
    running: false,
    matches: markRaw([]),
    progress: null,
    stopReason: null,
    error: null
  }),
  getters: {
    /** The query the form stands for (without the match limit, which only bounds what the UI keeps). */
    query(s): SearchQuery | null {
      if (!s.topic) return null
      const q: SearchQuery = { topic: s.topic, partitions: s.partitions.length ? [...s.partitions].sort((a, b) => a - b) : null }
      for (const name of ['key', 'value', 'headerKey', 'headerValue'] as const) {
        const f = textFilter(s.filters[name])
        if (f) q[name] = f
      }
      if (s.json.trim()) q.json = s.json.trim()
      if (s.timestampFrom !== null) q.timestampFrom = s.timestampFrom
      if (s.timestampTo !== null) q.timestampTo = s.timestampTo
      return q
    }
  },
  actions: {
    setTopic(topic: string | null): void {
      if (topic === this.topic) return
      void this.stop()
      this.topic = topic
      this.partitions = []
      this.matches = markRaw([])
      this.progress = null
      this.stopReason = null
    },
    /** Starts a search with the form's query; matches stream in until it ends. */
    async start(): Promise<void> {
      const q = this.query
      if (!q) return
      await this.stop()
      const gen = ++generation
      this.matches = markRaw([])
      this.progress = null
      this.stopReason = null
      this.error = null
      try {
        const { searchId, progress } = await messagesApi.searchStart({ ...q, maxMatches: this.maxMatches })
        if (gen !== generation) return
        this.searchId = searchId
        this.progress = progress
        this.running = true
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Search')
        return
      }
      await this.pollUntilDone(gen)
    },
    /** Asks the host to stop the search; the matches found so far still arrive. */
    async stop(): Promise<void> {
      if (!this.searchId || !this.running) return
      try {
        await messagesApi.searchStop(this.searchId)
      } catch {
        /* it ended anyway */
      }
    },
    async pollUntilDone(gen: number): Promise<void> {
      while (gen === generation && this.searchId) {
        try {
          const res = await messagesApi.searchPoll({ searchId: this.searchId, waitMs: 500 })
          if (gen !== generation) return
          if (res.matches.length) this.matches = markRaw([...this.matches, ...res.matches])
          this.progress = res.progress
          this.stopReason = res.stopReason
          if (res.error) this.error = useNoticeStore().error(new ApiError(res.error), 'Search')
          if (res.done) break
        } catch (e) {
          this.error = useNoticeStore().error(e, 'Search')
          break
        }
      }
      if (gen === generation) this.running = false
    }
  }
})
