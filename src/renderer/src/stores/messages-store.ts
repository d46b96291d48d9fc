/**
 * useMessagesStore: the message browser's page: the query (topic, partition or all, start
 * position, page size, order), the page of records (loaded in chunks, utils/message-paging.ts),
 * where it is (per partition: the page's offsets, log start offset, high watermark), the rows
 * selected for export, and the payload viewer chosen globally and per row. Also the record actions:
 * copy as JSON and produce again (pre-fills the producer).
 *
 * Must stay true: `pageRows` is one page in ascending (timestamp, partition, offset) order (`rows` is
 * the display order: newest first when `newestFirst`); paging uses the cursors of the page shown,
 * so no record is skipped or repeated; Previous / Next are offered only when records lie before /
 * after the page. The window must not freeze while a 100,000-row page loads (issue 8): `pageRows` is a
 * raw (non-reactive) PageRows, replaced per chunk by one that shares the rows before, so each
 * chunk costs the store O(chunk) (no proxies, no copy or scan of the rows already loaded), and the
 * getters templates read (`rows`, `count`, `ranges`) are O(1) or O(partitions). `records` (one
 * array) is O(rows): for actions and tests, never for templates.
 */
import { defineStore } from 'pinia'
import { markRaw, toRaw } from 'vue'
import type { ContractError, PartitionRange, RecordView, StartPosition } from '../../../shared/contract'
import { toExportedRecordFromView } from '../../../shared/exported-record'
import { messagesApi } from '../api/client'
import { PageRows, atHighWatermark, atLogStart, loadPage, type PageRange, type PageRequest, type RowList } from '../utils/message-paging'
import { decodeUtf8, base64ToBytes } from '../utils/payload-viewers'
import { useNoticeStore } from './notice-store'
import { useProducerStore } from './producer-store'
import { useRouterStore } from './router-store'
import { copyText } from '@renderer/utils/clipboard'

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
  /** Show the page newest first (the default for latest). */
  newestFirst: boolean
  keyContains: string
  /** The page, ascending; raw (markRaw), replaced per chunk. */
  pageRows: PageRows
  nextOffsets: Record<number, number>
  firstOffsets: Record<number, number>
  partitions: PartitionRange[]
  byteLimitReached: boolean
  loading: boolean
  /** Records of the page loaded so far while it loads, and the page size asked. */
  loaded: number
  error: ContractError | null
  /** Viewer id for values (text, json, hex). */
  viewer: string
  /** Per-row viewer override, keyed "partition:offset". */
  rowViewers: Record<string, string>
  /** Rows selected for export, keyed "partition:offset". */
  selected: Record<string, true>
  /** True once a fetch has run (to tell "no records" from "not fetched"). */
  fetched: boolean
}

/** Key of a record for per-row state. */
export function rowKey(r: { partition: number; offset: number }): string {
  return `${r.partition}:${r.offset}`
}

/** A record's key or value as producer text, or null when its bytes are not UTF-8 (the producer sends text). */
function producerText(b64: string | null): { text: string | null; ok: boolean } {
  if (b64 === null) return { text: null, ok: true }
  const { text, valid } = decodeUtf8(base64ToBytes(b64) as Uint8Array)
  return { text, ok: valid }
}

