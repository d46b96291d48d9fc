/**
 * useLeaderElectionStore: preferred leader elections asked for from the UI (cluster/elect-leaders
 * with electionType 'preferred', kafka-leader-election --election-type PREFERRED) and their
 * per-partition outcomes, for one topic or for every topic.
 *
 * Must stay true: `results` belong to `scope` (the topic asked, or null for all topics); a new
 * election replaces the previous results; a failed request becomes an error notice and clears them.
 */
import { defineStore } from 'pinia'
import type { LeaderElectionResultView } from '../../../shared/contract'
import { clusterApi } from '../api/client'
import { electionSummaryText } from '../utils/replica-lag-words'
import { useNoticeStore } from './notice-store'

export interface LeaderElectionState {
  running: boolean
  /** The topic of the last election, or null for all topics. */
  scope: string | null
  results: LeaderElectionResultView[] | null
}

export const useLeaderElectionStore = defineStore('leaderElection', {
  state: (): LeaderElectionState => ({ running: false, scope: null, results: null }),
  actions: {
    /** Runs a preferred leader election of `topic`'s partitions, or of every partition when `topic` is null. */
    async electPreferred(topic: string | null): Promise<void> {
      this.running = true
      this.scope = topic
      this.results = null
      const what = topic === null ? 'all topics' : `topic ${topic}`
      try {
        const results = await clusterApi.electLeaders(topic === null ? { electionType: 'preferred' } : { electionType: 'preferred', topic })
        if (this.scope !== topic) return
        this.results = results
        useNoticeStore().push(results.some((r) => r.outcome === 'failed') ? 'warning' : 'success', `Preferred leader election of ${what}: ${electionSummaryText(results)}`)
      } catch (e) {
        useNoticeStore().error(e, `Preferred leader election of ${what}`)
      } finally {
        this.running = false
      }
    },
    /** Forgets the shown results. */
    dismiss(): void {
      this.results = null
    }
  }
})
