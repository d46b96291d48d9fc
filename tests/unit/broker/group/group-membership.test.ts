/**
 * The classic group protocol in the embedded cluster's coordinator, driven as a wire client would
 * drive it (requests addressed to the coordinator broker, answers as promises): join, sync and
 * heartbeat cycles with rebalances and generations, KIP-394 member ids, KIP-345 static members,
 * session and rebalance timeouts on an injected clock (the cluster's tick runs the timers), the
 * join-time checks, and the rebalance events.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES as E } from '../../../../src/broker/model/errors'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import type { JoinGroupResponse } from '../../../../src/broker/group/group-requests'
import { ctx, flush, GROUP, joinReq, openHarness, subscription, watch, type Harness } from './group-harness'

let h: Harness
afterEach(async () => {
  await h.cleanup()
})

/** KIP-394: a first join gets MEMBER_ID_REQUIRED and the id to come back with; returns that id. */
async function memberIdFor(cluster: Cluster, clientId: string): Promise<string> {
  const first = await cluster.groupCoordinator().joinGroup(ctx(cluster, clientId), joinReq())
  expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED)
  return first.memberId
}

/** Two members A and B joined in one generation (after the initial delay), synced, Stable. */
async function stableGroupOfTwo(h: Harness): Promise<{ a: string; b: string; gen: number }> {
  const gc = h.cluster.groupCoordinator()
  const a = await memberIdFor(h.cluster, 'A')
  const b = await memberIdFor(h.cluster, 'B')
  const ja = gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a))
  const jb = gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b))
  // B joined during the first delay, so the join phase waits one more group.initial.rebalance.delay.ms.
  for (let i = 0; i < 2; i++) {
    h.clock.now += 3000
    h.cluster.tick()
  }
  const [ra, rb] = await Promise.all([ja, jb])
  const sa = gc.syncGroup(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: ra.generationId, memberId: a, groupInstanceId: null, assignments: [{ memberId: a, assignment: Buffer.from('A0') }, { memberId: b, assignment: Buffer.from('B0') }] })
  const sb = gc.syncGroup(ctx(h.cluster, 'B'), { groupId: GROUP, generationId: rb.generationId, memberId: b, groupInstanceId: null, assignments: [] })
  await Promise.all([sa, sb])
  return { a, b, gen: ra.generationId }
}

