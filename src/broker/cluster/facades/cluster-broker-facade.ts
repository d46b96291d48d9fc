/**
 * ClusterBrokerFacade: Metadata's BrokerFacade (../../protocol/broker-facade.ts) of one broker over
 * the Cluster: the running brokers with their listener addresses (given by the host that bound
 * them; by default the Cluster's address labels), the controller id, and every topic with its
 * KIP-516 id and partitions (leader, leader epoch, replicas, ISR, offline replicas).
 *
 * Must stay true: built from the Cluster's public methods only; a broker whose listener is not up
 * (`address` answers null) is not listed; the controller id is a running broker's.
 */
import type { BrokerFacade, FacadeBroker, FacadeTopic } from '../../protocol/broker-facade'
import type { TopicState } from '../cluster-api'
import type { Cluster } from '../cluster'

/** Options of ClusterBrokerFacade. */
export interface ClusterBrokerFacadeOptions {
  /** Where broker `id`'s listener is bound, or null when it is down (default: the Cluster's BrokerState.address). */
  address?: (id: number) => { host: string; port: number } | null
}

/** Metadata's view of `cluster`, answering for broker `brokerId`. */
export class ClusterBrokerFacade implements BrokerFacade {
  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number,
    private readonly opts: ClusterBrokerFacadeOptions = {}
  ) {}

  clusterId(): string {
    return this.cluster.clusterId
  }

  liveBrokers(): FacadeBroker[] {
    const out: FacadeBroker[] = []
    for (const b of this.cluster.brokers()) {
      if (!b.alive) continue
      const addr = this.opts.address ? this.opts.address(b.id) : parseAddress(b.address)
      if (addr) out.push({ nodeId: b.id, host: addr.host, port: addr.port, rack: null })
    }
    return out.sort((a, b) => a.nodeId - b.nodeId)
  }

  controllerId(): number {
    return this.cluster.controllerId
  }

  topics(): FacadeTopic[] {
    return this.cluster.listTopics({ includeInternal: true }).map((t) => this.describe(t))
  }

  topic(name: string): FacadeTopic | undefined {
    const t = this.cluster.listTopics({ includeInternal: true }).find((x) => x.name === name)
    return t && this.describe(t)
  }

  topicById(topicId: string): FacadeTopic | undefined {
    return this.topics().find((t) => t.topicId === topicId)
  }

  private describe(t: TopicState): FacadeTopic {
    return {
      name: t.name,
      topicId: this.cluster.topicId(t.name),
      isInternal: t.internal,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        leaderId: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: [...p.replicas],
        isrNodes: [...p.isr],
        offlineReplicas: p.replicaStates.filter((r) => r.offline).map((r) => r.brokerId)
      }))
    }
  }
}

/** "host:port" -> { host, port }, or null when it is not one. */
function parseAddress(address: string): { host: string; port: number } | null {
  const i = address.lastIndexOf(':')
  const port = Number(address.slice(i + 1))
  return i > 0 && Number.isInteger(port) ? { host: address.slice(0, i), port } : null
}
