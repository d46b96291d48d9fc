/**
 * The message search benchmark (`npm run bench:search`): 10,000,000 records of about 200 bytes
 * (key + value + header) in a 4-partition topic of a 1-broker cluster on a temporary data dir, then
 * one server-side search per filter kind (key substring, value substring, value substring ignoring
 * case, value regex, JSON field filter, and a scan with no filter, which is the engine's read cost),
 * each run as the UI runs it (MessageSearch, polled until done). Prints a table and writes it to
 * its own section of docs/benchmarks.md (writeBenchmarksSection, between the search-bench markers;
 * the rest of the file is kept). Not a test: nothing here asserts. BENCH_SCALE=0.1 runs a tenth of
 * the records (and does not write the file). The data dir is removed at the end.
 *
 * Before / after: when BENCH_BASELINE_DIR names another checkout (e.g. a git worktree of main),
 * its MessageSearch runs each search too, on the same topic, alternating with this code's in the
 * same run (BENCH_BASELINE_LABEL names it, e.g. a commit id); the two must find the same number of
 * matches, else the benchmark fails.
 *
 * Also measured: the event loop's longest delay while a search runs (perf_hooks
 * monitorEventLoopDelay), i.e. the longest the engine's loop (and so the wire listeners and other
 * requests) waited for a scan turn to end.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Cluster } from '../../src/broker/cluster/cluster'
import type { SearchQuery } from '../../src/shared/contract'
import { MessageSearch } from '../../src/host/messages/message-search'
import { writeBenchmarksSection } from './benchmarks-doc'
import { machineInfo } from './machine'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const RECORDS = Math.round(10_000_000 * SCALE)
const PARTITIONS = 4
const BATCH = 5000
const ORIGINS = ['DFW', 'ORD', 'ATL', 'LAX', 'DEN', 'JFK', 'SFO', 'SEA', 'LAS', 'MCO', 'CLT', 'PHX']
const BASELINE = process.env.BENCH_BASELINE_DIR ? resolve(process.env.BENCH_BASELINE_DIR) : null
const BASELINE_LABEL = process.env.BENCH_BASELINE_LABEL ?? 'baseline'
const START = '<!-- search-bench:start -->'
const END = '<!-- search-bench:end -->'

const log = (s: string) => process.stdout.write(`${s}\n`)

/** Record i: key "flight-i", a JSON value padded to ~170 bytes, one header; ~200 bytes in all. */
function record(i: number): { key: Buffer; value: Buffer; headers: { key: string; value: Buffer }[] } {
  const v = JSON.stringify({ id: i, origin: ORIGINS[i % ORIGINS.length], destination: ORIGINS[(i * 7) % ORIGINS.length], delay: (i * 37) % 180 - 20, distance: 100 + ((i * 13) % 2500), date: '2001/01/01 10:00' })
  const value = Buffer.from(v + ' '.repeat(Math.max(0, 168 - v.length)))
  return { key: Buffer.from(`flight-${i}`), value, headers: [{ key: 'source', value: Buffer.from(i % 10 === 0 ? 'radar' : 'manual') }] }
}

/** One search's outcome. */
interface Run {
  matches: number
  records: number
  bytes: number
  ms: number
  maxLoopDelayMs: number
}

/** One row of the table: this code's run, and the baseline's when there is one. */
interface Row extends Run {
  name: string
  filter: string
  before: Run | null
}

/** The MessageSearch class of a checkout (this one, or BENCH_BASELINE_DIR's). */
type SearchClass = typeof MessageSearch

async function runSearch(Search: SearchClass, cluster: Cluster, name: string, query: Omit<SearchQuery, 'topic' | 'partitions'>): Promise<Run> {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  const started = process.hrtime.bigint()
  histogram.enable()
  const search = new Search(cluster, { topic: 'bench', partitions: null, maxMatches: 100_000, ...query }, Date.now)
  let matches = 0
  for (;;) {
    const res = await search.poll(200)
    matches += res.matches.length
    if (res.done) {
      histogram.disable()
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const row = { matches: res.progress.matches, records: res.progress.scannedRecords, bytes: res.progress.scannedBytes, ms, maxLoopDelayMs: histogram.max / 1e6 }
      log(`${Search === MessageSearch ? 'this code' : BASELINE_LABEL}, ${name}: ${row.records.toLocaleString('en-US')} records in ${(ms / 1000).toFixed(1)} s, ${row.matches.toLocaleString('en-US')} matches (${res.stopReason}), loop delay max ${row.maxLoopDelayMs.toFixed(1)} ms`)
      if (matches !== row.matches) throw new Error(`${name}: polled ${matches} matches, progress says ${row.matches}`)
      return row
    }
  }
}

