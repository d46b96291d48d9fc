/**
 * KafkaApis, the dispatcher: request headers v0-v2, response headers v0-v1 (ApiVersions always v0),
 * ApiVersions built from the registered handlers (KIP-511 for unknown versions, client software
 * name and version kept per connection), UNSUPPORTED_VERSION for versions a handler does not serve,
 * handler failures answered with the API's error response, and the frames that close a connection.
 * Expected bytes are built by hand from the protocol guide.
 */
import { describe, expect, it } from 'vitest'
import type { AnyApiHandler, ApiHandler } from '../../../../src/broker/protocol/api-handler'
import { API_VERSION_RANGES } from '../../../../src/broker/protocol/api-version-ranges'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import type { RequestContext } from '../../../../src/broker/protocol/frame-handler'
import { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { KafkaError } from '../../../../src/broker/model/errors'
import { API_MESSAGES, apiMessages } from '../../../../src/broker/protocol/messages'
import type { ProduceRequest } from '../../../../src/broker/protocol/messages/produce-request'
import { decodeProduceResponse, type ProduceResponse } from '../../../../src/broker/protocol/messages/produce-response'
import type { HeartbeatRequest } from '../../../../src/broker/protocol/messages/heartbeat-request'
import type { HeartbeatResponse } from '../../../../src/broker/protocol/messages/heartbeat-response'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../src/broker/protocol/header-versions'

function hex(...parts: (string | { ascii: string })[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\s+/g, ''), 'hex') : Buffer.from(p.ascii, 'ascii'))))
}

const CTX: RequestContext = { brokerId: 1, connectionId: '9092-1', clientAddress: '127.0.0.1:50000', listenerPort: 9092 }

/** A stand-in Produce handler: advertised 0-11, served from 3 (as api-version-ranges.ts says), answering every partition. */
const produceStandIn: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  apiVersions: API_VERSION_RANGES.Produce,
  handle(req) {
    if (req.acks === 0) return null
    if (req.timeoutMs === 13) throw new KafkaError('NOT_ENOUGH_REPLICAS', 'stand-in refuses')
    if (req.timeoutMs === 14) throw new Error('a bug')
    if (req.timeoutMs === 15) return { responses: [{ name: 't', partitionResponses: [{ index: 2, currentLeader: { leaderId: 3 } }] }] } // v10+ only
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, baseOffset: 42n })) })) }
  },
  errorResponse(req, errorCode) {
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode })) })) }
  }
}

/** A stand-in Heartbeat handler, to see response header v1 (flexible from v4). */
const heartbeatStandIn: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  apiVersions: API_VERSION_RANGES.Heartbeat,
  handle: () => ({ errorCode: 0 }),
  errorResponse: (_r, errorCode) => ({ errorCode })
}

function apis(extra: AnyApiHandler[] = [], now = () => 1000): KafkaApis {
  return new KafkaApis({ handlers: [...createApiHandlers(), ...extra], now })
}

