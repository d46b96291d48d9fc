/**
 * The groups view of a real group through EngineService (group/details, group/delete): two members
 * joined through the group coordinator as wire clients join (JoinGroup, SyncGroup with consumer
 * protocol assignments, LeaveGroup), on a 3-broker cluster with an injected clock. The view shows
 * state, protocol type, assignor, generation, coordinator, members with their decoded partitions,
 * lag per partition with the member assigned each one (assigned partitions never committed
 * included), and the rebalance history; a member leaving shows the next generation with one member
 * holding every partition; a group is deleted only once Empty (NON_EMPTY_GROUP in words before).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Cluster } from '../../../src/broker/cluster/cluster'
import { encodeConsumerProtocolAssignment } from '../../../src/broker/protocol/messages/consumer-protocol-assignment'
import { EngineService } from '../../../src/host/engine-service'
import type { GroupDetailsView, Reply } from '../../../src/shared/contract'
import { ctx, flush, GROUP, joinReq, openHarness, watch, type Harness } from '../broker/group/group-harness'

let h: Harness
let service: EngineService

afterEach(async () => {
  await service?.close().catch(() => undefined)
  await h?.cleanup()
})

/** A ConsumerProtocolAssignment v0 handing `partitions` of topic 't'. */
const assignment = (partitions: number[]): Buffer =>
  Buffer.concat([Buffer.from([0, 0]), encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 't', partitions }] }, 0)])

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

const details = (): Promise<GroupDetailsView> => ok(service.handle('group/details', { groupId: GROUP }))

/** Member ids of clients A and B once both are in generation 2, A leading with partition 0, B with 1 and 2. */
async function twoMembers(cluster: Cluster): Promise<{ a: string; b: string }> {
  const gc = cluster.groupCoordinator()
  const a = (await gc.joinGroup(ctx(cluster, 'client-a'), joinReq())).memberId
  const first = await gc.joinGroup(ctx(cluster, 'client-a'), joinReq(a))
  await gc.syncGroup(ctx(cluster, 'client-a'), { groupId: GROUP, generationId: first.generationId, memberId: a, groupInstanceId: null, assignments: [{ memberId: a, assignment: assignment([0, 1, 2]) }] })
  const b = (await gc.joinGroup(ctx(cluster, 'client-b'), joinReq())).memberId
  const bJoin = watch(gc.joinGroup(ctx(cluster, 'client-b'), joinReq(b)))
  await flush()
  const aJoin = await gc.joinGroup(ctx(cluster, 'client-a'), joinReq(a))
  await flush()
  expect(bJoin.done).toBe(true)
  expect(aJoin.leader).toBe(a)
  const bSync = gc.syncGroup(ctx(cluster, 'client-b'), { groupId: GROUP, generationId: aJoin.generationId, memberId: b, groupInstanceId: null, assignments: [] })
  await gc.syncGroup(ctx(cluster, 'client-a'), {
    groupId: GROUP,
    generationId: aJoin.generationId,
    memberId: a,
    groupInstanceId: null,
    assignments: [
      { memberId: a, assignment: assignment([0]) },
      { memberId: b, assignment: assignment([1, 2]) }
    ]
  })
  await bSync
  return { a, b }
}

