/**
 * ClusterBrokerFacade: the wire protocol's BrokerFacade (../../protocol/broker-facade.ts) over a
 * Cluster, for one broker: the live brokers with the addresses their listeners bound, the
 * controller id, and every topic with its topic id (KIP-516, assigned by the controller when the
 * topic was created and kept in the metadata log) and partitions (leader, leader epoch, replicas,
 * ISR, offline replicas), as Kafka's KRaftMetadataCache answers Metadata.
 *
 * Must stay true: answers come from the controller's registrations at the time of the call (never
 * cached); a broker is listed only while it runs and, when the listeners' addresses are given, only
 * while its listener is up, with the address it actually bound; offline replicas are those on a
 * stopped broker or whose log is offline (KAFKA_STORAGE_ERROR), as KRaftMetadataCache.getOfflineReplicas.
 */
import type { BrokerFacade, FacadeBroker, FacadePartition, FacadeTopic } from '../../protocol/broker-facade'
import type { Cluster } from '../cluster'
import type { TopicMeta } from '../cluster-metadata'

/** Where each broker's listener is bound (BrokerListeners.addresses()), broker id -> host and port. */
export type ListenerAddresses = () => ReadonlyMap<number, { host: string; port: number }>

/** Options of the facade. */
export interface ClusterBrokerFacadeOptions {
  /**
   * The listeners' bound addresses; brokers without one are not listed (their listener is down or
   * closed). Default: every running broker at its address label ("127.0.0.1:9092"...).
   */
  addresses?: ListenerAddresses
}

/** Metadata's view of `cluster` from broker `brokerId`. */
export class ClusterBrokerFacade implements BrokerFacade {
  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number,
    private readonly opts: ClusterBrokerFacadeOptions = {}
  ) {}

  /** The cluster id (meta.properties). */
  clusterId(): string {
    return this.cluster.clusterId
  }

  /** The running brokers with a listener up, ordered by id. */
  liveBrokers(): FacadeBroker[] {
    const bound = this.opts.addresses?.()
    const out: FacadeBroker[] = []
    for (const b of this.cluster.brokers()) {
      if (!b.alive) continue
      if (bound) {
        const a = bound.get(b.id)
        if (a) out.push({ nodeId: b.id, host: a.host, port: a.port, rack: null })
        continue
      }
      const i = b.address.lastIndexOf(':')
      out.push({ nodeId: b.id, host: b.address.slice(0, i), port: Number(b.address.slice(i + 1)), rack: null })
    }
    return out.sort((a, b) => a.nodeId - b.nodeId)
  }

  /** The active controller: the live broker with the lowest id (-1 when none runs). */
  controllerId(): number {
    return this.cluster.controllerId
  }

  /** Every topic (internal ones included), ordered by name. */
  topics(): FacadeTopic[] {
    return [...this.cluster.topicRegistrations()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => this.describe(t))
  }

  /** The topic named `name`, or undefined. */
  topic(name: string): FacadeTopic | undefined {
    const t = this.cluster.topicRegistration(name)
    return t ? this.describe(t) : undefined
  }

  /** The topic whose KIP-516 id is `topicId`, or undefined. */
  topicById(topicId: string): FacadeTopic | undefined {
    const t = this.cluster.topicRegistrations().find((x) => x.topicId === topicId)
    return t ? this.describe(t) : undefined
  }

  private describe(t: Readonly<TopicMeta>): FacadeTopic {
    return {
      name: t.name,
      topicId: t.topicId,
      isInternal: t.internal,
      partitions: t.partitions.map(
        (p, i): FacadePartition => ({
          partitionIndex: i,
          leaderId: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicaNodes: [...p.replicas],
          isrNodes: [...p.isr],
          offlineReplicas: p.replicas.filter((b) => !this.cluster.isBrokerRunning(b) || this.cluster.replicaManager(b).partition(t.name, i)?.offline != null)
        })
      )
    }
  }
}
