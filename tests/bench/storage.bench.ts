/**
 * Storage benchmark (`npm run bench:storage`): measures, in one run, the storage layer against the
 * physical limits of this machine and the targets of issue 3, prints a table and writes it to
 * docs/benchmarks.md. Not a test: nothing here asserts; misses are reported with the reason.
 *
 * Measures: append throughput (100 B and 1 KiB values in ~16 KiB batches, per backend; records
 * encoded by the log's convenience path, and record batches appended as a producer sends them) next to
 * sequential write and memcpy bandwidth; random read latency of 100-record pages in a partition of
 * 10 million records (~2 GiB); clean reopen time of that partition; recovery time after SIGKILL;
 * memory with the partition open. Phases that must start from a cold process (reopen, memory,
 * recovery) run in child processes of this same file (`storage.bench.ts child <json>`).
 *
 * Must stay true: disk use is bounded (one ~2.1 GiB partition plus one ~330 MB append log at a
 * time) and everything written under the bench directory is deleted at the end, also on failure.
 * BENCH_SCALE (0..1] shrinks every size for a dry run; docs are only written at full scale.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { PerformanceObserver, performance } from 'node:perf_hooks'
import { RecordBatchBuilder } from '../../src/broker/codec/record-batch'
import { DEFAULT_TOPIC_CONFIGS } from '../../src/broker/model/topic-config-values'
import { toLogConfig } from '../../src/broker/model/log-config'
import { UnifiedLog } from '../../src/broker/storage/unified-log'
import { loadStorageBackend } from '../../src/broker/storage/storage-backend'
import type { RecordInput, StorageBackend } from '../../src/broker/storage/storage-types'
import { machineInfo, median, memcpyMBps, sequentialWriteMBps, timeMs } from './machine'
import { renderReport, type BenchResults, type MemorySample } from './report'

type BackendKind = 'mmap' | 'file'

const SCALE = Math.min(1, Math.max(0.0001, Number(process.env.BENCH_SCALE ?? '1')))
const BATCH_BYTES = 16 * 1024
const APPEND_LOG_BYTES = Math.round(320e6 * SCALE)
/** Runs of each append case per backend (the best is reported; the 1 KiB target uses the median ratio). */
const APPEND_RUNS = 5
const BIG_RECORDS = Math.round(10_000_000 * SCALE)
const BIG_VALUE_BYTES = 205 // 10 M records of 205 B values ≈ 2.0 GiB of record batches
const PAGE_RECORDS = 100
const PAGE_READS = 2000
const PAGE_READ_ROUNDS = 3
const PAGE_WARMUP_READS = 200 // not timed: lets the JIT compile the read path first
const SEQ_WRITE_BYTES = Math.max(64, Math.round(1024 * SCALE)) * 1024 * 1024
const MEMCPY_BYTES = 256 * 1024 * 1024

const config = toLogConfig(DEFAULT_TOPIC_CONFIGS)
const clock = (): number => Date.now()
const silent = (): void => {}

function backendOf(kind: BackendKind): StorageBackend {
  return loadStorageBackend(kind, silent)
}

/** A reusable batch of records of `valueBytes` random bytes, sized to about 16 KiB encoded. */
function makeBatch(valueBytes: number): RecordInput[] {
  const perRecordOverhead = 10 // varint length, attributes, deltas, key/value lengths, headers count
  const n = Math.max(1, Math.floor((BATCH_BYTES - 61) / (valueBytes + perRecordOverhead)))
  const pool = randomBytes(n * valueBytes)
  const ts = Date.now()
  return Array.from({ length: n }, (_, i) => ({ key: null, value: pool.subarray(i * valueBytes, (i + 1) * valueBytes), timestamp: ts }))
}

function memory(): MemorySample {
  const g = globalThis as { gc?: () => void }
  g.gc?.()
  const m = process.memoryUsage()
  const mb = (b: number): number => Math.round((b / 1e6) * 10) / 10
  let anon: number | null = null
  let file: number | null = null
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const kb = (k: string): number | null => {
      const r = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)
      return r ? Math.round((Number(r[1]) / 1e3) * 10) / 10 : null
    }
    anon = kb('RssAnon')
    file = kb('RssFile')
  } catch {
    // not Linux
  }
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers), rssAnonMB: anon, rssFileMB: file }
}

