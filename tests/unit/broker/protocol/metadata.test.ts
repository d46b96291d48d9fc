/**
 * Metadata (apis/03-metadata.ts) through the dispatcher, against a stand-in BrokerFacade: brokers,
 * controller id, topics with partitions, leader epochs, offline replicas and topic ids (KIP-516)
 * per version, errors for unknown or invalid topics and ids, and a v1 response checked byte by byte.
 */
import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { writeMetadataRequest, type MetadataRequest } from '../../../../src/broker/protocol/messages/metadata-request'
import { readMetadataResponse, type MetadataResponse } from '../../../../src/broker/protocol/messages/metadata-response'
import { writeRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import { readResponseHeader } from '../../../../src/broker/protocol/messages/response-header'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { ByteWriter } from '../../../../src/broker/codec/byte-writer'
import type { MessageInput } from '../../../../src/broker/protocol/message-codec-support'
import { randomTopicId, ZERO_TOPIC_ID } from '../../../../src/broker/protocol/topic-id'
import { StandInBrokerFacade } from './stand-in-broker-facade'

const CTX = { brokerId: 1, connectionId: '9092-1', clientAddress: '127.0.0.1:50000', listenerPort: 9092 }

function facade(): StandInBrokerFacade {
  return new StandInBrokerFacade(
    1,
    [
      { nodeId: 2, host: '127.0.0.1', port: 9093, rack: null },
      { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }
    ],
    [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
          { partitionIndex: 1, leaderId: -1, leaderEpoch: 4, replicaNodes: [2, 3], isrNodes: [], offlineReplicas: [3] }
        ]
      },
      { name: '__consumer_offsets', isInternal: true, partitions: [{ partitionIndex: 0, leaderId: 2, leaderEpoch: 0, replicaNodes: [2], isrNodes: [2], offlineReplicas: [] }] }
    ],
    2
  )
}

async function metadata(k: KafkaApis, req: MessageInput<MetadataRequest>, version: number): Promise<MetadataResponse> {
  const w = new ByteWriter(256)
  writeRequestHeader(w, { requestApiKey: 3, requestApiVersion: version, correlationId: 77, clientId: 'test' }, requestHeaderVersion(3, version))
  writeMetadataRequest(w, req, version)
  const res = await k.handleFrame(w.toBuffer(), CTX)
  const r = new ByteReader(res!)
  expect(readResponseHeader(r, responseHeaderVersion(3, version)).correlationId).toBe(77)
  const body = readMetadataResponse(r, version)
  expect(r.remaining()).toBe(0)
  return body
}

