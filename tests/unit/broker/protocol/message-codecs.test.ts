/**
 * The generated message codecs (src/broker/protocol/messages/) against encodings built by hand from
 * the protocol guide (https://kafka.apache.org/protocol.html: classic and compact strings, arrays and
 * bytes, tagged fields of KIP-482, nullable structs of KIP-893), round trips across versions, and
 * the errors for malformed input and for fields a version cannot carry.
 */
import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { UnsupportedVersionError } from '../../../../src/broker/protocol/message-codec-support'
import { API_MESSAGES, apiMessages } from '../../../../src/broker/protocol/messages'
import { decodeApiVersionsRequest, encodeApiVersionsRequest } from '../../../../src/broker/protocol/messages/api-versions-request'
import { decodeApiVersionsResponse, encodeApiVersionsResponse } from '../../../../src/broker/protocol/messages/api-versions-response'
import { decodeDescribeTopicPartitionsResponse, encodeDescribeTopicPartitionsResponse } from '../../../../src/broker/protocol/messages/describe-topic-partitions-response'
import { decodeFetchRequest, encodeFetchRequest } from '../../../../src/broker/protocol/messages/fetch-request'
import { decodeFetchResponse, encodeFetchResponse } from '../../../../src/broker/protocol/messages/fetch-response'
import { decodeMetadataRequest, encodeMetadataRequest } from '../../../../src/broker/protocol/messages/metadata-request'
import { decodeMetadataResponse, encodeMetadataResponse, type MetadataResponse } from '../../../../src/broker/protocol/messages/metadata-response'
import { decodeProduceRequest, encodeProduceRequest } from '../../../../src/broker/protocol/messages/produce-request'
import { decodeRequestHeader, encodeRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import type { MessageInput } from '../../../../src/broker/protocol/message-codec-support'

/** Bytes from hex with spaces, plus ASCII pieces given as strings in an array. */
function bytes(...parts: (string | { ascii: string })[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\s+/g, ''), 'hex') : Buffer.from(p.ascii, 'ascii'))))
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

