/**
 * Heartbeat (key 12), versions 0-4: a member says it is alive; the answer tells it to rejoin
 * (REBALANCE_IN_PROGRESS) or that it is not a member of this generation (ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID), as Kafka's KafkaApis.handleHeartbeatRequest does. v3+
 * carry group.instance.id (KIP-345).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { HeartbeatRequest } from '../messages/heartbeat-request'
import type { HeartbeatResponse } from '../messages/heartbeat-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.Heartbeat.min, max: API_VERSION_RANGES.Heartbeat.max }

/** The Heartbeat handler over `groups`. */
export function heartbeatHandler(groups: GroupFacade): ApiHandler<HeartbeatRequest, HeartbeatResponse> {
  return {
    apiKey: API_VERSION_RANGES.Heartbeat.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<HeartbeatResponse> {
      const res = groups.heartbeat(groupCallContextOf(ctx), { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId })
      return { throttleTimeMs: 0, errorCode: res.errorCode }
    },
    errorResponse(_req, errorCode): MessageInput<HeartbeatResponse> {
      return { errorCode }
    }
  }
}