describe('join, sync and heartbeat', () => {
  it('runs a full cycle with two members, then rebalances to a new generation and assignment when a third joins', async () => {
    h = openHarness()
    const gc = h.cluster.groupCoordinator()
    const a = await memberIdFor(h.cluster, 'A')
    const b = await memberIdFor(h.cluster, 'B')
    const ja = watch(gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a)))
    const jb = watch(gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b)))
    await flush()
    expect(ja.done).toBe(false) // group.initial.rebalance.delay.ms holds the first join phase of an empty group
    expect(gc.describeGroup(GROUP).state).toBe('PreparingRebalance')
    h.clock.now += 3000
    h.cluster.tick()
    await flush()
    expect(ja.done).toBe(false) // B joined during the delay: it is extended once more (Kafka's DelayedInitialJoin)
    h.clock.now += 3000
    h.cluster.tick()
    await flush()
    const ra = ja.value!
    const rb = jb.value!
    expect(ra).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: a, memberId: a })
    expect(ra.members.map((m) => m.memberId)).toEqual([a, b])
    expect(ra.members[1].metadata).toEqual(subscription(['t']))
    expect(rb).toMatchObject({ errorCode: 0, generationId: 1, leader: a, memberId: b, members: [] })
    expect(gc.describeGroup(GROUP).state).toBe('CompletingRebalance')

    // B syncs first and waits for the leader's assignment.
    const sb = watch(gc.syncGroup(ctx(h.cluster, 'B'), { groupId: GROUP, generationId: 1, memberId: b, groupInstanceId: null, assignments: [] }))
    await flush()
    expect(sb.done).toBe(false)
    const sa = await gc.syncGroup(ctx(h.cluster, 'A'), {
      groupId: GROUP,
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: a, assignment: Buffer.from('A:t-0,t-1') },
        { memberId: b, assignment: Buffer.from('B:t-2') }
      ]
    })
    await flush()
    expect(sa).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('A:t-0,t-1') })
    expect(sb.value).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('B:t-2') })
    expect(gc.describeGroup(GROUP).state).toBe('Stable')
    expect(gc.heartbeat(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null })).toEqual({ errorCode: 0 })

    // A third member joins: the others learn of the rebalance from their heartbeats and rejoin.
    const c = await memberIdFor(h.cluster, 'C')
    const jc = watch(gc.joinGroup(ctx(h.cluster, 'C'), joinReq(c)))
    expect(gc.describeGroup(GROUP).state).toBe('PreparingRebalance')
    expect(gc.heartbeat(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null })).toEqual({ errorCode: E.REBALANCE_IN_PROGRESS })
    expect(gc.heartbeat(ctx(h.cluster, 'B'), { groupId: GROUP, generationId: 1, memberId: b, groupInstanceId: null })).toEqual({ errorCode: E.REBALANCE_IN_PROGRESS })
    const ja2 = watch(gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a)))
    await flush()
    expect(jc.done).toBe(false) // B has not rejoined yet
    const rb2 = await gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b))
    await flush()
    expect(rb2).toMatchObject({ errorCode: 0, generationId: 2, leader: a, members: [] })
    expect(ja2.value!.members.map((m) => m.memberId)).toEqual([a, b, c])
    expect(jc.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a, memberId: c })
    // A member still on generation 1 is refused.
    expect((await gc.syncGroup(ctx(h.cluster, 'C'), { groupId: GROUP, generationId: 1, memberId: c, groupInstanceId: null, assignments: [] })).errorCode).toBe(E.ILLEGAL_GENERATION)
    const syncs = [a, b, c].map((m) => gc.syncGroup(ctx(h.cluster), { groupId: GROUP, generationId: 2, memberId: m, groupInstanceId: null, assignments: m === a ? [a, b, c].map((x) => ({ memberId: x, assignment: Buffer.from(`${x}@2`) })) : [] }))
    const answers = await Promise.all(syncs)
    expect(answers.map((s) => s.assignment.toString())).toEqual([`${a}@2`, `${b}@2`, `${c}@2`])
    const d = gc.describeGroup(GROUP)
    expect(d).toMatchObject({ state: 'Stable', generationId: 2, protocolType: 'consumer', protocol: 'range', leader: a })
    expect(d.members.map((m) => [m.clientId, m.clientHost, m.assignment.toString()])).toEqual([
      ['A', '/127.0.0.1', `${a}@2`],
      ['B', '/127.0.0.1', `${b}@2`],
      ['C', '/127.0.0.1', `${c}@2`]
    ])

    // Every state change is an event naming the group and its generation.
    const events = h.cluster.recentEvents().filter((e) => e.groupId === GROUP)
    expect(events.map((e) => [e.kind, e.generationId])).toEqual([
      ['member-joined', 0],
      ['group-rebalance-started', 0],
      ['member-joined', 0],
      ['group-completing-rebalance', 1],
      ['group-stable', 1],
      ['member-joined', 1],
      ['group-rebalance-started', 1],
      ['group-completing-rebalance', 2],
      ['group-stable', 2]
    ])
    expect(events[5]).toMatchObject({ memberId: c })
  })

  it('hands out a member id with MEMBER_ID_REQUIRED from JoinGroup v4 and admits the member when it comes back with it', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const first = await gc.joinGroup(ctx(h.cluster, 'A', 4), joinReq())
    expect(first).toMatchObject({ errorCode: E.MEMBER_ID_REQUIRED, generationId: -1 })
    expect(first.memberId).toMatch(/^A-[0-9a-f-]{36}$/)
    expect(gc.describeGroup(GROUP).members).toEqual([]) // pending, not a member yet
    expect((await gc.joinGroup(ctx(h.cluster, 'A', 4), joinReq('A-made-up'))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    const joined = await gc.joinGroup(ctx(h.cluster, 'A', 4), joinReq(first.memberId))
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, memberId: first.memberId, leader: first.memberId })
    // Before v4 a member is admitted on its first join.
    const old = watch(gc.joinGroup(ctx(h.cluster, 'B', 3), joinReq()))
    await flush()
    expect(gc.describeGroup(GROUP).members.map((m) => m.clientId)).toEqual(['A', 'B'])
    expect(old.done).toBe(false) // waits for A to rejoin the new rebalance
  })

  it('forgets a member id it handed out when the member does not come back within its session timeout', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const id = await memberIdFor(h.cluster, 'A')
    expect(h.cluster.listGroups()).toEqual([GROUP])
    h.clock.now += 10000
    h.cluster.tick()
    expect(h.cluster.listGroups()).toEqual([]) // a group that never had a member is not kept
    expect((await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(id))).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect(h.cluster.listGroups()).toEqual([])
  })

  it('refuses joins with a session timeout out of bounds, another protocol type or no common protocol, and beyond group.max.size', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0, 'group.max.size': 2 })
    const gc = h.cluster.groupCoordinator()
    expect((await gc.joinGroup(ctx(h.cluster), joinReq('', { sessionTimeoutMs: 5999 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await gc.joinGroup(ctx(h.cluster), joinReq('', { sessionTimeoutMs: 1800001 }))).errorCode).toBe(E.INVALID_SESSION_TIMEOUT)
    expect((await gc.joinGroup(ctx(h.cluster), joinReq('', { protocols: [] }))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const a = await memberIdFor(h.cluster, 'A')
    expect((await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a))).errorCode).toBe(0)
    expect((await gc.joinGroup(ctx(h.cluster), joinReq('', { protocolType: 'connect' }))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    expect((await gc.joinGroup(ctx(h.cluster), joinReq('', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(E.INCONSISTENT_GROUP_PROTOCOL)
    const b = await memberIdFor(h.cluster, 'B')
    const jb = gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b))
    await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a))
    expect((await jb).generationId).toBe(2)
    expect((await gc.joinGroup(ctx(h.cluster), joinReq(''))).errorCode).toBe(E.GROUP_MAX_SIZE_REACHED)
    expect(gc.describeGroup(GROUP).members).toHaveLength(2)
  })

  it('refuses with INVALID_REQUEST a join carrying a string the group metadata record cannot hold (int16 length), before it joins', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    // 16,384 two-byte characters: 32,768 UTF-8 bytes, one more than an int16-length string holds
    const long = 'é'.repeat(16384)
    const refused = async (clientId: string, req: Parameters<typeof joinReq>[1], memberId = ''): Promise<number> => (await gc.joinGroup(ctx(h.cluster, clientId), joinReq(memberId, req))).errorCode
    expect(await refused('A', { protocolType: long })).toBe(E.INVALID_REQUEST)
    expect(await refused('A', { protocols: [{ name: long, metadata: subscription(['t']) }] })).toBe(E.INVALID_REQUEST)
    expect(await refused('A', { groupInstanceId: long })).toBe(E.INVALID_REQUEST)
    expect(await refused('A', {}, long)).toBe(E.INVALID_REQUEST)
    // the client id is the member's too: its new member id (dynamic), or stored beside it (static)
    expect(await refused(long, {})).toBe(E.INVALID_REQUEST)
    expect(await refused(long, { groupInstanceId: 'i1' })).toBe(E.INVALID_REQUEST)
    expect(gc.describeGroup(GROUP).members).toEqual([])
    // a static member with a client id that fits joins, and its group is stored
    expect(await refused('é'.repeat(16383), { groupInstanceId: 'i1' })).toBe(0)
    expect(gc.describeGroup(GROUP).members.map((m) => m.groupInstanceId)).toEqual(['i1'])
  })

  it('picks the protocol every member supports with the most preference votes', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const m = (name: string) => ({ name, metadata: subscription(['t']) })
    const a = await memberIdFor(h.cluster, 'A')
    const b = await memberIdFor(h.cluster, 'B')
    const c = await memberIdFor(h.cluster, 'C')
    const answers = Promise.all([
      gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a, { protocols: [m('range'), m('cooperative-sticky')] })),
      gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b, { protocols: [m('cooperative-sticky'), m('roundrobin'), m('range')] })),
      gc.joinGroup(ctx(h.cluster, 'C'), joinReq(c, { protocols: [m('roundrobin'), m('cooperative-sticky'), m('range')] }))
    ])
    // roundrobin is not supported by A; of the two common ones B and C prefer cooperative-sticky.
    expect((await answers).map((r: JoinGroupResponse) => r.protocolName)).toEqual(['cooperative-sticky', 'cooperative-sticky', 'cooperative-sticky'])
  })
})

