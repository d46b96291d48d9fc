/**
 * ListOffsets (apis/02-list-offsets.ts) and OffsetForLeaderEpoch (apis/23-offset-for-leader-epoch.ts)
 * through KafkaApis over a real Cluster: earliest, latest (the high watermark, whatever the
 * isolation level), by timestamp, max timestamp (v7+), the leader epoch of the answer, the specials
 * a version does not know, and where a leader epoch ended.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES } from '../../../../../src/broker/model/errors'
import type { ListOffsetsResponse } from '../../../../../src/broker/protocol/messages/list-offsets-response'
import type { OffsetForLeaderEpochResponse } from '../../../../../src/broker/protocol/messages/offset-for-leader-epoch-response'
import type { ProduceResponse } from '../../../../../src/broker/protocol/messages/produce-response'
import { batchOf, call, openClusterApis, type ClusterApis } from './cluster-apis'

let env: ClusterApis | null = null
afterEach(async () => {
  await env?.close()
  env = null
})

const T0 = 1_700_000_000_000

async function produceAt(e: ClusterApis, timestamps: number[]): Promise<void> {
  const leader = e.cluster.describeTopic('orders').partitions[0].leader
  const recs = timestamps.map((ts, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [], timestamp: ts }))
  const res = (await call<ProduceResponse>(e.apis.get(leader)!, 0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batchOf(recs) }] }] }))!
  expect(res.responses[0].partitionResponses[0].errorCode).toBe(0)
}

async function listOffset(e: ClusterApis, broker: number, version: number, timestamp: number, opts: { isolationLevel?: number; currentLeaderEpoch?: number } = {}) {
  const res = (await call<ListOffsetsResponse>(e.apis.get(broker)!, 2, version, {
    replicaId: -1,
    isolationLevel: opts.isolationLevel ?? 0,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: opts.currentLeaderEpoch ?? -1, timestamp: BigInt(timestamp) }] }]
  }))!
  return res.topics[0].partitions[0]
}

describe('ListOffsets over a real cluster', () => {
  it('answers earliest, latest (the high watermark at both isolation levels), a timestamp, and max timestamp with the leader epoch', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = env.cluster.describeTopic('orders').partitions[0].leader
    const epoch = env.cluster.describeTopic('orders').partitions[0].leaderEpoch
    await produceAt(env, [T0 + 10, T0 + 50, T0 + 20])
    await produceAt(env, [T0 + 30])
    expect(await listOffset(env, leader, 9, -1)).toMatchObject({ errorCode: 0, offset: 0n }) // nothing below the high watermark yet
    env.cluster.replicateNow()
    expect(await listOffset(env, leader, 9, -1)).toMatchObject({ errorCode: 0, offset: 4n, timestamp: -1n, leaderEpoch: epoch })
    expect(await listOffset(env, leader, 9, -1, { isolationLevel: 1 })).toMatchObject({ offset: 4n })
    expect(await listOffset(env, leader, 9, -2)).toMatchObject({ errorCode: 0, offset: 0n, leaderEpoch: epoch })
    expect(await listOffset(env, leader, 9, T0 + 15)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: BigInt(T0 + 50), leaderEpoch: epoch })
    expect(await listOffset(env, leader, 9, T0 + 60)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n })
    expect(await listOffset(env, leader, 7, -3)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: BigInt(T0 + 50), leaderEpoch: epoch })
    expect(await listOffset(env, leader, 1, -1)).toMatchObject({ errorCode: 0, offset: 4n })
  })

  it('answers a special timestamp the version does not know UNSUPPORTED_VERSION, a follower NOT_LEADER_OR_FOLLOWER, a stale epoch FENCED_LEADER_EPOCH', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const leader = env.cluster.describeTopic('orders').partitions[0].leader
    const follower = [1, 2, 3].find((b) => b !== leader)!
    expect((await listOffset(env, leader, 6, -3)).errorCode).toBe(KAFKA_ERROR_CODES.UNSUPPORTED_VERSION)
    expect((await listOffset(env, leader, 9, -7)).errorCode).toBe(KAFKA_ERROR_CODES.UNSUPPORTED_VERSION)
    expect((await listOffset(env, follower, 9, -1)).errorCode).toBe(KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER)
    env.cluster.stopBroker(leader)
    const now = env.cluster.describeTopic('orders').partitions[0].leader
    const epoch = env.cluster.describeTopic('orders').partitions[0].leaderEpoch
    expect((await listOffset(env, now, 9, -1, { currentLeaderEpoch: epoch - 1 })).errorCode).toBe(KAFKA_ERROR_CODES.FENCED_LEADER_EPOCH)
    expect((await listOffset(env, now, 9, -1, { currentLeaderEpoch: epoch })).errorCode).toBe(0)
  })
})

describe('OffsetForLeaderEpoch over a real cluster', () => {
  it('answers where an epoch ended on the leader, the log end offset for the current epoch, and fences a stale current epoch', async () => {
    env = openClusterApis()
    env.cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const first = env.cluster.describeTopic('orders').partitions[0]
    await produceAt(env, [T0, T0])
    env.cluster.replicateNow()
    env.cluster.stopBroker(first.leader)
    const second = env.cluster.describeTopic('orders').partitions[0]
    await produceAt(env, [T0])
    env.cluster.replicateNow()
    const ask = async (broker: number, leaderEpoch: number, currentLeaderEpoch: number) =>
      (await call<OffsetForLeaderEpochResponse>(env!.apis.get(broker)!, 23, 4, { replicaId: -1, topics: [{ topic: 'orders', partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }] }))!.topics[0].partitions[0]
    expect(await ask(second.leader, first.leaderEpoch, second.leaderEpoch)).toMatchObject({ errorCode: 0, leaderEpoch: first.leaderEpoch, endOffset: 2n })
    expect(await ask(second.leader, second.leaderEpoch, -1)).toMatchObject({ errorCode: 0, leaderEpoch: second.leaderEpoch, endOffset: 3n })
    expect((await ask(second.leader, first.leaderEpoch, first.leaderEpoch)).errorCode).toBe(KAFKA_ERROR_CODES.FENCED_LEADER_EPOCH)
    const follower = second.replicas.find((b) => b !== second.leader && b !== first.leader)!
    expect((await ask(follower, first.leaderEpoch, -1)).errorCode).toBe(KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER)
  })
})
