/**
 * Fetch (apis/01-fetch.ts) through KafkaApis over a real 3-broker Cluster: reads from the leader up
 * to the high watermark, by name (v4-12) and by topic id (v13+), the byte bounds (KIP-74), long
 * polling answered when data arrives or at max_wait_ms (a manual timer, no wall-clock sleep),
 * sessions declined, and the per-partition errors.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { decodeRecordBatches } from '../../../../../src/broker/codec/record-batch'
import { KAFKA_ERROR_CODES } from '../../../../../src/broker/model/errors'
import type { FetchResponse } from '../../../../../src/broker/protocol/messages/fetch-response'
import type { ProduceResponse } from '../../../../../src/broker/protocol/messages/produce-response'
import { ZERO_TOPIC_ID } from '../../../../../src/broker/protocol/topic-id'
import { batchOf, call, openClusterApis, records, type ClusterApis } from './cluster-apis'

let env: ClusterApis | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

function leaderOf(e: ClusterApis, topic: string, p: number): number {
  return e.cluster.describeTopic(topic).partitions[p].leader
}

async function produce(e: ClusterApis, topic: string, partition: number, n: number, from = 0): Promise<void> {
  const res = (await call<ProduceResponse>(e.apis.get(leaderOf(e, topic, partition))!, 0, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batchOf(records(n, from)) }] }]
  }))!
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(0)
}

interface FetchPart {
  partition: number
  fetchOffset: number
  partitionMaxBytes?: number
  currentLeaderEpoch?: number
}

function fetchReq(topic: string, parts: FetchPart[], opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; topicId?: string; sessionId?: number } = {}) {
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 1,
    maxBytes: opts.maxBytes ?? 1 << 20,
    isolationLevel: 0,
    sessionId: opts.sessionId ?? 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: opts.topicId ?? ZERO_TOPIC_ID,
        partitions: parts.map((p) => ({ partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, fetchOffset: BigInt(p.fetchOffset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20 }))
      }
    ],
    forgottenTopicsData: [],
    rackId: ''
  }
}

function values(buf: Buffer): string[] {
  return decodeRecordBatches(buf).flatMap((b) => b.records.map((r) => r.value!.toString()))
}

describe('Fetch over a real cluster', () => {
  it('reads the batches below the high watermark only, with log start offset and last stable offset = high watermark', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    await produce(env, 'orders', 0, 3)
    const before = (await call<FetchResponse>(env.apis.get(leader)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0 }])))!
    expect(before.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n, records: Buffer.alloc(0) })
    env.cluster.replicateNow()
    const after = (await call<FetchResponse>(env.apis.get(leader)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 1 }])))!
    const p = after.responses[0].partitions[0]
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n, preferredReadReplica: -1 })
    expect(values(p.records!)).toEqual(['v0', 'v1', 'v2'])
    expect(after.sessionId).toBe(0)
  })

  it('names topics by id from v13 and answers an unknown topic id UNKNOWN_TOPIC_ID', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    await produce(env, 'orders', 0, 2)
    const topicId = env.cluster.topicRegistration('orders')!.topicId
    const res = (await call<FetchResponse>(env.apis.get(1)!, 1, 17, fetchReq('', [{ partition: 0, fetchOffset: 0 }], { topicId })))!
    expect(res.responses[0].topicId).toBe(topicId)
    expect(values(res.responses[0].partitions[0].records!)).toEqual(['v0', 'v1'])
    const unknown = (await call<FetchResponse>(env.apis.get(1)!, 1, 13, fetchReq('', [{ partition: 0, fetchOffset: 0 }], { topicId: 'AAAAAAAAAAAAAAAAAAAAAg' })))!
    expect(unknown.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.UNKNOWN_TOPIC_ID)
  })

  it('answers NOT_LEADER_OR_FOLLOWER from a follower (with the current leader, v12+), OFFSET_OUT_OF_RANGE past the log end, FENCED / UNKNOWN_LEADER_EPOCH for a stale or future epoch', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    const follower = [1, 2, 3].find((b) => b !== leader)!
    await produce(env, 'orders', 0, 1)
    env.cluster.replicateNow()
    const epoch = env.cluster.describeTopic('orders').partitions[0].leaderEpoch
    const topicId = env.cluster.topicRegistration('orders')!.topicId
    const nl = (await call<FetchResponse>(env.apis.get(follower)!, 1, 16, fetchReq('', [{ partition: 0, fetchOffset: 0 }], { topicId })))!
    expect(nl.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER)
    expect(nl.responses[0].partitions[0].currentLeader).toEqual({ leaderId: leader, leaderEpoch: epoch })
    expect(nl.nodeEndpoints.map((n) => n.nodeId)).toEqual([leader])
    const k = env.apis.get(leader)!
    const oor = (await call<FetchResponse>(k, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 5 }])))!
    expect(oor.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.OFFSET_OUT_OF_RANGE)
    env.cluster.stopBroker(leader)
    env.cluster.startBroker(leader)
    env.cluster.replicateNow()
    const now = leaderOf(env, 'orders', 0)
    const fenced = (await call<FetchResponse>(env.apis.get(now)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch }])))!
    expect(fenced.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.FENCED_LEADER_EPOCH)
    const future = (await call<FetchResponse>(env.apis.get(now)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch + 5 }])))!
    expect(future.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.UNKNOWN_LEADER_EPOCH)
  })

  it('keeps the answer within max_bytes: the first partition with data gets one batch even when larger, the next ones stay within what is left', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 2, replicationFactor: 1 })
    for (let i = 0; i < 3; i++) await produce(env, 'orders', 0, 5, i * 5)
    await produce(env, 'orders', 1, 5)
    const res = (await call<FetchResponse>(env.apis.get(1)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0 }, { partition: 1, fetchOffset: 0 }], { maxBytes: 10 })))!
    const [p0, p1] = res.responses[0].partitions
    expect(decodeRecordBatches(p0.records!).length).toBe(1)
    expect(values(p0.records!)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4'])
    expect(p1).toMatchObject({ errorCode: 0, highWatermark: 5n, records: Buffer.alloc(0) })
    const part = (await call<FetchResponse>(env.apis.get(1)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 }])))!
    expect(decodeRecordBatches(part.responses[0].partitions[0].records!).length).toBe(1)
  })

  it('long polling: waits for min_bytes and answers when the high watermark moves, without blocking other requests', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = leaderOf(env, 'orders', 0)
    let answer: FetchResponse | null = null
    const pending = call<FetchResponse>(env.apis.get(leader)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 500, minBytes: 1 })).then((r) => (answer = r))
    await new Promise((r) => setImmediate(r))
    expect(answer).toBeNull()
    expect(env.replicas.get(leader)!.waitingFetches).toBe(1)
    await produce(env, 'orders', 0, 2)
    await new Promise((r) => setImmediate(r))
    expect(answer).toBeNull() // appended, but not yet below the high watermark
    env.cluster.replicateNow()
    await pending
    expect(values(answer!.responses[0].partitions[0].records!)).toEqual(['v0', 'v1'])
    expect(env.replicas.get(leader)!.waitingFetches).toBe(0)
    expect(env.timer.due.size).toBe(0)
  })

  it('long polling: answers empty at max_wait_ms when nothing arrives', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    let answer: FetchResponse | null = null
    const pending = call<FetchResponse>(env.apis.get(1)!, 1, 12, fetchReq('orders', [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 500 })).then((r) => (answer = r))
    await new Promise((r) => setImmediate(r))
    expect(answer).toBeNull()
    expect([...env.timer.due.values()].map((d) => d.ms)).toEqual([500])
    env.timer.fire()
    await pending
    expect(answer!.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n, records: Buffer.alloc(0) })
  })

  it('declines fetch sessions: a full fetch is answered with session id 0, an incremental one FETCH_SESSION_ID_NOT_FOUND', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    const full = (await call<FetchResponse>(env.apis.get(1)!, 1, 12, { ...fetchReq('orders', [{ partition: 0, fetchOffset: 0 }]), sessionEpoch: 0 }))!
    expect(full).toMatchObject({ errorCode: 0, sessionId: 0 })
    const inc = (await call<FetchResponse>(env.apis.get(1)!, 1, 12, { ...fetchReq('orders', [], { sessionId: 7 }), sessionEpoch: 1 }))!
    expect(inc.errorCode).toBe(KAFKA_ERROR_CODES.FETCH_SESSION_ID_NOT_FOUND)
  })

  it('answers an unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION at once, even with long polling asked', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    const res = (await call<FetchResponse>(env.apis.get(1)!, 1, 12, fetchReq('orders', [{ partition: 3, fetchOffset: 0 }], { maxWaitMs: 500 })))!
    expect(res.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION)
    expect(env.timer.due.size).toBe(0)
  })
})
