/**
 * Offset resets as the UI's reset dialog asks for them: chosen partitions only (the others keep
 * their committed offsets), a plan row per partition with the current and new offsets, the log's
 * ends and how far the group moves (records skipped or read again), a partition that does not
 * exist refused; and Kafka's refusal while the group has active members, told by a stand-in
 * coordinator and by the embedded one once a client joined the group, for a dry run and an execute alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { coordinatorMembership, resetGroup, type GroupMembershipSource } from '../../../src/host/group-consumer'
import { toContractError } from '../../../src/host/contract-error'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster

beforeEach(async () => {
  tc = openTestCluster(1)
  tc.cluster.createTopic('t', { partitions: 3, replicationFactor: 1 })
  for (let p = 0; p < 3; p++)
    await tc.cluster.produce('t', Array.from({ length: 10 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), partition: p })), { acks: 1 })
  await tc.cluster.commitOffsets('g', [0, 1, 2].map((partition) => ({ topic: 't', partition, offset: 4 })))
})

afterEach(async () => {
  await tc.cleanup()
})

const committed = (): (number | undefined)[] => [0, 1, 2].map((p) => tc.cluster.fetchOffsets('g').offsets.get('t')?.get(p))

describe('resetGroup', () => {
  it('plans chosen partitions only, with current and new offsets, the log ends and the records skipped or read again', async () => {
    const dry = await resetGroup(tc.cluster, { groupId: 'g', topic: 't', partitions: [2, 0], to: { shiftBy: 3 }, dryRun: true })
    expect(dry.executed).toBe(false)
    expect(dry.plan).toEqual([
      { topic: 't', partition: 0, previousOffset: 4, newOffset: 7, logStartOffset: 0, logEndOffset: 10, offsetChange: 3, clamped: null },
      { topic: 't', partition: 2, previousOffset: 4, newOffset: 7, logStartOffset: 0, logEndOffset: 10, offsetChange: 3, clamped: null }
    ])
    expect(committed()).toEqual([4, 4, 4])
    const back = await resetGroup(tc.cluster, { groupId: 'g', topic: 't', partitions: [1], to: 'earliest' })
    expect(back.plan.map((r) => [r.partition, r.newOffset, r.offsetChange])).toEqual([[1, 0, -4]])
    expect(committed()).toEqual([4, 0, 4]) // the other partitions keep their offsets
  })

  it('gives no change for a partition the group never committed', async () => {
    const res = await resetGroup(tc.cluster, { groupId: 'new-group', topic: 't', to: 'latest', dryRun: true })
    expect(res.plan.map((r) => [r.previousOffset, r.newOffset, r.offsetChange])).toEqual([
      [null, 10, null],
      [null, 10, null],
      [null, 10, null]
    ])
  })

  it('refuses a partition the topic does not have, committing nothing', async () => {
    await expect(resetGroup(tc.cluster, { groupId: 'g', topic: 't', partitions: [0, 3], to: 'latest' })).rejects.toThrow(
      'Partition t-3 does not exist: t has 3 partitions (0 to 2)'
    )
    expect(committed()).toEqual([4, 4, 4])
  })

  it("is refused with Kafka's message while the coordinator reports active members, dry run or not", async () => {
    const stable: GroupMembershipSource = () => ({ state: 'Stable', members: 2 })
    for (const dryRun of [true, false]) {
      const e = await resetGroup(tc.cluster, { groupId: 'g', topic: 't', to: 'earliest', dryRun }, stable).catch((x: unknown) => x)
      expect(toContractError(e)).toEqual({
        code: 'NON_EMPTY_GROUP',
        message: "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable."
      })
    }
    const rebalancing: GroupMembershipSource = () => ({ state: 'PreparingRebalance', members: 1 })
    await expect(resetGroup(tc.cluster, { groupId: 'g', topic: 't', to: 'earliest' }, rebalancing)).rejects.toThrow('but the current state is PreparingRebalance.')
    expect(committed()).toEqual([4, 4, 4])
  })

  it('asks the embedded coordinator by default: a group a client joined is refused while it has members, and reset once they left', async () => {
    const gc = tc.cluster.groupCoordinator()
    const join = gc.joinGroup(
      { clientId: 'app', clientHost: '/127.0.0.1', apiVersion: 3 },
      { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] }
    )
    expect(coordinatorMembership(tc.cluster, 'g')).toEqual({ state: 'PreparingRebalance', members: 1 })
    tc.clock.now += 3000 // group.initial.rebalance.delay.ms
    tc.cluster.tick()
    const { memberId, generationId } = await join
    await gc.syncGroup({}, { groupId: 'g', generationId, memberId, groupInstanceId: null, assignments: [] })
    expect(coordinatorMembership(tc.cluster, 'g')).toEqual({ state: 'Stable', members: 1 })
    await expect(resetGroup(tc.cluster, { groupId: 'g', topic: 't', to: 'earliest' })).rejects.toThrow(
      "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable."
    )
    expect(committed()).toEqual([4, 4, 4])
    gc.leaveGroup({}, { groupId: 'g', members: [{ memberId, groupInstanceId: null }] })
    expect(coordinatorMembership(tc.cluster, 'g')).toEqual({ state: 'Empty', members: 0 })
    expect((await resetGroup(tc.cluster, { groupId: 'g', topic: 't', to: 'earliest' })).executed).toBe(true)
    expect(committed()).toEqual([0, 0, 0])
  })

  it('asks the coordinator by default: a group with offsets is Empty, an unknown one Dead, neither has members', async () => {
    expect(coordinatorMembership(tc.cluster, 'g')).toEqual({ state: 'Empty', members: 0 })
    expect(coordinatorMembership(tc.cluster, 'nobody')).toEqual({ state: 'Dead', members: 0 })
    expect((await resetGroup(tc.cluster, { groupId: 'nobody', topic: 't', to: 'earliest' })).executed).toBe(true)
  })
})
