/**
 * The GroupCoordinator's env in the embedded cluster: how the coordinator reaches
 * `__consumer_offsets` through the cluster's parts (Kafka's GroupCoordinator reaches it through the
 * ReplicaManager and the MetadataCache, and has the topic created on first use by the
 * AutoTopicCreationManager): the offsets topic created when missing (compacted, 100 MiB segments,
 * replication factor min(3, live brokers)), its partitions' leaders and leader epochs, appends
 * through the leaders' ReplicaManagers, a partition read to its end at load, and the high watermark
 * and log start offset of any partition for lag.
 *
 * Must stay true: reads for load go through the leader's log when the partition has one, else
 * through its most complete replica (an offline offsets partition still loads what it holds); a
 * leader counts only while its broker is alive.
 */
import { KafkaError } from '../model/errors'
import type { Consumer } from '../client/consumer'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { TopicMeta } from '../cluster/cluster-metadata'
import type { ClusterView } from '../cluster/cluster-view'
import type { PartitionLeaders } from '../cluster/partition-leaders'
import { validateTopicConfigs } from '../cluster/topic-config'
import type { Controller } from '../controller/controller'
import type { DelayedProducePurgatory } from '../server/delayed-produce'
import type { StoredRecord } from '../storage/storage-types'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR } from './committed-offsets'
import type { GroupCoordinatorEnv } from './group-coordinator'
import type { GroupConfig } from './group-membership'

/** The cluster's parts a GroupCoordinator is wired to. */
export interface GroupCoordinatorParts {
  /** The cluster's clock, ms since the epoch. */
  clock(): number
  /** The acks=all waits (offset commits wait in it too). */
  purgatory: DelayedProducePurgatory
  /** The active controller (registrations, AlterPartition, replica states). */
  controller: Controller
  /** Where each partition is led. */
  leaders: PartitionLeaders
  /** The in-process consumer (the log start offset a load reads from). */
  consumer: Consumer
  /** The logs the API shows (an offline partition's most complete replica). */
  view: ClusterView
  /** The followers of `topic`-`i` fetch now (ReplicaFetcherManager.fetchPartition). */
  fetchPartition(topic: string, i: number): void
  /** Reports a cluster event. */
  event(e: ClusterEventInput): void
  /** Overrides of the group settings (Kafka's group.* broker configs). */
  config?: Partial<GroupConfig>
}

/** The GroupCoordinatorEnv made of the cluster's `parts`. */
export function groupCoordinatorEnv(parts: GroupCoordinatorParts): GroupCoordinatorEnv {
  const { controller, leaders } = parts
  return {
    clock: parts.clock,
    purgatory: parts.purgatory,
    ensureOffsetsTopic: () => ensureOffsetsTopic(controller).partitions.length,
    leaderReplicaManager: (topic, i) => leaders.replicaManagerOf(topic, i),
    leaderPartition: (topic, i) => leaders.replicaManagerOf(topic, i)?.partition(topic, i) ?? null,
    leaderOf: (topic, i) => {
      const pm = controller.replication.topic(topic)?.partitions[i]
      if (!pm) return null
      return { leader: pm.leader >= 0 && controller.registry.isAlive(pm.leader) ? pm.leader : -1, leaderEpoch: pm.leaderEpoch }
    },
    replicatePartition: (topic, i) => parts.fetchPartition(topic, i),
    readAll: (topic, i, each) => readAll(parts, topic, i, each),
    offsetsOf: (topic, i) => {
      const t = controller.replication.topic(topic)
      if (!t || i >= t.partitions.length) return null
      const view = parts.view.logOf(t, i)
      return { highWatermark: view?.highWatermark ?? 0, logStartOffset: view?.logStartOffset ?? 0 }
    },
    partitionCount: (topic) => controller.replication.topic(topic)?.partitions.length ?? null,
    event: (e) => parts.event(e),
    config: parts.config
  }
}

/**
 * The __consumer_offsets topic, created (internal, compacted, 100 MiB segments, replication factor
 * min(OFFSETS_TOPIC_REPLICATION_FACTOR, live brokers)) when missing.
 * @throws KafkaError BROKER_NOT_AVAILABLE when no broker runs to host it.
 */
function ensureOffsetsTopic(controller: Controller): TopicMeta {
  const existing = controller.replication.topic(OFFSETS_TOPIC)
  if (existing) return existing
  const live = controller.registry.liveIds().length
  if (live === 0) throw new KafkaError('BROKER_NOT_AVAILABLE', `No live broker to host ${OFFSETS_TOPIC}`)
  const configs = validateTopicConfigs({ 'cleanup.policy': 'compact', 'segment.bytes': 104857600 })
  return controller.createInternalTopic(OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, Math.min(OFFSETS_TOPIC_REPLICATION_FACTOR, live), configs)
}

/** Reads every record of `topic`-`i` from its leader, or from the most complete replica when offline. */
function readAll(parts: GroupCoordinatorParts, topic: string, i: number, each: (r: StoredRecord) => void): void {
  const t = parts.controller.topicOrThrow(topic)
  if (t.partitions[i].leader >= 0) {
    let offset = parts.consumer.listOffset(topic, i, 'earliest') ?? 0
    for (;;) {
      const rm = parts.leaders.replicaManagerOrThrow(topic, i)
      const end = rm.partition(topic, i)?.logEndOffset ?? 0
      if (offset >= end) return
      const batch = rm.partition(topic, i)!.readAsLeader((log) => log.readRecords(offset, { maxRecords: 10000 }))
      if (batch.length === 0) return
      for (const r of batch) each(r)
      offset = batch[batch.length - 1].offset + 1
    }
  }
  const log = parts.view.logOf(t, i)
  if (!log) return
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const batch = log.readRecords(offset, { maxRecords: 10000 })
    if (batch.length === 0) break
    for (const r of batch) each(r)
    offset = batch[batch.length - 1].offset + 1
  }
}
