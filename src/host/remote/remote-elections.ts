/**
 * cluster/elect-leaders over the Kafka wire protocol (RemoteCluster): ElectLeaders (key 43, KIP-460)
 * for the partitions asked (every partition of every topic Metadata lists, those of one topic, or one
 * partition), with Metadata before and after for each partition's previous and new leader and leader
 * epoch, answered in the shape the in-process engine gives (LeaderElectionResultView): errorCode 0 is
 * 'elected', ELECTION_NOT_NEEDED 'not-needed', anything else 'failed' with its Kafka name and message.
 *
 * Must stay true: one partition's failure never stops the others; a top-level error (v1+) or an
 * unknown topic is thrown as a RemoteClusterError with Kafka's name.
 */
import type { ElectLeadersResponse } from '../../broker/protocol/messages/elect-leaders-response'
import type { LeaderElectionResultView, RequestOf } from '../../shared/contract'
import type { KafkaWireClient } from './kafka-wire-client'
import { kafkaErrorName, RemoteClusterError } from './remote-cluster-error'

/** Kafka's ElectionType codes. */
const ELECTION_TYPE = { preferred: 0, unclean: 1 } as const

/** Leader and epoch of every partition asked, by "topic-partition". */
async function leaders(client: KafkaWireClient, asked: { topic: string; partitions: number[] }[]): Promise<Map<string, { leader: number; leaderEpoch: number }>> {
  const meta = await client.metadata(true)
  const out = new Map<string, { leader: number; leaderEpoch: number }>()
  for (const a of asked) for (const p of meta.topics.get(a.topic)?.partitions ?? []) out.set(`${a.topic}-${p.partitionIndex}`, { leader: p.leaderId, leaderEpoch: p.leaderEpoch })
  return out
}

/**
 * cluster/elect-leaders against a running cluster. Only partitions the response lists are
 * returned (with a null list Kafka lists only the elections that were needed).
 * @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition; the top-level error of v1+.
 */
export async function remoteElectLeaders(client: KafkaWireClient, req: RequestOf<'cluster/elect-leaders'>): Promise<LeaderElectionResultView[]> {
  let asked: { topic: string; partitions: number[] }[]
  if (req.topic === undefined) {
    const meta = await client.metadata(true)
    asked = [...meta.topics.entries()].map(([name, t]) => ({ topic: name, partitions: t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b) }))
  } else {
    const parts = (await client.partitions(req.topic)).map((p) => p.partitionIndex)
    if (req.partition !== undefined && !parts.includes(req.partition))
      throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${req.partition} of topic ${req.topic} does not exist (topic has ${parts.length} partitions)`)
    asked = [{ topic: req.topic, partitions: req.partition !== undefined ? [req.partition] : parts }]
  }
  const before = await leaders(client, asked)
  const res = await client.sendToAny<ElectLeadersResponse>('ElectLeaders', () => ({
    electionType: ELECTION_TYPE[req.electionType],
    topicPartitions: asked.map((a) => ({ topic: a.topic, partitions: a.partitions })),
    timeoutMs: 60000
  }))
  if (res.errorCode) throw RemoteClusterError.fromCode(res.errorCode, null, 'ElectLeaders')
  const after = await leaders(client, asked)
  const out: LeaderElectionResultView[] = []
  for (const t of res.replicaElectionResults)
    for (const p of t.partitionResult) {
      const key = `${t.topic}-${p.partitionId}`
      const was = before.get(key) ?? { leader: -1, leaderEpoch: -1 }
      const now = after.get(key) ?? was
      const code = kafkaErrorName(p.errorCode)
      const base = { topic: t.topic, partition: p.partitionId, previousLeader: was.leader, leader: now.leader, leaderEpoch: now.leaderEpoch }
      if (p.errorCode === 0) out.push({ ...base, outcome: 'elected' })
      else out.push({ ...base, outcome: code === 'ELECTION_NOT_NEEDED' ? 'not-needed' : 'failed', error: { code, message: p.errorMessage ?? code } })
    }
  return out
}
