/**
 * MetadataImage: the cluster metadata as replaying the metadata log builds it (Kafka's MetadataImage
 * with its ClusterImage, TopicsImage and ConfigurationsImage): brokers and whether they are fenced,
 * topics by id with their partitions (replicas, ISR, leader, leader epoch, partition epoch, the epoch
 * of the last unclean election), and
 * topic config overrides by topic name.
 *
 * Must stay true:
 * - replay applies one record or throws (MetadataReplayError naming the record and the rule) without
 *   changing anything; a record that does not fit the image (a partition of an unknown topic, a
 *   topic id or name used twice, an ISR outside the replicas) is never half-applied.
 * - records() replayed onto an empty image with the same cluster id gives an equal image, so a
 *   snapshot holds exactly the image.
 * - Config overrides are kept as text (ConfigRecord's Value), so Long values stay exact; the full
 *   configs of toClusterMetadata are Kafka's defaults plus the overrides, checked by
 *   validateTopicConfigs.
 * - Topic order is creation order, brokers in registration order, as ClusterMetadata lists them.
 */
import { OFFSETS_TOPIC } from '../group/committed-offsets'
import type { ClusterMetadata, TopicMeta } from '../cluster/cluster-metadata'
import { METADATA_VERSION } from '../cluster/cluster-metadata'
import { validateTopicConfigs } from '../cluster/topic-config'
import type { MetadataChange, TopicCreatedChange } from './metadata-change'
import { CONFIG_RESOURCE_TOPIC, partitionRecord, type MetadataRecord } from './metadata-records'

/** A record that does not apply to the image (the message names the record and the rule). */
export class MetadataReplayError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MetadataReplayError'
  }
}

/** One partition as the image holds it (Kafka's PartitionRegistration, the fields the engine has). */
export interface PartitionImage {
  replicas: number[]
  isr: number[]
  /** -1 when offline. */
  leader: number
  leaderEpoch: number
  /** Bumped by every change of the partition (Kafka's partition epoch). */
  partitionEpoch: number
  /** The leader epoch of its last unclean election, when it had one (PartitionMeta.uncleanEpoch). */
  uncleanEpoch?: number
}

/** One topic as the image holds it. */
export interface TopicImage {
  name: string
  topicId: string
  partitions: PartitionImage[]
}

/**
 * Whether a topic is internal, decided by its name as Kafka's Topic.isInternal does (the only
 * internal topic of this engine is __consumer_offsets).
 */