/** Runs one search with this code and, first, with the baseline's; checks both found as many matches. */
async function row(cluster: Cluster, Baseline: SearchClass | null, name: string, filter: string, query: Omit<SearchQuery, 'topic' | 'partitions'>): Promise<Row> {
  const before = Baseline ? await runSearch(Baseline, cluster, name, query) : null
  const after = await runSearch(MessageSearch, cluster, name, query)
  if (before && before.matches !== after.matches) throw new Error(`${name}: ${BASELINE_LABEL} found ${before.matches} matches, this code ${after.matches}`)
  return { name, filter, before, ...after }
}

function render(rows: Row[], build: { ms: number; bytes: number }, load: [number, number]): string {
  const m = machineInfo()
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  const secs = (r: Run) => (r.ms / 1000).toFixed(1)
  const mbps = (r: Run) => (((r.bytes / 1e6) * 1000) / r.ms).toFixed(1)
  const base = rows.some((r) => r.before)
  const lines = [
    START,
    '## Search',
    '',
    `Written by \`npm run bench:search\` (tests/bench/search.bench.ts) on ${new Date().toISOString().slice(0, 10)} (${new Date().toISOString()})${base ? `: this code next to ${BASELINE_LABEL} (the search before it scanned batches in place), each search run by both on the same topic, ${BASELINE_LABEL} first, in the same run; both found the same number of matches in every row` : ''}.`,
    '',
    '| CPU | Cores | Memory | Node | Platform |',
    '| --- | --- | --- | --- | --- |',
    `| ${m.cpu} | ${m.cores} | ${m.memoryGiB} GiB | ${m.node} | ${m.platform} |`,
    '',
    `1-minute load average: ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end (the machine is shared with other work, so these are pessimistic).`,
    '',
    `The topic: ${fmt(RECORDS)} records in ${PARTITIONS} partitions (1 broker, replication factor 1), each a key \`flight-<i>\`, a JSON value padded to 168 bytes and one header (\`source\`): ${(build.bytes / 1e6).toFixed(0)} MB of keys, values and headers, produced in ${(build.ms / 1000).toFixed(0)} s. Each search scans the whole topic (the default range) and keeps at most 100,000 matches (the match count is of matches kept).`,
    '',
    base
      ? `| Search | Filter | Records scanned | Matches | ${BASELINE_LABEL} (s) | This code (s) | Speed-up | Records/s | MB/s scanned | Longest event-loop delay (ms), ${BASELINE_LABEL} / this code |`
      : '| Search | Filter | Records scanned | Matches | Time (s) | Records/s | MB/s scanned | Longest event-loop delay (ms) |',
    base ? '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const head = `| ${r.name} | \`${r.filter.replace(/\|/g, '\\|')}\` | ${fmt(r.records)} | ${fmt(r.matches)} |`
      const rate = `${fmt((r.records * 1000) / r.ms)} | ${mbps(r)}`
      if (!base) return `${head} ${secs(r)} | ${rate} | ${r.maxLoopDelayMs.toFixed(1)} |`
      const b = r.before
      return `${head} ${b ? secs(b) : '-'} | ${secs(r)} | ${b ? `${(b.ms / r.ms).toFixed(1)}x` : '-'} | ${rate} | ${b ? b.maxLoopDelayMs.toFixed(1) : '-'} / ${r.maxLoopDelayMs.toFixed(1)} |`
    }),
    '',
    '- Records/s and MB/s are this code\'s. MB/s counts the records\' key, value and header bytes scanned (10^6 bytes), not the bytes of the',
    '  record batches on disk.',
    '- The search reads raw record batches (ClusterApi.fetchBatches) and walks their records in place (RecordCursor); a substring filter',
    '  first looks for its bytes in the whole batch (Buffer.indexOf), so a batch without them costs one search and a walk over its records\'',
    '  lengths, and only matching records are decoded into objects. "No match, cheapest test" (a timestamp bound no record meets; CreateTime',
    '  batches give no lower bound, so every record is walked) is that walk alone: the read cost.',
    '- Ignoring case, an ASCII pattern is compared in place (anchored with Buffer.indexOf on its longest run of non-letters); a pattern',
    '  that is not ASCII once lower-cased decodes every field it tests (the last row). A regex decodes each value it tests.',
    '- "JSON field filter" with a string equality first checks the value bytes for the string (or a backslash, so escaped',
    '  strings are not missed) and parses only those values; "every value parsed" compares a number, so every value is parsed.',
    '- The longest event-loop delay is how long other work on the engine\'s loop (requests, the wire listeners) waited at most',
    '  while the search ran: the scan works in turns of about 8 MiB of batches or 12 ms with a turn of the loop between two.',
    END
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]
  const Baseline: SearchClass | null = BASELINE
    ? ((await import(pathToFileURL(join(BASELINE, 'src/host/messages/message-search.ts')).href)) as { MessageSearch: SearchClass }).MessageSearch
    : null
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-search-bench-'))
  const cluster = Cluster.open({ dataDir: dir, brokers: 1, log: () => undefined })
  try {
    cluster.createTopic('bench', { partitions: PARTITIONS, replicationFactor: 1 })
    const t0 = Date.now()
    let bytes = 0
    for (let i = 0; i < RECORDS; i += BATCH) {
      const n = Math.min(BATCH, RECORDS - i)
      for (let p = 0; p < PARTITIONS; p++) {
        const batch = []
        for (let j = p; j < n; j += PARTITIONS) {
          const r = record(i + j)
          bytes += r.key.length + r.value.length + r.headers[0].key.length + r.headers[0].value.length
          batch.push({ ...r, partition: p })
        }
        await cluster.produce('bench', batch, { acks: 1 })
      }
      if ((i / BATCH) % 200 === 0) log(`produced ${i.toLocaleString('en-US')}`)
    }
    const build = { ms: Date.now() - t0, bytes }
    log(`built ${RECORDS.toLocaleString('en-US')} records (${(bytes / 1e6).toFixed(0)} MB) in ${(build.ms / 1000).toFixed(1)} s`)
    const rows: Row[] = []
    // Filters chosen to match few records, so every search scans the whole topic (no match limit).
    rows.push(await row(cluster, Baseline, 'No match, cheapest test (read cost)', 'timestamp < 1', { timestampTo: 1 }))
    rows.push(await row(cluster, Baseline, 'Key substring', 'key contains "flight-77777"', { key: { mode: 'substring', pattern: 'flight-77777' } }))
    rows.push(await row(cluster, Baseline, 'Value substring', 'value contains "\\"id\\":7777"', { value: { mode: 'substring', pattern: '"id":7777' } }))
    rows.push(await row(cluster, Baseline, 'Value substring, ignore case', 'value contains "\\"ID\\":77777," (ignore case)', { value: { mode: 'substring', pattern: '"ID":77777,', caseInsensitive: true } }))
    rows.push(await row(cluster, Baseline, 'Header value substring, ignore case', 'header value contains "RADAR" (ignore case) and key contains "flight-7777"', { headerValue: { mode: 'substring', pattern: 'RADAR', caseInsensitive: true }, key: { mode: 'substring', pattern: 'flight-7777' } }))
    rows.push(await row(cluster, Baseline, 'Value regex', 'value =~ /"id":7{4}\\d*,/', { value: { mode: 'regex', pattern: '"id":7{4}\\d*,' } }))
    rows.push(await row(cluster, Baseline, 'JSON field filter', '$.origin == "DFW" && $.delay > 150', { json: '$.origin == "DFW" && $.delay > 150' }))
    rows.push(await row(cluster, Baseline, 'JSON field filter, every value parsed', '$.delay > 158', { json: '$.delay > 158' }))
    rows.push(await row(cluster, Baseline, 'Value substring, ignore case, non-ASCII pattern', 'value contains "\\"ÍD\\":7" (ignore case)', { value: { mode: 'substring', pattern: '"ÍD":7', caseInsensitive: true } }))
    const md = render(rows, build, [load0, loadavg()[0]])
    log('\n' + md)
    if (SCALE >= 1) {
      const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md')
      writeBenchmarksSection(docs, START, END, md)
      log(`written to ${docs}`)
    } else log('BENCH_SCALE < 1: docs/benchmarks.md not written')
  } finally {
    await cluster.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}

void main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exitCode = 1
})
