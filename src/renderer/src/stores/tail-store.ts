/**
 * useTailStore: the message browser's live tail: polls messages/tail every TAIL_POLL_MS (one poll
 * at a time), keeps the newest TAIL_BUFFER_RECORDS records newest first, and measures the rate of
 * records written to the tailed partitions (from the high watermarks, so it stays true when the
 * tail shows only the newest of a burst). Pausing stops polling; resuming shows what was written
 * meanwhile (the newest of it, the rest counted as skipped).
 *
 * Must stay true: at most one poll is in flight; the buffer never holds more than
 * TAIL_BUFFER_RECORDS records; stopping (or leaving the view) ends the polling.
 */
import { defineStore } from 'pinia'
import { markRaw } from 'vue'
import type { ContractError, RecordView } from '../../../shared/contract'
import { messagesApi } from '../api/client'
import { useNoticeStore } from './notice-store'

/** How often the tail polls, in ms. */
export const TAIL_POLL_MS = 300
/** Records the tail keeps. */
export const TAIL_BUFFER_RECORDS = 5000
/** The rate is measured over this window, in ms. */
const RATE_WINDOW_MS = 5000

export interface TailState {
  topic: string | null
  partitions: number[] | null
  running: boolean
  paused: boolean
  /** Newest first; raw. */
  records: RecordView[]
  cursors: Record<number, number> | null
  /** Records written while tailing that were not shown (beyond a poll's bound). */
  skipped: number
  /** Records written per second to the tailed partitions, over the last few seconds. */
  rate: number
  /** (time ms, sum of high watermarks) samples for the rate. */
  samples: { t: number; hw: number }[]
  error: ContractError | null
}

/**
 * The rate of writes (records/s) from (time ms, sum of high watermarks) samples: the samples of the
 * last RATE_WINDOW_MS ending with the new one, and the rate between the oldest and the newest.
 */
export function tailRate(samples: { t: number; hw: number }[], t: number, hw: number): { samples: { t: number; hw: number }[]; rate: number } {
  const kept = [...samples.filter((x) => t - x.t <= RATE_WINDOW_MS), { t, hw }]
  const oldest = kept[0]
  return { samples: kept, rate: t > oldest.t ? ((hw - oldest.hw) * 1000) / (t - oldest.t) : 0 }
}

let timer: ReturnType<typeof setTimeout> | null = null
let generation = 0

export const useTailStore = defineStore('tail', {
  state: (): TailState => ({
    topic: null,
    partitions: null,
    running: false,
    paused: false,
    records: markRaw([]),
    cursors: null,
    skipped: 0,
    rate: 0,
    samples: [],
    error: null
  }),
  actions: {
    /** Starts tailing `topic` (its partitions, or all) from now. */
    async start(topic: string, partitions: number[] | null = null): Promise<void> {
      this.stop()
      this.topic = topic
      this.partitions = partitions
      this.records = markRaw([])
      this.cursors = null
      this.skipped = 0
      this.rate = 0
      this.samples = []
      this.error = null
      this.running = true
      this.paused = false
      await this.poll(++generation)
    },
    /** Stops polling (the records shown stay). */
    stop(): void {
      generation++
      if (timer) clearTimeout(timer)
      timer = null
      this.running = false
      this.paused = false
    },
    pause(): void {
      if (!this.running) return
      generation++
      if (timer) clearTimeout(timer)
      timer = null
      this.paused = true
    },
    async resume(): Promise<void> {
      if (!this.running || !this.paused) return
      this.paused = false
      this.samples = []
      await this.poll(++generation)
    },
    /** One poll; schedules the next unless stopped, paused or restarted meanwhile. */
    async poll(gen: number, now: () => number = Date.now): Promise<void> {
      if (!this.topic || gen !== generation) return
      try {
        const res = await messagesApi.tail({ topic: this.topic, partitions: this.partitions, cursors: this.cursors })
        if (gen !== generation) return
        this.cursors = res.cursors
        this.skipped += res.skipped
        if (res.records.length) {
          const newest = [...res.records].reverse()
          this.records = markRaw([...newest, ...this.records].slice(0, TAIL_BUFFER_RECORDS))
        }
        const r = tailRate(this.samples, now(), res.partitions.reduce((n, p) => n + p.highWatermark, 0))
        this.samples = r.samples
        this.rate = r.rate
        this.error = null
      } catch (e) {
        if (gen !== generation) return
        this.error = useNoticeStore().error(e, 'Live tail')
        this.stop()
        return
      }
      if (gen === generation) timer = setTimeout(() => void this.poll(gen), TAIL_POLL_MS)
    }
  }
})
