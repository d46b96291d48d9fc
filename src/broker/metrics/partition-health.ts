/**
 * Partition health gauges, after Kafka's ReplicaManager UnderReplicatedPartitions and
 * UnderMinIsrPartitionCount and the controller's OfflinePartitionsCount.
 *
 * Must stay true: a partition is offline when it has no leader (-1); under-replicated when it has a
 * leader and its ISR is smaller than its replica set; under min ISR when it has a leader and its ISR
 * is smaller than its topic's min.insync.replicas (acks=all produce then fails with
 * NOT_ENOUGH_REPLICAS). An offline partition is counted neither as under-replicated nor as under
 * min ISR (Kafka counts both on the leader, which an offline partition lacks).
 */

/** The fields of a partition the gauges read. */
export interface PartitionHealthInput {
  leader: number
  replicas: number[]
  isr: number[]
  /** min.insync.replicas of its topic; absent: 1 (Kafka's default), so only an empty ISR is below it. */
  minInsyncReplicas?: number
}

/** Counts of under-replicated, under-min-ISR and offline partitions. */
export interface PartitionHealth {
  underReplicatedPartitions: number
  /** Kafka's UnderMinIsrPartitionCount. */
  underMinIsrPartitions: number
  offlinePartitions: number
}

/**
 * Whether a partition with a leader has fewer in-sync replicas than `minInsyncReplicas`
 * (Kafka's Partition.isUnderMinIsr); false for an offline partition.
 */
export function isUnderMinIsr(p: { leader: number; isr: number[] }, minInsyncReplicas: number): boolean {
  return p.leader >= 0 && p.isr.length < minInsyncReplicas
}

/** Count under-replicated, under-min-ISR and offline partitions among `partitions`. */
export function partitionHealth(partitions: Iterable<PartitionHealthInput>): PartitionHealth {
  let underReplicatedPartitions = 0
  let underMinIsrPartitions = 0
  let offlinePartitions = 0
  for (const p of partitions) {
    if (p.leader < 0) {
      offlinePartitions++
      continue
    }
    if (p.isr.length < p.replicas.length) underReplicatedPartitions++
    if (isUnderMinIsr(p, p.minInsyncReplicas ?? 1)) underMinIsrPartitions++
  }
  return { underReplicatedPartitions, underMinIsrPartitions, offlinePartitions }
}
