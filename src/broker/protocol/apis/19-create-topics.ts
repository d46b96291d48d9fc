/**
 * CreateTopics (key 19), versions 2-7 (KIP-896 removed 0-1): per topic a partition count and
 * replication factor (-1: the broker defaults num.partitions = 1 and default.replication.factor = 1,
 * Kafka's defaults, KIP-464), or manual replica assignments, and config overrides; validate_only
 * checks everything and creates nothing. As Kafka's ControllerApis.createTopics /
 * ReplicationControlManager.createTopics answer: per topic its error (TOPIC_ALREADY_EXISTS,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
 * INVALID_TOPIC_EXCEPTION, POLICY_VIOLATION for the replica budget, INVALID_REQUEST for a topic
 * named twice) with its message (v1+); from v5 the partition count, replication factor and every
 * config with its source; from v7 the topic id.
 *
 * Must stay true: one topic's failure never stops the others; a topic named twice in one request
 * is refused for every occurrence (Kafka: "Duplicate topic name"); creation is synchronous, so the
 * request's timeout never expires.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { CONFIG_SOURCE, type AdminConfigEntry, type AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { KAFKA_ERROR_CODES, KafkaError } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { CreateTopicsRequest, CreateTopicsRequestCreatableTopic } from '../messages/create-topics-request'
import type { CreateTopicsResponse, CreateTopicsResponseCreatableTopicResult } from '../messages/create-topics-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.CreateTopics.min, max: API_VERSION_RANGES.CreateTopics.max }

/** The replica assignment of a request topic, ordered by partition; undefined when it has none. @throws KafkaError INVALID_REPLICA_ASSIGNMENT. */
function assignmentOf(t: CreateTopicsRequestCreatableTopic): number[][] | undefined {
  if (t.assignments.length === 0) return undefined
  const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex)
  sorted.forEach((a, i) => {
    if (a.partitionIndex !== i)
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Partitions should be a consecutive 0-based integer sequence (got ${t.assignments.map((x) => x.partitionIndex).join(', ')})`)
  })
  return sorted.map((a) => [...a.brokerIds])
}

function configsOf(t: CreateTopicsRequestCreatableTopic): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const c of t.configs) {
    if (Object.prototype.hasOwnProperty.call(out, c.name)) throw new KafkaError('INVALID_CONFIG', `The config ${c.name} is given twice for topic ${t.name}`)
    out[c.name] = c.value
  }
  return out
}

/** A config as CreateTopics v5+ lists it. */
export function createdConfig(c: AdminConfigEntry) {
  return { name: c.name, value: c.value, readOnly: c.readOnly, configSource: CONFIG_SOURCE[c.source], isSensitive: c.isSensitive }
}

/** The CreateTopics handler over `facade`. */
export function createTopicsHandler(facade: AdminFacade): ApiHandler<CreateTopicsRequest, CreateTopicsResponse> {
  return {
    apiKey: API_VERSION_RANGES.CreateTopics.apiKey,
    apiVersions,
    handle(req): MessageInput<CreateTopicsResponse> {
      const counts = new Map<string, number>()
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
      const topics = req.topics.map((t): MessageInput<CreateTopicsResponseCreatableTopicResult> => {
        if ((counts.get(t.name) ?? 0) > 1)
          return { name: t.name, errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, errorMessage: `Duplicate topic name: ${t.name} is named more than once in the request`, numPartitions: -1, replicationFactor: -1, configs: [] }
        try {
          const created = facade.createTopic({
            name: t.name,
            partitions: t.numPartitions,
            replicationFactor: t.replicationFactor,
            assignment: assignmentOf(t),
            configs: configsOf(t),
            validateOnly: req.validateOnly
          })
          return {
            name: t.name,
            topicId: created.topicId,
            errorCode: 0,
            errorMessage: null,
            numPartitions: created.partitions,
            replicationFactor: created.replicationFactor,
            configs: created.configs.map(createdConfig)
          }
        } catch (e) {
          const err = apiErrorOf(e)
          return { name: t.name, errorCode: err.errorCode, errorMessage: err.errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] }
        }
      })
      return { throttleTimeMs: 0, topics }
    },
    errorResponse(req, errorCode): MessageInput<CreateTopicsResponse> {
      return { topics: req.topics.map((t) => ({ name: t.name, errorCode, numPartitions: -1, replicationFactor: -1, configs: [] })) }
    }
  }
}
