/**
 * Leader elections asked for and unclean ones (issue 11): preferred election on demand and by the
 * automatic leader rebalance, each an event with its reason; unclean.leader.election.enable false
 * leaves a partition without a live ISR member offline, true elects a live replica outside the ISR
 * and reports exactly the acknowledged offsets it lost; ElectLeaders UNCLEAN on demand does the same;
 * after it every replica agrees with the new leader (leader-epoch truncation). Injected clock, no
 * sleeps; followers are made to lag with pauseFetching, the ISR dies with stopBroker.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { clockClusters, type ClockCluster } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-elections-')

const makeCluster = (): ClockCluster => openCluster({ replicaLagTimeMaxMs: 30000 })

const rec = (k: string) => ({ key: Buffer.from(k), value: Buffer.from(`value-${k}`) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Produces to t and runs the replication rounds acks=all waits for (autoReplicate is off). */
async function produced(cluster: Cluster, keys: string[], acks: 'all' | 1 = 'all') {
  const p = cluster.produce('t', keys.map(rec), { acks })
  cluster.replicateNow()
  await flush()
  return p
}

/** Keys k<from> .. k<from + n - 1>. */
const keys = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `k${from + i}`)

/** Every record of broker `b`'s replica of t-0 as "offset:key:value". */
function replicaRecords(cluster: Cluster, b: number): string[] {
  return cluster
    .replicaLog(b, 't', 0)!
    .readRecords(0, { maxRecords: 10000 })
    .map((r) => `${r.offset}:${r.key!.toString()}:${r.value!.toString()}`)
}

describe('preferred leader election', () => {
  it('moves leadership back to the preferred replica on demand, reports old and new leader and epoch, and emits an event with its reason', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [preferred, second] = cluster.describeTopic('t').partitions[0].replicas
    await produced(cluster, ['a'])
    cluster.stopBroker(preferred)
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(second)
    cluster.startBroker(preferred)
    cluster.replicateNow()
    cluster.replicateNow()
    expect(cluster.describeTopic('t').partitions[0].isr).toContain(preferred)
    const epochBefore = cluster.describeTopic('t').partitions[0].leaderEpoch
    const seq = cluster.recentEvents().at(-1)!.seq

    const results = cluster.electLeaders('preferred', 't')

    expect(results).toEqual([{ topic: 't', partition: 0, outcome: 'elected', previousLeader: second, leader: preferred, leaderEpoch: epochBefore + 1 }])
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(preferred)
    const elected = cluster.recentEvents(seq).filter((e) => e.kind === 'leader-elected')
    expect(elected).toHaveLength(1)
    expect(elected[0]).toMatchObject({ topic: 't', partition: 0, brokerId: preferred, previousLeader: second, election: 'preferred', reason: 'preferred-election', leaderEpoch: epochBefore + 1 })
    // Asked again: a valid replica already leads (ELECTION_NOT_NEEDED), nothing moves.
    expect(cluster.electLeaders('preferred', 't', 0)).toMatchObject([{ outcome: 'not-needed', leader: preferred, error: { code: 'ELECTION_NOT_NEEDED' } }])
  })

  it('the automatic leader rebalance (leader.imbalance.check.interval.seconds) emits a preferred election event with reason auto-leader-rebalance', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [preferred, second] = cluster.describeTopic('t').partitions[0].replicas
    await produced(cluster, ['a'])
    cluster.stopBroker(preferred)
    cluster.startBroker(preferred)
    cluster.replicateNow()
    cluster.replicateNow()
    const seq = cluster.recentEvents().at(-1)!.seq
    clock.now += 300_001
    cluster.tick()
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(preferred)
    expect(cluster.recentEvents(seq).filter((e) => e.kind === 'leader-elected')).toMatchObject([{ brokerId: preferred, previousLeader: second, election: 'preferred', reason: 'auto-leader-rebalance' }])
  })

  it('answers PREFERRED_LEADER_NOT_AVAILABLE with why when the preferred replica is stopped', () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [preferred] = cluster.describeTopic('t').partitions[0].replicas
    cluster.stopBroker(preferred)
    const [r] = cluster.electLeaders('preferred', 't', 0)
    expect(r.outcome).toBe('failed')
    expect(r.error!.code).toBe('PREFERRED_LEADER_NOT_AVAILABLE')
    expect(r.error!.message).toContain(`broker ${preferred}`)
  })
})

