/**
 * The Java client's default partitioner: murmur2 of the key bytes for keyed records, and the sticky
 * partitioner (KIP-480, Kafka 2.4+) for records without a key.
 *
 * Must stay true: `murmur2` returns exactly what org.apache.kafka.common.utils.Utils.murmur2 returns
 * (a signed 32-bit int) for the same bytes, so a key lands on the partition real Kafka picks.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/**
 * Murmur2 hash of `data`, as Kafka's `Utils.murmur2(byte[])`: seed 0x9747b28c, m 0x5bd1e995, r 24,
 * little-endian 4-byte blocks, tail bytes, final mix. Returns a signed 32-bit integer.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k =
      (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  const rest = length % 4
  const base = length & ~3
  // Java's switch falls through from 3 to 2 to 1.
  if (rest === 3) h ^= (data[base + 2] & 0xff) << 16
  if (rest >= 2) h ^= (data[base + 1] & 0xff) << 8
  if (rest >= 1) {
    h ^= data[base] & 0xff
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs), so the result is in [0, 2^31). */
export function toPositive(h: number): number {
  return h & 0x7fffffff
}

/**
 * Partition of a keyed record, as the Java client's BuiltInPartitioner.partitionForKey:
 * `toPositive(murmur2(keyBytes)) % numPartitions`.
 * @throws RangeError when numPartitions < 1.
 */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1)
    throw new RangeError(`numPartitions must be an integer >= 1, got ${numPartitions}`)
  return toPositive(murmur2(keyBytes)) % numPartitions
}

/**
 * The sticky partitioner for records without a key (KIP-480): all unkeyed records of one batch go to
 * the same partition; when a new batch starts, a different partition is chosen at random. Here a
 * batch is one produce() call per topic: callers take `partition(topic, n)` for every unkeyed record
 * of a call and call `onNewBatch(topic, n)` after it.
 *
 * `random` returns a float in [0, 1) (default Math.random); tests inject a seeded one.
 */
export class StickyPartitioner {
  private readonly sticky = new Map<string, number>()
  constructor(private readonly random: () => number = Math.random) {}

  /** The current sticky partition of `topic` (choosing one at random the first time). */
  partition(topic: string, numPartitions: number): number {
    const p = this.sticky.get(topic)
    if (p !== undefined && p < numPartitions) return p
    const chosen = Math.floor(this.random() * numPartitions)
    this.sticky.set(topic, chosen)
    return chosen
  }

  /** A batch of `topic` ended: switch to a different random partition (when there is more than one). */
  onNewBatch(topic: string, numPartitions: number): void {
    const prev = this.sticky.get(topic)
    if (numPartitions <= 1) {
      this.sticky.set(topic, 0)
      return
    }
    let next = Math.floor(this.random() * (numPartitions - 1))
    if (prev !== undefined && next >= prev) next++
    this.sticky.set(topic, next)
  }

  /** Forget the state of a deleted topic. */
  forget(topic: string): void {
    this.sticky.delete(topic)
  }
}

/** A small deterministic PRNG (mulberry32) returning floats in [0, 1), for seeded tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
