/**
 * The chaos run (issue 11, "Proof"): keyed producers write numbered sequences (key k, seq n)
 * through the engine API while a seeded fault driver kills, starts, stops, slows, isolates and
 * heals brokers at random every few hundred ms; then every broker is started and healed, the run
 * waits until every ISR is full again, and checks what Kafka promises:
 * - every acknowledged record is readable exactly once, at the offset it was acknowledged with;
 * - per key, the sequence numbers in the log increase with the offset (order intact);
 * - the replicas of each partition hold byte-identical batches up to the high watermark;
 * - what was lost (committed, i.e. acknowledged or read below the high watermark, and no longer
 *   readable where it was) equals what the engine reported in records-lost events: each report is
 *   checked when it is made (every offset it names held a committed record the new leader lacks),
 *   and at the end every committed record missing was reported (a reported record that a later
 *   unclean election brought back is counted as restored).
 *
 * The run is deterministic for a seed: the cluster runs on an injected clock with no background
 * work (autoReplicate off), and each step of `stepMs` virtual ms is the same sequence of engine
 * calls (fault, produces, tick, observer read). Wall time is only what the steps cost. The engine's
 * own produce timeout (a wall-clock timer) is set far beyond any run; the producers give a
 * request up after `requestTimeoutMs` of virtual time instead (as a client's request.timeout.ms),
 * which frees its in-flight slot; a late answer still counts (acknowledged records are checked
 * whenever they were acknowledged).
 *
 * Used by chaos.test.ts (the clean and the unclean variant) and scripts/soak.ts (npm run soak).
 * Must stay true: nothing here weakens a check to make a run pass; a run reports its findings as
 * lists (lost, duplicates, order violations, replica mismatches, unreported or over-reported loss,
 * anomalies) that the callers assert empty (or equal); the data directory is removed by the run.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import type { Acks, BrokerState, RecordMetadata } from '../../../../src/broker/cluster/cluster-api'
import type { ClusterEvent } from '../../../../src/broker/cluster/cluster-events'
import { partitionForKey, seededRandom } from '../../../../src/broker/client/partitioner'
import { KafkaError } from '../../../../src/broker/model/errors'
import { batchLastOffset, batchSize } from '../../../../src/broker/codec/record-batch'

/** The topic every chaos run writes. */
export const CHAOS_TOPIC = 'chaos'

/** Options of a chaos run; every duration is virtual time (the injected clock), ms. */
export interface ChaosOptions {
  /** Seed of the fault driver and the producers (same seed, same run). */
  seed: number
  /** How long faults are injected and producers write, virtual ms. */
  faultMs: number
  /** Virtual time per step, ms (default 50). */
  stepMs?: number
  /** Brokers (default 3). */
  brokers?: number
  /** Partitions of the topic (default 6). */
  partitions?: number
  /** Replication factor (default 3). */
  replicationFactor?: number
  /** The topic's min.insync.replicas (default 2). */
  minInsyncReplicas?: number
  /** The topic's unclean.leader.election.enable (default false). */
  uncleanLeaderElection?: boolean
  /** The producers' acks (default 'all'). */
  acks?: Acks
  /** Keys written (default 12; at least one per partition is ensured). */
  keys?: number
  /** Most produce requests in flight per key (default 2; Kafka's max.in.flight.requests.per.connection). */
  maxInFlightPerKey?: number
  /** Chance that a key with a free slot sends a batch in a step (default 0.4). */
  produceChance?: number
  /** Most records per batch (default 3). */
  maxBatch?: number
  /** broker.heartbeat.interval.ms (default 200). */
  heartbeatIntervalMs?: number
  /** broker.session.timeout.ms (default 1000): short, so fences happen within the run. */
  sessionTimeoutMs?: number
  /** replica.lag.time.max.ms (default 600). */
  replicaLagTimeMaxMs?: number
  /** The producers give a request up after this long, virtual ms (default 3000). */
  requestTimeoutMs?: number
  /** Time between faults, virtual ms, drawn uniformly from [min, max] (default [150, 600]). */
  faultIntervalMs?: [number, number]
  /** Most brokers down (killed, stopped or isolated) at once (default brokers - 1). */
  maxDown?: number
  /**
   * When the fault phase made no unclean election, force one (see forceUncleanElection) so that a
   * comparison of the loss report is never vacuous. Needs uncleanLeaderElection (default false).
   */
  ensureUncleanElection?: boolean
  /** How long the run waits for every ISR to be full again after healing, virtual ms (default 60000). */
  settleMs?: number
  /** Where to write progress lines (default: nowhere). */
  log?: (line: string) => void
  /** Sees every cluster event as it is emitted (e.g. to print a failing run's timeline). */
  onEvent?: (e: ClusterEvent) => void
  /** Called after every step with the cluster and the virtual time since the start, ms (to trace a failing run). */
  afterStep?: (cluster: Cluster, virtualMs: number) => void
}

