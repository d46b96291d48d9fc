/**
 * The classic group protocol under random sequences of requests (a seeded model check): JoinGroup
 * (dynamic and static members, KIP-394 ids, versions 0-9, changing protocols and metadata, now and
 * then a client id the group record cannot hold),
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, the clock moving past session, join and sync
 * deadlines, and the coordinator's broker stopping and starting again, addressed to two groups.
 * Asserted: no call throws or rejects, no answer carries UNKNOWN_SERVER_ERROR (a coordinator bug,
 * never the client's fault), every JoinGroup and SyncGroup settles, and each group stays
 * consistent as DescribeGroups shows it (outside a join phase its leader is a member; no
 * group.instance.id held twice). Half the requests come from a well-behaved member (its own ids and
 * generation), so groups reach Stable. GROUP_RANDOM_SEED=N replays a run; the seed is in every failure.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { JoinGroupRequest } from '../../../../src/broker/group/group-requests'
import { FuzzRng } from '../protocol/fuzz-requests'
import { ctx, flush, openHarness, subscription, type Harness } from './group-harness'

const SEED = process.env.GROUP_RANDOM_SEED !== undefined ? Number(process.env.GROUP_RANDOM_SEED) : Math.floor(Math.random() * 0x7fffffff)
const STEPS = 3000
/** A client id the group metadata record cannot hold (32,768 UTF-8 bytes; the engine's own callers may pass one). */
const LONG_CLIENT_ID = 'é'.repeat(16384)

let h: Harness
afterEach(async () => {
  await h.cleanup()
})

