/**
 * The group coordinator around the membership protocol: offset commits checked against the group's
 * generation and member, OffsetFetch, DeleteGroups and OffsetDelete rules, ListGroups and
 * DescribeGroups, groups (and their generation) surviving a close and reopen through their
 * GroupMetadata records, and the coordinator moving with the leadership of the group's
 * __consumer_offsets partition (NOT_COORDINATOR at the old leader, the group on the new one).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES as E, KafkaError } from '../../../../src/broker/model/errors'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../../../../src/broker/group/committed-offsets'
import type { OffsetCommitRequest } from '../../../../src/broker/group/group-requests'
import { ctx, flush, GROUP, joinReq, openHarness, watch, type Harness } from './group-harness'

let h: Harness
afterEach(async () => {
  await h.cleanup()
})

/** One dynamic member joined (no initial delay), synced with `assignment`: Stable at generation 1. */
async function stableMember(cluster: Cluster, assignment = 'a'): Promise<string> {
  const gc = cluster.groupCoordinator()
  const id = (await gc.joinGroup(ctx(cluster, 'A'), joinReq())).memberId
  const joined = await gc.joinGroup(ctx(cluster, 'A'), joinReq(id))
  expect(joined.generationId).toBeGreaterThan(0)
  await gc.syncGroup(ctx(cluster, 'A'), { groupId: GROUP, generationId: joined.generationId, memberId: id, groupInstanceId: null, assignments: [{ memberId: id, assignment: Buffer.from(assignment) }] })
  return id
}

function commitReq(generation: number, memberId: string, offset = 5): OffsetCommitRequest {
  return {
    groupId: GROUP,
    generationIdOrMemberEpoch: generation,
    memberId,
    groupInstanceId: null,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: 'meta' }] }]
  }
}

const codeOfCommit = (r: { topics: { partitions: { errorCode: number }[] }[] }): number => r.topics[0].partitions[0].errorCode

describe('offset commits', () => {
  it("are refused with Kafka's errors unless the member and generation are current, and admin commits only while the group is Empty", async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    // A commit with a generation to a group the coordinator does not know comes from an old generation.
    expect(codeOfCommit(await gc.offsetCommit(ctx(h.cluster), commitReq(3, 'ghost')))).toBe(E.ILLEGAL_GENERATION)
    const a = await stableMember(h.cluster)
    expect(codeOfCommit(await gc.offsetCommit(ctx(h.cluster), commitReq(0, a)))).toBe(E.ILLEGAL_GENERATION)
    expect(codeOfCommit(await gc.offsetCommit(ctx(h.cluster), commitReq(1, 'someone-else')))).toBe(E.UNKNOWN_MEMBER_ID)
    expect(codeOfCommit(await gc.offsetCommit(ctx(h.cluster), commitReq(-1, '')))).toBe(E.UNKNOWN_MEMBER_ID)
    const admin = await h.cluster.commitOffsets(GROUP, [{ topic: 't', partition: 0, offset: 1 }]).catch((e: unknown) => e)
    expect(admin).toBeInstanceOf(KafkaError)
    expect((admin as KafkaError).code).toBe('UNKNOWN_MEMBER_ID')
    expect((admin as KafkaError).message).toBe('Group g is Stable with 1 member: offsets can be committed without a member id only while the group is Empty')
    expect(h.cluster.fetchOffsets(GROUP).offsets.size).toBe(0) // nothing refused was committed

    const ok = await gc.offsetCommit(ctx(h.cluster), {
      ...commitReq(1, a),
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, committedMetadata: 'meta' }, { partitionIndex: 9, committedOffset: 1 }] },
        { name: 'u', partitions: [{ partitionIndex: 0, committedOffset: 2, committedMetadata: 'x'.repeat(4097) }] }
      ]
    })
    expect(ok.topics.map((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode]))).toEqual([
      [
        [0, 0],
        [9, E.UNKNOWN_TOPIC_OR_PARTITION]
      ],
      [[0, E.OFFSET_METADATA_TOO_LARGE]]
    ])
    expect(gc.offsetFetch(ctx(h.cluster), { groupId: GROUP, topics: [{ name: 't', partitionIndexes: [0, 1] }] })).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, metadata: 'meta', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
          ]
        }
      ]
    })

    // While the group waits for its assignment, its members' commits are REBALANCE_IN_PROGRESS.
    const b = (await gc.joinGroup(ctx(h.cluster, 'B'), joinReq())).memberId
    const jb = gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b))
    await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a))
    expect((await jb).generationId).toBe(2)
    expect(h.cluster.describeGroup(GROUP).state).toBe('CompletingRebalance')
    expect(codeOfCommit(await gc.offsetCommit(ctx(h.cluster), commitReq(2, a)))).toBe(E.REBALANCE_IN_PROGRESS)

    // Once every member left, the group is Empty and an admin commit goes through.
    gc.leaveGroup(ctx(h.cluster), { groupId: GROUP, members: [{ memberId: a, groupInstanceId: null }, { memberId: b, groupInstanceId: null }] })
    expect(h.cluster.describeGroup(GROUP).state).toBe('Empty')
    await h.cluster.commitOffsets(GROUP, [{ topic: 't', partition: 0, offset: 7 }])
    expect(h.cluster.fetchOffsets(GROUP).offsets.get('t')?.get(0)).toBe(7)
  })

  it('answers NOT_COORDINATOR at a broker that does not coordinate the group, and changes nothing', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const coordinator = gc.findCoordinator(GROUP).nodeId
    const other = { ...ctx(h.cluster), brokerId: [1, 2, 3].find((b) => b !== coordinator)! }
    expect((await gc.joinGroup(other, joinReq())).errorCode).toBe(E.NOT_COORDINATOR)
    expect(codeOfCommit(await gc.offsetCommit(other, commitReq(-1, '')))).toBe(E.NOT_COORDINATOR)
    expect(gc.offsetFetch(other, { groupId: GROUP, topics: null }).errorCode).toBe(E.NOT_COORDINATOR)
    expect(gc.describeGroups(other, [GROUP])[0].errorCode).toBe(E.NOT_COORDINATOR)
    expect(h.cluster.listGroups()).toEqual([])
  })
})

