/**
 * DeleteRecords (key 21), versions 0-2: per partition, delete the records before an offset (-1: the
 * high watermark), i.e. raise the log start offset on the leader and with it on every replica, as
 * Kafka's ReplicaManager.deleteRecords does (kafka-delete-records, AdminClient.deleteRecords).
 * Answers per partition the low watermark (the lowest log start offset of the in-sync replicas)
 * or its error: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER (this broker does not lead it),
 * OFFSET_OUT_OF_RANGE (above the high watermark, or below -1), POLICY_VIOLATION (cleanup.policy
 * without delete), KAFKA_STORAGE_ERROR.
 *
 * Must stay true: one partition's failure never stops the others; an offset beyond 2^53 is
 * refused (OFFSET_OUT_OF_RANGE), never rounded; the followers follow before the answer, so the low
 * watermark reaches the offset when every in-sync replica runs.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { DeleteRecordsRequest } from '../messages/delete-records-request'
import type { DeleteRecordsResponse } from '../messages/delete-records-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DeleteRecords.min, max: API_VERSION_RANGES.DeleteRecords.max }

/** The DeleteRecords handler over `facade`. */
export function deleteRecordsHandler(facade: AdminFacade): ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DeleteRecords.apiKey,
    apiVersions,
    handle(req): MessageInput<DeleteRecordsResponse> {
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => {
            if (p.offset > BigInt(Number.MAX_SAFE_INTEGER) || p.offset < -1n)
              return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: KAFKA_ERROR_CODES.OFFSET_OUT_OF_RANGE }
            try {
              const { lowWatermark } = facade.deleteRecords(t.name, p.partitionIndex, Number(p.offset))
              return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode: 0 }
            } catch (e) {
              return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: apiErrorOf(e).errorCode }
            }
          })
        }))
      }
    },
    errorResponse(req, errorCode): MessageInput<DeleteRecordsResponse> {
      return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })) })) }
    }
  }
}