describe('generated codecs against hand-built encodings', () => {
  it('reads and writes an ApiVersions v3 request as librdkafka sends it (header v2, compact strings, tagged sections)', () => {
    const frame = bytes(
      '0012 0003 00000001', // api key 18, version 3, correlation id 1
      '0007', { ascii: 'rdkafka' }, // client id: classic int16 string even in header v2
      '00', // header tagged fields: none
      '0b', { ascii: 'librdkafka' }, // compact string: length 10 + 1
      '06', { ascii: '2.0.2' }, // length 5 + 1
      '00' // body tagged fields: none
    )
    const r = new ByteReader(frame)
    const header = decodeRequestHeader(r, 2)
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'rdkafka' })
    const body = decodeApiVersionsRequest(r, 3)
    expect(body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' })
    expect(r.remaining()).toBe(0)
    const again = Buffer.concat([encodeRequestHeader(header, 2), encodeApiVersionsRequest(body, 3)])
    expect(again.equals(frame)).toBe(true)
  })

  it('writes a Metadata v1 request: int32 array of int16 strings, and -1 for all topics', () => {
    expect(encodeMetadataRequest({ topics: [{ name: 'foo' }, { name: 'ab' }] }, 1).equals(bytes('00000002 0003', { ascii: 'foo' }, '0002', { ascii: 'ab' }))).toBe(true)
    expect(encodeMetadataRequest({ topics: null }, 1).equals(bytes('ffffffff'))).toBe(true)
    expect(decodeMetadataRequest(bytes('ffffffff'), 1).topics).toBeNull()
    // v0 has no null ("all topics" is an empty array there): null is refused, naming the field
    expect(() => encodeMetadataRequest({ topics: null }, 0)).toThrow(/MetadataRequest\.Topics/)
  })

  it('writes a Produce v3 request: nullable transactional id, records as int32-length bytes', () => {
    const expected = bytes(
      'ffff', // transactional id: null
      'ffff', // acks -1
      '00007530', // timeout 30000 ms
      '00000001 0003', { ascii: 'foo' },
      '00000001 00000002', // one partition, index 2
      '00000003 aabbcc' // records: 3 bytes
    )
    const msg = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'foo', partitionData: [{ index: 2, records: Buffer.from('aabbcc', 'hex') }] }] }
    expect(encodeProduceRequest(msg, 3).equals(expected)).toBe(true)
    const back = decodeProduceRequest(expected, 3)
    expect(back.topicData[0].partitionData[0].records!.equals(Buffer.from('aabbcc', 'hex'))).toBe(true)
    expect(back.transactionalId).toBeNull()
  })

  it('writes a Produce v9 request in its flexible form: compact nullable string, compact arrays and bytes, tagged sections', () => {
    const expected = bytes(
      '00', // transactional id: compact null
      '0001 000003e8', // acks 1, timeout 1000
      '02 04', { ascii: 'foo' }, // one topic (1 + 1), name length 3 + 1
      '02 00000000 04 aabbcc 00', // one partition: index 0, records 3 + 1, tagged none
      '00', // topic tagged fields
      '00' // body tagged fields
    )
    const msg = { acks: 1, timeoutMs: 1000, topicData: [{ name: 'foo', partitionData: [{ index: 0, records: Buffer.from('aabbcc', 'hex') }] }] }
    expect(encodeProduceRequest(msg, 9).equals(expected)).toBe(true)
    expect(decodeProduceRequest(expected, 9).topicData[0].name).toBe('foo')
  })

  it('writes tagged fields only when not default, in tag order, and reads them back', () => {
    const expected = bytes(
      '0000', // error code
      '02 0012 0000 0004 00', // one api key: 18, 0-4, no tags
      '00000000', // throttle time
      '02', // two tagged fields
      '00 08 02 02', { ascii: 'x' }, '0001 0002 00', // tag 0 SupportedFeatures, 8 bytes: [{x, 1, 2}] and its tags
      '01 08 0000000000000005' // tag 1 FinalizedFeaturesEpoch = 5, 8 bytes
    )
    const msg = { apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }], supportedFeatures: [{ name: 'x', minVersion: 1, maxVersion: 2 }], finalizedFeaturesEpoch: 5n }
    expect(encodeApiVersionsResponse(msg, 3).toString('hex')).toBe(expected.toString('hex'))
    const back = decodeApiVersionsResponse(expected, 3)
    expect(back.finalizedFeaturesEpoch).toBe(5n)
    expect(back.supportedFeatures).toEqual([{ name: 'x', minVersion: 1, maxVersion: 2 }])
    expect(back.zkMigrationReady).toBe(false)
    // defaults are left out: FinalizedFeaturesEpoch -1 is not written, the section is empty
    expect(encodeApiVersionsResponse({ finalizedFeaturesEpoch: -1n }, 3).equals(bytes('0000 01 00000000 00'))).toBe(true)
  })

  it('skips tagged fields it does not know and keeps reading after them', () => {
    const withUnknown = bytes('0000 01 00000000', '01', '09 03 aabbcc') // tag 9, 3 bytes: unknown
    expect(decodeApiVersionsResponse(withUnknown, 3)).toMatchObject({ errorCode: 0, apiKeys: [], finalizedFeaturesEpoch: -1n })
  })

  it('marks a nullable struct with a presence byte (KIP-893): -1 for null, 1 before the struct', () => {
    const base = { throttleTimeMs: 0, topics: [] }
    const none = encodeDescribeTopicPartitionsResponse({ ...base, nextCursor: null }, 0)
    expect(none.toString('hex')).toBe('00000000' + '01' + 'ff' + '00')
    const some = encodeDescribeTopicPartitionsResponse({ ...base, nextCursor: { topicName: 't', partitionIndex: 3 } }, 0)
    expect(some.toString('hex')).toBe('00000000' + '01' + '01' + '02' + Buffer.from('t').toString('hex') + '00000003' + '00' + '00')
    expect(decodeDescribeTopicPartitionsResponse(some, 0).nextCursor).toEqual({ topicName: 't', partitionIndex: 3 })
    expect(decodeDescribeTopicPartitionsResponse(none, 0).nextCursor).toBeNull()
  })
})