export function isInternalTopic(name: string): boolean {
  return name === OFFSETS_TOPIC
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/** The cluster metadata built by replaying records. Create with MetadataImage.empty. */
export class MetadataImage {
  readonly clusterId: string
  private readonly brokerFenced = new Map<number, boolean>()
  private readonly topicsById = new Map<string, TopicImage>()
  private readonly topicIdByName = new Map<string, string>()
  private readonly configsByTopic = new Map<string, Map<string, string>>()
  private _nextProducerId = 0
  private producerIdBlockBroker = 0

  private constructor(clusterId: string) {
    this.clusterId = clusterId
  }

  /** An image with no brokers and no topics, of cluster `clusterId`. */
  static empty(clusterId: string): MetadataImage {
    return new MetadataImage(clusterId)
  }

  /** True while no broker and no topic was replayed. */
  get isEmpty(): boolean {
    return this.brokerFenced.size === 0 && this.topicsById.size === 0
  }

  /** The first producer id not yet handed out (Kafka's ProducerIdsRecord.NextProducerId; 0 before any block). */
  get nextProducerId(): number {
    return this._nextProducerId
  }

  /** Broker ids in registration order with whether each is fenced (stopped). */
  brokers(): ReadonlyMap<number, boolean> {
    return this.brokerFenced
  }

  /** Topics in creation order. Do not mutate. */
  topics(): Iterable<TopicImage> {
    return this.topicsById.values()
  }

  /** The topic with id `topicId`, or undefined. Do not mutate. */
  topic(topicId: string): TopicImage | undefined {
    return this.topicsById.get(topicId)
  }

  /** The config overrides of topic `name` (key -> value as text); empty when it has none. */
  configOverrides(name: string): ReadonlyMap<string, string> {
    return this.configsByTopic.get(name) ?? new Map()
  }

  /**
   * Applies `record` (read at metadata log offset `offset`) and returns the changes it made: none
   * when it changed nothing (a ConfigRecord setting the value a key has, a partition change naming
   * no field), two when a partition change moved the leader and the ISR.
   * @throws MetadataReplayError naming the record and offset when it does not apply; the image is
   *   unchanged then.
   */
  replay(record: MetadataRecord, offset: number): MetadataChange[] {
    const fail = (why: string): never => {
      throw new MetadataReplayError(`${record.type} at offset ${offset} ${JSON.stringify(record.data)} does not apply: ${why}`)
    }
    switch (record.type) {
      case 'ProducerIdsRecord': {
        const d = record.data
        if (d.NextProducerId <= this._nextProducerId) fail(`the next producer id ${d.NextProducerId} is not above ${this._nextProducerId}: producer ids are never handed out twice`)
        this._nextProducerId = d.NextProducerId
        this.producerIdBlockBroker = d.BrokerId
        return []
      }
      case 'RegisterBrokerRecord': {
        const d = record.data
        if (this.brokerFenced.has(d.BrokerId)) fail(`broker ${d.BrokerId} is registered already`)
        this.brokerFenced.set(d.BrokerId, d.Fenced)
        return [{ kind: 'broker-registered', offset, brokerId: d.BrokerId, alive: !d.Fenced }]
      }
      case 'BrokerRegistrationChangeRecord': {
        const d = record.data
        const fenced = this.brokerFenced.get(d.BrokerId)
        if (fenced === undefined) fail(`broker ${d.BrokerId} is not registered`)
        if (d.Fenced === 0 || fenced === (d.Fenced === 1)) return []
        this.brokerFenced.set(d.BrokerId, d.Fenced === 1)
        return [d.Fenced === 1 ? { kind: 'broker-stopped', offset, brokerId: d.BrokerId } : { kind: 'broker-started', offset, brokerId: d.BrokerId }]
      }
      case 'TopicRecord': {
        const d = record.data
        if (this.topicsById.has(d.TopicId)) fail(`topic id ${d.TopicId} exists already`)
        if (this.topicIdByName.has(d.Name)) fail(`a topic named ${d.Name} exists already`)
        this.topicsById.set(d.TopicId, { name: d.Name, topicId: d.TopicId, partitions: [] })
        this.topicIdByName.set(d.Name, d.TopicId)
        return [{ kind: 'topic-created', offset, topic: d.Name, topicId: d.TopicId, partitions: 0, replicationFactor: 0, configs: {} }]
      }
      case 'PartitionRecord': {
        const d = record.data
        const t = this.topicsById.get(d.TopicId) ?? fail(`no topic has id ${d.TopicId}`)
        if (d.PartitionId !== t.partitions.length) fail(`topic ${t.name} has ${t.partitions.length} partitions, so the next one is ${t.partitions.length}`)
        const why = this.partitionProblem(d.Replicas, d.Isr, d.Leader)
        if (why) fail(why)
        if (d.UncleanEpoch !== undefined && d.UncleanEpoch > d.LeaderEpoch) fail(`the unclean epoch ${d.UncleanEpoch} is above the leader epoch ${d.LeaderEpoch}`)
        t.partitions.push({
          replicas: [...d.Replicas],
          isr: [...d.Isr],
          leader: d.Leader,
          leaderEpoch: d.LeaderEpoch,
          partitionEpoch: d.PartitionEpoch,
          ...(d.UncleanEpoch !== undefined ? { uncleanEpoch: d.UncleanEpoch } : {})
        })
        return [{ kind: 'partitions-added', offset, topic: t.name, topicId: t.topicId, from: d.PartitionId, to: d.PartitionId + 1 }]
      }
      case 'PartitionChangeRecord':
        return this.replayPartitionChange(record.data, offset, fail)
      case 'ConfigRecord': {
        const d = record.data
        if (d.ResourceType !== CONFIG_RESOURCE_TOPIC) fail(`resource type ${d.ResourceType} is not a topic (${CONFIG_RESOURCE_TOPIC}); this engine keeps topic configs only`)
        const overrides = this.configsByTopic.get(d.ResourceName) ?? new Map<string, string>()
        if ((overrides.get(d.Name) ?? null) === d.Value) return []
        if (d.Value !== null) {
          try {
            validateTopicConfigs({ [d.Name]: d.Value })
          } catch (e) {
            fail((e as Error).message)
          }
          overrides.set(d.Name, d.Value)
        } else overrides.delete(d.Name)
        if (overrides.size === 0) this.configsByTopic.delete(d.ResourceName)
        else this.configsByTopic.set(d.ResourceName, overrides)
        return [{ kind: 'configs-changed', offset, topic: d.ResourceName, configs: [{ name: d.Name, value: d.Value }] }]
      }
      case 'RemoveTopicRecord': {
        const t = this.topicsById.get(record.data.TopicId) ?? fail(`no topic has id ${record.data.TopicId}`)
        this.topicsById.delete(t.topicId)
        this.topicIdByName.delete(t.name)
        // Kafka's replay of RemoveTopicRecord removes the topic's configs too.
        this.configsByTopic.delete(t.name)
        return [{ kind: 'topic-deleted', offset, topic: t.name, topicId: t.topicId }]
      }
    }
  }

  private replayPartitionChange(d: (MetadataRecord & { type: 'PartitionChangeRecord' })['data'], offset: number, fail: (why: string) => never): MetadataChange[] {
    const t = this.topicsById.get(d.TopicId) ?? fail(`no topic has id ${d.TopicId}`)
    const p = t.partitions[d.PartitionId] ?? fail(`topic ${t.name} has no partition ${d.PartitionId}`)
    const leaderSet = d.Leader !== undefined && d.Leader !== -2
    const replicas = d.Replicas ?? p.replicas
    const isr = d.Isr ?? p.isr
    const leader = leaderSet ? d.Leader! : p.leader
    if (d.LeaderEpoch !== undefined && !leaderSet) fail('a leader epoch comes with the leader it belongs to')
    const why = this.partitionProblem(replicas, isr, leader)
    if (why) fail(why)
    if (d.UncleanEpoch !== undefined && !leaderSet) fail('an unclean epoch comes with the leader elected uncleanly')
    if (!leaderSet && d.Isr === undefined && d.Replicas === undefined) return []
    // Kafka's PartitionRegistration.merge: a new leader starts a new leader epoch; every change a new partition epoch.
    const leaderEpoch = leaderSet ? (d.LeaderEpoch ?? p.leaderEpoch + 1) : p.leaderEpoch
    if (d.UncleanEpoch !== undefined && d.UncleanEpoch > leaderEpoch) fail(`the unclean epoch ${d.UncleanEpoch} is above the leader epoch ${leaderEpoch}`)
    const previous = { ...p }
    p.replicas = [...replicas]
    p.isr = [...isr]
    p.leader = leader
    p.leaderEpoch = leaderEpoch
    p.partitionEpoch = d.PartitionEpoch ?? p.partitionEpoch + 1
    if (d.UncleanEpoch !== undefined) p.uncleanEpoch = d.UncleanEpoch
    const at = { offset, topic: t.name, topicId: t.topicId, partition: d.PartitionId }
    const changes: MetadataChange[] = []
    if (d.Replicas !== undefined && !sameList(previous.replicas, p.replicas))
      changes.push({ kind: 'replicas-changed', ...at, replicas: [...p.replicas], previousReplicas: previous.replicas })
    if (leaderSet) changes.push({ kind: 'leader-elected', ...at, leader, previousLeader: previous.leader, leaderEpoch })
    if (d.Isr !== undefined && !sameList(previous.isr, p.isr))
      changes.push({
        kind: 'isr-changed',
        ...at,
        isr: [...p.isr],
        previousIsr: previous.isr,
        added: p.isr.filter((b) => !previous.isr.includes(b)),
        removed: previous.isr.filter((b) => !p.isr.includes(b))
      })
    return changes
  }

  /** Why replicas / ISR / leader cannot describe a partition, or null. */
  private partitionProblem(replicas: readonly number[], isr: readonly number[], leader: number): string | null {
    const unknown = replicas.filter((b) => !this.brokerFenced.has(b))
    if (unknown.length > 0) return `replicas ${unknown.join(', ')} are not registered brokers`
    if (new Set(replicas).size !== replicas.length) return `a broker appears twice in the replicas [${replicas.join(', ')}]`
    if (isr.some((b) => !replicas.includes(b)) || new Set(isr).size !== isr.length) return `the ISR [${isr.join(', ')}] must be distinct replicas of [${replicas.join(', ')}]`
    if (leader !== -1 && !replicas.includes(leader)) return `leader ${leader} is not one of the replicas [${replicas.join(', ')}]`
    return null
  }

  /**
   * Replays `records` appended at offsets `firstOffset`.. and returns what they changed, merged as
   * one persist reads best: a new topic's partitions and configs are part of its topic-created
   * change; consecutive partitions added to a topic are one partitions-added, consecutive configs of
   * a topic one configs-changed; a partition change that moved the leader and the ISR gives both.
   * @throws MetadataReplayError at the first record that does not apply; the records before it stay
   *   applied (callers replay records they made from this image, or read from the log).
   */
  replayAll(records: readonly MetadataRecord[], firstOffset: number): MetadataChange[] {
    const out: MetadataChange[] = []
    const created = new Map<string, TopicCreatedChange>()
    records.forEach((record, i) => {
      for (const change of this.replay(record, firstOffset + i)) this.merge(out, created, change)
    })
    return out
  }

  /** Adds `change` to `out`, folded into the change before it or into its new topic's topic-created where it belongs. */
  private merge(out: MetadataChange[], created: Map<string, TopicCreatedChange>, change: MetadataChange): void {
    const last = out[out.length - 1]
    if (change.kind === 'topic-created') created.set(change.topicId, change)
    if (change.kind === 'partitions-added') {
      const newTopic = created.get(change.topicId)
      if (newTopic) {
        newTopic.partitions = change.to
        if (change.from === 0) newTopic.replicationFactor = this.topicsById.get(change.topicId)!.partitions[0].replicas.length
        return
      }
      if (last?.kind === 'partitions-added' && last.topicId === change.topicId && last.to === change.from) {
        last.to = change.to
        return
      }
    }
    if (change.kind === 'configs-changed') {
      const newTopic = [...created.values()].find((c) => c.topic === change.topic && this.topicIdByName.get(c.topic) === c.topicId)
      if (newTopic) {
        for (const c of change.configs) {
          if (c.value === null) delete newTopic.configs[c.name]
          else newTopic.configs[c.name] = c.value
        }
        return
      }
      if (last?.kind === 'configs-changed' && last.topic === change.topic) {
        last.configs.push(...change.configs)
        return
      }
    }
    out.push(change)
  }

  /**
   * Every record describing this image, in an order replay accepts: the brokers, then per topic its
   * TopicRecord, ConfigRecords (overrides) and PartitionRecords; then config overrides of names that
   * are no topic (Kafka keeps them; this engine writes none); then the ProducerIdsRecord of the next
   * producer id. A snapshot's content.
   */
  records(): MetadataRecord[] {
    const out: MetadataRecord[] = []
    for (const [id, fenced] of this.brokerFenced) out.push({ type: 'RegisterBrokerRecord', version: 0, data: { BrokerId: id, Fenced: fenced } })
    const configRecords = (name: string): void => {
      for (const [key, value] of this.configsByTopic.get(name) ?? [])
        out.push({ type: 'ConfigRecord', version: 0, data: { ResourceType: CONFIG_RESOURCE_TOPIC, ResourceName: name, Name: key, Value: value } })
    }
    for (const t of this.topicsById.values()) {
      out.push({ type: 'TopicRecord', version: 0, data: { Name: t.name, TopicId: t.topicId } })
      configRecords(t.name)
      t.partitions.forEach((p, i) => out.push(partitionRecord(t.topicId, i, p, p.partitionEpoch)))
    }
    for (const name of this.configsByTopic.keys()) if (!this.topicIdByName.has(name)) configRecords(name)
    if (this._nextProducerId > 0) out.push({ type: 'ProducerIdsRecord', version: 0, data: { BrokerId: this.producerIdBlockBroker, NextProducerId: this._nextProducerId } })
    return out
  }

  /**
   * The image as the cluster holds it (a new object sharing nothing with the image): brokers
   * ({id, alive = not fenced}), topics with their full configs (Kafka's defaults plus the overrides),
   * internal by name, partitions without their partition epochs; `version` METADATA_VERSION.
   * @throws KafkaError INVALID_CONFIG when an override no longer passes the config rules.
   */
  toClusterMetadata(cleanShutdown: boolean): ClusterMetadata {
    return {
      version: METADATA_VERSION,
      clusterId: this.clusterId,
      cleanShutdown,
      ...(this._nextProducerId > 0 ? { nextProducerId: this._nextProducerId, producerIdBlockBroker: this.producerIdBlockBroker } : {}),
      brokers: [...this.brokerFenced].map(([id, fenced]) => ({ id, alive: !fenced })),
      topics: [...this.topicsById.values()].map(
        (t): TopicMeta => ({
          name: t.name,
          topicId: t.topicId,
          internal: isInternalTopic(t.name),
          configs: validateTopicConfigs(Object.fromEntries(this.configsByTopic.get(t.name) ?? [])),
          partitions: t.partitions.map((p) => ({
            replicas: [...p.replicas],
            leader: p.leader,
            leaderEpoch: p.leaderEpoch,
            isr: [...p.isr],
            ...(p.uncleanEpoch !== undefined ? { uncleanEpoch: p.uncleanEpoch } : {})
          }))
        })
      )
    }
  }
}
