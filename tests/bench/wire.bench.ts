/**
 * `npm run bench:wire`: issue 10's wire benchmark. Real clients over loopback produce and consume
 * 100-byte records against the embedded cluster (`brokerlab start`, 3 brokers, in a child process)
 * and, in the same run, against librdkafka's own mock cluster (an independent in-process C
 * implementation without replication, held open by /usr/bin/python3 + confluent-kafka with
 * `test.mock.num.brokers=3`), at RF 1 acks=1 and RF 3 acks=all:
 *
 * - kcat: `kcat -P -l FILE -K:` of BENCH_WIRE_RECORDS (default 1,000,000) keyed 100-byte records
 *   (500 distinct keys), timed from spawn to exit (kcat flushes before it exits); then `kcat -C -e`
 *   of the whole topic, timed the same way, the records counted.
 * - kafkajs 2.2.4: `producer.send` of 1,000-record batches, 8 in flight; then a consumer group
 *   consuming everything (eachBatch), timed from the first batch to the last record (the group's
 *   join is not counted).
 *
 * Topics have 4 partitions: Brokerlab's are created with confluent-kafka's AdminClient; the mock
 * (which serves no CreateTopics in librdkafka 2.0.2) creates its own on first use with 4.
 * The table (median of BENCH_RUNS runs, every run listed) is written to the "Wire" section of
 * docs/benchmarks.md between markers, with the machine and load. Numbers are written down, never
 * asserted. Needs kcat and python3-confluent-kafka (Debian); exits with a message without them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { writeBenchmarksSection } from './benchmarks-doc'
import { machineInfo, median } from './machine'

const ROOT = path.resolve(__dirname, '../..')
const RECORDS = Number(process.env.BENCH_WIRE_RECORDS ?? 1_000_000)
const KAFKAJS_RECORDS = Number(process.env.BENCH_WIRE_KAFKAJS_RECORDS ?? 200_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 1)
const START = '<!-- wire-bench:start -->'
const END = '<!-- wire-bench:end -->'
const PYTHON = '/usr/bin/python3'
/** Partitions per topic: librdkafka's mock cluster creates topics with 4 (rd_kafka_mock defaults.partition_cnt), so ours are made alike. */
const PARTITIONS = 4
const KCAT = '/usr/bin/kcat'

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

/** A cluster the clients connect to, and how to stop it. */
interface Target {
  label: string
  bootstrap: string
  /** Makes topic `name` (PARTITIONS partitions) exist with `rf` replicas where the cluster replicates. */
  createTopic(name: string, rf: number): void
  /** Whether every produced record must be served back (false for the mock: it drops old segments). */
  servesEverything: boolean
  stop(): Promise<void>
}

/** Resolves with the first stdout line matching `re` (its first group), or rejects after `ms`. */
function waitForLine(child: ChildProcess, re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; got: ${buf}`)), ms)
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      const m = re.exec(buf)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${re}; got: ${buf}`)))
  })
}

