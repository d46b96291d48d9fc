/**
 * The timeline's model, pure: the cluster events the renderer has seen, merged from snapshot to
 * snapshot (each carries only the newest SNAPSHOT_EVENTS), the gaps where a burst outran a snapshot,
 * the timeline's filters (broker, topic, kind) and the partitions an event touched (for the
 * topology's highlight).
 * Must stay true: the history is ordered by seq, holds each seq once and at most `capacity` events
 * (the oldest go first); a gap is only reported between two events the renderer holds, with the
 * exact count of sequence numbers it did not receive; filters never reorder.
 */
import type { ClusterEventView, PartitionView } from '@shared/contract'

/** Events the renderer keeps for the timeline (the engine keeps 1000: DEFAULT_EVENT_LOG_CAPACITY). */
export const TIMELINE_CAPACITY = 1000

/** A run of sequence numbers the renderer never received: more events happened between two snapshots than one carries. */
export interface EventGap {
  /** The newest event held before the gap, and the oldest after it. */
  afterSeq: number
  beforeSeq: number
  /** Events missed: beforeSeq - afterSeq - 1. */
  missed: number
}

/** What the renderer knows of the event stream. */
export interface EventHistory {
  /** Oldest first, by seq. */
  events: ClusterEventView[]
  gaps: EventGap[]
}

/** An empty history. */
export function emptyHistory(): EventHistory {
  return { events: [], gaps: [] }
}

/**
 * Merges a snapshot's events into the history. A snapshot whose events all have lower seqs than the
 * history's oldest after a newer one was seen means the engine restarted (seq starts again at 1): the
 * history restarts with it.
 * @param history what is held
 * @param incoming a snapshot's events, oldest first (ClusterSnapshot.events)
 * @param capacity events kept at most
 * @returns a new history (the inputs are not changed)
 */
export function mergeEvents(history: EventHistory, incoming: readonly ClusterEventView[], capacity = TIMELINE_CAPACITY): EventHistory {
  if (incoming.length === 0) return history
  const newestHeld = history.events.length ? history.events[history.events.length - 1].seq : 0
  const newestIn = incoming[incoming.length - 1].seq
  if (newestIn < newestHeld && !history.events.some((e) => e.seq === newestIn)) return mergeEvents(emptyHistory(), incoming, capacity)
  const fresh = incoming.filter((e) => e.seq > newestHeld)
  if (fresh.length === 0) return history
  const gaps = [...history.gaps]
  if (newestHeld > 0 && fresh[0].seq > newestHeld + 1) gaps.push({ afterSeq: newestHeld, beforeSeq: fresh[0].seq, missed: fresh[0].seq - newestHeld - 1 })
  for (let i = 1; i < fresh.length; i++)
    if (fresh[i].seq > fresh[i - 1].seq + 1) gaps.push({ afterSeq: fresh[i - 1].seq, beforeSeq: fresh[i].seq, missed: fresh[i].seq - fresh[i - 1].seq - 1 })
  let events = [...history.events, ...fresh]
  if (events.length > capacity) events = events.slice(events.length - capacity)
  const oldest = events[0].seq
  return { events, gaps: gaps.filter((g) => g.afterSeq >= oldest) }
}

/** The timeline's filters; null = any. */
export interface TimelineFilter {
  brokerId: number | null
  topic: string | null
  kinds: ClusterEventView['kind'][]
}

/**
 * Whether an event passes the filter. The broker filter matches the event's broker and, for an
 * election, the leader it replaced (a fenced leader's elections belong to it too); the topic filter
 * matches the event's topic; `kinds` (empty: all) its kind.
 */
export function matchesFilter(e: ClusterEventView, f: TimelineFilter): boolean {
  if (f.brokerId !== null && e.brokerId !== f.brokerId && !(e.kind === 'leader-elected' && e.previousLeader === f.brokerId)) return false
  if (f.topic !== null && e.topic !== f.topic) return false
  return f.kinds.length === 0 || f.kinds.includes(e.kind)
}

/** The history's events passing `f`, newest first. */
export function timelineRows(history: EventHistory, f: TimelineFilter): ClusterEventView[] {
  const out: ClusterEventView[] = []
  for (let i = history.events.length - 1; i >= 0; i--) if (matchesFilter(history.events[i], f)) out.push(history.events[i])
  return out
}

/** "topic-partition", the key the topology highlights by. */
export const partitionKey = (topic: string, partition: number): string => `${topic}-${partition}`

/**
 * The partitions an event touched, as partitionKey strings, within today's partitions: its topic and
 * partition; a whole topic for a topic event; for a broker event (no topic), every partition that
 * broker leads or replicates now; for an election, also the one its previous leader gave up (same
 * partition). Group events touch none.
 * @param e the event
 * @param partitions the snapshot's partitions by topic
 */
export function touchedPartitions(e: ClusterEventView, partitions: Readonly<Record<string, readonly PartitionView[]>>): string[] {
  if (e.groupId !== undefined) return []
  if (e.topic !== undefined) {
    const ps = partitions[e.topic] ?? []
    if (e.partition !== undefined) return ps.some((p) => p.partition === e.partition) ? [partitionKey(e.topic, e.partition)] : []
    return ps.map((p) => partitionKey(e.topic as string, p.partition))
  }
  if (e.brokerId === undefined || e.brokerId < 0) return []
  const b = e.brokerId
  const out: string[] = []
  for (const [topic, ps] of Object.entries(partitions)) for (const p of ps) if (p.leader === b || p.replicas.includes(b)) out.push(partitionKey(topic, p.partition))
  return out
}
