/**
 * ClusterGroupFacade: the wire protocol's GroupFacade (../../protocol/group-facade.ts) over a
 * Cluster's group coordinator (Cluster.groupCoordinator()), for one broker: every request carries
 * this broker's id, the client id, the client host and the API version in its GroupRequestContext,
 * so the coordinator answers NOT_COORDINATOR for groups another broker coordinates and lists only
 * this broker's groups, as Kafka's brokers do.
 *
 * Must stay true: the coordinator is looked up at each call (never cached), so a closed cluster
 * answers BROKER_NOT_AVAILABLE (a KafkaError the dispatcher turns into the API's error response)
 * instead of touching stale state.
 */
import type { GroupCallContext, GroupFacade } from '../../protocol/group-facade'
import type { GroupCoordinator } from '../../group/group-coordinator'
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
} from '../../group/group-requests'
import type { Cluster } from '../cluster'

/** The group coordinator of `cluster` as broker `brokerId` answers for it. */
export class ClusterGroupFacade implements GroupFacade {
  constructor(
    private readonly cluster: Pick<Cluster, 'groupCoordinator'>,
    readonly brokerId: number
  ) {}

  private get coordinator(): GroupCoordinator {
    return this.cluster.groupCoordinator()
  }

  private ctx(c: GroupCallContext): GroupRequestContext {
    return { brokerId: this.brokerId, clientId: c.clientId, clientHost: c.clientHost, apiVersion: c.apiVersion }
  }

  /** See GroupFacade.findGroupCoordinator (GroupCoordinator.findCoordinator). */
  findGroupCoordinator(groupId: string): FindCoordinatorResult {
    return this.coordinator.findCoordinator(groupId)
  }
  /** See GroupCoordinator.joinGroup. */
  joinGroup(c: GroupCallContext, req: JoinGroupRequest): Promise<JoinGroupResponse> {
    return this.coordinator.joinGroup(this.ctx(c), req)
  }
  /** See GroupCoordinator.syncGroup. */
  syncGroup(c: GroupCallContext, req: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.coordinator.syncGroup(this.ctx(c), req)
  }
  /** See GroupCoordinator.heartbeat. */
  heartbeat(c: GroupCallContext, req: HeartbeatRequest): HeartbeatResponse {
    return this.coordinator.heartbeat(this.ctx(c), req)
  }
  /** See GroupCoordinator.leaveGroup. */
  leaveGroup(c: GroupCallContext, req: LeaveGroupRequest): LeaveGroupResponse {
    return this.coordinator.leaveGroup(this.ctx(c), req)
  }
  /** See GroupCoordinator.offsetCommit. */
  offsetCommit(c: GroupCallContext, req: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    return this.coordinator.offsetCommit(this.ctx(c), req)
  }
  /** See GroupCoordinator.offsetFetch. */
  offsetFetch(c: GroupCallContext, req: OffsetFetchRequest): OffsetFetchResponse {
    return this.coordinator.offsetFetch(this.ctx(c), req)
  }
  /** See GroupCoordinator.listGroupStates. */
  listGroups(c: GroupCallContext, req: ListGroupsRequest): ListGroupsResponse {
    return this.coordinator.listGroupStates(this.ctx(c), req)
  }
  /** See GroupCoordinator.describeGroups. */
  describeGroups(c: GroupCallContext, groupIds: string[]): DescribedGroup[] {
    return this.coordinator.describeGroups(this.ctx(c), groupIds)
  }
  /** See GroupCoordinator.deleteGroups. */
  deleteGroups(c: GroupCallContext, groupIds: string[]): Promise<DeleteGroupsResponse> {
    return this.coordinator.deleteGroups(this.ctx(c), groupIds)
  }
  /** See GroupCoordinator.offsetDelete. */
  offsetDelete(c: GroupCallContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    return this.coordinator.offsetDelete(this.ctx(c), req)
  }
}
