/**
 * useTimelineStore: the timeline of cluster events: what the engine's event log holds when the
 * timeline starts and every event after (merged from each snapshot's newest events, see
 * views/cluster/event-timeline.ts; when a snapshot's events start past the newest one held, as after
 * a fence's burst of elections, the missing ones are read from cluster/events first), the
 * timeline's filters (broker, topic, kinds), and the selected event whose partitions the topology
 * highlights.
 * Must stay true: the history only grows by merging events in seq order (mergeEvents' rules): while
 * missing events are read, snapshots wait (the newest one is merged after them), so an older event
 * is never dropped for arriving after a newer one; a read that fails leaves the gap reported; the
 * selection is cleared when its event leaves the history; start() subscribes once, to the cluster
 * store's snapshot alone (a shallow watch: a snapshot is replaced whole, so its identity says it
 * changed; a deep subscription would read every field of every snapshot, a long task each second).
 */
import { defineStore } from 'pinia'
import { effectScope, watch } from 'vue'
import { CLUSTER_EVENTS_MAX, type ClusterEventView } from '../../../shared/contract'
import { clusterApi } from '../api/client'
import { useClusterStore } from './cluster-store'
import { emptyHistory, mergeEvents, timelineRows, touchedPartitions, type EventHistory, type TimelineFilter } from '../views/cluster/event-timeline'
import { visiblePartitions } from '../views/cluster/topology-layout'

export interface TimelineState {
  history: EventHistory
  filter: TimelineFilter
  /** seq of the selected event, null when none. */
  selectedSeq: number | null
  started: boolean
  /** True while missing events are read from cluster/events. */
  filling: boolean
  /** The newest snapshot's events that arrived while filling, merged after the fill. */
  waiting: ClusterEventView[] | null
}

/** The seq of the newest event held, 0 when none. */
const newestSeq = (h: EventHistory): number => (h.events.length ? h.events[h.events.length - 1].seq : 0)

export const useTimelineStore = defineStore('timeline', {
  state: (): TimelineState => ({ history: emptyHistory(), filter: { brokerId: null, topic: null, kinds: [] }, selectedSeq: null, started: false, filling: false, waiting: null }),
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
    /** Merges the held snapshot's events now and after every snapshot the cluster store accepts (watching the snapshot's identity, not its contents). Idempotent. */
    start(): void {
      if (this.started) return
      this.started = true
      const cluster = useClusterStore()
      const take = (): void => {
        if (cluster.snapshot) void this.take(cluster.snapshot.events ?? [])
      }
      take()
      // Detached from the component that started it (as the store outlives it); not deep.
      effectScope(true).run(() => watch(() => cluster.snapshot, take, { flush: 'sync' }))
    },
    /**
     * Merges a snapshot's events (oldest first), first reading from cluster/events the ones between
     * the newest held and the snapshot's oldest when some are missing (or, with nothing held yet,
     * what the engine's event log holds before them).
     */
    async take(events: ClusterEventView[]): Promise<void> {
      if (this.filling) {
        this.waiting = events
        return
      }
      const newest = newestSeq(this.history)
      const missing = events.length > 0 && events[0].seq > newest + 1 && events[events.length - 1].seq > newest
      if (!missing) return this.accept(events)
      this.filling = true
      try {
        let after = newest
        for (;;) {
          const got = await clusterApi.events(after, CLUSTER_EVENTS_MAX)
          const older = got.filter((e) => e.seq < events[0].seq)
          if (older.length) this.accept(older)
          if (got.length < CLUSTER_EVENTS_MAX || older.length < got.length || older.length === 0) break
          after = older[older.length - 1].seq
        }
      } catch {
        // the gap stays, reported with its count
      } finally {
        this.filling = false
      }
      this.accept(events)
      const next = this.waiting
      this.waiting = null
      if (next) await this.take(next)
    },
    /** Merges events (oldest first) into the history. */
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
