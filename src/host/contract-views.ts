/**
 * Conversions from the engine's state (cluster-api.ts: Buffers, PartitionState, ...) to the
 * contract's plain-data views (shared/contract.ts: base64 strings, TopicSummary, ...).
 *
 * Must stay true: pure functions of their arguments; the output is JSON-serialisable (no Buffers,
 * Maps, bigints or undefined-valued required fields); record bytes are carried as base64 of the
 * exact bytes; LONG config values as their exact decimal strings.
 */
import { ByteReader } from '../broker/codec/byte-reader'
import { toTopicConfigsView } from '../broker/model/topic-config-values'
import { isUnderMinIsr } from '../broker/metrics/partition-health'
import { consumerProtocolAssignmentVersions, readConsumerProtocolAssignment } from '../broker/protocol/messages/consumer-protocol-assignment'
import { hostPort, type RecordedListener } from '../broker/protocol/network/listeners-file'
import type {
  BrokerView,
  GroupMemberView,
  GroupMembershipView,
  GroupView,
  PartitionView,
  ProduceAck,
  RecordView,
  ThroughputView,
  TopicDetail,
  TopicSummary
} from '../shared/contract'
import type {
  BrokerState,
  ConsumerRecord,
  GroupDescription,
  GroupLagRow,
  PartitionState,
  RateSeries,
  RecordMetadata,
  TopicState
} from '../broker/cluster/cluster-api'

/** base64 of the bytes, or null. */
export function toBase64(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('base64')
}

/**
 * A partition's view: underReplicated when the ISR is smaller than the replica set, offline when
 * leader is -1, underMinIsr when it has a leader and fewer in-sync replicas than
 * `minInsyncReplicas` (its topic's min.insync.replicas); each replica with its lag behind the leader.
 */
export function toPartitionView(p: PartitionState, minInsyncReplicas: number): PartitionView {
  return {
    partition: p.partition,
    leader: p.leader,
    replicas: [...p.replicas],
    isr: [...p.isr],
    logStartOffset: p.logStartOffset,
    logEndOffset: p.logEndOffset,
    highWatermark: p.highWatermark,
    records: p.recordCount,
    sizeBytes: p.sizeBytes,
    replicaStates: p.replicaStates.map((r) => ({ ...r })),
    underReplicated: p.isr.length < p.replicas.length,
    offline: p.leader === -1,
    underMinIsr: isUnderMinIsr(p, minInsyncReplicas)
  }
}

/**
 * A topic-list row: records = Σ the partitions' exact record counts (a partition that could not be
 * counted adds its span of offsets and is counted as uncounted); offsetSpan = Σ (highWatermark -
 * logStartOffset); sizeBytes = Σ leader log bytes; the under-replicated, offline and under-min-ISR
 * (min.insync.replicas) partition counts.
 */
export function toTopicSummary(t: TopicState): TopicSummary {
  let records = 0
  let offsetSpan = 0
  let uncountedPartitions = 0
  let sizeBytes = 0
  let underReplicatedPartitions = 0
  let offlinePartitions = 0
  let underMinIsrPartitions = 0
  const minIsr = t.configs['min.insync.replicas']
  for (const p of t.partitions) {
    const span = Math.max(0, p.highWatermark - p.logStartOffset)
    offsetSpan += span
    if (p.recordCount === null) uncountedPartitions++
    records += p.recordCount ?? span
    sizeBytes += p.sizeBytes
    if (p.isr.length < p.replicas.length) underReplicatedPartitions++
    if (p.leader === -1) offlinePartitions++
    if (isUnderMinIsr(p, minIsr)) underMinIsrPartitions++
  }
  return {
    name: t.name,
    partitions: t.partitions.length,
    replicationFactor: t.replicationFactor,
    records,
    uncountedPartitions,
    offsetSpan,
    sizeBytes,
    underReplicatedPartitions,
    offlinePartitions,
    internal: t.internal,
    underMinIsrPartitions
  }
}

/** The topic detail: summary, configs (LONG values as decimal strings) and the partition table (ordered by partition). */
export function toTopicDetail(t: TopicState): TopicDetail {
  return {
    ...toTopicSummary(t),
    configs: toTopicConfigsView(t.configs),
    partitionViews: [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => toPartitionView(p, t.configs['min.insync.replicas']))
  }
}