describe('deleting groups and offsets', () => {
  it('deletes only Empty groups (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND), with their offsets, for good', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const a = await stableMember(h.cluster)
    await gc.offsetCommit(ctx(h.cluster), commitReq(1, a, 3))
    expect((await gc.deleteGroups(ctx(h.cluster), [GROUP, 'nobody'])).results).toEqual([
      { groupId: GROUP, errorCode: E.NON_EMPTY_GROUP },
      { groupId: 'nobody', errorCode: E.GROUP_ID_NOT_FOUND }
    ])
    await expect(h.cluster.deleteGroup(GROUP)).rejects.toThrow("Deletion of group 'g' failed: the group is not empty (state Stable)")
    gc.leaveGroup(ctx(h.cluster), { groupId: GROUP, members: [{ memberId: a, groupInstanceId: null }] })
    await h.cluster.deleteGroup(GROUP)
    expect(h.cluster.listGroups()).toEqual([])
    expect(h.cluster.describeGroup(GROUP)).toMatchObject({ state: 'Dead', members: [] })
    expect(h.cluster.fetchOffsets(GROUP).offsets.size).toBe(0)
    expect(h.cluster.recentEvents().some((e) => e.kind === 'group-deleted' && e.groupId === GROUP)).toBe(true)
    await expect(h.cluster.deleteGroup(GROUP)).rejects.toMatchObject({ code: 'GROUP_ID_NOT_FOUND' })
    // The tombstones keep it deleted across a reopen.
    await h.cluster.close()
    const again = h.reopen()
    expect(again.listGroups()).toEqual([])
    expect(again.describeGroup(GROUP).state).toBe('Dead')
  })

  it("refuses OffsetDelete for topics an active consumer group subscribes to and deletes the others' offsets", async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const a = await stableMember(h.cluster) // subscribed to 't'
    await gc.offsetCommit(ctx(h.cluster), {
      ...commitReq(1, a),
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] },
        { name: 'u', partitions: [{ partitionIndex: 0, committedOffset: 2 }] }
      ]
    })
    const res = await gc.offsetDelete(ctx(h.cluster), { groupId: GROUP, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'u', partitions: [{ partitionIndex: 0 }] }] })
    expect(res).toEqual({
      errorCode: 0,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { name: 'u', partitions: [{ partitionIndex: 0, errorCode: 0 }] }
      ]
    })
    expect([...h.cluster.fetchOffsets(GROUP).offsets.keys()]).toEqual(['t'])
    expect((await gc.offsetDelete(ctx(h.cluster), { groupId: 'nobody', topics: [] })).errorCode).toBe(E.GROUP_ID_NOT_FOUND)
  })
})

describe('listing and describing', () => {
  it('lists groups with their state, filtered by state, and describes members with client id, host, metadata and assignment', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    await h.cluster.commitOffsets('simple', [{ topic: 'u', partition: 0, offset: 1 }])
    const a = await stableMember(h.cluster, 'my-partitions')
    expect(gc.listGroupStates({}).groups).toEqual([
      { groupId: GROUP, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' }
    ])
    expect(gc.listGroupStates({}, { statesFilter: ['stable'] }).groups.map((g) => g.groupId)).toEqual([GROUP])
    // A broker lists the groups it coordinates.
    for (const b of [1, 2, 3]) {
      const listed = gc.listGroupStates({ brokerId: b }).groups.map((g) => g.groupId)
      expect(listed.includes(GROUP)).toBe(gc.findCoordinator(GROUP).nodeId === b)
    }
    const [described, unknown] = gc.describeGroups(ctx(h.cluster), [GROUP, 'nobody'])
    expect(described).toMatchObject({ errorCode: 0, groupId: GROUP, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' })
    expect(described.members).toEqual([
      { memberId: a, groupInstanceId: null, clientId: 'A', clientHost: '/127.0.0.1', memberMetadata: joinReq().protocols[0].metadata, memberAssignment: Buffer.from('my-partitions') }
    ])
    expect(unknown).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] })
  })
})

