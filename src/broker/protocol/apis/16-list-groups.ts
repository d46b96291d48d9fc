/**
 * ListGroups (key 16), versions 0-5: the groups this broker coordinates (clients ask every broker
 * and merge, as kafka-consumer-groups --list does), with their protocol type, state (v4+) and type
 * (v5+, always 'classic'), filtered by state (v4+, KIP-518) and type (v5+, KIP-848), both
 * case-insensitive, as Kafka's KafkaApis.handleListGroupsRequest answers. Groups with only
 * committed offsets (admin or "simple" commits) are listed Empty with protocol type ''.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { ListGroupsRequest } from '../messages/list-groups-request'
import type { ListGroupsResponse } from '../messages/list-groups-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.ListGroups.min, max: API_VERSION_RANGES.ListGroups.max }

/** The ListGroups handler over `groups`. */
export function listGroupsHandler(groups: GroupFacade): ApiHandler<ListGroupsRequest, ListGroupsResponse> {
  return {
    apiKey: API_VERSION_RANGES.ListGroups.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<ListGroupsResponse> {
      const res = groups.listGroups(groupCallContextOf(ctx), { statesFilter: req.statesFilter, typesFilter: req.typesFilter })
      return { throttleTimeMs: 0, errorCode: res.errorCode, groups: res.groups }
    },
    errorResponse(_req, errorCode): MessageInput<ListGroupsResponse> {
      return { errorCode, groups: [] }
    }
  }
}
