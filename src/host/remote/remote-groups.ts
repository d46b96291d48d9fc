/**
 * The consumer-group requests of the CLI against a running cluster over the wire, answered with
 * the in-process views (contract-views.ts toGroupView / toGroupMembershipView), as
 * kafka-consumer-groups gets them: ListGroups from every broker, FindCoordinator for the group's
 * coordinator, DescribeGroups and OffsetFetch there, ListOffsets for the high watermarks,
 * OffsetCommit and DeleteGroups to change them.
 *
 * `consume --group` over the wire joins the group as kafka-console-consumer --group does: a
 * RemoteGroupMember (remote-group-member.ts) reads the partitions the group assigns it from the
 * committed offsets (else earliest or latest, as auto.offset.reset) and commits with its generation
 * and member id; the group line after it is the group as the coordinator then holds it. Resets and
 * deletes still commit without membership (generation -1), refused while the group has members.
 *
 * Must stay true: the rules are the in-process ones (group-consumer.ts): rows cover every partition
 * of every topic the group committed to, lag = high watermark - committed (from the log start when
 * none); a reset is refused with NON_EMPTY_GROUP while the group has active members; an unknown
 * group is GROUP_ID_NOT_FOUND.
 */
import type { GroupDescription } from '../../broker/cluster/cluster-api'
import type { DeleteGroupsResponse } from '../../broker/protocol/messages/delete-groups-response'
import type { DescribeGroupsResponse } from '../../broker/protocol/messages/describe-groups-response'
import type { FindCoordinatorResponse } from '../../broker/protocol/messages/find-coordinator-response'
import type { ListGroupsResponse } from '../../broker/protocol/messages/list-groups-response'
import type { OffsetCommitResponse } from '../../broker/protocol/messages/offset-commit-response'
import type { OffsetFetchResponse } from '../../broker/protocol/messages/offset-fetch-response'
import type { GroupView, RequestOf, ResetPlanRow, ResponseOf } from '../../shared/contract'
import type { ConsumerRecord } from '../cluster-backend'
import { toGroupMembershipView, toGroupView } from '../contract-views'
import { activeGroupError } from '../group-consumer'
import { addressText } from './kafka-connection'
import type { KafkaWireClient } from './kafka-wire-client'
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionRanges } from './remote-offsets'
import type { RemoteGroupMember } from './remote-group-member'
import { kafkaErrorName, RemoteClusterError } from './remote-cluster-error'

const GROUP_STATES = new Set(['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'])

/** The broker coordinating `groupId` (FindCoordinator, key type GROUP). @throws RemoteClusterError COORDINATOR_NOT_AVAILABLE, ... */
async function coordinatorOf(client: KafkaWireClient, groupId: string): Promise<number> {
  const res = await client.sendToAny<FindCoordinatorResponse>('FindCoordinator', () => ({ key: groupId, keyType: 0 }))
  if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, res.errorMessage, `coordinator of group ${groupId}`)
  return res.nodeId
}

/** Every group id any broker knows (ListGroups to each broker, as Kafka's admin client does), with its state. */
async function listGroupStates(client: KafkaWireClient): Promise<Map<string, string>> {
  const meta = await client.metadata(true)
  const out = new Map<string, string>()
  for (const id of meta.brokers.keys()) {
    const res = await client.sendToBroker<ListGroupsResponse>(id, 'ListGroups', () => ({}))
    if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, null, `ListGroups on broker ${id}`)
    for (const g of res.groups) out.set(g.groupId, g.groupState)
  }
  return out
}

/** The group as its coordinator describes it (Dead for an unknown group), with the coordinator's id. */
async function describeOnCoordinator(client: KafkaWireClient, groupId: string): Promise<GroupDescription> {
  const coordinator = await coordinatorOf(client, groupId)
  const res = await client.sendToBroker<DescribeGroupsResponse>(coordinator, 'DescribeGroups', () => ({ groups: [groupId] }))
  const g = res.groups[0]
  if (!g) throw new RemoteClusterError('UNKNOWN_SERVER_ERROR', `DescribeGroups answered nothing for group ${groupId}`)
  if (g.errorCode !== 0 && g.errorCode !== 69) throw RemoteClusterError.fromCode(g.errorCode, null, `group ${groupId}`)
  return {
    groupId,
    state: (GROUP_STATES.has(g.groupState) ? g.groupState : 'Dead') as GroupDescription['state'],
    protocolType: g.protocolType,
    protocol: g.protocolData,
    generationId: -1,
    leader: '',
    coordinator,
    members: g.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, metadata: m.memberMetadata, assignment: m.memberAssignment }))
  }
}

