/**
 * The group APIs on the wire (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups, OffsetDelete) through
 * KafkaApis.handleFrame over a real 3-broker Cluster's group coordinator (injected clock, the
 * cluster's tick runs the group timers): requests encoded with the generated codecs in the
 * versions clients send, answers decoded and checked field by field.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES as E } from '../../../../../src/broker/model/errors'
import type { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import { clientHostOf } from '../../../../../src/broker/protocol/group-facade'
import { connection, flush, groupKafkaApis, openGroupTestCluster, subscription, wire, type GroupTestCluster } from './group-wire'

const FIND = 10
const JOIN = 11
const HEARTBEAT = 12
const LEAVE = 13
const SYNC = 14
const DESCRIBE = 15
const LIST = 16
const COMMIT = 8
const FETCH = 9
const DELETE = 42
const OFFSET_DELETE = 47

let h: GroupTestCluster
let ports: Map<number, number>
let apis: Map<number, KafkaApis>
/** The coordinator of group 'g' and another broker. */
let coord: number
let other: number

beforeEach(() => {
  h = openGroupTestCluster({ brokers: 3 })
  ports = new Map([
    [1, 9092],
    [2, 9093],
    [3, 9094]
  ])
  apis = new Map([1, 2, 3].map((b) => [b, groupKafkaApis(h.cluster, b, () => ports)]))
  coord = h.cluster.groupCoordinator().findCoordinator('g').nodeId
  other = [1, 2, 3].find((b) => b !== coord)!
})
afterEach(async () => {
  await h.cleanup()
})

const to = (b: number) => ({ api: apis.get(b)!, ctx: connection(b) })

function joinReq(memberId: string, over: Record<string, unknown> = {}) {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 20000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    ...over
  }
}

/** Runs the group's first generation with one member over the wire (JoinGroup v`version`); returns its id and generation. */
async function joinAlone(version = 9, clientId = 'consumer-1'): Promise<{ memberId: string; generationId: number }> {
  const { api, ctx } = to(coord)
  let memberId = ''
  if (version >= 4) {
    const first = await wire(api, JOIN, version, joinReq(''), { ctx, clientId })
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED)
    memberId = first.memberId
  }
  const join = wire(api, JOIN, version, joinReq(memberId), { ctx, clientId })
  await flush()
  h.clock.now += 3000 // group.initial.rebalance.delay.ms
  h.cluster.tick()
  const res = await join
  expect(res).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' })
  memberId = res.memberId
  const sync = await wire(api, SYNC, 5, { groupId: 'g', generationId: 1, memberId, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId, assignment: Buffer.from('assigned') }] }, { ctx, clientId })
  expect(sync).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' })
  expect(Buffer.from(sync.assignment).toString()).toBe('assigned')
  return { memberId, generationId: 1 }
}

describe('FindCoordinator', () => {
  it('answers the leader of the group\'s __consumer_offsets partition with the port its listener bound, from any broker (v3 single key)', async () => {
    const res = await wire(apis.get(other)!, FIND, 3, { key: 'g', keyType: 0 }, { ctx: connection(other) })
    expect(res).toMatchObject({ errorCode: 0, nodeId: coord, host: '127.0.0.1', port: ports.get(coord) })
  })

  it('serves v0 (kept for kafka-python 2.0.2, which looks up coordinators with v0 only): the group\'s coordinator and its address', async () => {
    const res = await wire(apis.get(other)!, FIND, 0, { key: 'g' }, { ctx: connection(other) })
    expect(res).toMatchObject({ errorCode: 0, nodeId: coord, host: '127.0.0.1', port: ports.get(coord) })
  })

  it('answers a v4 batch key by key: a group, an invalid empty group id, in request order', async () => {
    const res = await wire(apis.get(1)!, FIND, 4, { keyType: 0, coordinatorKeys: ['g', ''] })
    expect(res.coordinators).toEqual([
      { key: 'g', nodeId: coord, host: '127.0.0.1', port: ports.get(coord), errorCode: 0, errorMessage: null },
      { key: '', nodeId: -1, host: '', port: -1, errorCode: E.INVALID_GROUP_ID, errorMessage: null }
    ])
  })

  it('answers COORDINATOR_NOT_AVAILABLE when the coordinator\'s listener is not up, never an address nobody listens on', async () => {
    ports.delete(coord)
    const res = await wire(apis.get(other)!, FIND, 3, { key: 'g', keyType: 0 }, { ctx: connection(other) })
    expect(res).toMatchObject({ errorCode: E.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 })
  })

  it('answers a transactional id COORDINATOR_NOT_AVAILABLE with a message (no transaction coordinator), an unknown key type INVALID_REQUEST', async () => {
    const txn = await wire(apis.get(1)!, FIND, 3, { key: 'tx-1', keyType: 1 })
    expect(txn.errorCode).toBe(E.COORDINATOR_NOT_AVAILABLE)
    expect(txn.errorMessage).toMatch(/Transactions are not served.*tx-1/)
    const batch = await wire(apis.get(1)!, FIND, 6, { keyType: 7, coordinatorKeys: ['x'] })
    expect(batch.coordinators[0]).toMatchObject({ key: 'x', errorCode: E.INVALID_REQUEST, nodeId: -1 })
  })
})

