/**
 * A kafkajs 2.2.4 consumer group over the brokers' real listeners (127.0.0.1, ports from 0) of a
 * 3-broker Cluster (real clock, background replication): two consumers share a 6-partition topic,
 * consume every record exactly once with committed offsets, and when one stops the other is
 * rebalanced onto all six partitions and consumes what follows. Records are produced in-process
 * (Cluster.produce).
 *
 * The listeners serve every API (brokerKafkaApis). Every client is bounded in time and stopped.
 */
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs'
import { afterAll, describe, expect, it } from 'vitest'
import type { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { openGroupTestCluster, startGroupListeners, until, type GroupTestCluster } from '../apis/group-wire'


let h: GroupTestCluster | undefined
let listeners: BrokerListeners | undefined
const consumers: Consumer[] = []

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {})
  await listeners?.close()
  await h?.cleanup()
})

describe('a kafkajs consumer group', () => {
  it('two consumers consume every record of 6 partitions exactly once with commits; stopping one rebalances the other onto all partitions', async () => {
    h = openGroupTestCluster({ brokers: 3, partitions: 6, realTime: true, groupConfig: { 'group.initial.rebalance.delay.ms': 1500 } })
    const cluster = h.cluster
    listeners = await startGroupListeners(cluster)
    const kafka = new Kafka({ clientId: 'kjs', brokers: listeners.bootstrapServers().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 5000, requestTimeout: 15000 })
    const seen: { consumer: string; partition: number; offset: string; value: string }[] = []
    const assigned = new Map<string, number[]>()
    const start = async (name: string): Promise<Consumer> => {
      const c = kafka.consumer({ groupId: 'kjs-group', sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200, retry: { retries: 10 } })
      consumers.push(c)
      c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, (e.payload.memberAssignment['t'] ?? []).slice().sort((a, b) => a - b)))
      await c.connect()
      await c.subscribe({ topics: ['t'], fromBeginning: true })
      await c.run({ autoCommitInterval: 200, eachMessage: async (m: EachMessagePayload) => void seen.push({ consumer: name, partition: m.partition, offset: m.message.offset, value: m.message.value!.toString() }) })
      return c
    }
    const [a, b] = await Promise.all([start('a'), start('b')])
    await until(() => (assigned.get('a')?.length ?? 0) + (assigned.get('b')?.length ?? 0) === 6 && assigned.get('a')!.length > 0 && assigned.get('b')!.length > 0, 30_000, 'both consumers to share the 6 partitions')

    await cluster.produce('t', Array.from({ length: 600 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })), { acks: 'all' })
    await until(() => seen.length >= 600, 30_000, '600 records consumed')
    expect(new Set(seen.map((s) => s.value)).size).toBe(600)
    expect(seen).toHaveLength(600)
    expect(new Set(seen.map((s) => s.consumer))).toEqual(new Set(['a', 'b']))

    await b.stop()
    await b.disconnect()
    await until(() => assigned.get('a')?.length === 6, 30_000, 'consumer a rebalanced onto all 6 partitions')
    expect(assigned.get('a')).toEqual([0, 1, 2, 3, 4, 5])

    await cluster.produce('t', Array.from({ length: 60 }, (_, i) => ({ key: Buffer.from(`later${i}`), value: Buffer.from(`later${i}`) })), { acks: 'all' })
    await until(() => seen.length >= 660, 30_000, '60 more records consumed by a')
    expect(seen.slice(600).every((s) => s.consumer === 'a')).toBe(true)
    expect(new Set(seen.map((s) => s.value)).size).toBe(660)
    await a.stop()
    await a.disconnect()

    const committed = cluster.fetchOffsets('kjs-group').offsets.get('t')!
    for (const p of cluster.describeTopic('t').partitions) expect([p.partition, committed.get(p.partition)]).toEqual([p.partition, p.highWatermark])
  }, 120_000)
})
