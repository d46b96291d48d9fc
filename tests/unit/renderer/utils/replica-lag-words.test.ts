/**
 * Replica lag and election outcomes in words (replica-lag-words.ts): what the topic detail and the
 * preferred-election panel show a user.
 */
import { describe, expect, it } from 'vitest'
import type { LeaderElectionResultView } from '../../../../src/shared/contract'
import { electionOutcomeText, electionSummaryText, formatLagMs, replicaLagText } from '../../../../src/renderer/src/utils/replica-lag-words'

const result = (o: Partial<LeaderElectionResultView>): LeaderElectionResultView => ({ topic: 'orders', partition: 0, outcome: 'elected', previousLeader: 2, leader: 1, leaderEpoch: 5, ...o })

describe('replica lag in words', () => {
  it('formats lag durations from ms to hours', () => {
    expect([0, 850, 4200, 125_000, 3_780_000].map(formatLagMs)).toEqual(['0 ms', '850 ms', '4.2 s', '2 min 5 s', '1 h 3 min'])
  })

  it('says caught up, records and time behind, or unknown without a leader', () => {
    expect(replicaLagText({ lagRecords: 0, lagMs: 0 })).toBe('caught up')
    expect(replicaLagText({ lagRecords: 1200, lagMs: 4200 })).toBe('1,200 records, 4.2 s behind')
    expect(replicaLagText({ lagRecords: 1, lagMs: null })).toBe('1 record behind')
    expect(replicaLagText({ lagRecords: null, lagMs: null })).toBe('unknown')
  })
})

describe('preferred leader election outcomes in words', () => {
  it('names the new and previous leader and the epoch of an election', () => {
    expect(electionOutcomeText(result({}))).toBe('orders-0: elected broker 1 (was broker 2), leader epoch 5')
    expect(electionOutcomeText(result({ previousLeader: -1 }))).toBe('orders-0: elected broker 1 (was no leader), leader epoch 5')
  })

  it('says an election was not needed when the preferred replica already leads', () => {
    expect(electionOutcomeText(result({ outcome: 'not-needed', previousLeader: 1 }))).toBe('orders-0: not needed, broker 1 (the preferred replica) already leads')
  })

  it('names the Kafka error of a failed election', () => {
    const failed = result({ outcome: 'failed', leader: 2, error: { code: 'PREFERRED_LEADER_NOT_AVAILABLE', message: 'broker 1 is not in the ISR' } })
    expect(electionOutcomeText(failed)).toBe('orders-0: failed: PREFERRED_LEADER_NOT_AVAILABLE: broker 1 is not in the ISR')
  })

  it('sums the outcomes, leaving out the ones that did not happen', () => {
    expect(electionSummaryText([result({}), result({ outcome: 'not-needed' }), result({ outcome: 'not-needed' })])).toBe('1 elected, 2 not needed')
    expect(electionSummaryText([])).toBe('no partitions')
  })
})
