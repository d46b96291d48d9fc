/**
 * The scenario every client suite under tests/clients/ runs, and the engine-side checks they
 * share: topic `orders` with 6 partitions and RF 3, keyed records `key-<i>` / `value-<i>` (i unique
 * over the whole run, so a lost or duplicated record is seen), where the engine stored each one
 * (every key must sit on the partition the Java client's murmur2 says: src/broker/client/partitioner.ts),
 * which compression codecs the stored batches carry, the group's lag as the app shows it, and a
 * timer printing each suite's wall time. Nothing here talks to a client.
 */
import { murmur2, toPositive } from '../../src/broker/client/partitioner'
import { decodeRecordBatches } from '../../src/broker/codec/record-batch'
import type { WireCluster } from './wire-cluster'

/** The scenario's topic. */
export const TOPIC = 'orders'
/** Its partition count. */
export const PARTITIONS = 6
/** Its replication factor (every broker holds every partition). */
export const REPLICATION_FACTOR = 3
/** group.initial.rebalance.delay.ms for the suites: Kafka's 3000 ms would only make them slower. */
export const GROUP_CONFIG = { 'group.initial.rebalance.delay.ms': 500 }

/** A produced record's key and value, by its index. */
export const keyOf = (i: number): string => `key-${i}`
export const valueOf = (i: number): string => `value-${i}`

/** The partition the Java client's default partitioner gives `key` among PARTITIONS partitions (murmur2, seed 0x9747b28c). */
export function murmur2Partition(key: string): number {
  return toPositive(murmur2(Buffer.from(key))) % PARTITIONS
}

/** One record as the engine stored it. */
export interface StoredRecord {
  partition: number
  offset: number
  /** ms since the epoch */
  timestamp: number
  key: string
  value: string
}

/** Every record below the high watermark of each partition of `topic`, read through the engine (the current leaders). */
export function storedRecords(w: WireCluster, topic = TOPIC): StoredRecord[] {
  const out: StoredRecord[] = []
  for (const p of w.cluster.describeTopic(topic).partitions) {
    let offset = 0
    for (;;) {
      const { records, nextOffset, highWatermark } = w.cluster.fetch(topic, p.partition, offset, { maxRecords: 10_000 })
      for (const r of records) out.push({ partition: p.partition, offset: r.offset, timestamp: r.timestamp, key: r.key?.toString() ?? '', value: r.value?.toString() ?? '' })
      if (records.length === 0 || nextOffset >= highWatermark) break
      offset = nextOffset
    }
  }
  return out
}

/** Sum of the high watermarks of `topic`'s partitions. */
export function committedRecords(w: WireCluster, topic = TOPIC): number {
  return w.cluster.describeTopic(topic).partitions.reduce((n, p) => n + p.highWatermark, 0)
}

/**
 * The compression codec ids (record batch attributes bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4,
 * 4 zstd) and producer ids of the batches stored in the current leaders' logs of `topic`.
 */
export function storedBatches(w: WireCluster, topic = TOPIC): { codecs: Set<number>; producerIds: Set<bigint | number> } {
  const codecs = new Set<number>()
  const producerIds = new Set<bigint | number>()
  for (const p of w.cluster.describeTopic(topic).partitions) {
    const log = w.cluster.replicaLog(p.leader, topic, p.partition)
    if (!log) continue
    for (const b of decodeRecordBatches(log.readBatches(0, 64 << 20))) {
      codecs.add(b.attributes & 7)
      producerIds.add(b.producerId)
    }
  }
  return { codecs, producerIds }
}

/** The app's lag of `groupId` on `topic` per partition (the contract's group/describe rows, as the UI shows them). */
export async function appLag(w: WireCluster, groupId: string, topic = TOPIC): Promise<Map<number, number>> {
  const view = await w.appGroup(groupId)
  return new Map(view.rows.filter((r) => r.topic === topic).map((r) => [r.partition, r.lag]))
}

/** The high watermark of each partition of `topic`, by partition. */
export function highWatermarks(w: WireCluster, topic = TOPIC): Map<number, number> {
  return new Map(w.cluster.describeTopic(topic).partitions.map((p) => [p.partition, p.highWatermark]))
}

/** Resolves once `cond()` holds, checked every 50 ms; rejects naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Starts a wall-clock timer for suite `name`; `done()` prints "<name>: N.N s" (CI time is watched, never asserted). */
export function suiteTimer(name: string): { done(): void } {
  const start = Date.now()
  return { done: () => console.log(`tests/clients ${name}: ${((Date.now() - start) / 1000).toFixed(1)} s`) }
}
