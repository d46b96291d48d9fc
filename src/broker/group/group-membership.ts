/**
 * GroupMembership: the classic group protocol's membership state machine (Kafka's GroupMetadataManager
 * classicGroupJoin / classicGroupSync / classicGroupHeartbeat / classicGroupLeave with their delayed
 * joins, heartbeats and pending syncs): JoinGroup with member ids handed out by the coordinator
 * (KIP-394's MEMBER_ID_REQUIRED from v4), static members by group.instance.id (KIP-345), protocol
 * checks, group.max.size, group.initial.rebalance.delay.ms for a group rebalancing from Empty, the
 * rebalance timeout; SyncGroup relaying the leader's assignment (persisted first); Heartbeat with
 * session timeouts; LeaveGroup in batches. Timers are deadlines on the cluster's clock, checked by
 * `tick(group, now)` (driven by Cluster.tick), so tests advance an injected clock instead of sleeping.
 *
 * Must stay true: every JoinGroup and SyncGroup promise settles, and within a bounded time: when the
 * join phase completes (at the latest at the rebalance timeout), when the leader's assignment is
 * persisted or the sync deadline (the rebalance timeout) passes, when the member is removed or
 * fenced, or when the group is unloaded (`unload`: NOT_COORDINATOR). Promises always resolve with a
 * response carrying an error code; they never reject. A state change happens in one synchronous step.
 * A join carrying a string the group's GroupMetadataValue cannot hold (over 32767 UTF-8 bytes, which
 * flexible JoinGroup versions allow) is refused with INVALID_REQUEST before it changes anything.
 */
import crypto from 'node:crypto'
import { KAFKA_ERROR_CODES, KafkaError } from '../model/errors'
import { formatCount } from '../model/format-count'
import type {
  GroupRequestContext,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  SyncGroupRequest,
  SyncGroupResponse
} from './group-requests'
import { GroupMetadata, MemberMetadata } from './group-metadata'
import { MAX_SCHEMA_STRING_BYTES } from './group-metadata-schema'

const E = KAFKA_ERROR_CODES

/** The broker's group settings, by Kafka's config names. Times in ms. */
export interface GroupConfig {
  /** Smallest session.timeout.ms a member may ask for (Kafka default 6000). */
  'group.min.session.timeout.ms': number
  /** Largest session.timeout.ms a member may ask for (Kafka default 1800000). */
  'group.max.session.timeout.ms': number
  /** How long the first rebalance of an empty group waits for more members (Kafka default 3000). */
  'group.initial.rebalance.delay.ms': number
  /** Most members a group may have (Kafka default Integer.MAX_VALUE). */
  'group.max.size': number
  /** How long a new member may wait for its join phase before it is removed (Kafka's 5 minutes). */
  'group.new.member.join.timeout.ms': number
}

/** Kafka's defaults. */
export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  'group.min.session.timeout.ms': 6000,
  'group.max.session.timeout.ms': 1800000,
  'group.initial.rebalance.delay.ms': 3000,
  'group.max.size': 2147483647,
  'group.new.member.join.timeout.ms': 300000
}

/** Kinds of membership events (see ../cluster/cluster-events.ts). */
export type GroupEventKind = 'member-joined' | 'member-left' | 'group-rebalance-started' | 'group-completing-rebalance' | 'group-stable' | 'group-empty'

/** What the state machine needs from the coordinator. */
export interface GroupMembershipEnv {
  clock(): number
  config: GroupConfig
  /** A membership event of `group` (message in plain words); 'warning' for members removed by a timeout. */
  event(group: GroupMetadata, kind: GroupEventKind, message: string, memberId?: string, severity?: 'info' | 'warning'): void
  /**
   * Persists the group as a GroupMetadata record (with these assignments, else the members'
   * current ones); resolves once the coordinator partition's ISR holds it.
   * Rejects with KafkaError (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, ...).
   */
  store(group: GroupMetadata, assignments?: Map<string, Buffer>): Promise<void>
}

/** A JoinGroup answer that carries only an error. */
export function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] }
}

/** A SyncGroup answer that carries only an error. */
export function syncError(errorCode: number): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
}

/** The numeric code of a persistence failure (UNKNOWN_SERVER_ERROR for anything but a KafkaError). */
function codeOf(e: unknown): number {
  return e instanceof KafkaError ? e.errorCode : E.UNKNOWN_SERVER_ERROR
}

