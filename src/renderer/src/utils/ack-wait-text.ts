/**
 * The one-line explanation of what an acks=all produce waited for (contract ProduceAckWait), as the
 * producer result shows it, e.g. "waited 26.3 s: broker 3 was in the ISR but not fetching; it left
 * the ISR after replica.lag.time.max.ms (30,000 ms)"; offsets and ms with thousands separators.
 *
 * Must stay true: pure; says nothing (null) for a short wait nobody left the ISR during (at most
 * ACK_WAIT_NOTABLE_MS), so an ordinary produce shows no sentence; names only what the engine reported.
 */
import type { ProduceAckWait, ProduceAckWaitFollower } from '../../../shared/contract'
import { formatCount, formatSeconds } from './format'

/** Waits up to this long (ms) with no ISR change are not worth a sentence. */
export const ACK_WAIT_NOTABLE_MS = 100


/** What one follower did during the wait, or null when it fetched the offset in time (within ACK_WAIT_NOTABLE_MS). */
function followerText(f: ProduceAckWaitFollower, lastOffset: number, lagMs: number): string | null {
  const who = `broker ${f.brokerId}`
  if (f.leftIsrAfterMs !== null) {
    const what = f.fetched ? `was in the ISR but did not fetch up to offset ${formatCount(lastOffset)}` : 'was in the ISR but not fetching'
    return `${who} ${what}; it left the ISR after replica.lag.time.max.ms (${formatCount(lagMs)} ms)`
  }
  if (f.reachedAfterMs === null) return f.fetched ? `${who} is in the ISR but had not fetched up to offset ${formatCount(lastOffset)}` : `${who} is in the ISR but was not fetching`
  if (f.reachedAfterMs > ACK_WAIT_NOTABLE_MS) return `${who} took ${formatSeconds(f.reachedAfterMs)} to fetch up to offset ${formatCount(lastOffset)}`
  return null
}

/**
 * The sentence for `w`, or null when the wait was short and no follower left the ISR.
 * Several partitions: each follower's part names its partition.
 */
export function ackWaitText(w: ProduceAckWait | null): string | null {
  if (!w) return null
  const left = w.partitions.some((p) => p.followers.some((f) => f.leftIsrAfterMs !== null))
  if (w.waitedMs <= ACK_WAIT_NOTABLE_MS && !left) return null
  const many = w.partitions.length > 1
  const parts: string[] = []
  for (const p of w.partitions)
    for (const f of p.followers) {
      const t = followerText(f, p.lastOffset, w.replicaLagTimeMaxMs)
      if (t) parts.push(many ? `${t} (partition ${p.partition})` : t)
    }
  const why = parts.length > 0 ? parts.join('; ') : 'for the ISR followers to fetch the records'
  return `waited ${formatSeconds(w.waitedMs)}${parts.length > 0 ? ': ' : ' '}${why}`
}
