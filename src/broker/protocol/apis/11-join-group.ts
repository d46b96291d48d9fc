/**
 * JoinGroup (key 11), versions 2-9: a member joins (or rejoins) a classic group through the group
 * coordinator, as Kafka's KafkaApis.handleJoinGroupRequest does. The answer is asynchronous (Kafka's
 * delayed join): the dispatcher awaits it, and the listener keeps the connection muted meanwhile,
 * as Kafka does. From v4 a member joining without a member id is answered MEMBER_ID_REQUIRED with
 * its new id (KIP-394); static members (group.instance.id) from v5 (KIP-345); v7+ carry the
 * protocol type; v8+ the reason; v9 `skipAssignment` (always false: no server-side assignors).
 *
 * Must stay true: the protocols' metadata is copied out of the request frame before the
 * coordinator keeps it; the client id and host of the connection are the member's; versions below
 * 7 never see a null protocol name ('' instead).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { JoinGroupRequest } from '../messages/join-group-request'
import type { JoinGroupResponse } from '../messages/join-group-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.JoinGroup.min, max: API_VERSION_RANGES.JoinGroup.max }

/** The JoinGroup handler over `groups`. */
export function joinGroupHandler(groups: GroupFacade): ApiHandler<JoinGroupRequest, JoinGroupResponse> {
  return {
    apiKey: API_VERSION_RANGES.JoinGroup.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<JoinGroupResponse>> {
      const version = ctx.header.apiVersion
      const res = await groups.joinGroup(groupCallContextOf(ctx), {
        groupId: req.groupId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        protocolType: req.protocolType,
        protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
        reason: req.reason
      })
      return {
        throttleTimeMs: 0,
        errorCode: res.errorCode,
        generationId: res.generationId,
        protocolType: res.protocolType,
        protocolName: version >= 7 ? res.protocolName : (res.protocolName ?? ''),
        leader: res.leader,
        skipAssignment: version >= 9 ? res.skipAssignment : false,
        memberId: res.memberId,
        members: res.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata }))
      }
    },
    errorResponse(_req, errorCode, ctx): MessageInput<JoinGroupResponse> {
      // Kafka's JoinGroupRequest.getErrorResponse: unknown generation, no leader, no member id
      return { errorCode, generationId: -1, protocolName: ctx.header.apiVersion >= 7 ? null : '', leader: '', memberId: '', members: [] }
    }
  }
}
