/**
 * OffsetFetch (key 9), versions 1-9: a group's committed offsets (offset, leader epoch v5+,
 * metadata) for the partitions asked for, or every committed one when the topic list is null
 * (v2+), -1 for a partition without one, as Kafka's KafkaApis.handleOffsetFetchRequest does. v1-7
 * ask for one group; v8+ for a batch of groups (KIP-709), answered one entry per group in order.
 * `requireStable` (v7+) needs nothing here: without transactions no offset is pending.
 *
 * Must stay true: v1 has no top-level error code, so a group-level error (NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE, ...) is put on every requested partition, as Kafka's
 * OffsetFetchResponse does for versions below 2; v2-7 carry it at the top level; v8+ per group.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { OffsetFetchResponse as CoordinatorOffsetFetch } from '../../group/group-requests'
import { groupCallContextOf, type GroupFacade } from '../group-facade'
import type { MessageInput } from '../message-codec-support'
import type { OffsetFetchRequest } from '../messages/offset-fetch-request'
import type { OffsetFetchResponse, OffsetFetchResponsePartition } from '../messages/offset-fetch-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.OffsetFetch.min, max: API_VERSION_RANGES.OffsetFetch.max }

type Topics = { name: string; partitionIndexes: number[] }[] | null

/** The coordinator's topics in the wire's shape (offsets as int64). */
function wireTopics(res: CoordinatorOffsetFetch): { name: string; partitions: MessageInput<OffsetFetchResponsePartition>[] }[] {
  return res.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: BigInt(p.committedOffset),
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode
    }))
  }))
}

/** Every requested partition with `errorCode` (v1's way of carrying a group-level error). */
function perPartition(topics: Topics, errorCode: number): { name: string; partitions: MessageInput<OffsetFetchResponsePartition>[] }[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode }))
  }))
}

/** The OffsetFetch handler over `groups`. */
export function offsetFetchHandler(groups: GroupFacade): ApiHandler<OffsetFetchRequest, OffsetFetchResponse> {
  return {
    apiKey: API_VERSION_RANGES.OffsetFetch.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<OffsetFetchResponse> {
      const version = ctx.header.apiVersion
      const call = groupCallContextOf(ctx)
      if (version >= 8) {
        return {
          throttleTimeMs: 0,
          groups: req.groups.map((g) => {
            const res = groups.offsetFetch(call, { groupId: g.groupId, topics: g.topics, requireStable: req.requireStable })
            return { groupId: g.groupId, errorCode: res.errorCode, topics: wireTopics(res) }
          })
        }
      }
      const res = groups.offsetFetch(call, { groupId: req.groupId, topics: req.topics, requireStable: req.requireStable })
      if (version < 2) return { topics: res.errorCode !== 0 ? perPartition(req.topics, res.errorCode) : wireTopics(res) }
      return { throttleTimeMs: 0, errorCode: res.errorCode, topics: wireTopics(res) }
    },
    errorResponse(req, errorCode, ctx): MessageInput<OffsetFetchResponse> {
      const version = ctx.header.apiVersion
      if (version >= 8) return { groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) }
      if (version < 2) return { topics: perPartition(req.topics, errorCode) }
      return { errorCode, topics: [] }
    }
  }
}
