/**
 * ReplicaLagHistory: each replica's lag behind its leader over time, as the host samples it with
 * every snapshot (records = leader's log end offset - the replica's; ms = time since the replica
 * was last caught up, Kafka's lastCaughtUpTimeMs notion: see ReplicaState), so the topic detail
 * can draw it for the last minutes.
 *
 * Must stay true: at most `maxPoints` points per replica (the oldest dropped first), oldest first;
 * a partition or replica that no longer exists (topic deleted, replica moved) loses its history at
 * the next sample; `series` returns copies, never the kept arrays.
 */
import { REPLICA_LAG_HISTORY_POINTS, type ReplicaLagPoint, type ReplicaLagSeries } from '../shared/contract'

/** What one sample reads of a partition (PartitionState has these fields). */
export interface LagSampleInput {
  topic: string
  partition: number
  replicaStates: { brokerId: number; lagRecords: number | null; lagMs: number | null }[]
}

/** Bounded lag history per (topic, partition, replica). */
export class ReplicaLagHistory {
  /** `${topic}\u0000${partition}` -> broker id -> points, oldest first. */
  private readonly byPartition = new Map<string, Map<number, ReplicaLagPoint[]>>()

  /**
   * @param maxPoints points kept per replica, at least 1 (default REPLICA_LAG_HISTORY_POINTS: 5
   *   minutes at one snapshot a second).
   * @throws RangeError when maxPoints is not an integer >= 1.
   */
  constructor(private readonly maxPoints: number = REPLICA_LAG_HISTORY_POINTS) {
    if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be an integer of at least 1, got ${maxPoints}`)
  }

  /**
   * Appends one point at `t` (ms since the epoch) per replica of each partition in `partitions`,
   * and forgets the partitions and replicas not among them (they no longer exist).
   */
  record(t: number, partitions: Iterable<LagSampleInput>): void {
    const seen = new Set<string>()
    for (const p of partitions) {
      const key = keyOf(p.topic, p.partition)
      seen.add(key)
      let replicas = this.byPartition.get(key)
      if (!replicas) this.byPartition.set(key, (replicas = new Map()))
      const present = new Set<number>()
      for (const r of p.replicaStates) {
        present.add(r.brokerId)
        let points = replicas.get(r.brokerId)
        if (!points) replicas.set(r.brokerId, (points = []))
        points.push({ t, records: r.lagRecords, ms: r.lagMs })
        if (points.length > this.maxPoints) points.splice(0, points.length - this.maxPoints)
      }
      for (const b of [...replicas.keys()]) if (!present.has(b)) replicas.delete(b)
    }
    for (const key of [...this.byPartition.keys()]) if (!seen.has(key)) this.byPartition.delete(key)
  }

  /** The kept points of each replica of `topic`-`partition`, ordered by broker id; empty when none were sampled. */
  series(topic: string, partition: number): ReplicaLagSeries[] {
    const replicas = this.byPartition.get(keyOf(topic, partition))
    if (!replicas) return []
    return [...replicas.entries()]
      .sort(([a], [b]) => a - b)
      .map(([brokerId, points]) => ({ brokerId, points: points.map((x) => ({ ...x })) }))
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}
