/**
 * The message search benchmark (`npm run bench:search`): 10,000,000 records of about 200 bytes
 * (key + value + header) in a 4-partition topic of a 1-broker cluster on a temporary data dir, then
 * one server-side search per filter kind (key substring, value substring, value substring ignoring
 * case, value regex, JSON field filter, and a scan with no filter, which is the engine's read cost),
 * each run as the UI runs it (MessageSearch, polled until done). Prints a table and writes it to
 * its own section of docs/benchmarks.md (between the search-bench markers; the rest of the file is
 * kept). Not a test: nothing here asserts. BENCH_SCALE=0.1 runs a tenth of the records (and does not
 * write the file). The data dir is removed at the end.
 *
 * Also measured: the event loop's longest delay while a search runs (perf_hooks
 * monitorEventLoopDelay), i.e. the longest the engine's loop (and so the wire listeners and other
 * requests) waited for a scan turn to end.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { Cluster } from '../../src/broker/cluster/cluster'
import type { SearchQuery } from '../../src/shared/contract'
import { MessageSearch } from '../../src/host/messages/message-search'
import { machineInfo } from './machine'

const SCALE = Number(process.env.BENCH_SCALE ?? '1')
const RECORDS = Math.round(10_000_000 * SCALE)
const PARTITIONS = 4
const BATCH = 5000
const ORIGINS = ['DFW', 'ORD', 'ATL', 'LAX', 'DEN', 'JFK', 'SFO', 'SEA', 'LAS', 'MCO', 'CLT', 'PHX']
const START = '<!-- search-bench:start -->'
const END = '<!-- search-bench:end -->'

const log = (s: string) => process.stdout.write(`${s}\n`)

/** Record i: key "flight-i", a JSON value padded to ~170 bytes, one header; ~200 bytes in all. */
function record(i: number): { key: Buffer; value: Buffer; headers: { key: string; value: Buffer }[] } {
  const v = JSON.stringify({ id: i, origin: ORIGINS[i % ORIGINS.length], destination: ORIGINS[(i * 7) % ORIGINS.length], delay: (i * 37) % 180 - 20, distance: 100 + ((i * 13) % 2500), date: '2001/01/01 10:00' })
  const value = Buffer.from(v + ' '.repeat(Math.max(0, 168 - v.length)))
  return { key: Buffer.from(`flight-${i}`), value, headers: [{ key: 'source', value: Buffer.from(i % 10 === 0 ? 'radar' : 'manual') }] }
}

interface Row {
  name: string
  filter: string
  matches: number
  records: number
  bytes: number
  ms: number
  maxLoopDelayMs: number
}

async function runSearch(cluster: Cluster, name: string, filter: string, query: Omit<SearchQuery, 'topic' | 'partitions'>): Promise<Row> {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  const started = process.hrtime.bigint()
  histogram.enable()
  const search = new MessageSearch(cluster, { topic: 'bench', partitions: null, maxMatches: 100_000, ...query }, Date.now)
  let matches = 0
  for (;;) {
    const res = await search.poll(200)
    matches += res.matches.length
    if (res.done) {
      histogram.disable()
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const row = { name, filter, matches: res.progress.matches, records: res.progress.scannedRecords, bytes: res.progress.scannedBytes, ms, maxLoopDelayMs: histogram.max / 1e6 }
      log(`${name}: ${row.records.toLocaleString('en-US')} records in ${(ms / 1000).toFixed(1)} s, ${row.matches.toLocaleString('en-US')} matches (${res.stopReason}), loop delay max ${row.maxLoopDelayMs.toFixed(1)} ms`)
      if (matches !== row.matches) throw new Error(`${name}: polled ${matches} matches, progress says ${row.matches}`)
      return row
    }
  }
}

