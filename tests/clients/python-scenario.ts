/**
 * The client scenario (scenario.ts) as the two Python suites run it, through their drivers
 * (python-driver.ts): the driver's admin creates `orders` (6 partitions, RF 3, retention.ms set);
 * two consumer processes of one group share its partitions, committing each record synchronously;
 * the driver's producer sends keyed records with each codec given (one producer per codec for the
 * whole run, idempotent where the client can be); the broker leading partition 0 stops mid-run and
 * the clients follow the new leaders; every record is consumed exactly once (each stored
 * partition/offset once), on its murmur2 partition; the consumers leave with everything committed;
 * more records make a lag, and the app's lag (group/describe) equals the client's own view
 * (the driver's `lag` command). Hooks let a suite add its client's own admin checks.
 * The caller owns `w` and closes it; every driver started here is killed before this resolves.
 */
import { expect } from 'vitest'
import { startDriver, type DriverLine, type PythonDriver } from './python-driver'
import { PARTITIONS, REPLICATION_FACTOR, TOPIC, appLag, committedRecords, highWatermarks, keyOf, murmur2Partition, storedBatches, storedRecords, until, valueOf } from './scenario'
import type { WireCluster } from './wire-cluster'

/** What a Python suite runs. */
export interface PythonScenario {
  /** e.g. 'confluent-kafka', for names and client ids. */
  client: string
  /** The driver script beside this file. */
  driver: string
  /** The codecs its producer sends with: Kafka's compression.type name and the batch attribute id. */
  codecs: { name: string; id: number }[]
  /** Whether its producer is idempotent (batches carry a producer id >= 0), else -1. */
  idempotent: boolean
  /** Whether its producer sends a batch uncompressed when compressing would not make it smaller (librdkafka and kafka-python do). */
  mayStoreUncompressed?: boolean
  /** Records per codec and phase. */
  perCodec: number
  /** After the topic is created: describe its configs, etc. */
  afterCreate?(admin: PythonDriver, group: string): Promise<void>
  /** While the group is Stable with both consumers: list and describe groups, etc. */
  whileStable?(admin: PythonDriver, group: string): Promise<void>
}

/** A delivery report of the drivers' `send`: index, partition, offset. */
type Delivered = [number, number, number]

