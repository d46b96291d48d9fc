/**
 * useClusterStore: the latest ClusterSnapshot (fetched at start, then replaced by each 'snapshot'
 * push), broker stop/start and the failure playground's faults (kill, slow, isolate, heal), and notices for new cluster events (a replica offline or damaged, an
 * election that avoided it, records lost) and for the engine stopping and restarting (engine/status).
 * Must stay true: `snapshot` only moves forward in time (an older push never replaces a newer one);
 * each warning or error event is noticed once: at most MAX_EVENT_NOTICES single-event notices per
 * snapshot (the rest are counted in one more notice), and the partition events following a fault
 * (an internal topic's never on their own) summed up in one notice per fault (../utils/event-notices.ts),
 * so toasts never pile up; of the page's first snapshot only the events of the last
 * FIRST_SNAPSHOT_NOTICE_WINDOW_MS become notices (older ones are in Recent events).
 */
import { defineStore } from 'pinia'
import type { ClusterEventView, ClusterSnapshot, ContractError, EngineStatus } from '../../../shared/contract'
import { clusterApi, onEvent } from '../api/client'
import { useNoticeStore } from './notice-store'
import { eventNotices } from '../utils/event-notices'

/** A fault the brokers view injects (broker/kill, broker/slow, broker/isolate, broker/heal). */
export type BrokerFault = { kind: 'kill' } | { kind: 'slow'; delayMs: number } | { kind: 'isolate' } | { kind: 'heal' }

/** The words of a fault for notices: "killed", "slowed by 200 ms", "isolated", "healed". */
function faultDone(f: BrokerFault): string {
  return f.kind === 'kill' ? 'killed' : f.kind === 'slow' ? `slowed by ${f.delayMs} ms` : f.kind === 'isolate' ? 'isolated' : 'healed'
}

/** Cluster events shown as notices per snapshot at most. */
export const MAX_EVENT_NOTICES = 3

/**
 * Of the first snapshot a page receives, only events at most this old (ms before the snapshot was
 * taken, both on the engine's clock) become notices: the older ones happened before the page opened
 * and are listed in Recent events and the timeline; as toasts they would read as news ("Broker 2 is
 * slowed" for a broker healed since). An engine that just started (its recovery warnings) is within it.
 */
export const FIRST_SNAPSHOT_NOTICE_WINDOW_MS = 10_000

export interface ClusterState {
  snapshot: ClusterSnapshot | null
  error: ContractError | null
  /** Broker ids with a stop/start, fetching change or fault in flight. */
  busyBrokers: number[]
  started: boolean
  /** The newest event seq already turned into notices (0: none yet). */
  lastEventSeq: number
  /** Whether a snapshot's events were looked at yet (see FIRST_SNAPSHOT_NOTICE_WINDOW_MS). */
  eventsSeen: boolean
}

export const useClusterStore = defineStore('cluster', {
  state: (): ClusterState => ({ snapshot: null, error: null, busyBrokers: [], started: false, lastEventSeq: 0, eventsSeen: false }),
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
      onEvent('engine/status', (s) => this.engineStatus(s))
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
    /** Takes a snapshot unless it is older than the one held; new warning and error events become notices. */
    accept(s: ClusterSnapshot): void {
      if (this.snapshot && s.takenAt < this.snapshot.takenAt) return
      this.snapshot = s
      this.noticeEvents(s.events ?? [], s.takenAt)
    },
    /** Tells the user when the engine stopped (and whether it restarts), and when it runs again. */
    engineStatus(s: EngineStatus): void {
      const notices = useNoticeStore()
      const cause = s.cause ? `: ${s.cause}` : ''
      if (s.state === 'restarting') notices.push('error', `The engine stopped${cause}. It is restarting on the same data directory.`)
      else if (s.state === 'stopped') notices.push('error', `The engine stopped${cause}. It was restarted ${s.restarts} times within a minute and is not restarted again; restart the app.`)
      else if (s.restarts > 0) {
        notices.push('success', 'The engine is running again.')
        void this.refresh()
      }
    },
    /**
     * Turns events not seen before into notices (warnings and errors only; see MAX_EVENT_NOTICES and
     * eventNotices); of the first snapshot (taken at `takenAt`, ms) only those of the last
     * FIRST_SNAPSHOT_NOTICE_WINDOW_MS.
     */
    noticeEvents(events: ClusterEventView[], takenAt: number): void {
      const first = !this.eventsSeen
      this.eventsSeen = true
      if (events.length === 0) return
      const newest = events[events.length - 1].seq
      // A restarted engine numbers its events from 1 again.
      if (newest < this.lastEventSeq) this.lastEventSeq = 0
      const since = first ? takenAt - FIRST_SNAPSHOT_NOTICE_WINDOW_MS : -Infinity
      const fresh = events.filter((e) => e.seq > this.lastEventSeq && e.severity !== 'info' && e.time >= since)
      this.lastEventSeq = newest
      const notices = useNoticeStore()
      for (const n of eventNotices(fresh, MAX_EVENT_NOTICES)) notices.push(n.kind, n.text)
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
    },
    /**
     * Injects a fault into a broker (kill, slow by delayMs, isolate, heal), then refreshes.
     * Returns whether it worked; a refusal (e.g. INVALID_REQUEST "Broker 2 has no fault to heal")
     * becomes an error notice in the engine's words.
     */
    async injectBrokerFault(brokerId: number, fault: BrokerFault): Promise<boolean> {
      this.busyBrokers.push(brokerId)
      try {
        if (fault.kind === 'kill') await clusterApi.killBroker(brokerId)
        else if (fault.kind === 'slow') await clusterApi.slowBroker(brokerId, fault.delayMs)
        else if (fault.kind === 'isolate') await clusterApi.isolateBroker(brokerId)
        else await clusterApi.healBroker(brokerId)
        useNoticeStore().push('success', `Broker ${brokerId} ${faultDone(fault)}`)
        await this.refresh()
        return true
      } catch (e) {
        const verb = fault.kind === 'slow' ? `Slow broker ${brokerId} by ${fault.delayMs} ms` : `${fault.kind[0].toUpperCase()}${fault.kind.slice(1)} broker ${brokerId}`
        useNoticeStore().error(e, verb)
        return false
      } finally {
        this.busyBrokers = this.busyBrokers.filter((b) => b !== brokerId)
      }
    }
  }
})