/**
 * t-0 with RF 3, min.insync.replicas 1: 5 records (`counts.replicated`) reach every replica, then
 * both followers stop fetching, the ISR shrinks to the leader and 5 more acks=all records
 * (`counts.alone`) are acknowledged by it alone;
 * then the leader stops (or, `how` 'kill', is killed and fenced after broker.session.timeout.ms).
 * Returns the offsets acknowledged.
 */
async function isrDiesWithAcknowledgedRecords(
  unclean: boolean,
  how: 'stop' | 'kill' = 'stop',
  counts: { replicated: number; alone: number } = { replicated: 5, alone: 5 }
): Promise<{ cluster: Cluster; clock: { now: number }; leader: number; a: number; b: number; acked: number[] }> {
  const { cluster, clock } = makeCluster()
  cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1, 'unclean.leader.election.enable': unclean ? 'true' : 'false' } })
  const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
  const acked: number[] = []
  const first = await produced(cluster, keys(0, counts.replicated))
  for (const m of first) acked.push(m.offset)
  cluster.replicateNow()
  cluster.pauseFetching(a)
  cluster.pauseFetching(b)
  const pending = cluster.produce('t', keys(counts.replicated, counts.alone).map(rec), { acks: 'all' })
  cluster.replicateNow()
  clock.now += 30_001
  cluster.tick()
  await flush()
  for (const m of await pending) acked.push(m.offset)
  expect(cluster.describeTopic('t').partitions[0].isr).toEqual([leader])
  if (how === 'stop') cluster.stopBroker(leader)
  else {
    cluster.killBroker(leader)
    clock.now += 9_001 // broker.session.timeout.ms (9000) without a heartbeat: fenced
    cluster.tick()
  }
  return { cluster, clock, leader, a, b, acked }
}

