/**
 * The groups view of one consumer group (group/details): what `kafka-consumer-groups --describe`
 * shows with `--members` and `--state` (state, protocol type, assignor, generation, coordinator,
 * members with their decoded assignments), lag per partition with the member assigned each
 * partition (CONSUMER-ID, HOST, CLIENT-ID), and the group's rebalance history (./group-history.ts).
 *
 * Must stay true: every partition a member is assigned is a row, committed or not (as Kafka's
 * describe lists assigned partitions without a committed offset, CURRENT-OFFSET '-'); such a row's
 * lag is counted from the log start offset, as the engine counts an uncommitted partition's lag;
 * a partition of a topic that no longer exists is left out; totalLag is the sum of the rows' lag, and
 * the groups list (snapshot-builder.ts) sums the same rows (groupLagRows), so both show one number.
 */
import type { GroupDetailsView, GroupMemberView, GroupOffsetRow, GroupPartitionView } from '../shared/contract'
import type { ClusterApi, PartitionState } from '../broker/cluster/cluster-api'
import { KafkaError } from '../broker/model/errors'
import { toGroupMembershipView } from './contract-views'
import type { GroupHistory } from './group-history'

/** `topic`/`partition` as one map key. */
const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`

/**
 * The lag rows of `groupId` as the groups list and the groups view both count them: every partition
 * of a topic the group committed to (the coordinator's describeGroupLag), plus every partition a
 * member is assigned but the group never committed (CURRENT-OFFSET null, lag counted from the log
 * start offset, as the coordinator counts an uncommitted partition of a committed topic), sorted by
 * topic then partition. A partition of a topic that no longer exists is left out.
 * @param members the group's members with decoded assignments, when the caller has them already (saves decoding twice).
 * @throws KafkaError GROUP_ID_NOT_FOUND from the coordinator for an unknown group.
 */
export function groupLagRows(
  cluster: ClusterApi,
  groupId: string,
  members: GroupMemberView[] = toGroupMembershipView(cluster.describeGroup(groupId), null).members
): GroupOffsetRow[] {
  const rows = new Map<string, GroupOffsetRow>()
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
  for (const m of members)
    for (const a of m.assignment)
      for (const partition of a.partitions) {
        const k = keyOf(a.topic, partition)
        if (rows.has(k)) continue
        const p = partitionOf(a.topic, partition)
        if (!p) continue
        rows.set(k, { topic: a.topic, partition, currentOffset: null, logEndOffset: p.highWatermark, lag: Math.max(0, p.highWatermark - p.logStartOffset) })
      }
  return [...rows.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
}

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
  const partitions: GroupPartitionView[] = groupLagRows(cluster, groupId, membership.members).map((r) => {
    const owner = owners.get(keyOf(r.topic, r.partition))
    return { ...r, consumerId: owner?.memberId ?? null, host: owner?.host ?? null, clientId: owner?.clientId ?? null }
  })
  return {
    membership,
    totalLag: partitions.reduce((s, r) => s + r.lag, 0),
    partitions,
    history: history.entries(groupId)
  }
}
