/**
 * A real cluster on the wire for the client suites, as the hosts run one: a Cluster (3 brokers by
 * default, background replication on, the real clock, a temporary directory) with the brokers'
 * listeners started by src/host/open-listeners.ts (127.0.0.1, free ports), each serving its broker's
 * KafkaApis; Metadata advertises the bound ports. The cluster is served by the host's EngineService
 * too, so a suite reads a group's lag through the contract (`group/describe`) exactly as the UI does.
 * `stopBroker` stops a broker, which closes its listener and its connections (the network code
 * follows the broker-stopped event). Everything is stopped by `close()`, which is idempotent.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../src/broker/cluster/cluster'
import type { ClusterOptions } from '../../src/broker/cluster/cluster-api'
import type { GroupConfig } from '../../src/broker/group/group-membership'
import type { BrokerListeners } from '../../src/broker/protocol/network/broker-listeners'
import { EngineService } from '../../src/host/engine-service'
import { startListeners } from '../../src/host/open-listeners'
import type { GroupMembershipView, GroupView } from '../../src/shared/contract'

/** The running cluster, its listeners and the contract's service over it. */
export interface WireCluster {
  cluster: Cluster
  listeners: BrokerListeners
  service: EngineService
  /** The listeners' log lines so far (connections closed and why, handler failures), oldest first. */
  logs: string[]
  /** The listening brokers' "host:port,..." */
  bootstrap(): string
  /** Stops broker `id` and waits until its listener is closed. */
  stopBroker(id: number): Promise<void>
  /** The group as the app shows it: the contract's `group/describe` through EngineService. @throws Error with the contract's code and message when refused. */
  appGroup(groupId: string): Promise<GroupView>
  /** The group's members as the app shows them: the contract's `group/membership` (assignments decoded). @throws Error with the contract's code and message when refused. */
  appMembership(groupId: string): Promise<GroupMembershipView>
  close(): Promise<void>
}

/** Options of startWireCluster. */
export interface WireClusterOptions {
  brokers?: number
  /** Group coordinator settings, e.g. a shorter group.initial.rebalance.delay.ms (default Kafka's 3000 ms). */
  groupConfig?: Partial<GroupConfig>
  /** Shorter broker.session.timeout.ms / broker.heartbeat.interval.ms / replica.lag.time.max.ms (ms), so fences happen within a suite (chaos). */
  timeouts?: Pick<ClusterOptions, 'brokerSessionTimeoutMs' | 'brokerHeartbeatIntervalMs' | 'replicaLagTimeMaxMs'>
}

/** Starts a cluster of `brokers` brokers (default 3) with their listeners on free ports of 127.0.0.1. */
export async function startWireCluster(opts: WireClusterOptions = {}): Promise<WireCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-clients-'))
  const cluster = new Cluster({ dataDir: dir, brokers: opts.brokers ?? 3, storage: 'file', log: () => {}, eventLog: () => {}, onBackgroundError: () => {}, groupConfig: opts.groupConfig ?? {}, ...opts.timeouts })
  let listeners: BrokerListeners
  const logs: string[] = []
  try {
    listeners = await startListeners(cluster, dir, { host: '127.0.0.1', basePort: 0 }, (line) => void logs.push(line))
  } catch (e) {
    await cluster.close()
    fs.rmSync(dir, { recursive: true, force: true })
    throw e
  }
  const service = new EngineService(cluster, { listeners })
  let closed = false
  return {
    cluster,
    listeners,
    service,
    logs,
    bootstrap: () => listeners.bootstrapServers(),
    async stopBroker(id) {
      cluster.stopBroker(id)
      await listeners.settled()
    },
    async appGroup(groupId) {
      const reply = await service.handle('group/describe', { groupId })
      if (!reply.ok) throw new Error(`group/describe ${groupId}: ${reply.error.code} ${reply.error.message}`)
      return reply.data
    },
    async appMembership(groupId) {
      const reply = await service.handle('group/membership', { groupId })
      if (!reply.ok) throw new Error(`group/membership ${groupId}: ${reply.error.code} ${reply.error.message}`)
      return reply.data
    },
    async close() {
      if (closed) return
      closed = true
      await service.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
