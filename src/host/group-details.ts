/**
 * The groups view of one consumer group (group/details): what `kafka-consumer-groups --describe`
 * shows with `--members` and `--state` (state, protocol type, assignor, generation, coordinator,
 * members with their decoded assignments), lag per partition with the member assigned each
 * partition (CONSUMER-ID, HOST, CLIENT-ID), and the group's rebalance history (./group-history.ts).
 *
 * Must stay true: every partition a member is assigned is a row, committed or not (as Kafka's
 * describe lists assigned partitions without a committed offset, CURRENT-OFFSET '-'); such a row's
 * lag is counted from the log start offset, as the engine counts an uncommitted partition's lag;
 * a partition of a topic that no longer exists is left out; totalLag is the sum of the rows' lag.
 */
import type { GroupDetailsView, GroupMemberView, GroupPartitionView } from '../shared/contract'
import type { ClusterApi, PartitionState } from '../broker/cluster/cluster-api'
import { KafkaError } from '../broker/model/errors'
import { toGroupMembershipView } from './contract-views'
import type { GroupHistory } from './group-history'

/** `topic`/`partition` as one map key. */
const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`

/**
 * Builds the groups view of `groupId`.
 * @param coordinatorAddress the address a broker is reached at (its listener's bound address), null when unknown.
 * @throws KafkaError GROUP_ID_NOT_FOUND for a group with neither members nor committed offsets.
 */
export function groupDetails(
  cluster: ClusterApi,
  groupId: string,
  history: GroupHistory,
  coordinatorAddress: (brokerId: number) => string | null
): GroupDetailsView {
  if (!cluster.listGroups().includes(groupId))
    throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist (it has no members and no committed offsets)`)
  const d = cluster.describeGroup(groupId)
  const membership = toGroupMembershipView(d, d.coordinator >= 0 ? coordinatorAddress(d.coordinator) : null)
  const owners = new Map<string, GroupMemberView>()
  for (const m of membership.members) for (const a of m.assignment) for (const p of a.partitions) owners.set(keyOf(a.topic, p), m)

  const rows = new Map<string, Omit<GroupPartitionView, 'consumerId' | 'host' | 'clientId'>>()
  for (const r of cluster.describeGroupLag(groupId)) rows.set(keyOf(r.topic, r.partition), { ...r })
  const states = new Map<string, PartitionState[] | null>()
  const partitionOf = (topic: string, partition: number): PartitionState | null => {
    if (!states.has(topic)) {
      let parts: PartitionState[] | null = null
      try {
        parts = cluster.describeTopic(topic).partitions
      } catch {
        parts = null // an assignment naming a topic deleted since
      }
      states.set(topic, parts)
    }
    return states.get(topic)?.find((p) => p.partition === partition) ?? null
  }
  for (const m of membership.members)
    for (const a of m.assignment)
      for (const partition of a.partitions) {
        const k = keyOf(a.topic, partition)
        if (rows.has(k)) continue
        const p = partitionOf(a.topic, partition)
        if (!p) continue
        rows.set(k, { topic: a.topic, partition, currentOffset: null, logEndOffset: p.highWatermark, lag: Math.max(0, p.highWatermark - p.logStartOffset) })
      }

  const partitions: GroupPartitionView[] = [...rows.entries()]
    .map(([k, r]) => {
      const owner = owners.get(k)
      return { ...r, consumerId: owner?.memberId ?? null, host: owner?.host ?? null, clientId: owner?.clientId ?? null }
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  return {
    membership,
    totalLag: partitions.reduce((s, r) => s + r.lag, 0),
    partitions,
    history: history.entries(groupId)
  }
}
