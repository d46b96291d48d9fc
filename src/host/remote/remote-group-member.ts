/**
 * RemoteGroupMember: the CLI's member of a classic consumer group over the wire, as
 * kafka-console-consumer --group is one (Kafka's ConsumerCoordinator / AbstractCoordinator, eager
 * "range" protocol): FindCoordinator; JoinGroup (protocol type "consumer", protocol "range" with a
 * ConsumerProtocolSubscription of its one topic; a first join without a member id is answered
 * MEMBER_ID_REQUIRED with the id to join with, KIP-394); as the leader it computes the range
 * assignment (range-assignor.ts) over every member's subscription and sends it in SyncGroup, as a
 * follower it sends none; it reads only the partitions assigned to it, from the group's committed
 * offsets (else auto.offset.reset, earliest or latest), heartbeats every heartbeat.interval.ms
 * while it is a member, commits with its generation id and member id, and leaves (LeaveGroup) when
 * closed.
 *
 * Rebalances: a heartbeat or commit answered REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION (which
 * forgets the generation) or UNKNOWN_MEMBER_ID (which forgets generation and member id) makes it
 * rejoin: inside a poll, reading
 * stops at the next fetch, what was read is committed while the coordinator still takes it, the
 * member rejoins and the poll continues on the new assignment; between polls (an idle `--follow`)
 * it rejoins at once, so the group is not kept waiting for it. After a join, a partition it kept
 * continues at the larger of its own position and the committed offset, and its uncommitted
 * progress is committed with the new generation.
 *
 * Must stay true: coordinator requests go over a connection of their own (a JoinGroup may be held
 * by the coordinator up to the rebalance timeout, and must not hold up fetches; Kafka's
 * AbstractCoordinator opens a separate coordinator connection for the same reason), except the
 * final LeaveGroup (see `leave`); joins, polls
 * and commits run one at a time; every request is bounded (the client's request timeout, a JoinGroup
 * by max(request timeout, rebalance timeout + JOIN_GROUP_TIMEOUT_LAPSE_MS) as Kafka bounds it); a
 * join gives up after MAX_JOIN_ATTEMPTS failed attempts and a poll after MAX_REJOINS_PER_POLL
 * rejoins, naming the last error; no heartbeat runs while joining or after `leave`; `leave` never
 * throws and closes the coordinator connection, and after it the member sends nothing and opens no
 * connection (a rejoin still under way fails with ILLEGAL_STATE).
 */
