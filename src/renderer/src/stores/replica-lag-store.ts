/**
 * useReplicaLagStore: the topic detail's selected partition and its replicas' lag history
 * (topic/replica-lag-history, reloaded with each snapshot while the topic detail is open).
 *
 * Must stay true: selecting another topic or partition clears the previous history at once (a
 * chart never shows one partition's lag under another's name); an answer for a selection no longer
 * current is dropped.
 */
import { defineStore } from 'pinia'
import type { ContractError, ReplicaLagHistoryView } from '../../../shared/contract'
import { topicApi } from '../api/client'
import { toContractError } from '../api/api-error'

export interface ReplicaLagState {
  topic: string | null
  partition: number
  history: ReplicaLagHistoryView | null
  /** The last load's failure (shown beside the chart, not as a toast: it repeats every second). */
  error: ContractError | null
}

export const useReplicaLagStore = defineStore('replicaLag', {
  state: (): ReplicaLagState => ({ topic: null, partition: 0, history: null, error: null }),
  actions: {
    /** Selects `topic`-`partition` (clearing another selection's history) and loads its history. */
    async select(topic: string, partition: number): Promise<void> {
      if (this.topic !== topic || this.partition !== partition) {
        this.topic = topic
        this.partition = partition
        this.history = null
        this.error = null
      }
      await this.load()
    },
    /** Reloads the selected partition's history. */
    async load(): Promise<void> {
      const { topic, partition } = this
      if (!topic) return
      try {
        const h = await topicApi.replicaLagHistory(topic, partition)
        if (this.topic !== topic || this.partition !== partition) return
        this.history = h
        this.error = null
      } catch (e) {
        if (this.topic !== topic || this.partition !== partition) return
        this.error = toContractError(e)
      }
    }
  }
})
