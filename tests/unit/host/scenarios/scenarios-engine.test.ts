/**
 * The scenario panel's three experiments and Reset, run by the scenario runner through the real
 * contract (EngineService over a real 3-broker Cluster) with an injected clock: a wait's sleep moves
 * the cluster's clock and ticks it (heartbeats, fencing), so broker.session.timeout.ms passes
 * without waiting for it. Each scenario must end with every step done and the cluster in the state
 * it describes; Reset must leave every broker running, every replica in sync, the topic gone.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ClusterEventView, RequestName, RequestOf, ResponseOf } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
import { runScenarioSteps, type ContractCall, type ScenarioClock, type StepState } from '../../../../src/renderer/src/scenarios/scenario-runner'
import { resetSteps } from '../../../../src/renderer/src/scenarios/scenarios'
import { killLeaderAcksAll, SCENARIO_ACKS_ALL_TOPIC } from '../../../../src/renderer/src/scenarios/kill-leader-acks-all'
import { isolateLeader, SCENARIO_ISOLATE_TOPIC } from '../../../../src/renderer/src/scenarios/isolate-leader'
import { uncleanElection, SCENARIO_UNCLEAN_TOPIC } from '../../../../src/renderer/src/scenarios/unclean-election'
import type { Scenario } from '../../../../src/renderer/src/scenarios/scenario-step'
import { openTestCluster, type TestCluster } from '../test-cluster'

const open: { tc: TestCluster; service: EngineService }[] = []
afterEach(async () => {
  for (const { tc, service } of open.splice(0)) {
    await service.close()
    await tc.cleanup()
  }
})

function setup(): { tc: TestCluster; service: EngineService; call: ContractCall; clock: ScenarioClock } {
  const tc = openTestCluster(3)
  const service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  open.push({ tc, service })
  const call: ContractCall = async <N extends RequestName>(name: N, req: RequestOf<N>): Promise<ResponseOf<N>> => {
    const r = await service.handle(name, req)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.data
  }
  const clock: ScenarioClock = {
    now: () => tc.clock.now,
    async sleep(ms) {
      tc.clock.now += ms
      tc.cluster.tick()
      // let the background replication rounds (the scheduler on the event loop) run
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    }
  }
  return { tc, service, call, clock }
}

async function run(s: { call: ContractCall; clock: ScenarioClock }, steps: Scenario['steps']) {
  const states: StepState[] = []
  const outcome = await runScenarioSteps(steps, { call: s.call, clock: s.clock, pollMs: 500, onStep: (i, st) => (states[i] = st) })
  return { outcome, states }
}

function failures(states: StepState[], steps: Scenario['steps']): string[] {
  return states.flatMap((st, i) => (st.status === 'failed' ? [`${steps[i].title}: ${st.error?.code}: ${st.error?.message}`] : []))
}

function events(tc: TestCluster, kind: ClusterEventView['kind'], topic: string) {
  return tc.cluster.recentEvents().filter((e) => e.kind === kind && e.topic === topic)
}

describe('the scenarios against a real cluster', () => {
  it('kill the leader with acks=all: a new leader from the ISR, the ISR shrinks, acks=all holds with 2 and is refused with NOT_ENOUGH_REPLICAS with 1', async () => {
    const s = setup()
    const { outcome, states } = await run(s, killLeaderAcksAll.steps)
    expect(failures(states, killLeaderAcksAll.steps)).toEqual([])
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    const { leader, newLeader, follower } = outcome.variables
    expect(newLeader).not.toBe(leader)
    expect(follower).not.toBe(newLeader)
    const p = s.tc.cluster.describeTopic(SCENARIO_ACKS_ALL_TOPIC).partitions[0]
    expect(p).toMatchObject({ leader: newLeader, isr: [newLeader], highWatermark: 6 })
    expect(states.at(-1)?.detail).toContain('NOT_ENOUGH_REPLICAS')
    expect(s.tc.cluster.brokers().filter((b) => b.state === 'killed').map((b) => b.id).sort()).toEqual([leader, follower].sort())
  })

  it('isolate a leader: fenced after the session timeout, a new leader elected, and it rejoins the ISR once healed', async () => {
    const s = setup()
    const { outcome, states } = await run(s, isolateLeader.steps)
    expect(failures(states, isolateLeader.steps)).toEqual([])
    if (!outcome.ok) throw new Error('run failed')
    const { leader, newLeader } = outcome.variables
    const p = s.tc.cluster.describeTopic(SCENARIO_ISOLATE_TOPIC).partitions[0]
    expect(p.leader).toBe(newLeader)
    expect(p.isr).toContain(leader)
    expect(p.highWatermark).toBe(6)
    expect(events(s.tc, 'leader-elected', SCENARIO_ISOLATE_TOPIC).some((e) => e.reason === 'fenced' && e.previousLeader === leader)).toBe(true)
  })

  it('unclean election: the stale follower leads and the records-lost event names the offsets only the old leader had', async () => {
    const s = setup()
    const { outcome, states } = await run(s, uncleanElection.steps)
    expect(failures(states, uncleanElection.steps)).toEqual([])
    if (!outcome.ok) throw new Error('run failed')
    const [lost] = events(s.tc, 'records-lost', SCENARIO_UNCLEAN_TOPIC)
    expect(lost).toMatchObject({ fromOffset: 3, toOffset: 8, count: 5 })
    const lostStep = uncleanElection.steps.findIndex((st) => st.kind === 'await-event')
    expect(states[lostStep].detail).toBe(lost.message)
    const p = s.tc.cluster.describeTopic(SCENARIO_UNCLEAN_TOPIC).partitions[0]
    expect(p).toMatchObject({ leader: outcome.variables.follower, logEndOffset: 3 })
    expect(p.isr.sort()).toEqual([outcome.variables.leader, outcome.variables.follower].sort())
  })

  it('Reset after a scenario starts every broker, waits until all replicas are in sync, deletes the topic and restores the preferred leaders', async () => {
    const s = setup()
    await s.call('topic/create', { topic: 'orders', partitions: 3, replicationFactor: 3 })
    const preferred = s.tc.cluster.describeTopic('orders').partitions.map((p) => p.leader)
    expect((await run(s, killLeaderAcksAll.steps)).outcome.ok).toBe(true)
    expect(s.tc.cluster.describeTopic('orders').partitions.map((p) => p.leader)).not.toEqual(preferred)

    const steps = resetSteps(killLeaderAcksAll)
    const { outcome, states } = await run(s, steps)
    expect(failures(states, steps)).toEqual([])
    expect(outcome.ok).toBe(true)
    expect(s.tc.cluster.brokers().map((b) => [b.state, b.fenced, b.isolated])).toEqual(Array(3).fill(['running', false, false]))
    expect(s.tc.cluster.listTopics().map((t) => t.name)).not.toContain(SCENARIO_ACKS_ALL_TOPIC)
    expect(s.tc.cluster.describeTopic('orders').partitions.map((p) => p.leader)).toEqual(preferred)
    expect(s.tc.cluster.describeTopic('orders').partitions.every((p) => p.isr.length === 3)).toBe(true)
  })
})
