import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../../src/shared/contract'
import { explainEvent } from '../../../../src/renderer/src/views/cluster/event-explanation'
import { formatSeconds } from '../../../../src/renderer/src/utils/format'

let seq = 0
const ev = (e: Partial<ClusterEventView> & Pick<ClusterEventView, 'kind'>): ClusterEventView => ({ seq: ++seq, time: 1_700_000_000_000, severity: 'info', message: `engine message ${seq}`, ...e })

describe('explainEvent', () => {
  it('explains a fence by its missed heartbeats and broker.session.timeout.ms', () => {
    const fence = ev({ kind: 'broker-fenced', brokerId: 2, missedHeartbeatMs: 9012, sessionTimeoutMs: 9000, severity: 'warning' })
    expect(explainEvent(fence)).toBe(
      'Broker 2 missed heartbeats for 9.0 s (broker.session.timeout.ms = 9.0 s), so the controller fenced it: it leaves every ISR and its partitions elect new leaders from their ISR'
    )
  })

  it('joins the fence that caused a clean election to the election: who, why, new leader, ISR and epoch', () => {
    const fence = ev({ kind: 'broker-fenced', brokerId: 2, missedHeartbeatMs: 9000, sessionTimeoutMs: 9000 })
    const other = ev({ kind: 'broker-fenced', brokerId: 1, missedHeartbeatMs: 4000 })
    const election = ev({ kind: 'leader-elected', topic: 'orders', partition: 1, brokerId: 3, previousLeader: 2, election: 'clean-from-isr', reason: 'fenced', leaderEpoch: 4, isr: [3, 1] })
    expect(explainEvent(election, [other, fence])).toBe(
      'Broker 2 missed heartbeats for 9.0 s (broker.session.timeout.ms = 9.0 s), so the controller fenced it and elected broker 3 leader of orders-1 from the ISR [3, 1], epoch 4'
    )
    // Without the fence event at hand it still names the fence, without inventing its timing.
    expect(explainEvent(election)).toBe(
      'Broker 2 was fenced (it missed heartbeats for broker.session.timeout.ms), so the controller elected broker 3 leader of orders-1 from the ISR [3, 1], epoch 4'
    )
  })

  it('explains a kill as no controlled shutdown, noticed only by the missing heartbeats', () => {
    expect(explainEvent(ev({ kind: 'broker-killed', brokerId: 1, severity: 'warning' }))).toBe(
      'Broker 1 was killed (no controlled shutdown): the controller notices only when its heartbeats stop for broker.session.timeout.ms'
    )
  })

  it('explains an election after a controlled shutdown', () => {
    const e = ev({ kind: 'leader-elected', topic: 'flights', partition: 0, brokerId: 1, previousLeader: 3, election: 'clean-from-isr', reason: 'controlled-shutdown', leaderEpoch: 2, isr: [1, 2] })
    expect(explainEvent(e)).toBe('Broker 3 stopped (a controlled shutdown), so the controller elected broker 1 leader of flights-0 from the ISR [1, 2], epoch 2')
    expect(explainEvent(ev({ kind: 'broker-stopped', brokerId: 3 }))).toBe('Broker 3 stopped (a controlled shutdown): it hands over its leaderships and leaves the ISRs')
  })

  it('explains an unclean election as a leader from outside the ISR that loses what it lacks', () => {
    const byConfig = ev({ kind: 'leader-elected', topic: 't', partition: 0, brokerId: 2, previousLeader: 1, election: 'unclean', reason: 'fenced', leaderEpoch: 7, isr: [2], severity: 'error' })
    expect(explainEvent(byConfig)).toBe(
      'No in-sync replica of t-0 was left and unclean.leader.election.enable is true, so the controller elected broker 2, a replica outside the ISR (unclean) (broker 1 led), epoch 7: acknowledged records it lacks are lost'
    )
    const asked = ev({ kind: 'leader-elected', topic: 't', partition: 0, brokerId: 2, previousLeader: -1, election: 'unclean', reason: 'unclean-election', leaderEpoch: 8 })
    expect(explainEvent(asked)).toContain('an unclean election was asked for')
    expect(explainEvent(asked)).toContain('(it had no leader)')
  })

  it('tells a preferred election on demand from the automatic leader rebalance', () => {
    const base = { kind: 'leader-elected' as const, topic: 'orders', partition: 2, brokerId: 1, previousLeader: 3, election: 'preferred' as const, leaderEpoch: 5, isr: [1, 3] }
    expect(explainEvent(ev({ ...base, reason: 'preferred-election' }))).toBe('A preferred leader election moved leadership of orders-2 back to its preferred replica, broker 1 (broker 3 led), epoch 5')
    expect(explainEvent(ev({ ...base, reason: 'auto-leader-rebalance' }))).toBe(
      'The automatic leader rebalance (auto.leader.rebalance.enable) moved leadership of orders-2 back to its preferred replica, broker 1 (broker 3 led), epoch 5'
    )
  })

  it('says a partition is offline when no replica could lead it', () => {
    const e = ev({ kind: 'leader-elected', topic: 'solo', partition: 0, brokerId: -1, previousLeader: 2, election: 'clean-from-isr', reason: 'fenced', leaderEpoch: 3, isr: [2], severity: 'warning' })
    expect(explainEvent(e)).toBe(
      'Broker 2 was fenced (it missed heartbeats for broker.session.timeout.ms), so the controller found no in-sync replica to lead solo-0: it is offline until one comes back, ISR [2]'
    )
  })

  it('explains ISR shrinks and expansions by their reason', () => {
    const shrink = (reason?: ClusterEventView['reason']) => explainEvent(ev({ kind: 'isr-shrink', topic: 'o', partition: 0, brokerId: 3, reason, isr: [1, 2], leaderEpoch: 1 }))
    expect(shrink('replica-lag')).toBe('Broker 3 did not catch up with the leader of o-0 within replica.lag.time.max.ms, so it left the ISR, ISR now [1, 2]')
    expect(shrink('fenced')).toBe('Broker 3 was fenced (missed heartbeats), so it left the ISR of o-0, ISR now [1, 2]')
    expect(shrink('controlled-shutdown')).toBe('Broker 3 stopped (a controlled shutdown), so it left the ISR of o-0, ISR now [1, 2]')
    const expand = (reason?: ClusterEventView['reason']) => explainEvent(ev({ kind: 'isr-expand', topic: 'o', partition: 0, brokerId: 3, reason, isr: [1, 2, 3] }))
    expect(expand('caught-up')).toBe('Broker 3 caught up with the leader of o-0 (reached its log end offset), so it rejoined the ISR, ISR now [1, 2, 3]')
    expect(expand('unfenced')).toBe('Broker 3 is back and caught up with the leader of o-0, so it rejoined the ISR, ISR now [1, 2, 3]')
    expect(shrink('below-high-watermark')).toBe("Broker 3 left the ISR of o-0, ISR now [1, 2]: its log ends below the new leader's high watermark; it catches up and rejoins")
    // An event without the ISR: the clause is left out, not made up.
    expect(explainEvent(ev({ kind: 'isr-shrink', topic: 'o', partition: 0, brokerId: 2 }))).toBe(
      "Broker 2 left the ISR of o-0: its log ends below the new leader's high watermark; it catches up and rejoins"
    )
  })

  it('explains a truncation by leader epoch, with the offsets cut', () => {
    expect(explainEvent(ev({ kind: 'log-truncated', topic: 'o', partition: 4, brokerId: 1, fromOffset: 7, toOffset: 9, count: 2 }))).toBe(
      "The log of o-4 on broker 1 was truncated to offset 7 (by leader epoch): offsets 7 to 8 were not in the leader's log, so every replica agrees again"
    )
    expect(explainEvent(ev({ kind: 'log-truncated', topic: 'o', partition: 4, brokerId: 1 }))).toBe(
      "The log of o-4 on broker 1 was truncated to the leader's log (by leader epoch), so every replica agrees again"
    )
  })

  it('explains lost records with their offsets and count', () => {
    const e = ev({ kind: 'records-lost', topic: 'o', partition: 0, brokerId: 2, fromOffset: 120, toOffset: 140, count: 20, severity: 'error' })
    expect(explainEvent(e)).toBe('Offsets 120 to 139 of o-0 (20) were acknowledged but are lost: the new leader, broker 2, has a log that ends at 120')
  })

  it('prints offsets, counts and ms from 1,000 on with thousands separators', () => {
    const lost = ev({ kind: 'records-lost', topic: 'o', partition: 0, brokerId: 2, fromOffset: 1000, toOffset: 2_234_567, count: 2_233_567, severity: 'error' })
    expect(explainEvent(lost)).toBe('Offsets 1,000 to 2,234,566 of o-0 (2,233,567) were acknowledged but are lost: the new leader, broker 2, has a log that ends at 1,000')
    expect(explainEvent(ev({ kind: 'log-truncated', topic: 'o', partition: 4, brokerId: 1, fromOffset: 1500, toOffset: 2500, count: 1000 }))).toBe(
      "The log of o-4 on broker 1 was truncated to offset 1,500 (by leader epoch): offsets 1,500 to 2,499 were not in the leader's log, so every replica agrees again"
    )
    expect(explainEvent(ev({ kind: 'broker-slowed', brokerId: 3, delayMs: 2500 }))).toBe('Broker 3 is slowed: every request it serves or sends (fetch, produce, heartbeat) takes 2,500 ms more')
    expect(formatSeconds(3_600_000)).toBe('3,600.0 s')
  })

  it('explains a controller move, and no controller when no broker runs', () => {
    expect(explainEvent(ev({ kind: 'controller-moved', brokerId: 2 }))).toBe('Broker 2 is the active controller now')
    expect(explainEvent(ev({ kind: 'controller-moved', brokerId: 2, previousController: 1 }))).toBe('Broker 2 is the active controller now, taking over from broker 1')
    expect(explainEvent(ev({ kind: 'controller-moved', brokerId: -1 }))).toBe('No broker runs, so there is no controller')
  })

  it('falls back to the engine message for kinds it has no fields to explain', () => {
    const e = ev({ kind: 'topic-created', topic: 'x', message: 'Topic x was created with 3 partition(s), replication factor 2' })
    expect(explainEvent(e)).toBe('Topic x was created with 3 partition(s), replication factor 2')
  })

  it('formats durations in seconds with one decimal, and milliseconds below a second', () => {
    expect(formatSeconds(9000)).toBe('9.0 s')
    expect(formatSeconds(26_300)).toBe('26.3 s')
    expect(formatSeconds(800)).toBe('800 ms')
  })
})