/** The group's committed offsets (OffsetFetch of every topic), topic -> partition -> offset. */
async function committedOffsets(client: KafkaWireClient, groupId: string): Promise<Map<string, Map<number, number>>> {
  const coordinator = await coordinatorOf(client, groupId)
  const res = await client.sendToBroker<OffsetFetchResponse>(coordinator, 'OffsetFetch', () => ({ groupId, topics: null, requireStable: false }))
  if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, null, `committed offsets of group ${groupId}`)
  const out = new Map<string, Map<number, number>>()
  for (const t of res.topics)
    for (const p of t.partitions) {
      if (p.errorCode !== 0 || p.committedOffset < 0n) continue
      if (!out.has(t.name)) out.set(t.name, new Map())
      out.get(t.name)!.set(p.partitionIndex, Number(p.committedOffset))
    }
  return out
}

/** Commits `offsets` for `topic` as group `groupId` without membership (generation -1, as assign-mode consumers and kafka-consumer-groups do). */
async function commitOffsets(client: KafkaWireClient, groupId: string, topic: string, offsets: Map<number, number>): Promise<void> {
  const coordinator = await coordinatorOf(client, groupId)
  const res = await client.sendToBroker<OffsetCommitResponse>(coordinator, 'OffsetCommit', () => ({
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [{ name: topic, partitions: [...offsets].map(([p, o]) => ({ partitionIndex: p, committedOffset: BigInt(o), committedLeaderEpoch: -1, committedMetadata: '' })) }]
  }))
  for (const t of res.topics)
    for (const p of t.partitions) if (p.errorCode !== 0) throw RemoteClusterError.fromCode(p.errorCode, null, `commit of ${topic}-${p.partitionIndex} for group ${groupId}`)
}

/** The group's view (rows and lag) in `state`; see the module comment for the rules. */
async function groupView(client: KafkaWireClient, groupId: string, state: string): Promise<GroupView> {
  const committed = await committedOffsets(client, groupId)
  const rows = []
  for (const [topic, byPartition] of committed) {
    let parts: number[]
    try {
      parts = (await client.partitions(topic)).map((p) => p.partitionIndex)
    } catch (e) {
      if (e instanceof RemoteClusterError && e.code === 'UNKNOWN_TOPIC_OR_PARTITION') continue // deleted since
      throw e
    }
    const ranges = await partitionRanges(client, topic, parts)
    for (const p of parts) {
      const r = ranges.get(p)!
      const c = byPartition.get(p) ?? null
      rows.push({ topic, partition: p, currentOffset: c, logEndOffset: r.highWatermark, lag: Math.max(0, r.highWatermark - (c ?? r.logStartOffset)) })
    }
  }
  return toGroupView(groupId, rows, (GROUP_STATES.has(state) ? state : 'Empty') as GroupView['state'])
}

