/**
 * DeleteTopics (key 20), versions 1-6 (KIP-896 removed 0): topics by name (v0-5: topic_names; v6+:
 * topics with a name or, with a null name, a KIP-516 topic id), as Kafka's ControllerApis.deleteTopics
 * answers: UNKNOWN_TOPIC_OR_PARTITION for an unknown name, UNKNOWN_TOPIC_ID for an unknown id,
 * INVALID_REQUEST for a topic named twice (by name or id) and for an internal topic
 * (__consumer_offsets holds every group's offsets: the engine refuses to delete it; Kafka's own
 * kafka-topics refuses it client-side, "Topic __consumer_offsets is a kafka internal topic and is not
 * allowed to be marked for deletion.", so a Kafka user expects a refusal), with messages (v5+) and
 * topic ids (v6+).
 *
 * Must stay true: one topic's failure never stops the others; deletion is synchronous, so the
 * request's timeout never expires.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { DeleteTopicsRequest } from '../messages/delete-topics-request'
import type { DeleteTopicsResponse, DeleteTopicsResponseDeletableTopicResult } from '../messages/delete-topics-response'
import { ZERO_TOPIC_ID } from '../topic-id'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DeleteTopics.min, max: API_VERSION_RANGES.DeleteTopics.max }

/** The topics a request names: v6+ its `topics`, older versions its `topic_names`. */
function requested(req: DeleteTopicsRequest, version: number): { name: string | null; topicId: string }[] {
  return version >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_TOPIC_ID }))
}

/** The DeleteTopics handler over `facade`. */
export function deleteTopicsHandler(facade: AdminFacade): ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DeleteTopics.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<DeleteTopicsResponse> {
      const asked = requested(req, ctx.header.apiVersion)
      const resolved = asked.map((t) => {
        if (t.name !== null && t.name !== undefined) return { ...t, resolvedName: t.name as string | undefined }
        return { ...t, resolvedName: t.topicId !== ZERO_TOPIC_ID ? facade.topicName(t.topicId) : undefined }
      })
      const counts = new Map<string, number>()
      for (const t of resolved) if (t.resolvedName !== undefined) counts.set(t.resolvedName, (counts.get(t.resolvedName) ?? 0) + 1)
      const responses = resolved.map((t): MessageInput<DeleteTopicsResponseDeletableTopicResult> => {
        if (t.resolvedName === undefined)
          return { name: null, topicId: t.topicId, errorCode: KAFKA_ERROR_CODES.UNKNOWN_TOPIC_ID, errorMessage: `No topic has the id ${t.topicId}` }
        const name = t.resolvedName
        const topicId = facade.topicId(name) ?? t.topicId
        if ((counts.get(name) ?? 0) > 1)
          return { name, topicId, errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, errorMessage: `Duplicate topic: ${name} is named more than once in the request` }
        try {
          facade.deleteTopic(name)
          return { name, topicId, errorCode: 0, errorMessage: null }
        } catch (e) {
          const err = apiErrorOf(e)
          return { name, topicId, errorCode: err.errorCode, errorMessage: err.errorMessage }
        }
      })
      return { throttleTimeMs: 0, responses }
    },
    errorResponse(req, errorCode, ctx): MessageInput<DeleteTopicsResponse> {
      return { responses: requested(req, ctx.header.apiVersion).map((t) => ({ name: t.name, topicId: t.topicId, errorCode })) }
    }
  }
}
