/**
 * A test-only scripted Kafka broker on 127.0.0.1 (a port the OS picks): it decodes each request's
 * header and body with the generated codecs, records what arrived (API key, version, header
 * version, correlation id), and answers with what the test's handler for that API key returns,
 * encoded with the generated codecs (response header v0/v1 by the version). An API without a
 * handler gets no answer (a silent broker). Not the broker's listener (src/broker/protocol/network/).
 */
import net from 'node:net'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../src/broker/codec/byte-writer'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { apiMessages } from '../../../../src/broker/protocol/messages'
import { readRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import { writeResponseHeader } from '../../../../src/broker/protocol/messages/response-header'

/** One request as it arrived. */
export interface SeenRequest {
  apiKey: number
  version: number
  headerVersion: number
  correlationId: number
  clientId: string | null
  body: any
}

/** A handler: the response body (fields left out take their defaults) for a request. */
export type ScriptedHandler = (version: number, body: any, port: number) => object

/** A running scripted broker. */
export interface ScriptedBroker {
  port: number
  seen: SeenRequest[]
  close(): Promise<void>
}

/** Starts a scripted broker answering with `handlers` (by API key). */
export async function startScriptedBroker(handlers: Record<number, ScriptedHandler>): Promise<ScriptedBroker> {
  const seen: SeenRequest[] = []
  const sockets = new Set<net.Socket>()
  let port = 0
  const server = net.createServer((sock) => {
    sockets.add(sock)
    let buf = Buffer.alloc(0)
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        const apiKey = frame.readInt16BE(0)
        const version = frame.readInt16BE(2)
        const headerVersion = requestHeaderVersion(apiKey, version)
        const r = new ByteReader(frame)
        const header = readRequestHeader(r, headerVersion)
        const spec = apiMessages(apiKey)!
        const body = spec.readRequest(r, version)
        seen.push({ apiKey, version, headerVersion, correlationId: header.correlationId, clientId: header.clientId, body })
        const handler = handlers[apiKey]
        if (!handler) continue
        const w = new ByteWriter(256)
        w.int32(0)
        writeResponseHeader(w, { correlationId: header.correlationId }, responseHeaderVersion(apiKey, version))
        spec.writeResponse(w, handler(version, body, port) as never, version)
        const out = w.toBuffer()
        out.writeInt32BE(out.length - 4, 0)
        sock.write(out)
      }
    })
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => {})
  })
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
  port = (server.address() as net.AddressInfo).port
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy()
        server.close(() => res())
      })
  }
}

/** An ApiVersions handler advertising `ranges` (API key -> [min, max]). */
export function apiVersions(ranges: Record<number, [number, number]>): ScriptedHandler {
  return () => ({ errorCode: 0, apiKeys: Object.entries(ranges).map(([k, [min, max]]) => ({ apiKey: Number(k), minVersion: min, maxVersion: max })) })
}

/** A Metadata handler: broker 1 at this broker's own port, leading every partition of `topics` (name -> partition count). */
export function metadata(topics: Record<string, number>): ScriptedHandler {
  return (_v, _b, port) => ({
    brokers: [{ nodeId: 1, host: '127.0.0.1', port }],
    clusterId: 'scripted',
    controllerId: 1,
    topics: Object.entries(topics).map(([name, n]) => ({
      errorCode: 0,
      name,
      partitions: Array.from({ length: n }, (_, i) => ({ errorCode: 0, partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] }))
    }))
  })
}