/** Stops `child` with SIGINT (then SIGKILL after 20 s) and waits for its exit. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGINT')
  })
}

/** The embedded cluster: `brokerlab start` on a fresh data directory, listeners on free ports. */
async function startBrokerlab(): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-bench-'))
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/brokerlab.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--brokers', '3'], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const bootstrap = await waitForLine(child, /Bootstrap servers: (\S+)/, 60_000)
  return {
    label: 'Brokerlab (3 brokers)',
    bootstrap,
    createTopic: (name, rf) => createTopic(bootstrap, name, rf),
    servesEverything: true,
    async stop() {
      await stopChild(child)
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

const MOCK_HOLDER = `
import sys
from confluent_kafka import Producer
p = Producer({'test.mock.num.brokers': 3, 'bootstrap.servers': 'unused:9092', 'log_level': 0})
md = p.list_topics(timeout=10)
print('BOOTSTRAP ' + ','.join(f"{b.host}:{b.port}" for b in md.brokers.values()), flush=True)
sys.stdin.read()
`

/** librdkafka's mock cluster, held open by a Python process until its stdin closes. */
async function startMock(): Promise<Target> {
  const child = spawn(PYTHON, ['-c', MOCK_HOLDER], { stdio: ['pipe', 'pipe', 'ignore'] })
  const bootstrap = await waitForLine(child, /BOOTSTRAP (\S+)/, 30_000)
  return {
    label: 'librdkafka mock (3 brokers)',
    bootstrap,
    // librdkafka 2.0.2's mock serves no CreateTopics: its topics are created on first use, with its
    // default of 4 partitions (PARTITIONS); replication is not simulated.
    createTopic: () => undefined,
    servesEverything: false,
    async stop() {
      child.stdin!.end()
      await stopChild(child)
    }
  }
}

/** Creates `topic` with PARTITIONS partitions and `rf` replicas through confluent-kafka's AdminClient. */
function createTopic(bootstrap: string, topic: string, rf: number): void {
  const script = `
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': '${bootstrap}'})
for t, f in a.create_topics([NewTopic('${topic}', ${PARTITIONS}, ${rf}, config={'min.insync.replicas': '${rf > 1 ? 2 : 1}'})]).items():
    f.result(30)
`
  execFileSync(PYTHON, ['-c', script], { stdio: 'inherit', timeout: 60_000 })
}

/** Writes RECORDS lines `k<i % 500>:<100-byte value>` once; returns the path. */
function inputFile(dir: string, n: number): string {
  const file = path.join(dir, `records-${n}.txt`)
  if (fs.existsSync(file)) return file
  const pad = 'x'.repeat(100)
  const fd = fs.openSync(file, 'w')
  let chunk: string[] = []
  for (let i = 0; i < n; i++) {
    const v = `v${i}-`
    chunk.push(`k${i % 500}:${v}${pad.slice(v.length)}`)
    if (chunk.length === 10_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`)
      chunk = []
    }
  }
  if (chunk.length) fs.writeSync(fd, `${chunk.join('\n')}\n`)
  fs.closeSync(fd)
  return file
}

/** Runs `args` with kcat, returns the wall time in ms and stdout's line count. */
function timeKcat(args: string[], stdoutToCount: boolean): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(KCAT, args, { stdio: ['ignore', stdoutToCount ? 'pipe' : 'ignore', 'pipe'] })
    let lines = 0
    let err = ''
    child.stdout?.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++
    })
    child.stderr!.on('data', (d: Buffer) => void (err += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (code !== 0) reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`))
      else resolve({ ms, lines })
    })
  })
}

/** One kcat case: produce RECORDS from the file with `acks`, then consume them all. */
async function kcatCase(target: Target, topic: string, acks: string, file: string): Promise<{ produce: number; consume: number }> {
  const common = ['-b', target.bootstrap, '-t', topic, '-q']
  const p = await timeKcat(['-P', ...common, '-K:', '-l', file, '-X', `acks=${acks}`, '-X', 'linger.ms=5'], false)
  const c = await timeKcat(['-C', ...common, '-o', 'beginning', '-e', '-f', '%o\n'], true)
  // librdkafka's mock keeps only the newest segments of a partition (it drops older ones on its own),
  // so it serves fewer records than were produced; Brokerlab must serve every one.
  if (target.servesEverything && c.lines !== RECORDS) throw new Error(`${target.label} ${topic}: consumed ${c.lines} records, produced ${RECORDS}`)
  return { produce: RECORDS / (p.ms / 1000), consume: c.lines / (c.ms / 1000) }
}

