/**
 * GroupCoordinator: Kafka's GroupCoordinator for the classic group protocol, with its
 * GroupMetadataManager: which broker coordinates a group (the leader of the group's partition of
 * `__consumer_offsets`, created on first use: 50 partitions, replication factor min(3, live
 * brokers), cleanup.policy=compact), the groups loaded on that leader (membership and rebalances in
 * ./group-membership.ts), committed offsets (OffsetCommit / OffsetFetch / OffsetDelete, with Kafka's
 * generation and member checks), ListGroups, DescribeGroups, DeleteGroups, FindCoordinator, and the
 * admin path the host uses (commitOffsets, fetchOffsets, listGroups, describeGroup, lag).
 *
 * Records: commits as OffsetCommitKey v1 / OffsetCommitValue v3 (./offset-commit-schema.ts), groups as
 * GroupMetadataKey v2 / GroupMetadataValue v3 (./group-metadata-schema.ts, written when a rebalance
 * completes (the leader's SyncGroup), when a group becomes Empty, when a static member is replaced;
 * a tombstone when a group is deleted), appended through the coordinator partition leader's
 * ReplicaManager and answered once that partition's ISR holds them (Kafka's acks=-1). A commit is
 * applied to the offsets cache only then. At open every partition is replayed (offsets into the
 * cache, the last GroupMetadata record of each group into its loaded group); when the leadership of a
 * partition moves (`checkLeadership`, after broker stops, starts and elections and at every tick) its
 * groups are unloaded (pending joins and syncs answered NOT_COORDINATOR) and loaded again from the new
 * leader's log, synchronously (so COORDINATOR_LOAD_IN_PROGRESS is never needed).
 *
 * Must stay true: a request addressed to a broker that is not the group's coordinator gets
 * NOT_COORDINATOR and changes nothing; a group id that is empty or longer than MAX_GROUP_ID_BYTES
 * (what a `__consumer_offsets` key holds) gets INVALID_GROUP_ID and creates no group; a failed commit changes nothing the cache shows (it may still
 * be in the log, as in Kafka, and show up after a reopen); errors map as Kafka's GroupMetadataManager
 * maps them (timeout or too few replicas -> COORDINATOR_NOT_AVAILABLE, leadership moved ->
 * NOT_COORDINATOR); one unreadable coordinator partition never keeps the cluster from opening;
 * every membership change is a cluster event naming the group (and member and generation).
 */
import { KAFKA_ERROR_CODES, KafkaError, type KafkaErrorName } from '../model/errors'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { GroupDescription, GroupLagRow, GroupOffsets } from '../cluster/cluster-api'
import type { Partition } from '../cluster/partition'
import type { DelayedProducePurgatory } from '../server/delayed-produce'
import type { ReplicaManager } from '../server/replica-manager'
import type { StoredRecord } from '../storage/storage-types'
import { CommittedOffsets, OFFSETS_TOPIC, offsetsPartitionFor } from './committed-offsets'
import { GroupMetadata } from './group-metadata'
import { decodeGroupMetadataKey, decodeGroupMetadataValue, encodeGroupMetadataKey, encodeGroupMetadataValue, MAX_SCHEMA_STRING_BYTES, type PersistedGroup } from './group-metadata-schema'
import { DEFAULT_GROUP_CONFIG, GroupMembership, joinError, syncError, validateMember, type GroupConfig } from './group-membership'
import type {
  DeleteGroupsResponse,
  DescribedGroup,
  FindCoordinatorResult,
  GroupRequestContext,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse
} from './group-requests'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from './offset-commit-schema'

/** Kafka's offsets.commit.timeout.ms default (ms). */
export const DEFAULT_OFFSET_COMMIT_TIMEOUT_MS = 30000
/** Kafka's offset.metadata.max.bytes default. */
export const OFFSET_METADATA_MAX_BYTES = 4096

const E = KAFKA_ERROR_CODES
const NAME_OF_CODE = new Map<number, KafkaErrorName>(Object.entries(KAFKA_ERROR_CODES).map(([name, code]) => [code, name as KafkaErrorName]))

/** What the coordinator needs from the cluster. */
export interface GroupCoordinatorEnv {
  clock(): number
  purgatory: DelayedProducePurgatory
  /** The partition count of __consumer_offsets, creating the topic when missing. @throws BROKER_NOT_AVAILABLE when no broker runs. */
  ensureOffsetsTopic(): number
  /** The running leader's ReplicaManager of `topic`-`i`, or null when the partition is offline. */
  leaderReplicaManager(topic: string, i: number): ReplicaManager | null
  /** The leader's Partition of `topic`-`i`, or null. */
  leaderPartition(topic: string, i: number): Partition | null
  /** The leader (-1 when offline) and leader epoch of `topic`-`i`, or null when it does not exist. */
  leaderOf(topic: string, i: number): { leader: number; leaderEpoch: number } | null
  /** Followers of `topic`-`i` fetch now (a commit is replicated in the same step when they can). */
  replicatePartition(topic: string, i: number): void
  /** Reads every record of `topic`-`i` from its leader or, offline, its most complete replica. */
  readAll(topic: string, i: number, each: (r: StoredRecord) => void): void
  /** The partition's high watermark and log start offset, or null when the topic-partition does not exist. */
  offsetsOf(topic: string, i: number): { highWatermark: number; logStartOffset: number } | null
  /** The partition count of `topic`, or null when it does not exist. */
  partitionCount(topic: string): number | null
  event(e: ClusterEventInput): void
  /** Overrides of the group settings (Kafka's group.* broker configs). */
  config?: Partial<GroupConfig>
}

