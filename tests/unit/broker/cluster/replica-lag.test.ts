/**
 * Each replica's lag behind its leader as the engine API describes it (PartitionState.replicaStates):
 * in records (the leader's log end offset minus the replica's) and in ms (now minus the leader's
 * lastCaughtUpMs of the follower, Kafka's Replica.lastCaughtUpTimeMs), 0 once it caught up again.
 * Lagging followers are made with pauseFetching; time moves on an injected clock.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { clockClusters, type ClockCluster } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-replica-lag-')

const makeCluster = (): ClockCluster => openCluster({ replicaLagTimeMaxMs: 30000 })

const recs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }))
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

function lagOf(cluster: Cluster, broker: number) {
  const s = cluster.describeTopic('t').partitions[0].replicaStates.find((r) => r.brokerId === broker)!
  return { logEndOffset: s.logEndOffset, lagRecords: s.lagRecords, lagMs: s.lagMs }
}

describe('replica lag behind the leader', () => {
  it('grows in records and ms while a follower does not fetch, and returns to 0 once it caught up', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
    cluster.pauseFetching(b)
    void cluster.produce('t', recs(5), { acks: 1 })
    cluster.replicateNow()
    await flush()
    clock.now += 1000
    expect(lagOf(cluster, leader)).toEqual({ logEndOffset: 5, lagRecords: 0, lagMs: 0 })
    expect(lagOf(cluster, a)).toEqual({ logEndOffset: 5, lagRecords: 0, lagMs: 0 })
    const first = lagOf(cluster, b)
    expect(first.logEndOffset).toBe(0)
    expect(first.lagRecords).toBe(5)
    expect(first.lagMs).toBeGreaterThanOrEqual(1000)

    void cluster.produce('t', recs(3), { acks: 1 })
    cluster.replicateNow()
    await flush()
    clock.now += 4000
    const later = lagOf(cluster, b)
    expect(later.lagRecords).toBe(8)
    expect(later.lagMs).toBe(first.lagMs! + 4000)

    cluster.resumeFetching(b)
    cluster.replicateNow()
    await flush()
    cluster.replicateNow()
    await flush()
    expect(lagOf(cluster, b)).toEqual({ logEndOffset: 8, lagRecords: 0, lagMs: 0 })
  })

  it('counts the ms from when the follower was last caught up, not from its last fetch', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 2 })
    const [, f] = cluster.describeTopic('t').partitions[0].replicas
    cluster.replicateNow()
    await flush()
    const caughtUpAt = clock.now
    cluster.pauseFetching(f)
    clock.now += 2500
    void cluster.produce('t', recs(2), { acks: 1 })
    await flush()
    clock.now += 500
    expect(lagOf(cluster, f)).toEqual({ logEndOffset: 0, lagRecords: 2, lagMs: clock.now - caughtUpAt })
  })

  it('has no lag to report for a partition without a leader', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 1 })
    const [only] = cluster.describeTopic('t').partitions[0].replicas
    await cluster.stopBroker(only)
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(-1)
    expect(lagOf(cluster, only)).toMatchObject({ lagRecords: null, lagMs: null })
  })
})