describe('the membership cycle', () => {
  it('joins (MEMBER_ID_REQUIRED first, KIP-394), syncs, heartbeats, commits, fetches and leaves over the wire, the member showing the connection\'s client id and host', async () => {
    const { memberId, generationId } = await joinAlone(9)
    const { api, ctx } = to(coord)
    expect((await wire(api, HEARTBEAT, 4, { groupId: 'g', generationId, memberId })).errorCode).toBe(0)
    expect((await wire(api, HEARTBEAT, 4, { groupId: 'g', generationId: 7, memberId })).errorCode).toBe(E.ILLEGAL_GENERATION)

    const described = await wire(api, DESCRIBE, 5, { groups: ['g'], includeAuthorizedOperations: true }, { ctx })
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' })
    expect(described.groups[0].authorizedOperations).toBe((1 << 3) | (1 << 6) | (1 << 8))
    expect(described.groups[0].members).toHaveLength(1)
    expect(described.groups[0].members[0]).toMatchObject({ memberId, clientId: 'consumer-1', clientHost: '/127.0.0.1' })
    expect(Buffer.from(described.groups[0].members[0].memberAssignment).toString()).toBe('assigned')

    const commit = await wire(api, COMMIT, 9, {
      groupId: 'g',
      generationIdOrMemberEpoch: generationId,
      memberId,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 0, committedMetadata: 'm' }, { partitionIndex: 9, committedOffset: 1n }] }]
    })
    expect(commit.topics).toEqual([{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] }])
    const stale = await wire(api, COMMIT, 8, { groupId: 'g', generationIdOrMemberEpoch: 0, memberId, topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 1n }] }] })
    expect(stale.topics[0].partitions[0].errorCode).toBe(E.ILLEGAL_GENERATION)

    const v7 = await wire(api, FETCH, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] })
    expect(v7.errorCode).toBe(0)
    expect(v7.topics[0].partitions).toEqual([
      { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 0, metadata: 'm', errorCode: 0 },
      { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
    ])
    const all = await wire(api, FETCH, 8, { groups: [{ groupId: 'g', topics: null }] })
    expect(all.groups).toEqual([{ groupId: 'g', errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 0, metadata: 'm', errorCode: 0 }] }] }])

    const leave = await wire(api, LEAVE, 5, { groupId: 'g', members: [{ memberId, groupInstanceId: null, reason: 'closing' }, { memberId: 'nobody', groupInstanceId: null }] })
    expect(leave.members).toEqual([
      { memberId, groupInstanceId: null, errorCode: 0 },
      { memberId: 'nobody', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID }
    ])
    expect((await wire(api, DESCRIBE, 0, { groups: ['g'] })).groups[0]).toMatchObject({ groupState: 'Empty', members: [] })
  })

  it('does not ask a v3 joiner for a member id (MEMBER_ID_REQUIRED is for v4+), and answers LeaveGroup v0 with the member\'s error at the top level', async () => {
    const { memberId } = await joinAlone(3)
    expect(memberId).not.toBe('')
    const { api } = to(coord)
    expect((await wire(api, LEAVE, 0, { groupId: 'g', memberId: 'nobody' })).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect((await wire(api, LEAVE, 2, { groupId: 'g', memberId })).errorCode).toBe(0)
  })

  it('keeps a copy of the member metadata and assignment: overwriting the request frames afterwards changes nothing the group shows', async () => {
    const { api, ctx } = to(coord)
    const frames: Buffer[] = []
    const first = await wire(api, JOIN, 9, joinReq(''), { ctx })
    const join = wire(api, JOIN, 9, joinReq(first.memberId), { ctx, frame: (f) => frames.push(f) })
    await flush()
    frames[0].fill(0x41)
    h.clock.now += 3000
    h.cluster.tick()
    const res = await join
    expect(Buffer.from(res.members[0].metadata)).toEqual(subscription(['t']))
    await wire(api, SYNC, 5, { groupId: 'g', generationId: 1, memberId: res.memberId, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: res.memberId, assignment: Buffer.from('mine') }] }, { frame: (f) => frames.push(f) })
    frames[1].fill(0x42)
    const d = await wire(api, DESCRIBE, 5, { groups: ['g'] })
    expect(Buffer.from(d.groups[0].members[0].memberMetadata)).toEqual(subscription(['t']))
    expect(Buffer.from(d.groups[0].members[0].memberAssignment).toString()).toBe('mine')
  })

  it('answers SyncGroup v5 without its protocol type or name INCONSISTENT_GROUP_PROTOCOL', async () => {
    const { memberId } = await joinAlone(9)
    const res = await wire(apis.get(coord)!, SYNC, 5, { groupId: 'g', generationId: 1, memberId, protocolType: null, protocolName: 'range', assignments: [] })
    expect(res.errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
  })
})

