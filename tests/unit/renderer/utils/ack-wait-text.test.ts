/**
 * The producer result's sentence about an acks=all wait: silent for a short ordinary wait, and for a
 * long one or one an ISR member left during, what each follower did (not fetching and dropped after
 * replica.lag.time.max.ms, slow to fetch, still in the ISR when the wait timed out).
 */
import { describe, expect, it } from 'vitest'
import type { ProduceAckWait, ProduceAckWaitFollower } from '../../../../src/shared/contract'
import { ackWaitText } from '../../../../src/renderer/src/utils/ack-wait-text'
import { formatSeconds } from '../../../../src/renderer/src/utils/format'

const follower = (brokerId: number, o: Partial<ProduceAckWaitFollower> = {}): ProduceAckWaitFollower => ({ brokerId, reachedAfterMs: 0, fetched: true, leftIsrAfterMs: null, ...o })

function wait(waitedMs: number, followers: ProduceAckWaitFollower[][], lastOffset = 41): ProduceAckWait {
  return {
    waitedMs,
    replicaLagTimeMaxMs: 30000,
    partitions: followers.map((fs, i) => ({ partition: i, lastOffset, isrAtStart: [1, ...fs.map((f) => f.brokerId)], isrAtEnd: [1], followers: fs }))
  }
}

describe('ackWaitText', () => {
  it('says nothing for no wait or a short one nobody left the ISR during', () => {
    expect(ackWaitText(null)).toBeNull()
    expect(ackWaitText(wait(100, [[follower(2, { reachedAfterMs: 100 }), follower(3, { reachedAfterMs: 60 })]]))).toBeNull()
  })

  it('names a follower that was in the ISR but not fetching and left it after replica.lag.time.max.ms', () => {
    expect(ackWaitText(wait(26_300, [[follower(2), follower(3, { reachedAfterMs: null, fetched: false, leftIsrAfterMs: 26_300 })]]))).toBe(
      'waited 26.3 s: broker 3 was in the ISR but not fetching; it left the ISR after replica.lag.time.max.ms (30,000 ms)'
    )
  })

  it('explains a short wait too when a follower left the ISR during it', () => {
    expect(ackWaitText(wait(12, [[follower(3, { reachedAfterMs: null, fetched: true, leftIsrAfterMs: 12 })]]))).toBe(
      'waited 12 ms: broker 3 was in the ISR but did not fetch up to offset 41; it left the ISR after replica.lag.time.max.ms (30,000 ms)'
    )
  })

  it('names a follower that was slow to fetch, and one still in the ISR that never did', () => {
    expect(ackWaitText(wait(2500, [[follower(2, { reachedAfterMs: 2500 })]]))).toBe('waited 2.5 s: broker 2 took 2.5 s to fetch up to offset 41')
    expect(ackWaitText(wait(30_000, [[follower(2, { reachedAfterMs: null, fetched: false })]]))).toBe('waited 30.0 s: broker 2 is in the ISR but was not fetching')
  })

  it('prints offsets and ms from 1,000 on with thousands separators', () => {
    expect(ackWaitText(wait(2500, [[follower(2, { reachedAfterMs: 2500 })]], 1_234_567))).toBe('waited 2.5 s: broker 2 took 2.5 s to fetch up to offset 1,234,567')
  })

  it('names the partition of each part when the send wrote to several', () => {
    expect(ackWaitText(wait(1200, [[follower(2)], [follower(3, { reachedAfterMs: 1200 })]]))).toBe('waited 1.2 s: broker 3 took 1.2 s to fetch up to offset 41 (partition 1)')
  })

  it('says it waited for the followers when none stands out', () => {
    expect(ackWaitText(wait(400, [[follower(2, { reachedAfterMs: 90 })]]))).toBe('waited 400 ms for the ISR followers to fetch the records')
    expect(formatSeconds(999)).toBe('999 ms')
    expect(formatSeconds(1000)).toBe('1.0 s')
  })
})