describe('persistence and coordinator failover', () => {
  it('keeps groups and their generation across a close and reopen, and continues from that generation', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const a = await stableMember(h.cluster, 'kept')
    await h.cluster.close()
    const again = h.reopen()
    const d = again.describeGroup(GROUP)
    expect(d).toMatchObject({ state: 'Stable', generationId: 1, protocolType: 'consumer', protocol: 'range', leader: a })
    expect(d.members.map((m) => [m.memberId, m.clientId, m.assignment.toString()])).toEqual([[a, 'A', 'kept']])
    // The member's client is gone: its session expires on the new run's clock and the group empties at generation 2.
    h.clock.now += 10000
    again.tick()
    expect(again.describeGroup(GROUP)).toMatchObject({ state: 'Empty', generationId: 2, members: [] })
    await again.close()
    expect(h.reopen().describeGroup(GROUP)).toMatchObject({ state: 'Empty', generationId: 2 })
  })

  it("answers a leader's SyncGroup whose write is in flight NOT_COORDINATOR when the coordinator moves, and the unloaded copy starts no rebalance", async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const id = (await gc.joinGroup(ctx(h.cluster, 'A'), joinReq())).memberId
    await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(id))
    const old = gc.findCoordinator(GROUP).nodeId
    for (const b of [1, 2, 3].filter((x) => x !== old)) h.cluster.pauseFetching(b) // the write cannot reach the ISR
    const sync = gc.syncGroup(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: 1, memberId: id, groupInstanceId: null, assignments: [] })
    const seq = h.cluster.recentEvents().at(-1)!.seq
    h.cluster.stopBroker(old)
    expect((await sync).errorCode).toBe(E.NOT_COORDINATOR)
    await flush()
    const after = h.cluster.recentEvents(seq).filter((e) => e.groupId === GROUP).map((e) => e.kind)
    expect(after).toEqual(['group-write-failed'])
  })

  it('moves the group with the leadership of its offsets partition: NOT_COORDINATOR at the old leader, the group on the new one', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const a = await stableMember(h.cluster, 'before-failover')
    const old = gc.findCoordinator(GROUP).nodeId
    const partition = offsetsPartitionFor(GROUP)
    expect(h.cluster.describeTopic(OFFSETS_TOPIC).partitions[partition].leader).toBe(old)
    // A second member's join is pending (A has not rejoined) when the coordinator's broker stops.
    const b = (await gc.joinGroup(ctx(h.cluster, 'B'), joinReq())).memberId
    const pending = watch(gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b)))
    h.cluster.stopBroker(old)
    await flush()
    expect(pending.value).toMatchObject({ errorCode: E.NOT_COORDINATOR })
    const now = gc.findCoordinator(GROUP).nodeId
    expect(now).not.toBe(old)
    expect(now).toBeGreaterThan(0)
    const atOld = { ...ctx(h.cluster, 'A'), brokerId: old }
    expect(gc.heartbeat(atOld, { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null }).errorCode).toBe(E.NOT_COORDINATOR)
    // The new coordinator loaded the group as it was persisted: generation 1, A with its assignment.
    const atNew = { ...ctx(h.cluster, 'A'), brokerId: now }
    expect(gc.heartbeat(atNew, { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null }).errorCode).toBe(0)
    const [d] = gc.describeGroups(atNew, [GROUP])
    expect(d).toMatchObject({ groupState: 'Stable', protocolData: 'range' })
    expect(d.members.map((m) => [m.memberId, m.memberAssignment.toString()])).toEqual([[a, 'before-failover']])
    expect(h.cluster.recentEvents().some((e) => e.kind === 'group-coordinator-moved' && e.groupId === GROUP && e.brokerId === now)).toBe(true)
    // Clients that follow FindCoordinator carry on there: B joins again and the group rebalances to generation 2.
    const jb = gc.joinGroup({ ...atNew, clientId: 'B' }, joinReq(b))
    const ja = await gc.joinGroup(atNew, joinReq(a))
    expect((await jb).errorCode).toBe(E.UNKNOWN_MEMBER_ID) // its pending id died with the old coordinator
    expect(ja).toMatchObject({ errorCode: 0, generationId: 2, leader: a })
  })
})
