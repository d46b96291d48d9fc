/**
 * HeadlessCluster: the cluster as `brokerlab start` runs it, without a UI: opened in this process on
 * a data directory, with its brokers' Kafka listeners (open-listeners.ts), until it is closed. The
 * CLI reaches the engine only through src/host, so this is the part of `start` that holds the
 * cluster.
 *
 * Must stay true: `close` closes the listeners (and their connections, and listeners.json) before
 * the cluster (logs flushed, lock released); a failure to start the listeners closes the cluster.
 */
import type { ClusterApi } from '../broker/cluster/cluster-api'
import type { BrokerListeners } from '../broker/protocol/network/broker-listeners'
import type { RecordedListener } from '../broker/protocol/network/listeners-file'
import { openCluster, type OpenClusterOptions } from './open-cluster'
import { startListeners, type ListenerSettings } from './open-listeners'

/** A cluster running headless in this process. Create with `HeadlessCluster.open`, always `await close()`. */
export class HeadlessCluster {
  private listeners: BrokerListeners | null = null
  private closing: Promise<void> | null = null

  private constructor(
    private readonly cluster: ClusterApi,
    private readonly dataDir: string
  ) {}

  /**
   * Opens (creating if needed) the cluster in `opts.dataDir`; no listener runs yet (see startListeners).
   * @throws KafkaError KAFKA_STORAGE_ERROR (unusable or locked directory) or INVALID_REQUEST (bad broker count).
   */
  static open(opts: OpenClusterOptions): HeadlessCluster {
    return new HeadlessCluster(openCluster(opts), opts.dataDir)
  }

  /** The cluster id (Kafka's, 22 base64url characters). */
  get clusterId(): string {
    return this.cluster.clusterId
  }

  /** How many brokers the cluster has (its listeners use BASE to BASE + count - 1). */
  get brokerCount(): number {
    return this.cluster.brokers().length
  }

  /**
   * Starts a listener for every running broker; resolves once each is listening or down.
   * @throws KafkaError INVALID_REQUEST when the base port cannot serve the brokers.
   */
  async startListeners(settings: ListenerSettings, log: (line: string) => void): Promise<void> {
    this.listeners = await startListeners(this.cluster, this.dataDir, settings, log)
  }

  /** Every broker's listener (empty before startListeners). */
  listenerStatuses(): RecordedListener[] {
    return this.listeners?.statuses() ?? []
  }

  /** The listening brokers as a Kafka bootstrap string ('' when none listens). */
  bootstrapServers(): string {
    return this.listeners?.bootstrapServers() ?? ''
  }

  /** Closes the listeners, then the cluster. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.listeners?.close()
      } finally {
        await this.cluster.close()
      }
    })()
    return this.closing
  }
}