describe('the groups view of a real group', () => {
  it('shows state, assignor, generation, coordinator, members with their partitions and lag per partition with its member', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    service = new EngineService(h.cluster, { clock: () => h.clock.now })
    const { a, b } = await twoMembers(h.cluster)
    await h.cluster.produce('t', Array.from({ length: 30 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })), { acks: 1 })
    h.cluster.replicateNow()
    h.cluster.replicateNow()
    const hw = h.cluster.describeTopic('t').partitions.map((p) => p.highWatermark)
    expect(hw.reduce((s, x) => s + x, 0)).toBe(30)
    const gc = h.cluster.groupCoordinator()
    const commit = await gc.offsetCommit(ctx(h.cluster, 'client-a'), {
      groupId: GROUP,
      generationIdOrMemberEpoch: 2,
      memberId: a,
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }]
    })
    expect(commit.topics[0].partitions[0].errorCode).toBe(0)

    const view = await details()
    const coordinator = h.cluster.describeGroup(GROUP).coordinator
    expect(view.membership).toMatchObject({ groupId: GROUP, state: 'Stable', protocolType: 'consumer', assignmentStrategy: 'range', generationId: 2 })
    expect(view.membership.coordinator?.id).toBe(coordinator)
    expect(view.membership.coordinator?.address).toBe(h.cluster.brokers().find((x) => x.id === coordinator)!.address)
    expect(view.membership.members.map((m) => [m.memberId, m.clientId, m.host, m.assignment])).toEqual(
      expect.arrayContaining([
        [a, 'client-a', '/127.0.0.1', [{ topic: 't', partitions: [0] }]],
        [b, 'client-b', '/127.0.0.1', [{ topic: 't', partitions: [1, 2] }]]
      ])
    )
    // Committed partition 0 has its offset; 1 and 2 (assigned to B, never committed) are rows too, lag from the log start.
    expect(view.partitions).toEqual([
      { topic: 't', partition: 0, currentOffset: 1, logEndOffset: hw[0], lag: hw[0] - 1, consumerId: a, host: '/127.0.0.1', clientId: 'client-a' },
      { topic: 't', partition: 1, currentOffset: null, logEndOffset: hw[1], lag: hw[1], consumerId: b, host: '/127.0.0.1', clientId: 'client-b' },
      { topic: 't', partition: 2, currentOffset: null, logEndOffset: hw[2], lag: hw[2], consumerId: b, host: '/127.0.0.1', clientId: 'client-b' }
    ])
    expect(view.totalLag).toBe(29)
    const kinds = view.history.map((e) => [e.kind, e.generationId, e.memberId])
    expect(kinds).toContainEqual(['member-joined', expect.any(Number), b])
    expect(kinds).toContainEqual(['group-stable', 2, null])
    expect(view.history.map((e) => e.seq)).toEqual([...view.history.map((e) => e.seq)].sort((x, y) => x - y))
  })

  it('counts the same total lag in the groups list as in the view of a group that has members but never committed', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    service = new EngineService(h.cluster, { clock: () => h.clock.now })
    await twoMembers(h.cluster)
    await h.cluster.produce('t', Array.from({ length: 30 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })), { acks: 1 })
    h.cluster.replicateNow()
    h.cluster.replicateNow()
    const view = await details()
    expect(view.partitions.map((r) => r.currentOffset)).toEqual([null, null, null])
    expect(view.totalLag).toBe(30)
    const listed = (await ok(service.handle('cluster/snapshot', {}))).groups.find((g) => g.groupId === GROUP)
    expect(listed?.totalLag).toBe(30)
  })

  it('shows a leaving member as the next generation with one member holding every partition, and a history entry saying who left and why', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    service = new EngineService(h.cluster, { clock: () => h.clock.now })
    const { a, b } = await twoMembers(h.cluster)
    const gc = h.cluster.groupCoordinator()
    gc.leaveGroup(ctx(h.cluster, 'client-b'), { groupId: GROUP, members: [{ memberId: b, groupInstanceId: null }] })
    expect((await details()).membership.state).toBe('PreparingRebalance')
    const again = await gc.joinGroup(ctx(h.cluster, 'client-a'), joinReq(a))
    await gc.syncGroup(ctx(h.cluster, 'client-a'), { groupId: GROUP, generationId: again.generationId, memberId: a, groupInstanceId: null, assignments: [{ memberId: a, assignment: assignment([0, 1, 2]) }] })

    const view = await details()
    expect(view.membership).toMatchObject({ state: 'Stable', generationId: 3 })
    expect(view.membership.members.map((m) => [m.memberId, m.assignment])).toEqual([[a, [{ topic: 't', partitions: [0, 1, 2] }]]])
    expect(view.partitions.map((p) => [p.partition, p.consumerId])).toEqual([
      [0, a],
      [1, a],
      [2, a]
    ])
    const left = view.history.find((e) => e.kind === 'member-left')
    expect(left).toMatchObject({ memberId: b, generationId: 2 })
    expect(left!.message).toContain(`Member ${b} left group ${GROUP}`)
    expect(view.history[view.history.length - 1]).toMatchObject({ kind: 'group-stable', generationId: 3 })
  })

  it("refuses to delete a group with members (NON_EMPTY_GROUP, in words), deletes it once Empty, and then finds it no more", async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    service = new EngineService(h.cluster, { clock: () => h.clock.now })
    const { a, b } = await twoMembers(h.cluster)
    const refused = await service.handle('group/delete', { groupId: GROUP })
    expect(refused).toEqual({
      ok: false,
      error: { code: 'NON_EMPTY_GROUP', message: `Deletion of group '${GROUP}' failed: the group is not empty (state Stable); only a group without active members can be deleted.` }
    })
    h.cluster.groupCoordinator().leaveGroup(ctx(h.cluster, 'client-a'), {
      groupId: GROUP,
      members: [
        { memberId: a, groupInstanceId: null },
        { memberId: b, groupInstanceId: null }
      ]
    })
    expect((await details()).membership).toMatchObject({ state: 'Empty', members: [] })
    expect(await ok(service.handle('group/delete', { groupId: GROUP }))).toEqual({ groupId: GROUP })
    const gone = await service.handle('group/details', { groupId: GROUP })
    expect(gone.ok).toBe(false)
    if (!gone.ok) expect(gone.error.code).toBe('GROUP_ID_NOT_FOUND')
  })
})
