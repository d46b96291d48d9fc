/**
 * Partition offsets of a running cluster over the wire: ListOffsets (API key 2) to each
 * partition's leader, for the earliest offset (timestamp -2: the log start offset), the latest
 * (-1: the high watermark, as a read_uncommitted consumer sees it) or the first offset at or after a
 * timestamp (KIP-79).
 *
 * Must stay true: each request goes to the partition's leader by the metadata;
 * NOT_LEADER_OR_FOLLOWER refreshes the metadata and retries (KafkaWireClient.withLeaderRetry);
 * any other error code fails with its Kafka name naming the partition.
 */
import type { ListOffsetsResponse } from '../../broker/protocol/messages/list-offsets-response'
import { NOT_LEADER_OR_FOLLOWER, type KafkaWireClient } from './kafka-wire-client'
import { RemoteClusterError } from './remote-cluster-error'

/** ListOffsets' timestamp asking for the earliest offset, the log start offset (ListOffsetsRequest.EARLIEST_TIMESTAMP). */
export const EARLIEST_TIMESTAMP = -2
/** ListOffsets' timestamp asking for the latest offset, the high watermark for read_uncommitted (ListOffsetsRequest.LATEST_TIMESTAMP). */
export const LATEST_TIMESTAMP = -1

/**
 * For each of `partitions` of `topic` the offset ListOffsets answers for `timestamp` (ms, or
 * EARLIEST_TIMESTAMP / LATEST_TIMESTAMP); -1 where no record is at or after a timestamp.
 * @throws RemoteClusterError with the Kafka error name (UNKNOWN_TOPIC_OR_PARTITION, ...).
 */
export async function listOffsets(client: KafkaWireClient, topic: string, partitions: number[], timestamp: number): Promise<Map<number, number>> {
  return client.withLeaderRetry(`topic ${topic}`, async () => {
    const meta = await client.partitions(topic)
    const byLeader = new Map<number, number[]>()
    for (const p of partitions) {
      const m = meta.find((x) => x.partitionIndex === p)
      if (!m) throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${p} of topic ${topic} does not exist (topic has ${meta.length} partitions)`)
      if (m.leaderId < 0) throw new RemoteClusterError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${p} has no leader`)
      byLeader.set(m.leaderId, [...(byLeader.get(m.leaderId) ?? []), p])
    }
    const out = new Map<number, number>()
    let moved = false
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const res = await client.sendToBroker<ListOffsetsResponse>(leader, 'ListOffsets', () => ({
          replicaId: -1,
          isolationLevel: 0,
          topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: BigInt(timestamp), maxNumOffsets: 1 })) }]
        }))
        for (const t of res.topics)
          for (const p of t.partitions) {
            if (p.errorCode === NOT_LEADER_OR_FOLLOWER) moved = true
            else if (p.errorCode !== 0) throw RemoteClusterError.fromCode(p.errorCode, null, `partition ${topic}-${p.partitionIndex}`)
            else out.set(p.partitionIndex, Number(p.offset))
          }
      })
    )
    return moved ? 'not-leader' : out
  })
}

/** Log start offset and high watermark of each of `partitions`. @throws as listOffsets. */
export async function partitionRanges(client: KafkaWireClient, topic: string, partitions: number[]): Promise<Map<number, { logStartOffset: number; highWatermark: number }>> {
  const [earliest, latest] = await Promise.all([listOffsets(client, topic, partitions, EARLIEST_TIMESTAMP), listOffsets(client, topic, partitions, LATEST_TIMESTAMP)])
  return new Map(partitions.map((p) => [p, { logStartOffset: earliest.get(p) ?? 0, highWatermark: latest.get(p) ?? 0 }]))
}