describe('a broker that is not the coordinator', () => {
  it('answers NOT_COORDINATOR to JoinGroup, Heartbeat, OffsetCommit, OffsetFetch (v1 per partition, v7 top level, v8 per group) and DescribeGroups, and changes nothing', async () => {
    const { api, ctx } = to(other)
    expect((await wire(api, JOIN, 9, joinReq(''), { ctx })).errorCode).toBe(E.NOT_COORDINATOR)
    expect((await wire(api, HEARTBEAT, 4, { groupId: 'g', generationId: 1, memberId: 'm' }, { ctx })).errorCode).toBe(E.NOT_COORDINATOR)
    const commit = await wire(api, COMMIT, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 3n }] }] }, { ctx })
    expect(commit.topics[0].partitions[0].errorCode).toBe(E.NOT_COORDINATOR)
    const v1 = await wire(api, FETCH, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 2] }] }, { ctx })
    expect(v1.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode)).toEqual([E.NOT_COORDINATOR, E.NOT_COORDINATOR])
    expect((await wire(api, FETCH, 7, { groupId: 'g', topics: null }, { ctx })).errorCode).toBe(E.NOT_COORDINATOR)
    expect((await wire(api, FETCH, 9, { groups: [{ groupId: 'g', topics: null }] }, { ctx })).groups[0].errorCode).toBe(E.NOT_COORDINATOR)
    expect((await wire(api, DESCRIBE, 5, { groups: ['g'] }, { ctx })).groups[0].errorCode).toBe(E.NOT_COORDINATOR)
    expect(h.cluster.listGroups()).toEqual([])
  })
})

