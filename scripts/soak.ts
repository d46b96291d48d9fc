/**
 * `npm run soak`: the chaos run of tests/unit/broker/chaos/chaos-run.ts by hand, for N minutes of
 * wall time: consecutive runs with seeds seed, seed + 1, ... (each reproducible alone with
 * CHAOS_SEED=<seed> in the chaos test), each with --fault-ms of virtual fault time, alternating the
 * clean variant (min.insync.replicas 2, acks=all) and, with --unclean, the unclean one
 * (unclean.leader.election.enable, min.insync.replicas 1). Prints each run's report and the totals
 * (sent / acknowledged / failed / lost, faults by kind, elections, fences); exits 1 when any run
 * broke an expectation (chaosFindings), naming its seed.
 *
 * Usage: npm run soak -- [--minutes 10] [--seed N] [--fault-ms 60000] [--unclean] [--json FILE]
 */
import fs from 'node:fs'
import os from 'node:os'
import { Command, InvalidArgumentError } from 'commander'
import { chaosFindings, formatReport, runChaos, type ChaosReport } from '../tests/unit/broker/chaos/chaos-run'

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be an integer >= 0, got ${v}`)
    return n
  }
}

const program = new Command()
  .name('soak')
  .description('Runs the chaos test for N minutes and prints the figures')
  .option('--minutes <n>', 'wall-clock minutes to run', (v) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--minutes must be a number > 0, got ${v}`)
    return n
  }, 10)
  .option('--seed <n>', 'first seed (default: random)', positiveInt('--seed'))
  .option('--fault-ms <n>', 'virtual ms of faults per run', positiveInt('--fault-ms'), 60000)
  .option('--unclean', 'alternate with the unclean variant', false)
  .option('--json <file>', 'write the totals and every run as JSON to this file')
  .parse()
const opts = program.opts<{ minutes: number; seed?: number; faultMs: number; unclean: boolean; json?: string }>()

interface Totals {
  runs: number
  sent: number
  acked: number
  failed: number
  unanswered: number
  lost: number
  committedLost: number
  restoredAfterLoss: number
  reportedLostOffsets: number
  faults: Record<string, number>
  elections: Record<string, number>
  fences: number
  unfences: number
  isrShrinks: number
  isrExpands: number
  truncations: number
  virtualMs: number
}

function add(t: Record<string, number>, m: Record<string, number>): void {
  for (const [k, v] of Object.entries(m)) t[k] = (t[k] ?? 0) + v
}

function totalsOf(runs: ChaosReport[]): Totals {
  const t: Totals = { runs: runs.length, sent: 0, acked: 0, failed: 0, unanswered: 0, lost: 0, committedLost: 0, restoredAfterLoss: 0, reportedLostOffsets: 0, faults: {}, elections: {}, fences: 0, unfences: 0, isrShrinks: 0, isrExpands: 0, truncations: 0, virtualMs: 0 }
  for (const r of runs) {
    for (const k of ['sent', 'acked', 'failed', 'unanswered', 'lost', 'committedLost', 'restoredAfterLoss', 'reportedLostOffsets', 'fences', 'unfences', 'isrShrinks', 'isrExpands', 'truncations', 'virtualMs'] as const) t[k] += r[k]
    add(t.faults, r.faults)
    add(t.elections, r.elections)
  }
  return t
}

const kv = (m: Record<string, number>): string =>
  Object.entries(m)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none'

function printTotals(name: string, t: Totals): void {
  console.log(`${name}: ${t.runs} run(s), ${Math.round(t.virtualMs / 1000)} s virtual`)
  console.log(`  sent ${t.sent} / acknowledged ${t.acked} / failed ${t.failed} / unanswered ${t.unanswered} / lost ${t.lost} (acknowledged records not readable at their offset)`)
  console.log(`  committed records lost ${t.committedLost}, restored by a later unclean election ${t.restoredAfterLoss}; offsets the engine reported lost ${t.reportedLostOffsets}`)
  console.log(`  faults: ${kv(t.faults)}`)
  console.log(`  elections: ${kv(t.elections)}; fences ${t.fences}, unfences ${t.unfences}; ISR shrinks ${t.isrShrinks}, expands ${t.isrExpands}; truncations ${t.truncations}`)
}

async function main(): Promise<number> {
  const first = opts.seed ?? Math.floor(Math.random() * 2 ** 31)
  const until = Date.now() + opts.minutes * 60000
  const clean: ChaosReport[] = []
  const unclean: ChaosReport[] = []
  const broken: string[] = []
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown'
  console.log(`soak: ${opts.minutes} min from seed ${first}, ${opts.faultMs} ms of faults per run${opts.unclean ? ', alternating clean and unclean runs' : ''}; ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}`)
  for (let seed = first, i = 0; Date.now() < until; seed++, i++) {
    const isUnclean = opts.unclean && i % 2 === 1
    const r = await runChaos({ seed, faultMs: opts.faultMs, ...(isUnclean ? { minInsyncReplicas: 1, uncleanLeaderElection: true, ensureUncleanElection: true } : {}) })
    ;(isUnclean ? unclean : clean).push(r)
    console.log(`${isUnclean ? '[unclean] ' : ''}${formatReport(r)}`)
    const f = chaosFindings(r, isUnclean)
    for (const line of f) broken.push(`seed ${seed}${isUnclean ? ' (unclean)' : ''}: ${line}`)
  }
  console.log('')
  printTotals('clean runs (min.insync.replicas 2, acks=all)', totalsOf(clean))
  if (unclean.length) printTotals('unclean runs (unclean.leader.election.enable, min.insync.replicas 1, acks=all)', totalsOf(unclean))
  if (opts.json)
    fs.writeFileSync(
      opts.json,
      JSON.stringify({ first, minutes: opts.minutes, faultMs: opts.faultMs, clean: totalsOf(clean), unclean: totalsOf(unclean), runs: [...clean, ...unclean].map((r) => ({ ...r, lostRecords: r.lostRecords.length, trace: r.trace.length })) }, null, 2)
    )
  if (broken.length) {
    console.log(`\n${broken.length} expectation(s) broken:\n${broken.join('\n')}`)
    return 1
  }
  console.log('\nevery run held: no acknowledged record lost in the clean runs; every loss of the unclean runs reported exactly')
  return 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(2)
  }
)
