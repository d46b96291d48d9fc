/**
 * GroupMetadata and MemberMetadata: one classic-protocol group as its coordinator holds it (Kafka's
 * ClassicGroup / ClassicGroupMember, formerly GroupMetadata / MemberMetadata): its state, generation,
 * protocol type and chosen protocol, leader, members (dynamic by member id, static by
 * group.instance.id, KIP-345), members pending their first join (KIP-394), and the deadlines the
 * coordinator's timers check (join, initial delay, sync, each member's heartbeat), all in ms of the
 * cluster's clock.
 *
 * Must stay true: state changes follow Kafka's valid previous states (ClassicGroupState): Empty ->
 * PreparingRebalance -> CompletingRebalance -> Stable, a rebalance from Stable or
 * CompletingRebalance back to PreparingRebalance, PreparingRebalance -> Empty when no member is
 * left, any state -> Dead; an invalid transition throws (a coordinator bug, never user input). The
 * leader, when set, is a member (the first to join, kept while it stays); a static member's
 * instance id maps to exactly one member id.
 */
import type { JoinGroupRequestProtocol, JoinGroupResponse, JoinGroupResponseMember, SyncGroupResponse } from './group-requests'
import type { PersistedGroup, PersistedMember } from './group-metadata-schema'

/** Kafka's ClassicGroupState names, as DescribeGroups and ListGroups show them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead']
}

/** One member of a classic group. */
export class MemberMetadata {
  /** The answer of its pending JoinGroup, while it waits for the join phase to complete. */
  awaitingJoin: ((r: JoinGroupResponse) => void) | null = null
  /** The answer of its pending SyncGroup, while it waits for the leader's assignment. */
  awaitingSync: ((r: SyncGroupResponse) => void) | null = null
  /** Joined in the current join phase and not yet answered (Kafka's isNew: its deadline is group.new.member.join.timeout.ms). */
  isNew = false
  /** When its session expires (ms), unless it heartbeats, joins or syncs before. */
  heartbeatDeadline = 0
  assignment: Buffer = Buffer.alloc(0)

  constructor(
    public memberId: string,
    public readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: JoinGroupRequestProtocol[]
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  /** Its metadata for `protocol` (empty when it does not support it). */
  metadata(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0)
  }

  /** Same protocols with the same metadata, in the same order (Kafka's ClassicGroupMember.matches). */
  matches(protocols: JoinGroupRequestProtocol[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
  }
}

/** One classic group. */
export class GroupMetadata {
  state: GroupState = 'Empty'
  previousState: GroupState = 'Empty'
  /** ms since the epoch of the last state change. */
  currentStateTimestamp: number
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  /** Members by member id, in join order. */
  readonly members = new Map<string, MemberMetadata>()
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>()
  /** KIP-394: member ids handed out with MEMBER_ID_REQUIRED, with the deadline (ms) of their rejoin. */
  readonly pendingMembers = new Map<string, number>()
  /** Members of the current generation whose SyncGroup has not arrived yet. */
  readonly pendingSync = new Set<string>()
  /** A member joined during the initial rebalance delay (group.initial.rebalance.delay.ms). */
  newMemberAdded = false
  /** Deadline (ms) of the current join phase (the rebalance timeout), null outside one. */
  joinDeadline: number | null = null
  /** The initial rebalance delay of a join phase started from Empty: its deadline and the rebalance time left after it (ms). */
  initialDelay: { deadline: number; remainingMs: number } | null = null
  /** Deadline (ms) by which every member of the generation must have sent SyncGroup. */
  syncDeadline: number | null = null
  /** Topics a "consumer" group's members subscribe to (null when unknown), for OffsetDelete. */
  subscribedTopics: Set<string> | null = null

  constructor(
    readonly groupId: string,
    /** Its partition of __consumer_offsets. */
    readonly partition: number,
    now: number
  ) {
    this.currentStateTimestamp = now
  }