describe('KafkaApis: ApiVersions', () => {
  it('answers ApiVersions v0 with response header v0 and the registered APIs only', async () => {
    const res = await apis().handleFrame(hex('0012 0000 0000002a 0004', { ascii: 'kcat' }), CTX)
    // correlation id 42; error 0; 1 api: ApiVersions 0-4; v0 has no throttle time
    expect(res!.toString('hex')).toBe(hex('0000002a', '0000', '00000001', '0012 0000 0004').toString('hex'))
  })

  it('answers librdkafka\'s ApiVersions v3 in response header v0 (no tagged byte) and a flexible body, and keeps the software name and version', async () => {
    const k = apis([produceStandIn as AnyApiHandler])
    const req = hex('0012 0003 00000001 0007', { ascii: 'rdkafka' }, '00', '0b', { ascii: 'librdkafka' }, '06', { ascii: '2.0.2' }, '00')
    const res = await k.handleFrame(req, CTX)
    expect(res!.toString('hex')).toBe(
      hex(
        '00000001', // response header v0: correlation id only
        '0000', // error
        '03', // compact array of 2
        '0000 0000 000b 00', // Produce 0-11
        '0012 0000 0004 00', // ApiVersions 0-4
        '00000000', // throttle
        '00' // tagged fields
      ).toString('hex')
    )
    expect(k.connectedClients()).toEqual([
      { connectionId: '9092-1', brokerId: 1, clientAddress: '127.0.0.1:50000', listenerPort: 9092, clientId: 'rdkafka', softwareName: 'librdkafka', softwareVersion: '2.0.2', firstSeenMs: 1000, lastSeenMs: 1000, requests: 1 }
    ])
    k.connectionClosed(CTX)
    expect(k.connectedClients()).toEqual([])
  })

  it('answers an ApiVersions version it does not know in v0 with UNSUPPORTED_VERSION and its own range (KIP-511)', async () => {
    // a future v9 request with header v2 and a body the broker cannot parse
    const res = await apis().handleFrame(hex('0012 0009 00000007 0001', { ascii: 'x' }, '00', 'ffffffff'), CTX)
    expect(res!.toString('hex')).toBe(hex('00000007', '0023', '00000001', '0012 0000 0004').toString('hex'))
  })

  it('answers INVALID_REQUEST to a client software name that breaks Kafka\'s pattern', async () => {
    const k = apis()
    const res = await k.handleFrame(hex('0012 0003 00000001 ffff 00', '03', { ascii: 'a!' }, '02', { ascii: '1' }, '00'), CTX)
    expect(res!.subarray(4, 6).readInt16BE(0)).toBe(42)
    expect(k.connectedClients()[0].softwareName).toBeNull()
    expect(k.connectedClients()[0].clientId).toBeNull()
  })
})

describe('KafkaApis: dispatch', () => {
  const produceV3 = (timeoutMs: number, acks = 1) =>
    Buffer.concat([
      hex('0000 0003 00000005 0001', { ascii: 'p' }),
      hex('ffff', acks === 0 ? '0000' : '0001'),
      Buffer.from([timeoutMs >>> 24, (timeoutMs >>> 16) & 0xff, (timeoutMs >>> 8) & 0xff, timeoutMs & 0xff]),
      hex('00000001 0001', { ascii: 't' }, '00000001 00000002 ffffffff')
    ])

  it('decodes the body, calls the handler and encodes its answer at the request version', async () => {
    const res = await apis([produceStandIn as AnyApiHandler]).handleFrame(produceV3(1000), CTX)
    const r = new ByteReader(res!)
    expect(r.int32()).toBe(5)
    const body = decodeProduceResponse(r, 3)
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ index: 2, errorCode: 0, baseOffset: 42n })
  })

  it('answers Produce v0-v2, advertised but not served, with UNSUPPORTED_VERSION per partition', async () => {
    const v2 = hex('0000 0002 00000006 0001', { ascii: 'p' }, '0001 000003e8', '00000001 0001', { ascii: 't' }, '00000001 00000002 ffffffff')
    const res = await apis([produceStandIn as AnyApiHandler]).handleFrame(v2, CTX)
    const r = new ByteReader(res!)
    expect(r.int32()).toBe(6)
    expect(decodeProduceResponse(r, 2).responses[0].partitionResponses[0]).toMatchObject({ index: 2, errorCode: 35 })
  })

  it('answers a handler\'s KafkaError with its code and any other failure with UNKNOWN_SERVER_ERROR', async () => {
    const lines: string[] = []
    const k = new KafkaApis({ handlers: [produceStandIn as AnyApiHandler], log: (l) => lines.push(l) })
    const a = new ByteReader((await k.handleFrame(produceV3(13), CTX))!)
    a.int32()
    expect(decodeProduceResponse(a, 3).responses[0].partitionResponses[0].errorCode).toBe(19)
    const b = new ByteReader((await k.handleFrame(produceV3(14), CTX))!)
    b.int32()
    expect(decodeProduceResponse(b, 3).responses[0].partitionResponses[0].errorCode).toBe(-1)
    expect(lines.join('\n')).toMatch(/Produce v3 from 127\.0\.0\.1:50000 failed: a bug/)
    // an answer that v3 cannot carry (CurrentLeader is v10+, not ignorable)
    const c = new ByteReader((await k.handleFrame(produceV3(15), CTX))!)
    c.int32()
    expect(decodeProduceResponse(c, 3).responses[0].partitionResponses[0].errorCode).toBe(-1)
    expect(lines.join('\n')).toMatch(/Produce v3 answer to 127\.0\.0\.1:50000 could not be encoded: .*CurrentLeader is not in version 3/)
  })

  it('returns no response when the handler has none (acks=0)', async () => {
    expect(await apis([produceStandIn as AnyApiHandler]).handleFrame(produceV3(1000, 0), CTX)).toBeNull()
  })

  it('uses response header v1 (a tagged-field byte) for flexible versions of other APIs', async () => {
    // Heartbeat v4: header v2 (client id, tags), body: group id, generation, member id, instance id (compact), tags
    const req = hex('000c 0004 00000009 0001', { ascii: 'c' }, '00', '02', { ascii: 'g' }, '00000001', '02', { ascii: 'm' }, '00', '00')
    const res = await apis([heartbeatStandIn as AnyApiHandler]).handleFrame(req, CTX)
    expect(res!.toString('hex')).toBe(hex('00000009 00', '00000000', '0000', '00').toString('hex'))
  })

  it('closes the connection (rejects) on an unknown API key, an API it does not serve, a version outside the spec, a short or malformed frame', async () => {
    const k = apis()
    await expect(k.handleFrame(hex('2710 0000 00000001 0000'), CTX)).rejects.toThrow(/unknown API key 10000/)
    await expect(k.handleFrame(hex('0003 0001 00000001 0000 00000000'), CTX)).rejects.toThrow(/Metadata \(API key 3\) is not served/)
    const p = apis([produceStandIn as AnyApiHandler])
    await expect(p.handleFrame(hex('0000 0063 00000001 0000'), CTX)).rejects.toThrow(/Produce version 99 is not supported \(valid versions 0-11\)/)
    await expect(k.handleFrame(hex('0012 00'), CTX)).rejects.toThrow(/shorter than a request header/)
    await expect(k.handleFrame(hex('0012 0001 00000001 0005 6162'), CTX)).rejects.toThrow(/RequestHeader\.ClientId/)
    await expect(p.handleFrame(hex('0000 0003 00000001 0000 ffff 0001'), CTX)).rejects.toThrow(/ProduceRequest\.TimeoutMs/)
  })

  it('refuses to register a handler whose range leaves its spec\'s valid versions', () => {
    expect(() => new KafkaApis({ handlers: [{ ...heartbeatStandIn, apiVersions: { min: 0, max: 9 } } as AnyApiHandler] })).toThrow(
      /Heartbeat: versions 0-9 are not within the spec's valid versions 0-4/
    )
  })
})

