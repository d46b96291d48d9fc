/**
 * A real cluster on the wire for the client tests: a Cluster (3 brokers by default, background
 * replication on, a temporary directory) and, per broker, a KafkaApis over the real facades behind
 * a test-only TCP server on 127.0.0.1 (a port the OS picks); Metadata advertises those ports.
 * `stopBroker` stops a broker and closes its server, as a stopped broker's listener is closed.
 * Everything is stopped by `close()`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { ClusterReplicaFacade } from '../../../../../src/broker/cluster/facades/replica-facade-impl'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import { startTestFrameServer, type TestFrameServer } from '../test-frame-server'

/** The running cluster and its servers. */
export interface WireCluster {
  cluster: Cluster
  /** "127.0.0.1:p1,127.0.0.1:p2,..." of the brokers whose server runs. */
  bootstrap(): string
  /** Stops broker `id` and closes its server (its connections too). */
  stopBroker(id: number): Promise<void>
  close(): Promise<void>
}

/** Starts a cluster of `brokers` brokers with a server each. */
export async function startWireCluster(brokers = 3): Promise<WireCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-clients-'))
  const cluster = new Cluster({ dataDir: dir, brokers, storage: 'file', log: () => {}, eventLog: () => {}, onBackgroundError: () => {} })
  const servers = new Map<number, TestFrameServer>()
  const replicas = new Map<number, ClusterReplicaFacade>()
  const addresses = () => new Map([...servers].map(([id, s]) => [id, { host: '127.0.0.1', port: s.port }]))
  for (const b of cluster.brokers()) {
    const r = new ClusterReplicaFacade(cluster, b.id)
    replicas.set(b.id, r)
    const apis = new KafkaApis({ handlers: createApiHandlers(new ClusterBrokerFacade(cluster, b.id, { addresses }), r) })
    servers.set(b.id, await startTestFrameServer(() => apis))
  }
  return {
    cluster,
    bootstrap: () => [...servers.values()].map((s) => `127.0.0.1:${s.port}`).join(','),
    async stopBroker(id) {
      cluster.stopBroker(id)
      const s = servers.get(id)
      servers.delete(id)
      replicas.get(id)?.close()
      await s?.close()
    },
    async close() {
      for (const r of replicas.values()) r.close()
      for (const s of servers.values()) await s.close()
      servers.clear()
      await cluster.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