  /** Moves to `state`. @throws Error for a transition Kafka's state machine does not allow (a coordinator bug). */
  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) throw new Error(`Group ${this.groupId} cannot move from ${this.state} to ${state}`)
    this.previousState = this.state
    this.state = state
    this.currentStateTimestamp = now
  }

  /** Whether a rebalance may start now (Kafka's canRebalance). */
  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state)
  }

  /** Adds a member; the first member of a group without a leader becomes the leader; its protocol type becomes the group's. */
  add(member: MemberMetadata): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    if (this.leaderId === null) this.leaderId = member.memberId
  }

  /** Removes a member; a leader that leaves is replaced by the first remaining member. */
  remove(memberId: string): MemberMetadata | null {
    const m = this.members.get(memberId)
    if (!m) return null
    this.members.delete(memberId)
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId)
    this.pendingSync.delete(memberId)
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return m
  }

  /** The member id a static member holds now, or null. */
  staticMemberId(instanceId: string): string | null {
    return this.staticMembers.get(instanceId) ?? null
  }

  /** A returning static member takes a new member id (KIP-345): same member, same place, new id. */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const m = this.members.get(oldMemberId)!
    const entries = [...this.members.entries()]
    this.members.clear()
    for (const [id, x] of entries) this.members.set(id === oldMemberId ? newMemberId : id, x)
    m.memberId = newMemberId
    this.staticMembers.set(instanceId, newMemberId)
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId)
    return m
  }

  /** Members waiting for the join phase to complete. */
  numAwaitingJoin(): number {
    let n = 0
    for (const m of this.members.values()) if (m.awaitingJoin) n++
    return n
  }

  /** Every member rejoined and no KIP-394 member is still expected (Kafka's hasAllMembersJoined). */
  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin() && this.pendingMembers.size === 0
  }

  /** The join phase's timeout: the largest rebalance timeout of the members (ms). */
  rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  /**
   * Whether a member with this protocol type and these protocols may join (Kafka's
   * supportsProtocols): an empty group takes any non-empty type and protocol list; otherwise the type
   * must be the group's and one of its protocols supported by every member.
   */
  supportsProtocols(protocolType: string, protocols: JoinGroupRequestProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0
    if (protocolType !== this.protocolType) return false
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))
  }

  /**
   * The protocol of the next generation, chosen as Kafka does (selectProtocol): among the protocols
   * every member supports, each member votes for the first of them in its own preference order; the
   * most votes win, ties going to the candidate listed first by the member that joined first.
   * @throws Error when no protocol is common (the join checks prevent it).
   */
  selectProtocol(): string {
    const members = [...this.members.values()]
    const candidates = members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.protocols.some((q) => q.name === name)))
    if (candidates.length === 0) throw new Error(`Group ${this.groupId} has no protocol every member supports`)
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]))
    for (const m of members) {
      const vote = m.protocols.find((p) => votes.has(p.name))!.name
      votes.set(vote, votes.get(vote)! + 1)
    }
    let best = candidates[0]
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c
    return best
  }

  /** The members as the leader's JoinGroup response lists them: metadata of the chosen protocol. */
  memberList(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName) }))
  }

  /** The group as a GroupMetadataValue record holds it (assignments as given, or each member's current one). */
  toPersisted(assignments?: Map<string, Buffer>): PersistedGroup {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: this.currentStateTimestamp,
      members: [...this.members.values()].map(
        (m): PersistedMember => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          sessionTimeoutMs: m.sessionTimeoutMs,
          subscription: m.metadata(this.protocolName),
          assignment: assignments?.get(m.memberId) ?? m.assignment
        })
      )
    }
  }

  /**
   * A group as loaded from its GroupMetadataValue (Kafka's ClassicGroup.fromRecord): Empty without
   * members, else Stable, each member's session starting at `now`.
   */
  static fromPersisted(groupId: string, partition: number, p: PersistedGroup, now: number): GroupMetadata {
    const g = new GroupMetadata(groupId, partition, p.currentStateTimestamp >= 0 ? p.currentStateTimestamp : now)
    g.generationId = p.generation
    g.protocolType = p.protocolType.length > 0 ? p.protocolType : null
    g.protocolName = p.protocol
    for (const pm of p.members) {
      const m = new MemberMetadata(pm.memberId, pm.groupInstanceId, pm.clientId, pm.clientHost, pm.rebalanceTimeoutMs, pm.sessionTimeoutMs, p.protocolType, [
        { name: p.protocol ?? '', metadata: pm.subscription }
      ])
      m.assignment = pm.assignment
      m.heartbeatDeadline = now + pm.sessionTimeoutMs
      g.add(m)
    }
    g.leaderId = p.leader !== null && g.members.has(p.leader) ? p.leader : (g.members.keys().next().value ?? null)
    g.state = g.members.size === 0 ? 'Empty' : 'Stable'
    g.previousState = g.state
    g.subscribedTopics = g.computeSubscribedTopics()
    return g
  }

  /**
   * The topics a "consumer" group subscribes to: the union of its members' ConsumerProtocolSubscription
   * topics (int16 version, int32 count, int16-length strings); null when the group is not a
   * consumer group or a subscription cannot be read (Kafka's subscribedTopics is then empty).
   */
  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return null
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const parsed = parseSubscriptionTopics(m.metadata(this.protocolName))
      if (parsed === null) return null
      for (const t of parsed) topics.add(t)
    }
    return topics
  }
}

/** The topics of a ConsumerProtocolSubscription (any version: the topics come first), or null when malformed. */
export function parseSubscriptionTopics(buf: Buffer): string[] | null {
  try {
    let pos = 2
    const n = buf.readInt32BE(pos)
    pos += 4
    if (n < 0 || n > buf.length) return null
    const out: string[] = []
    for (let i = 0; i < n; i++) {
      const len = buf.readInt16BE(pos)
      pos += 2
      if (len < 0 || pos + len > buf.length) return null
      out.push(buf.toString('utf8', pos, pos + len))
      pos += len
    }
    return out
  } catch {
    return null
  }
}
