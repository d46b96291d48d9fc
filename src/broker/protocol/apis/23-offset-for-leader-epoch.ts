/**
 * OffsetForLeaderEpoch (key 23), versions 2-4 (KIP-896 removed v0-v1): for each partition, where
 * the asked leader epoch ended in this broker's log as leader (Kafka's
 * ReplicaManager.lastOffsetForLeaderEpoch): the largest epoch <= the one asked and its end offset
 * (exclusive), the log end offset for the current epoch, -1 / -1 when unknown. Consumers use it to
 * detect log truncation after a leader change (KIP-320).
 *
 * Must stay true: current_leader_epoch is checked (FENCED_LEADER_EPOCH when older than the
 * leader's, UNKNOWN_LEADER_EPOCH when newer); a broker that does not lead answers
 * NOT_LEADER_OR_FOLLOWER; replica_id (v3+) is not used (followers ask in process).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { MessageInput } from '../message-codec-support'
import type { OffsetForLeaderEpochRequest } from '../messages/offset-for-leader-epoch-request'
import type { OffsetForLeaderEpochResponse } from '../messages/offset-for-leader-epoch-response'
import type { ReplicaFacade } from '../replica-facade'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.OffsetForLeaderEpoch.min, max: API_VERSION_RANGES.OffsetForLeaderEpoch.max }

/** The OffsetForLeaderEpoch handler over this broker's data plane. */
export function offsetForLeaderEpochHandler(replicas: ReplicaFacade): ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> {
  return {
    apiKey: API_VERSION_RANGES.OffsetForLeaderEpoch.apiKey,
    apiVersions,
    handle(req): MessageInput<OffsetForLeaderEpochResponse> {
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            const r = replicas.lastOffsetForLeaderEpoch(t.topic, p.partition, p.leaderEpoch, p.currentLeaderEpoch)
            return { partition: p.partition, errorCode: r.error?.errorCode ?? 0, leaderEpoch: r.leaderEpoch, endOffset: BigInt(r.endOffset) }
          })
        }))
      }
    },
    errorResponse(req, errorCode): MessageInput<OffsetForLeaderEpochResponse> {
      return { topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode, leaderEpoch: -1, endOffset: -1n })) })) }
    }
  }
}
