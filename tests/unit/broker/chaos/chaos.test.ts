/**
 * The chaos test (issue 11, "Proof"), on the engine API with an injected clock (see chaos-run.ts):
 * 3 brokers, 6 partitions, RF 3, keyed producers writing numbered sequences while a seeded driver
 * kills, starts, stops, slows and isolates brokers every few hundred ms. The seed is printed and
 * can be set with CHAOS_SEED (default 20261201: CI runs one fixed seed; `npm run soak` draws random ones); CHAOS_FAULT_MS sets the virtual time of faults (default 30000).
 * - clean: min.insync.replicas 2, acks=all, unclean elections off: nothing acknowledged is lost,
 *   order and replicas intact, and the engine reports no loss;
 * - unclean: min.insync.replicas 1, acks=all, unclean.leader.election.enable: loss may happen (one
 *   unclean election is forced when the faults made none), and the engine's records-lost report
 *   names exactly the committed records the run finds missing;
 * - the same seed gives the same run.
 */
import { describe, expect, it } from 'vitest'
import { chaosFindings, formatReport, runChaos, type ChaosReport } from './chaos-run'

/** CI runs one fixed seed, so a run lands or fails on the code, not on the draw; `npm run soak` explores random seeds. */
const DEFAULT_SEED = 20261201
const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : DEFAULT_SEED
const FAULT_MS = process.env.CHAOS_FAULT_MS ? Number(process.env.CHAOS_FAULT_MS) : 30000

/** The findings that must be empty in every run. */
function expectIntact(r: ChaosReport): void {
  expect(r.converged, r.notConverged.join('\n')).toBe(true)
  expect(r.duplicates).toEqual([])
  expect(r.orderViolations).toEqual([])
  expect(r.replicaMismatches).toEqual([])
  expect(r.anomalies).toEqual([])
  expect(r.unanswered).toBe(0)
}

describe('chaos', () => {
  it(`keeps every acknowledged record exactly once at its offset, in key order, on byte-identical replicas (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const r = await runChaos({ seed: SEED, faultMs: FAULT_MS })
    console.log(formatReport(r))
    // The run must have been chaotic: faults of every kind, fences, elections, and traffic.
    expect(r.faults.kill ?? 0).toBeGreaterThan(0)
    expect(r.faults.isolate ?? 0).toBeGreaterThan(0)
    expect(r.faults.slow ?? 0).toBeGreaterThan(0)
    expect(r.fences).toBeGreaterThan(0)
    expect(r.elections['clean-from-isr'] ?? 0).toBeGreaterThan(0)
    expect(r.acked).toBeGreaterThan(0)
    expect(r.failed).toBeGreaterThan(0)
    expectIntact(r)
    expect(r.lostRecords).toEqual([])
    expect(r.lost).toBe(0)
    expect(r.recordsLostEvents).toEqual([])
    expect(r.unreportedLoss).toEqual([])
    expect(r.elections.unclean ?? 0).toBe(0)
  })

  it(`with unclean.leader.election.enable and min.insync.replicas 1 loses records, exactly those the engine reports lost (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const r = await runChaos({ seed: SEED, faultMs: FAULT_MS, minInsyncReplicas: 1, uncleanLeaderElection: true, ensureUncleanElection: true })
    console.log(formatReport(r))
    expectIntact(r)
    expect(r.elections.unclean ?? 0).toBeGreaterThan(0)
    // Not vacuous: something committed was lost, and acknowledged records among it.
    expect(r.committedLost).toBeGreaterThan(0)
    expect(r.lost).toBeGreaterThan(0)
    // The engine's report equals what the run finds: every offset it names held a committed record
    // that is gone, and every committed record that is gone was named.
    expect(r.unreportedLoss).toEqual([])
    expect(r.overReportedLoss).toEqual([])
    expect(r.reportedLostOffsets).toBe(r.committedLost + r.restoredAfterLoss)
    // Every acknowledged record lost is among them (acks=all: acknowledged means committed).
    expect(r.lost).toBeLessThanOrEqual(r.committedLost)
  })

  // Found by npm run soak (fixed: a new leader counted a follower's unreconciled log end, see
  // tests/unit/broker/controller/new-leader-follower-positions.test.ts): seed 1043 left replicas
  // diverging and its loss report off. Kept as a regression run of that seed.
  it('with unclean elections keeps replicas byte-identical and the loss report exact (seed 1043, once a divergence)', { timeout: 120_000 }, async () => {
    const r = await runChaos({ seed: 1043, faultMs: 30000, minInsyncReplicas: 1, uncleanLeaderElection: true, ensureUncleanElection: true })
    expect(chaosFindings(r, true)).toEqual([])
  })

  it('runs the same for the same seed', { timeout: 60_000 }, async () => {
    const a = await runChaos({ seed: SEED, faultMs: 5000 })
    const b = await runChaos({ seed: SEED, faultMs: 5000 })
    const facts = (r: ChaosReport) => ({ ...r, wallMs: 0 })
    expect(a.trace.length).toBeGreaterThan(0)
    expect(facts(b)).toEqual(facts(a))
  })
})
