/**
 * Metadata (key 3), versions 0-12: the live brokers (the addresses their listeners bound), the
 * cluster id (v2+), the controller id (v1+, a real broker id), and the requested topics with their
 * partitions (leader, leader epoch v7+, replicas, ISR, offline replicas v5+) and topic ids (v10+,
 * KIP-516), as Kafka's KafkaApis.handleTopicMetadataRequest answers.
 *
 * Must stay true: a null topic list (v1+) or an empty one in v0 asks for every topic; an unknown
 * name is answered UNKNOWN_TOPIC_OR_PARTITION (topics are not auto-created here), an invalid one
 * INVALID_TOPIC_EXCEPTION, an unknown topic id (name null, v10+) UNKNOWN_TOPIC_ID with a null name;
 * topic ids or null names before v12 are an INVALID_REQUEST (as Kafka's MetadataRequest refuses them);
 * a partition without a leader is answered LEADER_NOT_AVAILABLE with leader -1. No authorizer:
 * requested authorized operations are every operation the resource type has.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { BrokerFacade, FacadeTopic } from '../broker-facade'
import { KAFKA_ERROR_CODES, KafkaError } from '../../model/errors'
import { topicNameProblem } from '../../model/topic-name'
import type { MessageInput } from '../message-codec-support'
import type { MetadataRequest } from '../messages/metadata-request'
import type { MetadataResponse, MetadataResponseTopic } from '../messages/metadata-response'
import { ZERO_TOPIC_ID } from '../topic-id'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.Metadata.min, max: API_VERSION_RANGES.Metadata.max }

/** "Not requested" in the authorized-operations fields (Integer.MIN_VALUE, KIP-430). */
const OPS_NOT_REQUESTED = -2147483648
/** AclOperation codes a topic has: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11. */
const TOPIC_OPS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((m, op) => m | (1 << op), 0)
/** AclOperation codes the cluster has: CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12. */
const CLUSTER_OPS = [5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0)

/** The Metadata handler over `facade`. */
export function metadataHandler(facade: BrokerFacade): ApiHandler<MetadataRequest, MetadataResponse> {
  return {
    apiKey: API_VERSION_RANGES.Metadata.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<MetadataResponse> {
      const version = ctx.header.apiVersion
      if (version < 12 && req.topics?.some((t) => t.name === null || t.topicId !== ZERO_TOPIC_ID)) {
        // Kafka's MetadataRequest: "does not support null topic names" / "non-zero topic IDs" before v12
        throw new KafkaError('INVALID_REQUEST', `Metadata v${version} does not support topic ids or null topic names (v12+ does)`)
      }
      const topicOps = req.includeTopicAuthorizedOperations ? TOPIC_OPS : OPS_NOT_REQUESTED
      const all = req.topics === null || (version === 0 && req.topics.length === 0)
      const topics: MessageInput<MetadataResponseTopic>[] = all
        ? facade.topics().map((t) => describe(t, topicOps))
        : req.topics!.map((rt) => {
            if (rt.name === null || rt.name === undefined) {
              const t = rt.topicId !== ZERO_TOPIC_ID ? facade.topicById(rt.topicId) : undefined
              return t ? describe(t, topicOps) : { errorCode: KAFKA_ERROR_CODES.UNKNOWN_TOPIC_ID, name: null, topicId: rt.topicId, topicAuthorizedOperations: version >= 8 ? topicOps : OPS_NOT_REQUESTED }
            }
            const t = facade.topic(rt.name)
            if (t) return describe(t, topicOps)
            const code = topicNameProblem(rt.name) ? KAFKA_ERROR_CODES.INVALID_TOPIC_EXCEPTION : KAFKA_ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION
            return { errorCode: code, name: rt.name, topicAuthorizedOperations: version >= 8 ? topicOps : OPS_NOT_REQUESTED }
          })
      return {
        throttleTimeMs: 0,
        brokers: facade.liveBrokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
        clusterId: facade.clusterId(),
        controllerId: facade.controllerId(),
        topics: topics.map((t) => (version >= 8 ? t : { ...t, topicAuthorizedOperations: OPS_NOT_REQUESTED })),
        clusterAuthorizedOperations: version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations ? CLUSTER_OPS : OPS_NOT_REQUESTED
      }
    },
    errorResponse(req, errorCode, ctx): MessageInput<MetadataResponse> {
      const v12 = ctx.header.apiVersion >= 12
      return {
        brokers: [],
        topics: (req.topics ?? []).map((t) => ({ errorCode, name: v12 ? t.name : (t.name ?? ''), topicId: v12 ? t.topicId : ZERO_TOPIC_ID }))
      }
    }
  }
}

function describe(t: FacadeTopic, topicAuthorizedOperations: number): MessageInput<MetadataResponseTopic> {
  return {
    errorCode: 0,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.isInternal,
    partitions: t.partitions.map((p) => ({
      errorCode: p.leaderId < 0 ? KAFKA_ERROR_CODES.LEADER_NOT_AVAILABLE : 0,
      partitionIndex: p.partitionIndex,
      leaderId: p.leaderId < 0 ? -1 : p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicaNodes,
      isrNodes: p.isrNodes,
      offlineReplicas: p.offlineReplicas
    })),
    topicAuthorizedOperations
  }
}
