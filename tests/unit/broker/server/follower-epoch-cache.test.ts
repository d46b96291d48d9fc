/**
 * A follower's leader-epoch cache after reconciling: an entry it made as a leader for an epoch in
 * which it wrote nothing (at its log end) goes, as Kafka's UnifiedLog.truncateTo does even when the
 * log itself is not cut ("this broker was a leader and inserted the first start offset entry, but
 * then failed to append any entries before another leader was elected"). Left there, the records of
 * the older epoch it then fetched replaced that epoch's real start offset, so the broker answered
 * OffsetsForLeaderEpoch wrongly. Reduced from the chaos test (tests/unit/broker/chaos/, unclean
 * variant, seed 100). Injected clock, no background work.
 */
import { describe, expect, it } from 'vitest'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-epoch-cache-')

const rec = (v: string) => ({ key: Buffer.from('k'), value: Buffer.from(v) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('a follower that led an epoch without writing in it', () => {
  it('drops that epoch from its cache when it follows again, so its epochs match the leader', async () => {
    const { cluster } = openCluster({ eventLog: () => {} })
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1 } })
    const [a, b, c] = cluster.describeTopic('t').partitions[0].replicas
    const all = cluster.produce('t', [rec('v0'), rec('v1')], { acks: 'all' })
    cluster.replicateNow()
    await flush()
    await all
    // b stops fetching; a appends v2, v3 (epoch 0), which only c copies.
    cluster.pauseFetching(b)
    await cluster.produce('t', [rec('v2'), rec('v3')], { acks: 1 })
    cluster.replicateNow()
    expect(cluster.replicaLog(c, 't', 0)!.logEndOffset).toBe(4)
    // a stops: b (first in replica order, in the ISR, holding all that was acknowledged) leads epoch 1 from offset 2 ...
    cluster.stopBroker(a)
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: b, leaderEpoch: 1 })
    // ... and stops before writing anything: c leads epoch 2 with v2, v3 of epoch 0.
    cluster.stopBroker(b)
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: c, leaderEpoch: 2 })
    await cluster.produce('t', [rec('w4')], { acks: 1 })
    cluster.resumeFetching(b)
    cluster.startBroker(b)
    cluster.startBroker(a)
    cluster.replicateNow()
    cluster.replicateNow()
    const epochs = (x: number) => cluster.replicaLog(x, 't', 0)!.epochEntries()
    expect(epochs(c)).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 4 }
    ])
    expect(epochs(b)).toEqual(epochs(c))
    expect(epochs(a)).toEqual(epochs(c))
    // b answers OffsetsForLeaderEpoch as its leader does: epoch 0 ends at 4 (where epoch 2 starts).
    expect(cluster.replicaLog(b, 't', 0)!.endOffsetForEpoch(0)).toEqual(cluster.replicaLog(c, 't', 0)!.endOffsetForEpoch(0))
  })
})