describe('the group coordinator under random requests', () => {
  it('never throws, rejects or answers UNKNOWN_SERVER_ERROR, settles every join and sync, and keeps each group consistent', async () => {
    h = openHarness({ 'group.initial.rebalance.delay.ms': 500 })
    const gen = new FuzzRng(SEED)
    const rnd = (): number => gen.next()
    const pick = <T>(xs: readonly T[]): T => gen.pick(xs)
    const groups = ['g', 'g2'] as const
    const instances = [null, null, 'i1', 'i2'] as const
    const members: string[] = ['unknown-member']
    const generations: number[] = [-1, 0, 1]
    const problems: string[] = []
    const pending = new Set<Promise<unknown>>()
    const log: string[] = []
    const problem = (what: string): void => void problems.push(`seed ${SEED}: ${what}; last steps: ${log.slice(-8).join(' | ')}`)
    const check = (what: string, res: unknown): void => {
      const codes = JSON.stringify(res).match(/"errorCode":-1\b/)
      if (codes) problem(`${what} answered UNKNOWN_SERVER_ERROR: ${JSON.stringify(res).slice(0, 300)}`)
    }
    /** Members as a well-behaved client knows them: its group, member id, instance id and generation from its last JoinGroup answer. */
    const joined: { groupId: string; memberId: string; instance: string | null; generationId: number }[] = []
    const settle = (what: string, p: Promise<unknown>, joinOf?: { groupId: string; instance: string | null }): void => {
      const q = p.then(
        (res) => {
          const j = res as { memberId?: string; generationId?: number; errorCode?: number }
          if (joinOf && j.errorCode === 0 && j.memberId) {
            joined.push({ groupId: joinOf.groupId, memberId: j.memberId, instance: joinOf.instance, generationId: j.generationId! })
            if (joined.length > 20) joined.shift()
          }
          if (j.memberId && !members.includes(j.memberId)) members.push(j.memberId)
          if (typeof j.generationId === 'number' && j.generationId >= 0 && !generations.includes(j.generationId)) generations.push(j.generationId)
          check(what, res)
        },
        (e: Error) => problem(`${what} rejected: ${e.stack ?? e.message}`)
      )
      pending.add(q)
      void q.finally(() => pending.delete(q))
    }
    const call = (what: string, f: () => unknown, joinOf?: { groupId: string; instance: string | null }): void => {
      log.push(what)
      try {
        const res = f()
        if (res instanceof Promise) settle(what, res, joinOf)
        else check(what, res)
      } catch (e) {
        problem(`${what} threw: ${(e as Error).stack ?? String(e)}`)
      }
    }
    const protocols = (): JoinGroupRequest['protocols'] => {
      const all = [
        { name: 'range', metadata: subscription([pick(['t', 'u'])]) },
        { name: 'roundrobin', metadata: subscription(['t']) },
        { name: pick(['sticky', '', 'range']), metadata: rnd() < 0.5 ? subscription(['u']) : Buffer.from([1, 2, 3]) }
      ]
      const n = 1 + Math.floor(rnd() * 3)
      return all.sort(() => rnd() - 0.5).slice(0, n)
    }
    const gc = () => h.cluster.groupCoordinator()
    let stopped: number | null = null
    const stats = new Map<string, number>()

    for (let step = 0; step < STEPS && problems.length === 0; step++) {
      // half the requests come from a well-behaved member: its own group, ids and generation
      const known = joined.length > 0 && rnd() < 0.5 ? pick(joined) : null
      const groupId = known?.groupId ?? pick(groups)
      const clientId = rnd() < 0.02 ? LONG_CLIENT_ID : pick(['A', 'B', 'C'])
      const version = known ? pick([5, 9]) : pick([0, 1, 3, 4, 5, 5, 5, 7, 9])
      const instance = known ? known.instance : version >= 5 ? pick(instances) : null
      const memberId = known?.memberId ?? (rnd() < 0.25 ? '' : pick(members))
      const generationId = known?.generationId ?? pick(generations)
      const c = ctx(h.cluster, clientId, version, groupId)
      const r = rnd()
      if (r < 0.35) {
        const req: JoinGroupRequest = {
          groupId,
          sessionTimeoutMs: pick([6000, 10000, 30000, 5999]),
          rebalanceTimeoutMs: pick([-1, 1000, 20000]),
          memberId,
          groupInstanceId: instance,
          protocolType: rnd() < 0.95 ? 'consumer' : 'connect',
          protocols: known && rnd() < 0.7 ? [{ name: 'range', metadata: subscription(['t']) }] : protocols()
        }
        call(`join ${groupId} v${version} ${memberId || '(none)'} ${instance ?? '-'} [${req.protocols.map((p) => p.name).join(',')}]`, () => gc().joinGroup(c, req), { groupId, instance })
      } else if (r < 0.55) {
        const assignments = rnd() < 0.5 ? members.slice(-3).map((m) => ({ memberId: m, assignment: Buffer.from(m.slice(0, 4)) })) : []
        call(`sync ${groupId} ${memberId} ${instance ?? '-'} gen ${generationId}`, () =>
          gc().syncGroup(c, { groupId, generationId, memberId, groupInstanceId: instance, protocolType: rnd() < 0.5 ? 'consumer' : null, protocolName: rnd() < 0.5 ? pick(['range', 'roundrobin']) : null, assignments })
        )
      } else if (r < 0.7) {
        call(`heartbeat ${groupId} ${memberId} ${instance ?? '-'} gen ${generationId}`, () => gc().heartbeat(c, { groupId, generationId, memberId, groupInstanceId: instance }))
      } else if (r < 0.78) {
        call(`leave ${groupId} ${memberId} ${instance ?? '-'}`, () => gc().leaveGroup(c, { groupId, members: [{ memberId, groupInstanceId: instance, reason: null }] }))
      } else if (r < 0.83) {
        call(`commit ${groupId} ${memberId} gen ${generationId}`, () =>
          gc().offsetCommit(c, { groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: instance, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] }, { timeoutMs: 50 })
        )
      } else if (r < 0.97) {
        const ms = pick([0, 100, 500, 3000, 7000, 21000])
        log.push(`tick +${ms}`)
        h.clock.now += ms
        try {
          h.cluster.tick()
        } catch (e) {
          problem(`tick threw: ${(e as Error).stack}`)
        }
      } else {
        try {
          if (stopped === null) {
            stopped = gc().findCoordinator(groupId).nodeId
            if (stopped >= 0) {
              log.push(`stop broker ${stopped}`)
              h.cluster.stopBroker(stopped)
            } else stopped = null
          } else {
            log.push(`start broker ${stopped}`)
            h.cluster.startBroker(stopped)
            stopped = null
          }
        } catch (e) {
          problem(`stopping or starting a broker threw: ${(e as Error).stack}`)
        }
      }
      await flush()
      for (const g of groups) {
        try {
          const d = gc().describeGroup(g)
          stats.set(d.state, (stats.get(d.state) ?? 0) + 1)
          const ids = d.members.map((m) => m.memberId)
          if (ids.length > 0 && d.state !== 'PreparingRebalance' && !ids.includes(d.leader)) problem(`group ${g} (${d.state}) has leader ${d.leader}, not one of its members ${ids.join(', ')}`)
          const instanceIds = d.members.map((m) => m.groupInstanceId).filter((x) => x !== null)
          if (new Set(instanceIds).size !== instanceIds.length) problem(`group ${g} holds one group.instance.id twice: ${instanceIds.join(', ')}`)
        } catch (e) {
          problem(`describeGroup ${g} threw: ${(e as Error).stack}`)
        }
      }
    }
    // let every pending join and sync reach its deadline
    for (let i = 0; i < 20 && pending.size > 0; i++) {
      h.clock.now += 30000
      h.cluster.tick()
      await flush()
    }
    // eslint-disable-next-line no-console
    console.log(`group-random: seed ${SEED} (GROUP_RANDOM_SEED=${SEED} replays it), ${STEPS} steps, group states seen after each: ${[...stats].map(([k, v]) => `${k} ${v}`).join(', ')}`)
    expect(problems).toEqual([])
    expect(pending.size, `seed ${SEED}: JoinGroup or SyncGroup answers never settled`).toBe(0)
  })
})
