/**
 * GroupFacade: what the wire protocol's group handlers (FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups,
 * OffsetDelete) need from the engine's group coordinator (../group/group-coordinator.ts), addressed
 * to one broker. protocol/ reaches the coordinator only through this interface; its implementation
 * over a Cluster is ../cluster/facades/group-facade-impl.ts, tests may use a stand-in.
 *
 * The shapes are the coordinator's (../group/group-requests.ts, Kafka's message fields in
 * camelCase, offsets as numbers); the handlers convert to and from the wire's versions.
 *
 * Must stay true: every call is answered as the broker `brokerId` answers it (a group this broker
 * does not coordinate gets NOT_COORDINATOR, ListGroups lists only the groups it coordinates, as
 * Kafka's brokers do); buffers handed in (member metadata, assignments) are owned by the callee
 * (the handlers copy them out of the request frame first).
 */
import type {
  DeleteGroupsResponse,
  DescribedGroup,
  FindCoordinatorResult,
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
} from '../group/group-requests'
import type { ApiCallContext } from './api-handler'

/** Who sent a group request, as the connection knows it (the broker id is the facade's). */
export interface GroupCallContext {
  /** The request header's client.id ('' when null). */
  clientId: string
  /** The client's host as Kafka shows it in DescribeGroups, e.g. '/127.0.0.1'. */
  clientHost: string
  /** The request's API version (JoinGroup v4+ asks for KIP-394's MEMBER_ID_REQUIRED). */
  apiVersion: number
}

/** The group coordinator as one broker's protocol handlers see it. */
export interface GroupFacade {
  /** The broker this facade answers for. */
  readonly brokerId: number
  /**
   * The broker coordinating group `groupId` (the leader of its __consumer_offsets partition, the
   * topic created on first use, as Kafka's FindCoordinator does), or an error code
   * (COORDINATOR_NOT_AVAILABLE, INVALID_GROUP_ID) with node -1.
   */
  findGroupCoordinator(groupId: string): FindCoordinatorResult
  /** JoinGroup (key 11); resolves when the rebalance lets it (Kafka's delayed join). */
  joinGroup(ctx: GroupCallContext, req: JoinGroupRequest): Promise<JoinGroupResponse>
  /** SyncGroup (key 14); a follower's answer waits for the leader's assignment. */
  syncGroup(ctx: GroupCallContext, req: SyncGroupRequest): Promise<SyncGroupResponse>
  /** Heartbeat (key 12). */
  heartbeat(ctx: GroupCallContext, req: HeartbeatRequest): HeartbeatResponse
  /** LeaveGroup (key 13), one entry per leaving member. */
  leaveGroup(ctx: GroupCallContext, req: LeaveGroupRequest): LeaveGroupResponse
  /** OffsetCommit (key 8); resolves once the coordinator partition's ISR holds the commit. */
  offsetCommit(ctx: GroupCallContext, req: OffsetCommitRequest): Promise<OffsetCommitResponse>
  /** OffsetFetch (key 9) for one group; -1 offsets for partitions without a committed offset. */
  offsetFetch(ctx: GroupCallContext, req: OffsetFetchRequest): OffsetFetchResponse
  /** ListGroups (key 16): the groups this broker coordinates, filtered by state and type. */
  listGroups(ctx: GroupCallContext, req: ListGroupsRequest): ListGroupsResponse
  /** DescribeGroups (key 15), one answer per requested group, in order. */
  describeGroups(ctx: GroupCallContext, groupIds: string[]): DescribedGroup[]
  /** DeleteGroups (key 42), one result per requested group, in order. */
  deleteGroups(ctx: GroupCallContext, groupIds: string[]): Promise<DeleteGroupsResponse>
  /** OffsetDelete (key 47). */
  offsetDelete(ctx: GroupCallContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResponse>
}

/**
 * The client host of a connection as Kafka's group coordinator records it (the client's address
 * with a leading slash and without the port, as InetAddress.toString prints it): '127.0.0.1:53412'
 * -> '/127.0.0.1', '[::1]:53412' or '::1:53412' -> '/::1'.
 */
export function clientHostOf(clientAddress: string): string {
  const i = clientAddress.lastIndexOf(':')
  let host = i > 0 && /^\d+$/.test(clientAddress.slice(i + 1)) ? clientAddress.slice(0, i) : clientAddress
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  if (host.startsWith('::ffff:') && host.includes('.')) host = host.slice('::ffff:'.length)
  return `/${host}`
}

/** A request's GroupCallContext: its client id, the connection's client host, its API version. */
export function groupCallContextOf(call: ApiCallContext): GroupCallContext {
  return { clientId: call.header.clientId ?? '', clientHost: clientHostOf(call.connection.clientAddress), apiVersion: call.header.apiVersion }
}