describe('static membership (KIP-345)', () => {
  it('lets a returning static member replace its old member id without a rebalance, fencing the old id', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const s1 = await gc.joinGroup(ctx(h.cluster, 'A'), joinReq('', { groupInstanceId: 'i1' }))
    expect(s1).toMatchObject({ errorCode: 0, generationId: 1 })
    expect(s1.memberId).toMatch(/^i1-/)
    await gc.syncGroup(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: 1, memberId: s1.memberId, groupInstanceId: 'i1', assignments: [{ memberId: s1.memberId, assignment: Buffer.from('mine') }] })
    expect(gc.describeGroup(GROUP).state).toBe('Stable')
    const before = h.cluster.recentEvents().filter((e) => e.kind === 'group-rebalance-started').length

    // The process restarts: same group.instance.id, no member id.
    const back = await gc.joinGroup(ctx(h.cluster, 'A'), joinReq('', { groupInstanceId: 'i1' }))
    expect(back).toMatchObject({ errorCode: 0, generationId: 1, leader: back.memberId, skipAssignment: true })
    expect(back.memberId).not.toBe(s1.memberId)
    expect(gc.describeGroup(GROUP)).toMatchObject({ state: 'Stable', generationId: 1 })
    expect(h.cluster.recentEvents().filter((e) => e.kind === 'group-rebalance-started').length).toBe(before)
    const sync = await gc.syncGroup(ctx(h.cluster, 'A'), { groupId: GROUP, generationId: 1, memberId: back.memberId, groupInstanceId: 'i1', assignments: [] })
    expect(sync.assignment.toString()).toBe('mine')
    expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: s1.memberId, groupInstanceId: 'i1' }).errorCode).toBe(E.FENCED_INSTANCE_ID)
    expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: back.memberId, groupInstanceId: 'i1' }).errorCode).toBe(0)
    // LeaveGroup by instance id with a stale member id is fenced too; with the current one it leaves.
    expect(gc.leaveGroup(ctx(h.cluster), { groupId: GROUP, members: [{ memberId: s1.memberId, groupInstanceId: 'i1' }] }).members[0].errorCode).toBe(E.FENCED_INSTANCE_ID)
    expect(gc.leaveGroup(ctx(h.cluster), { groupId: GROUP, members: [{ memberId: '', groupInstanceId: 'i1' }] }).members[0].errorCode).toBe(0)
    expect(gc.describeGroup(GROUP)).toMatchObject({ state: 'Empty', generationId: 2, members: [] })
  })

  it('answers a static leader returning with JoinGroup before v9 as a follower: no member list, the old leader id (Kafka, before KIP-814)', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    const s1 = await gc.joinGroup(ctx(h.cluster, 'A', 5), joinReq('', { groupInstanceId: 'i1' }))
    expect(s1).toMatchObject({ errorCode: 0, generationId: 1, leader: s1.memberId })
    await gc.syncGroup(ctx(h.cluster, 'A', 5), { groupId: GROUP, generationId: 1, memberId: s1.memberId, groupInstanceId: 'i1', assignments: [{ memberId: s1.memberId, assignment: Buffer.from('mine') }] })
    const back = await gc.joinGroup(ctx(h.cluster, 'A', 5), joinReq('', { groupInstanceId: 'i1' }))
    // a v5 client that saw itself as leader would compute an assignment a Stable group never hands out
    expect(back).toMatchObject({ errorCode: 0, generationId: 1, leader: s1.memberId, skipAssignment: false, members: [] })
    expect(back.memberId).not.toBe(s1.memberId)
    expect(gc.describeGroup(GROUP)).toMatchObject({ state: 'Stable', generationId: 1, leader: back.memberId })
    const sync = await gc.syncGroup(ctx(h.cluster, 'A', 5), { groupId: GROUP, generationId: 1, memberId: back.memberId, groupInstanceId: 'i1', assignments: [] })
    expect(sync.assignment.toString()).toBe('mine')
  })
})

