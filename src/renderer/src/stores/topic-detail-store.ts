/**
 * useTopicDetailStore: one topic's TopicDetail (topic/describe), its partitions' segments
 * (topic/segments), and per-partition records-in rates derived from the log end offsets in
 * successive snapshots.
 * Must stay true: switching topic clears everything belonging to the previous topic.
 */
import { defineStore } from 'pinia'
import type { ClusterSnapshot, ContractError, PartitionSegments, PartitionView, RequestOf, TopicDetail } from '../../../shared/contract'
import { topicApi } from '../api/client'
import { toContractError } from '../api/api-error'
import { appendSample, partitionRates, type OffsetSample } from '../utils/partition-rates'
import { useNoticeStore } from './notice-store'

export interface TopicDetailState {
  topic: string | null
  detail: TopicDetail | null
  /** Live partition views from the latest snapshot (fresher than detail.partitionViews). */
  live: PartitionView[] | null
  error: ContractError | null
  segmentsPartition: number
  segments: PartitionSegments | null
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
    /** Loads topic/segments for one partition of the open topic. */
    async loadSegments(partition: number): Promise<void> {
      if (!this.topic) return
      this.segmentsPartition = partition
      try {
        this.segments = await topicApi.segments(this.topic, partition)
      } catch (e) {
        this.segments = null
        useNoticeStore().error(e, `Segments of ${this.topic}-${partition}`)
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
    /** Takes the open topic's partitions from a snapshot and records a rate sample. */
    observe(snapshot: ClusterSnapshot): void {
      if (!this.topic) return
      const parts = snapshot.partitions[this.topic]
      if (!parts) return
      this.live = parts
      this.samples = appendSample(this.samples, { t: snapshot.takenAt, logEndOffsets: parts.map((p) => p.logEndOffset) })
    }
  }
})
