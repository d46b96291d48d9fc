/**
 * The registry of API handlers (one file per API in this folder, named by key as kfake's are):
 * what a broker's KafkaApis serves and therefore advertises in ApiVersions.
 *
 * Must stay true: one handler per API key; each handler's `apiVersions` comes from
 * ../api-version-ranges.ts.
 */
import type { AnyApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import type { GroupFacade } from '../group-facade'
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
import { deleteGroupsHandler } from './42-delete-groups'
import { offsetDeleteHandler } from './47-offset-delete'

/**
 * The handlers of every API the broker serves: ApiVersions always; with a `facade` (the engine as
 * one broker sees it), Metadata too; with `groups` as well (its group coordinator), the group APIs
 * (groupApiHandlers).
 */
export function createApiHandlers(facade?: BrokerFacade, groups?: GroupFacade): AnyApiHandler[] {
  const handlers: AnyApiHandler[] = [apiVersionsHandler as AnyApiHandler]
  if (facade) handlers.push(metadataHandler(facade) as AnyApiHandler)
  if (facade && groups) handlers.push(...groupApiHandlers(groups, facade))
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