export const useMessagesStore = defineStore('messages', {
  state: (): MessagesState => ({
    topic: null,
    partition: null,
    startKind: 'latest',
    offset: 0,
    timestamp: Date.now() - 3_600_000,
    limit: 1000,
    newestFirst: true,
    keyContains: '',
    pageRows: markRaw(PageRows.empty),
    nextOffsets: {},
    firstOffsets: {},
    partitions: [],
    byteLimitReached: false,
    loading: false,
    loaded: 0,
    error: null,
    viewer: 'text',
    rowViewers: {},
    selected: {},
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
    /** The page in display order (a view of `pageRows`, no copy: O(1)). */
    rows(s): RowList {
      return markRaw(s.pageRows.inOrder(s.newestFirst))
    },
    /** Records on the page (so far, while it loads). */
    count: (s): number => s.pageRows.length,
    /** Per partition, the page's offsets against its log start offset and high watermark (O(partitions)). */
    ranges: (s): PageRange[] => s.pageRows.ranges(s.partitions),
    /** The page as one array, ascending: O(rows), for actions and tests, not for templates. */
    records: (s): RecordView[] => s.pageRows.toArray(),
    /** The page as one array in display order: O(rows), for actions (export). */
    recordsInOrder(): RecordView[] {
      return this.newestFirst ? this.records.slice().reverse() : this.records
    },
    /** Records lie before the page. */
    canPrevious: (s) => s.fetched && s.partitions.length > 0 && !atLogStart(s.firstOffsets, s.partitions),
    /** Records lie after the page. */
    canNext: (s) => s.fetched && s.partitions.length > 0 && !atHighWatermark(s.nextOffsets, s.partitions),
    /** Rows selected (cheap: the page's rows are not scanned, so it may be read while a page loads). */
    selectedCount: (s) => Object.keys(s.selected).length,
    /** The selected records, in page order (scans the page: for actions, not for templates). */
    selectedRecords(): RecordView[] {
      const selected = toRaw(this.selected)
      return this.records.filter((r) => selected[rowKey(r)])
    }
  },
  actions: {
    /** Chooses the topic (clears the page). */
    setTopic(topic: string | null): void {
      if (topic === this.topic) return
      this.topic = topic
      this.partition = null
      this.clearPage()
    },
    /** Chooses the start position; latest shows newest first, the others oldest first (the order can be toggled after). */
    setStartKind(kind: StartKind): void {
      this.startKind = kind
      this.newestFirst = kind === 'latest'
    },
    clearPage(): void {
      this.pageRows = markRaw(PageRows.empty)
      this.nextOffsets = {}
      this.firstOffsets = {}
      this.partitions = []
      this.selected = {}
      this.fetched = false
    },
    /** Fetches the page at the chosen start position. */
    async fetch(): Promise<void> {
      if (!this.topic) return
      await this.load({ ...this.request(), start: this.start, direction: 'forward' })
    },
    /** Fetches the page after (forward) or before (backward) the one shown. */
    async page(direction: 'forward' | 'backward'): Promise<void> {
      if (!this.topic || !(direction === 'forward' ? this.canNext : this.canPrevious)) return
      const offsets = direction === 'forward' ? this.nextOffsets : this.firstOffsets
      await this.load({ ...this.request(), start: { kind: 'offsets', offsets: { ...offsets } }, direction })
    },
    request(): Omit<PageRequest, 'start' | 'direction'> {
      return { topic: this.topic as string, partition: this.partition, limit: this.limit, ...(this.keyContains ? { keyContains: this.keyContains } : {}) }
    },
    /**
     * Loads a page chunk by chunk; the rows so far show while the rest loads. Per chunk the store
     * takes the page so far (sharing the rows before) and the cursors: O(chunk), see the header.
     */
    async load(page: PageRequest): Promise<void> {
      this.loading = true
      this.loaded = 0
      let first = true
      try {
        for await (const p of loadPage(page, (req) => messagesApi.fetch(req))) {
          // A task of its own for showing the chunk, apart from the one that received and parsed it.
          await new Promise((r) => setTimeout(r, 0))
          if (first) {
            this.rowViewers = {}
            this.selected = {}
            first = false
          }
          this.pageRows = markRaw(p.page)
          this.nextOffsets = p.nextOffsets
          this.firstOffsets = p.firstOffsets
          this.partitions = p.partitions
          this.byteLimitReached = p.byteLimitReached
          this.loaded = p.page.length
          this.fetched = true
        }
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
    },
    /** Selects or unselects a row for export. */
    toggleSelected(r: RecordView, on?: boolean): void {
      const k = rowKey(r)
      if (on ?? !this.selected[k]) this.selected[k] = true
      else delete this.selected[k]
    },
    /** Selects every row of the page, or none. */
    selectAll(on: boolean): void {
      this.selected = on ? Object.fromEntries(this.records.map((r) => [rowKey(r), true as const])) : {}
    },
    /** Copies one record to the clipboard as JSON (the export's record form). */
    async copyAsJson(topic: string, r: RecordView): Promise<void> {
      try {
        await copyText(JSON.stringify(toExportedRecordFromView(topic, r), null, 2))
        useNoticeStore().push('success', `Copied record ${r.partition}:${r.offset} as JSON`)
      } catch (e) {
        useNoticeStore().push('error', `Copy as JSON: ${(e as Error).message}`)
      }
    },
    /**
     * Opens the producer with this record's key, value, headers and partition, to edit and send
     * (to this topic or another). Bytes that are not UTF-8 cannot be edited as text: refused, saying so.
     * @returns true when the producer was opened.
     */
    produceAgain(topic: string, r: RecordView): boolean {
      const key = producerText(r.key)
      const value = producerText(r.value)
      const headers = r.headers.map((h) => ({ key: h.key, ...producerText(h.value) }))
      if (!key.ok || !value.ok || headers.some((h) => !h.ok)) {
        useNoticeStore().push('warning', `Produce again: record ${r.partition}:${r.offset} holds bytes that are not UTF-8 text, which the producer cannot send`)
        return false
      }
      useProducerStore().prefill({
        topic,
        key: key.text,
        value: value.text,
        headers: headers.map((h) => ({ key: h.key, value: h.text ?? '' })),
        partition: r.partition
      })
      useRouterStore().go('producer', topic)
      return true
    }
  }
})
