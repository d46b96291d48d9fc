/**
 * ListOffsets (key 2), versions 1-10 (KIP-896 removed v0): for each partition, from this broker as
 * its leader (Kafka's KafkaApis.handleListOffsetRequest over ReplicaManager.fetchOffsetForTimestamp):
 * earliest (-2) = the log start offset, latest (-1) = the high watermark, max timestamp (-3, v7+,
 * KIP-734) = the record with the largest timestamp, a timestamp (ms) = the first record whose
 * timestamp is at or after it (-1 / -1 when none is), with the found record's timestamp and the
 * leader epoch of the answer (v4+). earliest-local (-4, v8+) is the log start offset (there is no
 * tiered storage), latest-tiered (-5, v9+) has no offset (-1). The isolation level changes nothing:
 * read_committed reads the high watermark too (no transactions).
 *
 * Must stay true: a special timestamp the request's version does not know (-3 before v7, -4 before
 * v8, -5 before v9) is answered UNSUPPORTED_VERSION for that partition, as Kafka does; a partition
 * asked twice is answered INVALID_REQUEST (Kafka's duplicate partitions); current_leader_epoch is
 * checked (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { ListOffsetsRequest } from '../messages/list-offsets-request'
import type { ListOffsetsResponse, ListOffsetsResponseListOffsetsPartitionResponse } from '../messages/list-offsets-response'
import type { ReplicaFacade } from '../replica-facade'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.ListOffsets.min, max: API_VERSION_RANGES.ListOffsets.max }

/** The first version that knows each special timestamp. */
const SPECIAL_FROM: Record<string, number> = { '-1': 0, '-2': 0, '-3': 7, '-4': 8, '-5': 9 }

/** The ListOffsets handler over this broker's data plane. */
export function listOffsetsHandler(replicas: ReplicaFacade): ApiHandler<ListOffsetsRequest, ListOffsetsResponse> {
  return {
    apiKey: API_VERSION_RANGES.ListOffsets.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<ListOffsetsResponse> {
      const version = ctx.header.apiVersion
      const seen = new Map<string, number>()
      for (const t of req.topics) for (const p of t.partitions) seen.set(`${t.name}\u0000${p.partitionIndex}`, (seen.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0) + 1)
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p): MessageInput<ListOffsetsResponseListOffsetsPartitionResponse> => {
            if ((seen.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0) > 1) return errorPartition(p.partitionIndex, KAFKA_ERROR_CODES.INVALID_REQUEST)
            let ts = Number(p.timestamp)
            if (ts < 0) {
              const from = SPECIAL_FROM[String(ts)]
              if (from === undefined || version < from) return errorPartition(p.partitionIndex, KAFKA_ERROR_CODES.UNSUPPORTED_VERSION)
              if (ts === -5) return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: -1n, leaderEpoch: -1 }
              if (ts === -4) ts = -2
            }
            const r = replicas.listOffsets({ topic: t.name, partition: p.partitionIndex, timestamp: ts, currentLeaderEpoch: version >= 4 ? p.currentLeaderEpoch : -1 })
            if (r.error) return errorPartition(p.partitionIndex, r.error.errorCode)
            return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp: BigInt(r.timestamp), offset: BigInt(r.offset), leaderEpoch: version >= 4 ? r.leaderEpoch : -1 }
          })
        }))
      }
    },
    errorResponse(req, errorCode): MessageInput<ListOffsetsResponse> {
      return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => errorPartition(p.partitionIndex, errorCode)) })) }
    }
  }
}

function errorPartition(partitionIndex: number, errorCode: number): MessageInput<ListOffsetsResponseListOffsetsPartitionResponse> {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 }
}
