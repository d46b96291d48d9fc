/**
 * DeleteGroups (key 42), versions 1-2: each group goes with its committed offsets (tombstones in
 * __consumer_offsets) when it is Empty (NON_EMPTY_GROUP otherwise), GROUP_ID_NOT_FOUND when it is
 * unknown, NOT_COORDINATOR when another broker coordinates it, as Kafka's
 * KafkaApis.handleDeleteGroupsRequest answers: one result per requested group, in order.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { DeleteGroupsRequest } from '../messages/delete-groups-request'
import type { DeleteGroupsResponse } from '../messages/delete-groups-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DeleteGroups.min, max: API_VERSION_RANGES.DeleteGroups.max }

/** The DeleteGroups handler over `groups`. */
export function deleteGroupsHandler(groups: GroupFacade): ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DeleteGroups.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<DeleteGroupsResponse>> {
      const res = await groups.deleteGroups(groupCallContextOf(ctx), req.groupsNames)
      return { throttleTimeMs: 0, results: res.results }
    },
    errorResponse(req, errorCode): MessageInput<DeleteGroupsResponse> {
      return { results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }
    }
  }
}
