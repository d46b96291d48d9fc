/**
 * CreatePartitions (key 37), versions 0-3: per topic the new total partition count and, optionally,
 * the replicas of each added partition; validate_only checks everything and adds nothing. As
 * Kafka's ReplicationControlManager.createPartitions answers: UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_PARTITIONS (not an increase: "Topic currently has 3 partitions, which is higher than the
 * requested 2."-style messages, or __consumer_offsets), INVALID_REPLICA_ASSIGNMENT,
 * INVALID_REPLICATION_FACTOR, POLICY_VIOLATION (the replica budget), INVALID_REQUEST for a topic
 * named twice, each with its message.
 *
 * Must stay true: one topic's failure never stops the others.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { CreatePartitionsRequest } from '../messages/create-partitions-request'
import type { CreatePartitionsResponse } from '../messages/create-partitions-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.CreatePartitions.min, max: API_VERSION_RANGES.CreatePartitions.max }

/** The CreatePartitions handler over `facade`. */
export function createPartitionsHandler(facade: AdminFacade): ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> {
  return {
    apiKey: API_VERSION_RANGES.CreatePartitions.apiKey,
    apiVersions,
    handle(req): MessageInput<CreatePartitionsResponse> {
      const counts = new Map<string, number>()
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
      const results = req.topics.map((t) => {
        if ((counts.get(t.name) ?? 0) > 1)
          return { name: t.name, errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, errorMessage: `Duplicate topic name: ${t.name} is named more than once in the request` }
        try {
          facade.createPartitions(t.name, t.count, t.assignments?.map((a) => [...a.brokerIds]) ?? undefined, req.validateOnly)
          return { name: t.name, errorCode: 0, errorMessage: null }
        } catch (e) {
          return { name: t.name, ...apiErrorOf(e) }
        }
      })
      return { throttleTimeMs: 0, results }
    },
    errorResponse(req, errorCode): MessageInput<CreatePartitionsResponse> {
      return { results: req.topics.map((t) => ({ name: t.name, errorCode })) }
    }
  }
}
