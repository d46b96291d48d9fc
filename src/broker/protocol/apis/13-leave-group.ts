/**
 * LeaveGroup (key 13), versions 0-5: members leave a group (a rebalance follows), as Kafka's
 * KafkaApis.handleLeaveGroupRequest does. v0-2 name one member (`memberId`) and get its error as
 * the top-level error; v3+ name a batch of members (by member id or group.instance.id, KIP-345)
 * and get an error per member; v5+ carry each member's reason.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { LeaveGroupRequest } from '../messages/leave-group-request'
import type { LeaveGroupResponse } from '../messages/leave-group-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.LeaveGroup.min, max: API_VERSION_RANGES.LeaveGroup.max }

/** The LeaveGroup handler over `groups`. */
export function leaveGroupHandler(groups: GroupFacade): ApiHandler<LeaveGroupRequest, LeaveGroupResponse> {
  return {
    apiKey: API_VERSION_RANGES.LeaveGroup.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<LeaveGroupResponse> {
      const batch = ctx.header.apiVersion >= 3
      const members = batch
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
        : [{ memberId: req.memberId, groupInstanceId: null }]
      const res = groups.leaveGroup(groupCallContextOf(ctx), { groupId: req.groupId, members })
      if (batch) return { throttleTimeMs: 0, errorCode: res.errorCode, members: res.members }
      // Kafka's LeaveGroupResponse for v0-2: the top-level error, else the single member's
      return { throttleTimeMs: 0, errorCode: res.errorCode !== 0 ? res.errorCode : (res.members[0]?.errorCode ?? 0) }
    },
    errorResponse(_req, errorCode): MessageInput<LeaveGroupResponse> {
      return { errorCode, members: [] }
    }
  }
}
