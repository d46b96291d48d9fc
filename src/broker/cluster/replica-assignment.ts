/**
 * Replica assignment, as Kafka's rack-unaware assignor (kafka.admin.AdminUtils
 * .assignReplicasToBrokersRackUnaware, now org.apache.kafka.admin.AdminUtils): the first replica of
 * partition p goes to broker (p + startIndex) % n; the others follow at a shift that grows by one
 * every n partitions (nextReplicaShift), so leaders and followers spread evenly.
 *
 * Determinism: Kafka picks startIndex and nextReplicaShift at random. Here both default to
 * `toPositive(murmur2(utf8(topic))) % n`, which spreads leaders of different topics over brokers as
 * the random start does, yet gives the same assignment for the same topic name and broker set every
 * time. Callers (tests) may pass a fixed start instead.
 *
 * Must stay true: each partition gets `replicationFactor` distinct brokers; leader = first replica.
 */
import { KafkaError } from '../model/errors'
import { murmur2, toPositive } from '../client/partitioner'

/**
 * Assign replicas of `partitions` partitions over `brokerIds` (sorted ascending first).
 * @param start fixed startIndex and nextReplicaShift (Kafka's fixedStartIndex); default from the topic name.
 * @returns replicas per partition, index = partition id.
 * @throws KafkaError INVALID_REPLICATION_FACTOR when replicationFactor > brokers or < 1.
 */
export function assignReplicas(
  topic: string,
  partitions: number,
  replicationFactor: number,
  brokerIds: readonly number[],
  start?: number
): number[][] {
  const brokers = [...brokerIds].sort((a, b) => a - b)
  const n = brokers.length
  if (replicationFactor < 1 || replicationFactor > n)
    throw new KafkaError('INVALID_REPLICATION_FACTOR', `Replication factor: ${replicationFactor} larger than available brokers: ${n}.`)
  const fixed = start ?? toPositive(murmur2(Buffer.from(topic, 'utf8'))) % n
  const startIndex = fixed % n
  let nextReplicaShift = fixed % n
  const out: number[][] = []
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % n === 0) nextReplicaShift++
    const first = (p + startIndex) % n
    const replicas = [brokers[first]]
    for (let j = 0; j < replicationFactor - 1; j++) replicas.push(brokers[replicaIndex(first, nextReplicaShift, j, n)])
    out.push(replicas)
  }
  return out
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, replicaIdx: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + replicaIdx) % (nBrokers - 1))
  return (firstReplicaIndex + shift) % nBrokers
}

/**
 * Checks a manual replica assignment (CreateTopics' `assignments`, CreatePartitions' `assignments`,
 * kafka-topics --replica-assignment) as Kafka's ReplicationControlManager.validateManualPartitionAssignment
 * does, with its messages: every partition lists at least one broker, no broker twice, only brokers of
 * the cluster, the same number of replicas in every partition (and `expectedReplicas` when given:
 * the topic's replication factor for added partitions). Here every listed broker must also be
 * running, since a new partition's leader is its first replica and its ISR all of them.
 * @param assignment broker ids per partition, index = partition offset from the first new one.
 * @throws KafkaError INVALID_REPLICA_ASSIGNMENT naming the partition and the rule.
 */
export function validateManualAssignment(
  assignment: readonly (readonly number[])[],
  brokerIds: readonly number[],
  liveBrokerIds: readonly number[],
  opts: { firstPartition?: number; expectedReplicas?: number } = {}
): void {
  const first = opts.firstPartition ?? 0
  let expected = opts.expectedReplicas
  assignment.forEach((replicas, k) => {
    const p = first + k
    if (replicas.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes an empty replica list (partition ${p}).`)
    const seen = new Set<number>()
    for (const b of replicas) {
      if (!brokerIds.includes(b))
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${b}, but no such broker is registered (partition ${p}).`)
      if (seen.has(b)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${b} more than once (partition ${p}).`)
      seen.add(b)
      if (!liveBrokerIds.includes(b))
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${b}, which is stopped (partition ${p}); start it or assign running brokers.`)
    }
    if (expected !== undefined && replicas.length !== expected)
      throw new KafkaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${expected} replica(s).`
      )
    expected = replicas.length
  })
}