describe('timeouts on the cluster clock', () => {
  it('removes a member whose session expires and rebalances the others', async () => {
    h = openHarness()
    const gc = h.cluster.groupCoordinator()
    const { a, b } = await stableGroupOfTwo(h)
    h.clock.now += 6000
    expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null }).errorCode).toBe(0)
    h.cluster.tick()
    expect(gc.describeGroup(GROUP).members).toHaveLength(2) // B's 10 s session has not expired yet
    h.clock.now += 4000
    h.cluster.tick()
    const d = gc.describeGroup(GROUP)
    expect(d.state).toBe('PreparingRebalance')
    expect(d.members.map((m) => m.memberId)).toEqual([a])
    const left = h.cluster.recentEvents().find((e) => e.kind === 'member-left')!
    expect(left).toMatchObject({ groupId: GROUP, memberId: b, generationId: 1, severity: 'warning' })
    expect(left.message).toContain('session timeout (10,000 ms)')
    expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: b, groupInstanceId: null }).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    const again = await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a))
    expect(again).toMatchObject({ errorCode: 0, generationId: 2, leader: a })
    expect(again.members.map((m) => m.memberId)).toEqual([a])
  })

  it('removes a member that does not rejoin within the rebalance timeout and completes the generation without it', async () => {
    h = openHarness()
    const gc = h.cluster.groupCoordinator()
    const { a, b } = await stableGroupOfTwo(h)
    const c = await memberIdFor(h.cluster, 'C')
    const jc = watch(gc.joinGroup(ctx(h.cluster, 'C'), joinReq(c)))
    const ja = watch(gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a)))
    // B keeps heartbeating but never rejoins.
    for (let t = 0; t < 15000; t += 5000) {
      h.clock.now += 5000
      expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: b, groupInstanceId: null }).errorCode).toBe(E.REBALANCE_IN_PROGRESS)
      h.cluster.tick()
    }
    await flush()
    expect(ja.done).toBe(false)
    h.clock.now += 5000 // 20 s after the rebalance began
    h.cluster.tick()
    await flush()
    expect(ja.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a })
    expect(ja.value!.members.map((m) => m.memberId)).toEqual([a, c])
    expect(jc.value).toMatchObject({ errorCode: 0, generationId: 2 })
    expect(gc.heartbeat(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: b, groupInstanceId: null }).errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    expect(h.cluster.recentEvents().find((e) => e.kind === 'member-left')!.message).toContain('did not rejoin within the rebalance timeout')
  })

  it('answers a follower waiting in SyncGroup when the leader never sends the assignment, within the rebalance timeout', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 0 })
    const gc = h.cluster.groupCoordinator()
    // Sessions (30 s) outlast the rebalance timeout (20 s): only the sync deadline removes the leader.
    const long = { sessionTimeoutMs: 30000 }
    const a = await memberIdFor(h.cluster, 'A')
    await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a, long))
    await gc.syncGroup(ctx(h.cluster), { groupId: GROUP, generationId: 1, memberId: a, groupInstanceId: null, assignments: [] })
    const b = await memberIdFor(h.cluster, 'B')
    const jb = gc.joinGroup(ctx(h.cluster, 'B'), joinReq(b, long))
    const ra = await gc.joinGroup(ctx(h.cluster, 'A'), joinReq(a, long))
    const rb = await jb
    expect(ra.generationId).toBe(2)
    const sb = watch(gc.syncGroup(ctx(h.cluster), { groupId: GROUP, generationId: 2, memberId: b, groupInstanceId: null, assignments: [] }))
    h.clock.now += 20000
    h.cluster.tick()
    await flush()
    expect(rb.generationId).toBe(2)
    expect(sb.value).toMatchObject({ errorCode: E.REBALANCE_IN_PROGRESS })
    expect(gc.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([b]) // the silent leader was removed
  })
})

