/**
 * Idempotent producers across the cluster: InitProducerId hands out ids from blocks recorded in the
 * metadata log (never reused after a restart), and a partition's producer state survives a leader
 * change (followers build it from what they replicate) and a restart of the cluster.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'
import { PRODUCER_ID_BLOCK_SIZE } from '../../../../src/broker/controller/producer-id-control'
import { idempotentBatch } from '../storage/fixtures/idempotent-batches'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-idem-')

/** A cluster in `dir` (reopened when it holds one), by default in a fresh directory. */
const makeCluster = (dir?: string): Cluster => openCluster({ dataDir: dir }).cluster

function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    return e as KafkaError
  }
  throw new Error('expected an error')
}

describe('InitProducerId', () => {
  it('hands out distinct ids with epoch 0, a block per broker, and never reuses them after a restart', async () => {
    const dir = openCluster.tempDir()
    const c = makeCluster(dir)
    const a = [c.initProducerId(1), c.initProducerId(1), c.initProducerId(2)]
    expect(a).toEqual([
      { producerId: 0, producerEpoch: 0 },
      { producerId: 1, producerEpoch: 0 },
      { producerId: PRODUCER_ID_BLOCK_SIZE, producerEpoch: 0 }
    ])
    await c.close()
    const again = makeCluster(dir)
    // The blocks handed out before are recorded: the next one starts after them.
    expect(again.initProducerId(1)).toEqual({ producerId: 2 * PRODUCER_ID_BLOCK_SIZE, producerEpoch: 0 })
  })

  it('takes a new block when one is used up', () => {
    const c = makeCluster()
    const ids = Array.from({ length: PRODUCER_ID_BLOCK_SIZE + 1 }, () => c.initProducerId(2).producerId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[PRODUCER_ID_BLOCK_SIZE]).toBe(PRODUCER_ID_BLOCK_SIZE)
  })

  it('refuses on a stopped broker with BROKER_NOT_AVAILABLE', () => {
    const c = makeCluster()
    c.stopBroker(1)
    expect(errorOf(() => c.initProducerId(1)).code).toBe('BROKER_NOT_AVAILABLE')
    expect(errorOf(() => c.initProducerId(7)).code).toBe('BROKER_NOT_AVAILABLE')
  })
})

describe('producer state across a leader change and a restart', () => {
  it('the new leader answers a retried batch with its original offsets and fences nothing it should not', async () => {
    const c = makeCluster()
    c.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const { producerId } = c.initProducerId(1)
    const leader = c.describeTopic('t').partitions[0].leader
    for (let s = 0; s < 3; s++) c.replicaManager(leader).appendRecords('t', 0, idempotentBatch(producerId, 0, s * 4, 4))
    c.replicateNow()
    c.stopBroker(leader)
    const next = c.describeTopic('t').partitions[0].leader
    expect(next).not.toBe(leader)
    // The producer retries its last batch on the new leader: a duplicate, answered with offsets 8..11.
    const retry = c.replicaManager(next).appendRecords('t', 0, idempotentBatch(producerId, 0, 8, 4))
    expect(retry).toMatchObject({ firstOffset: 8, lastOffset: 11, duplicate: true, records: 0 })
    expect(errorOf(() => c.replicaManager(next).appendRecords('t', 0, idempotentBatch(producerId, 0, 13, 1))).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(c.replicaManager(next).appendRecords('t', 0, idempotentBatch(producerId, 0, 12, 1))).toMatchObject({ firstOffset: 12 })
  })

  it('after a clean restart of the cluster the leader still knows the producer', async () => {
    const dir = openCluster.tempDir()
    const c = makeCluster(dir)
    c.createTopic('t', { partitions: 1, replicationFactor: 1 })
    const { producerId } = c.initProducerId(1)
    const leader = c.describeTopic('t').partitions[0].leader
    c.replicaManager(leader).appendRecords('t', 0, idempotentBatch(producerId, 0, 0, 3))
    await c.close()
    const again = makeCluster(dir)
    const l = again.describeTopic('t').partitions[0].leader
    expect(again.replicaManager(l).appendRecords('t', 0, idempotentBatch(producerId, 0, 0, 3))).toMatchObject({ firstOffset: 0, duplicate: true })
    expect(again.replicaManager(l).appendRecords('t', 0, idempotentBatch(producerId, 0, 3, 1))).toMatchObject({ firstOffset: 3 })
  })
})