/**
 * A broker's view; with `listener` (the host runs listeners), its address is the bound one and its
 * listener's state is shown.
 */
export function toBrokerView(b: BrokerState, controllerId: number, listener?: RecordedListener): BrokerView {
  const view: BrokerView = {
    id: b.id,
    address: listener ? hostPort(listener.host, listener.port) : b.address,
    alive: b.alive,
    state: b.state,
    fenced: b.fenced,
    isolated: b.isolated,
    slowMs: b.slowMs,
    lastHeartbeatMs: b.lastHeartbeatMs,
    fetching: b.fetching,
    partitionsLed: b.partitionsLed,
    replicas: b.replicas,
    bytesOnDisk: b.bytesOnDisk,
    controller: b.id === controllerId
  }
  if (listener) view.listener = { state: listener.state, error: listener.error }
  return view
}

/**
 * A record as the message browser shows it: key, value and header values as base64, and the
 * header of the batch it was stored in (when the engine read it from a log).
 */
export function toRecordView(r: ConsumerRecord): RecordView {
  const view: RecordView = {
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: toBase64(r.key),
    value: toBase64(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: toBase64(h.value) })),
    sizeBytes: r.sizeBytes
  }
  if (r.batch) view.batch = { ...r.batch, sequence: r.sequence ?? -1 }
  return view
}

/** Where a produced record landed and why (the engine's PartitionChoice becomes the contract's reason). */
export function toProduceAck(m: RecordMetadata): ProduceAck {
  return { partition: m.partition, offset: m.offset, timestamp: m.timestamp, reason: { ...m.choice } }
}

/** Per-second rate series, copied point by point. */
export function toThroughputView(r: RateSeries): ThroughputView {
  const copy = (s: { t: number; v: number }[]) => s.map((p) => ({ t: p.t, v: p.v }))
  return {
    recordsInPerSec: copy(r.recordsInPerSec),
    bytesInPerSec: copy(r.bytesInPerSec),
    bytesOutPerSec: copy(r.bytesOutPerSec)
  }
}

/**
 * A consumer group as `kafka-consumer-groups --describe` shows it, in the coordinator's `state`
 * (default 'Empty': a group that only holds committed offsets, as the in-process consumers leave
 * theirs after each run; groups of wire clients are Stable, PreparingRebalance, ...).
 */
export function toGroupView(groupId: string, rows: GroupLagRow[], state: GroupView['state'] = 'Empty'): GroupView {
  const sorted = [...rows].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
  return {
    groupId,
    state,
    totalLag: sorted.reduce((sum, r) => sum + r.lag, 0),
    rows: sorted.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      currentOffset: r.currentOffset,
      logEndOffset: r.logEndOffset,
      lag: r.lag
    }))
  }
}

/**
 * The partitions a consumer-protocol assignment (ConsumerProtocolAssignment: int16 version, then
 * the body of that version, KIP-429) hands a member, by topic, partitions sorted; [] for empty or
 * unreadable bytes (a member of a group that is not a consumer group, or mid-rebalance). A version
 * above the newest known is read as the newest, as Kafka's ConsumerProtocol does.
 */
export function consumerAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] {
  if (bytes.length < 2) return []
  try {
    const r = new ByteReader(bytes)
    const version = Math.min(r.int16('ConsumerProtocolAssignment.Version'), consumerProtocolAssignmentVersions.max)
    if (version < 0) return []
    const a = readConsumerProtocolAssignment(r, version)
    return a.assignedPartitions.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((x, y) => x - y) })).sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0))
  } catch {
    return []
  }
}

/**
 * A group as its coordinator holds it (kafka-consumer-groups --describe --state / --members):
 * `coordinatorAddress` is the coordinator's bound listener address (its address label without a
 * listener); members' assignments decoded for consumer groups only.
 */
export function toGroupMembershipView(d: GroupDescription, coordinatorAddress: string | null): GroupMembershipView {
  const members = d.members.map(
    (m): GroupMemberView => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: d.protocolType === 'consumer' ? consumerAssignment(m.assignment) : []
    })
  )
  return {
    groupId: d.groupId,
    state: d.state,
    protocolType: d.protocolType,
    assignmentStrategy: d.protocol,
    generationId: d.generationId,
    coordinator: d.coordinator >= 0 && coordinatorAddress !== null ? { id: d.coordinator, address: coordinatorAddress } : null,
    members
  }
}
