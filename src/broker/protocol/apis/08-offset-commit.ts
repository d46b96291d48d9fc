/**
 * OffsetCommit (key 8), versions 2-9: a group's committed offsets, checked against its generation
 * and member (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS; generation -1 with no
 * member id is an admin or "simple" commit, allowed while the group is Empty), answered once the
 * coordinator partition's ISR holds the commit, as Kafka's KafkaApis.handleOffsetCommitRequest
 * does. v6+ carry the committed leader epoch, v7+ group.instance.id; v2-4's retention time is
 * ignored (Kafka 2.1+ ignores it too, offsets.retention.minutes applies).
 *
 * Must stay true: an offset that does not fit a JavaScript safe integer is refused for its
 * partition (INVALID_REQUEST) instead of being rounded; every partition asked for gets an answer.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { OffsetCommitRequest } from '../messages/offset-commit-request'
import type { OffsetCommitResponse } from '../messages/offset-commit-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.OffsetCommit.min, max: API_VERSION_RANGES.OffsetCommit.max }

/** An int64 offset as a number, or NaN (refused as INVALID_REQUEST by the coordinator) when it is not a safe integer. */
export function offsetNumber(v: bigint): number {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.NaN
}

/** The OffsetCommit handler over `groups`. */
export function offsetCommitHandler(groups: GroupFacade): ApiHandler<OffsetCommitRequest, OffsetCommitResponse> {
  return {
    apiKey: API_VERSION_RANGES.OffsetCommit.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<OffsetCommitResponse>> {
      const res = await groups.offsetCommit(groupCallContextOf(ctx), {
        groupId: req.groupId,
        generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: offsetNumber(p.committedOffset),
            committedLeaderEpoch: p.committedLeaderEpoch,
            committedMetadata: p.committedMetadata
          }))
        }))
      })
      return { throttleTimeMs: 0, topics: res.topics }
    },
    errorResponse(req, errorCode): MessageInput<OffsetCommitResponse> {
      return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) }
    }
  }
}