/** A record for __consumer_offsets (value null = tombstone). */
interface CoordinatorRecord {
  key: Buffer
  value: Buffer | null
}

/**
 * The longest group id, in UTF-8 bytes: `__consumer_offsets` keys (Kafka's OffsetCommitKey v1 and
 * GroupMetadataKey v2) hold the group id as a string with an int16 length, so a longer id could
 * never be stored, and the classic (non-flexible) versions of ListGroups, DescribeGroups and
 * FindCoordinator could not answer it.
 */
export const MAX_GROUP_ID_BYTES = MAX_SCHEMA_STRING_BYTES

/**
 * Why `groupId` cannot name a group, or null when it can: it must be a non-empty string (Kafka's
 * GroupCoordinator isValidGroupId) of at most MAX_GROUP_ID_BYTES UTF-8 bytes.
 */
export function groupIdProblem(groupId: string): string | null {
  if (typeof groupId !== 'string' || groupId.length === 0) return 'Group id must be a non-empty string'
  const bytes = Buffer.byteLength(groupId, 'utf8')
  if (bytes > MAX_GROUP_ID_BYTES)
    return `Group id is ${bytes} bytes of UTF-8, more than the ${MAX_GROUP_ID_BYTES} that __consumer_offsets keys hold (an int16-length string)`
  return null
}

/** The group coordinator of the embedded cluster. */
export class GroupCoordinator {
  private readonly offsets = new CommittedOffsets()
  /** Groups with membership metadata, loaded on their partition's current leader. */
  private readonly groups = new Map<string, GroupMetadata>()
  /** Offsets partitions whose groups are loaded, with the leadership they were loaded under. */
  private readonly loaded = new Map<number, { leader: number; leaderEpoch: number }>()
  private readonly membership: GroupMembership
  private readonly config: GroupConfig

  constructor(private readonly env: GroupCoordinatorEnv) {
    this.config = { ...DEFAULT_GROUP_CONFIG, ...env.config }
    this.membership = new GroupMembership({
      clock: env.clock,
      config: this.config,
      event: (g, kind, message, memberId, severity = 'info') => this.env.event({ kind, severity, groupId: g.groupId, generationId: g.generationId, memberId, message }),
      store: (g, assignments) => this.store(g, assignments)
    })
  }

  private checkGroupId(groupId: string): void {
    const problem = groupIdProblem(groupId)
    if (problem) throw new KafkaError('INVALID_GROUP_ID', problem)
  }

  // ---- loading and coordinator routing ---------------------------------------------------------

  /**
   * Rebuilds the offsets cache from __consumer_offsets (each partition's leader, or most complete
   * replica, to its end) and loads the groups of every partition that has a leader.
   */
  load(partitions: number): void {
    for (let i = 0; i < partitions; i++) {
      const persisted = new Map<string, PersistedGroup | null>()
      try {
        this.env.readAll(OFFSETS_TOPIC, i, (r) => {
          this.offsets.replay(r.key, r.value)
          this.replayGroup(persisted, r)
        })
      } catch (e) {
        this.env.event({
          kind: 'replica-damaged',
          severity: 'error',
          topic: OFFSETS_TOPIC,
          partition: i,
          message: `Committed offsets and groups in ${OFFSETS_TOPIC}-${i} could not all be read: ${(e as Error).message}`
        })
      }
      const lo = this.env.leaderOf(OFFSETS_TOPIC, i)
      if (lo && lo.leader >= 0) this.install(i, lo, persisted)
    }
  }

  /** Keeps the last GroupMetadata record of each group (null for a tombstone). */
  private replayGroup(into: Map<string, PersistedGroup | null>, r: StoredRecord): void {
    if (!r.key) return
    const groupId = decodeGroupMetadataKey(r.key)
    if (groupId === null) return
    if (r.value === null) return void into.set(groupId, null)
    const value = decodeGroupMetadataValue(r.value)
    if (value) into.set(groupId, value)
  }

  /** Makes the groups of partition `i` live on its leader `lo`. */
  private install(i: number, lo: { leader: number; leaderEpoch: number }, persisted: Map<string, PersistedGroup | null>): void {
    const now = this.env.clock()
    for (const [groupId, p] of persisted) if (p) this.groups.set(groupId, GroupMetadata.fromPersisted(groupId, i, p, now))
    this.loaded.set(i, { ...lo })
  }

