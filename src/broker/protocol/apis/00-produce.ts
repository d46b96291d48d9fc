/**
 * Produce (key 0), advertised from v0 (librdkafka enables gzip, snappy and lz4 only then,
 * KAFKA-18659), served v3-11 (v0-v2 answered UNSUPPORTED_VERSION by the dispatcher, as Kafka 4
 * does): each partition's record batches appended on this broker as its leader (Kafka's
 * KafkaApis.handleProduceRequest over ReplicaManager.appendRecords), acks 0 / 1 / -1 (-1 waits
 * until the ISR holds the batches, at most timeout_ms), per-partition errors with an error message
 * and record errors (v8+), log append time, log start offset (v5+), the current leader and its
 * endpoint for NOT_LEADER_OR_FOLLOWER (v10+, KIP-951). acks=0 answers nothing. A partition whose
 * batches are zstd-compressed in a request below v7 is answered UNSUPPORTED_COMPRESSION_TYPE with
 * nothing appended (KIP-110, Kafka's ProduceRequest.validateRecords).
 *
 * Must stay true: batches are appended from the request frame itself, never copied: the frame is
 * this request's own buffer (NetworkReceive hands each frame out once, copied out of the socket's
 * chunks when it shares one), the log validator stamps offsets into it and the log copies it into its
 * file; nothing in the engine keeps a reference to it after the append. An acks
 * value other than 0, 1, -1 is answered INVALID_REQUIRED_ACKS for every partition with nothing
 * appended; a transactional produce is refused (TRANSACTIONAL_ID_AUTHORIZATION_FAILED is not used:
 * transactions are not advertised; INVALID_REQUEST says so) with nothing appended.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import { KAFKA_ERROR_CODES, KafkaError } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { ProduceRequest } from '../messages/produce-request'
import type { ProduceResponse, ProduceResponsePartitionProduceResponse } from '../messages/produce-response'
import type { ProducePartitionResult, ReplicaFacade, WireAcks } from '../replica-facade'
import { zstdCompressorLoaded, zstdCompressorReady } from '../../codec/zstd-compressor'
import { usesZstd } from '../../codec/batch-info'

/** The first Produce version that may carry zstd batches (KIP-110). */
const ZSTD_PRODUCE_FROM = 7

/** A partition of a Produce below v7 that carries zstd batches, refused as Kafka does. */
function unsupportedZstd(topic: string, partition: number, version: number): ProducePartitionResult {
  return {
    topic,
    partition,
    error: new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `Produce requests with version ${version} are not allowed to use ZStandard compression (v${ZSTD_PRODUCE_FROM}+ may)`),
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    currentLeader: { leaderId: -1, leaderEpoch: -1 }
  }
}

/** The versions this handler advertises and serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.Produce.min, max: API_VERSION_RANGES.Produce.max, servedFrom: API_VERSION_RANGES.Produce.servedFrom }

/** The Produce handler over this broker's data plane (`replicas`) and its metadata (`brokers`, for leader endpoints). */
export function produceHandler(replicas: ReplicaFacade, brokers?: BrokerFacade): ApiHandler<ProduceRequest, ProduceResponse> {
  return {
    apiKey: API_VERSION_RANGES.Produce.apiKey,
    apiVersions,
    async handle(req, ctx): Promise<MessageInput<ProduceResponse> | null> {
      const version = ctx.header.apiVersion
      if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
        return errorAnswer(req, version, KAFKA_ERROR_CODES.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1 (all), got ${req.acks}`)
      }
      if (req.transactionalId !== null) {
        if (req.acks === 0) return null
        return errorAnswer(req, version, KAFKA_ERROR_CODES.INVALID_REQUEST, `transactional produce (transactional id ${req.transactionalId}) is not supported: this broker does not serve transactions`)
      }
      if (!Number.isInteger(req.timeoutMs) || req.timeoutMs < 0) {
        if (req.acks === 0) return null
        return errorAnswer(req, version, KAFKA_ERROR_CODES.INVALID_REQUEST, `timeout_ms must be >= 0 (ms), got ${req.timeoutMs}`)
      }
      // Kafka's ProduceRequest.validateRecords: zstd needs Produce v7+ (KIP-110); such a partition is
      // answered UNSUPPORTED_COMPRESSION_TYPE and nothing of it is appended.
      const refused: ProducePartitionResult[] = []
      const inputs = req.topicData.flatMap((t) =>
        t.partitionData.flatMap((p) => {
          if (version < ZSTD_PRODUCE_FROM && usesZstd(p.records)) {
            refused.push(unsupportedZstd(t.name, p.index, version))
            return []
          }
          return [{ topic: t.name, partition: p.index, records: p.records }]
        })
      )
      // A zstd topic's batches are recompressed at the leader: a request arriving while the zstd
      // compressor's WebAssembly still loads (the engine's first ~60 ms) waits for it.
      if (!zstdCompressorLoaded()) await zstdCompressorReady().catch(() => undefined)
      const results = [...(inputs.length > 0 ? await replicas.produce(inputs, req.acks as WireAcks, req.timeoutMs) : []), ...refused]
      if (req.acks === 0) return null
      const byTopic = new Map<string, MessageInput<ProduceResponsePartitionProduceResponse>[]>()
      const leaders = new Set<number>()
      for (const r of results) {
        let list = byTopic.get(r.topic)
        if (!list) byTopic.set(r.topic, (list = []))
        list.push(partitionAnswer(r, version))
        if (r.error?.code === 'NOT_LEADER_OR_FOLLOWER' && r.currentLeader.leaderId >= 0) leaders.add(r.currentLeader.leaderId)
      }
      return {
        responses: [...byTopic].map(([name, partitionResponses]) => ({ name, partitionResponses })),
        throttleTimeMs: 0,
        nodeEndpoints: version >= 10 && brokers ? brokers.liveBrokers().filter((b) => leaders.has(b.nodeId)) : []
      }
    },
    errorResponse(req, errorCode, ctx): MessageInput<ProduceResponse> {
      return errorAnswer(req, ctx.header.apiVersion, errorCode, null)
    }
  }
}

function partitionAnswer(r: ProducePartitionResult, version: number): MessageInput<ProduceResponsePartitionProduceResponse> {
  return {
    index: r.partition,
    errorCode: r.error ? (r.error instanceof KafkaError ? r.error.errorCode : KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR) : 0,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTimeMs),
    logStartOffset: BigInt(r.logStartOffset),
    recordErrors: version >= 8 ? r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })) : [],
    errorMessage: version >= 8 && r.error ? r.error.message : null,
    currentLeader: version >= 10 ? r.currentLeader : { leaderId: -1, leaderEpoch: -1 }
  }
}

/** Every partition of `req` answered `errorCode` (with `message` from v8). */
function errorAnswer(req: ProduceRequest, version: number, errorCode: number, message: string | null): MessageInput<ProduceResponse> {
  return {
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: version >= 8 ? message : null }))
    })),
    throttleTimeMs: 0
  }
}
