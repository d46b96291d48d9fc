/**
 * The in-process consumer behind group/consume, group/reset and group/describe: it reads a topic
 * as a member of a consumer group that owns every partition, then commits its positions and leaves,
 * as `kafka-console-consumer --group G --max-messages N` does; and the offset reset of
 * `kafka-consumer-groups --reset-offsets`.
 *
 * Must stay true: positions start at the committed offset, or (none committed) at
 * auto.offset.reset = earliest (fromBeginning) / latest; a committed offset outside
 * [log start offset, high watermark] is reset the same way (Kafka's OFFSET_OUT_OF_RANGE handling);
 * positions for every partition of the topic are committed, so the group's lag covers the topic.
 * A reset, dry run or not, is refused while the group coordinator reports the group active (any
 * state but Empty or Dead), with Kafka's message, and then nothing is committed.
 */
import type { GroupView, RequestOf, ResetPlanRow, ResponseOf } from '../shared/contract'
import type { ClusterApi, ConsumerRecord } from '../broker/cluster/cluster-api'
import { KafkaError } from '../broker/model/errors'
import { toGroupView } from './contract-views'
import { HostError } from './host-error'

/** What the group coordinator says of a group (Kafka's DescribeGroups): its state and active members. */
export interface GroupMembership {
  /** Kafka's group state: Empty, Stable, PreparingRebalance, CompletingRebalance, Dead. */
  state: string
  members: number
}

/** Asks the group coordinator about a group's membership. */
export type GroupMembershipSource = (cluster: ClusterApi, groupId: string) => GroupMembership

/**
 * The group coordinator's answer (ClusterApi.describeGroup, Kafka's DescribeGroups): the group's
 * state and its members (clients that joined it); a group with only committed offsets is Empty, an
 * unknown one Dead.
 */
export const coordinatorMembership: GroupMembershipSource = (cluster, groupId) => {
  const d = cluster.describeGroup(groupId)
  return { state: d.state, members: d.members.length }
}

/**
 * Kafka's refusal to reset an active group (ConsumerGroupCommand: "Assignments can only be reset if
 * the group '...' is inactive, but the current state is Stable."), as NON_EMPTY_GROUP.
 */
export function activeGroupError(groupId: string, state: string): HostError {
  return new HostError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`)
}

/** Records fetched from one partition per round, so partitions are consumed evenly. */
const ROUND_RECORDS = 500

/** The group with its lag rows. @throws KafkaError GROUP_ID_NOT_FOUND for a group with no committed offsets. */
export function describeGroup(cluster: ClusterApi, groupId: string): GroupView {
  if (!cluster.listGroups().includes(groupId))
    throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist (it has no committed offsets)`)
  return toGroupView(groupId, cluster.describeGroupLag(groupId))
}

/** Every group with its lag rows, ordered by group id. */
export function listGroupViews(cluster: ClusterApi): GroupView[] {
  return [...cluster.listGroups()].sort().map((g) => toGroupView(g, cluster.describeGroupLag(g)))
}

/**
 * Consumes up to `maxRecords` records of `topic` as group `groupId`, round-robin over partitions,
 * and commits the positions reached (resolving once the commit reached the coordinator's ISR).
 * Returns how many records were consumed and the group after. `onRecord` sees every consumed record
 * in consumption order (the CLI prints them).
 * Rejects with KafkaError UNKNOWN_TOPIC_OR_PARTITION for a missing topic, or the commit's error.
 */