  /**
   * Follows the leadership of the offsets partitions: a partition whose leader or leader epoch
   * changed has its groups unloaded (pending joins and syncs answered NOT_COORDINATOR) and, when it
   * has a leader again, loaded from that leader's log.
   */
  checkLeadership(): void {
    const n = this.env.partitionCount(OFFSETS_TOPIC)
    if (n === null) return
    for (let i = 0; i < n; i++) this.ensureLoaded(i)
  }

  private ensureLoaded(i: number): void {
    const lo = this.env.leaderOf(OFFSETS_TOPIC, i)
    const cur = this.loaded.get(i)
    if (cur && lo && cur.leader === lo.leader && cur.leaderEpoch === lo.leaderEpoch) return
    if (!cur && (!lo || lo.leader < 0)) return
    if (cur) this.unloadPartition(i, cur.leader, lo?.leader ?? -1)
    if (!lo || lo.leader < 0) return
    const persisted = new Map<string, PersistedGroup | null>()
    try {
      this.env.readAll(OFFSETS_TOPIC, i, (r) => this.replayGroup(persisted, r))
    } catch (e) {
      this.env.event({ kind: 'replica-damaged', severity: 'error', topic: OFFSETS_TOPIC, partition: i, message: `Groups in ${OFFSETS_TOPIC}-${i} could not all be read: ${(e as Error).message}` })
    }
    this.install(i, lo, persisted)
    for (const g of this.groups.values())
      if (g.partition === i && cur)
        this.env.event({
          kind: 'group-coordinator-moved',
          severity: 'info',
          groupId: g.groupId,
          generationId: g.generationId,
          brokerId: lo.leader,
          message: `Group ${g.groupId} is now coordinated by broker ${lo.leader} (leader of ${OFFSETS_TOPIC}-${i}), loaded ${g.state} at generation ${g.generationId}`
        })
  }

  private unloadPartition(i: number, from: number, to: number): void {
    for (const g of [...this.groups.values()]) {
      if (g.partition !== i) continue
      this.membership.unload(g, E.NOT_COORDINATOR)
      this.groups.delete(g.groupId)
      if (to < 0)
        this.env.event({
          kind: 'group-coordinator-moved',
          severity: 'warning',
          groupId: g.groupId,
          brokerId: from,
          message: `Group ${g.groupId} has no coordinator: ${OFFSETS_TOPIC}-${i} has no live leader (was broker ${from})`
        })
    }
    this.loaded.delete(i)
  }

  /**
   * The group's offsets partition, with its groups loaded, or the error code of a request addressed
   * to the wrong broker (NOT_COORDINATOR), with no coordinator (COORDINATOR_NOT_AVAILABLE) or with an
   * invalid group id (INVALID_GROUP_ID). `create`: create __consumer_offsets when missing (requests
   * that write or look for the coordinator); otherwise null when it does not exist yet.
   */
  private route(groupId: string, ctx: GroupRequestContext, create: boolean): { partition: number } | { errorCode: number } | null {
    if (groupIdProblem(groupId)) return { errorCode: E.INVALID_GROUP_ID }
    let n = this.env.partitionCount(OFFSETS_TOPIC)
    if (n === null) {
      if (!create && ctx.brokerId === undefined) return null
      try {
        n = this.env.ensureOffsetsTopic()
      } catch {
        return { errorCode: E.COORDINATOR_NOT_AVAILABLE }
      }
    }
    const partition = offsetsPartitionFor(groupId, n)
    const lo = this.env.leaderOf(OFFSETS_TOPIC, partition)
    if (!lo || lo.leader < 0) return { errorCode: E.COORDINATOR_NOT_AVAILABLE }
    if (ctx.brokerId !== undefined && ctx.brokerId !== lo.leader) return { errorCode: E.NOT_COORDINATOR }
    this.ensureLoaded(partition)
    return { partition }
  }

  /** The group, created Empty when missing and `create`. */
  private groupOf(groupId: string, partition: number, create: boolean): GroupMetadata | null {
    let g = this.groups.get(groupId) ?? null
    if (!g && create) {
      g = new GroupMetadata(groupId, partition, this.env.clock())
      this.groups.set(groupId, g)
    }
    return g
  }

  /** FindCoordinator (key type GROUP): the broker leading the group's offsets partition. */
  findCoordinator(groupId: string): FindCoordinatorResult {
    const r = this.route(groupId, {}, true)
    if (r && 'errorCode' in r) return { errorCode: r.errorCode, nodeId: -1 }
    const lo = this.env.leaderOf(OFFSETS_TOPIC, r!.partition)!
    return { errorCode: 0, nodeId: lo.leader }
  }

  // ---- membership ------------------------------------------------------------------------------

  /** JoinGroup (API key 11); see GroupMembership.join. Also NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, INVALID_GROUP_ID. */
  joinGroup(ctx: GroupRequestContext, req: JoinGroupRequest): Promise<JoinGroupResponse> {
    const r = this.route(req.groupId, ctx, true)
    if (r && 'errorCode' in r) return Promise.resolve(joinError(req.memberId, r.errorCode))
    const group = this.groupOf(req.groupId, r!.partition, true)!
    const answer = this.membership.join(group, req, ctx)
    this.dropIfUnused(group)
    return answer
  }

