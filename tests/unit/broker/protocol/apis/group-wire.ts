/**
 * Helpers for the group APIs' tests over a real Cluster: a cluster (injected clock and no
 * background work, or real time), one KafkaApis per broker with Metadata and the group APIs over
 * the Cluster's facades (live brokers at ports the test gives), the brokers' real listeners serving
 * every API (brokerKafkaApis), and a generic request/response round trip through
 * KafkaApis.handleFrame with the generated codecs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { expect } from 'vitest'
import { ByteReader } from '../../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../../src/broker/codec/byte-writer'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterGroupFacade } from '../../../../../src/broker/cluster/facades/group-facade-impl'
import type { GroupConfig } from '../../../../../src/broker/group/group-membership'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { brokerKafkaApis } from '../../../../../src/broker/cluster/facades/broker-kafka-apis'
import type { RequestContext } from '../../../../../src/broker/protocol/frame-handler'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../../src/broker/protocol/header-versions'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import type { MessageInput } from '../../../../../src/broker/protocol/message-codec-support'
import { apiMessages } from '../../../../../src/broker/protocol/messages'
import { writeRequestHeader } from '../../../../../src/broker/protocol/messages/request-header'
import { readResponseHeader } from '../../../../../src/broker/protocol/messages/response-header'

/** KafkaApis for broker `brokerId` of `cluster`: ApiVersions, Metadata, DescribeCluster and the group APIs; brokers with a port in `ports` are live at 127.0.0.1. */
export function groupKafkaApis(cluster: Cluster, brokerId: number, ports: () => ReadonlyMap<number, number>): KafkaApis {
  const broker = new ClusterBrokerFacade(cluster, brokerId, { addresses: () => new Map([...ports()].map(([b, port]) => [b, { host: '127.0.0.1', port }])) })
  return new KafkaApis({ handlers: createApiHandlers({ broker, groups: new ClusterGroupFacade(cluster, brokerId) }) })
}

/** A cluster on a temporary directory. */
export interface GroupTestCluster {
  cluster: Cluster
  clock: { now: number }
  cleanup(): Promise<void>
}

/** Opens a cluster of `brokers` brokers with topic 't' (3 partitions, RF = brokers); `realTime`: the real clock and background work. */
export function openGroupTestCluster(opts: { brokers: number; partitions?: number; realTime?: boolean; groupConfig?: Partial<GroupConfig> }): GroupTestCluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-groups-'))
  const clock = { now: 1_700_000_000_000 }
  const cluster = new Cluster({
    dataDir: dir,
    brokers: opts.brokers,
    ...(opts.realTime ? {} : { clock: () => clock.now, autoReplicate: false }),
    storage: 'file',
    log: () => {},
    eventLog: () => {},
    groupConfig: opts.groupConfig ?? {}
  })
  cluster.createTopic('t', { partitions: opts.partitions ?? 3, replicationFactor: opts.brokers })
  return {
    cluster,
    clock,
    async cleanup() {
      await cluster.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A connection context for broker `brokerId`'s listener. */
export function connection(brokerId: number, clientAddress = '127.0.0.1:50001'): RequestContext {
  return { brokerId, connectionId: `${9091 + brokerId}-1`, clientAddress, listenerPort: 9091 + brokerId }
}

/**
 * Sends one request of API `apiKey` in `version` through `apis` and decodes the answer (checking
 * the correlation id and that nothing is left over). `frame` (optional) receives the request frame,
 * so a test can overwrite it after the call.
 */
export async function wire<Res = any>(
  apis: KafkaApis,
  apiKey: number,
  version: number,
  req: MessageInput<any>,
  opts: { ctx?: RequestContext; clientId?: string; frame?: (b: Buffer) => void } = {}
): Promise<Res> {
  const spec = apiMessages(apiKey)!
  const w = new ByteWriter(256)
  writeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: version, correlationId: 4242, clientId: opts.clientId ?? 'wire-test' }, requestHeaderVersion(apiKey, version))
  spec.writeRequest(w, req, version)
  const frame = w.toBuffer()
  opts.frame?.(frame)
  const res = await apis.handleFrame(frame, opts.ctx ?? connection(1))
  const r = new ByteReader(res!)
  expect(readResponseHeader(r, responseHeaderVersion(apiKey, version)).correlationId).toBe(4242)
  const body = spec.readResponse(r, version) as Res
  expect(r.remaining()).toBe(0)
  return body
}

/** A ConsumerProtocolSubscription v0 of `topics`. */
export function subscription(topics: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0])]
  const n = Buffer.alloc(4)
  n.writeInt32BE(topics.length)
  parts.push(n)
  for (const t of topics) {
    const len = Buffer.alloc(2)
    len.writeInt16BE(Buffer.byteLength(t))
    parts.push(len, Buffer.from(t))
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))
  return Buffer.concat(parts)
}

/** Lets settled promises run their callbacks. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

/**
 * The brokers' real listeners (127.0.0.1, free ports) for every broker of `cluster`, each serving
 * the broker's KafkaApis with every API (brokerKafkaApis, as the hosts serve them). Always
 * `await close()`.
 */
export async function startGroupListeners(cluster: Cluster): Promise<BrokerListeners> {
  const served = new Map<number, ReturnType<typeof brokerKafkaApis>>()
  return BrokerListeners.start(cluster, {
    host: '127.0.0.1',
    basePort: 0,
    log: () => {},
    handlerFor: (id, l) => {
      let b = served.get(id)
      if (!b) served.set(id, (b = brokerKafkaApis(cluster, id, () => l.addresses())))
      return b.apis
    }
  })
}

/** Resolves once `check` holds, polling every 50 ms; rejects after `ms` naming `what`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