function render(rows: Row[], build: { ms: number; bytes: number }, load: [number, number]): string {
  const m = machineInfo()
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  const lines = [
    START,
    '## Search',
    '',
    `Written by \`npm run bench:search\` (tests/bench/search.bench.ts) on ${new Date().toISOString().slice(0, 10)} (${new Date().toISOString()}).`,
    '',
    '| CPU | Cores | Memory | Node | Platform |',
    '| --- | --- | --- | --- | --- |',
    `| ${m.cpu} | ${m.cores} | ${m.memoryGiB} GiB | ${m.node} | ${m.platform} |`,
    '',
    `1-minute load average: ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end (the machine is shared with other work, so these are pessimistic).`,
    '',
    `The topic: ${fmt(RECORDS)} records in ${PARTITIONS} partitions (1 broker, replication factor 1), each a key \`flight-<i>\`, a JSON value padded to 168 bytes and one header (\`source\`): ${(build.bytes / 1e6).toFixed(0)} MB of keys, values and headers, produced in ${(build.ms / 1000).toFixed(0)} s. Each search scans the whole topic (the default range) and keeps at most 100,000 matches (the match count is of matches kept).`,
    '',
    '| Search | Filter | Records scanned | Matches | Time (s) | Records/s | MB/s scanned | Longest event-loop delay (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | \`${r.filter.replace(/\|/g, '\\|')}\` | ${fmt(r.records)} | ${fmt(r.matches)} | ${(r.ms / 1000).toFixed(1)} | ${fmt((r.records * 1000) / r.ms)} | ${((r.bytes / 1e6) * 1000 / r.ms).toFixed(1)} | ${r.maxLoopDelayMs.toFixed(1)} |`
    ),
    '',
    '- "JSON field filter" with a string equality first checks the value bytes for the string (or a backslash, so escaped',
    '  strings are not missed) and parses only those values; "every value parsed" compares a number, so every value is parsed.',
    '- MB/s counts the records\' key, value and header bytes scanned (10^6 bytes), not the bytes of the record batches on disk.',
    '- "No match, cheapest test" (a timestamp bound no record meets) is the cost of reading the records through the engine\'s fetch',
    '  (ClusterApi.fetch, which decodes every record into objects);',
    '  the filters add their matching on top. The search reads through one adapter (src/host/messages/engine-records.ts), where a',
    '  bytes-first engine read will replace it.',
    '- The longest event-loop delay is how long other work on the engine\'s loop (requests, the wire listeners) waited at most',
    '  while the search ran: the scan works in turns of about 8 MiB or 12 ms with a turn of the loop between two.',
    END
  ]
  return lines.join('\n')
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]
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
    rows.push(await runSearch(cluster, 'No match, cheapest test (read cost)', 'timestamp < 1', { timestampTo: 1 }))
    rows.push(await runSearch(cluster, 'Key substring', 'key contains "flight-77777"', { key: { mode: 'substring', pattern: 'flight-77777' } }))
    rows.push(await runSearch(cluster, 'Value substring', 'value contains "\\"id\\":7777"', { value: { mode: 'substring', pattern: '"id":7777' } }))
    rows.push(await runSearch(cluster, 'Value substring, ignore case', 'value contains "\\"ID\\":77777," (ignore case)', { value: { mode: 'substring', pattern: '"ID":77777,', caseInsensitive: true } }))
    rows.push(await runSearch(cluster, 'Value regex', 'value =~ /"id":7{4}\\d*,/', { value: { mode: 'regex', pattern: '"id":7{4}\\d*,' } }))
    rows.push(await runSearch(cluster, 'JSON field filter', '$.origin == "DFW" && $.delay > 150', { json: '$.origin == "DFW" && $.delay > 150' }))
    rows.push(await runSearch(cluster, 'JSON field filter, every value parsed', '$.delay > 158', { json: '$.delay > 158' }))
    const md = render(rows, build, [load0, loadavg()[0]])
    log('\n' + md)
    if (SCALE >= 1) {
      const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md')
      const old = existsSync(docs) ? readFileSync(docs, 'utf8') : ''
      const at = old.indexOf(START)
      const end = old.indexOf(END)
      const next = at >= 0 && end > at ? old.slice(0, at) + md + old.slice(end + END.length) : `${old.trimEnd()}\n\n${md}\n`
      writeFileSync(docs, next)
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
