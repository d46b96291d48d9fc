/**
 * Each replica's lag behind its leader as the engine API describes it (PartitionState.replicaStates):
 * in records (the leader's log end offset minus the replica's) and in ms (now minus the leader's
 * lastCaughtUpMs of the follower, Kafka's Replica.lastCaughtUpTimeMs), 0 once it caught up again.
 * Lagging followers are made with pauseFetching; time moves on an injected clock. A follower is
 * caught up when its fetch reaches the leader's log end offset as of that fetch or of its previous
 * fetch (Kafka's Replica.updateFetchStateOrThrow), so one that fetches under steady produce, always
 * one append behind, stays in the ISR past replica.lag.time.max.ms.
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

  describe('a follower fetching one append behind under steady produce', () => {
    /**
     * Leader and follower f of t-0 (replication factor 2); each step the leader appends one record,
     * then 5 s later f fetches at its log end offset, which is the leader's log end offset as of f's
     * previous fetch (one append behind the leader's now), and the brokers' periodic work runs.
     * `stuck`: f fetches at offset 0 every time instead. f's own fetcher is paused, so the leader
     * hears of f only through these fetches (the periodic work would otherwise catch f up). Returns
     * the ISR after each step.
     */
    function fetchBehind(steps: number, stuck = false) {
      const { cluster, clock } = openCluster({ replicaLagTimeMaxMs: 30000, brokerSessionTimeoutMs: 600_000 })
      cluster.createTopic('t', { partitions: 1, replicationFactor: 2 })
      const [leader, f] = cluster.describeTopic('t').partitions[0].replicas
      cluster.pauseFetching(f)
      const rm = cluster.replicaManager(leader)
      const isrs: number[][] = []
      for (let k = 0; k < steps; k++) {
        rm.appendRecords('t', 0, [{ ...recs(1)[0], headers: [], timestamp: clock.now }])
        clock.now += 5000
        rm.fetchForFollower('t', 0, f, stuck ? 0 : k)
        cluster.tick()
        isrs.push(cluster.describeTopic('t').partitions[0].isr)
      }
      return { cluster, clock, leader, f, isrs }
    }

    it('stays in the ISR for longer than replica.lag.time.max.ms, lagging by the time since its previous fetch', () => {
      const { cluster, leader, f, isrs } = fetchBehind(12)
      // 12 steps of 5 s: 60 s, twice replica.lag.time.max.ms, never at the leader's log end offset.
      expect(isrs.filter((isr) => !(isr.includes(f) && isr.includes(leader)))).toEqual([])
      // Last caught up at its previous fetch, when it reached the log end offset of the fetch before.
      expect(lagOf(cluster, f).lagMs).toBe(5000)
    })

    it('is still shrunk out of the ISR when its fetches do not reach even the previous log end offset', () => {
      const { cluster, leader, f, isrs } = fetchBehind(12, true)
      // The leadership began at T0; the first step past 30 s after it (step 7, at 35 s) shrinks the ISR.
      expect(isrs.slice(0, 6).filter((isr) => !isr.includes(f))).toEqual([])
      expect(isrs[6]).toEqual([leader])
      expect(cluster.describeTopic('t').partitions[0].isr).toEqual([leader])
    })
  })
})