/** A record as the test knows it: its key and sequence number. */
export interface SeqRecord {
  key: string
  seq: number
}

/** A record at an offset of a partition. */
export interface PlacedRecord extends SeqRecord {
  partition: number
  offset: number
}

/** A lost acknowledged record: where it was acknowledged and what the offset holds now. */
export interface LostRecord extends PlacedRecord {
  /** What the partition holds at that offset at the end ("(none)" when the log ends before it). */
  foundThere: string
}

/** What a chaos run did and found. */
export interface ChaosReport {
  seed: number
  /** Virtual ms of faults, and of the whole run (faults, settling, checks). */
  faultMs: number
  virtualMs: number
  wallMs: number
  /** Records sent, acknowledged, failed (the produce was refused or rejected), never answered. */
  sent: number
  acked: number
  failed: number
  unanswered: number
  /** Acknowledged records not readable at their offset at the end. */
  lost: number
  /** Failed records by Kafka error name. */
  failures: Record<string, number>
  /** Faults injected, by kind (kill, start, stop, slow, isolate, heal, pause-fetching, resume-fetching). */
  faults: Record<string, number>
  /** Elections by how the leader was chosen (leader-elected events; 'offline' when no leader was left). */
  elections: Record<string, number>
  fences: number
  unfences: number
  isrShrinks: number
  isrExpands: number
  truncations: number
  /** Whether an unclean election was forced after the fault phase (ensureUncleanElection). */
  forcedUnclean: boolean
  /** The records-lost events (partition, fromOffset, toOffset, count). */
  recordsLostEvents: { partition: number; fromOffset: number; toOffset: number; count: number }[]
  /** Offsets the engine reported lost (sum of the events' counts). */
  reportedLostOffsets: number
  /** Committed records (acknowledged, or read below the high watermark) reported lost and not readable where they were at the end. */
  committedLost: number
  /**
   * Committed records reported lost that are readable where they were at the end: a later unclean
   * election chose a replica that still held them (Kafka makes no promise either way).
   */
  restoredAfterLoss: number
  /** Every fault action with its virtual time, e.g. "1250 kill 2": the run's trace. */
  trace: string[]
  /** Every ISR full, every replica at the high watermark, every produce answered, after healing. */
  converged: boolean
  /** Why not converged (partitions and brokers still degraded), empty when converged. */
  notConverged: string[]
  // ---- findings: each must be empty (or equal, for the loss report) ----
  lostRecords: LostRecord[]
  /** Records found more than once, e.g. "key-3#17 at 6@120, 6@131". */
  duplicates: string[]
  /** Per-key order violations, e.g. "key-3: #18 at 6@120 before #17 at 6@131". */
  orderViolations: string[]
  /** Replicas whose batches differ from the leader's up to the high watermark. */
  replicaMismatches: string[]
  /** Committed records lost without a records-lost event covering them. */
  unreportedLoss: string[]
  /** Offsets reported lost that the run never saw committed, or whose record the new leader still held when the loss was reported. */
  overReportedLoss: string[]
  /** Things that must not happen (a high watermark going back without a loss report, a record on the wrong partition, background errors). */
  anomalies: string[]
}

interface Pending {
  key: string
  seqs: number[]
  sentAt: number
  settled: boolean
  gaveUp: boolean
}

/** `value` bytes of record (key, seq), parsed back by parseValue. */
function valueOf(key: string, seq: number): Buffer {
  return Buffer.from(`${key}#${seq}`)
}

function parseValue(v: Buffer | null): SeqRecord | null {
  if (!v) return null
  const s = v.toString()
  const i = s.lastIndexOf('#')
  if (i < 0) return null
  const seq = Number(s.slice(i + 1))
  return Number.isInteger(seq) ? { key: s.slice(0, i), seq } : null
}