/** The membership state machine; one per coordinator, acting on the groups it is handed. */
export class GroupMembership {
  constructor(private readonly env: GroupMembershipEnv) {}

  // ---- JoinGroup -------------------------------------------------------------------------------

  /**
   * JoinGroup (see the module header). `ctx.apiVersion` >= 4 (or absent) requires a known member id:
   * a dynamic member's first join is answered MEMBER_ID_REQUIRED with its new id (KIP-394).
   * Errors in the answer: INVALID_SESSION_TIMEOUT, INVALID_REQUEST (a string the group's
   * GroupMetadataValue could not hold: see unstorableJoin), GROUP_MAX_SIZE_REACHED, COORDINATOR_NOT_AVAILABLE
   * (a Dead group), INCONSISTENT_GROUP_PROTOCOL, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, MEMBER_ID_REQUIRED.
   */
  join(group: GroupMetadata, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    const cfg = this.env.config
    if (req.sessionTimeoutMs < cfg['group.min.session.timeout.ms'] || req.sessionTimeoutMs > cfg['group.max.session.timeout.ms'])
      return Promise.resolve(joinError(req.memberId, E.INVALID_SESSION_TIMEOUT))
    if (unstorableJoin(req, ctx)) return Promise.resolve(joinError(req.memberId, E.INVALID_REQUEST))
    if (!this.acceptJoiningMember(group, req.memberId)) return Promise.resolve(joinError('', E.GROUP_MAX_SIZE_REACHED))
    if (group.state === 'Dead') return Promise.resolve(joinError(req.memberId, E.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return Promise.resolve(joinError(req.memberId, E.INCONSISTENT_GROUP_PROTOCOL))
    return req.memberId === '' ? this.joinNewMember(group, req, ctx) : this.joinExistingMember(group, req, ctx)
  }

  /** Kafka's acceptJoiningMember: group.max.size counts members (awaiting ones while rebalancing). */
  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    const max = this.env.config['group.max.size']
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true
      case 'PreparingRebalance':
        return (group.members.get(memberId)?.awaitingJoin ?? null) !== null || group.numAwaitingJoin() < max
      default:
        return group.members.has(memberId) || group.members.size < max
    }
  }

