/**
 * zstd and old clients (KIP-110): a Produce below v7 carrying zstd batches is refused per partition
 * with UNSUPPORTED_COMPRESSION_TYPE and nothing appended, as Kafka's ProduceRequest.validateRecords
 * does; a Fetch below v10 of a partition holding zstd batches is answered UNSUPPORTED_COMPRESSION_TYPE
 * (Kafka does not down-convert them); v7 / v10 and later read and write them.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { compressBatch, decodeRecordBatches } from '../../../../../src/broker/codec/record-batch'
import { zstdCompressorReady } from '../../../../../src/broker/codec/zstd-compressor'
import { CODEC_ZSTD } from '../../../../../src/broker/codec/compression'
import { usesZstd } from '../../../../../src/broker/codec/batch-info'
import { KAFKA_ERROR_CODES } from '../../../../../src/broker/model/errors'
import type { FetchResponse } from '../../../../../src/broker/protocol/messages/fetch-response'
import type { ProduceResponse } from '../../../../../src/broker/protocol/messages/produce-response'
import { ZERO_TOPIC_ID } from '../../../../../src/broker/protocol/topic-id'
import { batchOf, call, openClusterApis, records, type ClusterApis } from './cluster-apis'

let env: ClusterApis | null = null
afterEach(async () => {
  await env?.close()
  env = null
})
beforeAll(async () => {
  await zstdCompressorReady()
})

const zstdBatch = (n: number, from = 0): Buffer => compressBatch(batchOf(records(n, from)), 0, CODEC_ZSTD)

function produceReq(parts: { topic: string; partition: number; batch: Buffer }[]) {
  const topics = [...new Set(parts.map((p) => p.topic))]
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: topics.map((name) => ({ name, partitionData: parts.filter((p) => p.topic === name).map((p) => ({ index: p.partition, records: p.batch })) }))
  }
}

function fetchReq(topic: string) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: ZERO_TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: ''
  }
}

describe('zstd and the versions that predate it', () => {
  it('finds a zstd batch among batches back to back, ignoring a truncated one at the end', () => {
    const plain = batchOf(records(2))
    expect(usesZstd(plain)).toBe(false)
    expect(usesZstd(Buffer.concat([plain, zstdBatch(2)]))).toBe(true)
    expect(usesZstd(Buffer.concat([plain, zstdBatch(2).subarray(0, 30)]))).toBe(false)
    expect(usesZstd(null)).toBe(false)
  })

  it('refuses zstd in Produce v6 per partition (UNSUPPORTED_COMPRESSION_TYPE, nothing appended) and appends it from v7', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('z', { partitions: 2, replicationFactor: 1 })
    const k = env.apis.get(1)!
    const v6 = (await call<ProduceResponse>(k, 0, 6, produceReq([{ topic: 'z', partition: 0, batch: zstdBatch(3) }, { topic: 'z', partition: 1, batch: batchOf(records(2)) }])))!
    const codes = v6.responses[0].partitionResponses.map((p) => [p.index, p.errorCode]).sort((a, b) => a[0] - b[0])
    expect(codes).toEqual([
      [0, KAFKA_ERROR_CODES.UNSUPPORTED_COMPRESSION_TYPE],
      [1, 0]
    ])
    const parts = env.cluster.describeTopic('z').partitions
    expect(parts[0].logEndOffset).toBe(0)
    expect(parts[1].logEndOffset).toBe(2)

    const v7 = (await call<ProduceResponse>(k, 0, 7, produceReq([{ topic: 'z', partition: 0, batch: zstdBatch(3) }])))!
    expect(v7.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n })
    expect(env.cluster.describeTopic('z').partitions[0].logEndOffset).toBe(3)
  })

  it('answers a Fetch below v10 of a partition holding zstd UNSUPPORTED_COMPRESSION_TYPE, and serves the batches as stored from v10', async () => {
    env = openClusterApis(1)
    env.cluster.createTopic('z', { partitions: 1, replicationFactor: 1 })
    env.cluster.createTopic('plain', { partitions: 1, replicationFactor: 1 })
    const k = env.apis.get(1)!
    await call<ProduceResponse>(k, 0, 9, produceReq([{ topic: 'z', partition: 0, batch: zstdBatch(3) }, { topic: 'plain', partition: 0, batch: batchOf(records(2)) }]))

    const old = (await call<FetchResponse>(k, 1, 9, fetchReq('z')))!
    expect(old.responses[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.UNSUPPORTED_COMPRESSION_TYPE)
    expect(old.responses[0].partitions[0].records?.length ?? 0).toBe(0)
    const plainOld = (await call<FetchResponse>(k, 1, 9, fetchReq('plain')))!
    expect(plainOld.responses[0].partitions[0].errorCode).toBe(0)

    const v10 = (await call<FetchResponse>(k, 1, 10, fetchReq('z')))!
    const p = v10.responses[0].partitions[0]
    expect(p.errorCode).toBe(0)
    const batches = decodeRecordBatches(Buffer.from(p.records!))
    expect(batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(['v0', 'v1', 'v2'])
    expect(usesZstd(p.records!)).toBe(true)
  })
})