describe('admin APIs', () => {
  it('lists only the groups the broker coordinates, with their state (v4 filter) and type (v5)', async () => {
    await joinAlone(9)
    await h.cluster.commitOffsets('simple', [{ topic: 't', partition: 0, offset: 1 }])
    const simpleCoord = h.cluster.groupCoordinator().findCoordinator('simple').nodeId
    const listed = new Map<string, unknown>()
    for (const b of [1, 2, 3]) for (const g of (await wire(apis.get(b)!, LIST, 5, {}, { ctx: connection(b) })).groups) listed.set(`${b}:${g.groupId}`, g)
    expect(listed.get(`${coord}:g`)).toEqual({ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' })
    expect(listed.get(`${simpleCoord}:simple`)).toEqual({ groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' })
    expect(listed.size).toBe(2)
    const stable = await wire(apis.get(coord)!, LIST, 4, { statesFilter: ['stable'] }, { ctx: connection(coord) })
    expect(stable.groups.map((g: { groupId: string }) => g.groupId)).toEqual(['g'])
    const v0 = await wire(apis.get(coord)!, LIST, 0, {}, { ctx: connection(coord) })
    expect(v0.groups.find((g: { groupId: string }) => g.groupId === 'g')).toEqual({ groupId: 'g', protocolType: 'consumer', groupState: '', groupType: '' })
  })

  it('deletes an Empty group with its offsets, refuses an active one (NON_EMPTY_GROUP) and an unknown one (GROUP_ID_NOT_FOUND)', async () => {
    const { memberId } = await joinAlone(9)
    await h.cluster.commitOffsets('idle', [{ topic: 't', partition: 0, offset: 1 }])
    const idleCoord = h.cluster.groupCoordinator().findCoordinator('idle').nodeId
    const res = await wire(apis.get(coord)!, DELETE, 2, { groupsNames: ['g', 'nope'] }, { ctx: connection(coord) })
    const nope = h.cluster.groupCoordinator().findCoordinator('nope').nodeId
    expect(res.results).toEqual([
      { groupId: 'g', errorCode: E.NON_EMPTY_GROUP },
      { groupId: 'nope', errorCode: nope === coord ? E.GROUP_ID_NOT_FOUND : E.NOT_COORDINATOR }
    ])
    expect((await wire(apis.get(idleCoord)!, DELETE, 1, { groupsNames: ['idle'] }, { ctx: connection(idleCoord) })).results).toEqual([{ groupId: 'idle', errorCode: 0 }])
    expect(h.cluster.listGroups()).toEqual(['g'])
    await wire(apis.get(coord)!, LEAVE, 3, { groupId: 'g', members: [{ memberId, groupInstanceId: null }] }, { ctx: connection(coord) })
    expect((await wire(apis.get(coord)!, DELETE, 2, { groupsNames: ['g'] }, { ctx: connection(coord) })).results).toEqual([{ groupId: 'g', errorCode: 0 }])
    expect(h.cluster.listGroups()).toEqual([])
  })

  it('deletes committed offsets of an Empty group (OffsetDelete), UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist, GROUP_ID_NOT_FOUND for an unknown group', async () => {
    const { api, ctx } = to(coord)
    const c = await wire(api, COMMIT, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 2n }, { partitionIndex: 1, committedOffset: 4n }] }] }, { ctx })
    expect(c.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode)).toEqual([0, 0])
    const res = await wire(api, OFFSET_DELETE, 0, { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 7 }] }] }, { ctx })
    expect(res).toMatchObject({ errorCode: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 7, errorCode: E.UNKNOWN_TOPIC_OR_PARTITION }] }] })
    expect([...h.cluster.fetchOffsets('g').offsets.get('t')!]).toEqual([[1, 4]])
    const unknownCoord = h.cluster.groupCoordinator().findCoordinator('unknown').nodeId
    const u = await wire(apis.get(unknownCoord)!, OFFSET_DELETE, 0, { groupId: 'unknown', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] }, { ctx: connection(unknownCoord) })
    expect(u.errorCode).toBe(E.GROUP_ID_NOT_FOUND)
  })

  it('refuses a committed offset beyond JavaScript\'s safe integers for its partition (INVALID_REQUEST) instead of rounding it', async () => {
    const { api, ctx } = to(coord)
    const res = await wire(api, COMMIT, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 2n ** 60n }, { partitionIndex: 1, committedOffset: 1n }] }] }, { ctx })
    expect(res.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode)).toEqual([E.INVALID_REQUEST, 0])
    expect(h.cluster.fetchOffsets('g').offsets.get('t')?.has(0)).toBe(false)
  })
})

describe('clientHostOf', () => {
  it('prints the client address as Kafka\'s InetAddress does, without the port', () => {
    expect(clientHostOf('127.0.0.1:53412')).toBe('/127.0.0.1')
    expect(clientHostOf('::ffff:127.0.0.1:53412')).toBe('/127.0.0.1')
    expect(clientHostOf('[::1]:9')).toBe('/::1')
  })
})
