/**
 * DescribeGroups (key 15), versions 0-5: each group's state, protocol type, chosen protocol (the
 * assignor) and members (member id, group.instance.id v4+, client id, client host, and their
 * metadata and assignment while the group is Stable), as Kafka's
 * KafkaApis.handleDescribeGroupsRequest answers; an unknown group is Dead with no error, a group
 * another broker coordinates NOT_COORDINATOR. No authorizer: requested authorized operations (v3+)
 * are every operation a group has (READ, DELETE, DESCRIBE).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { DescribeGroupsRequest } from '../messages/describe-groups-request'
import type { DescribeGroupsResponse } from '../messages/describe-groups-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DescribeGroups.min, max: API_VERSION_RANGES.DescribeGroups.max }

/** "Not requested" in authorizedOperations (Integer.MIN_VALUE, KIP-430). */
const OPS_NOT_REQUESTED = -2147483648
/** AclOperation codes a group has: READ 3, DELETE 6, DESCRIBE 8. */
export const GROUP_OPS = [3, 6, 8].reduce((m, op) => m | (1 << op), 0)

/** The DescribeGroups handler over `groups`. */
export function describeGroupsHandler(groups: GroupFacade): ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DescribeGroups.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<DescribeGroupsResponse> {
      const ops = ctx.header.apiVersion >= 3 && req.includeAuthorizedOperations ? GROUP_OPS : OPS_NOT_REQUESTED
      return {
        throttleTimeMs: 0,
        groups: groups.describeGroups(groupCallContextOf(ctx), req.groups).map((g) => ({ ...g, authorizedOperations: ops }))
      }
    },
    errorResponse(req, errorCode): MessageInput<DescribeGroupsResponse> {
      return { groups: req.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })) }
    }
  }
}
