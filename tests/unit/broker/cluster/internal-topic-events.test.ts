/**
 * Events about internal topics are marked (issue 11): killing a broker that hosts __consumer_offsets
 * partitions logs one event per partition (all kept, as Kafka logs them), each offsets partition's
 * with `internal: true`, a user topic's without it. Injected clock, no sleeps.
 */
import { describe, expect, it } from 'vitest'
import { ClusterEventLog, isInternalTopicName } from '../../../../src/broker/cluster/cluster-events'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-internal-events-')

const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('internal topic events', () => {
  it('marks every event of a __consumer_offsets partition internal when a killed broker is fenced, keeps them all, and leaves user topics unmarked', async () => {
    const { cluster, clock } = openCluster({ eventLog: () => {} })
    cluster.createTopic('orders', { partitions: 3, replicationFactor: 3 })
    const commit = cluster.commitOffsets('g', [{ topic: 'orders', partition: 0, offset: 0 }])
    for (let i = 0; i < 3; i++) {
      cluster.replicateNow()
      await flush()
    }
    await commit
    const offsets = cluster.describeTopic('__consumer_offsets')
    const victim = 2
    const hosted = offsets.partitions.filter((p) => p.isr.includes(victim) && p.isr.length > 1).length
    expect(hosted).toBeGreaterThan(3)
    const seq = cluster.recentEvents().at(-1)!.seq

    cluster.killBroker(victim)
    clock.now += 9001
    cluster.tick()

    const after = cluster.recentEvents(seq)
    // One event at least (an ISR shrink, or an election where it led) for every offsets partition it was in the ISR of.
    const internal = after.filter((e) => e.topic === '__consumer_offsets')
    expect(new Set(internal.map((e) => e.partition)).size).toBe(hosted)
    expect(internal.every((e) => e.internal === true)).toBe(true)
    const user = after.filter((e) => e.topic === 'orders')
    expect(user.length).toBeGreaterThan(0)
    expect(user.every((e) => !('internal' in e))).toBe(true)
    expect(after.filter((e) => e.topic === undefined).every((e) => !('internal' in e))).toBe(true)
  })

  it('decides internal by Kafka\'s internal topic names', () => {
    expect(isInternalTopicName('__consumer_offsets')).toBe(true)
    expect(isInternalTopicName('__transaction_state')).toBe(true)
    expect(isInternalTopicName('__my_topic')).toBe(false)
    const log = new ClusterEventLog(() => 5, () => {})
    expect(log.emit({ kind: 'isr-shrink', severity: 'warning', topic: '__transaction_state', partition: 0, message: 'm' })).toMatchObject({ internal: true })
    expect(log.emit({ kind: 'isr-shrink', severity: 'warning', topic: 'orders', partition: 0, message: 'm' })).not.toHaveProperty('internal')
  })
})
