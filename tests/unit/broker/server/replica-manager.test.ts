/**
 * ReplicaManager: requests are addressed to a broker. Only the partition's leader appends and
 * answers reads (others answer NOT_LEADER_OR_FOLLOWER naming the leader, a stopped broker
 * BROKER_NOT_AVAILABLE); consumers never read past the high watermark; a follower's fetch reads up to
 * the log end offset and teaches the leader where the follower is, which moves the high watermark.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'
import { decodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-rm-')

const makeCluster = (): Cluster => openCluster({ eventLog: () => {} }).cluster

const rec = (i: number) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [], timestamp: 1_700_000_000_000 })

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof KafkaError) return `${e.code}: ${e.message}`
    throw e
  }
  return 'no error'
}

describe('ReplicaManager', () => {
  it('appends only on the leader: a follower answers NOT_LEADER_OR_FOLLOWER naming the leader, a stopped broker BROKER_NOT_AVAILABLE', () => {
    const c = makeCluster()
    c.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const { leader, replicas } = c.describeTopic('t').partitions[0]
    const follower = replicas.find((b) => b !== leader)!
    expect(c.replicaManager(leader).appendRecords('t', 0, [rec(0)])).toMatchObject({ firstOffset: 0, lastOffset: 0 })
    expect(codeOf(() => c.replicaManager(follower).appendRecords('t', 0, [rec(1)]))).toBe(
      `NOT_LEADER_OR_FOLLOWER: Broker ${follower} is not the leader of t-0 (broker ${leader} is)`
    )
    const other = replicas.find((b) => b !== leader && b !== follower)!
    c.stopBroker(other)
    expect(codeOf(() => c.replicaManager(other).appendRecords('t', 0, [rec(1)]))).toBe(`BROKER_NOT_AVAILABLE: Broker ${other} is not running`)
    expect(c.describeTopic('t').partitions[0].logEndOffset).toBe(1)
  })

  it('serves consumers below the high watermark only, and followers up to the log end, which moves the high watermark', () => {
    const c = makeCluster()
    c.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const { leader, replicas } = c.describeTopic('t').partitions[0]
    const [f1, f2] = replicas.filter((b) => b !== leader)
    const rm = c.replicaManager(leader)
    rm.appendRecords('t', 0, [rec(0), rec(1), rec(2)])
    expect(rm.fetchForConsumer('t', 0, 0, 1 << 20)).toMatchObject({ highWatermark: 0, logEndOffset: 3 })
    expect(rm.fetchForConsumer('t', 0, 0, 1 << 20).batches.length).toBe(0)
    const toFollower = rm.fetchForFollower('t', 0, f1, 0)
    expect(toFollower.batches.length).toBeGreaterThan(0)
    // The leader learns where each follower is from its fetches: the high watermark is the ISR's minimum.
    rm.fetchForFollower('t', 0, f1, 3)
    expect(c.describeTopic('t').partitions[0].highWatermark).toBe(0)
    rm.fetchForFollower('t', 0, f2, 3)
    expect(c.describeTopic('t').partitions[0].highWatermark).toBe(3)
    // Consumers get the stored batches (decoding is the reader's job); the batch holding offset 1 starts at 0.
    const forConsumer = rm.fetchForConsumer('t', 0, 1, 1 << 20)
    expect(decodeRecordBatch(forConsumer.batches).records.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2'])
    expect(codeOf(() => c.replicaManager(f1).fetchForConsumer('t', 0, 0, 1024))).toMatch(/^NOT_LEADER_OR_FOLLOWER/)
    expect(codeOf(() => rm.fetchForFollower('t', 0, f1, 4))).toBe(
      `OFFSET_OUT_OF_RANGE: Fetch offset 4 of broker ${f1} is out of range for t-0: log start offset 0, log end offset 3`
    )
  })

  it('answers ListOffsets on the leader: earliest, latest = high watermark, by timestamp below it', async () => {
    const c = makeCluster()
    c.createTopic('t', { partitions: 1, replicationFactor: 1 })
    await c.produce('t', [{ ...rec(0), timestamp: 10 }, { ...rec(1), timestamp: 20 }], { acks: 1 })
    const rm = c.replicaManager(c.describeTopic('t').partitions[0].leader)
    expect([rm.listOffset('t', 0, 'earliest'), rm.listOffset('t', 0, 'latest'), rm.listOffset('t', 0, { timestamp: 15 }), rm.listOffset('t', 0, { timestamp: 25 })]).toEqual([0, 2, 1, null])
  })
})

describe('the cluster event stream', () => {
  it('records topic creation, a stop with its elections and ISR changes, and the restart, in order, in plain words', async () => {
    const c = makeCluster()
    c.createTopic('orders', { partitions: 2, replicationFactor: 3 })
    const acked = c.produce('orders', [{ ...rec(0), partition: 0 }], { acks: 'all' })
    c.replicateNow()
    await acked
    const leader = c.describeTopic('orders').partitions[0].leader
    c.stopBroker(leader)
    c.startBroker(leader)
    c.replicateNow()
    const events = c.recentEvents()
    const kinds = events.map((e) => e.kind)
    expect(kinds[0]).toBe('topic-created')
    expect(kinds).toContain('broker-stopped')
    expect(kinds.indexOf('broker-stopped')).toBeLessThan(kinds.indexOf('leader-elected'))
    expect(kinds).toContain('isr-shrink')
    expect(kinds).toContain('broker-started')
    expect(kinds).toContain('isr-expand')
    const elected = events.find((e) => e.kind === 'leader-elected' && e.partition === 0)!
    expect(elected.message).toMatch(new RegExp(`^Broker \\d now leads orders-0 \\(leader epoch 1\\): its leader, broker ${leader}, stopped$`))
    expect(events.find((e) => e.kind === 'isr-expand')!.message).toMatch(new RegExp(`Broker ${leader} rejoined the ISR of orders-\\d`))
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
  })
})
