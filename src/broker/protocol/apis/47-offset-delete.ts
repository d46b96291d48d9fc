/**
 * OffsetDelete (key 47), version 0: removes a group's committed offsets for the partitions asked
 * for (KIP-496): GROUP_ID_NOT_FOUND for an unknown group, NON_EMPTY_GROUP for an active group that
 * is not a consumer group, GROUP_SUBSCRIBED_TO_TOPIC for partitions of a topic an active consumer
 * group is subscribed to, UNKNOWN_TOPIC_OR_PARTITION for partitions that do not exist, as Kafka's
 * KafkaApis.handleOffsetDeleteRequest answers.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { OffsetDeleteRequest } from '../messages/offset-delete-request'
import type { OffsetDeleteResponse } from '../messages/offset-delete-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.OffsetDelete.min, max: API_VERSION_RANGES.OffsetDelete.max }

/** The OffsetDelete handler over `groups`. */
export function offsetDeleteHandler(groups: GroupFacade): ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> {
  return {
    apiKey: API_VERSION_RANGES.OffsetDelete.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<OffsetDeleteResponse>> {
      const res = await groups.offsetDelete(groupCallContextOf(ctx), {
        groupId: req.groupId,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex })) }))
      })
      return { throttleTimeMs: 0, errorCode: res.errorCode, topics: res.topics }
    },
    errorResponse(_req, errorCode): MessageInput<OffsetDeleteResponse> {
      return { errorCode, topics: [] }
    }
  }
}