/** group/describe over the wire. @throws RemoteClusterError GROUP_ID_NOT_FOUND for an unknown group. */
export async function remoteDescribeGroup(client: KafkaWireClient, groupId: string): Promise<ResponseOf<'group/describe'>> {
  const states = await listGroupStates(client)
  const state = states.get(groupId)
  if (state === undefined) throw new RemoteClusterError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist (it has no committed offsets)`)
  return groupView(client, groupId, state)
}

/** group/list over the wire: every group, sorted by id. */
export async function remoteListGroups(client: KafkaWireClient): Promise<ResponseOf<'group/list'>> {
  const states = await listGroupStates(client)
  const out: GroupView[] = []
  for (const id of [...states.keys()].sort()) out.push(await groupView(client, id, states.get(id)!))
  return out
}

/** group/membership over the wire (DescribeGroups on the coordinator). */
export async function remoteGroupMembership(client: KafkaWireClient, groupId: string): Promise<ResponseOf<'group/membership'>> {
  const d = await describeOnCoordinator(client, groupId)
  return toGroupMembershipView(d, addressText(await client.brokerAddress(d.coordinator)))
}

/** group/delete over the wire (DeleteGroups on the coordinator). @throws RemoteClusterError NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND. */
export async function remoteDeleteGroup(client: KafkaWireClient, groupId: string): Promise<ResponseOf<'group/delete'>> {
  const coordinator = await coordinatorOf(client, groupId)
  const res = await client.sendToBroker<DeleteGroupsResponse>(coordinator, 'DeleteGroups', () => ({ groupsNames: [groupId] }))
  const r = res.results[0]
  if (!r || r.errorCode === 0) return { groupId }
  // DeleteGroups carries no message: say it as the in-process coordinator does (GroupCoordinator.deleteGroup).
  const name = kafkaErrorName(r.errorCode)
  const message =
    name === 'GROUP_ID_NOT_FOUND'
      ? `Deletion of group '${groupId}' failed: the group does not exist.`
      : name === 'NON_EMPTY_GROUP'
        ? `Deletion of group '${groupId}' failed: the group is not empty (state ${(await describeOnCoordinator(client, groupId)).state}); only a group without active members can be deleted.`
        : `Deletion of group '${groupId}' failed: ${name}`
  throw new RemoteClusterError(name, message)
}

/**
 * group/consume over the wire: one poll of `member` (a member of req.groupId reading req.topic; it
 * joins on its first poll and stays a member until it leaves), at most req.maxRecords records to
 * `onRecord` in order per partition, then the group's view.
 * @throws RemoteClusterError as RemoteGroupMember.poll and remoteDescribeGroup.
 */
export async function remoteConsumeAsGroup(client: KafkaWireClient, member: RemoteGroupMember, req: RequestOf<'group/consume'>, onRecord?: (r: ConsumerRecord) => void): Promise<ResponseOf<'group/consume'>> {
  const consumed = await member.poll(req.maxRecords, (r) => onRecord?.(r))
  return { consumed, group: await remoteDescribeGroup(client, req.groupId) }
}

/** group/reset over the wire: the plan of group-consumer.ts resetGroup, committed unless a dry run. */
export async function remoteResetGroup(client: KafkaWireClient, req: RequestOf<'group/reset'>): Promise<ResponseOf<'group/reset'>> {
  const d = await describeOnCoordinator(client, req.groupId)
  if (d.state !== 'Empty' && d.state !== 'Dead') throw activeGroupError(req.groupId, d.state)
  const all = (await client.partitions(req.topic)).map((p) => p.partitionIndex)
  const count = all.length
  for (const p of req.partitions ?? [])
    if (p >= count)
      throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${req.topic}-${p} does not exist: ${req.topic} has ${count} partition${count === 1 ? '' : 's'} (0 to ${count - 1})`)
  const chosen = req.partitions ? [...req.partitions].sort((a, b) => a - b) : all
  const to = req.to
  const [earliest, latest, atTime, committed] = await Promise.all([
    listOffsets(client, req.topic, chosen, EARLIEST_TIMESTAMP),
    listOffsets(client, req.topic, chosen, LATEST_TIMESTAMP),
    typeof to === 'object' && 'timestamp' in to ? listOffsets(client, req.topic, chosen, to.timestamp) : Promise.resolve(new Map<number, number>()),
    committedOffsets(client, req.groupId)
  ])
  const plan: ResetPlanRow[] = chosen.map((partition) => {
    const lo = earliest.get(partition) ?? 0
    const hi = latest.get(partition) ?? lo
    const previous = committed.get(req.topic)?.get(partition) ?? null
    let target: number
    if (to === 'earliest') target = lo
    else if (to === 'latest') target = hi
    else if ('offset' in to) target = to.offset
    else if ('timestamp' in to) target = (atTime.get(partition) ?? -1) < 0 ? hi : atTime.get(partition)!
    else {
      if (previous === null) throw new RemoteClusterError('INVALID_REQUEST', `Cannot shift offset for partition ${req.topic}-${partition} since there is no current committed offset`)
      target = previous + to.shiftBy
    }
    const clamped = target < lo ? 'to-earliest' : target > hi ? 'to-latest' : null
    const newOffset = clamped === 'to-earliest' ? lo : clamped === 'to-latest' ? hi : target
    return { topic: req.topic, partition, previousOffset: previous, newOffset, logStartOffset: lo, logEndOffset: hi, offsetChange: previous === null ? null : newOffset - previous, clamped }
  })
  if (!req.dryRun) await commitOffsets(client, req.groupId, req.topic, new Map(plan.map((r) => [r.partition, r.newOffset])))
  const states = await listGroupStates(client)
  const group = states.has(req.groupId) ? await groupView(client, req.groupId, states.get(req.groupId)!) : { groupId: req.groupId, state: 'Empty' as const, totalLag: 0, rows: [] }
  return { group, plan, executed: !req.dryRun }
}
