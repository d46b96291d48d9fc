/**
 * RemoteGroupMember's protocol against a scripted broker (scripted-broker.ts): the first JoinGroup
 * without a member id is answered MEMBER_ID_REQUIRED and the member joins again with the id given
 * (KIP-394); as the leader it sends the range assignment in SyncGroup and reads what it assigned
 * itself; it commits with its generation and member id; a commit answered REBALANCE_IN_PROGRESS is
 * tried again with the same generation before the rejoin; a commit answered ILLEGAL_GENERATION, or
 * UNKNOWN_MEMBER_ID (which also forgets the id), makes it rejoin and commit again with the new
 * generation; leaving sends LeaveGroup with its member id. No records: the topic is empty, so every
 * commit is of the reset positions (offset 0).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { readConsumerProtocolAssignment } from '../../../../src/broker/protocol/messages/consumer-protocol-assignment'
import { readConsumerProtocolSubscription } from '../../../../src/broker/protocol/messages/consumer-protocol-subscription'
import { KafkaWireClient } from '../../../../src/host/remote/kafka-wire-client'
import { RemoteGroupMember } from '../../../../src/host/remote/remote-group-member'
import { apiVersions, metadata, startScriptedBroker, type ScriptedBroker } from './scripted-broker'

const KEY = { Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, ApiVersions: 18 }
const MEMBER_ID_REQUIRED = 79
const ILLEGAL_GENERATION = 22
const UNKNOWN_MEMBER_ID = 25
const REBALANCE_IN_PROGRESS = 27

let broker: ScriptedBroker | null = null
let client: KafkaWireClient | null = null

afterEach(async () => {
  await client?.close()
  await broker?.close()
  client = broker = null
})

/**
 * A scripted coordinator and leader of topic `t` (2 partitions, empty) for group `g`: JoinGroup
 * hands out member ids m-1, m-2, ... to joins without one and generation n to the n-th accepted
 * join; OffsetCommit answers each commit with the next code of `commitErrors` (then 0).
 */
async function scriptedGroup(commitErrors: number[]): Promise<ScriptedBroker> {
  let ids = 0
  let generation = 0
  let lastMetadata: Buffer = Buffer.alloc(0)
  return startScriptedBroker({
    [KEY.ApiVersions]: apiVersions({ 0: [3, 9], 1: [4, 12], 2: [1, 7], 3: [1, 12], 8: [2, 8], 9: [1, 7], 10: [0, 3], 11: [2, 9], 12: [0, 4], 13: [0, 5], 14: [0, 5], 18: [0, 3] }),
    [KEY.Metadata]: metadata({ t: 2 }),
    [KEY.FindCoordinator]: (_v, _b, port) => ({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port }),
    [KEY.JoinGroup]: (_v, body) => {
      if (body.memberId === '') return { errorCode: MEMBER_ID_REQUIRED, memberId: `m-${++ids}`, generationId: -1, leader: '', members: [] }
      lastMetadata = Buffer.from(body.protocols[0].metadata)
      generation++
      return { errorCode: 0, generationId: generation, protocolType: 'consumer', protocolName: 'range', leader: body.memberId, memberId: body.memberId, members: [{ memberId: body.memberId, groupInstanceId: null, metadata: lastMetadata }] }
    },
    [KEY.SyncGroup]: (_v, body) => ({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: body.assignments.find((a: { memberId: string }) => a.memberId === body.memberId)?.assignment ?? Buffer.alloc(0) }),
    [KEY.OffsetFetch]: (_v, body) => ({ errorCode: 0, topics: body.topics.map((t: { name: string; partitionIndexes: number[] }) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 })) })) }),
    [KEY.ListOffsets]: (_v, body) => ({ topics: body.topics.map((t: { name: string; partitions: { partitionIndex: number }[] }) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: 0n, leaderEpoch: 0 })) })) }),
    [KEY.Fetch]: (_v, body) => ({ errorCode: 0, sessionId: 0, responses: body.topics.map((t: { topic: string; partitions: { partition: number }[] }) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, records: null })) })) }),
    [KEY.OffsetCommit]: (_v, body) => ({ topics: body.topics.map((t: { name: string; partitions: { partitionIndex: number }[] }) => {
      const code = commitErrors.shift() ?? 0
      return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }
    }) }),
    [KEY.Heartbeat]: () => ({ errorCode: 0 }),
    [KEY.LeaveGroup]: (_v, body) => ({ errorCode: 0, members: body.members.map((m: { memberId: string }) => ({ memberId: m.memberId, groupInstanceId: null, errorCode: 0 })) })
  })
}

