/**
 * The acks=all wait reports of a produce/send (the engine's AckWaitReport, one per chunk) as the
 * contract's ProduceAckWait: the one wait a user wants explained is the longest (on a tie, one
 * during which a follower left the ISR), without the topic the reply already names.
 *
 * Must stay true: pure; the reply carries exactly what the engine reported, only regrouped.
 */
import type { ProduceAckWait } from '../shared/contract'
import type { AckWaitReport } from '../broker/server/ack-wait-report'

/** Whether a follower left the ISR during the wait. */
function someoneLeft(r: AckWaitReport): boolean {
  return r.partitions.some((p) => p.followers.some((f) => f.leftIsrAfterMs !== null))
}

/**
 * The report to explain among a send's `reports`: the longest wait, a wait with an ISR leaver first
 * among equally long ones. @returns null for no reports (acks 0 or 1).
 */
export function longestAckWait(reports: readonly AckWaitReport[]): ProduceAckWait | null {
  let best: AckWaitReport | null = null
  for (const r of reports)
    if (!best || r.waitedMs > best.waitedMs || (r.waitedMs === best.waitedMs && someoneLeft(r) && !someoneLeft(best))) best = r
  if (!best) return null
  return {
    waitedMs: best.waitedMs,
    replicaLagTimeMaxMs: best.replicaLagTimeMaxMs,
    partitions: best.partitions.map((p) => ({
      partition: p.partition,
      lastOffset: p.lastOffset,
      isrAtStart: [...p.isrAtStart],
      isrAtEnd: [...p.isrAtEnd],
      followers: p.followers.map((f) => ({ ...f }))
    }))
  }
}
