/**
 * What an acks=all produce waited for (issue 11): the produce's onAckWait report names the ISR
 * follower that held the high watermark back, says whether it fetched at all, and when it left the
 * ISR after replica.lag.time.max.ms; a follower that only caught up late is reported with when it
 * did; a timed-out wait is reported with its error. Injected clock, replication rounds run by hand.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { T0, clockClusters, type ClockCluster } from '../../support/clock-cluster'
import type { AckWaitReport } from '../../../../src/broker/server/ack-wait-report'

const openCluster = clockClusters('brokerlab-ackwait-')

const makeCluster = (): ClockCluster => openCluster({ eventLog: () => {}, replicaLagTimeMaxMs: 30000, brokerSessionTimeoutMs: 600_000, brokerHeartbeatIntervalMs: 2000 })

const flush = (): Promise<void> => new Promise((r) => setImmediate(r))
const rec = (k: string) => ({ key: Buffer.from(k), value: Buffer.from(`v-${k}`) })

/** A 1-partition RF-3 topic with one record replicated everywhere; returns its leader and followers in ISR order. */
async function topic(cluster: Cluster): Promise<{ leader: number; f1: number; f2: number }> {
  cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
  const p = cluster.describeTopic('t').partitions[0]
  const [f1, f2] = p.isr.filter((b) => b !== p.leader)
  const first = cluster.produce('t', [rec('a')], { acks: 'all' })
  cluster.replicateNow()
  cluster.replicateNow()
  await first
  return { leader: p.leader, f1, f2 }
}

describe('acks=all wait report', () => {
  it('names the ISR follower that was not fetching and that it left the ISR after replica.lag.time.max.ms, with how long the produce waited', async () => {
    const { cluster, clock } = makeCluster()
    const { leader, f1, f2 } = await topic(cluster)
    cluster.pauseFetching(f2)
    clock.now = T0 + 3700
    const reports: AckWaitReport[] = []
    const produced = cluster.produce('t', [rec('b')], { acks: 'all', onAckWait: (r) => reports.push(r) })
    cluster.replicateNow()
    cluster.replicateNow()
    await flush()
    expect(reports).toEqual([])
    clock.now = T0 + 30_001
    cluster.tick()
    const [meta] = await produced
    expect(meta.offset).toBe(1)
    expect(reports).toHaveLength(1)
    const [r] = reports
    expect(r).toMatchObject({ waitedMs: 26_301, error: null, replicaLagTimeMaxMs: 30000 })
    expect(r.partitions).toHaveLength(1)
    const p = r.partitions[0]
    expect(p).toMatchObject({ topic: 't', partition: 0, lastOffset: 1 })
    expect(p.isrAtStart).toEqual(expect.arrayContaining([leader, f1, f2]))
    expect(p.isrAtEnd.sort()).toEqual([leader, f1].sort())
    const byBroker = new Map(p.followers.map((f) => [f.brokerId, f]))
    expect(byBroker.get(f1)).toEqual({ brokerId: f1, reachedAfterMs: 0, fetched: true, leftIsrAfterMs: null })
    expect(byBroker.get(f2)).toEqual({ brokerId: f2, reachedAfterMs: null, fetched: false, leftIsrAfterMs: 26_301 })
    const shrink = cluster.recentEvents().find((e) => e.kind === 'isr-shrink')
    expect(shrink).toMatchObject({ brokerId: f2, topic: 't', partition: 0 })
  })

  it('reports a follower that caught up late with when it reached the offset, and none that left', async () => {
    const { cluster, clock } = makeCluster()
    const { f1, f2 } = await topic(cluster)
    cluster.pauseFetching(f2)
    const reports: AckWaitReport[] = []
    const produced = cluster.produce('t', [rec('b')], { acks: 'all', onAckWait: (r) => reports.push(r) })
    cluster.replicateNow()
    clock.now = T0 + 2500
    cluster.resumeFetching(f2)
    cluster.replicateNow()
    cluster.replicateNow()
    await produced
    expect(reports).toHaveLength(1)
    expect(reports[0].waitedMs).toBe(2500)
    const byBroker = new Map(reports[0].partitions[0].followers.map((f) => [f.brokerId, f]))
    expect(byBroker.get(f1)).toMatchObject({ reachedAfterMs: 0, leftIsrAfterMs: null })
    expect(byBroker.get(f2)).toMatchObject({ reachedAfterMs: 2500, fetched: true, leftIsrAfterMs: null })
  })

  it('reports a wait that timed out with its error and the follower still in the ISR that had not fetched', async () => {
    const { cluster } = makeCluster()
    const { f2 } = await topic(cluster)
    cluster.pauseFetching(f2)
    const reports: AckWaitReport[] = []
    const produced = cluster.produce('t', [rec('b')], { acks: 'all', timeoutMs: 1, onAckWait: (r) => reports.push(r) })
    cluster.replicateNow()
    await expect(produced).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' })
    expect(reports).toHaveLength(1)
    expect(reports[0].error).toBe('REQUEST_TIMED_OUT')
    const p = reports[0].partitions[0]
    expect(p.isrAtEnd).toContain(f2)
    expect(p.followers.find((f) => f.brokerId === f2)).toMatchObject({ reachedAfterMs: null, fetched: false, leftIsrAfterMs: null })
  })

  it('reports nothing for acks=1, which does not wait for the ISR', async () => {
    const { cluster } = makeCluster()
    const { f2 } = await topic(cluster)
    cluster.pauseFetching(f2)
    const reports: AckWaitReport[] = []
    await cluster.produce('t', [rec('b')], { acks: 1, onAckWait: (r) => reports.push(r) })
    expect(reports).toEqual([])
  })
})