describe('unclean.leader.election.enable', () => {
  it('false (the default): a partition whose last ISR member stopped stays offline (leader -1), as Kafka', async () => {
    const { cluster, leader } = await isrDiesWithAcknowledgedRecords(false)
    const p = cluster.describeTopic('t').partitions[0]
    expect(p.leader).toBe(-1)
    expect(p.isr).toEqual([leader])
    expect(cluster.recentEvents().filter((e) => e.kind === 'records-lost')).toEqual([])
    expect(cluster.describeTopic('t').configs['unclean.leader.election.enable']).toBe('false')
  })

  it('true: a live replica outside the ISR leads, the loss report equals the acknowledged records missing from its log, and every replica agrees afterwards', async () => {
    const { cluster, leader, a, b, acked } = await isrDiesWithAcknowledgedRecords(true)
    const p = cluster.describeTopic('t').partitions[0]
    expect(p.leader).toBe(a) // the first live replica in replica order (Kafka's PartitionChangeBuilder)
    expect(p.isr).toEqual([a])
    const elected = cluster.recentEvents().filter((e) => e.kind === 'leader-elected').at(-1)!
    expect(elected).toMatchObject({ brokerId: a, previousLeader: leader, election: 'unclean', reason: 'controlled-shutdown' })

    const held = new Set(replicaRecords(cluster, a).map((r) => Number(r.split(':')[0])))
    const missing = acked.filter((o) => !held.has(o))
    expect(missing.length).toBeGreaterThan(0)
    const lost = cluster.recentEvents().filter((e) => e.kind === 'records-lost')
    expect(lost).toHaveLength(1)
    expect(lost[0]).toMatchObject({ topic: 't', partition: 0, brokerId: a, fromOffset: Math.min(...missing), toOffset: Math.max(...missing) + 1, count: missing.length })

    // The new leader writes at the offsets the old one had; the old leader returns and must agree.
    await produced(cluster, ['n0', 'n1'], 1)
    cluster.resumeFetching(a)
    cluster.resumeFetching(b)
    cluster.startBroker(leader)
    for (let i = 0; i < 4; i++) cluster.replicateNow()
    const expected = replicaRecords(cluster, a)
    expect(expected.map((r) => r.split(':')[1])).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'n0', 'n1'])
    expect(replicaRecords(cluster, leader)).toEqual(expected)
    expect(replicaRecords(cluster, b)).toEqual(expected)
    expect(cluster.replicaLog(leader, 't', 0)!.epochEntries()).toEqual(cluster.replicaLog(a, 't', 0)!.epochEntries())
  })

  it('true, losing 1,000 offsets: the loss report and the returning replica\'s truncation say so with thousands separators, their offset fields stay numbers', async () => {
    const { cluster, leader } = await isrDiesWithAcknowledgedRecords(true, 'stop', { replicated: 1000, alone: 1000 })
    const [lost] = cluster.recentEvents().filter((e) => e.kind === 'records-lost')
    expect(lost).toMatchObject({ fromOffset: 1000, toOffset: 2000, count: 1000 })
    expect(lost.message).toContain('lost offsets 1,000 to 1,999 (1,000 offsets), which were acknowledged')
    expect(lost.message).toContain('its log ends at 1,000, below the high watermark 2,000')
    cluster.startBroker(leader)
    for (let i = 0; i < 4; i++) cluster.replicateNow()
    const [cut] = cluster.recentEvents().filter((e) => e.kind === 'log-truncated' && e.brokerId === leader)
    expect(cut).toMatchObject({ fromOffset: 1000, toOffset: 2000, count: 1000 })
    expect(cut.message).toContain('was truncated to offset 1,000 after an unclean leader election: offsets 1,000 to 1,999 are not')
  })

  it('true, after the last ISR member was killed and fenced: the loss report still equals the acknowledged records missing from the new leader', async () => {
    const { cluster, leader, a, acked } = await isrDiesWithAcknowledgedRecords(true, 'kill')
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: a, isr: [a] })
    expect(cluster.recentEvents().filter((e) => e.kind === 'leader-elected').at(-1)).toMatchObject({ brokerId: a, previousLeader: leader, election: 'unclean', reason: 'fenced' })
    const held = new Set(replicaRecords(cluster, a).map((r) => Number(r.split(':')[0])))
    const missing = acked.filter((o) => !held.has(o))
    expect(missing.length).toBeGreaterThan(0)
    expect(cluster.recentEvents().filter((e) => e.kind === 'records-lost')).toMatchObject([{ fromOffset: Math.min(...missing), toOffset: Math.max(...missing) + 1, count: missing.length }])
  })

  it('set to true on a topic with an offline partition, it elects the partition at once (as Kafka\'s controller)', async () => {
    const { cluster, a } = await isrDiesWithAcknowledgedRecords(false)
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(-1)
    cluster.alterTopicConfigs('t', { 'unclean.leader.election.enable': 'TRUE' })
    expect(cluster.describeTopic('t').configs['unclean.leader.election.enable']).toBe('true')
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: a, isr: [a] })
    expect(cluster.recentEvents().filter((e) => e.kind === 'records-lost')).toHaveLength(1)
    expect(() => cluster.alterTopicConfigs('t', { 'unclean.leader.election.enable': 'yes' })).toThrow(/Expected value to be either true or false/)
  })

  it('ElectLeaders UNCLEAN on demand elects an offline partition from outside the ISR even when the config is false, with the same loss report', async () => {
    const { cluster, leader, a, acked } = await isrDiesWithAcknowledgedRecords(false)
    const [r] = cluster.electLeaders('unclean', 't', 0)
    expect(r).toMatchObject({ outcome: 'elected', previousLeader: -1, leader: a })
    const elected = cluster.recentEvents().filter((e) => e.kind === 'leader-elected').at(-1)!
    expect(elected).toMatchObject({ brokerId: a, election: 'unclean', reason: 'unclean-election' })
    const held = new Set(replicaRecords(cluster, a).map((x) => Number(x.split(':')[0])))
    const missing = acked.filter((o) => !held.has(o))
    expect(cluster.recentEvents().filter((e) => e.kind === 'records-lost')).toMatchObject([{ fromOffset: Math.min(...missing), toOffset: Math.max(...missing) + 1, count: missing.length }])
    // A partition with a leader needs no election.
    expect(cluster.electLeaders('unclean', 't', 0)).toMatchObject([{ outcome: 'not-needed', error: { code: 'ELECTION_NOT_NEEDED' } }])
    expect(leader).not.toBe(a)
  })
})
