/**
 * The chaos test (issue 11, "Proof"), on the engine API with an injected clock (see chaos-run.ts):
 * 3 brokers, 6 partitions, RF 3, keyed producers writing numbered sequences while a seeded driver
 * kills, starts, stops, slows and isolates brokers every few hundred ms. The seed is printed and
 * can be set with CHAOS_SEED; CHAOS_FAULT_MS sets the virtual time of faults (default 30000).
 * - clean: min.insync.replicas 2, acks=all, unclean elections off: nothing acknowledged is lost,
 *   order and replicas intact, and the engine reports no loss;
 * - unclean: min.insync.replicas 1, acks=all, unclean.leader.election.enable: loss may happen (one
 *   unclean election is forced when the faults made none), and the engine's records-lost report
 *   names exactly the committed records the run finds missing;
 * - the same seed gives the same run.
 */
import { describe, expect, it } from 'vitest'
import { formatReport, runChaos, type ChaosReport } from './chaos-run'

const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31)
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

  // Known engine bug, found by npm run soak and not fixed yet: with unclean elections, seed 1043
  // leaves chaos-5 on broker 2 with offset 35 of leader epoch 1 (a record it wrote as leader) while
  // the other replicas hold epoch 0's record there, followed on broker 2 by epoch 0's offset 36 (its
  // epoch cache then starts with epoch 0 at 36): the follower did not truncate its own epoch-1
  // record when it followed an unclean leader holding epoch-0 records past it. The loss report of
  // that run is off as well. it.fails: this turns red once the bug is fixed; then make it `it`.
  it.fails('with unclean elections keeps replicas byte-identical (seed 1043: known bug, a follower keeps its own record under an unclean leader)', { timeout: 120_000 }, async () => {
    const r = await runChaos({ seed: 1043, faultMs: 30000, minInsyncReplicas: 1, uncleanLeaderElection: true, ensureUncleanElection: true })
    expect(r.replicaMismatches).toEqual([])
  })

  it('runs the same for the same seed', { timeout: 60_000 }, async () => {
    const a = await runChaos({ seed: SEED, faultMs: 5000 })
    const b = await runChaos({ seed: SEED, faultMs: 5000 })
    const facts = (r: ChaosReport) => ({ ...r, wallMs: 0 })
    expect(a.trace.length).toBeGreaterThan(0)
    expect(facts(b)).toEqual(facts(a))
  })
})
