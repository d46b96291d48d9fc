/**
 * Which cluster events the scenario panel shows beside the steps, and how it keeps them: a snapshot
 * carries only the newest SNAPSHOT_EVENTS events of the whole cluster, and one fence of a broker
 * hosting many replicas (the flights topic, __consumer_offsets) emits more than that, so the panel
 * keeps the events about its scenario from every snapshot it sees instead of filtering the latest one.
 * Must stay true: each event is kept once (by seq), oldest first, at most `limit` (the oldest go).
 */
import type { ClusterEventView } from '../../../shared/contract'

/** Whether the scenario panel shows `e`: about the scenario's topic, or a broker or controller event (no topic). */
export function aboutScenario(e: ClusterEventView, topic: string): boolean {
  if (e.topic !== undefined) return e.topic === topic
  return e.kind.startsWith('broker-') || e.kind === 'controller-moved'
}

/**
 * `kept` plus the events of `incoming` about the scenario not kept yet (seq above `sinceSeq`, the
 * newest seq when the run started), oldest first, the newest `limit`.
 */
export function mergeScenarioEvents(kept: readonly ClusterEventView[], incoming: readonly ClusterEventView[], topic: string, sinceSeq: number, limit: number): ClusterEventView[] {
  const seen = new Set(kept.map((e) => e.seq))
  const added = incoming.filter((e) => e.seq > sinceSeq && !seen.has(e.seq) && aboutScenario(e, topic))
  if (added.length === 0) return kept as ClusterEventView[]
  return [...kept, ...added].sort((a, b) => a.seq - b.seq).slice(-limit)
}
