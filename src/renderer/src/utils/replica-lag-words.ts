/**
 * Replica lag and leader-election outcomes in words, for the topic detail and the overview:
 * a replica's lag behind its leader ("12 records, 4.2 s behind"), and each partition's outcome of
 * a preferred leader election (kafka-leader-election's per-partition result) as one line.
 *
 * Must stay true: pure functions of their arguments; an unknown lag (null) says so instead of 0;
 * a failed election always names Kafka's error code and its message.
 */
import type { LeaderElectionResultView, ReplicaView } from '../../../shared/contract'
import { formatCount } from './format'

/** A lag in ms as a short duration: "0 ms", "850 ms", "4.2 s", "2 min 5 s", "1 h 3 min". */
export function formatLagMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.floor(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** A replica's lag now in words: "caught up", "12 records, 4.2 s behind", or "unknown" without a leader. */
export function replicaLagText(r: Pick<ReplicaView, 'lagRecords' | 'lagMs'>): string {
  if (r.lagRecords === null) return 'unknown'
  if (r.lagRecords === 0) return 'caught up'
  const records = `${formatCount(r.lagRecords)} record${r.lagRecords === 1 ? '' : 's'}`
  return r.lagMs === null ? `${records} behind` : `${records}, ${formatLagMs(r.lagMs)} behind`
}

const leaderName = (b: number) => (b < 0 ? 'no leader' : `broker ${b}`)

/**
 * One partition's election outcome in words, e.g. "orders-0: elected broker 1 (was broker 2),
 * leader epoch 5"; "orders-1: not needed, broker 1 (the preferred replica) already leads";
 * "orders-2: failed: PREFERRED_LEADER_NOT_AVAILABLE: ...".
 */
export function electionOutcomeText(r: LeaderElectionResultView, electionType: 'preferred' | 'unclean' = 'preferred'): string {
  const name = `${r.topic}-${r.partition}`
  if (r.outcome === 'elected') return `${name}: elected broker ${r.leader} (was ${leaderName(r.previousLeader)}), leader epoch ${r.leaderEpoch}`
  if (r.outcome === 'not-needed')
    return electionType === 'preferred' ? `${name}: not needed, ${leaderName(r.leader)} (the preferred replica) already leads` : `${name}: not needed, ${leaderName(r.leader)} leads`
  return `${name}: failed: ${r.error ? `${r.error.code}: ${r.error.message}` : 'no reason given'}`
}

/** The outcome counts in words: "2 elected, 5 not needed, 1 failed" (only the non-zero ones; "no partitions" when empty). */
export function electionSummaryText(results: LeaderElectionResultView[]): string {
  const n = (o: LeaderElectionResultView['outcome']) => results.filter((r) => r.outcome === o).length
  const parts = [
    [n('elected'), 'elected'],
    [n('not-needed'), 'not needed'],
    [n('failed'), 'failed']
  ]
    .filter(([c]) => (c as number) > 0)
    .map(([c, w]) => `${c} ${w}`)
  return parts.length ? parts.join(', ') : 'no partitions'
}
