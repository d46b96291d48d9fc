/**
 * kafkajs 2.2.4 against a real 3-broker cluster over the wire: an idempotent producer (InitProducerId,
 * acks -1, gzip, keyed records; kafkajs' default partitioner is the Java client's murmur2) sends to a topic with RF 3 while the
 * leader of a partition stops mid-run (its listener closed); every record is acknowledged once and
 * lands on the partition murmur2 says; a kafkajs admin reads the offsets (ListOffsets: latest,
 * earliest, by timestamp). A kafkajs consumer needs the group APIs, which are not served here.
 * The records after the stop go one per send: kafkajs 2.2.4 loses the partitions of a failed broker
 * when one send spans several brokers (tulios/kafkajs#1303, its shared response map across retries).
 * Bounded in time; everything started is stopped.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { murmur2, toPositive } from '../../../../../src/broker/client/partitioner'
import { decodeRecordBatches } from '../../../../../src/broker/codec/record-batch'
import { startWireCluster, type WireCluster } from './wire-cluster'

const PARTITIONS = 6
const N = 100

function client(w: WireCluster): Kafka {
  return new Kafka({ clientId: 'kafkajs-wire-data', brokers: w.bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 8, initialRetryTime: 100 } })
}

describe('kafkajs against a real 3-broker cluster over the wire', () => {
  let w: WireCluster | null = null
  let producer: Producer | null = null
  afterEach(async () => {
    await producer?.disconnect().catch(() => {})
    producer = null
    await w?.close()
    w = null
  })

  it('produces keyed records (idempotent, acks -1, gzip) while a leader stops mid-run: every record once, on its murmur2 partition; an admin lists the offsets', async () => {
    w = await startWireCluster(3)
    w.cluster.createTopic('orders', { partitions: PARTITIONS, replicationFactor: 3 })
    const kafka = client(w)
    producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const message = (i: number) => ({ key: `key-${i}`, value: `value-${i}`, timestamp: String(1_700_000_000_000 + i) })
    const first = await producer.send({ topic: 'orders', acks: -1, compression: CompressionTypes.GZIP, timeout: 10000, messages: Array.from({ length: N }, (_, i) => message(i)) })
    expect(first.map((r) => r.errorCode)).toEqual(first.map(() => 0))

    const leader = w.cluster.describeTopic('orders').partitions[0].leader
    await w.stopBroker(leader)
    // one record per send: a kafkajs 2.2.4 send spanning several brokers drops the partitions of a
    // failed broker on retry (tulios/kafkajs#1303), whatever the broker does
    for (let i = N; i < 2 * N; i++) {
      const [r] = await producer.send({ topic: 'orders', acks: -1, compression: CompressionTypes.GZIP, timeout: 10000, messages: [message(i)] })
      expect(r.errorCode).toBe(0)
    }

    // a new leader learns the high watermark from its followers' next fetches (background replication)
    const committed = () => w!.cluster.describeTopic('orders').partitions.reduce((n, p) => n + p.highWatermark, 0)
    for (let waited = 0; committed() < 2 * N && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
    const stored: { partition: number; key: string; value: string }[] = []
    for (const p of w.cluster.describeTopic('orders').partitions) {
      const { records } = w.cluster.fetch('orders', p.partition, 0, { maxRecords: 10 * N })
      for (const r of records) stored.push({ partition: p.partition, key: r.key!.toString(), value: r.value!.toString() })
    }
    expect(stored.length).toBe(2 * N)
    expect(new Set(stored.map((r) => r.value)).size).toBe(2 * N)
    for (const r of stored) expect([r.key, r.partition]).toEqual([r.key, toPositive(murmur2(Buffer.from(r.key))) % PARTITIONS])

    // stored as sent: gzip batches of one producer id (InitProducerId), epoch 0
    const p0 = w.cluster.describeTopic('orders').partitions[0]
    const batches = decodeRecordBatches(w.cluster.replicaLog(p0.leader, 'orders', 0)!.readBatches(0, 1 << 20))
    expect(batches.length).toBeGreaterThan(0)
    for (const b of batches) {
      expect(b.attributes & 7).toBe(1)
      expect(b.producerId).toBe(batches[0].producerId)
      expect(b.producerEpoch).toBe(0)
    }
    expect(batches[0].producerId).toBeGreaterThanOrEqual(0)

    const admin = kafka.admin()
    await admin.connect()
    try {
      const latest = await admin.fetchTopicOffsets('orders')
      const hw = new Map(w.cluster.describeTopic('orders').partitions.map((p) => [p.partition, p.highWatermark]))
      for (const o of latest) {
        expect(Number(o.high)).toBe(hw.get(o.partition))
        expect(o.low).toBe('0')
      }
      const byTime = await admin.fetchTopicOffsetsByTimestamp('orders', 1_700_000_000_000 + N)
      const expected = new Map<number, number>()
      for (const p of w.cluster.describeTopic('orders').partitions) {
        const { records } = w.cluster.fetch('orders', p.partition, 0, { maxRecords: 10 * N })
        const at = records.find((r) => r.timestamp >= 1_700_000_000_000 + N)
        expected.set(p.partition, at ? at.offset : p.highWatermark)
      }
      for (const o of byTime) expect(Number(o.offset)).toBe(expected.get(o.partition))
    } finally {
      await admin.disconnect()
    }
  }, 60_000)
})