  /** SyncGroup (API key 14); see GroupMembership.sync. A group unknown here: UNKNOWN_MEMBER_ID. */
  syncGroup(ctx: GroupRequestContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
    const r = this.route(req.groupId, ctx, true)
    if (r && 'errorCode' in r) return Promise.resolve(syncError(r.errorCode))
    const group = this.groupOf(req.groupId, r!.partition, false)
    if (!group) return Promise.resolve(syncError(E.UNKNOWN_MEMBER_ID))
    return this.membership.sync(group, req)
  }

  /** Heartbeat (API key 12); see GroupMembership.heartbeat. A group unknown here: UNKNOWN_MEMBER_ID. */
  heartbeat(ctx: GroupRequestContext, req: HeartbeatRequest): HeartbeatResponse {
    const r = this.route(req.groupId, ctx, true)
    if (r && 'errorCode' in r) return { errorCode: r.errorCode }
    const group = this.groupOf(req.groupId, r!.partition, false)
    if (!group) return { errorCode: E.UNKNOWN_MEMBER_ID }
    return this.membership.heartbeat(group, req)
  }

  /** LeaveGroup (API key 13); see GroupMembership.leave. A group unknown here: UNKNOWN_MEMBER_ID for each member. */
  leaveGroup(ctx: GroupRequestContext, req: LeaveGroupRequest): LeaveGroupResponse {
    const r = this.route(req.groupId, ctx, true)
    if (r && 'errorCode' in r) return { errorCode: r.errorCode, members: [] }
    const group = this.groupOf(req.groupId, r!.partition, false)
    if (!group) return { errorCode: 0, members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: E.UNKNOWN_MEMBER_ID })) }
    return this.membership.leave(group, req)
  }

  /**
   * A group that never had a generation, has no member, none pending and nothing committed (a join
   * refused at once, a KIP-394 member id never used) is forgotten: it was never persisted, and Kafka's
   * group cleanup removes such groups too.
   */
  private dropIfUnused(group: GroupMetadata): void {
    if (group.state === 'Empty' && group.generationId === 0 && group.members.size === 0 && group.pendingMembers.size === 0 && !this.offsets.hasGroup(group.groupId))
      this.groups.delete(group.groupId)
  }

  // ---- offsets ---------------------------------------------------------------------------------

  /**
   * Kafka's validateOffsetCommit: 0 when the commit may go ahead. Generation < 0 with no member id
   * is a "simple" commit (admin tools, consumers without group management), allowed while the group
   * is Empty (or does not exist); otherwise the member and generation must be current
   * (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION), and not while the group awaits its
   * assignment (REBALANCE_IN_PROGRESS). A commit with a generation to a group the coordinator does
   * not know is from an older generation: ILLEGAL_GENERATION.
   */
  private validateOffsetCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const group = this.groups.get(groupId)
    if (!group) return generationId < 0 ? 0 : E.ILLEGAL_GENERATION
    if (group.state === 'Dead') return E.COORDINATOR_NOT_AVAILABLE
    if (generationId < 0 && group.state === 'Empty') return 0
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = validateMember(group, memberId, groupInstanceId)
      if (err !== 0) return err
      if (generationId !== group.generationId) return E.ILLEGAL_GENERATION
    } else if (group.state !== 'Empty') {
      return E.UNKNOWN_MEMBER_ID
    }
    if (group.state === 'CompletingRebalance') return E.REBALANCE_IN_PROGRESS
    return 0
  }

  /**
   * OffsetCommit (API key 8): each partition's error, checked against the group's generation and
   * member (see validateOffsetCommit); UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist,
   * OFFSET_METADATA_TOO_LARGE above offset.metadata.max.bytes, INVALID_REQUEST for an offset that is
   * not an integer >= 0; NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE for all when the write fails.
   * Resolves once the coordinator partition's ISR holds the commit.
   */
  async offsetCommit(ctx: GroupRequestContext, req: OffsetCommitRequest, opts: { timeoutMs?: number } = {}): Promise<OffsetCommitResponse> {
    const all = (code: number): OffsetCommitResponse => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }))
    })
    const r = this.route(req.groupId, ctx, true)
    if (r && 'errorCode' in r) return all(r.errorCode)
    const groupError = this.validateOffsetCommit(req.groupId, req.generationIdOrMemberEpoch, req.memberId, req.groupInstanceId)
    if (groupError !== 0) return all(groupError)
    const errors = new Map<string, number>()
    const valid: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string }[] = []
    for (const t of req.topics) {
      const n = this.env.partitionCount(t.name)
      for (const p of t.partitions) {
        const key = `${t.name}\u0000${p.partitionIndex}`
        const metadata = p.committedMetadata ?? ''
        if (n === null || !Number.isInteger(p.partitionIndex) || p.partitionIndex < 0 || p.partitionIndex >= n) errors.set(key, E.UNKNOWN_TOPIC_OR_PARTITION)
        else if (Buffer.byteLength(metadata, 'utf8') > OFFSET_METADATA_MAX_BYTES) errors.set(key, E.OFFSET_METADATA_TOO_LARGE)
        else if (!Number.isInteger(p.committedOffset) || p.committedOffset < 0) errors.set(key, E.INVALID_REQUEST)
        else valid.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata })
      }
    }
    if (valid.length > 0) {
      try {
        await this.writeCommit(req.groupId, valid, opts.timeoutMs)
      } catch (e) {
        const code = e instanceof KafkaError ? e.errorCode : E.UNKNOWN_SERVER_ERROR
        for (const v of valid) errors.set(`${v.topic}\u0000${v.partition}`, code)
      }
    }
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0 }))
      }))
    }
  }

  /**
   * Commits a group's offsets as an admin ("simple") commit: generation -1, no member id, allowed
   * while the group has no active members (Kafka's rule); resolves once the coordinator partition's
   * ISR holds them.
   * @throws KafkaError INVALID_GROUP_ID, INVALID_REQUEST (bad offset), UNKNOWN_TOPIC_OR_PARTITION,
   *   UNKNOWN_MEMBER_ID (the group has active members), COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR.
   */
  async commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
    this.checkGroupId(groupId)
    if (!Array.isArray(offsets)) throw new KafkaError('INVALID_REQUEST', 'offsets must be an array')
    for (const o of offsets) {
      const n = this.env.partitionCount(o.topic)
      if (n === null) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: topic ${o.topic} does not exist`)
      if (!Number.isInteger(o.partition) || o.partition < 0 || o.partition >= n)
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${o.partition} of topic ${o.topic} does not exist (topic has ${n} partitions)`)
      if (!Number.isInteger(o.offset) || o.offset < 0)
        throw new KafkaError('INVALID_REQUEST', `Committed offset must be an integer >= 0, got ${o.offset} for ${o.topic}-${o.partition}`)
    }
    if (offsets.length === 0) return
    const r = this.route(groupId, {}, true)
    if (r && 'errorCode' in r) throw new KafkaError(NAME_OF_CODE.get(r.errorCode)!, `The coordinator of group ${groupId} is not available`)
    const err = this.validateOffsetCommit(groupId, -1, '', null)
    if (err !== 0) {
      const g = this.groups.get(groupId)!
      throw new KafkaError(
        NAME_OF_CODE.get(err)!,
        `Group ${groupId} is ${g.state} with ${g.members.size} member${g.members.size === 1 ? '' : 's'}: offsets can be committed without a member id only while the group is Empty`
      )
    }
    await this.writeCommit(
      groupId,
      offsets.map((o) => ({ ...o, leaderEpoch: -1, metadata: '' })),
      opts.timeoutMs
    )
  }

  /** Writes commit records, waits for the ISR, then applies them to the cache. */
  private async writeCommit(groupId: string, offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string }[], timeoutMs?: number): Promise<void> {
    const now = this.env.clock()
    await this.append(
      groupId,
      offsets.map((o) => ({
        key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
        value: encodeOffsetCommitValue({ offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: now })
      })),
      timeoutMs,
      'commit'
    )
    for (const o of offsets) this.offsets.put(groupId, o.topic, o.partition, { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: now })
  }

  /**
   * Appends records to the group's coordinator partition, lets its followers copy them now and
   * resolves once its ISR holds them (Kafka's coordinator writes with acks=-1).
   * @throws KafkaError COORDINATOR_NOT_AVAILABLE (offline, not replicated in time, storage error),
   *   NOT_COORDINATOR (leadership moved while waiting).
   */
  private async append(groupId: string, records: CoordinatorRecord[], timeoutMs = DEFAULT_OFFSET_COMMIT_TIMEOUT_MS, what: string): Promise<void> {
    const { partition, lastOffset } = this.appendNow(groupId, records, what)
    try {
      await this.env.purgatory.await([{ partition, lastOffset }], timeoutMs, `The ${what} of group ${groupId} did not reach the ISR of ${partition.name} within ${timeoutMs} ms`)
    } catch (e) {
      const code = e instanceof KafkaError ? e.code : 'UNKNOWN_SERVER_ERROR'
      const msg = e instanceof Error ? e.message : String(e)
      if (code === 'NOT_LEADER_OR_FOLLOWER') throw new KafkaError('NOT_COORDINATOR', `The coordinator of group ${groupId} moved: ${msg}`)
      if (code === 'REQUEST_TIMED_OUT' || code === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' || code === 'NOT_ENOUGH_REPLICAS' || code === 'KAFKA_STORAGE_ERROR')
        throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The ${what} of group ${groupId} was not replicated: ${msg}`)
      throw e
    }
  }

  /** Appends `records` to the group's coordinator partition now; returns its leader's Partition and the last offset. */
  private appendNow(groupId: string, records: CoordinatorRecord[], what: string): { partition: Partition; lastOffset: number } {
    const n = this.env.ensureOffsetsTopic()
    const i = offsetsPartitionFor(groupId, n)
    const rm = this.env.leaderReplicaManager(OFFSETS_TOPIC, i)
    const p = this.env.leaderPartition(OFFSETS_TOPIC, i)
    if (!rm || !p)
      throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The coordinator of group ${groupId} (partition ${OFFSETS_TOPIC}-${i}) is not available: no live in-sync replica`)
    const now = this.env.clock()
    let res
    try {
      res = rm.appendRecords(
        OFFSETS_TOPIC,
        i,
        records.map((r) => ({ key: r.key, value: r.value, timestamp: now }))
      )
    } catch (e) {
      if (e instanceof KafkaError && (e.code === 'KAFKA_STORAGE_ERROR' || e.code === 'NOT_LEADER_OR_FOLLOWER'))
        throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The coordinator of group ${groupId} could not write the ${what}: ${e.message}`)
      throw e
    }
    // The fetching followers copy it now, so the high watermark usually passes it in this same step.
    this.env.replicatePartition(OFFSETS_TOPIC, i)
    return { partition: p, lastOffset: res.lastOffset }
  }

  /** Persists a group as a GroupMetadata record (GroupMembership's store); a failure is also reported as an event. */
  private async store(group: GroupMetadata, assignments?: Map<string, Buffer>): Promise<void> {
    try {
      await this.append(group.groupId, [{ key: encodeGroupMetadataKey(group.groupId), value: encodeGroupMetadataValue(group.toPersisted(assignments)) }], undefined, 'group metadata')
    } catch (e) {
      this.env.event({
        kind: 'group-write-failed',
        severity: 'warning',
        groupId: group.groupId,
        generationId: group.generationId,
        message: `The metadata of group ${group.groupId} (generation ${group.generationId}) could not be written: ${(e as Error).message}`
      })
      throw e
    }
  }

  /**
   * A topic was deleted: its committed offsets go (tombstones in __consumer_offsets, as Kafka's
   * GroupMetadataManager writes them); the cache forgets them even when the coordinator is offline.
   */
  onTopicDeleted(topic: string): void {
    const byGroup = new Map<string, number[]>()
    for (const e of this.offsets.entriesForTopic(topic)) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e.partition])
    for (const [group, parts] of byGroup) {
      try {
        this.appendNow(
          group,
          parts.map((partition) => ({ key: encodeOffsetCommitKey({ group, topic, partition }), value: null })),
          'offset deletion'
        )
      } catch {
        // coordinator offline: the cache still forgets them below
      }
      for (const p of parts) this.offsets.put(group, topic, p, null)
    }
  }

  /**
   * OffsetFetch (API key 9) for one group: the committed offset, leader epoch and metadata of each
   * requested partition (all committed ones when `topics` is null); -1 for partitions without one.
   */
  offsetFetch(ctx: GroupRequestContext, req: OffsetFetchRequest): OffsetFetchResponse {
    const r = this.route(req.groupId, ctx, false)
    if (r && 'errorCode' in r) return { errorCode: r.errorCode, topics: [] }
    const entries = this.offsets.entriesOf(req.groupId)
    const wanted = req.topics ?? [...entries].map(([name, parts]) => ({ name, partitionIndexes: [...parts.keys()].sort((a, b) => a - b) }))
    return {
      errorCode: 0,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const v = entries.get(t.name)?.get(partitionIndex)
          return { partitionIndex, committedOffset: v?.offset ?? -1, committedLeaderEpoch: v?.leaderEpoch ?? -1, metadata: v?.metadata ?? '', errorCode: 0 }
        })
      }))
    }
  }

  /**
   * OffsetDelete (API key 47): removes committed offsets (tombstones). GROUP_ID_NOT_FOUND for an
   * unknown group; a group with members gets NON_EMPTY_GROUP, except a "consumer" group, whose
   * partitions of topics it is subscribed to get GROUP_SUBSCRIBED_TO_TOPIC and the others go.
   */
  async offsetDelete(ctx: GroupRequestContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const r = this.route(req.groupId, ctx, false)
    if (r === null) return { errorCode: E.GROUP_ID_NOT_FOUND, topics: [] }
    if ('errorCode' in r) return { errorCode: r.errorCode, topics: [] }
    const group = this.groups.get(req.groupId)
    if ((!group || group.state === 'Dead') && !this.offsets.hasGroup(req.groupId)) return { errorCode: E.GROUP_ID_NOT_FOUND, topics: [] }
    const active = group !== undefined && group.state !== 'Empty' && group.state !== 'Dead'
    if (active && group.protocolType !== 'consumer') return { errorCode: E.NON_EMPTY_GROUP, topics: [] }
    const errors = new Map<string, number>()
    const tombstones: { topic: string; partition: number }[] = []
    const committed = this.offsets.entriesOf(req.groupId)
    for (const t of req.topics) {
      const n = this.env.partitionCount(t.name)
      for (const p of t.partitions) {
        const key = `${t.name}\u0000${p.partitionIndex}`
        if (n === null || p.partitionIndex < 0 || p.partitionIndex >= n) errors.set(key, E.UNKNOWN_TOPIC_OR_PARTITION)
        else if (active && group.subscribedTopics?.has(t.name)) errors.set(key, E.GROUP_SUBSCRIBED_TO_TOPIC)
        else if (committed.get(t.name)?.has(p.partitionIndex)) tombstones.push({ topic: t.name, partition: p.partitionIndex })
      }
    }
    if (tombstones.length > 0) {
      try {
        await this.append(
          req.groupId,
          tombstones.map((o) => ({ key: encodeOffsetCommitKey({ group: req.groupId, ...o }), value: null })),
          undefined,
          'offset deletion'
        )
        for (const o of tombstones) this.offsets.put(req.groupId, o.topic, o.partition, null)
      } catch (e) {
        return { errorCode: e instanceof KafkaError ? e.errorCode : E.UNKNOWN_SERVER_ERROR, topics: [] }
      }
    }
    return {
      errorCode: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0 }))
      }))
    }
  }

  // ---- listing, describing, deleting -----------------------------------------------------------

  /** A known group's state and protocol type; offset-only ("simple") groups are Empty with protocol type ''. Null when unknown. */
  private stateOf(groupId: string): { state: string; protocolType: string } | null {
    const g = this.groups.get(groupId)
    if (g && g.state !== 'Dead') return { state: g.state, protocolType: g.protocolType ?? '' }
    return this.offsets.hasGroup(groupId) ? { state: 'Empty', protocolType: '' } : null
  }

  /** Every known group id (with membership or committed offsets), sorted. */
  private knownGroupIds(): string[] {
    const ids = new Set(this.offsets.groupIds())
    for (const [id, g] of this.groups) if (g.state !== 'Dead') ids.add(id)
    return [...ids].sort()
  }

  /**
   * ListGroups (API key 16): the groups this broker coordinates (all for an in-process caller),
   * filtered by state (v4+) and type (v5+, 'classic'), both case-insensitive.
   */
  listGroupStates(ctx: GroupRequestContext, req: ListGroupsRequest = {}): ListGroupsResponse {
    const states = new Set((req.statesFilter ?? []).map((s) => s.toLowerCase()))
    const types = new Set((req.typesFilter ?? []).map((s) => s.toLowerCase()))
    const n = this.env.partitionCount(OFFSETS_TOPIC)
    if (ctx.brokerId !== undefined) this.checkLeadership()
    const groups: ListGroupsResponse['groups'] = []
    for (const groupId of this.knownGroupIds()) {
      if (ctx.brokerId !== undefined) {
        if (n === null || this.env.leaderOf(OFFSETS_TOPIC, offsetsPartitionFor(groupId, n))?.leader !== ctx.brokerId) continue
      }
      const s = this.stateOf(groupId)!
      if (states.size > 0 && !states.has(s.state.toLowerCase())) continue
      if (types.size > 0 && !types.has('classic')) continue
      groups.push({ groupId, protocolType: s.protocolType, groupState: s.state, groupType: 'classic' })
    }
    return { errorCode: 0, groups }
  }

  /**
   * DescribeGroups (API key 15): state, protocol type, the chosen protocol and members (with their
   * metadata and assignment when Stable, as Kafka shows them); an unknown group is Dead.
   */
  describeGroups(ctx: GroupRequestContext, groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const dead: DescribedGroup = { errorCode: 0, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] }
      const r = this.route(groupId, ctx, false)
      if (r && 'errorCode' in r) return { ...dead, errorCode: r.errorCode, groupState: '' }
      const s = this.stateOf(groupId)
      if (!s) return dead
      const g = this.groups.get(groupId)
      if (!g) return { ...dead, groupState: s.state }
      const stable = g.state === 'Stable'
      return {
        errorCode: 0,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadata(g.protocolName) : Buffer.alloc(0),
          memberAssignment: stable ? m.assignment : Buffer.alloc(0)
        }))
      }
    })
  }

  /**
   * The group as the host's views show it: state, protocol type and protocol, generation, leader,
   * coordinator, and every member with its metadata and current assignment. An unknown group is Dead
   * with no members.
   */
  describeGroup(groupId: string): GroupDescription {
    this.checkGroupId(groupId)
    const n = this.env.partitionCount(OFFSETS_TOPIC)
    const coordinator = n === null ? -1 : (this.env.leaderOf(OFFSETS_TOPIC, offsetsPartitionFor(groupId, n))?.leader ?? -1)
    if (n !== null) this.ensureLoaded(offsetsPartitionFor(groupId, n))
    const s = this.stateOf(groupId)
    const g = this.groups.get(groupId)
    return {
      groupId,
      state: (s?.state ?? 'Dead') as GroupDescription['state'],
      protocolType: s?.protocolType ?? '',
      protocol: g?.protocolName ?? '',
      generationId: g?.generationId ?? -1,
      leader: g?.leaderId ?? '',
      coordinator,
      members:
        g && g.state !== 'Dead'
          ? [...g.members.values()].map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              metadata: m.metadata(g.protocolName),
              assignment: m.assignment
            }))
          : []
    }
  }

  /**
   * DeleteGroups (API key 42): each group, with its committed offsets, goes (tombstones for its
   * offsets and its GroupMetadata); only an Empty group can be deleted (NON_EMPTY_GROUP), an unknown
   * one is GROUP_ID_NOT_FOUND.
   */
  async deleteGroups(ctx: GroupRequestContext, groupIds: string[]): Promise<DeleteGroupsResponse> {
    const results: DeleteGroupsResponse['results'] = []
    for (const groupId of groupIds) {
      const r = this.route(groupId, ctx, false)
      if (r && 'errorCode' in r) {
        results.push({ groupId, errorCode: r.errorCode })
        continue
      }
      const s = r === null ? null : this.stateOf(groupId)
      if (!s) {
        results.push({ groupId, errorCode: E.GROUP_ID_NOT_FOUND })
        continue
      }
      if (s.state !== 'Empty') {
        results.push({ groupId, errorCode: E.NON_EMPTY_GROUP })
        continue
      }
      const records: CoordinatorRecord[] = []
      for (const [topic, parts] of this.offsets.entriesOf(groupId))
        for (const partition of parts.keys()) records.push({ key: encodeOffsetCommitKey({ group: groupId, topic, partition }), value: null })
      records.push({ key: encodeGroupMetadataKey(groupId), value: null })
      try {
        await this.append(groupId, records, undefined, 'deletion')
      } catch (e) {
        results.push({ groupId, errorCode: e instanceof KafkaError ? e.errorCode : E.UNKNOWN_SERVER_ERROR })
        continue
      }
      const g = this.groups.get(groupId)
      if (g && g.state === 'Empty') g.transitionTo('Dead', this.env.clock())
      this.groups.delete(groupId)
      for (const [topic, parts] of this.offsets.entriesOf(groupId)) for (const partition of [...parts.keys()]) this.offsets.put(groupId, topic, partition, null)
      this.env.event({ kind: 'group-deleted', severity: 'info', groupId, message: `Group ${groupId} was deleted with its committed offsets` })
      results.push({ groupId, errorCode: 0 })
    }
    return { results }
  }

  /**
   * Deletes one group (kafka-consumer-groups --delete).
   * @throws KafkaError GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (Kafka's messages), COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR.
   */
  async deleteGroup(groupId: string): Promise<void> {
    this.checkGroupId(groupId)
    const [res] = (await this.deleteGroups({}, [groupId])).results
    if (res.errorCode === 0) return
    const name = NAME_OF_CODE.get(res.errorCode) ?? 'UNKNOWN_SERVER_ERROR'
    const message =
      name === 'GROUP_ID_NOT_FOUND'
        ? `Deletion of group '${groupId}' failed: the group does not exist.`
        : name === 'NON_EMPTY_GROUP'
          ? `Deletion of group '${groupId}' failed: the group is not empty (state ${this.stateOf(groupId)?.state}); only a group without active members can be deleted.`
          : `Deletion of group '${groupId}' failed: ${name}`
    throw new KafkaError(name, message)
  }

  /** Committed offsets of a group (empty when it has none, as Kafka's OffsetFetch answers). */
  fetchOffsets(groupId: string): GroupOffsets {
    this.checkGroupId(groupId)
    return { groupId, offsets: this.offsets.offsetsOf(groupId) }
  }

  /** Known groups (with members or committed offsets), sorted. */
  listGroups(): string[] {
    return this.knownGroupIds()
  }

  /**
   * kafka-consumer-groups --describe rows: every partition of every (still existing) topic the group
   * committed to; LOG-END-OFFSET is the high watermark; lag = HW - committed (HW - log start when none).
   * @throws KafkaError GROUP_ID_NOT_FOUND when the group is unknown (no members, no committed offsets).
   */
  describeGroupLag(groupId: string): GroupLagRow[] {
    if (!this.stateOf(groupId)) throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`)
    const rows: GroupLagRow[] = []
    const committed = this.offsets.offsetsOf(groupId)
    for (const topic of [...committed.keys()].sort()) {
      const n = this.env.partitionCount(topic)
      if (n === null) continue
      for (let i = 0; i < n; i++) {
        const current = committed.get(topic)!.get(i) ?? null
        const o = this.env.offsetsOf(topic, i)!
        rows.push({ topic, partition: i, currentOffset: current, logEndOffset: o.highWatermark, lag: Math.max(0, o.highWatermark - (current ?? o.logStartOffset)) })
      }
    }
    return rows
  }

  // ---- time ------------------------------------------------------------------------------------

  /** The coordinator's periodic work at `now` (ms): leadership followed, then every group's deadlines (see GroupMembership.tick), unused groups forgotten. */
  tick(now: number): void {
    this.checkLeadership()
    for (const g of [...this.groups.values()]) {
      this.membership.tick(g, now)
      this.dropIfUnused(g)
    }
  }

  /** The cluster closes: every pending join and sync is answered NOT_COORDINATOR, as when a coordinator resigns. */
  close(): void {
    for (const g of this.groups.values()) this.membership.unload(g, E.NOT_COORDINATOR)
    this.groups.clear()
    this.loaded.clear()
  }
}