/** Runs the scenario for one Python client against `w`. */
export async function runPythonScenario(w: WireCluster, s: PythonScenario): Promise<void> {
  const group = `${s.client}-group`
  const drivers: PythonDriver[] = []
  const start = (args: string[], onLine?: (l: DriverLine) => void) => {
    const d = startDriver(s.driver, args, onLine)
    drivers.push(d)
    return d
  }
  try {
    const admin = start(['admin', w.bootstrap()])
    await admin.request('create_topic', { topic: TOPIC, partitions: PARTITIONS, replication_factor: REPLICATION_FACTOR, config: { 'retention.ms': '86400000' } })
    const topic = w.cluster.describeTopic(TOPIC)
    expect(topic.partitions.map((p) => p.replicas.length)).toEqual(Array(PARTITIONS).fill(REPLICATION_FACTOR))
    expect(topic.configs['retention.ms']).toBe(86400000n)
    await s.afterCreate?.(admin, group)

    // a group of two consumer processes
    const seen: { consumer: number; partition: number; offset: number; key: string; value: string }[] = []
    const assigned = new Map<number, number[]>()
    const consumers = [1, 2].map((n) =>
      start(['consumer', w.bootstrap(), group, `${s.client}-${n}`, TOPIC], (l) => {
        if ('record' in l) seen.push({ consumer: n, ...l.record })
        else if ('assigned' in l) assigned.set(n, l.assigned)
      })
    )
    await until(() => {
      const d = w.cluster.describeGroup(group)
      const a = assigned.get(1) ?? []
      const b = assigned.get(2) ?? []
      return d.state === 'Stable' && d.members.length === 2 && a.length > 0 && b.length > 0 && a.length + b.length === PARTITIONS
    }, `both ${s.client} consumers sharing the 6 partitions`, 40_000)
    await s.whileStable?.(admin, group)

    // the producer: phase 1, then the leader of partition 0 stops, then phase 2
    const producer = start(['producer', w.bootstrap()])
    let next = 0
    const send = async (codec: string) => {
      const from = next
      next += s.perCodec
      const r = await producer.request<{ delivered: Delivered[]; errors: string[]; undelivered: number }>('send', { topic: TOPIC, from, count: s.perCodec, codec }, 60_000)
      expect({ errors: r.errors, undelivered: r.undelivered, delivered: r.delivered.length }).toEqual({ errors: [], undelivered: 0, delivered: s.perCodec })
      for (const [i, partition] of r.delivered) expect([i, partition]).toEqual([i, murmur2Partition(keyOf(i))])
    }
    for (const c of s.codecs) await send(c.name)
    await until(() => seen.length >= next, `the ${next} records of phase 1 consumed`, 30_000)
    const stopped = w.cluster.describeTopic(TOPIC).partitions[0].leader
    await w.stopBroker(stopped)
    expect(w.cluster.describeTopic(TOPIC).partitions[0].leader).not.toBe(stopped)
    for (const c of s.codecs) await send(c.name)
    const total = next
    await until(() => committedRecords(w) >= total, `the ${total} records committed`, 20_000)
    await until(() => seen.length >= total, `the ${total} records consumed`, 40_000)

    // nothing lost, nothing twice: each stored record consumed once, on its murmur2 partition
    const stored = storedRecords(w)
    expect(new Set(stored.map((r) => r.value))).toEqual(new Set(Array.from({ length: total }, (_, i) => valueOf(i))))
    expect(stored).toHaveLength(total)
    for (const r of stored) expect([r.key, r.partition]).toEqual([r.key, murmur2Partition(r.key)])
    const consumed = seen.map((r) => `${r.partition}/${r.offset}/${r.value}`)
    expect(consumed).toHaveLength(new Set(consumed).size)
    expect(new Set(consumed)).toEqual(new Set(stored.map((r) => `${r.partition}/${r.offset}/${r.value}`)))
    expect(new Set(seen.map((r) => r.consumer))).toEqual(new Set([1, 2]))
    const batches = storedBatches(w)
    const expectedCodecs = s.codecs.map((c) => c.id)
    for (const id of expectedCodecs) expect(batches.codecs, `a batch of codec ${id}`).toContain(id)
    expect([...batches.codecs].filter((id) => !expectedCodecs.includes(id) && !(s.mayStoreUncompressed && id === 0))).toEqual([])
    for (const id of batches.producerIds) expect(s.idempotent ? Number(id) >= 0 : Number(id) === -1).toBe(true)

    // the consumers leave with everything committed
    await Promise.all(consumers.map((c) => c.stop()))
    await until(() => {
      const committed = w.cluster.fetchOffsets(group).offsets.get(TOPIC)
      return [...highWatermarks(w)].every(([p, hw]) => committed?.get(p) === hw)
    }, 'the committed offsets to reach the high watermarks', 10_000)
    expect([...(await appLag(w, group)).values()]).toEqual(Array(PARTITIONS).fill(0))

    // a lag: more records, nobody consuming; the app's lag per partition is the client's
    await send(s.codecs[0].name)
    await until(() => committedRecords(w) >= next, `the ${next} records committed`, 20_000)
    const client = await admin.request<{ lag: Record<string, { committed: number; high: number; lag: number }> }>('lag', { group, topic: TOPIC, partitions: PARTITIONS })
    const clientLag = new Map(Object.entries(client.lag).map(([p, l]) => [Number(p), l.lag]))
    expect((await w.appGroup(group)).state).toBe('Empty')
    const lag = await appLag(w, group)
    expect(new Map([...lag].sort())).toEqual(new Map([...clientLag].sort()))
    expect([...lag.values()].reduce((a, b) => a + b, 0)).toBe(s.perCodec)
    await admin.request('exit')
    await producer.request('exit', {}, 30_000)
  } finally {
    for (const d of drivers) d.kill()
  }
}
