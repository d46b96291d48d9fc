/**
 * `npm run bench`: the in-process engine benchmark of issue 9. Runs tests/bench/engine-workload.ts
 * (produce 100-byte records in 1,000-record calls, 6 partitions, 500 keys, at RF 3 acks=all and
 * RF 1 acks=1; then consume everything) in this checkout and, when BENCH_BASELINE_DIR names a
 * checkout of earlier code (with node_modules and the native addon built), in that one too, in the
 * same run, alternating, RUNS times each; measures memcpy in the same run; and writes the table
 * (medians, every sample listed) to the "Engine" section of docs/benchmarks.md, between markers, so
 * the storage benchmark's section stays. Numbers are written down, never asserted.
 *
 * Env: BENCH_RECORDS (default 1,000,000 per case), BENCH_RUNS (default 3), BENCH_BASELINE_DIR,
 * BENCH_BASELINE_LABEL (e.g. a commit id).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeBenchmarksSection } from './benchmarks-doc'
import { machineInfo, median } from './machine'

interface CaseResult {
  name: string
  records: number
  produceMs: number
  producePerSec: number
  consumeMs: number
  consumePerSec: number
  /** Absent in results of a workload script older than these fields. */
  producePerCpuSec?: number
  consumePerCpuSec?: number
}

const ROOT = path.resolve(__dirname, '../..')
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000)
const BASELINE = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : null
const BASELINE_LABEL = process.env.BENCH_BASELINE_LABEL ?? 'baseline'
const START = '<!-- engine-bench:start -->'
const END = '<!-- engine-bench:end -->'

/** Runs the workload in checkout `dir` (copied into its tests/bench when it is another checkout). */
function runWorkload(dir: string): CaseResult[] {
  const script = path.join(dir, 'tests/bench/engine-workload.ts')
  if (dir !== ROOT) fs.copyFileSync(path.join(ROOT, 'tests/bench/engine-workload.ts'), script)
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
    cwd: dir,
    env: { ...process.env, BENCH_RECORDS: String(RECORDS) },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 30 * 60_000
  })
  return JSON.parse(out.trim().split('\n').pop()!) as CaseResult[]
}

/** memcpy bandwidth in MB/s (10^6 B/s): Buffer.copy of 256 MiB, best of 5. */
function memcpyMBps(): number {
  const a = Buffer.alloc(256 << 20, 1)
  const b = Buffer.alloc(256 << 20)
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint()
    a.copy(b)
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6)
  }
  return (a.length / 1e6 / best) * 1000
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

function main(): void {
  const load0 = os.loadavg()[0]
  const mem = memcpyMBps()
  const current: CaseResult[][] = []
  const before: CaseResult[][] = []
  for (let r = 0; r < RUNS; r++) {
    if (BASELINE) before.push(runWorkload(BASELINE))
    current.push(runWorkload(ROOT))
  }
  const load1 = os.loadavg()[0]
  const m = machineInfo()
  const names = current[0].map((c) => c.name)
  const col = (runs: CaseResult[][], name: string, key: 'producePerSec' | 'consumePerSec' | 'producePerCpuSec' | 'consumePerCpuSec'): string => {
    const xs = runs.map((run) => run.find((c) => c.name === name)![key] ?? NaN)
    return `${fmt(median(xs))} (${xs.map(fmt).join(', ')})`
  }
  const rows: string[] = []
  for (const name of names)
    for (const [key, what] of [
      ['producePerSec', 'produce, records/s'],
      ['producePerCpuSec', 'produce, records per CPU-second'],
      ['consumePerSec', 'consume, records/s'],
      ['consumePerCpuSec', 'consume, records per CPU-second']
    ] as const)
      rows.push(`| ${name}: ${what} | ${BASELINE ? `${col(before, name, key)} | ` : ''}${col(current, name, key)} |`)
  const date = new Date().toISOString()
  const md = [
    START,
    '## Engine (in-process)',
    '',
    `Written by \`npm run bench\` (tests/bench/engine.bench.ts) on ${date.slice(0, 10)} (${date}): ${fmt(RECORDS)} records of 100 bytes per case, produced through \`Cluster.produce\` in 1,000-record calls (16 in flight) to a 6-partition topic with 500 distinct keys on 3 brokers, then consumed with \`Cluster.fetch\` partition by partition; median of ${RUNS} runs (each run's value in parentheses)${BASELINE ? `, this code next to ${BASELINE_LABEL}, alternating in the same run` : ''}.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}. 1-minute load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end. memcpy in the same run: ${fmt(mem)} MB/s (Buffer.copy of 256 MiB, best of 5).`,
    '',
    `| Measure | ${BASELINE ? `${BASELINE_LABEL} | ` : ''}this code |`,
    `| --- | ${BASELINE ? '--- | ' : ''}--- |`,
    ...rows,
    '',
    '"Records per CPU-second" divides the records produced (consumed) by the user + system CPU time the process used while producing (consuming) (process.cpuUsage): on a machine shared with other work the wall-clock rates fall with the load, this much less.',
    '',
    'Targets (issue 9): RF 3 acks=all at least 1,500,000 records/s produced, 3,000,000 records/s consumed; at least as fast as before.',
    END
  ].join('\n')
  writeBenchmarksSection(path.join(ROOT, 'docs/benchmarks.md'), START, END, md)
  console.log(md)
}

main()
