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
