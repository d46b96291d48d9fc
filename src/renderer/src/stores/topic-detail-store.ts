/**
 * useTopicDetailStore: one topic's TopicDetail (topic/describe), its partitions' segments
 * (topic/segments), and per-partition records-in rates derived from the log end offsets in
 * successive snapshots.
 * The segments follow the log as the other cards do: a snapshot in which the shown partition's log
 * end offset or log start offset moved (new records, a roll, retention), or that is
 * SEGMENTS_REFRESH_MS newer than the last load (a cleaner pass, a segment.ms roll), reloads them.
 * Must stay true: switching topic clears everything belonging to the previous topic; at most one
 * topic/segments request is in flight (a refresh asked for meanwhile runs once after it); a reply for
 * another topic or partition than the one shown now is dropped.
 */
import { defineStore } from 'pinia'
import type { ClusterSnapshot, ContractError, PartitionSegments, PartitionView, RequestOf, TopicDetail } from '../../../shared/contract'
import { topicApi } from '../api/client'
import { toContractError } from '../api/api-error'
import { appendSample, partitionRates, type OffsetSample } from '../utils/partition-rates'
import { useNoticeStore } from './notice-store'

/** The longest the segments card goes without reloading while snapshots arrive, ms of snapshot time. */
export const SEGMENTS_REFRESH_MS = 5000

/** What the shown segments were loaded against: the partition's offsets and the snapshot time then. */
export interface SegmentsBasis {
  logStartOffset: number
  logEndOffset: number
  /** ClusterSnapshot.takenAt of the newest snapshot seen when the load started (ms); 0 before any. */
  takenAt: number
}

export interface TopicDetailState {
  topic: string | null
  detail: TopicDetail | null
  /** Live partition views from the latest snapshot (fresher than detail.partitionViews). */
  live: PartitionView[] | null
  error: ContractError | null
  segmentsPartition: number
  segments: PartitionSegments | null
  /** The offsets and snapshot time the current segments load started from; null before a load. */
  segmentsBasis: SegmentsBasis | null
  /** A topic/segments request is in flight. */
  segmentsLoading: boolean
  /** A refresh was asked for while one was in flight: it runs once the flight lands. */
  segmentsStale: boolean
  /** takenAt of the newest snapshot observed (ms); 0 before any. */
  lastTakenAt: number
  samples: OffsetSample[]
}

export const useTopicDetailStore = defineStore('topicDetail', {
  state: (): TopicDetailState => ({
    topic: null,
    detail: null,
    live: null,
    error: null,
    segmentsPartition: 0,
    segments: null,
    segmentsBasis: null,
    segmentsLoading: false,
    segmentsStale: false,
    lastTakenAt: 0,
    samples: []
  }),
  getters: {
    partitions(s): PartitionView[] {
      return s.live ?? s.detail?.partitionViews ?? []
    },
    rates: (s) => partitionRates(s.samples)
  },
  actions: {
    /** Opens a topic: describe it and load partition 0's segments. */
    async open(topic: string): Promise<void> {
      if (this.topic !== topic) {
        this.$reset()
        this.topic = topic
      }
      try {
        this.detail = await topicApi.describe(topic)
        this.error = null
      } catch (e) {
        this.error = useNoticeStore().error(e, `Describe topic ${topic}`)
        return
      }
      await this.loadSegments(this.segmentsPartition)
    },
    /**
     * Loads topic/segments for one partition of the open topic. While a load is in flight, another
     * call only marks the segments stale: one more load runs when the flight lands (for the partition
     * shown then).
     */
    async loadSegments(partition: number): Promise<void> {
      if (!this.topic) return
      this.segmentsPartition = partition
      if (this.segmentsLoading) {
        this.segmentsStale = true
        return
      }
      const topic = this.topic
      const live = this.partitions.find((p) => p.partition === partition)
      this.segmentsBasis = { logStartOffset: live?.logStartOffset ?? -1, logEndOffset: live?.logEndOffset ?? -1, takenAt: this.lastTakenAt }
      this.segmentsLoading = true
      try {
        const got = await topicApi.segments(topic, partition)
        if (this.topic === topic && this.segmentsPartition === partition) this.segments = got
      } catch (e) {
        if (this.topic === topic && this.segmentsPartition === partition) {
          this.segments = null
          useNoticeStore().error(e, `Segments of ${topic}-${partition}`)
        }
      } finally {
        this.segmentsLoading = false
      }
      if (this.segmentsStale && this.topic === topic) {
        this.segmentsStale = false
        await this.loadSegments(this.segmentsPartition)
      }
    },
    /**
     * Alters the open topic (topic/alter: add partitions and/or set configs); on success the detail
     * is the altered topic. Failures become a notice and are returned for the dialog.
     */
    async alter(req: Omit<RequestOf<'topic/alter'>, 'topic'>): Promise<{ ok: true } | { ok: false; error: ContractError }> {
      if (!this.topic) return { ok: false, error: { code: 'INVALID_REQUEST', message: 'No topic is open' } }
      const topic = this.topic
      try {
        this.detail = await topicApi.alter({ topic, ...req })
        this.live = null // until the next snapshot, the altered partitions
        useNoticeStore().push('success', `Altered topic ${topic}`)
        return { ok: true }
      } catch (e) {
        useNoticeStore().error(e, `Alter topic ${topic}`)
        return { ok: false, error: toContractError(e) }
      }
    },
    /**
     * Takes the open topic's partitions from a snapshot, records a rate sample, and reloads the
     * segments when the shown partition's log moved or they are SEGMENTS_REFRESH_MS old (see the
     * module header). Nothing is reloaded before the first load (open() does it).
     */
    observe(snapshot: ClusterSnapshot): void {
      if (!this.topic) return
      const parts = snapshot.partitions[this.topic]
      if (!parts) return
      this.live = parts
      this.lastTakenAt = snapshot.takenAt
      this.samples = appendSample(this.samples, { t: snapshot.takenAt, logEndOffsets: parts.map((p) => p.logEndOffset) })
      const basis = this.segmentsBasis
      const shown = parts.find((p) => p.partition === this.segmentsPartition)
      if (!basis || !shown) return
      const moved = shown.logEndOffset !== basis.logEndOffset || shown.logStartOffset !== basis.logStartOffset
      if (moved || snapshot.takenAt - basis.takenAt >= SEGMENTS_REFRESH_MS) void this.loadSegments(this.segmentsPartition)
    }
  }
})
