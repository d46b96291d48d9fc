/**
 * The records-lost report of elections after an unclean one, reduced from the chaos test
 * (tests/unit/broker/chaos/, seed 1 of the unclean variant): the report must name exactly the
 * committed offsets that are gone,
 * - also when the unclean leader's log is as long as the high watermark but diverges from the
 *   committed history (it holds records of an older leader epoch that were never committed), and
 * - not again, nor for a clean election later, because of the high watermark of a replica that has
 *   not yet reconciled with the unclean leader (its high watermark belongs to the history the
 *   unclean election already reported lost).
 * Injected clock, no background work.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { T0, clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-unclean-loss-')

function makeCluster(): { cluster: Cluster; clock: { now: number } } {
  const { cluster, clock } = openCluster({ eventLog: () => {} })
  cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1, 'unclean.leader.election.enable': 'true' } })
  return { cluster, clock }
}

const rec = (v: string) => ({ key: Buffer.from('k'), value: Buffer.from(v) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

async function producedAll(cluster: Cluster, values: string[]): Promise<number[]> {
  const p = cluster.produce('t', values.map(rec), { acks: 'all' })
  cluster.replicateNow()
  await flush()
  return (await p).map((m) => m.offset)
}

const partition = (c: Cluster) => c.describeTopic('t').partitions[0]
const lost = (c: Cluster) => c.recentEvents().filter((e) => e.kind === 'records-lost').map((e) => ({ fromOffset: e.fromOffset, toOffset: e.toOffset, count: e.count }))
const values = (c: Cluster, b: number) => c.replicaLog(b, 't', 0)!.readRecords(0, { maxRecords: 100 }).map((r) => `${r.offset}:${r.value!.toString()}`)

describe('the records-lost report after an unclean election', () => {
  it('names the committed offsets an unclean leader lacks even when its log is as long as the high watermark but diverges', async () => {
    const { cluster, clock } = makeCluster()
    const [a, b, c] = partition(cluster).replicas
    expect(await producedAll(cluster, ['v0', 'v1'])).toEqual([0, 1])
    // The leader is cut off; the producer still reaches it: acks=1 appends in epoch 0 that no follower gets.
    cluster.isolateBroker(a)
    await cluster.produce('t', ['x2', 'x3', 'x4', 'x5', 'x6'].map(rec), { acks: 1 })
    clock.now = T0 + 9001
    cluster.tick()
    expect(partition(cluster)).toMatchObject({ leader: b, leaderEpoch: 1 })
    // The new leader's history: offsets 2..4 committed in epoch 1 (b and c hold them).
    expect(await producedAll(cluster, ['v2', 'v3', 'v4'])).toEqual([2, 3, 4])
    expect(partition(cluster).highWatermark).toBe(5)
    cluster.stopBroker(a)
    cluster.stopBroker(c)
    cluster.stopBroker(b)
    expect(partition(cluster).leader).toBe(-1)
    // a comes back first: its log ends at 7, past the high watermark 5, but its 2..6 are epoch 0's x2..x6.
    cluster.startBroker(a)
    expect(partition(cluster)).toMatchObject({ leader: a, isr: [a] })
    expect(lost(cluster)).toEqual([{ fromOffset: 2, toOffset: 5, count: 3 }])
    cluster.startBroker(b)
    cluster.startBroker(c)
    cluster.replicateNow()
    cluster.replicateNow()
    // What was reported lost is what is gone: every replica agrees with a, and v2..v4 are nowhere.
    const expected = ['0:v0', '1:v1', '2:x2', '3:x3', '4:x4', '5:x5', '6:x6']
    expect([values(cluster, a), values(cluster, b), values(cluster, c)]).toEqual([expected, expected, expected])
  })

  it('does not count the high watermark of a replica that has not reconciled with the unclean leader, so a later clean election loses nothing', async () => {
    const { cluster, clock } = makeCluster()
    const [a, b, c] = partition(cluster).replicas
    await producedAll(cluster, ['v0', 'v1'])
    cluster.stopBroker(b)
    expect(await producedAll(cluster, ['v2', 'v3', 'v4'])).toEqual([2, 3, 4])
    cluster.replicateNow()
    expect(cluster.replicaLog(c, 't', 0)!.highWatermark).toBe(5)
    // c is cut off with its high watermark 5 and stays so; a stops: no in-sync replica is left.
    cluster.isolateBroker(c)
    clock.now = T0 + 9001
    cluster.tick()
    cluster.stopBroker(a)
    cluster.startBroker(b)
    expect(partition(cluster)).toMatchObject({ leader: b, isr: [b] })
    expect(lost(cluster)).toEqual([{ fromOffset: 2, toOffset: 5, count: 3 }])
    // a comes back, truncates to agree with b, and is in sync again; one more record is committed.
    cluster.startBroker(a)
    cluster.replicateNow()
    cluster.replicateNow()
    expect(await producedAll(cluster, ['w2'])).toEqual([2])
    cluster.replicateNow()
    expect(partition(cluster)).toMatchObject({ leader: b, isr: [a, b], highWatermark: 3 })
    // b stops: a, in the ISR with everything committed, leads cleanly; c's stale high watermark 5 is not a loss.
    cluster.stopBroker(b)
    expect(partition(cluster)).toMatchObject({ leader: a, highWatermark: 3 })
    const elected = cluster.recentEvents().filter((e) => e.kind === 'leader-elected').at(-1)!
    expect(elected).toMatchObject({ brokerId: a, election: 'clean-from-isr' })
    expect(lost(cluster)).toEqual([{ fromOffset: 2, toOffset: 5, count: 3 }])
    expect(values(cluster, a)).toEqual(['0:v0', '1:v1', '2:w2'])
  })
})