import { ByteReader } from '../../broker/codec/byte-reader'
import type { MessageInput } from '../../broker/protocol/message-codec-support'
import type { HeartbeatResponse } from '../../broker/protocol/messages/heartbeat-response'
import type { FindCoordinatorResponse } from '../../broker/protocol/messages/find-coordinator-response'
import type { JoinGroupResponse, JoinGroupResponseMember } from '../../broker/protocol/messages/join-group-response'
import type { LeaveGroupResponse } from '../../broker/protocol/messages/leave-group-response'
import type { OffsetCommitResponse } from '../../broker/protocol/messages/offset-commit-response'
import type { OffsetFetchResponse } from '../../broker/protocol/messages/offset-fetch-response'
import type { SyncGroupResponse } from '../../broker/protocol/messages/sync-group-response'
import { consumerProtocolAssignmentVersions, decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../broker/protocol/messages/consumer-protocol-assignment'
import { consumerProtocolSubscriptionVersions, encodeConsumerProtocolSubscription, readConsumerProtocolSubscription } from '../../broker/protocol/messages/consumer-protocol-subscription'
import type { ConsumerRecord } from '../cluster-backend'
import { KafkaWireClient, type ClientApi } from './kafka-wire-client'
import { partitionRanges } from './remote-offsets'
import { readFrom } from './remote-partition-reader'
import { kafkaErrorName, RemoteClusterError } from './remote-cluster-error'
import { RANGE_ASSIGNOR_NAME, rangeAssign } from './range-assignor'

/** A member's timing settings, by Kafka's consumer config names; all in ms. */
export interface GroupMemberConfig {
  /** session.timeout.ms: the coordinator removes the member after this long without a heartbeat. */
  'session.timeout.ms': number
  /** max.poll.interval.ms, sent as the JoinGroup rebalance timeout: how long a rebalance waits for the member to rejoin. */
  'max.poll.interval.ms': number
  /** heartbeat.interval.ms: time between heartbeats while a member. */
  'heartbeat.interval.ms': number
  /** retry.backoff.ms: wait before a failed join is tried again. */
  'retry.backoff.ms': number
}

/** Kafka 3.x consumer defaults, those kafka-console-consumer --group runs with (session.timeout.ms 45000 since KIP-735). */
export const DEFAULT_GROUP_MEMBER_CONFIG: GroupMemberConfig = {
  'session.timeout.ms': 45_000,
  'max.poll.interval.ms': 300_000,
  'heartbeat.interval.ms': 3_000,
  'retry.backoff.ms': 100
}

/** The group protocol type of consumers (ConsumerProtocol.PROTOCOL_TYPE). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'
/** The version of ConsumerProtocolSubscription / ConsumerProtocolAssignment written (Kafka 3.5+ writes 3). */
export const CONSUMER_PROTOCOL_VERSION = 3
/** Added to the rebalance timeout to bound a JoinGroup (AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE). */
export const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000
/** Failed join attempts (coordinator moved, connection lost, rebalance restarted) before giving up. */
export const MAX_JOIN_ATTEMPTS = 10
/** Rejoins within one poll before giving up (a group that never settles). */
export const MAX_REJOINS_PER_POLL = 10

const COORDINATOR_ERRORS = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'])
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID'])
const NETWORK_ERRORS = new Set(['NETWORK_EXCEPTION', 'REQUEST_TIMED_OUT'])

/** What the member is now (for callers and tests): ids, generation and its partitions of the topic. */
export interface GroupMemberState {
  memberId: string
  generationId: number
  /** Whether the coordinator made this member the group's leader in the current generation. */
  leader: boolean
  /** The partitions of the topic assigned to it, ascending. */
  assignment: number[]
}

/** A member of one consumer group reading one topic; see the module comment. Always `leave()`. */
export class RemoteGroupMember {
  private readonly coordinatorClient: KafkaWireClient
  private memberId = ''
  private generationId = -1
  private leaderId = ''
  private coordinator: number | null = null
  private assignment: number[] = []
  /** Next offset to read of each assigned partition. */
  private readonly positions = new Map<number, number>()
  /** The offsets this member committed last, per partition. */
  private readonly committed = new Map<number, number>()
  private rejoinNeeded = true
  private polling = false
  private closed = false
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null
  private busy: Promise<unknown> = Promise.resolve()

  /**
   * @param client the wire client fetches and metadata go through (the coordinator gets a client of its own, same bootstrap and request timeout).
   * @param autoOffsetReset where a partition without a committed offset (or with one outside its log) starts.
   */
  constructor(
    private readonly client: KafkaWireClient,
    readonly groupId: string,
    readonly topic: string,
    private readonly autoOffsetReset: 'earliest' | 'latest',
    private readonly config: GroupMemberConfig = DEFAULT_GROUP_MEMBER_CONFIG
  ) {
    this.coordinatorClient = new KafkaWireClient(client.bootstrap, client.requestTimeoutMs)
  }

  /** The member's ids, generation and assignment now. */
  get state(): GroupMemberState {
    return { memberId: this.memberId, generationId: this.generationId, leader: this.memberId !== '' && this.leaderId === this.memberId, assignment: [...this.assignment] }
  }

  /**
   * One poll: joins the group when needed, hands `onRecord` the records of its assigned partitions
   * up to their high watermarks (at most `maxRecords`), commits, and rejoins on the way when the
   * group rebalances (see the module comment).
   * @returns how many records `onRecord` was given.
   * @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION for a topic the cluster lacks; the join's
   *   errors (INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED, INVALID_SESSION_TIMEOUT, ...);
   *   REBALANCE_IN_PROGRESS when the group did not settle within MAX_REJOINS_PER_POLL rejoins.
   */
  poll(maxRecords: number, onRecord: (r: ConsumerRecord) => void): Promise<number> {
    return this.exclusive(async () => {
      this.whileOpen()
      await this.client.partitions(this.topic) // an unknown topic fails here, as without a group
      this.polling = true
      try {
        let n = 0
        for (let rejoins = 0; ; rejoins++) {
          if (this.rejoinNeeded) {
            if (rejoins > MAX_REJOINS_PER_POLL)
              throw new RemoteClusterError('REBALANCE_IN_PROGRESS', `Group ${this.groupId} rebalanced more than ${MAX_REJOINS_PER_POLL} times during one poll; try again`)
            await this.rejoin()
          }
          if (n < maxRecords) n += await readFrom(this.client, this.topic, this.positions, maxRecords - n, onRecord, () => this.rejoinNeeded)
          await this.commit()
          if (!this.rejoinNeeded) return n
        }
      } finally {
        this.polling = false
      }
    })
  }

  /**
   * Leaves the group: closes the coordinator connection (a JoinGroup still held there fails), then
   * sends LeaveGroup over the fetch client's connection (the coordinator mutes a connection while it
   * holds a JoinGroup, so the leave must not queue behind one). Best effort, bounded by the request
   * timeout, never throws: a member whose leave is lost is removed by its session timeout.
   */
  async leave(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopHeartbeats()
    const memberId = this.memberId
    const coordinator = this.coordinator
    this.memberId = ''
    this.generationId = -1
    await this.coordinatorClient.close()
    if (memberId === '' || coordinator === null) return
    try {
      await this.client.sendToBroker<LeaveGroupResponse>(coordinator, 'LeaveGroup', () => ({
        groupId: this.groupId,
        members: [{ memberId, groupInstanceId: null, reason: 'the consumer is being closed' }]
      }))
    } catch {
      // the coordinator is gone or moved: the session timeout removes the member
    }
  }

  /** Runs `fn` after every join, poll and commit started before it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn)
    this.busy = run.catch(() => {})
    return run
  }

  /** The coordinator client while the member has not left. @throws RemoteClusterError ILLEGAL_STATE after `leave` (no connection is opened again then). */
  private whileOpen(): KafkaWireClient {
    if (this.closed) throw new RemoteClusterError('ILLEGAL_STATE', `This consumer has already been closed: the member of group ${this.groupId} left the group`)
    return this.coordinatorClient
  }

  /** Sends to the coordinator `brokerId` over the coordinator connection (see whileOpen). */
  private toCoordinator<Res>(brokerId: number, api: ClientApi, build: (version: number) => MessageInput<unknown>, timeoutMs?: number): Promise<Res> {
    return this.whileOpen().sendToBroker<Res>(brokerId, api, build, timeoutMs)
  }

  /** Commits what was read while the coordinator takes it, then joins again. */
  private async rejoin(): Promise<void> {
    if (this.generationId >= 0) await this.commit()
    await this.join()
  }

  /** The group's coordinator (FindCoordinator, cached until a coordinator error). */
  private async findCoordinator(): Promise<number> {
    if (this.coordinator !== null) return this.coordinator
    const res = await this.whileOpen().sendToAny<FindCoordinatorResponse>('FindCoordinator', () => ({ key: this.groupId, keyType: 0 }))
    if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, res.errorMessage, `coordinator of group ${this.groupId}`)
    this.coordinator = res.nodeId
    return res.nodeId
  }

  /**
   * JoinGroup then SyncGroup until the member has an assignment of a generation, then the
   * positions of that assignment; heartbeats start again. See the module comment.
   */
  private async join(): Promise<void> {
    this.stopHeartbeats()
    const joinTimeoutMs = Math.max(this.client.requestTimeoutMs, this.config['max.poll.interval.ms'] + JOIN_GROUP_TIMEOUT_LAPSE_MS)
    let last: RemoteClusterError | null = null
    for (let failures = 0; failures < MAX_JOIN_ATTEMPTS; ) {
      this.whileOpen()
      if (last) await new Promise((r) => setTimeout(r, this.config['retry.backoff.ms']))
      try {
        const coordinator = await this.findCoordinator()
        const memberId = this.memberId
        const join = await this.toCoordinator<JoinGroupResponse>(
          coordinator,
          'JoinGroup',
          (v) => ({
            groupId: this.groupId,
            sessionTimeoutMs: this.config['session.timeout.ms'],
            rebalanceTimeoutMs: this.config['max.poll.interval.ms'],
            memberId,
            groupInstanceId: null,
            protocolType: CONSUMER_PROTOCOL_TYPE,
            protocols: [{ name: RANGE_ASSIGNOR_NAME, metadata: this.subscription() }],
            ...(v >= 8 ? { reason: memberId === '' ? 'joining the group' : 'rejoining the group' } : {})
          }),
          joinTimeoutMs
        )
        const joinError = kafkaErrorName(join.errorCode)
        if (joinError === 'MEMBER_ID_REQUIRED') {
          this.memberId = join.memberId // KIP-394: join again at once with the id the coordinator gave
          last = null
          continue
        }
        if (join.errorCode !== 0) {
          last = RemoteClusterError.fromCode(join.errorCode, null, `JoinGroup of group ${this.groupId}`)
          if (!this.retriable(joinError)) throw last
          failures++
          continue
        }
        this.memberId = join.memberId
        this.generationId = join.generationId
        this.leaderId = join.leader
        const assignments = join.leader === join.memberId ? await this.assign(join.members) : []
        const sync = await this.toCoordinator<SyncGroupResponse>(coordinator, 'SyncGroup', (v) => ({
          groupId: this.groupId,
          generationId: join.generationId,
          memberId: join.memberId,
          groupInstanceId: null,
          ...(v >= 5 ? { protocolType: CONSUMER_PROTOCOL_TYPE, protocolName: RANGE_ASSIGNOR_NAME } : {}),
          assignments
        }))
        if (sync.errorCode !== 0) {
          const syncError = kafkaErrorName(sync.errorCode)
          last = RemoteClusterError.fromCode(sync.errorCode, null, `SyncGroup of group ${this.groupId} (generation ${join.generationId})`)
          if (!this.retriable(syncError)) throw last
          failures++
          continue
        }
        await this.takeAssignment(this.assignedPartitions(sync.assignment))
        this.rejoinNeeded = false
        this.scheduleHeartbeat()
        return
      } catch (e) {
        if (!(e instanceof RemoteClusterError) || !NETWORK_ERRORS.has(e.code)) throw e
        this.coordinator = null
        last = e
        failures++
      }
    }
    throw new RemoteClusterError(last?.code ?? 'REBALANCE_IN_PROGRESS', `Could not join group ${this.groupId} in ${MAX_JOIN_ATTEMPTS} attempts: ${last?.message ?? 'no answer'}`)
  }

  /**
   * Whether a request answered `name` is followed by a (re)join, forgetting what the error says is
   * stale, as Kafka's AbstractCoordinator resets its generation: ILLEGAL_GENERATION the generation,
   * UNKNOWN_MEMBER_ID the generation and the member id, a coordinator error the coordinator.
   */
  private retriable(name: string): boolean {
    if (name === 'ILLEGAL_GENERATION' || name === 'UNKNOWN_MEMBER_ID') this.generationId = -1
    if (name === 'UNKNOWN_MEMBER_ID') this.memberId = ''
    if (COORDINATOR_ERRORS.has(name)) this.coordinator = null
    return REJOIN_ERRORS.has(name) || COORDINATOR_ERRORS.has(name)
  }

  /** This member's ConsumerProtocolSubscription (int16 version, then the body): its topic and the partitions it owns. */
  private subscription(): Buffer {
    const body = encodeConsumerProtocolSubscription(
      {
        topics: [this.topic],
        userData: null,
        ownedPartitions: this.assignment.length > 0 ? [{ topic: this.topic, partitions: this.assignment }] : [],
        generationId: this.generationId,
        rackId: null
      },
      CONSUMER_PROTOCOL_VERSION
    )
    return withVersion(CONSUMER_PROTOCOL_VERSION, body)
  }

  /**
   * As the leader: the range assignment of the members' subscriptions over the partition counts of
   * their topics (topics the cluster does not know are left out), each encoded as a ConsumerProtocolAssignment.
   * @throws RemoteClusterError INCONSISTENT_GROUP_PROTOCOL naming a member whose subscription cannot be read.
   */
  private async assign(members: JoinGroupResponseMember[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const subscriptions = new Map<string, string[]>()
    for (const m of members) {
      try {
        const r = new ByteReader(m.metadata)
        const version = Math.min(r.int16('ConsumerProtocolSubscription.Version'), consumerProtocolSubscriptionVersions.max)
        if (version < 0) throw new RangeError(`version ${version}`)
        subscriptions.set(m.memberId, readConsumerProtocolSubscription(r, version).topics)
      } catch (e) {
        throw new RemoteClusterError('INCONSISTENT_GROUP_PROTOCOL', `The subscription of member ${m.memberId} of group ${this.groupId} is not a readable ConsumerProtocolSubscription: ${(e as Error).message}`)
      }
    }
    const counts = new Map<string, number>()
    for (const topic of new Set([...subscriptions.values()].flat())) {
      this.whileOpen()
      try {
        counts.set(topic, (await this.client.partitions(topic)).length)
      } catch (e) {
        if (!(e instanceof RemoteClusterError) || e.code !== 'UNKNOWN_TOPIC_OR_PARTITION') throw e
      }
    }
    return [...rangeAssign(subscriptions, counts)].map(([memberId, a]) => ({
      memberId,
      assignment: withVersion(
        CONSUMER_PROTOCOL_VERSION,
        encodeConsumerProtocolAssignment({ assignedPartitions: [...a].map(([topic, partitions]) => ({ topic, partitions })), userData: null }, CONSUMER_PROTOCOL_VERSION)
      )
    }))
  }

  /** This member's partitions of its topic in a SyncGroup assignment ([] for none). @throws RemoteClusterError INCONSISTENT_GROUP_PROTOCOL for unreadable bytes. */
  private assignedPartitions(bytes: Buffer): number[] {
    if (bytes.length === 0) return []
    try {
      const r = new ByteReader(bytes)
      const version = Math.min(r.int16('ConsumerProtocolAssignment.Version'), consumerProtocolAssignmentVersions.max)
      if (version < 0) throw new RangeError(`version ${version}`)
      const a = decodeConsumerProtocolAssignment(r, version)
      return [...new Set(a.assignedPartitions.filter((t) => t.topic === this.topic).flatMap((t) => t.partitions))].sort((x, y) => x - y)
    } catch (e) {
      throw new RemoteClusterError('INCONSISTENT_GROUP_PROTOCOL', `The assignment of group ${this.groupId} is not a readable ConsumerProtocolAssignment: ${(e as Error).message}`)
    }
  }

  /**
   * Positions of a new assignment: the committed offset (else auto.offset.reset; one outside the
   * log resets too), or this member's own position of a partition it kept when that is further.
   */
  private async takeAssignment(partitions: number[]): Promise<void> {
    const kept = new Map(this.positions)
    this.assignment = partitions
    this.positions.clear()
    if (partitions.length === 0) return
    const coordinator = await this.findCoordinator()
    const res = await this.toCoordinator<OffsetFetchResponse>(coordinator, 'OffsetFetch', () => ({
      groupId: this.groupId,
      topics: [{ name: this.topic, partitionIndexes: partitions }],
      requireStable: true
    }))
    if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, null, `committed offsets of group ${this.groupId}`)
    const committed = new Map<number, number>()
    for (const t of res.topics)
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw RemoteClusterError.fromCode(p.errorCode, null, `committed offset of ${this.topic}-${p.partitionIndex} for group ${this.groupId}`)
        if (p.committedOffset >= 0n) committed.set(p.partitionIndex, Number(p.committedOffset))
      }
    this.whileOpen()
    const ranges = await partitionRanges(this.client, this.topic, partitions)
    this.whileOpen()
    this.committed.clear()
    for (const p of partitions) {
      const r = ranges.get(p)!
      const c = committed.get(p)
      if (c !== undefined) this.committed.set(p, c)
      const start = c === undefined || c < r.logStartOffset || c > r.highWatermark ? (this.autoOffsetReset === 'earliest' ? r.logStartOffset : r.highWatermark) : c
      this.positions.set(p, Math.max(start, kept.get(p) ?? start))
    }
  }

  /**
   * Commits the positions that moved since the last commit, with the member's generation and id.
   * REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID mark a rejoin (the positions stay
   * to commit after it); a coordinator error forgets the coordinator and marks a rejoin too.
   * @throws RemoteClusterError for any other error of a partition (OFFSET_METADATA_TOO_LARGE, ...).
   */
  private async commit(): Promise<void> {
    const pending = [...this.positions].filter(([p, o]) => this.committed.get(p) !== o)
    if (pending.length === 0 || this.generationId < 0) return
    let res: OffsetCommitResponse
    try {
      const coordinator = await this.findCoordinator()
      res = await this.toCoordinator<OffsetCommitResponse>(coordinator, 'OffsetCommit', () => ({
        groupId: this.groupId,
        generationIdOrMemberEpoch: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [{ name: this.topic, partitions: pending.map(([p, o]) => ({ partitionIndex: p, committedOffset: BigInt(o), committedLeaderEpoch: -1, committedMetadata: '' })) }]
      }))
    } catch (e) {
      if (!(e instanceof RemoteClusterError) || !NETWORK_ERRORS.has(e.code)) throw e
      this.coordinator = null
      this.rejoinNeeded = true
      return
    }
    for (const t of res.topics)
      for (const p of t.partitions) {
        const name = kafkaErrorName(p.errorCode)
        if (p.errorCode === 0) this.committed.set(p.partitionIndex, pending.find(([q]) => q === p.partitionIndex)![1])
        else if (REJOIN_ERRORS.has(name) || COORDINATOR_ERRORS.has(name)) {
          this.retriable(name)
          this.rejoinNeeded = true
        } else throw RemoteClusterError.fromCode(p.errorCode, null, `commit of ${this.topic}-${p.partitionIndex} for group ${this.groupId} (generation ${this.generationId})`)
      }
  }

  private scheduleHeartbeat(): void {
    if (this.closed || this.heartbeatTimer) return
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null
      void this.heartbeat()
    }, this.config['heartbeat.interval.ms'])
    this.heartbeatTimer.unref?.()
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  /** One Heartbeat; a rebalance or a lost membership asks for a rejoin, anything else waits for the next beat. */
  private async heartbeat(): Promise<void> {
    if (this.closed || this.rejoinNeeded || this.generationId < 0) return
    let name: string
    try {
      const coordinator = await this.findCoordinator()
      const res = await this.toCoordinator<HeartbeatResponse>(coordinator, 'Heartbeat', () => ({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null
      }))
      name = res.errorCode === 0 ? '' : kafkaErrorName(res.errorCode)
    } catch {
      this.coordinator = null // connection lost or no answer: find the coordinator again at the next beat
      name = ''
    }
    if (this.closed) return
    if (REJOIN_ERRORS.has(name)) {
      this.retriable(name)
      this.requestRejoin()
      return
    }
    if (COORDINATOR_ERRORS.has(name)) this.coordinator = null
    this.scheduleHeartbeat()
  }

  /** Marks a rejoin; between polls the member rejoins at once (a failure is met again by the next poll, which rejoins). */
  private requestRejoin(): void {
    this.rejoinNeeded = true
    if (this.polling) return
    this.exclusive(async () => {
      if (this.rejoinNeeded && !this.closed && !this.polling) await this.rejoin()
    }).catch(() => {})
  }
}

/** `body` after its int16 version, as the consumer protocol's embedded messages are written (ConsumerProtocol.serialize*). */
function withVersion(version: number, body: Buffer): Buffer {
  const out = Buffer.alloc(2 + body.length)
  out.writeInt16BE(version, 0)
  body.copy(out, 2)
  return out
}
