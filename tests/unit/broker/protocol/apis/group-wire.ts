/**
 * Helpers for the group APIs' tests over a real Cluster: a cluster with an injected clock and no
 * background work, a test-only BrokerFacade over it (live brokers at ports the test gives, topics
 * with ids kept in a map: the Cluster's own Metadata facade is built by another room), one
 * KafkaApis per broker with Metadata and the group APIs, and a generic request/response round trip
 * through KafkaApis.handleFrame with the generated codecs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AnyApiHandler } from '../../../../../src/broker/protocol/api-handler'
import { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { expect } from 'vitest'
import { ByteReader } from '../../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../../src/broker/codec/byte-writer'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterGroupFacade } from '../../../../../src/broker/cluster/facades/group-facade-impl'
import type { GroupConfig } from '../../../../../src/broker/group/group-membership'
import { createApiHandlers, groupApiHandlers } from '../../../../../src/broker/protocol/apis'
import type { BrokerFacade, FacadeBroker, FacadeTopic } from '../../../../../src/broker/protocol/broker-facade'
import type { RequestContext } from '../../../../../src/broker/protocol/frame-handler'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../../src/broker/protocol/header-versions'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import type { MessageInput } from '../../../../../src/broker/protocol/message-codec-support'
import { apiMessages } from '../../../../../src/broker/protocol/messages'
import { writeRequestHeader } from '../../../../../src/broker/protocol/messages/request-header'
import { readResponseHeader } from '../../../../../src/broker/protocol/messages/response-header'
import { randomTopicId } from '../../../../../src/broker/protocol/topic-id'

/** A test-only BrokerFacade over `cluster` for broker `brokerId`: running brokers with a port in `ports` are live. */
export class TestClusterBrokerFacade implements BrokerFacade {
  private static readonly ids = new Map<string, string>()
  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number,
    private readonly ports: () => ReadonlyMap<number, number>
  ) {}
  clusterId(): string {
    return 'brokerlab-group-test'
  }
  liveBrokers(): FacadeBroker[] {
    const ports = this.ports()
    return this.cluster
      .brokers()
      .filter((b) => b.alive && ports.has(b.id))
      .map((b) => ({ nodeId: b.id, host: '127.0.0.1', port: ports.get(b.id)!, rack: null }))
  }
  controllerId(): number {
    return this.liveBrokers()[0]?.nodeId ?? -1
  }
  topics(): FacadeTopic[] {
    return this.cluster
      .listTopics({ includeInternal: true })
      .map((t) => t.name)
      .sort()
      .map((n) => this.topic(n)!)
  }
  topic(name: string): FacadeTopic | undefined {
    const t = this.cluster.listTopics({ includeInternal: true }).find((x) => x.name === name)
    if (!t) return undefined
    let id = TestClusterBrokerFacade.ids.get(name)
    if (!id) TestClusterBrokerFacade.ids.set(name, (id = randomTopicId()))
    return {
      name,
      topicId: id,
      isInternal: t.internal,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, leaderId: p.leader, leaderEpoch: p.leaderEpoch, replicaNodes: p.replicas, isrNodes: p.isr, offlineReplicas: [] }))
    }
  }
  topicById(topicId: string): FacadeTopic | undefined {
    return this.topics().find((t) => t.topicId === topicId)
  }
}

/** KafkaApis for broker `brokerId` of `cluster`: ApiVersions, Metadata and the group APIs. */
export function groupKafkaApis(cluster: Cluster, brokerId: number, ports: () => ReadonlyMap<number, number>): KafkaApis {
  const brokers = new TestClusterBrokerFacade(cluster, brokerId, ports)
  return new KafkaApis({ handlers: [...createApiHandlers(brokers), ...groupApiHandlers(new ClusterGroupFacade(cluster, brokerId), brokers)] })
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

const SRC = path.resolve(__dirname, '../../../../../src')

/** Whether the data-plane APIs (Fetch, built in another room) exist in this checkout: consumers need them. */
export const FETCH_SERVED = fs.existsSync(path.join(SRC, 'broker/protocol/apis/01-fetch.ts'))

/**
 * The data-plane handlers (Produce, Fetch, ListOffsets, OffsetForLeaderEpoch) over the other room's
 * ReplicaFacade, loaded from their files (only when FETCH_SERVED).
 */
async function dataHandlers(): Promise<(cluster: Cluster, id: number, brokers: BrokerFacade) => AnyApiHandler[]> {
  const load = (p: string): Promise<Record<string, any>> => import(/* @vite-ignore */ path.join(SRC, p))
  const [{ ClusterReplicaFacade }, { produceHandler }, { fetchHandler }, { listOffsetsHandler }, { offsetForLeaderEpochHandler }] = await Promise.all([
    load('broker/cluster/facades/replica-facade-impl.ts'),
    load('broker/protocol/apis/00-produce.ts'),
    load('broker/protocol/apis/01-fetch.ts'),
    load('broker/protocol/apis/02-list-offsets.ts'),
    load('broker/protocol/apis/23-offset-for-leader-epoch.ts')
  ])
  return (cluster, id, brokers) => {
    const replicas = new ClusterReplicaFacade(cluster, id)
    return [produceHandler(replicas, brokers), fetchHandler(replicas, brokers), listOffsetsHandler(replicas), offsetForLeaderEpochHandler(replicas)]
  }
}

/**
 * Real listeners (127.0.0.1, free ports) for every broker of `cluster`, serving ApiVersions,
 * Metadata and the group APIs, plus the data-plane APIs with `data` (needs FETCH_SERVED).
 * Always `await close()`.
 */
export async function startGroupListeners(cluster: Cluster, opts: { data?: boolean } = {}): Promise<BrokerListeners> {
  const data = opts.data ? await dataHandlers() : null
  return BrokerListeners.start(cluster, {
    host: '127.0.0.1',
    basePort: 0,
    log: () => {},
    handlerFor: (id, l) => {
      const ports = () => new Map([...l.addresses()].map(([b, a]) => [b, a.port]))
      const brokers = new TestClusterBrokerFacade(cluster, id, ports)
      return new KafkaApis({ handlers: [...createApiHandlers(brokers), ...(data ? data(cluster, id, brokers) : []), ...groupApiHandlers(new ClusterGroupFacade(cluster, id), brokers)] })
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
