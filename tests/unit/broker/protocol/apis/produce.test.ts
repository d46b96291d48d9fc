/**
 * Produce (apis/00-produce.ts) through KafkaApis over a real 3-broker Cluster: appends on the
 * leader with acks 0, 1 and -1 (the ISR wait), per-partition errors (NOT_LEADER_OR_FOLLOWER with the
 * current leader, UNKNOWN_TOPIC_OR_PARTITION, CORRUPT_MESSAGE, RECORD_TOO_LARGE, INVALID_RECORD with
 * record errors, NOT_ENOUGH_REPLICAS, INVALID_REQUIRED_ACKS), v0-v2 refused, log append time.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeRecordBatches } from '../../../../../src/broker/codec/record-batch'
import { KAFKA_ERROR_CODES } from '../../../../../src/broker/model/errors'
import type { ProduceResponse } from '../../../../../src/broker/protocol/messages/produce-response'
import { batchOf, call, openClusterApis, records, type ClusterApis } from './cluster-apis'

let env: ClusterApis | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

function produceReq(topic: string, partition: number, batch: Buffer | null, acks = 1, timeoutMs = 30000) {
  return { transactionalId: null, acks, timeoutMs, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] }
}

function leaderOf(e: ClusterApis, topic: string, p: number): number {
  return e.cluster.describeTopic(topic).partitions[p].leader
}

describe('Produce over a real cluster', () => {
  it('appends a client batch on the leader with acks=1: base offset, log start offset, the records stored as sent', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    const batch = batchOf(records(3))
    const res = (await call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batch)))!
    const p = res.responses[0].partitionResponses[0]
    expect(p).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n })
    const res2 = (await call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batchOf(records(2, 3)))))!
    expect(res2.responses[0].partitionResponses[0].baseOffset).toBe(3n)
    env.cluster.replicateNow()
    const stored = env.cluster.replicaLog(leader, 'orders', 0)!.readRecords(0, { maxRecords: 10 })
    expect(stored.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4'])
  })

  it('answers NOT_LEADER_OR_FOLLOWER from a follower with the current leader and its endpoint (v10+), appending nothing', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    const follower = [1, 2, 3].find((b) => b !== leader)!
    const res = (await call<ProduceResponse>(env.apis.get(follower)!, 0, 10, produceReq('orders', 0, batchOf(records(1)))))!
    const p = res.responses[0].partitionResponses[0]
    expect(p.errorCode).toBe(KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER)
    expect(p.currentLeader).toEqual({ leaderId: leader, leaderEpoch: env.cluster.describeTopic('orders').partitions[0].leaderEpoch })
    expect(res.nodeEndpoints.map((n) => n.nodeId)).toEqual([leader])
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(0)
  })

  it('answers each partition on its own: an unknown topic, a corrupt batch, a batch above max.message.bytes, a keyless record on a compacted topic (record errors, v8+)', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('ok', { partitions: 1, replicationFactor: 1 })
    env.cluster.createTopic('small', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 100 } })
    env.cluster.createTopic('compacted', { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } })
    const corrupt = batchOf(records(2))
    corrupt[corrupt.length - 1] ^= 0xff
    const big = batchOf([{ key: Buffer.from('k'), value: Buffer.alloc(200, 1), headers: [], timestamp: 1 }])
    const keyless = batchOf([{ key: Buffer.from('a'), value: Buffer.from('x'), headers: [], timestamp: 1 }, { key: null, value: Buffer.from('y'), headers: [], timestamp: 1 }])
    const res = (await call<ProduceResponse>(env.apis.get(1)!, 0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        { name: 'ok', partitionData: [{ index: 0, records: batchOf(records(1)) }, { index: 5, records: batchOf(records(1)) }] },
        { name: 'nope', partitionData: [{ index: 0, records: batchOf(records(1)) }] },
        { name: 'small', partitionData: [{ index: 0, records: big }] },
        { name: 'compacted', partitionData: [{ index: 0, records: keyless }] }
      ]
    }))!
    const codes = res.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])])
    expect(codes).toEqual([
      ['ok', [[0, 0], [5, KAFKA_ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['nope', [[0, KAFKA_ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['small', [[0, KAFKA_ERROR_CODES.RECORD_TOO_LARGE]]],
      ['compacted', [[0, KAFKA_ERROR_CODES.INVALID_RECORD]]]
    ])
    const invalid = res.responses[3].partitionResponses[0]
    expect(invalid.recordErrors).toEqual([{ batchIndex: 1, batchIndexErrorMessage: expect.stringContaining('key') }])
    expect(invalid.errorMessage).toMatch(/key/)
    expect(res.responses[2].partitionResponses[0].errorMessage).toMatch(/max.message.bytes|maximum/)

    const bad = (await call<ProduceResponse>(env.apis.get(1)!, 0, 9, produceReq('ok', 0, corrupt)))!
    expect(bad.responses[0].partitionResponses[0].errorCode).toBe(KAFKA_ERROR_CODES.CORRUPT_MESSAGE)
    expect(env.cluster.describeTopic('ok').partitions[0].logEndOffset).toBe(1)
    expect(env.cluster.describeTopic('compacted').partitions[0].logEndOffset).toBe(0)
  })

  it('acks=-1 answers once the ISR holds the batch (the followers fetched), not before', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    let answer: ProduceResponse | null = null
    const pending = call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batchOf(records(2)), -1)).then((r) => (answer = r))
    await new Promise((r) => setImmediate(r))
    expect(answer).toBeNull()
    env.cluster.replicateNow()
    await pending
    expect(answer!.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
    expect(env.cluster.describeTopic('orders').partitions[0].highWatermark).toBe(2)
  })

  it('acks=-1 answers REQUEST_TIMED_OUT when the ISR does not catch up within timeout_ms', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    const res = (await call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batchOf(records(1)), -1, 1)))!
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(KAFKA_ERROR_CODES.REQUEST_TIMED_OUT)
  })

  it('acks=-1 answers NOT_ENOUGH_REPLICAS before appending when the ISR is below min.insync.replicas; acks=1 still appends', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    const leader = leaderOf(env, 'orders', 0)
    for (const b of [1, 2, 3]) if (b !== leader) env.cluster.stopBroker(b)
    const all = (await call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batchOf(records(1)), -1)))!
    expect(all.responses[0].partitionResponses[0].errorCode).toBe(KAFKA_ERROR_CODES.NOT_ENOUGH_REPLICAS)
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(0)
    const one = (await call<ProduceResponse>(env.apis.get(leader)!, 0, 9, produceReq('orders', 0, batchOf(records(1)), 1)))!
    expect(one.responses[0].partitionResponses[0].errorCode).toBe(0)
  })

  it('acks=0 appends and answers nothing; acks=2 is answered INVALID_REQUIRED_ACKS with nothing appended', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    expect(await call(env.apis.get(1)!, 0, 9, produceReq('orders', 0, batchOf(records(2)), 0))).toBeNull()
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(2)
    const bad = (await call<ProduceResponse>(env.apis.get(1)!, 0, 9, produceReq('orders', 0, batchOf(records(2)), 2)))!
    expect(bad.responses[0].partitionResponses[0].errorCode).toBe(KAFKA_ERROR_CODES.INVALID_REQUIRED_ACKS)
    expect(env.cluster.describeTopic('orders').partitions[0].logEndOffset).toBe(2)
  })

  it('answers v2 with UNSUPPORTED_VERSION (advertised from v0, served from v3) and v3 normally', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    const v2 = (await call<ProduceResponse>(env.apis.get(1)!, 0, 2, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batchOf(records(1)) }] }] }))!
    expect(v2.responses[0].partitionResponses[0].errorCode).toBe(KAFKA_ERROR_CODES.UNSUPPORTED_VERSION)
    const v3 = (await call<ProduceResponse>(env.apis.get(1)!, 0, 3, produceReq('orders', 0, batchOf(records(1)))))!
    expect(v3.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
  })

  it('reports the append time of a LogAppendTime topic', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('stamped', { partitions: 1, replicationFactor: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } })
    env.clock.now = 1_800_000_000_000
    const res = (await call<ProduceResponse>(env.apis.get(1)!, 0, 9, produceReq('stamped', 0, batchOf(records(1)))))!
    expect(res.responses[0].partitionResponses[0].logAppendTimeMs).toBe(1_800_000_000_000n)
    const stored = env.cluster.replicaLog(1, 'stamped', 0)!.readBatches(0, 1 << 20)
    expect(decodeRecordBatches(stored)[0].maxTimestamp).toBe(1_800_000_000_000)
  })
})
