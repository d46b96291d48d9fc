/**
 * The metadata records that turn one image into another (the reverse of Kafka's MetadataDelta: the
 * records a controller would have written for those changes). Lets the cluster keep its in-memory
 * ClusterMetadata and persist it, the metadata log writing only what changed.
 *
 * Must stay true: replaying metadataDelta(image, next) onto `image` gives an image whose
 * toClusterMetadata equals `next` (cluster id, brokers and whether they run, topics in order with
 * their ids, configs, partitions' replicas, ISR, leader, leader epoch, unclean epoch, the next producer id); no record is written for what
 * did not change. Changes no record can express are refused, never written half.
 */
import type { ClusterMetadata, PartitionMeta, TopicMeta } from '../cluster/cluster-metadata'
import { DEFAULT_TOPIC_CONFIGS } from '../model/topic-config-values'
import type { MetadataImage, PartitionImage } from './metadata-image'
import { CONFIG_RESOURCE_TOPIC, partitionRecord, type MetadataRecord, type PartitionChangeRecord } from './metadata-records'

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * A topic's config overrides as ConfigRecord values: every key whose value (as text) differs from
 * Kafka's default, as Kafka keeps only the configs set for a topic.
 */
export function configOverrides(configs: Readonly<Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>()
  const defaults = DEFAULT_TOPIC_CONFIGS as Readonly<Record<string, unknown>>
  for (const [key, value] of Object.entries(configs)) {
    if (value === undefined) continue
    const text = String(value)
    if (!(key in defaults) || String(defaults[key]) !== text) out.set(key, text)
  }
  return out
}

/**
 * The records that turn `image` into `next`, in an order replay accepts: new brokers
 * (RegisterBrokerRecord), brokers stopped or started (BrokerRegistrationChangeRecord), deleted
 * topics (RemoveTopicRecord), then per topic of `next` in its order: a new topic's TopicRecord,
 * ConfigRecords for configs that changed (Value null: back to the default), PartitionRecords for new
 * partitions, PartitionChangeRecords for partitions whose ISR, leader, leader epoch, unclean epoch
 * or replicas changed; last a ProducerIdsRecord when nextProducerId rose. Topics are matched by topic id (a
 * topic deleted and created again under its name is a RemoveTopicRecord and a TopicRecord).
 * @throws Error naming the change when `next` changes what records cannot express: another cluster
 *   id, a broker removed, a topic renamed, partitions removed, an unclean epoch removed or set
 *   without a new leader epoch.
 */
export function metadataDelta(image: MetadataImage, next: ClusterMetadata): MetadataRecord[] {
  if (next.clusterId !== image.clusterId) throw new Error(`the cluster id cannot change (${image.clusterId} -> ${next.clusterId})`)
  const out: MetadataRecord[] = []
  const brokers = image.brokers()
  const nextBrokers = new Set(next.brokers.map((b) => b.id))
  for (const id of brokers.keys()) if (!nextBrokers.has(id)) throw new Error(`broker ${id} cannot be removed from the cluster`)
  for (const b of next.brokers) {
    const fenced = brokers.get(b.id)
    if (fenced === undefined) out.push({ type: 'RegisterBrokerRecord', version: 0, data: { BrokerId: b.id, Fenced: !b.alive } })
    else if (fenced === b.alive) out.push({ type: 'BrokerRegistrationChangeRecord', version: 0, data: { BrokerId: b.id, Fenced: b.alive ? -1 : 1 } })
  }
  const nextIds = new Set(next.topics.map((t) => t.topicId))
  const removedNames = new Set<string>()
  for (const t of image.topics())
    if (!nextIds.has(t.topicId)) {
      out.push({ type: 'RemoveTopicRecord', version: 0, data: { TopicId: t.topicId } })
      removedNames.add(t.name)
    }
  for (const t of next.topics) {
    const current = image.topic(t.topicId)
    if (current && current.name !== t.name) throw new Error(`topic ${current.name} (${t.topicId}) cannot be renamed to ${t.name}`)
    if (!current) out.push({ type: 'TopicRecord', version: 0, data: { Name: t.name, TopicId: t.topicId } })
    // A topic created again under a deleted one's name starts from the defaults (its configs went with RemoveTopicRecord).
    configRecords(out, t, current === undefined || removedNames.has(t.name) ? new Map() : image.configOverrides(t.name))
    partitionRecords(out, t, current?.partitions ?? [])
  }
  const nextProducerId = next.nextProducerId ?? 0
  if (nextProducerId < image.nextProducerId) throw new Error(`the next producer id cannot go down (${image.nextProducerId} -> ${nextProducerId})`)
  if (nextProducerId > image.nextProducerId) out.push({ type: 'ProducerIdsRecord', version: 0, data: { BrokerId: next.producerIdBlockBroker ?? 0, NextProducerId: nextProducerId } })
  return out
}

/** ConfigRecords turning the overrides `before` into those of `t.configs`. */
function configRecords(out: MetadataRecord[], t: TopicMeta, before: ReadonlyMap<string, string>): void {
  const after = configOverrides(t.configs as unknown as Record<string, unknown>)
  const record = (name: string, value: string | null): MetadataRecord => ({
    type: 'ConfigRecord',
    version: 0,
    data: { ResourceType: CONFIG_RESOURCE_TOPIC, ResourceName: t.name, Name: name, Value: value }
  })
  for (const [name, value] of after) if (before.get(name) !== value) out.push(record(name, value))
  for (const name of before.keys()) if (!after.has(name)) out.push(record(name, null))
}

/** PartitionRecords for partitions of `t` beyond `before`, PartitionChangeRecords for those that changed. */
function partitionRecords(out: MetadataRecord[], t: TopicMeta, before: readonly PartitionImage[]): void {
  if (t.partitions.length < before.length) throw new Error(`partitions of topic ${t.name} cannot be removed (${before.length} -> ${t.partitions.length})`)
  t.partitions.forEach((p, i) => {
    const old = before[i]
    if (old === undefined) {
      out.push(partitionRecord(t.topicId, i, p, 0))
      return
    }
    const change = partitionChange(t.topicId, i, old, p, t.name)
    if (change) out.push(change)
  })
}

/** The PartitionChangeRecord turning `old` into `p`, or null when nothing changed. */
function partitionChange(topicId: string, partition: number, old: PartitionImage, p: PartitionMeta, topic: string): PartitionChangeRecord | null {
  const data: PartitionChangeRecord['data'] = { PartitionId: partition, TopicId: topicId }
  let changed = false
  if (!sameList(old.replicas, p.replicas)) {
    data.Replicas = [...p.replicas]
    changed = true
  }
  if (!sameList(old.isr, p.isr)) {
    data.Isr = [...p.isr]
    changed = true
  }
  if (old.leader !== p.leader || old.leaderEpoch !== p.leaderEpoch) {
    data.Leader = p.leader
    data.LeaderEpoch = p.leaderEpoch
    changed = true
  }
  if (old.uncleanEpoch !== p.uncleanEpoch) {
    if (p.uncleanEpoch === undefined) throw new Error(`the unclean epoch of ${topic}-${partition} cannot be removed (it was ${old.uncleanEpoch})`)
    if (data.Leader === undefined) throw new Error(`the unclean epoch of ${topic}-${partition} can only change with an election (a new leader epoch)`)
    data.UncleanEpoch = p.uncleanEpoch
  }
  if (!changed) return null
  data.PartitionEpoch = old.partitionEpoch + 1
  return { type: 'PartitionChangeRecord', version: 0, data }
}
