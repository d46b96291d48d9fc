/**
 * Test helpers for the data-plane handlers over a real Cluster: a 3-broker cluster on a temporary
 * directory (injected clock, no background replication), one KafkaApis per broker over the real
 * facades, and `call` that encodes a request with the generated codec, hands the frame to
 * KafkaApis.handleFrame and decodes the response.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { ByteReader } from '../../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../../src/broker/codec/byte-writer'
import { RecordBatchBuilder } from '../../../../../src/broker/codec/record-batch'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { ClusterProducerIds } from '../../../../../src/broker/cluster/facades/producer-id-facade-impl'
import { ClusterReplicaFacade } from '../../../../../src/broker/cluster/facades/replica-facade-impl'
import type { FetchTimer } from '../../../../../src/broker/server/delayed-fetch'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../../src/broker/protocol/header-versions'
import type { MessageInput } from '../../../../../src/broker/protocol/message-codec-support'
import { apiMessages } from '../../../../../src/broker/protocol/messages'
import { writeRequestHeader } from '../../../../../src/broker/protocol/messages/request-header'
import { readResponseHeader } from '../../../../../src/broker/protocol/messages/response-header'
import type { RecordInput } from '../../../../../src/broker/storage/storage-types'

/** A manual timer for long-polling fetches: `fire()` runs the due callbacks. */
export class ManualTimer implements FetchTimer {
  private next = 1
  readonly due = new Map<number, { fn: () => void; ms: number }>()
  set(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.due.set(id, { fn, ms })
    return id
  }
  clear(h: unknown): void {
    this.due.delete(h as number)
  }
  fire(): void {
    const all = [...this.due.values()]
    this.due.clear()
    for (const d of all) d.fn()
  }
}

/** A cluster with one KafkaApis per broker. */
export interface ClusterApis {
  cluster: Cluster
  clock: { now: number }
  timer: ManualTimer
  apis: Map<number, KafkaApis>
  replicas: Map<number, ClusterReplicaFacade>
  close(): Promise<void>
}

/** Opens a cluster of `brokers` brokers with KafkaApis per broker over the real facades. */
export function openClusterApis(brokers = 3): ClusterApis {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-data-'))
  const clock = { now: 1_700_000_000_000 }
  const cluster = new Cluster({ dataDir: dir, brokers, clock: () => clock.now, autoReplicate: false, storage: 'file', log: () => {}, eventLog: () => {} })
  const timer = new ManualTimer()
  const apis = new Map<number, KafkaApis>()
  const replicas = new Map<number, ClusterReplicaFacade>()
  for (const b of cluster.brokers()) {
    const r = new ClusterReplicaFacade(cluster, b.id, { fetchTimer: timer })
    replicas.set(b.id, r)
    apis.set(b.id, new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, b.id), replicas: r, producerIds: new ClusterProducerIds(cluster, b.id) }) }))
  }
  return {
    cluster,
    clock,
    timer,
    apis,
    replicas,
    async close() {
      for (const r of replicas.values()) r.close()
      await cluster.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

let correlation = 1

/** Sends `req` (API `apiKey`, `version`) to `k` and decodes the answer; null when there is none (acks=0). */
export async function call<Res>(k: KafkaApis, apiKey: number, version: number, req: unknown, brokerId = 1): Promise<Res | null> {
  const spec = apiMessages(apiKey)!
  const w = new ByteWriter(256)
  const correlationId = correlation++
  writeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'wire-data-test' }, requestHeaderVersion(apiKey, version))
  spec.writeRequest(w, req as MessageInput<unknown>, version)
  const res = await k.handleFrame(w.toBuffer(), { brokerId, connectionId: `t-${brokerId}`, clientAddress: '127.0.0.1:50000', listenerPort: 9092 })
  if (res === null) return null
  const r = new ByteReader(res)
  expect(readResponseHeader(r, responseHeaderVersion(apiKey, version)).correlationId).toBe(correlationId)
  const body = spec.readResponse(r, version) as Res
  expect(r.remaining()).toBe(0)
  return body
}

const builder = new RecordBatchBuilder()

/** One record batch v2 as a client sends it (base offset 0), copied. */
export function batchOf(records: RecordInput[]): Buffer {
  return Buffer.from(builder.encode(0, records))
}

/** `n` records k<i>/v<i> from `from`, timestamps from `ts` one ms apart. */
export function records(n: number, from = 0, ts = 1_700_000_000_000): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${from + i}`), value: Buffer.from(`v${from + i}`), headers: [], timestamp: ts + from + i }))
}
