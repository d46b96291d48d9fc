/**
 * The scenario runner against a fake api (through the renderer's api client): each step's request
 * in order with the variables it bound, a failing step stopping the run with its error in words and
 * later steps left pending, waits driven by an injected clock (a timeout says what it last saw),
 * expected refusals, and the scenarios' own soundness (no variable used before it is bound).
 */
import { describe, expect, it } from 'vitest'
import type { BrokerView, ClusterSnapshot, PartitionView, TopicDetail } from '../../../../src/shared/contract'
import { call, setApi } from '../../../../src/renderer/src/api/client'
import { runScenarioSteps, type ScenarioClock, type StepState } from '../../../../src/renderer/src/scenarios/scenario-runner'
import { unboundVariables, type ScenarioStep } from '../../../../src/renderer/src/scenarios/scenario-step'
import { resetSteps, SCENARIOS } from '../../../../src/renderer/src/scenarios/scenarios'
import { FakeFailure, fakeApi, type FakeHandlers } from '../fake-api'

function partition(p: Partial<PartitionView>): PartitionView {
  return { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], logStartOffset: 0, logEndOffset: 0, highWatermark: 0, records: 0, sizeBytes: 0, replicaStates: [], underReplicated: false, underMinIsr: false, offline: false, ...p }
}

function topic(p: Partial<PartitionView>): TopicDetail {
  return { name: 't', partitions: 1, replicationFactor: 3, records: 0, uncountedPartitions: 0, offsetSpan: 0, sizeBytes: 0, underReplicatedPartitions: 0, underMinIsrPartitions: 0, offlinePartitions: 0, internal: false, configs: {} as TopicDetail['configs'], partitionViews: [partition(p)] }
}

function broker(id: number, b: Partial<BrokerView> = {}): BrokerView {
  return { id, address: `127.0.0.1:${9091 + id}`, alive: true, state: 'running', fenced: false, isolated: false, slowMs: 0, lastHeartbeatMs: 0, fetching: true, partitionsLed: 0, replicas: 0, bytesOnDisk: 0, controller: id === 1, ...b }
}

function snapshot(s: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    takenAt: 0,
    clusterId: 'c',
    controllerId: 1,
    brokers: [broker(1), broker(2), broker(3)],
    topics: [],
    partitions: {},
    underReplicatedPartitions: 0,
    underMinIsrPartitions: 0,
    offlinePartitions: 0,
    throughput: { recordsInPerSec: [], bytesInPerSec: [], bytesOutPerSec: [] },
    topicThroughput: {},
    groups: [],
    groupLag: {},
    events: [],
    ...s
  }
}

/** A clock whose sleep only moves time (no waiting). */
function fakeClock(): ScenarioClock & { slept: number[] } {
  let now = 1000
  const slept: number[] = []
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) }
}

async function run(steps: ScenarioStep[], handlers: FakeHandlers) {
  const api = fakeApi(handlers)
  setApi(api)
  const clock = fakeClock()
  const history: [number, StepState['status']][] = []
  const states: StepState[] = steps.map(() => ({ status: 'pending', detail: null, error: null }))
  const outcome = await runScenarioSteps(steps, {
    call,
    clock,
    pollMs: 500,
    onStep: (i, s) => {
      states[i] = s
      history.push([i, s.status])
    }
  })
  return { api, clock, outcome, states, history }
}

const killLeader: ScenarioStep[] = [
  { kind: 'check-cluster', brokers: 3, title: 'check' },
  { kind: 'create-topic', topic: 't', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 }, title: 'create' },
  { kind: 'produce', topic: 't', acks: 'all', records: [{ key: 'k', value: 'v' }], title: 'produce' },
  { kind: 'find-leader', topic: 't', partition: 0, as: 'leader', title: 'find leader' },
  { kind: 'broker', action: 'kill', broker: 'leader', title: 'kill' },
  { kind: 'await-partition', topic: 't', partition: 0, until: { kind: 'new-leader', from: 'leader' }, as: 'newLeader', timeoutMs: 10_000, title: 'await' }
]

