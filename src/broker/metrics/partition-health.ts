/**
 * Partition health gauges, after Kafka's ReplicaManager UnderReplicatedPartitions and the
 * controller's OfflinePartitionsCount.
 *
 * Must stay true: a partition is offline when it has no leader (-1); under-replicated when it has a
 * leader and its ISR is smaller than its replica set. An offline partition is not also counted as
 * under-replicated (Kafka counts under-replication on the leader, which an offline partition lacks).
 */

/** The fields of a partition the gauges read. */
export interface PartitionHealthInput {
  leader: number
  replicas: number[]
  isr: number[]
}

/** Counts of under-replicated and offline partitions. */
export interface PartitionHealth {
  underReplicatedPartitions: number
  offlinePartitions: number
}

/** Count under-replicated and offline partitions among `partitions`. */
export function partitionHealth(partitions: Iterable<PartitionHealthInput>): PartitionHealth {
  let underReplicatedPartitions = 0
  let offlinePartitions = 0
  for (const p of partitions) {
    if (p.leader < 0) offlinePartitions++
    else if (p.isr.length < p.replicas.length) underReplicatedPartitions++
  }
  return { underReplicatedPartitions, offlinePartitions }
}