const label = (r: SeqRecord | undefined): string => (r ? `${r.key}#${r.seq}` : '(none)')

/** Keys `key-0`, `key-1`, ... : `count` of them, extended until every partition has one. */
export function chaosKeys(count: number, partitions: number): string[] {
  const keys: string[] = []
  const covered = new Set<number>()
  for (let i = 0; keys.length < count || covered.size < partitions; i++) {
    const k = `key-${i}`
    const p = partitionForKey(Buffer.from(k), partitions)
    if (keys.length >= count && covered.has(p)) continue
    keys.push(k)
    covered.add(p)
  }
  return keys
}

function bump(m: Record<string, number>, k: string, by = 1): void {
  m[k] = (m[k] ?? 0) + by
}

/**
 * Runs one chaos run (see the module header) in a fresh temporary data directory, removed at the end.
 * @returns the report; the caller asserts its findings. @throws only for a broken harness (an engine
 *   call the driver made refusing a fault it chose from the brokers' states is reported as an anomaly).
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const stepMs = opts.stepMs ?? 50
  const brokers = opts.brokers ?? 3
  const partitions = opts.partitions ?? 6
  const rf = opts.replicationFactor ?? 3
  const minIsr = opts.minInsyncReplicas ?? 2
  const acks: Acks = opts.acks ?? 'all'
  const maxInFlight = opts.maxInFlightPerKey ?? 2
  const produceChance = opts.produceChance ?? 0.4
  const maxBatch = opts.maxBatch ?? 3
  const sessionTimeoutMs = opts.sessionTimeoutMs ?? 1000
  const requestTimeoutMs = opts.requestTimeoutMs ?? 3000
  const [faultMin, faultMax] = opts.faultIntervalMs ?? [150, 600]
  const maxDown = opts.maxDown ?? brokers - 1
  const settleMs = opts.settleMs ?? 60000
  const log = opts.log ?? (() => {})
  const rand = seededRandom(opts.seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))

  const wallStart = Date.now()
  const T0 = 1_700_000_000_000
  const clock = { now: T0 }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-chaos-'))
  const report: ChaosReport = {
    seed: opts.seed,
    faultMs: opts.faultMs,
    virtualMs: 0,
    wallMs: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    unanswered: 0,
    lost: 0,
    failures: {},
    faults: {},
    elections: {},
    fences: 0,
    unfences: 0,
    isrShrinks: 0,
    isrExpands: 0,
    truncations: 0,
    forcedUnclean: false,
    recordsLostEvents: [],
    reportedLostOffsets: 0,
    committedLost: 0,
    restoredAfterLoss: 0,
    trace: [],
    converged: false,
    notConverged: [],
    lostRecords: [],
    duplicates: [],
    orderViolations: [],
    replicaMismatches: [],
    unreportedLoss: [],
    overReportedLoss: [],
    anomalies: []
  }
  const cluster = new Cluster({
    dataDir: dir,
    brokers,
    clock: () => clock.now,
    autoReplicate: false,
    storage: 'file',
    log: () => {},
    eventLog: () => {},
    onBackgroundError: (e) => report.anomalies.push(`background error: ${(e as Error).message}`),
    replicaLagTimeMaxMs: opts.replicaLagTimeMaxMs ?? 600,
    brokerHeartbeatIntervalMs: opts.heartbeatIntervalMs ?? 200,
    brokerSessionTimeoutMs: sessionTimeoutMs
  })
  // Records-lost events wait here until the step that emitted them returned (the observer then
  // moves what it knew at those offsets out of the committed map).
  const lossQueue: ClusterEvent[] = []
  let uncleanElections = 0
  const unsubscribe = cluster.onEvent((e) => {
    opts.onEvent?.(e)
    switch (e.kind) {
      case 'leader-elected':
        bump(report.elections, e.brokerId !== undefined && e.brokerId < 0 ? 'offline' : (e.election ?? 'unknown'))
        if (e.election === 'unclean') uncleanElections++
        break
      case 'broker-fenced':
        report.fences++
        break
      case 'broker-unfenced':
        report.unfences++
        break
      case 'isr-shrink':
        report.isrShrinks++
        break
      case 'isr-expand':
        report.isrExpands++
        break
      case 'log-truncated':
        report.truncations++
        break
      case 'records-lost':
        if (e.topic === CHAOS_TOPIC) lossQueue.push(e)
        break
    }
  })

  const keys = chaosKeys(opts.keys ?? 12, partitions)
  const partitionOf = new Map(keys.map((k) => [k, partitionForKey(Buffer.from(k), partitions)]))
  const nextSeq = new Map(keys.map((k) => [k, 0]))
  const inFlight = new Map(keys.map((k) => [k, 0]))
  const pending = new Set<Pending>()
  const acked: PlacedRecord[] = []
  /** What the run knows was committed: per partition, offset -> record (acknowledged, or read below the high watermark). */
  const committed = Array.from({ length: partitions }, () => new Map<number, SeqRecord>())
  /** Committed records the engine reported lost: partition -> offset -> record. */
  const reportedLost = Array.from({ length: partitions }, () => new Map<number, SeqRecord[]>())
  /** The observer's next offset to read, per partition. */
  const readFrom = new Array<number>(partitions).fill(0)

  /** One engine call the driver chose; a refusal is a harness bug or an engine surprise: reported. */
  const act = (what: string, f: () => void): void => {
    report.trace.push(`${clock.now - T0} ${what}`)
    bump(report.faults, what.split(' ')[0])
    try {
      f()
    } catch (e) {
      report.anomalies.push(`${clock.now - T0} ${what} refused: ${(e as Error).message}`)
    }
    takeLossReports()
  }

  const takeLossReports = (): void => {
    for (const e of lossQueue.splice(0)) {
      const p = e.partition!
      report.recordsLostEvents.push({ partition: p, fromOffset: e.fromOffset!, toOffset: e.toOffset!, count: e.count! })
      report.reportedLostOffsets += e.count!
      const leaderLog = e.brokerId !== undefined && e.brokerId >= 0 ? cluster.replicaLog(e.brokerId, CHAOS_TOPIC, p) : null
      for (let o = e.fromOffset!; o < e.toOffset!; o++) {
        const r = committed[p].get(o)
        if (!r) {
          report.overReportedLoss.push(`${p}@${o} reported lost (event ${e.seq}) but never seen committed`)
          continue
        }
        // The report is about the new leader's log as the election left it (nothing was appended since).
        const held = leaderLog && o < leaderLog.logEndOffset ? parseValue(leaderLog.readRecords(o, { maxRecords: 1, maxOffset: o + 1 })[0]?.value ?? null) : null
        if (held && held.key === r.key && held.seq === r.seq) report.overReportedLoss.push(`${p}@${o}: ${label(r)} reported lost (event ${e.seq}) but the new leader, broker ${e.brokerId}, holds it there`)
        committed[p].delete(o)
        const list = reportedLost[p].get(o) ?? []
        list.push(r)
        reportedLost[p].set(o, list)
      }
      readFrom[p] = Math.min(readFrom[p], e.fromOffset!)
    }
  }

  /** Notes `r` committed at `p`@`o`; a different record already known committed there is lost without a report. */
  const noteCommitted = (p: number, o: number, r: SeqRecord, how: string): void => {
    const known = committed[p].get(o)
    if (known && (known.key !== r.key || known.seq !== r.seq)) report.unreportedLoss.push(`${p}@${o}: ${label(known)} was committed, now ${how} ${label(r)} there (no records-lost event)`)
    committed[p].set(o, r)
  }

  /** The observer: reads every partition from where it stopped up to the high watermark, as a consumer would. */
  const observe = (): void => {
    takeLossReports()
    for (let p = 0; p < partitions; p++) {
      for (let guard = 0; guard < 10000; guard++) {
        let res
        try {
          res = cluster.fetch(CHAOS_TOPIC, p, readFrom[p], { maxRecords: 1000 })
        } catch (e) {
          const code = e instanceof KafkaError ? e.code : String(e)
          if (code === 'OFFSET_OUT_OF_RANGE') report.anomalies.push(`${clock.now - T0} partition ${p}: reading at ${readFrom[p]} is out of range (${(e as Error).message}) without a loss report`)
          break
        }
        if (res.highWatermark < readFrom[p]) {
          report.anomalies.push(`${clock.now - T0} partition ${p}: high watermark ${res.highWatermark} went back below ${readFrom[p]} without a loss report`)
          readFrom[p] = res.highWatermark
          break
        }
        for (const rec of res.records) {
          const r = parseValue(rec.value)
          if (!r) continue
          if (partitionOf.get(r.key) !== p) report.anomalies.push(`record ${label(r)} found on partition ${p}, its key hashes to ${partitionOf.get(r.key)}`)
          noteCommitted(p, rec.offset, r, 'reads')
        }
        if (res.records.length === 0) break
        readFrom[p] = res.nextOffset
      }
    }
  }

  const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

  const send = (key: string): void => {
    const n = int(1, maxBatch)
    const seqs: number[] = []
    for (let i = 0; i < n; i++) {
      const s = nextSeq.get(key)!
      nextSeq.set(key, s + 1)
      seqs.push(s)
    }
    const entry: Pending = { key, seqs, sentAt: clock.now, settled: false, gaveUp: false }
    pending.add(entry)
    inFlight.set(key, inFlight.get(key)! + 1)
    report.sent += n
    const free = (): void => {
      if (!entry.gaveUp) inFlight.set(key, inFlight.get(key)! - 1)
    }
    cluster
      .produce(
        CHAOS_TOPIC,
        seqs.map((s) => ({ key: Buffer.from(key), value: valueOf(key, s) })),
        { acks, timeoutMs: 24 * 3600 * 1000 }
      )
      .then(
        (mds: RecordMetadata[]) => {
          entry.settled = true
          pending.delete(entry)
          free()
          report.acked += n
          mds.forEach((md, i) => {
            const r: PlacedRecord = { key, seq: seqs[i], partition: md.partition, offset: md.offset }
            acked.push(r)
            if (acks !== 0) noteCommittedAck(r)
          })
        },
        (e: unknown) => {
          entry.settled = true
          pending.delete(entry)
          free()
          report.failed += n
          bump(report.failures, e instanceof KafkaError ? e.code : String(e), n)
        }
      )
  }

  // An acknowledged record is committed only under acks=all (acks=1 acknowledges the leader's append).
  const noteCommittedAck = (r: PlacedRecord): void => {
    if (acks === 'all') noteCommitted(r.partition, r.offset, r, 'acknowledged')
  }

  const step = async (produce: boolean): Promise<void> => {
    clock.now += stepMs
    if (produce)
      for (const k of keys) if (inFlight.get(k)! < maxInFlight && rand() < produceChance) send(k)
    try {
      cluster.tick()
    } catch (e) {
      report.anomalies.push(`${clock.now - T0} tick failed: ${(e as Error).message}`)
    }
    await flush()
    for (const p of pending)
      if (!p.gaveUp && clock.now - p.sentAt >= requestTimeoutMs) {
        p.gaveUp = true
        inFlight.set(p.key, inFlight.get(p.key)! - 1)
      }
    observe()
    opts.afterStep?.(cluster, clock.now - T0)
  }

  const byId = (): Map<number, BrokerState> => new Map(cluster.brokers().map((b) => [b.id, b]))

  const injectFault = (): void => {
    const states = [...byId().values()]
    const down = states.filter((b) => b.state !== 'running' || b.isolated).length
    const choices: { w: number; what: string; f: () => void }[] = []
    for (const b of states) {
      if (b.state !== 'running') {
        choices.push({ w: 3, what: `start ${b.id}`, f: () => cluster.startBroker(b.id) })
        continue
      }
      if (b.isolated || b.slowMs > 0) choices.push({ w: 3, what: `heal ${b.id}`, f: () => cluster.healBroker(b.id) })
      if (down < maxDown) {
        choices.push({ w: 2, what: `kill ${b.id}`, f: () => cluster.killBroker(b.id) })
        choices.push({ w: 1, what: `stop ${b.id}`, f: () => cluster.stopBroker(b.id) })
        if (!b.isolated) choices.push({ w: 2, what: `isolate ${b.id}`, f: () => cluster.isolateBroker(b.id) })
      }
      if (!b.isolated) {
        const delay = int(20, 2 * sessionTimeoutMs)
        if (delay !== b.slowMs) choices.push({ w: 2, what: `slow ${b.id} ${delay}`, f: () => cluster.slowBroker(b.id, delay) })
      }
    }
    if (choices.length === 0) return
    let r = rand() * choices.reduce((s, c) => s + c.w, 0)
    for (const c of choices) {
      r -= c.w
      if (r < 0) return act(c.what, c.f)
    }
    const last = choices[choices.length - 1]
    act(last.what, last.f)
  }

  /** Starts and heals every broker, resumes fetching (what the faults did is undone). */
  const healAll = (): void => {
    for (const b of byId().values()) {
      if (b.state !== 'running') act(`start ${b.id}`, () => cluster.startBroker(b.id))
      else if (b.isolated || b.slowMs > 0) act(`heal ${b.id}`, () => cluster.healBroker(b.id))
      const now = byId().get(b.id)!
      if (now.state === 'running' && !now.fetching) act(`resume-fetching ${b.id}`, () => cluster.resumeFetching(b.id))
    }
  }

  /** Why the cluster is not yet whole again (empty when every ISR is full and every replica at the high watermark). */
  const degraded = (): string[] => {
    const out: string[] = []
    for (const b of cluster.brokers()) if (b.state !== 'running' || b.fenced || b.isolated || b.slowMs > 0 || !b.fetching) out.push(`broker ${b.id} ${b.state}${b.fenced ? ' fenced' : ''}${b.isolated ? ' isolated' : ''}`)
    for (const p of cluster.describeTopic(CHAOS_TOPIC).partitions) {
      if (p.leader < 0 || p.isr.length !== p.replicas.length) out.push(`${CHAOS_TOPIC}-${p.partition} leader ${p.leader} isr [${p.isr}] of [${p.replicas}]`)
      for (const r of p.replicaStates)
        if (r.logEndOffset !== p.highWatermark || r.offline) out.push(`${CHAOS_TOPIC}-${p.partition} broker ${r.brokerId} at ${r.logEndOffset}, high watermark ${p.highWatermark}${r.offline ? ' offline' : ''}`)
    }
    if (pending.size > 0) out.push(`${pending.size} produce request(s) unanswered`)
    return out
  }

  const settle = async (): Promise<void> => {
    healAll()
    const until = clock.now + settleMs
    while (clock.now < until) {
      await step(false)
      if (degraded().length === 0) return
    }
  }

  /**
   * A deterministic unclean election (the brief's fallback when the seeded faults made none):
   * partition 0's followers stop fetching, so they fall out of the ISR after
   * replica.lag.time.max.ms while its leader keeps acknowledging (min.insync.replicas 1); then the
   * leader is stopped, and with unclean.leader.election.enable a lagging follower leads: the records
   * acknowledged meanwhile are lost, and the engine must report exactly those.
   */
  const forceUncleanElection = async (): Promise<void> => {
    report.forcedUnclean = true
    const p0 = cluster.describeTopic(CHAOS_TOPIC).partitions[0]
    const leader = p0.leader
    const followers = p0.replicas.filter((b) => b !== leader)
    for (const f of followers) act(`pause-fetching ${f}`, () => cluster.pauseFetching(f))
    const key = keys.find((k) => partitionOf.get(k) === 0)!
    const lagSteps = Math.ceil(((opts.replicaLagTimeMaxMs ?? 600) * 3) / stepMs)
    for (let i = 0; i < lagSteps; i++) {
      if (inFlight.get(key)! < maxInFlight) send(key)
      await step(false)
    }
    act(`stop ${leader}`, () => cluster.stopBroker(leader))
    await step(false)
  }

  try {
    cluster.createTopic(CHAOS_TOPIC, {
      partitions,
      replicationFactor: rf,
      configs: { 'min.insync.replicas': minIsr, 'unclean.leader.election.enable': opts.uncleanLeaderElection ? 'true' : 'false' }
    })
    log(`chaos seed ${opts.seed}: ${brokers} brokers, ${partitions} partitions, RF ${rf}, min.insync.replicas ${minIsr}, acks=${acks}, unclean.leader.election.enable=${!!opts.uncleanLeaderElection}, ${opts.faultMs} ms of faults`)
    let nextFault = clock.now + int(faultMin, faultMax)
    const end = clock.now + opts.faultMs
    while (clock.now < end) {
      if (clock.now >= nextFault) {
        injectFault()
        nextFault = clock.now + int(faultMin, faultMax)
      }
      await step(true)
    }
    await settle()
    if (opts.ensureUncleanElection && uncleanElections === 0) {
      await forceUncleanElection()
      await settle()
    }
    report.notConverged = degraded()
    report.converged = report.notConverged.length === 0
    observe()
    check(cluster, report, partitions, acked, committed, reportedLost)
    report.unanswered = report.sent - report.acked - report.failed
    report.virtualMs = clock.now - T0
  } finally {
    unsubscribe()
    await cluster.close()
    fs.rmSync(dir, { recursive: true, force: true })
    report.wallMs = Date.now() - wallStart
  }
  return report
}

