/**
 * A broker's request and error meters (request-metrics.ts) as KafkaApis fills them from real request
 * frames through handleFrame: requests counted by Kafka's API name, error codes of the answers by
 * Kafka's error name (every level of the body, as AbstractResponse.errorCounts), rates over the last
 * minute from the injected clock, and the connected clients beside them.
 */
import { describe, expect, it } from 'vitest'
import type { AnyApiHandler, ApiHandler } from '../../../../src/broker/protocol/api-handler'
import { API_VERSION_RANGES } from '../../../../src/broker/protocol/api-version-ranges'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import type { RequestContext } from '../../../../src/broker/protocol/frame-handler'
import { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { KafkaError } from '../../../../src/broker/model/errors'
import { apiMessages } from '../../../../src/broker/protocol/messages'
import { encodeRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import type { ProduceRequest } from '../../../../src/broker/protocol/messages/produce-request'
import type { ProduceResponse } from '../../../../src/broker/protocol/messages/produce-response'
import type { HeartbeatRequest } from '../../../../src/broker/protocol/messages/heartbeat-request'
import type { HeartbeatResponse } from '../../../../src/broker/protocol/messages/heartbeat-response'
import { requestHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { errorName, RATE_AVERAGE_SECONDS } from '../../../../src/broker/protocol/request-metrics'

const CTX: RequestContext = { brokerId: 1, connectionId: '9092-1', clientAddress: '127.0.0.1:50000', listenerPort: 9092 }
const CTX2: RequestContext = { brokerId: 1, connectionId: '9092-2', clientAddress: '127.0.0.1:50001', listenerPort: 9092 }

/** Produce answering every partition; timeoutMs 13 throws NOT_ENOUGH_REPLICAS (each partition then carries it). */
const produceStandIn: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  apiVersions: API_VERSION_RANGES.Produce,
  handle(req) {
    if (req.timeoutMs === 13) throw new KafkaError('NOT_ENOUGH_REPLICAS', 'stand-in refuses')
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, baseOffset: 0n })) })) }
  },
  errorResponse(req, errorCode) {
    return { responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode })) })) }
  }
}

/** Heartbeat answering REBALANCE_IN_PROGRESS (27) at the top level. */
const heartbeatStandIn: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: 12,
  apiVersions: API_VERSION_RANGES.Heartbeat,
  handle: () => ({ errorCode: 27 }),
  errorResponse: (_r, errorCode) => ({ errorCode })
}

/** A whole request frame (header + body) as a client writes it, without the size prefix. */
function frame(apiKey: number, version: number, body: Record<string, unknown>, clientId = 'app-1', correlationId = 1): Buffer {
  const spec = apiMessages(apiKey)!
  const header = encodeRequestHeader({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId }, requestHeaderVersion(apiKey, version))
  return Buffer.concat([header, spec.encodeRequest(body as never, version)])
}

const produce = (timeoutMs: number, partitions: number[], version = 9) =>
  frame(0, version, { acks: 1, timeoutMs, topicData: [{ name: 't', partitionData: partitions.map((index) => ({ index, records: null })) }] })

function broker(clock: { now: number }): KafkaApis {
  return new KafkaApis({ handlers: [...createApiHandlers(), produceStandIn as AnyApiHandler, heartbeatStandIn as AnyApiHandler], now: () => clock.now })
}

describe('KafkaApis request meters', () => {
  it('counts requests by Kafka API name and error codes of the answers by Kafka error name, at every level of the body', async () => {
    const clock = { now: 1_000_000 }
    const k = broker(clock)
    await k.handleFrame(frame(18, 3, { clientSoftwareName: 'kafkajs', clientSoftwareVersion: '2.2.4' }), CTX)
    await k.handleFrame(produce(1000, [0]), CTX)
    await k.handleFrame(produce(13, [0, 1, 2]), CTX) // NOT_ENOUGH_REPLICAS on each of 3 partitions
    await k.handleFrame(frame(12, 4, { groupId: 'g', generationId: 1, memberId: 'm' }), CTX2)
    await k.handleFrame(frame(12, 4, { groupId: 'g', generationId: 1, memberId: 'm' }), CTX2)
    await k.handleFrame(produce(1000, [4], 2), CTX2) // Produce v2: advertised, not served: UNSUPPORTED_VERSION

    const a = k.activity()
    expect(a.requests.map((r) => [r.api, r.apiKey, r.total])).toEqual([
      ['Produce', 0, 3],
      ['Heartbeat', 12, 2],
      ['ApiVersions', 18, 1]
    ])
    expect(a.requests[0].perSec).toBeCloseTo(3 / RATE_AVERAGE_SECONDS)
    expect(a.errors.map((e) => [e.error, e.code, e.total])).toEqual([
      ['NOT_ENOUGH_REPLICAS', 19, 3],
      ['REBALANCE_IN_PROGRESS', 27, 2],
      ['UNSUPPORTED_VERSION', 35, 1]
    ])
    expect(a.errors[0].perSec).toBeCloseTo(3 / RATE_AVERAGE_SECONDS)
  })

  it('does not count a frame that closes its connection (unknown API key), nor NONE', async () => {
    const clock = { now: 1_000_000 }
    const k = broker(clock)
    const unknown = Buffer.from('7fff0000000000010000', 'hex')
    await expect(k.handleFrame(unknown, CTX)).rejects.toThrow(/unknown API key/)
    await k.handleFrame(frame(18, 0, {}), CTX)
    expect(k.activity().requests.map((r) => [r.api, r.total])).toEqual([['ApiVersions', 1]])
    expect(k.activity().errors).toEqual([])
  })

  it('averages rates over the last minute: they fall to 0 a minute after the last request while the totals stay', async () => {
    const clock = { now: 1_000_000 }
    const k = broker(clock)
    for (let i = 0; i < 6; i++) await k.handleFrame(frame(18, 0, {}, 'app-1', i), CTX)
    expect(k.activity().requests[0].perSec).toBeCloseTo(6 / RATE_AVERAGE_SECONDS)
    clock.now += (RATE_AVERAGE_SECONDS - 1) * 1000
    expect(k.activity().requests[0].perSec).toBeCloseTo(6 / RATE_AVERAGE_SECONDS)
    clock.now += 1000
    expect(k.activity().requests[0]).toMatchObject({ api: 'ApiVersions', total: 6, perSec: 0 })
  })

  it('lists the connected clients with their client id, software from ApiVersions v3 and address, oldest connection first', async () => {
    const clock = { now: 5_000 }
    const k = broker(clock)
    await k.handleFrame(frame(18, 3, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' }, 'rdkafka'), CTX2)
    clock.now = 6_000
    await k.handleFrame(frame(18, 3, { clientSoftwareName: 'kafkajs', clientSoftwareVersion: '2.2.4' }, 'my-app'), CTX)
    expect(k.activity().clients.map((c) => [c.clientId, c.softwareName, c.softwareVersion, c.clientAddress, c.firstSeenMs])).toEqual([
      ['rdkafka', 'librdkafka', '2.0.2', '127.0.0.1:50001', 5_000],
      ['my-app', 'kafkajs', '2.2.4', '127.0.0.1:50000', 6_000]
    ])
    k.connectionClosed(CTX2)
    expect(k.activity().clients.map((c) => c.clientId)).toEqual(['my-app'])
  })

  it('names error codes as Kafka does, and codes outside the table as UNKNOWN_ERROR_CODE_<n>', () => {
    expect(errorName(6)).toBe('NOT_LEADER_OR_FOLLOWER')
    expect(errorName(999)).toBe('UNKNOWN_ERROR_CODE_999')
  })
})
