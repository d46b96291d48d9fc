/**
 * useMessagesStore: the message browser's query (topic, partition or all, start position, page
 * size, key filter), the current page of records and its per-partition cursors, and the payload
 * viewer chosen globally and per row.
 * Must stay true: `records` is one page in display order (offset order for one partition, timestamp
 * order for all); paging uses the cursors of the page shown, so no record is skipped or repeated.
 */
import { defineStore } from 'pinia'
import type { ContractError, RecordView, StartPosition } from '../../../shared/contract'
import { messagesApi } from '../api/client'
import { mergePages } from '../utils/message-paging'
import { useNoticeStore } from './notice-store'

export type StartKind = Exclude<StartPosition['kind'], 'offsets'>

export interface MessagesState {
  topic: string | null
  /** A partition, or null for all partitions. */
  partition: number | null
  startKind: StartKind
  offset: number
  /** ms since the epoch, for startKind 'timestamp'. */
  timestamp: number
  /** Records per page (1 to 100,000). */
  limit: number
  keyContains: string
  records: RecordView[]
  nextOffsets: Record<number, number>
  firstOffsets: Record<number, number>
  loading: boolean
  error: ContractError | null
  /** Viewer id for values (text, json, hex). */
  viewer: string
  /** Per-row viewer override, keyed "partition:offset". */
  rowViewers: Record<string, string>
  /** True once a fetch has run (to tell "no records" from "not fetched"). */
  fetched: boolean
}

/** Key of a record for per-row state. */
export function rowKey(r: { partition: number; offset: number }): string {
  return `${r.partition}:${r.offset}`
}

export const useMessagesStore = defineStore('messages', {
  state: (): MessagesState => ({
    topic: null,
    partition: null,
    startKind: 'earliest',
    offset: 0,
    timestamp: Date.now() - 3_600_000,
    limit: 1000,
    keyContains: '',
    records: [],
    nextOffsets: {},
    firstOffsets: {},
    loading: false,
    error: null,
    viewer: 'text',
    rowViewers: {},
    fetched: false
  }),
  getters: {
    start(s): StartPosition {
      switch (s.startKind) {
        case 'offset':
          return { kind: 'offset', offset: s.offset }
        case 'timestamp':
          return { kind: 'timestamp', timestamp: s.timestamp }
        default:
          return { kind: s.startKind }
      }
    },
    canPage: (s) => s.fetched && Object.keys(s.nextOffsets).length > 0
  },
  actions: {
    /** Chooses the topic (clears the page). */
    setTopic(topic: string | null): void {
      if (topic === this.topic) return
      this.topic = topic
      this.partition = null
      this.records = []
      this.nextOffsets = {}
      this.firstOffsets = {}
      this.fetched = false
    },
    /** Fetches the first page from the chosen start position. */
    async fetch(): Promise<void> {
      if (!this.topic) return
      await this.run(async () => {
        const res = await messagesApi.fetch(this.request(this.partition, this.start, 'forward'))
        return res
      })
    },
    /** Fetches the page after (forward) or before (backward) the one shown. */
    async page(direction: 'forward' | 'backward'): Promise<void> {
      if (!this.topic || !this.canPage) return
      const cursors = direction === 'forward' ? this.nextOffsets : this.firstOffsets
      if (this.partition !== null) {
        const offset = cursors[this.partition] ?? 0
        await this.run(() => messagesApi.fetch(this.request(this.partition, { kind: 'offset', offset }, direction)))
        return
      }
      const partitions = Object.keys(cursors).map(Number)
      const previous = { nextOffsets: this.nextOffsets, firstOffsets: this.firstOffsets }
      await this.run(async () => {
        const pages = await Promise.all(
          partitions.map((p) => messagesApi.fetch(this.request(p, { kind: 'offset', offset: cursors[p] }, direction)))
        )
        return mergePages(pages.map((x) => x.records), this.limit, direction, previous)
      })
    },
    request(partition: number | null, start: StartPosition, direction: 'forward' | 'backward') {
      return {
        topic: this.topic as string,
        partition,
        start,
        limit: this.limit,
        direction,
        ...(this.keyContains ? { keyContains: this.keyContains } : {})
      }
    },
    async run(
      fetcher: () => Promise<{ records: RecordView[]; nextOffsets: Record<number, number>; firstOffsets: Record<number, number> }>
    ): Promise<void> {
      this.loading = true
      try {
        const res = await fetcher()
        this.records = res.records
        // Keep cursors of partitions not in this response (an empty page leaves them unchanged).
        this.nextOffsets = { ...this.nextOffsets, ...res.nextOffsets }
        this.firstOffsets = { ...this.firstOffsets, ...res.firstOffsets }
        this.rowViewers = {}
        this.fetched = true
        this.error = null
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Fetch messages')
      } finally {
        this.loading = false
      }
    },
    /** Sets the viewer of one row (null: back to the global viewer). */
    setRowViewer(r: RecordView, viewer: string | null): void {
      const k = rowKey(r)
      if (viewer === null) delete this.rowViewers[k]
      else this.rowViewers[k] = viewer
    },
    viewerFor(r: RecordView): string {
      return this.rowViewers[rowKey(r)] ?? this.viewer
    }
  }
})