describe('Metadata', () => {
  it('answers a v1 request byte for byte: brokers by id, controller id, the topic, LEADER_NOT_AVAILABLE for a partition without a leader', async () => {
    const f = new StandInBrokerFacade(1, [{ nodeId: 1, host: 'h', port: 9092, rack: null }], [
      { name: 't', partitions: [{ partitionIndex: 0, leaderId: -1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [], offlineReplicas: [] }] }
    ])
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: f }) })
    const req = Buffer.from('0003 0001 00000005 0000 00000001 0001 74'.replace(/\s/g, ''), 'hex') // topics: ["t"]
    const res = await k.handleFrame(req, CTX)
    const expected = [
      '00000005', // correlation id
      '00000001', '00000001', '0001 68', '00002384', 'ffff', // brokers: [1, "h", 9092, rack null]
      '00000001', // controller id
      '00000001', '0000', '0001 74', '00', // topics: [error 0, "t", not internal
      '00000001', '0005', '00000000', 'ffffffff', '00000001 00000001', '00000000' // partitions: [LEADER_NOT_AVAILABLE, 0, leader -1, replicas [1], isr []]
    ].join('').replace(/\s/g, '')
    expect(res!.toString('hex')).toBe(expected)
  })

  it('lists every topic for a null topic list (v1+) and for an empty one in v0, with the fields each version has', async () => {
    const f = facade()
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: f }) })
    const v0 = await metadata(k, { topics: [] }, 0)
    expect(v0.topics.map((t) => t.name)).toEqual(['__consumer_offsets', 'orders'])
    expect(v0.brokers.map((b) => b.nodeId)).toEqual([1, 2])
    const v1Empty = await metadata(k, { topics: [] }, 1)
    expect(v1Empty.topics).toEqual([])
    const v12 = await metadata(k, { topics: null }, 12)
    expect(v12.controllerId).toBe(2)
    expect(v12.clusterId).toBe('brokerlab-test-cluster')
    const orders = v12.topics.find((t) => t.name === 'orders')!
    expect(orders.topicId).toBe(f.topicIds.get('orders'))
    expect(orders.topicId).not.toBe(ZERO_TOPIC_ID)
    expect(orders.partitions[0]).toMatchObject({ errorCode: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1, 2] })
    expect(orders.partitions[1]).toMatchObject({ errorCode: 5, leaderId: -1, leaderEpoch: 4, offlineReplicas: [3] })
    expect(v12.topics.find((t) => t.name === '__consumer_offsets')!.isInternal).toBe(true)
    // the id is stable across requests
    expect((await metadata(k, { topics: [{ name: 'orders' }] }, 10)).topics[0].topicId).toBe(orders.topicId)
  })

  it('answers unknown and invalid topic names, and (v12) topics by id, known or not', async () => {
    const f = facade()
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: f }) })
    const res = await metadata(k, { topics: [{ name: 'nope' }, { name: 'bad/name' }] }, 9)
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['nope', 3],
      ['bad/name', 17]
    ])
    const id = f.topic('orders')!.topicId
    const unknownId = randomTopicId()
    const byId = await metadata(k, { topics: [{ name: null, topicId: id }, { name: null, topicId: unknownId }] }, 12)
    expect(byId.topics[0]).toMatchObject({ errorCode: 0, name: 'orders', topicId: id })
    expect(byId.topics[1]).toMatchObject({ errorCode: 100, name: null, topicId: unknownId })
  })

  it('refuses topic ids before v12 with INVALID_REQUEST, as Kafka\'s MetadataRequest does', async () => {
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: facade() }) })
    const res = await metadata(k, { topics: [{ name: 'orders', topicId: randomTopicId() }] }, 11)
    expect(res.topics).toEqual([expect.objectContaining({ errorCode: 42, name: 'orders', topicId: ZERO_TOPIC_ID })])
  })

  it('answers requested authorized operations with every operation (no authorizer), else the "not requested" value', async () => {
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: facade() }) })
    const asked = await metadata(k, { topics: [{ name: 'orders' }], includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true }, 8)
    expect(asked.topics[0].topicAuthorizedOperations).toBe((1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11))
    expect(asked.clusterAuthorizedOperations).not.toBe(-2147483648)
    const not = await metadata(k, { topics: [{ name: 'orders' }] }, 8)
    expect(not.topics[0].topicAuthorizedOperations).toBe(-2147483648)
  })

  it('advertises Metadata 0-12 and DescribeCluster 0-1 next to ApiVersions once a facade is given', () => {
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: facade() }) })
    expect([...k.advertised()]).toEqual([
      [3, { min: 0, max: 12 }],
      [18, { min: 0, max: 4 }],
      [60, { min: 0, max: 1 }]
    ])
  })
})

describe('randomTopicId', () => {
  it('draws again rather than give an id starting with "-", and sets the version 4 bits', () => {
    const draws = [Buffer.from('fbefbefbefbefbefbefbefbefbefbefb', 'hex'), Buffer.from('0123456789abcdef0123456789abcdef', 'hex')]
    const id = randomTopicId(() => draws.shift()!)
    expect(draws).toHaveLength(0)
    expect(id).toHaveLength(22)
    expect(id.startsWith('-')).toBe(false)
    expect(Buffer.from(id, 'base64url').toString('hex')).toBe('0123456789ab4def8123456789abcdef')
  })
})
