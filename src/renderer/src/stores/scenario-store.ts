/**
 * useScenarioStore: the scenario panel's state (issue 11): which guided experiment is selected, the
 * state of each of its steps during and after a Run, and of each Reset step, whether a run or
 * reset is in progress, and the cluster events about the scenario since its last Run (taken from
 * the timeline store's history, which reads from cluster/events what a burst pushed out of the
 * snapshots, scenario-events.ts: the panel notes the history it shows, and a run or reset follows
 * the history itself, so nothing is missed while the user is on another view). The steps run in the renderer through the api client (scenario-runner.ts).
 * Must stay true: at most one run or reset at a time (a second call while busy does nothing); the
 * step states always match the selected scenario's steps (or its reset steps); switching scenario
 * is refused while busy, so a run's states never land on another scenario.
 */
import { defineStore } from 'pinia'
import type { ClusterEventView, ContractError } from '../../../shared/contract'
import { call } from '../api/client'
import { useTimelineStore } from './timeline-store'
import { pendingStates, runScenarioSteps, wallClock, type StepState } from '../scenarios/scenario-runner'
import type { Scenario, ScenarioStep } from '../scenarios/scenario-step'
import { resetSteps, SCENARIOS, scenarioById } from '../scenarios/scenarios'
import { mergeScenarioEvents } from '../scenarios/scenario-events'

/** Pause between two polls of a scenario's waits, ms. */
export const SCENARIO_POLL_MS = 500

/** Events the panel keeps about its scenario at most. */
export const SCENARIO_EVENTS_KEPT = 40

/** What the panel shows about the last run or reset. */
export type ScenarioOutcome = { kind: 'run' | 'reset'; ok: true } | { kind: 'run' | 'reset'; ok: false; step: number; error: ContractError }

/** The scenario store's state (see the module header). */
export interface ScenarioState {
  selectedId: string
  /** States of the selected scenario's steps. */
  steps: StepState[]
  /** States of the reset steps, null until Reset was pressed for this scenario. */
  resetStates: StepState[] | null
  busy: 'run' | 'reset' | null
  outcome: ScenarioOutcome | null
  /** Events about the scenario (its topic, the brokers) since the last Run or selection, oldest first. */
  events: ClusterEventView[]
  /** Events up to this seq are older than the last Run or selection (-1: none seen yet, take what shows). */
  eventsSince: number
  /** The newest event seq of the last snapshot noted. */
  newestSeq: number
}

/** The scenario panel's store: select, run, reset, noteEvents (see the module header). */
export const useScenarioStore = defineStore('scenario', {
  state: (): ScenarioState => ({ selectedId: SCENARIOS[0].id, steps: pendingStates(SCENARIOS[0].steps.length), resetStates: null, busy: null, outcome: null, events: [], eventsSince: -1, newestSeq: 0 }),
  getters: {
    scenario: (s): Scenario => scenarioById(s.selectedId) ?? SCENARIOS[0],
    resetStepList(): ScenarioStep[] {
      return resetSteps(this.scenario)
    }
  },
  actions: {
    /** Selects scenario `id` (unknown ids and any change while busy are ignored); its steps start pending. */
    select(id: string): void {
      const s = scenarioById(id)
      if (!s || this.busy || id === this.selectedId) return
      this.selectedId = id
      this.steps = pendingStates(s.steps.length)
      this.resetStates = null
      this.outcome = null
      this.events = []
      this.eventsSince = this.newestSeq
    },
    /** Notes the timeline's events now and whenever its history changes; returns the unsubscribe function. */
    followEvents(): () => void {
      const timeline = useTimelineStore()
      timeline.start()
      this.noteEvents(timeline.history.events)
      return timeline.$subscribe(() => this.noteEvents(timeline.history.events), { detached: true, flush: 'sync' })
    },
    /** Keeps the events (oldest first, e.g. a snapshot's or the timeline's) that are about the selected scenario. */
    noteEvents(events: ClusterEventView[]): void {
      if (events.length > 0) this.newestSeq = Math.max(this.newestSeq, events[events.length - 1].seq)
      this.events = mergeScenarioEvents(this.events, events, this.scenario.topic, this.eventsSince, SCENARIO_EVENTS_KEPT)
    },
    /** Runs the selected scenario's steps from the first; resolves when it ended (done or at the failed step). */
    async run(): Promise<void> {
      if (this.busy) return
      this.busy = 'run'
      this.outcome = null
      this.resetStates = null
      this.steps = pendingStates(this.scenario.steps.length)
      this.events = []
      this.eventsSince = this.newestSeq
      const unsubscribe = this.followEvents()
      try {
        const r = await runScenarioSteps(this.scenario.steps, { call, clock: wallClock, pollMs: SCENARIO_POLL_MS, onStep: (i, st) => (this.steps[i] = st) })
        this.outcome = r.ok ? { kind: 'run', ok: true } : { kind: 'run', ok: false, step: r.failedStep, error: r.error }
      } finally {
        unsubscribe()
        this.busy = null
      }
    },
    /** Runs the reset steps (start and heal every broker, wait until in sync, delete the topic, preferred election). */
    async reset(): Promise<void> {
      if (this.busy) return
      this.busy = 'reset'
      this.outcome = null
      const steps = this.resetStepList
      this.resetStates = pendingStates(steps.length)
      const unsubscribe = this.followEvents()
      try {
        const r = await runScenarioSteps(steps, { call, clock: wallClock, pollMs: SCENARIO_POLL_MS, onStep: (i, st) => (this.resetStates![i] = st) })
        this.outcome = r.ok ? { kind: 'reset', ok: true } : { kind: 'reset', ok: false, step: r.failedStep, error: r.error }
        if (r.ok) this.steps = pendingStates(this.scenario.steps.length)
      } finally {
        unsubscribe()
        this.busy = null
      }
    }
  }
})
