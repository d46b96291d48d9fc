/**
 * The in-process engine workload of `npm run bench` (issue 9): produce 100-byte records in
 * 1,000-record calls through the in-process producer (Cluster.produce) to a 6-partition topic with
 * 500 distinct keys, at RF 3 acks=all and at RF 1 acks=1, then consume everything (Cluster.fetch of
 * each partition). Prints one JSON line of results: wall-clock rates, and the produce rate per
 * second of this process's CPU time for produce and for consume (which other work on a shared machine disturbs far less). Run by engine.bench.ts in this checkout and,
 * for the before/after table, in a checkout of the code before (it only uses Cluster's public API,
 * which both have). engine.bench.ts bundles it first (esbuild, as electron-vite bundles the engine
 * worker the app and browser mode run), so both checkouts run as plain Node, not through tsx; and
 * the cases run in a worker thread with the V8 resource limits the app gives its engine worker
 * (BENCH_RESOURCE_LIMITS, JSON of worker_threads ResourceLimits; engine.bench.ts passes the current
 * checkout's defaultEngineResourceLimits() to both checkouts), since the young generation's size
 * decides what decoding costs in garbage collection. CPU time is the process's (process.cpuUsage:
 * the worker, V8's helper threads and an idle main thread).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker, isMainThread, parentPort, type ResourceLimits } from 'node:worker_threads'
import { Cluster } from '../../src/broker/cluster/cluster'

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000)
const PER_CALL = 1000
const KEYS = 500
const IN_FLIGHT = 16
const VALUE = Buffer.alloc(100, 'v')

interface CaseResult {
  name: string
  records: number
  produceMs: number
  producePerSec: number
  consumeMs: number
  consumePerSec: number
  /** Records per second of this process's CPU time (user + system) while producing: what the engine costs, whatever else runs on the machine. */
  producePerCpuSec: number
  /** Records per second of this process's CPU time (user + system) while consuming. */
  consumePerCpuSec: number
  /** Bytes the topic's partitions hold per record (record batches v2 as stored, one replica). */
  storedBytesPerRecord: number
}

async function runCase(name: string, rf: number, acks: 1 | 'all'): Promise<CaseResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-bench-engine-'))
  const cluster = new Cluster({ dataDir: dir, brokers: 3, log: () => {} })
  try {
    cluster.createTopic('bench', { partitions: 6, replicationFactor: rf })
    const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`key-${i}`))
    const calls = Math.ceil(RECORDS / PER_CALL)
    const start = process.hrtime.bigint()
    const cpu0 = process.cpuUsage()
    const inFlight = new Set<Promise<unknown>>()
    let k = 0
    for (let c = 0; c < calls; c++) {
      const records = new Array(PER_CALL)
      for (let j = 0; j < PER_CALL; j++) records[j] = { key: keys[k++ % KEYS], value: VALUE }
      const p: Promise<unknown> = cluster.produce('bench', records, { acks }).finally(() => inFlight.delete(p))
      inFlight.add(p)
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    const produceMs = Number(process.hrtime.bigint() - start) / 1e6
    const cpu = process.cpuUsage(cpu0)
    const produceCpuMs = (cpu.user + cpu.system) / 1000
    // Let replication finish before reading (acks=1 does not wait for it).
    for (let i = 0; i < 100 && cluster.replicateNow() > 0; i++);
    const cstart = process.hrtime.bigint()
    const ccpu0 = process.cpuUsage()
    let consumed = 0
    let valueBytes = 0
    for (let p = 0; p < 6; p++) {
      let offset = 0
      for (;;) {
        const r = cluster.fetch('bench', p, offset, { maxRecords: 10000, maxBytes: 4 << 20 })
        if (r.records.length === 0) break
        consumed += r.records.length
        // A consumer reads what it fetched: every record's value is touched.
        for (const rec of r.records) valueBytes += rec.value!.length
        offset = r.nextOffset
      }
    }
    const consumeMs = Number(process.hrtime.bigint() - cstart) / 1e6
    const ccpu = process.cpuUsage(ccpu0)
    const consumeCpuMs = (ccpu.user + ccpu.system) / 1000
    if (consumed !== calls * PER_CALL) throw new Error(`${name}: consumed ${consumed} of ${calls * PER_CALL}`)
    if (valueBytes !== consumed * VALUE.length) throw new Error(`${name}: read ${valueBytes} value bytes, expected ${consumed * VALUE.length}`)
    const stored = cluster.describeTopic('bench').partitions.reduce((n, p) => n + p.sizeBytes, 0)
    return {
      name,
      records: consumed,
      produceMs,
      producePerSec: Math.round((consumed / produceMs) * 1000),
      consumeMs,
      consumePerSec: Math.round((consumed / consumeMs) * 1000),
      producePerCpuSec: Math.round((consumed / produceCpuMs) * 1000),
      consumePerCpuSec: Math.round((consumed / consumeCpuMs) * 1000),
      storedBytesPerRecord: stored / consumed
    }
  } finally {
    await cluster.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const out: CaseResult[] = []
  out.push(await runCase('RF 3, acks=all', 3, 'all'))
  out.push(await runCase('RF 1, acks=1', 1, 1))
  return parentPort ? parentPort.postMessage(out) : void process.stdout.write(JSON.stringify(out) + '\n')
}

/** Runs main() in a worker thread with BENCH_RESOURCE_LIMITS and prints its results. */
function inWorker(): void {
  const resourceLimits = JSON.parse(process.env.BENCH_RESOURCE_LIMITS ?? '{}') as ResourceLimits
  const worker = new Worker(__filename, { resourceLimits })
  worker.once('message', (out: CaseResult[]) => {
    process.stdout.write(JSON.stringify(out) + '\n')
    void worker.terminate()
  })
  worker.once('error', (e) => {
    console.error(e)
    process.exit(1)
  })
}

if (isMainThread && process.env.BENCH_RESOURCE_LIMITS) inWorker()
else
  void main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
