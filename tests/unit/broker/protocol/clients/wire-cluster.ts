/**
 * A real cluster on the wire for the client tests, as the hosts run one: a Cluster (3 brokers by
 * default, background replication on, a temporary directory) with the brokers' listeners started by
 * src/host/open-listeners.ts (127.0.0.1, free ports), each serving its broker's KafkaApis; Metadata
 * advertises the bound ports. `stopBroker` stops a broker, which closes its listener and its
 * connections (the network code follows the broker-stopped event). Everything is stopped by `close()`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import type { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { startListeners } from '../../../../../src/host/open-listeners'

/** The running cluster and its listeners. */
export interface WireCluster {
  cluster: Cluster
  listeners: BrokerListeners
  /** The listening brokers' "host:port,..." */
  bootstrap(): string
  /** Stops broker `id` and waits until its listener is closed. */
  stopBroker(id: number): Promise<void>
  close(): Promise<void>
}

/** Starts a cluster of `brokers` brokers with their listeners. */
export async function startWireCluster(brokers = 3): Promise<WireCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-wire-clients-'))
  const cluster = new Cluster({ dataDir: dir, brokers, storage: 'file', log: () => {}, eventLog: () => {}, onBackgroundError: () => {} })
  let listeners: BrokerListeners
  try {
    listeners = await startListeners(cluster, dir, { host: '127.0.0.1', basePort: 0 }, () => {})
  } catch (e) {
    await cluster.close()
    throw e
  }
  return {
    cluster,
    listeners,
    bootstrap: () => listeners.bootstrapServers(),
    async stopBroker(id) {
      cluster.stopBroker(id)
      await listeners.settled()
    },
    async close() {
      await listeners.close()
      await cluster.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
