/**
 * useClusterStore: the latest ClusterSnapshot (fetched at start, then replaced by each 'snapshot'
 * push) and broker stop/start.
 * Must stay true: `snapshot` only moves forward in time (an older push never replaces a newer one).
 */
import { defineStore } from 'pinia'
import type { ClusterSnapshot, ContractError } from '../../../shared/contract'
import { clusterApi, onEvent } from '../api/client'
import { useNoticeStore } from './notice-store'

export interface ClusterState {
  snapshot: ClusterSnapshot | null
  error: ContractError | null
  /** Broker ids with a stop/start in flight. */
  busyBrokers: number[]
  started: boolean
}

export const useClusterStore = defineStore('cluster', {
  state: (): ClusterState => ({ snapshot: null, error: null, busyBrokers: [], started: false }),
  getters: {
    brokersAlive: (s) => s.snapshot?.brokers.filter((b) => b.alive).length ?? 0,
    brokerCount: (s) => s.snapshot?.brokers.length ?? 0,
    topicNames: (s) => (s.snapshot?.topics ?? []).filter((t) => !t.internal).map((t) => t.name)
  },
  actions: {
    /** Subscribes to snapshot pushes and fetches one now. Idempotent. */
    async start(): Promise<void> {
      if (this.started) return
      this.started = true
      onEvent('snapshot', (s) => this.accept(s))
      await this.refresh()
    },
    /** Fetches a snapshot now. */
    async refresh(): Promise<void> {
      try {
        this.accept(await clusterApi.snapshot())
        this.error = null
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Cluster snapshot')
      }
    },
    /** Takes a snapshot unless it is older than the one held. */
    accept(s: ClusterSnapshot): void {
      if (!this.snapshot || s.takenAt >= this.snapshot.takenAt) this.snapshot = s
    },
    /** Stops (`broker/stop`) or starts (`broker/start`) a broker, then refreshes. */
    async setBrokerRunning(brokerId: number, running: boolean): Promise<boolean> {
      this.busyBrokers.push(brokerId)
      try {
        if (running) await clusterApi.startBroker(brokerId)
        else await clusterApi.stopBroker(brokerId)
        useNoticeStore().push('success', `Broker ${brokerId} ${running ? 'started' : 'stopped'}`)
        await this.refresh()
        return true
      } catch (e) {
        useNoticeStore().error(e, `${running ? 'Start' : 'Stop'} broker ${brokerId}`)
        return false
      } finally {
        this.busyBrokers = this.busyBrokers.filter((b) => b !== brokerId)
      }
    },
    /**
     * Pauses or resumes the fetching of a live broker's followers (broker/fetching), then refreshes.
     * Returns whether it worked; failures become a notice.
     */
    async setBrokerFetching(brokerId: number, paused: boolean): Promise<boolean> {
      this.busyBrokers.push(brokerId)
      try {
        await clusterApi.setBrokerFetching(brokerId, paused)
        useNoticeStore().push('success', `Broker ${brokerId}: fetching ${paused ? 'paused' : 'resumed'}`)
        await this.refresh()
        return true
      } catch (e) {
        useNoticeStore().error(e, `${paused ? 'Pause' : 'Resume'} fetching on broker ${brokerId}`)
        return false
      } finally {
        this.busyBrokers = this.busyBrokers.filter((b) => b !== brokerId)
      }
    }
  }
})