describe('runScenarioSteps', () => {
  it('sends each step’s request in order, one step after the other, binding the brokers it finds', async () => {
    let describes = 0
    const { api, outcome, states, history, clock } = await run(killLeader, {
      'cluster/snapshot': () => snapshot(),
      'topic/create': () => topic({ leader: 2 }),
      'produce/send': () => ({ requested: 1, written: 1, partitions: [{ partition: 0, firstOffset: 0, lastOffset: 0, records: 1 }], acks: [], failed: null, elapsedMs: 1, ackWait: null }),
      // leader 2 until the third describe after the kill, then broker 3 leads
      'topic/describe': () => (++describes <= 3 ? topic({ leader: 2 }) : topic({ leader: 3, isr: [3, 1] })),
      'broker/kill': () => ({ ok: true })
    })
    expect(api.calls.map((c) => c.name)).toEqual(['cluster/snapshot', 'topic/create', 'produce/send', 'topic/describe', 'broker/kill', 'topic/describe', 'topic/describe', 'topic/describe'])
    expect(api.calls[1].req).toEqual({ topic: 't', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    expect(api.calls[4].req).toEqual({ brokerId: 2 })
    expect(outcome).toEqual({ ok: true, variables: { leader: 2, newLeader: 3 } })
    expect(states.map((s) => s.status)).toEqual(Array(6).fill('done'))
    expect(history.slice(0, 4)).toEqual([
      [0, 'running'],
      [0, 'done'],
      [1, 'running'],
      [1, 'done']
    ])
    expect(states[5].detail).toBe('t-0: leader broker 3, ISR [3, 1]')
    expect(clock.slept).toEqual([500, 500])
  })

  it('stops at the first failing step, reports its error in words and sends nothing after it', async () => {
    const { api, outcome, states } = await run(killLeader, {
      'cluster/snapshot': () => snapshot(),
      'topic/create': () => {
        throw new FakeFailure({ code: 'POLICY_VIOLATION', message: 'Topic t is not allowed' })
      }
    })
    expect(outcome).toEqual({ ok: false, failedStep: 1, error: { code: 'POLICY_VIOLATION', message: 'Topic t is not allowed' } })
    expect(api.calls.map((c) => c.name)).toEqual(['cluster/snapshot', 'topic/create'])
    expect(states.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending', 'pending', 'pending'])
    expect(states[1].error).toEqual({ code: 'POLICY_VIOLATION', message: 'Topic t is not allowed' })
  })

  it('tells the user to Reset when the scenario topic is left from an earlier run, or when a broker is not running normally', async () => {
    const exists = await run(killLeader.slice(0, 2), {
      'cluster/snapshot': () => snapshot(),
      'topic/create': () => {
        throw new FakeFailure({ code: 'TOPIC_ALREADY_EXISTS', message: 'Topic t already exists' })
      }
    })
    expect(exists.states[1].error).toEqual({ code: 'TOPIC_ALREADY_EXISTS', message: 'Topic t already exists. It is left from an earlier run: Reset deletes it.' })
    const down = await run(killLeader, { 'cluster/snapshot': () => snapshot({ brokers: [broker(1), broker(2, { state: 'killed', alive: false, fenced: true }), broker(3, { isolated: true })] }) })
    expect(down.outcome.ok).toBe(false)
    expect(down.states[0].error?.message).toBe('Every broker must run normally first: broker 2 is killed, fenced; broker 3 is isolated. Reset starts and heals them.')
    expect(down.api.calls).toHaveLength(1)
  })

  it('times out a wait on the injected clock, saying what it last saw', async () => {
    const steps: ScenarioStep[] = [
      { kind: 'find-leader', topic: 't', partition: 0, as: 'leader', title: 'find' },
      { kind: 'await-partition', topic: 't', partition: 0, until: { kind: 'new-leader', from: 'leader' }, timeoutMs: 2000, title: 'await' }
    ]
    const { outcome, api, clock } = await run(steps, { 'topic/describe': () => topic({ leader: 2 }) })
    expect(outcome).toEqual({ ok: false, failedStep: 1, error: { code: 'TIMED_OUT', message: 'Still waiting after 2.0 s: t-0 has leader broker 2, ISR [1, 2, 3]' } })
    expect(clock.slept).toEqual([500, 500, 500, 500])
    expect(api.calls).toHaveLength(6)
  })

  it('counts an expected refusal as done and an acknowledged send as a failure when a refusal was expected', async () => {
    const steps: ScenarioStep[] = [{ kind: 'produce', topic: 't', acks: 'all', records: [{ key: 'k', value: 'v' }], expectError: 'NOT_ENOUGH_REPLICAS', title: 'refused' }]
    const refused = await run(steps, {
      'produce/send': () => {
        throw new FakeFailure({ code: 'NOT_ENOUGH_REPLICAS', message: 'The ISR of t-0 has 1 replica(s), fewer than min.insync.replicas=2' })
      }
    })
    expect(refused.outcome.ok).toBe(true)
    expect(refused.states[0].detail).toBe('refused as expected: NOT_ENOUGH_REPLICAS: The ISR of t-0 has 1 replica(s), fewer than min.insync.replicas=2')
    const acked = await run(steps, { 'produce/send': () => ({ requested: 1, written: 1, partitions: [], acks: [], failed: null, elapsedMs: 1, ackWait: null }) })
    expect(acked.outcome).toEqual({ ok: false, failedStep: 0, error: { code: 'SCENARIO_STEP_FAILED', message: 'Expected NOT_ENOUGH_REPLICAS, but all 1 record(s) were acknowledged with acks=all' } })
    const otherwise = await run(steps, {
      'produce/send': () => {
        throw new FakeFailure({ code: 'LEADER_NOT_AVAILABLE', message: 't-0 has no leader' })
      }
    })
    expect(otherwise.outcome).toEqual({ ok: false, failedStep: 0, error: { code: 'LEADER_NOT_AVAILABLE', message: 'Expected NOT_ENOUGH_REPLICAS, but the send failed otherwise: t-0 has no leader' } })
    const partly = await run([{ kind: 'produce', topic: 't', acks: 'all', records: [{ key: 'k', value: 'v' }, { key: 'k', value: 'w' }], title: 'acknowledged' }], {
      'produce/send': () => ({ requested: 2, written: 1, partitions: [], acks: [], failed: { fromIndex: 1, toIndex: 1, code: 'REQUEST_TIMED_OUT', message: 'record 1 timed out', unacknowledged: null }, elapsedMs: 1, ackWait: null })
    })
    expect(partly.outcome).toEqual({ ok: false, failedStep: 0, error: { code: 'REQUEST_TIMED_OUT', message: '1 record(s) acknowledged, then: record 1 timed out' } })
  })

  it('refuses a scenario that uses a broker before a step finds it, before sending anything', async () => {
    const { outcome, api } = await run([{ kind: 'broker', action: 'kill', broker: 'leader', title: 'Kill the leader' }], {})
    expect(outcome).toEqual({ ok: false, failedStep: 0, error: { code: 'INVALID_SCENARIO', message: 'The scenario cannot run: step 1 ("Kill the leader") uses "leader" before a step binds it' } })
    expect(api.calls).toEqual([])
  })

  it('Reset starts only the brokers that are down, heals only the faulted ones, and takes a missing topic as deleted', async () => {
    const steps = resetSteps(SCENARIOS[0])
    const { api, outcome, states } = await run(steps, {
      'cluster/snapshot': () => snapshot({ brokers: [broker(1, { state: 'killed', alive: false }), broker(2, { slowMs: 200 }), broker(3)] }),
      'broker/start': () => ({ ok: true }),
      'broker/heal': () => ({ ok: true }),
      'topic/delete': () => {
        throw new FakeFailure({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'no such topic' })
      },
      'cluster/elect-leaders': () => [{ topic: 'flights', partition: 0, outcome: 'elected', previousLeader: 2, leader: 3, leaderEpoch: 4 }]
    })
    // the wait's snapshot is the same fake, which still shows broker 1 killed: it times out
    expect(api.calls.slice(0, 3)).toEqual([
      { name: 'cluster/snapshot', req: {} },
      { name: 'broker/start', req: { brokerId: 1 } },
      { name: 'broker/heal', req: { brokerId: 2 } }
    ])
    expect(outcome.ok).toBe(false)
    expect(states[1].error?.message).toBe('Still waiting after 60.0 s: broker 1 is killed; broker 2 is slowed by 200 ms')

    const healthy = await run(steps, {
      'cluster/snapshot': () => snapshot(),
      'topic/delete': () => {
        throw new FakeFailure({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'no such topic' })
      },
      'cluster/elect-leaders': () => [{ topic: 'flights', partition: 0, outcome: 'elected', previousLeader: 2, leader: 3, leaderEpoch: 4 }]
    })
    expect(healthy.outcome.ok).toBe(true)
    expect(healthy.api.calls.map((c) => c.name)).toEqual(['cluster/snapshot', 'cluster/snapshot', 'topic/delete', 'cluster/elect-leaders'])
    expect(healthy.api.calls[3].req).toEqual({ electionType: 'preferred' })
    expect(healthy.states.map((s) => s.detail)).toEqual(['every broker was running and healed', 'every broker runs and every replica is in its ISR', 'scenario-acks-all does not exist', 'broker 3 leads flights-0 (was 2)'])
  })

  it('reports a preferred election that could not move a leader', async () => {
    const { outcome } = await run([{ kind: 'elect', electionType: 'preferred', title: 'elect' }], {
      'cluster/elect-leaders': () => [{ topic: 'flights', partition: 2, outcome: 'failed', previousLeader: 1, leader: 1, leaderEpoch: 3, error: { code: 'PREFERRED_LEADER_NOT_AVAILABLE', message: 'broker 3 is not in the ISR' } }]
    })
    expect(outcome).toEqual({ ok: false, failedStep: 0, error: { code: 'PREFERRED_LEADER_NOT_AVAILABLE', message: '1 partition(s) kept their leader: flights-2 (broker 3 is not in the ISR)' } })
  })
})

describe('the scenarios', () => {
  it('are sound: unique ids, every broker found before it is used, each starts by checking the cluster and creating its own topic', () => {
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length)
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(3)
    for (const s of SCENARIOS) {
      expect(unboundVariables(s.steps)).toEqual([])
      expect(s.steps[0].kind).toBe('check-cluster')
      expect(s.steps[1]).toMatchObject({ kind: 'create-topic', topic: s.topic })
      expect(resetSteps(s).find((st) => st.kind === 'delete-topic')).toMatchObject({ topic: s.topic, missingOk: true })
    }
  })
})