/** Deterministic PRNG (mulberry32) so read offsets are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// ---------------------------------------------------------------------------------------------
// Phases run in this process

/** Append throughput of one backend and value size; the log is deleted afterwards. */
function appendCase(root: string, kind: BackendKind, valueBytes: number): Omit<BenchResults['append'][number], 'seqWriteRatios'> {
  const dir = join(root, `append-${kind}-${valueBytes}`, 'bench-0')
  mkdirSync(dir, { recursive: true })
  const log = UnifiedLog.open(dir, config, { backend: backendOf(kind), clock, hadCleanShutdown: true })
  try {
    const batch = makeBatch(valueBytes)
    for (let i = 0; i < 20; i++) log.appendAsLeader(batch, 0) // warm-up (JIT), not counted
    const startSize = log.sizeInBytes
    const batches = Math.max(1, Math.round(APPEND_LOG_BYTES / (batch.length * (valueBytes + 10))))
    let logBytes = 0
    const appendMs = timeMs(() => {
      for (let i = 0; i < batches; i++) logBytes += log.appendAsLeader(batch, 0).batchBytes
    })
    const flushMs = timeMs(() => log.flush())
    const records = batches * batch.length
    if (log.sizeInBytes - startSize !== logBytes) throw new Error(`size grew by ${log.sizeInBytes - startSize}, batches say ${logBytes}`)
    return {
      backend: kind,
      valueBytes,
      recordsPerBatch: batch.length,
      batchBytes: Math.round(logBytes / batches),
      records,
      logBytes,
      appendMs,
      flushMs,
      recordsPerSec: records / (appendMs / 1000),
      mbPerSec: logBytes / 1e6 / (appendMs / 1000),
      mbPerSecWithFlush: logBytes / 1e6 / ((appendMs + flushMs) / 1000)
    }
  } finally {
    log.close()
    rmSync(dirname(dir), { recursive: true, force: true })
  }
}

/**
 * Bytes-first append throughput: one ~16 KiB record batch v2 built once, as a producer sends it, then
 * appended over and over (`appendAsLeader(batch, epoch)` validates it and stamps offsets and the epoch
 * in place, as Kafka's LogValidator does; its base offset is set back to 0 before each append, as a
 * fresh request would carry it); the log is deleted afterwards.
 */