describe('generated codecs: values and versions', () => {
  it('keeps int64 values exact beyond 2^53 (bigint) and uuids as Kafka prints them (base64url)', () => {
    const big = 2n ** 62n + 7n
    const topicId = Buffer.from('00112233445566778899aabbccddeeff', 'hex').toString('base64url')
    const req = { replicaId: -1, maxWaitMs: 500, minBytes: 1, topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: big, partitionMaxBytes: 1048576 }] }] }
    const buf = encodeFetchRequest(req, 13)
    expect(buf.includes(Buffer.from('00112233445566778899aabbccddeeff', 'hex'))).toBe(true)
    const back = decodeFetchRequest(buf, 13)
    expect(back.topics[0].topicId).toBe(topicId)
    expect(back.topics[0].topicId).toHaveLength(22)
    expect(back.topics[0].partitions[0].fetchOffset).toBe(big)
    expect(back.topics[0].topic).toBe('') // a name is not in v13: its default
    expect(decodeFetchRequest(encodeFetchRequest({}, 13), 13).topics).toEqual([])
    expect(() => encodeFetchRequest({ topics: [{ topicId: 'not-a-uuid' }] }, 13)).toThrow(/FetchRequest\.FetchTopic\.TopicId.*not a uuid/)
  })

  it('round-trips a populated Metadata response through every version, with the fields each version has', () => {
    const full: MessageInput<MetadataResponse> = {
      throttleTimeMs: 5,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9093, rack: null }],
      clusterId: 'c-1',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: Buffer.alloc(16, 7).toString('base64url'),
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2, 3], isrNodes: [1, 2], offlineReplicas: [3] }],
          topicAuthorizedOperations: -2147483648
        }
      ],
      clusterAuthorizedOperations: -2147483648
    }
    for (let v = 0; v <= 12; v++) {
      const back = decodeMetadataResponse(encodeMetadataResponse(withoutAbsent(full, v), v), v)
      expect(back.topics[0].partitions[0].replicaNodes).toEqual([1, 2, 3])
      expect(back.brokers[0]).toMatchObject({ nodeId: 1, host: '127.0.0.1', port: 9093 })
      expect(back.controllerId).toBe(v >= 1 ? 1 : -1)
      expect(back.clusterId).toBe(v >= 2 ? 'c-1' : null)
      expect(back.topics[0].partitions[0].leaderEpoch).toBe(v >= 7 ? 4 : -1)
      expect(back.topics[0].partitions[0].offlineReplicas).toEqual(v >= 5 ? [3] : [])
      expect(back.topics[0].topicId).toBe(v >= 10 ? full.topics![0].topicId : ZERO_UUID)
      expect(back.throttleTimeMs).toBe(v >= 3 ? 5 : 0)
    }
  })

  it('refuses integers outside their wire type and int64 values that are not bigints, naming the field', () => {
    expect(() => encodeApiVersionsResponse({ apiKeys: [{ apiKey: 70000 }] }, 0)).toThrow(/ApiVersionsResponse\.ApiVersion\.ApiKey: 70000 is not an integer/)
    expect(() => encodeProduceRequest({ acks: 40000 }, 3)).toThrow(/ProduceRequest\.Acks: 40000 is not an integer in \[-32768, 32767\]/)
    expect(() => encodeProduceRequest({ timeoutMs: 1.5 }, 3)).toThrow(/ProduceRequest\.TimeoutMs: 1\.5 is not an integer/)
    expect(() => encodeFetchRequest({ topics: [{ partitions: [{ fetchOffset: 5 as unknown as bigint }] }] }, 13)).toThrow(
      /FetchRequest\.FetchPartition\.FetchOffset: int64 fields take a bigint, got number 5/
    )
    expect(() => encodeMetadataRequest({ topics: [{ name: 'x'.repeat(40000) }] }, 1)).toThrow(/MetadataRequest\.MetadataRequestTopic\.Name is 40000 bytes/)
  })

  it('round-trips a Fetch response v4-v17 with nested tagged structs (diverging epoch, current leader, snapshot id) and node endpoints', () => {
    const topicId = Buffer.alloc(16, 9).toString('base64url')
    const records = Buffer.from('00112233', 'hex')
    for (let v = 4; v <= 17; v++) {
      const part = {
        partitionIndex: 1,
        errorCode: 0,
        highWatermark: 2n ** 60n,
        lastStableOffset: 10n,
        ...(v >= 5 ? { logStartOffset: 3n } : {}),
        ...(v >= 12 ? { divergingEpoch: { epoch: 4, endOffset: 99n }, currentLeader: { leaderId: 2, leaderEpoch: 5 }, snapshotId: { endOffset: 7n, epoch: 1 } } : {}),
        abortedTransactions: [{ producerId: 12n, firstOffset: 8n }],
        ...(v >= 11 ? { preferredReadReplica: 3 } : {}),
        records
      }
      const msg = {
        throttleTimeMs: 1,
        ...(v >= 7 ? { errorCode: 0, sessionId: 42 } : {}),
        responses: [{ topic: v <= 12 ? 'orders' : '', topicId: v >= 13 ? topicId : ZERO_UUID, partitions: [part] }],
        ...(v >= 16 ? { nodeEndpoints: [{ nodeId: 2, host: '127.0.0.1', port: 9093, rack: null }] } : {})
      }
      const back = decodeFetchResponse(encodeFetchResponse(msg, v), v)
      const p = back.responses[0].partitions[0]
      expect(p.highWatermark, `v${v}`).toBe(2n ** 60n)
      expect(p.records!.equals(records)).toBe(true)
      expect(p.abortedTransactions).toEqual([{ producerId: 12n, firstOffset: 8n }])
      expect(back.responses[0].topic).toBe(v <= 12 ? 'orders' : '')
      expect(back.responses[0].topicId).toBe(v >= 13 ? topicId : ZERO_UUID)
      expect(back.sessionId).toBe(v >= 7 ? 42 : 0)
      expect(p.divergingEpoch).toEqual(v >= 12 ? { epoch: 4, endOffset: 99n } : { epoch: -1, endOffset: -1n })
      expect(p.currentLeader).toEqual(v >= 12 ? { leaderId: 2, leaderEpoch: 5 } : { leaderId: -1, leaderEpoch: -1 })
      expect(p.snapshotId).toEqual(v >= 12 ? { endOffset: 7n, epoch: 1 } : { endOffset: -1n, epoch: -1 })
      expect(back.nodeEndpoints).toEqual(v >= 16 ? [{ nodeId: 2, host: '127.0.0.1', port: 9093, rack: null }] : [])
    }
    // in v12 a diverging epoch at its default is left out of the tagged section: the same bytes as without it
    const base = { responses: [{ topic: 't', partitions: [{ records: null }] }] }
    const withDefault = encodeFetchResponse({ responses: [{ topic: 't', partitions: [{ records: null, divergingEpoch: { epoch: -1, endOffset: -1n } }] }] }, 12)
    expect(withDefault.equals(encodeFetchResponse(base, 12))).toBe(true)
    // a non-default tagged struct in a version without it (v11) is refused: DivergingEpoch is not ignorable
    expect(() => encodeFetchResponse({ responses: [{ partitions: [{ divergingEpoch: { epoch: 3 } }] }] }, 11)).toThrow(/DivergingEpoch is not in version 11/)
  })

  it('refuses to write a non-ignorable field a version lacks (UnsupportedVersionError naming it), drops an ignorable one', () => {
    // Metadata v7 has no TopicAuthorizedOperations (8+), which is not ignorable; v11 has no ClusterAuthorizedOperations (8-10)
    expect(() => encodeMetadataResponse({ topics: [{ topicAuthorizedOperations: 5 }] }, 7)).toThrow(UnsupportedVersionError)
    expect(() => encodeMetadataResponse({ topics: [{ topicAuthorizedOperations: 5 }] }, 7)).toThrow(
      /MetadataResponse\.MetadataResponseTopic\.TopicAuthorizedOperations is not in version 7/
    )
    expect(() => encodeMetadataResponse({ clusterAuthorizedOperations: 0 }, 11)).toThrow(/ClusterAuthorizedOperations is not in version 11 .*versions 8-10/)
    // at its default it is fine
    expect(() => encodeMetadataResponse({ topics: [{ topicAuthorizedOperations: -2147483648 }] }, 7)).not.toThrow()
    // ControllerId (1+) is ignorable: v0 drops it
    expect(encodeMetadataResponse({ controllerId: 2 }, 0).equals(encodeMetadataResponse({}, 0))).toBe(true)
    // ApiVersionsRequest.ClientSoftwareName (3+) is ignorable: v2 drops it
    expect(encodeApiVersionsRequest({ clientSoftwareName: 'x' }, 2)).toHaveLength(0)
    // a version outside the spec's valid versions
    expect(() => encodeApiVersionsRequest({}, 5)).toThrow(/ApiVersionsRequest has no version 5 \(valid versions 0-4\)/)
  })

  it('round-trips the default message of every message type in every valid version, byte for byte', () => {
    let n = 0
    for (const api of Object.values(API_MESSAGES)) {
      const m = apiMessages(api.apiKey)!
      for (let v = m.versions.min; v <= m.versions.max; v++) {
        for (const [enc, dec] of [
          [m.encodeRequest, m.decodeRequest],
          [m.encodeResponse, m.decodeResponse]
        ] as const) {
          const a = enc({}, v)
          const r = new ByteReader(a)
          const decoded = dec(r, v)
          expect(r.remaining(), `${api.name} v${v}`).toBe(0)
          expect(enc(decoded as never, v).equals(a), `${api.name} v${v}`).toBe(true)
          n++
        }
      }
    }
    expect(n).toBeGreaterThan(600)
  })
})