describe('LeaveGroup', () => {
  it('removes members in a batch, answering unknown ones UNKNOWN_MEMBER_ID, and empties the group', async () => {
    h = openHarness()
    const gc = h.cluster.groupCoordinator()
    const { a, b } = await stableGroupOfTwo(h)
    const res = gc.leaveGroup(ctx(h.cluster), {
      groupId: GROUP,
      members: [
        { memberId: a, groupInstanceId: null },
        { memberId: 'nobody', groupInstanceId: null },
        { memberId: b, groupInstanceId: null, reason: 'the consumer is being closed' }
      ]
    })
    expect(res).toEqual({
      errorCode: 0,
      members: [
        { memberId: a, groupInstanceId: null, errorCode: 0 },
        { memberId: 'nobody', groupInstanceId: null, errorCode: E.UNKNOWN_MEMBER_ID },
        { memberId: b, groupInstanceId: null, errorCode: 0 }
      ]
    })
    expect(gc.describeGroup(GROUP)).toMatchObject({ state: 'Empty', generationId: 2, members: [] })
    expect(h.cluster.recentEvents().filter((e) => e.kind === 'member-left').map((e) => e.severity)).toEqual(['info', 'info'])
    expect(h.cluster.recentEvents().filter((e) => e.kind === 'member-left').map((e) => e.message)).toEqual([
      expect.stringContaining('it left the group'),
      expect.stringContaining('the consumer is being closed')
    ])
  })
})
