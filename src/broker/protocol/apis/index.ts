/**
 * The registry of API handlers (one file per API in this folder, named by key as kfake's are):
 * what a broker's KafkaApis serves and therefore advertises in ApiVersions.
 *
 * Must stay true: one handler per API key; each handler's `apiVersions` comes from
 * ../api-version-ranges.ts.
 */
import type { AnyApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import type { BrokerFacade } from '../broker-facade'
import type { GroupFacade } from '../group-facade'
import type { ProducerIdFacade } from '../producer-id-facade'
import type { ReplicaFacade } from '../replica-facade'
import { produceHandler } from './00-produce'
import { fetchHandler } from './01-fetch'
import { listOffsetsHandler } from './02-list-offsets'
import { metadataHandler } from './03-metadata'
import { offsetCommitHandler } from './08-offset-commit'
import { offsetFetchHandler } from './09-offset-fetch'
import { findCoordinatorHandler } from './10-find-coordinator'
import { joinGroupHandler } from './11-join-group'
import { heartbeatHandler } from './12-heartbeat'
import { leaveGroupHandler } from './13-leave-group'
import { syncGroupHandler } from './14-sync-group'
import { describeGroupsHandler } from './15-describe-groups'
import { listGroupsHandler } from './16-list-groups'
import { apiVersionsHandler } from './18-api-versions'
import { initProducerIdHandler } from './22-init-producer-id'
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch'
import { deleteGroupsHandler } from './42-delete-groups'
import { offsetDeleteHandler } from './47-offset-delete'
import { adminHandlers } from './admin-handlers'
import { describeClusterHandler } from './60-describe-cluster'

/** The engine's parts a broker's handlers are built over; each one present adds its APIs. */
export interface ApiFacades {
  /** The engine as one broker sees it: Metadata and DescribeCluster. */
  broker?: BrokerFacade
  /** The broker's data plane (with `broker`): Produce, Fetch, ListOffsets, OffsetForLeaderEpoch. */
  replicas?: ReplicaFacade
  /** Producer id allocation: InitProducerId. */
  producerIds?: ProducerIdFacade
  /** Topic and config administration: the admin APIs of admin-handlers.ts. */
  admin?: AdminFacade
  /** The group coordinator (with `broker`, whose brokers give FindCoordinator its addresses): the group APIs of groupApiHandlers. */
  groups?: GroupFacade
}

/** The handlers of every API the broker serves: ApiVersions always, and those of each facade given (see ApiFacades). */
export function createApiHandlers(facades: ApiFacades = {}): AnyApiHandler[] {
  const { broker, replicas, producerIds, admin, groups } = facades
  const handlers: AnyApiHandler[] = [apiVersionsHandler as AnyApiHandler]
  if (broker) handlers.push(metadataHandler(broker) as AnyApiHandler, describeClusterHandler(broker) as AnyApiHandler)
  if (broker && replicas) {
    handlers.push(produceHandler(replicas, broker) as AnyApiHandler, fetchHandler(replicas, broker) as AnyApiHandler)
    handlers.push(listOffsetsHandler(replicas) as AnyApiHandler, offsetForLeaderEpochHandler(replicas) as AnyApiHandler)
  }
  if (producerIds) handlers.push(initProducerIdHandler(producerIds) as AnyApiHandler)
  if (admin) handlers.push(...adminHandlers(admin))
  if (broker && groups) handlers.push(...groupApiHandlers(groups, broker))
  return handlers
}

/**
 * The group APIs over `groups` (FindCoordinator takes the coordinators' addresses from `brokers`,
 * the source of Metadata's brokers): OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup,
 * Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete.
 */
export function groupApiHandlers(groups: GroupFacade, brokers: BrokerFacade): AnyApiHandler[] {
  return [
    offsetCommitHandler(groups),
    offsetFetchHandler(groups),
    findCoordinatorHandler(groups, brokers),
    joinGroupHandler(groups),
    heartbeatHandler(groups),
    leaveGroupHandler(groups),
    syncGroupHandler(groups),
    describeGroupsHandler(groups),
    listGroupsHandler(groups),
    deleteGroupsHandler(groups),
    offsetDeleteHandler(groups)
  ] as AnyApiHandler[]
}
