/**
 * Malformed frames never crash the dispatcher: random, truncated and bit-flipped frames for every
 * API (a seeded generator, a fixed count, no clock) either get an answer or are refused with a
 * clear Error (the listener then closes that connection); nothing else is thrown, and a good
 * request on the same dispatcher is answered afterwards.
 */
import { describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import { InvalidRequestError, KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { UnsupportedVersionError } from '../../../../src/broker/protocol/message-codec-support'
import { API_MESSAGES, apiMessages } from '../../../../src/broker/protocol/messages'
import { encodeRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import { requestHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { StandInBrokerFacade } from './stand-in-broker-facade'

/** A small seeded PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CTX = { brokerId: 1, connectionId: '9092-1', clientAddress: '127.0.0.1:50000', listenerPort: 9092 }

describe('malformed frames', () => {
  it('are answered or refused with a clear error, for every API and version, and the dispatcher still works after', async () => {
    const facade = new StandInBrokerFacade(1, [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }], [
      { name: 'orders', partitions: [{ partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }
    ])
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: facade }) })
    const rnd = prng(12345)
    const keys = Object.values(API_MESSAGES).map((a) => a.apiKey)
    let answered = 0
    let refused = 0
    for (let i = 0; i < 3000; i++) {
      const key = i % 10 === 0 ? Math.floor(rnd() * 65536) - 32768 : keys[Math.floor(rnd() * keys.length)]
      const spec = apiMessages(key)
      const version = spec ? spec.versions.min + Math.floor(rnd() * (spec.versions.max - spec.versions.min + 3)) : Math.floor(rnd() * 20)
      let frame: Buffer
      const kind = i % 3
      if (kind === 0 || !spec || version > spec.versions.max) {
        // a plausible header, then random bytes
        const body = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)))
        frame = Buffer.concat([encodeRequestHeader({ requestApiKey: key, requestApiVersion: version, correlationId: i, clientId: 'fuzz' }, requestHeaderVersion(key, version)), body])
      } else {
        // a valid request, truncated or with a byte flipped
        const good = Buffer.concat([
          encodeRequestHeader({ requestApiKey: key, requestApiVersion: version, correlationId: i, clientId: 'fuzz' }, requestHeaderVersion(key, version)),
          spec.encodeRequest({}, version)
        ])
        frame = kind === 1 ? good.subarray(0, Math.floor(rnd() * good.length)) : Buffer.from(good)
        if (kind === 2 && frame.length > 8) frame[8 + Math.floor(rnd() * (frame.length - 8))] ^= 1 << Math.floor(rnd() * 8)
      }
      try {
        const res = await k.handleFrame(frame, { ...CTX, connectionId: `9092-${i}` })
        expect(res === null || Buffer.isBuffer(res)).toBe(true)
        answered++
      } catch (e) {
        // only the refusals the listener expects: the dispatcher's, the codecs' bounds checks, a bad version
        expect(e instanceof InvalidRequestError || e instanceof RangeError || e instanceof UnsupportedVersionError, String(e)).toBe(true)
        expect((e as Error).message.length).toBeGreaterThan(10)
        refused++
      }
    }
    expect(answered).toBeGreaterThan(0)
    expect(refused).toBeGreaterThan(0)
    const ok = await k.handleFrame(Buffer.concat([encodeRequestHeader({ requestApiKey: 18, requestApiVersion: 0, correlationId: 1, clientId: 'x' }, 1)]), CTX)
    expect(ok!.readInt16BE(4)).toBe(0)
  })

  it('make every generated decoder throw a RangeError naming a field, never anything else, when truncated or bit-flipped', () => {
    const rnd = prng(777)
    let thrown = 0
    for (const api of Object.values(API_MESSAGES)) {
      const m = apiMessages(api.apiKey)!
      for (let v = m.versions.min; v <= m.versions.max; v++) {
        for (const [enc, dec] of [
          [m.encodeRequest, m.decodeRequest],
          [m.encodeResponse, m.decodeResponse]
        ] as const) {
          const good = enc({}, v)
          for (let j = 0; j < 4; j++) {
            const bad = j < 2 ? good.subarray(0, Math.floor(rnd() * good.length)) : Buffer.from(good)
            if (j >= 2 && bad.length > 0) bad[Math.floor(rnd() * bad.length)] ^= 0x80
            try {
              dec(bad, v)
            } catch (e) {
              expect(e, `${api.name} v${v}: ${String(e)}`).toBeInstanceOf(RangeError)
              expect((e as Error).message).toMatch(/[A-Z]\w+(Request|Response)/)
              thrown++
            }
          }
        }
      }
    }
    expect(thrown).toBeGreaterThan(500)
  })
})
