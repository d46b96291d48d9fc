/**
 * PartitionLeaders: where a partition is led, as a broker's metadata cache answers it (Kafka's
 * MetadataCache.getPartitionInfo / getPartitionLeaderEndpoint), read from the controller's
 * registrations: a topic-partition's registration, and the ReplicaManager of its running leader.
 *
 * Must stay true: pure reads; a partition whose leader is -1 or a broker that does not run has no
 * leader here (offline), and the errors name the topic-partition as Kafka's do.
 */
import { KafkaError } from '../model/errors'
import type { Controller } from '../controller/controller'
import type { TopicMeta } from './cluster-metadata'
import type { ReplicaManager } from '../server/replica-manager'

/** Lookups of partition registrations and their leaders' ReplicaManagers. */
export class PartitionLeaders {
  /** @param replicaManager broker `id`'s ReplicaManager, undefined for an unknown id. */
  constructor(
    private readonly controller: Controller,
    private readonly replicaManager: (id: number) => ReplicaManager | undefined
  ) {}

  /** The running leader's ReplicaManager of `topic`-`i`, or null when offline (or unknown). */
  replicaManagerOf(topic: string, i: number): ReplicaManager | null {
    const pm = this.controller.replication.topic(topic)?.partitions[i]
    if (!pm || pm.leader < 0 || !this.controller.registry.isAlive(pm.leader)) return null
    return this.replicaManager(pm.leader) ?? null
  }

  /**
   * The running leader's ReplicaManager of `topic`-`i`.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION (see registrationOrThrow), LEADER_NOT_AVAILABLE when offline.
   */
  replicaManagerOrThrow(topic: string, i: number): ReplicaManager {
    this.registrationOrThrow(topic, i)
    const rm = this.replicaManagerOf(topic, i)
    if (!rm) throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${i} is offline: no live in-sync replica to lead it`)
    return rm
  }

  /**
   * The controller's registration of `topic`-`i` (its replicas and leader).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition (naming the partition count).
   */
  registrationOrThrow(topic: string, i: number): { replicas: number[]; leader: number } {
    return this.topicOrThrow(topic, i).partitions[i]
  }

  /**
   * The controller's registration of topic `topic`, which has a partition `i`.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition (naming the partition count).
   */
  topicOrThrow(topic: string, i: number): TopicMeta {
    const t = this.controller.topicOrThrow(topic)
    const pm = Number.isInteger(i) ? t.partitions[i] : undefined
    if (!pm) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${i} of topic ${topic} does not exist (topic has ${t.partitions.length} partitions)`)
    return t
  }
}