/** The requests of API `key` the broker saw, in order. */
function seenOf(key: number): any[] {
  return broker!.seen.filter((s) => s.apiKey === key).map((s) => s.body)
}

describe('the group member on the wire', () => {
  it('joins with the member id MEMBER_ID_REQUIRED gave, assigns itself by range as the leader, commits with its generation and leaves with its id', async () => {
    broker = await scriptedGroup([])
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const member = new RemoteGroupMember(client, 'g', 't', 'earliest')
    expect(await member.poll(10, () => {})).toBe(0)
    expect(member.state).toEqual({ memberId: 'm-1', generationId: 1, leader: true, assignment: [0, 1] })

    const joins = seenOf(KEY.JoinGroup)
    expect(joins.map((j) => j.memberId)).toEqual(['', 'm-1'])
    expect(joins[1]).toMatchObject({ groupId: 'g', protocolType: 'consumer', sessionTimeoutMs: 45000, rebalanceTimeoutMs: 300000 })
    expect(joins[1].protocols.map((p: { name: string }) => p.name)).toEqual(['range'])
    const sub = new ByteReader(Buffer.from(joins[1].protocols[0].metadata))
    const subVersion = sub.int16('v')
    expect(readConsumerProtocolSubscription(sub, subVersion).topics).toEqual(['t'])

    const [sync] = seenOf(KEY.SyncGroup)
    expect(sync).toMatchObject({ groupId: 'g', generationId: 1, memberId: 'm-1' })
    const a = new ByteReader(Buffer.from(sync.assignments[0].assignment))
    const aVersion = a.int16('v')
    expect(readConsumerProtocolAssignment(a, aVersion).assignedPartitions).toEqual([{ topic: 't', partitions: [0, 1] }])

    const [commit] = seenOf(KEY.OffsetCommit)
    expect(commit).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'm-1' })
    expect(commit.topics[0].partitions.map((p: { partitionIndex: number; committedOffset: bigint }) => [p.partitionIndex, Number(p.committedOffset)])).toEqual([[0, 0], [1, 0]])

    await member.leave()
    expect(seenOf(KEY.LeaveGroup).map((l) => l.members.map((m: { memberId: string }) => m.memberId))).toEqual([['m-1']])
  })

  it('rejoins when a commit is answered ILLEGAL_GENERATION, and with a new member id after UNKNOWN_MEMBER_ID, then commits with the new generation', async () => {
    broker = await scriptedGroup([ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID])
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const member = new RemoteGroupMember(client, 'g', 't', 'latest')
    expect(await member.poll(10, () => {})).toBe(0)
    // join (m-1, gen 1), commit refused ILLEGAL_GENERATION -> rejoin as m-1 (gen 2); commit refused
    // UNKNOWN_MEMBER_ID -> the id is forgotten: join without one, MEMBER_ID_REQUIRED gives m-2 (gen 3); commit taken.
    expect(seenOf(KEY.JoinGroup).map((j) => j.memberId)).toEqual(['', 'm-1', 'm-1', '', 'm-2'])
    expect(seenOf(KEY.OffsetCommit).map((c) => [c.generationIdOrMemberEpoch, c.memberId])).toEqual([
      [1, 'm-1'],
      [2, 'm-1'],
      [3, 'm-2']
    ])
    expect(member.state).toMatchObject({ memberId: 'm-2', generationId: 3, assignment: [0, 1] })
    await member.leave()
  })

  it('on a commit answered REBALANCE_IN_PROGRESS commits what it has again before rejoining (same generation), then continues on the new generation', async () => {
    broker = await scriptedGroup([REBALANCE_IN_PROGRESS])
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const member = new RemoteGroupMember(client, 'g', 't', 'earliest')
    expect(await member.poll(10, () => {})).toBe(0)
    expect(seenOf(KEY.JoinGroup).map((j) => j.memberId)).toEqual(['', 'm-1', 'm-1'])
    expect(seenOf(KEY.OffsetCommit).map((c) => [c.generationIdOrMemberEpoch, c.memberId])).toEqual([
      [1, 'm-1'],
      [1, 'm-1'],
      [2, 'm-1']
    ])
    expect(member.state).toMatchObject({ memberId: 'm-1', generationId: 2 })
    await member.leave()
  })
})
