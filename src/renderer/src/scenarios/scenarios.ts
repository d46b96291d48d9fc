/**
 * The scenario panel's guided experiments, in the order the panel lists them, and the Reset steps
 * that put the cluster back after any of them.
 * Must stay true: scenario ids are unique; resetSteps only undoes (starts, heals, deletes the
 * scenario's topic, moves leadership back to the preferred replicas), never creates.
 */
import type { Scenario, ScenarioStep } from './scenario-step'
import { killLeaderAcksAll } from './kill-leader-acks-all'
import { isolateLeader } from './isolate-leader'
import { uncleanElection } from './unclean-election'

/** Every scenario, as the panel lists them. */
export const SCENARIOS: readonly Scenario[] = [killLeaderAcksAll, isolateLeader, uncleanElection]

/** How long Reset waits for the restarted brokers to catch up, ms. */
export const RESET_SYNC_WAIT_MS = 60_000

/**
 * Reset after `scenario`: start every stopped or killed broker and heal every isolated or slowed one,
 * wait until they run unfenced and every replica is back in its ISR, delete the scenario's topic (if
 * it exists) and move leadership back to the preferred replicas (kafka-leader-election
 * --election-type PREFERRED), as the cluster was before the faults moved it.
 */
export function resetSteps(scenario: Scenario): ScenarioStep[] {
  return [
    { kind: 'restore-brokers', title: 'Start every stopped or killed broker, heal every isolated or slowed one' },
    { kind: 'await-in-sync', timeoutMs: RESET_SYNC_WAIT_MS, title: 'Wait until every broker runs unfenced and every replica is in its ISR' },
    { kind: 'delete-topic', topic: scenario.topic, missingOk: true, title: `Delete ${scenario.topic}` },
    { kind: 'elect', electionType: 'preferred', title: 'Move leadership back to the preferred replicas (preferred leader election)' }
  ]
}

/** The scenario with `id`, or undefined. */
export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id)
}
