/**
 * useTimelineStore: the timeline of cluster events: every event the renderer has seen since it
 * started (merged from each snapshot's newest events, see views/cluster/event-timeline.ts), the
 * timeline's filters (broker, topic, kinds), and the selected event whose partitions the topology
 * highlights.
 * Must stay true: the history only grows by merging snapshots (mergeEvents' rules); the selection
 * is cleared when its event leaves the history; start() subscribes once.
 */
import { defineStore } from 'pinia'
import type { ClusterEventView } from '../../../shared/contract'
import { useClusterStore } from './cluster-store'
import { emptyHistory, mergeEvents, timelineRows, touchedPartitions, type EventHistory, type TimelineFilter } from '../views/cluster/event-timeline'
import { visiblePartitions } from '../views/cluster/topology-layout'

export interface TimelineState {
  history: EventHistory
  filter: TimelineFilter
  /** seq of the selected event, null when none. */
  selectedSeq: number | null
  started: boolean
}

export const useTimelineStore = defineStore('timeline', {
  state: (): TimelineState => ({ history: emptyHistory(), filter: { brokerId: null, topic: null, kinds: [] }, selectedSeq: null, started: false }),
  getters: {
    /** The events passing the filters, newest first. */
    rows: (s): ClusterEventView[] => timelineRows(s.history, s.filter),
    selected: (s): ClusterEventView | null => (s.selectedSeq === null ? null : (s.history.events.find((e) => e.seq === s.selectedSeq) ?? null)),
    /** The partitions ("topic-partition") the selected event touched, in today's snapshot, internal topics left out (the topology does not draw them). */
    highlight(): string[] {
      const e = this.selected
      const snapshot = useClusterStore().snapshot
      return e && snapshot ? touchedPartitions(e, Object.fromEntries(visiblePartitions(snapshot))) : []
    }
  },
  actions: {
    /** Merges the held snapshot's events now and after every snapshot the cluster store accepts. Idempotent. */
    start(): void {
      if (this.started) return
      this.started = true
      const cluster = useClusterStore()
      const take = (): void => {
        if (cluster.snapshot) this.accept(cluster.snapshot.events ?? [])
      }
      take()
      cluster.$subscribe(take, { detached: true, flush: 'sync' })
    },
    /** Merges a snapshot's events (oldest first). */
    accept(events: ClusterEventView[]): void {
      const next = mergeEvents(this.history, events)
      if (next === this.history) return
      this.history = next
      if (this.selectedSeq !== null && !next.events.some((e) => e.seq === this.selectedSeq)) this.selectedSeq = null
    },
    /** Selects an event (its partitions are highlighted); selecting the selected one again clears it. */
    select(seq: number | null): void {
      this.selectedSeq = seq === this.selectedSeq ? null : seq
    }
  }
})