  private joinNewMember(group: GroupMetadata, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    const memberId = `${req.groupInstanceId ?? ctx.clientId ?? ''}-${crypto.randomUUID()}`
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId)
      return existing !== null ? this.updateStaticMember(group, existing, memberId, req, ctx) : this.addMemberAndRebalance(group, memberId, req, ctx)
    }
    if ((ctx.apiVersion ?? 4) >= 4) {
      // KIP-394: the member must come back with this id; it is expected within its session timeout.
      group.pendingMembers.set(memberId, this.env.clock() + req.sessionTimeoutMs)
      return Promise.resolve(joinError(memberId, E.MEMBER_ID_REQUIRED))
    }
    return this.addMemberAndRebalance(group, memberId, req, ctx)
  }

  private joinExistingMember(group: GroupMetadata, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    if (group.pendingMembers.has(req.memberId)) {
      if (req.groupInstanceId !== null) return Promise.resolve(joinError(req.memberId, E.UNKNOWN_MEMBER_ID))
      return this.addMemberAndRebalance(group, req.memberId, req, ctx)
    }
    const err = validateMember(group, req.memberId, req.groupInstanceId)
    if (err !== 0) return Promise.resolve(joinError(req.memberId, err))
    const member = group.members.get(req.memberId)!
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, ctx, `Member ${member.memberId} joining group during PreparingRebalance`)
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) return Promise.resolve(this.currentGeneration(group, member, group.leaderId === member.memberId))
        return this.updateMemberAndRebalance(group, member, req, ctx, `Updating metadata for member ${member.memberId} during CompletingRebalance`)
      case 'Stable':
        if (group.leaderId === member.memberId || !member.matches(req.protocols))
          return this.updateMemberAndRebalance(
            group,
            member,
            req,
            ctx,
            group.leaderId === member.memberId ? `Leader ${member.memberId} re-joining group during Stable` : `Updating metadata for member ${member.memberId} during Stable`
          )
        return Promise.resolve(this.currentGeneration(group, member, false))
      default:
        return Promise.resolve(joinError(req.memberId, E.UNKNOWN_MEMBER_ID))
    }
  }

  /** The current generation's answer to a member (the leader's lists the members). */
  private currentGeneration(group: GroupMetadata, member: MemberMetadata, withMembers: boolean, skipAssignment = false): JoinGroupResponse {
    member.heartbeatDeadline = this.env.clock() + member.sessionTimeoutMs
    return {
      errorCode: 0,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId: member.memberId,
      members: withMembers ? group.memberList() : []
    }
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    const now = this.env.clock()
    const member = new MemberMetadata(
      memberId,
      req.groupInstanceId,
      ctx.clientId ?? '',
      ctx.clientHost ?? '',
      req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols
    )
    member.isNew = true
    member.heartbeatDeadline = now + this.env.config['group.new.member.join.timeout.ms']
    const answer = new Promise<JoinGroupResponse>((resolve) => (member.awaitingJoin = resolve))
    group.pendingMembers.delete(memberId)
    group.add(member)
    if (group.initialDelay !== null) group.newMemberAdded = true
    this.env.event(
      group,
      'member-joined',
      `Member ${memberId}${member.isStatic ? ` (group.instance.id ${member.groupInstanceId})` : ''} of client ${member.clientId || '(no client id)'} at ${member.clientHost || '(unknown host)'} joined group ${group.groupId}${req.reason ? ` (${req.reason})` : ''}`,
      memberId
    )
    this.maybePrepareRebalanceOrCompleteJoin(group, `Adding new member ${memberId}${req.reason ? ` (${req.reason})` : ''}`)
    return answer
  }

  /** Awaits a new join of `member` (answering a superseded one) and updates what it sent. */
  private rejoin(member: MemberMetadata, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    member.awaitingJoin?.(joinError(member.memberId, E.REBALANCE_IN_PROGRESS))
    member.protocols = req.protocols
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs
    member.sessionTimeoutMs = req.sessionTimeoutMs
    if (ctx.clientId !== undefined) member.clientId = ctx.clientId
    if (ctx.clientHost !== undefined) member.clientHost = ctx.clientHost
    member.heartbeatDeadline = this.env.clock() + member.sessionTimeoutMs
    return new Promise<JoinGroupResponse>((resolve) => (member.awaitingJoin = resolve))
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, req: JoinGroupRequest, ctx: GroupRequestContext, reason: string): Promise<JoinGroupResponse> {
    const answer = this.rejoin(member, req, ctx)
    this.maybePrepareRebalanceOrCompleteJoin(group, reason)
    return answer
  }

  /**
   * A static member comes back with no member id (KIP-345): it takes a new id and the old one is
   * fenced (its pending answers get FENCED_INSTANCE_ID). In a Stable group whose chosen protocol would
   * not change, there is no rebalance: the group is persisted with the new id and the member gets the
   * current generation; otherwise the group rebalances. From JoinGroup v9 the leader is told so
   * with skipAssignment and the member list (KIP-814); before v9 every member gets no member list
   * and the leader id from before the join, so a returning leader does not assign partitions a
   * Stable group would not hand out (Kafka's updateStaticMemberAndRebalance).
   */
  private updateStaticMember(group: GroupMetadata, oldMemberId: string, newMemberId: string, req: JoinGroupRequest, ctx: GroupRequestContext): Promise<JoinGroupResponse> {
    const member = group.members.get(oldMemberId)!
    const instanceId = req.groupInstanceId!
    member.awaitingJoin?.(joinError(oldMemberId, E.FENCED_INSTANCE_ID))
    member.awaitingJoin = null
    member.awaitingSync?.(syncError(E.FENCED_INSTANCE_ID))
    member.awaitingSync = null
    const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs, clientId: member.clientId, clientHost: member.clientHost }
    const leaderBefore = group.leaderId ?? ''
    group.replaceStaticMember(instanceId, oldMemberId, newMemberId)
    const answer = this.rejoin(member, req, ctx)
    this.env.event(group, 'member-joined', `Static member ${instanceId} rejoined group ${group.groupId} as ${newMemberId}, replacing ${oldMemberId}`, newMemberId)
    switch (group.state) {
      case 'Stable': {
        if (group.selectProtocol() !== group.protocolName) {
          this.prepareRebalance(group, `Group's selected protocol will change because static member ${instanceId} with new member id ${newMemberId} joined`)
          return answer
        }
        const resolve = member.awaitingJoin!
        member.awaitingJoin = null
        const generation = group.generationId
        const isLeader = group.leaderId === newMemberId
        const skipAssignment = (ctx.apiVersion ?? 9) >= 9
        this.env.store(group).then(
          () => resolve(skipAssignment ? this.currentGeneration(group, member, isLeader, isLeader) : { ...this.currentGeneration(group, member, false), leader: leaderBefore }),
          (e: unknown) => {
            // Not persisted: the old member id stands again.
            if (group.generationId === generation && group.members.get(newMemberId) === member) {
              Object.assign(member, old)
              group.replaceStaticMember(instanceId, newMemberId, oldMemberId)
            }
            resolve(joinError(newMemberId, codeOf(e)))
          }
        )
        return answer
      }
      case 'CompletingRebalance':
        this.prepareRebalance(group, `Updating metadata for static member ${instanceId} with new member id ${newMemberId}`)
        return answer
      default:
        // PreparingRebalance: answered when the join phase completes.
        this.maybeCompleteJoin(group)
        return answer
    }
  }

  private maybePrepareRebalanceOrCompleteJoin(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason)
    else this.maybeCompleteJoin(group)
  }

  /** Starts a join phase (Kafka's prepareRebalance); a group coming from Empty first waits group.initial.rebalance.delay.ms. */
  private prepareRebalance(group: GroupMetadata, reason: string): void {
    const now = this.env.clock()
    if (group.state === 'CompletingRebalance') this.resetAndPropagateAssignmentWithError(group, E.REBALANCE_IN_PROGRESS)
    group.syncDeadline = null
    group.pendingSync.clear()
    const initial = group.state === 'Empty'
    group.transitionTo('PreparingRebalance', now)
    const delay = this.env.config['group.initial.rebalance.delay.ms']
    if (initial && delay > 0) {
      group.initialDelay = { deadline: now + delay, remainingMs: Math.max(group.rebalanceTimeoutMs() - delay, 0) }
      group.newMemberAdded = false
      group.joinDeadline = null
    } else {
      group.initialDelay = null
      group.joinDeadline = now + group.rebalanceTimeoutMs()
    }
    this.env.event(group, 'group-rebalance-started', `Group ${group.groupId} is rebalancing (generation ${group.generationId}): ${reason}`)
    this.maybeCompleteJoin(group)
  }

  /** Completes the join phase once every member rejoined (never during the initial delay). */
  private maybeCompleteJoin(group: GroupMetadata): void {
    if (group.state === 'PreparingRebalance' && group.initialDelay === null && group.hasAllMembersJoined()) this.completeJoin(group)
  }

  /**
   * Ends the join phase (Kafka's completeClassicGroupJoin): dynamic members that did not rejoin are
   * removed, a leader that did not rejoin is replaced by one that did, the generation is bumped, the
   * protocol chosen and every joined member answered (the leader with the member list). With no
   * member left the group becomes Empty and is persisted so.
   */
  private completeJoin(group: GroupMetadata): void {
    const now = this.env.clock()
    group.initialDelay = null
    group.joinDeadline = null
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin || m.isStatic) continue
      group.remove(m.memberId)
      this.env.event(group, 'member-left', `Member ${m.memberId} left group ${group.groupId}: it did not rejoin within the rebalance timeout`, m.memberId, 'warning')
    }
    if (group.members.size > 0 && !maybeElectNewJoinedLeader(group)) {
      // No member rejoined (static members only): wait another rebalance timeout for their sessions to expire.
      group.joinDeadline = now + group.rebalanceTimeoutMs()
      return
    }
    group.generationId++
    if (group.members.size === 0) {
      group.protocolName = null
      group.subscribedTopics = null
      group.transitionTo('Empty', now)
      this.env.event(group, 'group-empty', `Group ${group.groupId} is Empty (generation ${group.generationId}): no member left`)
      this.env.store(group).catch(() => {
        /* the coordinator reports failed writes */
      })
      return
    }
    group.protocolName = group.selectProtocol()
    group.subscribedTopics = group.computeSubscribedTopics()
    group.transitionTo('CompletingRebalance', now)
    this.env.event(
      group,
      'group-completing-rebalance',
      `Group ${group.groupId} completed its join phase: generation ${group.generationId}, protocol ${group.protocolName}, leader ${group.leaderId}, ${group.members.size} member${group.members.size === 1 ? '' : 's'}; waiting for the leader's assignment`
    )
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin
      m.awaitingJoin = null
      m.isNew = false
      group.pendingSync.add(m.memberId)
      const answer = this.currentGeneration(group, m, group.leaderId === m.memberId)
      resolve?.(answer)
    }
    group.syncDeadline = now + group.rebalanceTimeoutMs()
  }

  // ---- SyncGroup -------------------------------------------------------------------------------

  /**
   * SyncGroup: the leader's assignment is persisted, then relayed to every member; followers wait for
   * it. Errors in the answer: COORDINATOR_NOT_AVAILABLE (Dead), UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
   * ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL (v5+ type or name not the group's),
   * REBALANCE_IN_PROGRESS, or the persistence failure's code.
   */
  sync(group: GroupMetadata, req: SyncGroupRequest): Promise<SyncGroupResponse> {
    if (group.state === 'Dead') return Promise.resolve(syncError(E.COORDINATOR_NOT_AVAILABLE))
    const err = validateMember(group, req.memberId, req.groupInstanceId)
    if (err !== 0) return Promise.resolve(syncError(err))
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(E.ILLEGAL_GENERATION))
    if ((req.protocolType != null && req.protocolType !== group.protocolType) || (req.protocolName != null && req.protocolName !== group.protocolName))
      return Promise.resolve(syncError(E.INCONSISTENT_GROUP_PROTOCOL))
    const member = group.members.get(req.memberId)!
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncError(E.UNKNOWN_MEMBER_ID))
      case 'PreparingRebalance':
        return Promise.resolve(syncError(E.REBALANCE_IN_PROGRESS))
      case 'Stable':
        group.pendingSync.delete(member.memberId)
        member.heartbeatDeadline = this.env.clock() + member.sessionTimeoutMs
        return Promise.resolve({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      default:
        break
    }
    member.awaitingSync?.(syncError(E.REBALANCE_IN_PROGRESS))
    const answer = new Promise<SyncGroupResponse>((resolve) => (member.awaitingSync = resolve))
    group.pendingSync.delete(member.memberId)
    member.heartbeatDeadline = this.env.clock() + member.sessionTimeoutMs
    if (group.leaderId === member.memberId) {
      const assignments = new Map<string, Buffer>()
      for (const id of group.members.keys()) assignments.set(id, Buffer.alloc(0))
      for (const a of req.assignments) if (assignments.has(a.memberId)) assignments.set(a.memberId, a.assignment)
      const generation = group.generationId
      this.env.store(group, assignments).then(
        () => {
          if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return
          this.setAndPropagateAssignment(group, assignments)
          group.transitionTo('Stable', this.env.clock())
          this.env.event(group, 'group-stable', `Group ${group.groupId} is Stable: generation ${generation}, leader ${group.leaderId}, ${formatCount(group.members.size)} member${group.members.size === 1 ? '' : 's'} assigned`)
        },
        (e: unknown) => {
          if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return
          this.resetAndPropagateAssignmentWithError(group, codeOf(e))
          this.prepareRebalance(group, `the assignment of generation ${generation} could not be persisted: ${(e as Error).message}`)
        }
      )
    }
    return answer
  }

  private setAndPropagateAssignment(group: GroupMetadata, assignments: Map<string, Buffer>): void {
    const now = this.env.clock()
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0)
      const resolve = m.awaitingSync
      m.awaitingSync = null
      if (resolve) {
        m.heartbeatDeadline = now + m.sessionTimeoutMs
        resolve({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment })
      }
    }
  }

  private resetAndPropagateAssignmentWithError(group: GroupMetadata, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0)
      const resolve = m.awaitingSync
      m.awaitingSync = null
      resolve?.(syncError(errorCode))
    }
  }

  // ---- Heartbeat and LeaveGroup ----------------------------------------------------------------

  /**
   * Heartbeat: extends the member's session. Errors: COORDINATOR_NOT_AVAILABLE (Dead),
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS (the member must rejoin).
   */
  heartbeat(group: GroupMetadata, req: HeartbeatRequest): HeartbeatResponse {
    if (group.state === 'Dead') return { errorCode: E.COORDINATOR_NOT_AVAILABLE }
    const err = validateMember(group, req.memberId, req.groupInstanceId)
    if (err !== 0) return { errorCode: err }
    if (req.generationId !== group.generationId) return { errorCode: E.ILLEGAL_GENERATION }
    if (group.state === 'Empty') return { errorCode: E.UNKNOWN_MEMBER_ID }
    const m = group.members.get(req.memberId)!
    m.heartbeatDeadline = this.env.clock() + m.sessionTimeoutMs
    return { errorCode: group.state === 'PreparingRebalance' ? E.REBALANCE_IN_PROGRESS : 0 }
  }

  /**
   * LeaveGroup: each member (a static one by its instance id; member id '' or its current id) leaves
   * and the group rebalances. Per-member errors: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID; top-level
   * COORDINATOR_NOT_AVAILABLE for a Dead group.
   */
  leave(group: GroupMetadata, req: LeaveGroupRequest): LeaveGroupResponse {
    if (group.state === 'Dead') return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] }
    const members = req.members.map((id) => {
      let errorCode = 0
      const why = `it left the group${id.reason ? ` (${id.reason})` : ''}`
      if (id.groupInstanceId !== null) {
        const current = group.staticMemberId(id.groupInstanceId)
        if (current === null) errorCode = E.UNKNOWN_MEMBER_ID
        else if (id.memberId !== '' && id.memberId !== current) errorCode = E.FENCED_INSTANCE_ID
        else this.removeMemberAndUpdateGroup(group, current, why, 'info')
      } else if (group.pendingMembers.delete(id.memberId)) {
        this.maybeCompleteJoin(group)
      } else if (!group.members.has(id.memberId)) {
        errorCode = E.UNKNOWN_MEMBER_ID
      } else {
        this.removeMemberAndUpdateGroup(group, id.memberId, why, 'info')
      }
      return { memberId: id.memberId, groupInstanceId: id.groupInstanceId, errorCode }
    })
    return { errorCode: 0, members }
  }

  /** Removes a member (its pending answers get UNKNOWN_MEMBER_ID) and rebalances or completes the join phase. */
  private removeMemberAndUpdateGroup(group: GroupMetadata, memberId: string, why: string, severity: 'info' | 'warning'): void {
    const m = group.members.get(memberId)
    if (!m) return
    m.awaitingJoin?.(joinError(memberId, E.UNKNOWN_MEMBER_ID))
    m.awaitingJoin = null
    m.awaitingSync?.(syncError(E.UNKNOWN_MEMBER_ID))
    m.awaitingSync = null
    group.remove(memberId)
    this.env.event(group, 'member-left', `Member ${memberId}${m.isStatic ? ` (group.instance.id ${m.groupInstanceId})` : ''} left group ${group.groupId}: ${why}`, memberId, severity)
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group, `removing member ${memberId}: ${why}`)
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group)
  }

  // ---- timers and unloading --------------------------------------------------------------------

  /**
   * The group's deadlines at `now` (ms): KIP-394 members that did not rejoin are forgotten, sessions
   * that expired remove their member (members waiting in a join or sync phase are exempt, bounded by
   * that phase), the initial delay and the join phase end, members that did not sync in time are removed.
   */
  tick(group: GroupMetadata, now: number): void {
    if (group.state === 'Dead') return
    for (const [id, deadline] of [...group.pendingMembers]) {
      if (now < deadline) continue
      group.pendingMembers.delete(id)
      this.maybeCompleteJoin(group)
    }
    for (const m of [...group.members.values()]) {
      if (now < m.heartbeatDeadline || !group.members.has(m.memberId)) continue
      if (!m.isNew && (m.awaitingJoin || m.awaitingSync)) continue
      this.removeMemberAndUpdateGroup(
        group,
        m.memberId,
        m.isNew
          ? `its join did not complete within group.new.member.join.timeout.ms (${formatCount(this.env.config['group.new.member.join.timeout.ms'])} ms)`
          : `no heartbeat within its session timeout (${formatCount(m.sessionTimeoutMs)} ms)`,
        'warning'
      )
    }
    const delay = group.initialDelay
    if (delay && now >= delay.deadline) {
      if (group.newMemberAdded && delay.remainingMs > 0) {
        const next = Math.min(this.env.config['group.initial.rebalance.delay.ms'], delay.remainingMs)
        group.newMemberAdded = false
        group.initialDelay = { deadline: now + next, remainingMs: delay.remainingMs - next }
      } else {
        this.completeJoin(group)
      }
    }
    if (group.state === 'PreparingRebalance' && group.joinDeadline !== null && now >= group.joinDeadline) this.completeJoin(group)
    if ((group.state === 'CompletingRebalance' || group.state === 'Stable') && group.syncDeadline !== null && now >= group.syncDeadline) {
      const late = [...group.pendingSync]
      group.syncDeadline = null
      group.pendingSync.clear()
      if (late.length > 0) {
        for (const id of late) {
          const m = group.remove(id)
          if (!m) continue
          m.awaitingJoin?.(joinError(id, E.UNKNOWN_MEMBER_ID))
          m.awaitingJoin = null
          this.env.event(group, 'member-left', `Member ${id} left group ${group.groupId}: no SyncGroup within the rebalance timeout`, id, 'warning')
        }
        this.prepareRebalance(group, `removing ${late.join(', ')} on pending sync request expiration`)
      }
    }
  }

  /**
   * The group leaves this coordinator (its partition's leadership moved, or the cluster closes):
   * every pending answer gets `errorCode` and this copy of the group is Dead (Kafka's onUnloaded), so
   * a write still in flight for it changes nothing.
   */
  unload(group: GroupMetadata, errorCode: number): void {
    group.transitionTo('Dead', this.env.clock())
    group.joinDeadline = null
    group.initialDelay = null
    group.syncDeadline = null
    for (const m of group.members.values()) {
      m.awaitingJoin?.(joinError(m.memberId, errorCode))
      m.awaitingJoin = null
      m.awaitingSync?.(syncError(errorCode))
      m.awaitingSync = null
    }
  }
}

