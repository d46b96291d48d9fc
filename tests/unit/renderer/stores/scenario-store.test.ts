/**
 * useScenarioStore: a run fills the selected scenario's step states and ends with the outcome of
 * its failed step; one run or reset at a time; no switching scenario while one runs.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { ClusterSnapshot } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useClusterStore } from '../../../../src/renderer/src/stores/cluster-store'
import { useScenarioStore } from '../../../../src/renderer/src/stores/scenario-store'
import { SCENARIOS } from '../../../../src/renderer/src/scenarios/scenarios'
import { fakeApi } from '../fake-api'

const snapshot = (killed: number | null): ClusterSnapshot =>
  ({
    takenAt: 0,
    clusterId: 'c',
    controllerId: 1,
    brokers: [1, 2, 3].map((id) => ({ id, state: id === killed ? 'killed' : 'running', alive: id !== killed, fenced: false, isolated: false, slowMs: 0 })),
    events: [],
    underReplicatedPartitions: 0
  }) as unknown as ClusterSnapshot

beforeEach(() => setActivePinia(createPinia()))

describe('useScenarioStore', () => {
  it('runs the selected scenario and stops at the failing step with its error, later steps pending', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(2) })
    setApi(api)
    const store = useScenarioStore()
    expect(store.scenario.id).toBe(SCENARIOS[0].id)
    await store.run()
    expect(store.busy).toBeNull()
    expect(store.steps[0]).toMatchObject({ status: 'failed', error: { code: 'SCENARIO_STEP_FAILED' } })
    expect(store.steps[0].error?.message).toContain('broker 2 is killed')
    expect(store.steps.slice(1).every((s) => s.status === 'pending')).toBe(true)
    expect(store.outcome).toMatchObject({ kind: 'run', ok: false, step: 0 })
    expect(api.calls.map((c) => c.name)).toEqual(['cluster/snapshot'])
  })

  it('ignores a second run and a change of scenario while one is running', async () => {
    // the first request waits until the test opens the gate, so the run stays in progress
    const fake = fakeApi({ 'cluster/snapshot': () => snapshot(2) })
    let open = (): void => undefined
    const gate = new Promise<void>((r) => (open = r))
    setApi({ ...fake, request: async (name, req) => (await gate, fake.request(name, req)) })
    const store = useScenarioStore()
    const first = store.run()
    expect(store.busy).toBe('run')
    await store.run()
    await store.reset()
    store.select(SCENARIOS[1].id)
    expect(store.selectedId).toBe(SCENARIOS[0].id)
    expect(fake.calls).toEqual([])
    open()
    await first
    expect(fake.calls).toHaveLength(1)
    store.select(SCENARIOS[1].id)
    expect(store.selectedId).toBe(SCENARIOS[1].id)
    expect(store.steps).toHaveLength(SCENARIOS[1].steps.length)
    expect(store.steps.every((s) => s.status === 'pending')).toBe(true)
    expect(store.outcome).toBeNull()
  })

  it('keeps the scenario’s events from each snapshot, and starts afresh at each run', async () => {
    setApi(fakeApi({ 'cluster/snapshot': () => snapshot(2) }))
    const store = useScenarioStore()
    const topic = store.scenario.topic
    const e = (seq: number, t?: string) => ({ seq, time: seq, kind: (t ? 'isr-shrink' : 'broker-killed') as 'isr-shrink' | 'broker-killed', severity: 'info' as const, ...(t ? { topic: t } : {}), message: `e${seq}` })
    store.noteEvents([e(1, topic), e(2, 'flights')])
    await store.run()
    expect(store.events).toEqual([])
    store.noteEvents([e(2, 'flights'), e(3, topic), e(4)])
    store.noteEvents([e(5, 'flights')])
    expect(store.events.map((x) => x.seq)).toEqual([3, 4])
  })

  it('follows the timeline while it runs, whichever view is shown, with the events a burst pushed out of the snapshots, and stops following after', async () => {
    const log = Array.from({ length: 8 }, (_, i) => ({ seq: i + 1, time: i + 1, kind: 'isr-shrink' as const, severity: 'warning' as const, topic: useScenarioStore().scenario.topic, message: `e${i + 1}` }))
    const fake = fakeApi({ 'cluster/snapshot': () => snapshot(2), 'cluster/events': ({ afterSeq }) => log.filter((e) => e.seq > afterSeq && e.seq < 7) })
    let open = (): void => undefined
    const gate = new Promise<void>((r) => (open = r))
    setApi({ ...fake, request: async (name, req) => (name.startsWith('cluster/') ? fake.request(name, req) : (await gate, fake.request(name, req))) })
    await useClusterStore().start()
    const store = useScenarioStore()
    const running = store.run()
    const push = (seq: number) => fake.emit('snapshot', { ...snapshot(null), events: [log[seq - 1]] })
    // Only event 7 reaches a snapshot; 1 to 6 are read from cluster/events by the timeline.
    push(7)
    await vi.waitFor(() => expect(store.events.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]))
    open()
    await running
    push(8)
    await new Promise((r) => setTimeout(r, 10))
    expect(store.events.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('Reset shows its own steps and, when done, puts the scenario steps back to pending', async () => {
    setApi(
      fakeApi({
        'cluster/snapshot': () => snapshot(null),
        'topic/delete': () => ({ ok: true }),
        'cluster/elect-leaders': () => []
      })
    )
    const store = useScenarioStore()
    store.steps[0] = { status: 'failed', detail: null, error: { code: 'X', message: 'x' } }
    await store.reset()
    expect(store.resetStates?.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done'])
    expect(store.outcome).toEqual({ kind: 'reset', ok: true })
    expect(store.steps.every((s) => s.status === 'pending')).toBe(true)
  })
})
