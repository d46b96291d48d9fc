/**
 * useTopicsStore: the topic list (topic/list), Kafka's default topic configs (topic/defaults),
 * and create/delete.
 * Must stay true: after a successful create or delete the list is fetched again; failures are
 * shown as notices with Kafka's error name and returned as ContractError, never thrown to views.
 */
import { defineStore } from 'pinia'
import type { ContractError, RequestOf, TopicConfigsView, TopicDetail, TopicSummary } from '../../../shared/contract'
import { topicApi } from '../api/client'
import { toContractError } from '../api/api-error'
import { useNoticeStore } from './notice-store'

export interface TopicsState {
  list: TopicSummary[]
  loading: boolean
  error: ContractError | null
  /** Kafka's default topic configs (LONG values as exact decimal strings), from topic/defaults. */
  defaults: TopicConfigsView | null
  /** Number of brokers, from topic/defaults: the largest legal replication factor. */
  brokers: number
  /** ms when `list` was fetched (to pick the fresher of list and snapshot). */
  listedAt: number
  /** The topic list shows internal topics (__consumer_offsets) too. */
  showInternal: boolean
  /** The topics view opens its create dialog when shown next (the empty overview's "Create a topic"). */
  openCreate: boolean
}

export const useTopicsStore = defineStore('topics', {
  state: (): TopicsState => ({ list: [], loading: false, error: null, defaults: null, brokers: 0, listedAt: 0, showInternal: false, openCreate: false }),
  getters: {
    names: (s) => s.list.filter((t) => !t.internal).map((t) => t.name)
  },
  actions: {
    /** Fetches topic/list, internal topics included (the view hides them unless showInternal). */
    async refresh(): Promise<void> {
      this.loading = true
      try {
        this.list = await topicApi.list({ includeInternal: true })
        this.listedAt = Date.now()
        this.error = null
      } catch (e) {
        this.error = useNoticeStore().error(e, 'List topics')
      } finally {
        this.loading = false
      }
    },
    /** Fetches topic/defaults once (Kafka's defaults and the broker count). */
    async loadDefaults(): Promise<void> {
      try {
        const d = await topicApi.defaults()
        this.defaults = d.configs
        this.brokers = d.brokers
      } catch (e) {
        useNoticeStore().error(e, 'Topic defaults')
      }
    },
    /**
     * Creates a topic. Returns the created TopicDetail, or the error (also shown as a notice).
     */
    async create(req: RequestOf<'topic/create'>): Promise<{ ok: true; topic: TopicDetail } | { ok: false; error: ContractError }> {
      try {
        const topic = await topicApi.create(req)
        useNoticeStore().push('success', `Created topic ${req.topic}`)
        await this.refresh()
        return { ok: true, topic }
      } catch (e) {
        const error = toContractError(e)
        useNoticeStore().error(e, `Create topic ${req.topic}`)
        return { ok: false, error }
      }
    },
    /** Deletes a topic; true on success. */
    async remove(topic: string): Promise<boolean> {
      try {
        await topicApi.remove(topic)
        useNoticeStore().push('success', `Deleted topic ${topic}`)
        await this.refresh()
        return true
      } catch (e) {
        useNoticeStore().error(e, `Delete topic ${topic}`)
        return false
      }
    }
  }
})