function appendBytesCase(root: string, kind: BackendKind, valueBytes: number): BenchResults['appendBytes'][number] {
  const dir = join(root, `append-bytes-${kind}-${valueBytes}`, 'bench-0')
  mkdirSync(dir, { recursive: true })
  const log = UnifiedLog.open(dir, config, { backend: backendOf(kind), clock, hadCleanShutdown: true })
  try {
    const recs = makeBatch(valueBytes)
    const batch = Buffer.from(new RecordBatchBuilder().encode(0, recs))
    const send = (): number => {
      batch.writeInt32BE(0, 0) // base offset 0 again (the previous append stamped it)
      batch.writeInt32BE(0, 4)
      return log.appendAsLeader(batch, 0).batchBytes
    }
    for (let i = 0; i < 20; i++) send() // warm-up (JIT), not counted
    const batches = Math.max(1, Math.round(APPEND_LOG_BYTES / batch.length))
    let logBytes = 0
    const appendMs = timeMs(() => {
      for (let i = 0; i < batches; i++) logBytes += send()
    })
    const records = batches * recs.length
    return { backend: kind, valueBytes, recordsPerBatch: recs.length, batchBytes: batch.length, records, logBytes, appendMs, recordsPerSec: records / (appendMs / 1000), mbPerSec: logBytes / 1e6 / (appendMs / 1000) }
  } finally {
    log.close()
    rmSync(dirname(dir), { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Phases run in child processes

type ChildSpec =
  | { role: 'build'; dir: string; records: number; valueBytes: number }
  | { role: 'open'; dir: string; backend: BackendKind; reads: number }
  | { role: 'append-until-killed'; dir: string; backend: BackendKind }
  | { role: 'recover'; dir: string; backend: BackendKind }

async function runChildRole(spec: ChildSpec): Promise<unknown> {
  switch (spec.role) {
    case 'build': {
      mkdirSync(spec.dir, { recursive: true })
      const log = UnifiedLog.open(spec.dir, config, { backend: backendOf('mmap'), clock, hadCleanShutdown: true })
      const batch = makeBatch(spec.valueBytes)
      const ms = timeMs(() => {
        while (log.logEndOffset < spec.records) {
          const left = spec.records - log.logEndOffset
          log.appendAsLeader(left >= batch.length ? batch : batch.slice(0, left), 0)
        }
        log.flush()
      })
      const out = { records: log.logEndOffset, bytes: log.sizeInBytes, segments: log.segments().length, ms }
      log.close()
      return out
    }
    case 'open': {
      const before = memory()
      let log!: UnifiedLog
      const openMs = timeMs(() => {
        log = UnifiedLog.open(spec.dir, config, { backend: backendOf(spec.backend), clock, hadCleanShutdown: true })
      })
      const afterOpen = memory()
      const span = log.logEndOffset - log.logStartOffset - PAGE_RECORDS
      const warm = rng(7)
      for (let i = 0; i < PAGE_WARMUP_READS; i++) log.readRecords(log.logStartOffset + Math.floor(warm() * span), { maxRecords: PAGE_RECORDS })
      // PAGE_READ_ROUNDS rounds of spec.reads reads; the round with the median p99 is the headline
      // (the machine is shared, so one round can catch a neighbour's burst), every round is listed.
      // Slow reads (> 2 ms) are classified: overlapping a GC pause, mostly off-CPU (wall time far
      // above the process's CPU time: preempted or waiting on a page fault), or on-CPU.
      const gcs: { start: number; end: number }[] = []
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration })
      })
      obs.observe({ entryTypes: ['gc'] })
      const slow = { total: 0, gc: 0, offCpu: 0, onCpu: 0 }
      const slowReads: { start: number; end: number; cpuMs: number }[] = []
      const rounds: { p50Ms: number; p99Ms: number; maxMs: number }[] = []
      for (let round = 0; round < PAGE_READ_ROUNDS; round++) {
        const random = rng(42 + round)
        const lat: number[] = []
        for (let i = 0; i < spec.reads; i++) {
          const offset = log.logStartOffset + Math.floor(random() * span)
          const cpu0 = process.cpuUsage()
          const t0 = performance.now()
          const recs = log.readRecords(offset, { maxRecords: PAGE_RECORDS })
          const t1 = performance.now()
          lat.push(t1 - t0)
          if (t1 - t0 > 2) {
            const c = process.cpuUsage(cpu0)
            slowReads.push({ start: t0, end: t1, cpuMs: (c.user + c.system) / 1000 })
          }
          if (recs.length !== PAGE_RECORDS || recs[0].offset !== offset) {
            throw new Error(`page at ${offset}: got ${recs.length} records starting at ${recs[0]?.offset}`)
          }
        }
        lat.sort((a, b) => a - b)
        rounds.push({ p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), maxMs: lat[lat.length - 1] })
      }
      await new Promise((r) => setTimeout(r, 50)) // let the observer deliver the last GC entries
      obs.disconnect()
      for (const sr of slowReads) {
        slow.total++
        if (gcs.some((g) => g.start < sr.end && g.end > sr.start)) slow.gc++
        else if (sr.cpuMs < 0.5 * (sr.end - sr.start)) slow.offCpu++
        else slow.onCpu++
      }
      const afterReads = memory()
      const median = [...rounds].sort((a, b) => a.p99Ms - b.p99Ms)[Math.floor(rounds.length / 2)]
      const out = {
        records: log.logEndOffset - log.logStartOffset,
        bytes: log.sizeInBytes,
        openMs,
        p50Ms: median.p50Ms,
        p99Ms: median.p99Ms,
        maxMs: median.maxMs,
        rounds,
        slow,
        before,
        afterOpen,
        afterReads
      }
      log.close()
      return out
    }
    case 'append-until-killed': {
      const log = UnifiedLog.open(spec.dir, config, { backend: backendOf(spec.backend), clock, hadCleanShutdown: true })
      const batch = makeBatch(BIG_VALUE_BYTES)
      process.stdout.write(`READY ${log.logEndOffset}\n`)
      for (;;) log.appendAsLeader(batch, 0)
    }
    case 'recover': {
      let log!: UnifiedLog
      const recoverMs = timeMs(() => {
        log = UnifiedLog.open(spec.dir, config, { backend: backendOf(spec.backend), clock, hadCleanShutdown: false })
      })
      const mem = memory()
      const tail = log.readRecords(Math.max(log.logStartOffset, log.logEndOffset - PAGE_RECORDS), { maxRecords: PAGE_RECORDS })
      const out = { recoverMs, records: log.logEndOffset - log.logStartOffset, bytes: log.sizeInBytes, tailRecords: tail.length, mem, recovery: { ...log.recovery } }
      log.close()
      return out
    }
  }
}