/** The final checks (see the module header), on a converged cluster; findings go into `report`. */
function check(
  cluster: Cluster,
  report: ChaosReport,
  partitions: number,
  acked: PlacedRecord[],
  committed: Map<number, SeqRecord>[],
  reportedLost: Map<number, SeqRecord[]>[]
): void {
  const final: Map<number, SeqRecord>[] = []
  const seen = new Map<string, string[]>()
  for (let p = 0; p < partitions; p++) {
    const m = new Map<number, SeqRecord>()
    final.push(m)
    const state = cluster.describeTopic(CHAOS_TOPIC).partitions[p]
    let next = state.logStartOffset
    while (next < state.highWatermark) {
      const res = cluster.fetch(CHAOS_TOPIC, p, next, { maxRecords: 5000 })
      if (res.records.length === 0) break
      for (const rec of res.records) {
        const r = parseValue(rec.value)
        if (!r) continue
        m.set(rec.offset, r)
        const where = seen.get(label(r)) ?? []
        where.push(`${p}@${rec.offset}`)
        seen.set(label(r), where)
      }
      next = res.nextOffset
    }
    // Per-key order: sequence numbers increase with the offset.
    const lastOf = new Map<string, { seq: number; offset: number }>()
    for (const [o, r] of [...m].sort((a, b) => a[0] - b[0])) {
      const last = lastOf.get(r.key)
      if (last && last.seq >= r.seq) report.orderViolations.push(`${r.key}: #${last.seq} at ${p}@${last.offset} before #${r.seq} at ${p}@${o}`)
      lastOf.set(r.key, { seq: r.seq, offset: o })
    }
    // Replicas byte-identical up to the high watermark.
    const hw = state.highWatermark
    let leaderBytes: Buffer | null = null
    for (const b of [state.leader, ...state.replicas.filter((x) => x !== state.leader)]) {
      const log = cluster.replicaLog(b, CHAOS_TOPIC, p)
      if (!log) {
        report.replicaMismatches.push(`${CHAOS_TOPIC}-${p} broker ${b}: no log`)
        continue
      }
      const bytes = log.logEndOffset >= hw ? readAllBatches(log, state.logStartOffset, hw) : null
      if (!bytes) {
        report.replicaMismatches.push(`${CHAOS_TOPIC}-${p} broker ${b}: log ends at ${log.logEndOffset}, below the high watermark ${hw}`)
        continue
      }
      if (leaderBytes === null) leaderBytes = bytes
      else if (!bytes.equals(leaderBytes)) {
        let at = 0
        while (at < bytes.length && at < leaderBytes.length && bytes[at] === leaderBytes[at]) at++
        report.replicaMismatches.push(`${CHAOS_TOPIC}-${p} broker ${b}: ${bytes.length} bytes up to the high watermark ${hw}, leader ${state.leader} has ${leaderBytes.length}; first difference at byte ${at}`)
      }
    }
  }
  for (const [r, where] of seen) if (where.length > 1) report.duplicates.push(`${r} at ${where.join(', ')}`)
  for (const a of acked) {
    const there = final[a.partition].get(a.offset)
    if (!there || there.key !== a.key || there.seq !== a.seq) report.lostRecords.push({ ...a, foundThere: label(there) })
  }
  report.lost = report.lostRecords.length
  // Committed records no longer where they were: reported (records-lost) or not.
  for (let p = 0; p < partitions; p++) {
    for (const [o, r] of committed[p]) {
      const there = final[p].get(o)
      if (!there || there.key !== r.key || there.seq !== r.seq) report.unreportedLoss.push(`${p}@${o}: ${label(r)} was committed, now ${label(there)} (no records-lost event)`)
    }
    for (const [o, rs] of reportedLost[p]) {
      const there = final[p].get(o)
      for (const r of rs) {
        if (there && there.key === r.key && there.seq === r.seq) report.restoredAfterLoss++
        else report.committedLost++
      }
    }
  }
}