/** The length of the member ids the coordinator hands out after their prefix: "-" and a UUID. */
const MEMBER_ID_SUFFIX_BYTES = 37

/**
 * Which string of a JoinGroup the group's GroupMetadataValue (int16-length strings, at most
 * MAX_SCHEMA_STRING_BYTES) could not hold, or null: the protocol type, a protocol name, the group
 * instance id, the member id, the client id (stored with the member: the wire's int16 client id
 * always fits, an in-process caller's may not), or the member id a new member would get (its group
 * instance id or client id, "-", a UUID). Flexible JoinGroup versions carry longer strings; such a member, once
 * in, would make the group's metadata unwritable and its classic ListGroups and DescribeGroups
 * answers unencodable, so it is refused before it joins.
 */
export function unstorableJoin(req: JoinGroupRequest, ctx: GroupRequestContext): string | null {
  const over = (s: string | null, extra = 0): boolean => s !== null && Buffer.byteLength(s, 'utf8') + extra > MAX_SCHEMA_STRING_BYTES
  if (over(req.protocolType)) return 'protocol type'
  if (req.protocols.some((p) => over(p.name))) return 'protocol name'
  if (over(req.groupInstanceId)) return 'group instance id'
  if (over(req.memberId)) return 'member id'
  if (over(ctx.clientId ?? null)) return 'client id'
  if (req.memberId === '' && over(req.groupInstanceId ?? ctx.clientId ?? '', MEMBER_ID_SUFFIX_BYTES)) return 'new member id (client id or group instance id, "-", a UUID)'
  return null
}

/**
 * Kafka's validateMember: a static member must present its current member id (FENCED_INSTANCE_ID,
 * UNKNOWN_MEMBER_ID when the instance id is unknown); a dynamic one must be a member (UNKNOWN_MEMBER_ID).
 * Returns 0 when valid.
 */
export function validateMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId)
    if (current === null) return E.UNKNOWN_MEMBER_ID
    if (current !== memberId) return E.FENCED_INSTANCE_ID
    return 0
  }
  return group.members.has(memberId) ? 0 : E.UNKNOWN_MEMBER_ID
}

/** Keeps a leader that rejoined, else makes the first member that rejoined the leader; false when none did. */
function maybeElectNewJoinedLeader(group: GroupMetadata): boolean {
  const leader = group.leaderId !== null ? group.members.get(group.leaderId) : undefined
  if (leader?.awaitingJoin) return true
  for (const m of group.members.values()) {
    if (m.awaitingJoin) {
      group.leaderId = m.memberId
      return true
    }
  }
  return false
}
