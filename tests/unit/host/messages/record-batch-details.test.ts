/**
 * The message browser's records carry the batch they were stored in: a kafkajs 2.2.4 idempotent
 * producer sends gzip batches over the wire, and messages/fetch (the host, as the app calls it)
 * shows each record's producer id and epoch (those InitProducerId gave), the batch's base sequence
 * and the record's own sequence, the codec gzip, the appending leader's epoch and the batch base
 * offset. Bounded in time; everything started is stopped.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Reply } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
import { startWireCluster, type WireCluster } from '../../../clients/wire-cluster'

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

describe('record details in the message browser', () => {
  let w: WireCluster | null = null
  let producer: Producer | null = null
  let service: EngineService | null = null
  afterEach(async () => {
    await producer?.disconnect().catch(() => {})
    producer = null
    await service?.close()
    service = null
    await w?.close()
    w = null
  })

  it("shows each record's batch: producer id/epoch and sequences of a kafkajs idempotent producer, codec gzip, leader epoch, base offset", async () => {
    w = await startWireCluster({ brokers: 1 })
    w.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    const kafka = new Kafka({ clientId: 'record-details', brokers: w.bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 3 } })
    producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    for (const from of [0, 3]) {
      const messages = [0, 1, 2].map((i) => ({ key: `key-${from + i}`, value: `value-${from + i}`, partition: 0 }))
      await producer.send({ topic: 'orders', acks: -1, compression: CompressionTypes.GZIP, messages })
    }
    service = new EngineService(w.cluster)
    const page = await ok(service.handle('messages/fetch', { topic: 'orders', partition: 0, start: { kind: 'earliest' }, limit: 10 }))
    expect(page.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5])
    const batches = page.records.map((r) => r.batch!)
    const producerId = batches[0].producerId
    expect(producerId).toBeGreaterThanOrEqual(0)
    expect(batches.map((b) => [b.producerId, b.producerEpoch])).toEqual(batches.map(() => [producerId, 0]))
    expect(batches.map((b) => b.compression)).toEqual(batches.map(() => 'gzip'))
    expect(batches.map((b) => b.baseOffset)).toEqual([0, 0, 0, 3, 3, 3])
    expect(batches.map((b) => b.baseSequence)).toEqual([0, 0, 0, 3, 3, 3])
    expect(batches.map((b) => b.sequence)).toEqual([0, 1, 2, 3, 4, 5])
    const leaderEpoch = w.cluster.describeTopic('orders').partitions[0].leaderEpoch
    expect(batches.map((b) => b.partitionLeaderEpoch)).toEqual(batches.map(() => leaderEpoch))
    expect(batches.every((b) => !b.isTransactional && !b.isControl)).toBe(true)
  }, 60_000)

  it('shows no producer (-1) and codec none for records the in-process producer wrote', async () => {
    w = await startWireCluster({ brokers: 1 })
    w.cluster.createTopic('plain', { partitions: 1, replicationFactor: 1 })
    await w.cluster.produce('plain', [{ key: Buffer.from('k'), value: Buffer.from('v'), partition: 0 }], { acks: 1 })
    service = new EngineService(w.cluster)
    const [r] = (await ok(service.handle('messages/fetch', { topic: 'plain', partition: 0, start: { kind: 'earliest' }, limit: 10 }))).records
    expect(r.batch).toMatchObject({ producerId: -1, producerEpoch: -1, baseSequence: -1, sequence: -1, compression: 'none', baseOffset: 0 })
  }, 60_000)
})