/** Every batch of `log` in [from, hw), concatenated as stored. */
function readAllBatches(log: { readBatches(start: number, maxBytes: number, maxOffset?: number): Buffer }, from: number, hw: number): Buffer {
  const parts: Buffer[] = []
  let next = from
  while (next < hw) {
    const buf = log.readBatches(next, 1 << 20, hw)
    if (buf.length === 0) break
    parts.push(buf)
    let p = 0
    let last = next
    while (p < buf.length) {
      last = batchLastOffset(buf, p)
      p += batchSize(buf, p)
    }
    next = last + 1
  }
  return Buffer.concat(parts)
}

/** The report as the lines the test and the soak print. */
export function formatReport(r: ChaosReport): string {
  const kv = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none'
  return [
    `chaos seed ${r.seed} (rerun with CHAOS_SEED=${r.seed}): ${r.faultMs} ms of faults, ${r.virtualMs} ms virtual in all, ${r.wallMs} ms wall`,
    `  sent ${r.sent} / acknowledged ${r.acked} / failed ${r.failed} / unanswered ${r.unanswered} / lost ${r.lost}`,
    `  failures: ${kv(r.failures)}`,
    `  faults: ${kv(r.faults)}${r.forcedUnclean ? ' (an unclean election was forced after the faults)' : ''}`,
    `  elections: ${kv(r.elections)}; fences ${r.fences}, unfences ${r.unfences}; ISR shrinks ${r.isrShrinks}, expands ${r.isrExpands}; truncations ${r.truncations}`,
    `  records-lost events ${r.recordsLostEvents.length} reporting ${r.reportedLostOffsets} offset(s); committed records lost ${r.committedLost} (acknowledged ${r.lost}), restored by a later unclean election ${r.restoredAfterLoss}`,
    `  converged ${r.converged}${r.converged ? '' : `: ${r.notConverged.slice(0, 5).join('; ')}`}`,
    ...(['lostRecords', 'duplicates', 'orderViolations', 'replicaMismatches', 'unreportedLoss', 'overReportedLoss', 'anomalies'] as const)
      .filter((k) => r[k].length > 0)
      .map((k) => `  ${k}: ${r[k].length}: ${r[k].slice(0, 5).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ')}`)
  ].join('\n')
}

