/**
 * InitProducerId (apis/22-init-producer-id.ts) and idempotent Produce through KafkaApis over a real
 * Cluster: fresh producer ids per call, a retried batch answered with its original offsets (nothing
 * appended), a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH, a
 * transactional id refused.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES } from '../../../../../src/broker/model/errors'
import type { InitProducerIdResponse } from '../../../../../src/broker/protocol/messages/init-producer-id-response'
import type { ProduceResponse } from '../../../../../src/broker/protocol/messages/produce-response'
import { idempotentBatch } from '../../storage/fixtures/idempotent-batches'
import { call, openClusterApis, type ClusterApis } from './cluster-apis'

let env: ClusterApis | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

async function initProducerId(e: ClusterApis, transactionalId: string | null = null): Promise<InitProducerIdResponse> {
  return (await call<InitProducerIdResponse>(e.apis.get(1)!, 22, 4, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }))!
}

async function produce(e: ClusterApis, batch: Buffer) {
  const res = (await call<ProduceResponse>(e.apis.get(1)!, 0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch }] }] }))!
  return res.responses[0].partitionResponses[0]
}

describe('idempotent producers over a real cluster', () => {
  it('InitProducerId hands out a new id with epoch 0 each time and refuses a transactional id', async () => {
    env = openClusterApis(1)
    const a = await initProducerId(env)
    const b = await initProducerId(env)
    expect(a).toMatchObject({ errorCode: 0, producerEpoch: 0 })
    expect(b.producerId).not.toBe(a.producerId)
    expect(a.producerId >= 0n).toBe(true)
    expect((await initProducerId(env, 'tx-1')).errorCode).toBe(KAFKA_ERROR_CODES.INVALID_REQUEST)
  })

  it('answers a retried batch with its original offsets, a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    const pid = Number((await initProducerId(env)).producerId)
    expect(await produce(env, idempotentBatch(pid, 1, 0, 3))).toMatchObject({ errorCode: 0, baseOffset: 0n })
    expect(await produce(env, idempotentBatch(pid, 1, 3, 2))).toMatchObject({ errorCode: 0, baseOffset: 3n })
    expect(await produce(env, idempotentBatch(pid, 1, 0, 3))).toMatchObject({ errorCode: 0, baseOffset: 0n })
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(5)
    expect((await produce(env, idempotentBatch(pid, 1, 9, 1))).errorCode).toBe(KAFKA_ERROR_CODES.OUT_OF_ORDER_SEQUENCE_NUMBER)
    expect((await produce(env, idempotentBatch(pid, 0, 5, 1))).errorCode).toBe(KAFKA_ERROR_CODES.INVALID_PRODUCER_EPOCH)
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(5)
  })
})