const thisFile = resolve(process.argv[1])

function child<T>(spec: ChildSpec): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', thisFile, 'child', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '))
  if (r.status !== 0 || !line) throw new Error(`child ${spec.role} failed (status ${r.status}): ${r.stderr.slice(-2000)}`)
  return JSON.parse(line.slice(7)) as T
}

/** Starts a child appending forever, SIGKILLs it `afterMs` after it is ready. Resolves with the offset it started at. */
function appendThenKill(dir: string, backend: BackendKind, afterMs: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const spec: ChildSpec = { role: 'append-until-killed', dir, backend }
    const p = spawn(process.execPath, ['--import', 'tsx', thisFile, 'child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let started = -1
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /READY (\d+)/.exec(out)
      if (m && started < 0) {
        started = Number(m[1])
        setTimeout(() => p.kill('SIGKILL'), afterMs)
      }
    })
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && started >= 0) resolvePromise(started)
      else reject(new Error(`append child exited ${code ?? signal}: ${err.slice(-2000)}`))
    })
  })
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = mkdtempSync(join(process.env.BROKERLAB_BENCH_DIR ?? tmpdir(), 'brokerlab-bench-'))
  const log = (s: string): void => console.log(`[bench] ${s}`)
  try {
    const mmapAvailable = (() => {
      try {
        loadStorageBackend('mmap', silent)
        return true
      } catch {
        return false
      }
    })()
    const backends: BackendKind[] = mmapAvailable ? ['mmap', 'file'] : ['file']
    const loadBefore = loadavg()[0]
    const machine = machineInfo()
    log(`machine: ${JSON.stringify(machine)}; backends: ${backends.join(', ')}; scale ${SCALE}`)

    const memcpy = memcpyMBps(MEMCPY_BYTES)
    log(`memcpy: ${memcpy.toFixed(0)} MB/s`)
    // The sustained rate, past what the page cache absorbs.
    const seqWriteLarge = sequentialWriteMBps(root, SEQ_WRITE_BYTES)
    log(`sequential write (1 MiB writes + fsync): ${seqWriteLarge.toFixed(0)} MB/s for ${SEQ_WRITE_BYTES / 2 ** 20} MiB`)

    // Each append case runs APPEND_RUNS times, in alternating backend order (a, b, b, a, a, b, ...), keeping the
    // fastest run: a run right after a large write pays for the kernel's writeback of the previous
    // one, and the machine may be shared. Right before each run, a sequential write of as many bytes
    // (fsync included) samples the disk as it is at that moment: this virtual disk's rate swings
    // several-fold from one minute to the next, so each run is compared with its own sample and the
    // median of the ratios is what the 1 KiB target is judged on.
    const append: BenchResults['append'] = []
    const seqWriteSamples: number[] = []
    for (const valueBytes of [100, 1024]) {
      const order = Array.from({ length: APPEND_RUNS }, (_, i) => (i % 2 === 0 ? backends : [...backends].reverse())).flat()
      const runs = order.map((kind) => {
        const seq = sequentialWriteMBps(root, APPEND_LOG_BYTES)
        seqWriteSamples.push(seq)
        const r = appendCase(root, kind, valueBytes)
        log(`append ${kind} ${valueBytes} B: ${Math.round(r.recordsPerSec)} records/s, ${r.mbPerSec.toFixed(0)} MB/s (${r.mbPerSecWithFlush.toFixed(0)} MB/s with the final flush; sequential write just before: ${seq.toFixed(0)} MB/s)`)
        return { ...r, ratio: r.mbPerSecWithFlush / seq }
      })
      for (const kind of backends) {
        const mine = runs.filter((r) => r.backend === kind)
        const { ratio: _ratio, ...best } = mine.reduce((b, r) => (r.appendMs + r.flushMs < b.appendMs + b.flushMs ? r : b))
        append.push({ ...best, seqWriteRatios: mine.map((r) => r.ratio) })
      }
    }
    const seqWrite = median(seqWriteSamples)

    // Bytes-first appends (as the replica manager will make them), best of 3 per backend, alternating.
    const appendBytes: BenchResults['appendBytes'] = []
    for (const kind of backends) {
      const runs = [0, 1, 2].map(() => appendBytesCase(root, kind, 100))
      const best = runs.reduce((b, r) => (r.appendMs < b.appendMs ? r : b))
      log(`append bytes-first ${kind} 100 B: ${Math.round(best.recordsPerSec)} records/s, ${best.mbPerSec.toFixed(0)} MB/s (runs: ${runs.map((r) => Math.round(r.recordsPerSec)).join(', ')})`)
      appendBytes.push(best)
    }

    const bigDir = join(root, 'big', 'bench-0')
    log(`building a partition of ${BIG_RECORDS} records of ${BIG_VALUE_BYTES} B values (child, mmap backend when available)...`)
    const build = child<BenchResults['build']>({ role: 'build', dir: bigDir, records: BIG_RECORDS, valueBytes: BIG_VALUE_BYTES })
    log(`built ${build.records} records, ${(build.bytes / 2 ** 30).toFixed(2)} GiB in ${build.segments} segments, ${(build.ms / 1000).toFixed(1)} s`)

    const open: BenchResults['open'] = []
    for (const kind of backends) {
      const r = child<BenchResults['open'][number]>({ role: 'open', dir: bigDir, backend: kind, reads: PAGE_READS })
      log(`open ${kind}: reopen ${r.openMs.toFixed(1)} ms, page read p50 ${r.p50Ms.toFixed(3)} ms p99 ${r.p99Ms.toFixed(3)} ms, RSS ${r.afterOpen.rssMB} MB after open, ${r.afterReads.rssMB} MB after reads`)
      open.push({ ...r, backend: kind })
    }

    const recover: BenchResults['recover'] = []
    for (const kind of backends) {
      const startedAt = await appendThenKill(bigDir, kind, 1000)
      const r = child<BenchResults['recover'][number]>({ role: 'recover', dir: bigDir, backend: kind })
      log(`recover ${kind}: ${r.recoverMs.toFixed(1)} ms after SIGKILL (child started appending at offset ${startedAt}; ${r.records} records after recovery)`)
      recover.push({ ...r, backend: kind, killedAfterOffset: startedAt })
    }

    const results: BenchResults = { date: new Date().toISOString(), load: [loadBefore, loadavg()[0]], machine, scale: SCALE, memcpyMBps: memcpy, seqWriteMBps: seqWrite, seqWriteSamplesMBps: seqWriteSamples, seqWriteBytes: APPEND_LOG_BYTES, seqWriteLargeMBps: seqWriteLarge, seqWriteLargeBytes: SEQ_WRITE_BYTES, pageWarmupReads: PAGE_WARMUP_READS, pageReads: PAGE_READS, append, appendBytes, build, open, recover, mmapAvailable }
    const md = renderReport(results)
    console.log(`\n${md}`)
    if (SCALE === 1 || process.env.BENCH_WRITE_DOCS === '1') {
      const docs = resolve(dirname(thisFile), '..', '..', 'docs', 'benchmarks.md')
      // The storage section only: other benchmarks keep their own marked sections of the file.
      const START = '<!-- storage-bench:start -->'
      const END = '<!-- storage-bench:end -->'
      const section = `${START}\n${md.trimEnd()}\n${END}`
      let text = ''
      try {
        text = readFileSync(docs, 'utf8')
      } catch {
        text = ''
      }
      const i = text.indexOf(START)
      const j = text.indexOf(END)
      if (i >= 0 && j > i) text = text.slice(0, i) + section + text.slice(j + END.length)
      else {
        // A file written before the markers: its storage part is everything before the other sections.
        const others = text.indexOf('<!--')
        text = section + '\n' + (others >= 0 ? '\n' + text.slice(others) : '')
      }
      writeFileSync(docs, text)
      log(`wrote ${docs}`)
    } else {
      log('BENCH_SCALE < 1: docs/benchmarks.md not written')
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'child') {
  runChildRole(JSON.parse(process.argv[3]) as ChildSpec).then(
    (result) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`),
    (e: unknown) => {
      console.error(e)
      process.exitCode = 1
    }
  )
} else {
  main().catch((e: unknown) => {
    console.error(e)
    process.exitCode = 1
  })
}
