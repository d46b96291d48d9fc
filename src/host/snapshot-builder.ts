/**
 * Builds the ClusterSnapshot the hosts push to the UI (at most once a second): brokers, topics,
 * partition states, health counts (under-replicated, under-min-ISR, offline), throughput series,
 * each group's total lag with its history, each user topic's replicas' lag behind their leaders
 * with its history (ReplicaLagHistory, served by topic/replica-lag-history), and the newest cluster events; with the host's listeners, each broker's bound address and listener state
 * and its clients' activity (connected clients, requests by API, errors by code).
 *
 * Must stay true: the group-lag history keeps at most HISTORY_POINTS points per group (5 minutes at
 * one snapshot a second), the replica-lag history at most REPLICA_LAG_HISTORY_POINTS per replica; a
 * group, partition or replica that disappears loses its history; internal topics are left out
 * of `topics` and `partitions` (the UI shows user topics), but the cluster-wide health counts include
 * them, as Kafka's UnderReplicatedPartitions and OfflinePartitionsCount metrics do; a broker's client
 * list holds at most SNAPSHOT_CLIENTS_PER_BROKER connections (the oldest), with the total beside it.
 */
import {
  SNAPSHOT_CLIENTS_PER_BROKER,
  SNAPSHOT_EVENTS,
  type BrokerActivityView,
  type BrokerView,
  type ClusterSnapshot,
  type PartitionView,
  type ReplicaLagHistoryView,
  type SeriesPoint,
  type ThroughputView
} from '../shared/contract'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import { KafkaError } from '../broker/model/errors'
import type { RecordedListener } from '../broker/protocol/network/listeners-file'
import type { BrokerActivity } from '../broker/protocol/request-metrics'
import { toBrokerView, toPartitionView, toThroughputView, toTopicSummary } from './contract-views'
import { groupLagRows } from './group-details'
import { ReplicaLagHistory } from './replica-lag-history'

/** Points of lag history kept per group (300 = 5 minutes at 1 snapshot/s). */
export const HISTORY_POINTS = 300

/** What the snapshots read of the host's listeners (BrokerListeners has both). */
export interface SnapshotListeners {
  /** Every broker's listener. */
  statuses(): RecordedListener[]
  /** Broker `brokerId`'s clients and request meters, or null when its listener keeps none. */
  activity(brokerId: number): BrokerActivity | null
}

/** A broker's activity for the contract: the oldest SNAPSHOT_CLIENTS_PER_BROKER clients, the rates as kept. */
export function toBrokerActivityView(a: BrokerActivity): BrokerActivityView {
  return {
    clients: a.clients.slice(0, SNAPSHOT_CLIENTS_PER_BROKER).map((c) => ({
      connectionId: c.connectionId,
      clientId: c.clientId,
      softwareName: c.softwareName,
      softwareVersion: c.softwareVersion,
      address: c.clientAddress,
      connectedSinceMs: c.firstSeenMs,
      lastSeenMs: c.lastSeenMs,
      requests: c.requests
    })),
    connections: a.clients.length,
    requests: a.requests.map((r) => ({ ...r })),
    errors: a.errors.map((e) => ({ ...e })),
    requestsPerSec: a.requests.reduce((s, r) => s + r.perSec, 0)
  }
}

/** Builds snapshots and remembers each group's total lag over time. */
export class SnapshotBuilder {
  private readonly lagHistory = new Map<string, SeriesPoint[]>()
  private readonly replicaLag = new ReplicaLagHistory()

  /**
   * @param listeners the brokers' listeners of this host, when it runs them: their bound addresses,
   *   states and clients' activity go into the broker views.
   */
  constructor(
    private readonly cluster: ClusterApi,
    private readonly clock: () => number = Date.now,
    private readonly listeners: SnapshotListeners | null = null
  ) {}

  /** The address broker `brokerId` is reached at: its listener's bound address when this host runs one, else its address label; null for an unknown broker. */
  brokerAddress(brokerId: number): string | null {
    const b = this.cluster.brokers().find((x) => x.id === brokerId)
    if (!b) return null
    return toBrokerView(b, this.cluster.controllerId, this.listeners?.statuses().find((l) => l.brokerId === brokerId)).address
  }

  /** A snapshot of the whole cluster now; appends one lag point per group to the history. */
  build(): ClusterSnapshot {
    const cluster = this.cluster
    const takenAt = this.clock()
    const listeners = this.listeners?.statuses() ?? null
    const topics = cluster.listTopics({ includeInternal: false }).sort((a, b) => (a.name < b.name ? -1 : 1))
    const partitions: Record<string, PartitionView[]> = {}
    const topicThroughput: Record<string, ThroughputView> = {}
    for (const t of topics) {
      partitions[t.name] = [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => toPartitionView(p, t.configs['min.insync.replicas']))
      topicThroughput[t.name] = toThroughputView(cluster.topicRates(t.name))
    }
    const groups = [...cluster.listGroups()].sort().map((groupId) => ({
      groupId,
      totalLag: groupLagRows(cluster, groupId).reduce((s, r) => s + r.lag, 0)
    }))
    const groupLag: Record<string, SeriesPoint[]> = {}
    for (const g of groups) {
      const series = this.lagHistory.get(g.groupId) ?? []
      series.push({ t: takenAt, v: g.totalLag })
      if (series.length > HISTORY_POINTS) series.splice(0, series.length - HISTORY_POINTS)
      this.lagHistory.set(g.groupId, series)
      groupLag[g.groupId] = series.map((p) => ({ ...p }))
    }
    for (const id of [...this.lagHistory.keys()]) if (!(id in groupLag)) this.lagHistory.delete(id)
    // Kafka's UnderReplicatedPartitions / OfflinePartitionsCount count every partition, __consumer_offsets too.
    const { underReplicatedPartitions, underMinIsrPartitions, offlinePartitions } = cluster.partitionHealth()
    this.replicaLag.record(takenAt, topics.flatMap((t) => t.partitions))
    return {
      takenAt,
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId,
      brokers: cluster.brokers().map((b) => this.brokerView(b, listeners)),
      topics: topics.map(toTopicSummary),
      partitions,
      underReplicatedPartitions,
      offlinePartitions,
      underMinIsrPartitions,
      throughput: toThroughputView(cluster.clusterRates()),
      topicThroughput,
      groups,
      groupLag,
      events: cluster.recentEvents(undefined, SNAPSHOT_EVENTS).map((e) => ({ ...e }))
    }
  }

  /**
   * Each replica's lag of `topic`-`partition` over the snapshots taken so far (at most
   * REPLICA_LAG_HISTORY_POINTS each, oldest first); empty series before the first snapshot.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  replicaLagHistory(topic: string, partition: number): ReplicaLagHistoryView {
    const t = this.cluster.describeTopic(topic)
    if (!t.partitions.some((p) => p.partition === partition))
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${topic} has no partition ${partition} (it has ${t.partitions.length}: 0 to ${t.partitions.length - 1})`)
    return { topic, partition, replicas: this.replicaLag.series(topic, partition) }
  }

  private brokerView(b: ReturnType<ClusterApi['brokers']>[number], listeners: RecordedListener[] | null): BrokerView {
    const view = toBrokerView(b, this.cluster.controllerId, listeners?.find((l) => l.brokerId === b.id))
    const activity = this.listeners?.activity(b.id)
    if (activity) view.activity = toBrokerActivityView(activity)
    return view
  }
}