export async function consumeAsGroup(
  cluster: ClusterApi,
  req: RequestOf<'group/consume'>,
  onRecord?: (record: ConsumerRecord) => void
): Promise<ResponseOf<'group/consume'>> {
  const topic = cluster.describeTopic(req.topic)
  const committed = cluster.fetchOffsets(req.groupId).offsets.get(req.topic)
  const positions = new Map<number, number>()
  for (const p of topic.partitions) {
    const earliest = cluster.listOffset(req.topic, p.partition, 'earliest') ?? 0
    const latest = cluster.listOffset(req.topic, p.partition, 'latest') ?? earliest
    const c = committed?.get(p.partition)
    const reset = req.fromBeginning ? earliest : latest
    positions.set(p.partition, c === undefined || c < earliest || c > latest ? reset : c)
  }
  let consumed = 0
  let progressed = true
  while (consumed < req.maxRecords && progressed) {
    progressed = false
    for (const [partition, position] of positions) {
      const want = Math.min(ROUND_RECORDS, req.maxRecords - consumed)
      if (want <= 0) break
      const res = cluster.fetch(req.topic, partition, position, { maxRecords: want })
      const take = res.records.slice(0, want)
      if (take.length > 0) {
        if (onRecord) for (const r of take) onRecord(r)
        consumed += take.length
        positions.set(partition, take[take.length - 1].offset + 1)
        progressed = true
      }
    }
  }
  await cluster.commitOffsets(
    req.groupId,
    [...positions].map(([partition, offset]) => ({ topic: req.topic, partition, offset }))
  )
  return { consumed, group: describeGroup(cluster, req.groupId) }
}

/**
 * Moves the group's committed offsets for every partition of `topic` (or `partitions` of it) as
 * `kafka-consumer-groups --reset-offsets --to-earliest|--to-latest|--to-offset|--to-datetime|--shift-by`
 * does: a target outside [log start offset, high watermark] is brought to the nearer end and marked
 * `clamped` (Kafka warns and does the same). With `dryRun` only the plan is returned (Kafka without
 * --execute); otherwise it is committed, resolving once the commit reached the coordinator's ISR.
 * Rejects with HostError NON_EMPTY_GROUP while `membership` reports the group active (Kafka's
 * message; nothing committed, dry run or not), KafkaError UNKNOWN_TOPIC_OR_PARTITION (a topic or a
 * named partition that does not exist), INVALID_REQUEST for --shift-by on a partition without a
 * committed offset (Kafka's message), or the commit's error.
 */
export async function resetGroup(
  cluster: ClusterApi,
  req: RequestOf<'group/reset'>,
  membership: GroupMembershipSource = coordinatorMembership
): Promise<ResponseOf<'group/reset'>> {
  const { state } = membership(cluster, req.groupId)
  if (state !== 'Empty' && state !== 'Dead') throw activeGroupError(req.groupId, state)
  const topic = cluster.describeTopic(req.topic)
  const count = topic.partitions.length
  for (const p of req.partitions ?? [])
    if (p >= count)
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${req.topic}-${p} does not exist: ${req.topic} has ${count} partition${count === 1 ? '' : 's'} (0 to ${count - 1})`)
  const chosen = req.partitions ? [...req.partitions].sort((a, b) => a - b) : topic.partitions.map((p) => p.partition)
  const committed = cluster.fetchOffsets(req.groupId).offsets.get(req.topic)
  const plan: ResetPlanRow[] = chosen.map((partition) => {
    const earliest = cluster.listOffset(req.topic, partition, 'earliest') ?? 0
    const latest = cluster.listOffset(req.topic, partition, 'latest') ?? earliest
    const previous = committed?.get(partition) ?? null
    const to = req.to
    let target: number
    if (to === 'earliest') target = earliest
    else if (to === 'latest') target = latest
    else if ('offset' in to) target = to.offset
    else if ('timestamp' in to) target = cluster.listOffset(req.topic, partition, { timestamp: to.timestamp }) ?? latest
    else {
      if (previous === null)
        throw new KafkaError('INVALID_REQUEST', `Cannot shift offset for partition ${req.topic}-${partition} since there is no current committed offset`)
      target = previous + to.shiftBy
    }
    const clamped = target < earliest ? 'to-earliest' : target > latest ? 'to-latest' : null
    const newOffset = clamped === 'to-earliest' ? earliest : clamped === 'to-latest' ? latest : target
    return {
      topic: req.topic,
      partition,
      previousOffset: previous,
      newOffset,
      logStartOffset: earliest,
      logEndOffset: latest,
      offsetChange: previous === null ? null : newOffset - previous,
      clamped
    }
  })
  if (!req.dryRun) await cluster.commitOffsets(req.groupId, plan.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.newOffset })))
  const group = cluster.listGroups().includes(req.groupId) ? describeGroup(cluster, req.groupId) : { groupId: req.groupId, state: 'Empty' as const, totalLag: 0, rows: [] }
  return { group, plan, executed: !req.dryRun }
}
