/**
 * Fetch (key 1), versions 4-17 (KIP-896 removed v0-v3): a consumer's read of each partition from
 * this broker as its leader (Kafka's KafkaApis.handleFetchRequest over ReplicaManager.fetchMessages),
 * never past the high watermark; last stable offset = high watermark (no transactions; both
 * isolation levels read the same); log start offset (v5+); preferred read replica -1 (v11+); topic
 * ids instead of names from v13 (KIP-516); the current leader for NOT_LEADER_OR_FOLLOWER and
 * FENCED_LEADER_EPOCH (v12+) with its endpoint (v16+, KIP-951). Bounded by max_bytes (capped at the
 * broker's fetch.max.bytes) and partition_max_bytes, at least one batch in the first partition with
 * data (KIP-74). Long polling: answered once min_bytes are available or at max_wait_ms (Kafka's
 * DelayedFetch, see ../../server/delayed-fetch.ts). A partition whose answer holds zstd batches is
 * answered UNSUPPORTED_COMPRESSION_TYPE below v10 (KIP-110; no down-conversion).
 *
 * Must stay true: fetch sessions (KIP-227) are declined, as a Kafka broker with
 * max.incremental.fetch.session.cache.slots=0 does: a full fetch (session id 0, epoch 0 or -1) is
 * answered in full with session id 0; an incremental one (session id > 0) is answered
 * FETCH_SESSION_ID_NOT_FOUND, so the client starts over with a full fetch. An unknown topic id is
 * answered UNKNOWN_TOPIC_ID, an unknown name UNKNOWN_TOPIC_OR_PARTITION. replica_id is not
 * used (followers fetch in process): every fetch is a consumer's.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import { KAFKA_ERROR_CODES, KafkaError } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { FetchRequest } from '../messages/fetch-request'
import type { FetchResponse, FetchResponseFetchableTopicResponse, FetchResponsePartitionData } from '../messages/fetch-response'
import type { FetchPartitionInput, FetchPartitionResult, ReplicaFacade } from '../replica-facade'
import { ZERO_TOPIC_ID } from '../topic-id'
import { usesZstd } from '../../codec/batch-info'

/** The first Fetch version whose clients read zstd batches (KIP-110). */
const ZSTD_FETCH_FROM = 10

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.Fetch.min, max: API_VERSION_RANGES.Fetch.max }

/** Versions from which topics are named by id (KIP-516). */
const TOPIC_IDS_FROM = 13

/** The Fetch handler over this broker's data plane (`replicas`) and metadata (`brokers`: topic ids, leader endpoints). */
export function fetchHandler(replicas: ReplicaFacade, brokers: BrokerFacade): ApiHandler<FetchRequest, FetchResponse> {
  return {
    apiKey: API_VERSION_RANGES.Fetch.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<FetchResponse>> {
      const version = ctx.header.apiVersion
      if (req.sessionId !== 0) {
        return { errorCode: KAFKA_ERROR_CODES.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] }
      }
      const byId = version >= TOPIC_IDS_FROM
      // the request's partitions in order; those whose topic is unknown are answered without a read
      const slots: { topic: string; topicId: string; partition: number; error: number | null; read: number }[] = []
      const reads: FetchPartitionInput[] = []
      for (const t of req.topics) {
        const name = byId ? (t.topicId === ZERO_TOPIC_ID ? undefined : brokers.topicById(t.topicId)?.name) : t.topic
        for (const p of t.partitions) {
          if (name === undefined) {
            slots.push({ topic: t.topic, topicId: t.topicId, partition: p.partition, error: KAFKA_ERROR_CODES.UNKNOWN_TOPIC_ID, read: -1 })
            continue
          }
          const fetchOffset = Number(p.fetchOffset)
          if (!Number.isSafeInteger(fetchOffset) || fetchOffset < 0 || p.partitionMaxBytes < 0) {
            slots.push({ topic: name, topicId: t.topicId, partition: p.partition, error: KAFKA_ERROR_CODES.OFFSET_OUT_OF_RANGE, read: -1 })
            continue
          }
          slots.push({ topic: name, topicId: t.topicId, partition: p.partition, error: null, read: reads.length })
          reads.push({ topic: name, partition: p.partition, fetchOffset, partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: version >= 9 ? p.currentLeaderEpoch : -1 })
        }
      }
      const unknown = slots.some((s) => s.error !== null)
      const results =
        reads.length === 0 ? [] : await replicas.fetch({ partitions: reads, maxBytes: req.maxBytes, minBytes: unknown ? 0 : req.minBytes, maxWaitMs: unknown ? 0 : req.maxWaitMs })
      const topics: MessageInput<FetchResponseFetchableTopicResponse>[] = []
      const leaders = new Set<number>()
      for (const s of slots) {
        const key = byId ? s.topicId : s.topic
        let t = topics[topics.length - 1]
        if (!t || (byId ? t.topicId : t.topic) !== key) topics.push((t = { topic: byId ? '' : s.topic, topicId: byId ? s.topicId : ZERO_TOPIC_ID, partitions: [] }))
        if (s.error !== null) {
          t.partitions!.push(errorPartition(s.partition, s.error))
          continue
        }
        const r = results[s.read]
        if (r.error && r.currentLeader.leaderId >= 0 && (r.error.code === 'NOT_LEADER_OR_FOLLOWER' || r.error.code === 'FENCED_LEADER_EPOCH')) leaders.add(r.currentLeader.leaderId)
        // Kafka's KafkaApis: a client below Fetch v10 cannot read zstd (KIP-110), and the broker does
        // not down-convert: the partition is answered UNSUPPORTED_COMPRESSION_TYPE.
        if (version < ZSTD_FETCH_FROM && !r.error && usesZstd(r.records)) t.partitions!.push(errorPartition(s.partition, KAFKA_ERROR_CODES.UNSUPPORTED_COMPRESSION_TYPE))
        else t.partitions!.push(partitionAnswer(r, version))
      }
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: topics,
        nodeEndpoints: version >= 16 ? brokers.liveBrokers().filter((b) => leaders.has(b.nodeId)) : []
      }
    },
    errorResponse(req, errorCode, ctx): MessageInput<FetchResponse> {
      const byId = ctx.header.apiVersion >= TOPIC_IDS_FROM
      return {
        errorCode,
        sessionId: 0,
        responses: req.topics.map((t) => ({
          topic: byId ? '' : t.topic,
          topicId: byId ? t.topicId : ZERO_TOPIC_ID,
          partitions: t.partitions.map((p) => errorPartition(p.partition, errorCode))
        }))
      }
    }
  }
}

function errorPartition(partition: number, errorCode: number): MessageInput<FetchResponsePartitionData> {
  return { partitionIndex: partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) }
}

function partitionAnswer(r: FetchPartitionResult, version: number): MessageInput<FetchResponsePartitionData> {
  const errorCode = r.error ? (r.error instanceof KafkaError ? r.error.errorCode : KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR) : 0
  return {
    partitionIndex: r.partition,
    errorCode,
    highWatermark: BigInt(r.highWatermark),
    lastStableOffset: BigInt(r.lastStableOffset),
    logStartOffset: BigInt(r.logStartOffset),
    abortedTransactions: null,
    preferredReadReplica: -1,
    currentLeader: version >= 12 && r.error ? r.currentLeader : { leaderId: -1, leaderEpoch: -1 },
    records: r.records
  }
}
