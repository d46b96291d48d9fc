/**
 * A newly elected leader counts a follower's log only as far as it agrees with its own (by leader
 * epoch) until the follower has fetched: a follower still holding records of the old leader that
 * the new one never had must not move the high watermark over the new leader's own records at those
 * offsets (Kafka: the leader learns follower positions from their fetches, which come after
 * truncation). Reduced from the chaos test (tests/unit/broker/chaos/, unclean variant, seed 1043):
 * the high watermark passed records one ISR member did not have, they were then "lost" by the next
 * election, and the replicas ended diverging. Injected clock, no background work.
 */
import { describe, expect, it } from 'vitest'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-new-leader-')

const rec = (v: string) => ({ key: Buffer.from('k'), value: Buffer.from(v) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('a new leader and a follower holding the old leader\'s unreplicated records', () => {
  it('does not advance the high watermark over its own records on the strength of that follower until it truncated and fetched them', async () => {
    const { cluster } = openCluster({ eventLog: () => {} })
    const [a, b, c] = [1, 2, 3]
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, assignment: [[a, b, c]], configs: { 'min.insync.replicas': 2 } })
    const all = cluster.produce('t', [rec('v0'), rec('v1')], { acks: 'all' })
    cluster.replicateNow()
    await flush()
    await all
    // b stops fetching; a appends x2, x3, which only c copies (not acknowledged: b is in the ISR at 2).
    cluster.pauseFetching(b)
    await cluster.produce('t', [rec('x2'), rec('x3')], { acks: 1 })
    cluster.replicateNow()
    expect(cluster.replicaLog(c, 't', 0)!.logEndOffset).toBe(4)
    expect(cluster.describeTopic('t').partitions[0].highWatermark).toBe(2)
    // a stops: b (first in replica order, holding all that was acknowledged) leads epoch 1 from offset 2.
    cluster.stopBroker(a)
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: b, leaderEpoch: 1, isr: [b, c] })
    // b appends w2, w3 at offsets 2, 3; c still holds x2, x3 there and has not fetched since.
    await cluster.produce('t', [rec('w2'), rec('w3')], { acks: 1 })
    expect(cluster.replicaLog(b, 't', 0)!.highWatermark).toBe(2)
    // c fetches: it truncates x2, x3 by leader epoch, copies w2, w3, and the high watermark moves.
    cluster.replicateNow()
    cluster.replicateNow()
    const values = (x: number) => cluster.replicaLog(x, 't', 0)!.readRecords(0, { maxRecords: 10 }).map((r) => `${r.offset}:${r.value!.toString()}`)
    expect(values(c)).toEqual(['0:v0', '1:v1', '2:w2', '3:w3'])
    expect(cluster.replicaLog(b, 't', 0)!.highWatermark).toBe(4)
    expect(values(b)).toEqual(values(c))
  })
})