/** One kafkajs case: KAFKAJS_RECORDS in 1,000-record sends (8 in flight), then a group consumes them. */
async function kafkajsCase(target: Target, topic: string, acks: number): Promise<{ produce: number; consume: number }> {
  const kafka = new Kafka({ clientId: 'wire-bench', brokers: target.bootstrap.split(','), logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const value = Buffer.alloc(100, 'x')
  const t0 = process.hrtime.bigint()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < KAFKAJS_RECORDS) {
      const start = next
      next += 1000
      const messages = []
      for (let i = start; i < Math.min(start + 1000, KAFKAJS_RECORDS); i++) messages.push({ key: `k${i % 500}`, value })
      await producer.send({ topic, acks, messages })
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  const produceMs = Number(process.hrtime.bigint() - t0) / 1e6
  await producer.disconnect()

  // What the cluster still serves (the mock drops old segments on its own): low..high of each partition.
  const admin = kafka.admin()
  await admin.connect()
  const offsets = await admin.fetchTopicOffsets(topic)
  await admin.disconnect()
  const available = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0)
  if (target.servesEverything && available !== KAFKAJS_RECORDS) throw new Error(`${target.label} ${topic}: serves ${available} records, produced ${KAFKAJS_RECORDS}`)
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxBytes: 10 << 20 })
  // Timed from the first record on, so the group's join (rebalance delays) is not counted.
  let t1 = 0n
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let seen = 0
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafkajs consumed ${seen} of ${available} within 5 min`)), 5 * 60_000)
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (seen === 0) t1 = process.hrtime.bigint()
        seen += batch.messages.length
        if (seen >= available) {
          clearTimeout(timer)
          resolve()
        }
      }
    })
  })
  const consumeMs = Number(process.hrtime.bigint() - t1) / 1e6
  await consumer.disconnect()
  return { produce: KAFKAJS_RECORDS / (produceMs / 1000), consume: seen / (consumeMs / 1000) }
}

async function main(): Promise<void> {
  for (const bin of [KCAT, PYTHON]) if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: install kcat and python3-confluent-kafka`)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-input-'))
  const file = inputFile(work, RECORDS)
  const load0 = os.loadavg()[0]
  type Row = Record<string, number[]>
  const results: Record<string, Row> = {}
  const add = (target: string, measure: string, v: number): void => {
    results[measure] ??= {}
    ;(results[measure][target] ??= []).push(v)
  }
  const labels: string[] = []
  for (let run = 0; run < RUNS; run++) {
    for (const start of [startMock, startBrokerlab]) {
      const target = await start()
      if (!labels.includes(target.label)) labels.push(target.label)
      try {
        for (const [rf, acks] of [
          [1, '1'],
          [3, 'all']
        ] as const) {
          const kt = `kcat-rf${rf}-${run}`
          target.createTopic(kt, rf)
          const k = await kcatCase(target, kt, acks, file)
          add(target.label, `kcat, RF ${rf} acks=${acks}: produce`, k.produce)
          add(target.label, `kcat, RF ${rf} acks=${acks}: consume`, k.consume)
          const jt = `kafkajs-rf${rf}-${run}`
          target.createTopic(jt, rf)
          const j = await kafkajsCase(target, jt, acks === 'all' ? -1 : 1)
          add(target.label, `kafkajs, RF ${rf} acks=${acks}: produce`, j.produce)
          add(target.label, `kafkajs, RF ${rf} acks=${acks}: consume`, j.consume)
          console.error(`${target.label} RF ${rf}: kcat ${fmt(k.produce)} / ${fmt(k.consume)}, kafkajs ${fmt(j.produce)} / ${fmt(j.consume)} records/s`)
        }
      } finally {
        await target.stop()
      }
    }
  }
  fs.rmSync(work, { recursive: true, force: true })
  const load1 = os.loadavg()[0]
  const m = machineInfo()
  const cell = (xs: number[] | undefined): string => (xs ? `${fmt(median(xs))}${xs.length > 1 ? ` (${xs.map(fmt).join(', ')})` : ''}` : '-')
  const rows = Object.entries(results).map(([measure, row]) => {
    const [mock, ours] = labels.map((l) => row[l])
    const ratio = mock && ours ? `${((median(ours) / median(mock)) * 100).toFixed(0)} %` : '-'
    return `| ${measure}, records/s | ${cell(mock)} | ${cell(ours)} | ${ratio} |`
  })
  const date = new Date().toISOString()
  const md = [
    START,
    '## Wire (real clients over loopback)',
    '',
    `Written by \`npm run bench:wire\` (tests/bench/wire.bench.ts) on ${date.slice(0, 10)} (${date}). kcat 1.7.1 (librdkafka 2.0.2): \`kcat -P -K: -l FILE\` of ${fmt(RECORDS)} records (keys \`k0\`..\`k499\`, 100-byte values, linger.ms=5), timed from start to exit, then \`kcat -C -e\` of the topic; kafkajs 2.2.4: ${fmt(KAFKAJS_RECORDS)} records in 1,000-record sends (8 in flight), then a consumer group reading them all (timed from its first batch). Topics of 4 partitions (the mock's default: it serves no CreateTopics and creates topics on first use; Brokerlab's are created with confluent-kafka's AdminClient, min.insync.replicas 2 at RF 3). Brokerlab runs as \`brokerlab start\` in its own process; librdkafka's mock cluster (\`test.mock.num.brokers=3\`, an independent C implementation that does not replicate) in a Python process, measured in the same run. ${RUNS > 1 ? `Median of ${RUNS} runs (each run in parentheses).` : 'One run.'}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}. 1-minute load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end.`,
    '',
    `| Measure | ${labels[0]} | ${labels[1]} | Brokerlab / mock |`,
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Targets (issue 10): RF 1 acks=1 at least half the mock\'s rate; RF 3 acks=all at least 500,000 records/s with kcat.',
    END
  ].join('\n')
  writeBenchmarksSection(path.join(ROOT, 'docs/benchmarks.md'), START, END, md)
  console.log(md)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