describe('header versions', () => {
  it('use request header v2 / response header v1 from an API\'s first flexible version, ApiVersions responses v0, ControlledShutdown v0 request header v0', () => {
    expect([requestHeaderVersion(3, 8), requestHeaderVersion(3, 9), responseHeaderVersion(3, 8), responseHeaderVersion(3, 9)]).toEqual([1, 2, 0, 1])
    expect([requestHeaderVersion(18, 3), responseHeaderVersion(18, 3), responseHeaderVersion(18, 9)]).toEqual([2, 0, 0])
    expect([requestHeaderVersion(7, 0), requestHeaderVersion(7, 1)]).toEqual([0, 1])
    expect([requestHeaderVersion(47, 0), responseHeaderVersion(47, 0)]).toEqual([1, 0]) // OffsetDelete: no flexible version
  })
})

describe('the advertised version table', () => {
  it('keeps every range of api-version-ranges.ts within its spec, with Kafka 4.0\'s minimums', () => {
    for (const [name, r] of Object.entries(API_VERSION_RANGES)) {
      const spec = apiMessages(r.apiKey)!
      expect(spec.name, name).toBe(name)
      expect(r.min).toBeGreaterThanOrEqual(spec.versions.min)
      expect(r.max).toBeLessThanOrEqual(spec.versions.max)
      expect(spec.listeners).toContain('broker')
    }
    expect(API_VERSION_RANGES.Produce).toMatchObject({ min: 0, servedFrom: 3 })
    expect(API_VERSION_RANGES.Fetch.min).toBe(4)
    expect(Object.keys(API_VERSION_RANGES)).toHaveLength(28)
    expect(API_MESSAGES[18].name).toBe('ApiVersions')
  })
})
