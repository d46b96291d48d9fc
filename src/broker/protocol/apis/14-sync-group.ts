/**
 * SyncGroup (key 14), versions 0-5: the leader hands in the members' assignments and every member
 * gets its own back once the leader's arrived (asynchronous, as Kafka's delayed sync), as Kafka's
 * KafkaApis.handleSyncGroupRequest does. v3+ carry group.instance.id (KIP-345); v5+ the protocol
 * type and name, which must both be present (INCONSISTENT_GROUP_PROTOCOL otherwise, Kafka's
 * SyncGroupRequest.areMandatoryProtocolTypeAndNamePresent) and match the group's.
 *
 * Must stay true: assignments are copied out of the request frame before the coordinator keeps
 * them.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { SyncGroupRequest } from '../messages/sync-group-request'
import type { SyncGroupResponse } from '../messages/sync-group-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.SyncGroup.min, max: API_VERSION_RANGES.SyncGroup.max }

/** The SyncGroup handler over `groups`. */
export function syncGroupHandler(groups: GroupFacade): ApiHandler<SyncGroupRequest, SyncGroupResponse> {
  return {
    apiKey: API_VERSION_RANGES.SyncGroup.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<SyncGroupResponse>> {
      const v5 = ctx.header.apiVersion >= 5
      if (v5 && (req.protocolType === null || req.protocolName === null)) {
        return { errorCode: KAFKA_ERROR_CODES.INCONSISTENT_GROUP_PROTOCOL, assignment: Buffer.alloc(0) }
      }
      const res = await groups.syncGroup(groupCallContextOf(ctx), {
        groupId: req.groupId,
        generationId: req.generationId,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        ...(v5 ? { protocolType: req.protocolType, protocolName: req.protocolName } : {}),
        assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) }))
      })
      return { throttleTimeMs: 0, errorCode: res.errorCode, protocolType: res.protocolType, protocolName: res.protocolName, assignment: res.assignment }
    },
    errorResponse(_req, errorCode): MessageInput<SyncGroupResponse> {
      return { errorCode, assignment: Buffer.alloc(0) }
    }
  }
}
