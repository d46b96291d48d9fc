/**
 * The seeded fault driver of the wire chaos tests (chaos-wire.test.ts with kafkajs,
 * chaos-confluent-kafka.test.ts with librdkafka): on the real clock, every 0.7-1.5 s it picks one
 * fault at random (seeded) among those that make sense for the brokers' current states, applies it
 * through the engine API and waits for the listeners to follow (a killed broker's listener closes,
 * a started one's opens): start a stopped or killed broker, heal an isolated or slowed one, kill or
 * isolate a running one, slow a running one by 50-299 ms. Past its wall time it goes on until each
 * of these kinds was applied at least once (bounded by coverMs). Afterwards it starts or heals every
 * broker still faulty.
 * Must stay true: at most one broker is down (killed or isolated) at a time, so acks=all with
 * min.insync.replicas 2 on RF 3 can make progress; the same seed draws the same choices from the
 * same broker states (the draws come from `rand` only, in a fixed order).
 */
import type { WireCluster } from './wire-cluster'

/** Every kind of fault the driver applies. */
export const FAULT_KINDS = ['kill', 'isolate', 'slow', 'heal', 'start'] as const

/** What a fault run did: how many faults of each kind ("kill", "isolate", ...), and its trace. */
export interface FaultRun {
  /** Count per fault kind: kill, isolate, slow, heal, start. */
  faults: Map<string, number>
  /** One entry per fault applied: "<ms since start> <fault> <broker> [<slow ms>]". */
  trace: string[]
  /** Date.now() when the run started (ms). */
  t0: number
}

/** Options of runFaults. */
export interface FaultOptions {
  /** Seeded uniform [0, 1) source (e.g. seededRandom(seed) of src/broker/client/partitioner). */
  rand: () => number
  /** Wall time of faults (ms); the final heal comes after. */
  faultMs: number
  /** How much longer than faultMs (ms) faults go on while some kind of FAULT_KINDS was not applied yet (default 15000). */
  coverMs?: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Drives faults on `w`'s brokers for `faultMs` of wall time (and on, at most `coverMs` more, until
 * every kind of FAULT_KINDS was applied), then starts or heals every broker still
 * faulty and waits for the listeners to settle. Resolves with the counts and the trace.
 * @throws whatever the engine throws for a fault (none is expected: each is chosen from the states).
 */
export async function runFaults(w: WireCluster, opts: FaultOptions): Promise<FaultRun> {
  const { cluster } = w
  const { rand, faultMs } = opts
  const faults = new Map<string, number>()
  const trace: string[] = []
  const t0 = Date.now()
  const note = (what: string): void => {
    trace.push(`${Date.now() - t0} ${what}`)
    faults.set(what.split(' ')[0], (faults.get(what.split(' ')[0]) ?? 0) + 1)
  }
  const coverMs = opts.coverMs ?? 15000
  const missing = (): boolean => FAULT_KINDS.some((k) => !faults.has(k))
  while (Date.now() - t0 < faultMs || (missing() && Date.now() - t0 < faultMs + coverMs)) {
    await sleep(700 + Math.floor(rand() * 800))
    const brokers = cluster.brokers()
    const down = brokers.filter((b) => b.state !== 'running' || b.isolated).length
    const choices: { what: string; f: () => void }[] = []
    for (const b of brokers) {
      if (b.state !== 'running') choices.push({ what: `start ${b.id}`, f: () => cluster.startBroker(b.id) })
      else {
        if (b.isolated || b.slowMs > 0) choices.push({ what: `heal ${b.id}`, f: () => cluster.healBroker(b.id) })
        if (down === 0) {
          choices.push({ what: `kill ${b.id}`, f: () => cluster.killBroker(b.id) })
          choices.push({ what: `isolate ${b.id}`, f: () => cluster.isolateBroker(b.id) })
        }
        if (!b.isolated && b.slowMs === 0) {
          const ms = 50 + Math.floor(rand() * 250)
          choices.push({ what: `slow ${b.id} ${ms}`, f: () => cluster.slowBroker(b.id, ms) })
        }
      }
    }
    const c = choices[Math.floor(rand() * choices.length)]
    note(c.what)
    c.f()
    await w.listeners.settled()
  }
  // heal everything
  for (const b of cluster.brokers()) {
    if (b.state !== 'running') {
      note(`start ${b.id}`)
      cluster.startBroker(b.id)
    } else if (b.isolated || b.slowMs > 0) {
      note(`heal ${b.id}`)
      cluster.healBroker(b.id)
    }
  }
  await w.listeners.settled()
  return { faults, trace, t0 }
}