/**
 * What a run must show, as the chaos test asserts it, for scripts that run many (npm run soak):
 * one line per failed expectation, empty when the run held. `unclean`: the variant with
 * unclean.leader.election.enable (loss allowed, but it must equal the engine's report); else
 * nothing acknowledged may be lost and the engine may report no loss.
 */
export function chaosFindings(r: ChaosReport, unclean: boolean): string[] {
  const out: string[] = []
  if (!r.converged) out.push(`not converged: ${r.notConverged.slice(0, 5).join('; ')}`)
  if (r.unanswered !== 0) out.push(`${r.unanswered} record(s) never answered`)
  for (const k of ['duplicates', 'orderViolations', 'replicaMismatches', 'unreportedLoss', 'overReportedLoss', 'anomalies'] as const)
    if (r[k].length > 0) out.push(`${k}: ${r[k].slice(0, 5).join('; ')}`)
  if (unclean) {
    if (r.reportedLostOffsets !== r.committedLost + r.restoredAfterLoss)
      out.push(`the engine reported ${r.reportedLostOffsets} offset(s) lost, the run found ${r.committedLost} committed record(s) lost and ${r.restoredAfterLoss} restored`)
  } else {
    if (r.lost > 0) out.push(`lost ${r.lost} acknowledged record(s): ${r.lostRecords.slice(0, 5).map((x) => `${x.key}#${x.seq} at ${x.partition}@${x.offset} (now ${x.foundThere})`).join('; ')}`)
    if (r.recordsLostEvents.length > 0) out.push(`the engine reported loss: ${JSON.stringify(r.recordsLostEvents.slice(0, 5))}`)
  }
  return out
}