describe('generated codecs: malformed input', () => {
  it('names the field when the input ends early', () => {
    const ok = encodeProduceRequest({ acks: 1, timeoutMs: 1000, topicData: [{ name: 'foo', partitionData: [{ index: 0, records: Buffer.alloc(10) }] }] }, 3)
    expect(() => decodeProduceRequest(ok.subarray(0, ok.length - 4), 3)).toThrow(/ProduceRequest\.PartitionProduceData\.Records/)
    expect(() => decodeProduceRequest(ok.subarray(0, 3), 3)).toThrow(/ProduceRequest\.Acks/)
  })

  it('refuses a negative length in a non-nullable field and a length beyond the input', () => {
    // Metadata v1 response: brokers array of -2 entries
    expect(() => decodeMetadataResponse(bytes('fffffffe'), 1)).toThrow(/negative length -2 of array MetadataResponse\.Brokers/)
    // brokers: -1 (null) where the field is not nullable
    expect(() => decodeMetadataResponse(bytes('ffffffff'), 1)).toThrow(/non-nullable field MetadataResponse\.Brokers was null/)
    // an array claiming 1,000,000 entries in 4 bytes
    expect(() => decodeMetadataResponse(bytes('000f4240 00000000'), 1)).toThrow(/MetadataResponse\.Brokers of length 1000000 .* exceeds the 4 bytes left/)
    // a string claiming 200 bytes
    expect(() => decodeMetadataRequest(bytes('00000001 00c8 6161'), 1)).toThrow(/MetadataRequest\.MetadataRequestTopic\.Name of length 200/)
    // a tagged field whose size passes the end
    expect(() => decodeApiVersionsResponse(bytes('0000 01 00000000 01 01 08 00'), 3)).toThrow(/tagged field 1 of 8 bytes exceeds/)
  })

  it('refuses a classic string that is not valid UTF-8 and decodes longer than an int16 length holds; valid ones of 32767 bytes and short invalid ones are read', () => {
    /** A Metadata v1 request naming one topic whose name is `name`'s bytes. */
    const metadataV1 = (name: Buffer): Buffer => {
      const head = Buffer.alloc(6)
      head.writeInt32BE(1, 0)
      head.writeInt16BE(name.length, 4)
      return Buffer.concat([head, name])
    }
    const read = (name: Buffer): string => decodeMetadataRequest(metadataV1(name), 1).topics![0].name!
    // 32767 bytes of valid UTF-8 (two-byte characters and one ASCII byte)
    expect(read(Buffer.from('é'.repeat(16383) + 'x'))).toBe('é'.repeat(16383) + 'x')
    // 10922 invalid bytes decode to 32766 bytes: still a value of the type
    expect(read(Buffer.alloc(10922, 0xff))).toBe('\ufffd'.repeat(10922))
    expect(() => read(Buffer.alloc(10923, 0xff))).toThrow(
      'string MetadataRequest.MetadataRequestTopic.Name of 10923 bytes is not valid UTF-8: decoded (each invalid byte a 3-byte U+FFFD) it is 32769 bytes, more than the 32767 an int16 length holds'
    )
  })
})

/** `msg` without the fields that Metadata version `v` lacks and that are not ignorable (as a caller would build it). */
function withoutAbsent(msg: MessageInput<MetadataResponse>, v: number): MessageInput<MetadataResponse> {
  const m = structuredClone(msg)
  if (v < 1) delete m.controllerId
  if (v < 2) delete m.clusterId
  if (v < 1) delete m.brokers![0].rack
  if (v < 1) delete m.topics![0].isInternal
  if (v < 7) delete m.topics![0].partitions![0].leaderEpoch
  if (v < 5) delete m.topics![0].partitions![0].offlineReplicas
  if (v < 8 || v > 10) delete m.clusterAuthorizedOperations
  if (v < 8) delete m.topics![0].topicAuthorizedOperations
  return m
}
