/**
 * Test harness for the admin APIs over a real Cluster: a 3-broker cluster in a temporary data
 * directory (file storage, no background replication, an injected clock), KafkaApis of one broker
 * with Metadata's and the admin facade over the Cluster, and `call` to send one request encoded with
 * the generated codec through handleFrame and decode the answer. `close` stops the cluster and
 * removes its directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { ByteReader } from '../../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../../src/broker/codec/byte-writer'
import { Cluster, type ClusterTestOptions } from '../../../../../src/broker/cluster/cluster'
import { ClusterAdminFacade } from '../../../../../src/broker/cluster/facades/cluster-admin-facade'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { requestHeaderVersion, responseHeaderVersion } from '../../../../../src/broker/protocol/header-versions'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import { apiMessages } from '../../../../../src/broker/protocol/messages'
import { writeRequestHeader } from '../../../../../src/broker/protocol/messages/request-header'
import { readResponseHeader } from '../../../../../src/broker/protocol/messages/response-header'

/** A cluster with one broker's KafkaApis over it. */
export interface AdminHarness {
  cluster: Cluster
  dir: string
  /** Lines the dispatchers logged (handler failures). */
  logs: string[]
  /** KafkaApis of broker `brokerId` (default 1). */
  apis(brokerId?: number): KafkaApis
  /** Sends one request of `apiKey` / `version` to broker `brokerId` (default 1) and returns the decoded response. */
  call<T = any>(apiKey: number, version: number, req: object, brokerId?: number): Promise<T>
  close(): Promise<void>
}

/** Opens the harness (3 brokers unless `opts.brokers` says otherwise). */
export function adminHarness(opts: { brokers?: number } & ClusterTestOptions = {}): AdminHarness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-admin-'))
  const clock = { now: 1_700_000_000_000 }
  const cluster = new Cluster({ dataDir: dir, brokers: opts.brokers ?? 3, clock: () => clock.now, autoReplicate: false, storage: 'file', log: () => {}, eventLog: () => {}, ...opts })
  const apis = new Map<number, KafkaApis>()
  const logs: string[] = []
  const apisOf = (id = 1): KafkaApis => {
    let k = apis.get(id)
    if (!k) apis.set(id, (k = new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, id), admin: new ClusterAdminFacade(cluster, id) }), log: (l) => logs.push(l) })))
    return k
  }
  let correlation = 0
  return {
    cluster,
    dir,
    logs,
    apis: apisOf,
    async call(apiKey, version, req, brokerId = 1) {
      const spec = apiMessages(apiKey)!
      const w = new ByteWriter(256)
      const correlationId = ++correlation
      writeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'admin-test' }, requestHeaderVersion(apiKey, version))
      spec.writeRequest(w, { ...(spec.defaultRequest() as object), ...req }, version)
      const res = await apisOf(brokerId).handleFrame(w.toBuffer(), { brokerId, connectionId: `c-${brokerId}`, clientAddress: '127.0.0.1:50000', listenerPort: 9092 })
      const r = new ByteReader(res!)
      expect(readResponseHeader(r, responseHeaderVersion(apiKey, version)).correlationId).toBe(correlationId)
      const body = spec.readResponse(r, version)
      expect(r.remaining()).toBe(0)
      return body as any
    },
    async close() {
      await cluster.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
