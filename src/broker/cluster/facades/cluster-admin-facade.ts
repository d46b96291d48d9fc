/**
 * ClusterAdminFacade: the AdminFacade (../../protocol/admin-facade.ts) of one broker over the
 * Cluster, built from its public methods (createTopic / validateCreateTopic, deleteTopic,
 * createPartitions / validateCreatePartitions, deleteRecords, alterTopicConfigs,
 * electPreferredLeaders, describeTopic, replicaLog, logDir, leaderRebalance), plus the broker configs of
 * ../../model/broker-configs.ts and statfs for DescribeLogDirs.
 *
 * Must stay true: validate-only calls go through the Cluster's validate methods and change nothing;
 * config values are printed as Kafka prints them (LONG in decimal, a whole DOUBLE as "1.0"); a topic
 * config's source is DYNAMIC_TOPIC_CONFIG when it differs from Kafka's default, else DEFAULT_CONFIG
 * (only values are kept, see topicConfigSource); broker configs are read-only.
 */
import fs from 'node:fs'
import { KafkaError, type KafkaErrorName } from '../../model/errors'
import {
  BROKER_CONFIG_TABLE,
  DEFAULT_NUM_PARTITIONS,
  DEFAULT_REPLICATION_FACTOR,
  TOPIC_CONFIG_BROKER_SYNONYMS,
  type BrokerConfigDef
} from '../../model/broker-configs'
import { topicConfigDef, topicConfigNames, topicConfigSource } from '../../model/topic-config-values'
import type { TopicConfigDef, TopicConfigName, TopicConfigOverrides, TopicConfigs } from '../../model/topic-configs'
import type { AdminConfigEntry, AdminCreatedTopic, AdminFacade, AdminLogDir, ConfigTypeName } from '../../protocol/admin-facade'
import type { Cluster } from '../cluster'
import { validateTopicConfigs } from '../topic-config'
import { leaderRebalanceConfigValues } from '../../controller/leader-rebalance-config'
import type { ListenerAddresses } from './broker-facade-impl'

/** The zero uuid (Uuid.ZERO_UUID): a validate-only CreateTopics answer carries no topic id. */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** Options of ClusterAdminFacade. */
export interface ClusterAdminFacadeOptions {
  /**
   * The listeners' bound addresses (BrokerListeners.addresses), for the listeners config; a broker
   * without one has no listener. Default: the Cluster's BrokerState.address.
   */
  addresses?: ListenerAddresses
  /** statfs of a path (default fs.statfsSync): injectable for tests. */
  statfs?: (path: string) => { bsize: number; blocks: number; bavail: number }
}

/** A config value as Kafka prints it: a LONG in decimal, a whole DOUBLE with ".0" (Java's Double.toString). */
export function kafkaConfigValue(def: TopicConfigDef, value: unknown): string {
  if (def.type === 'double' && typeof value === 'number' && Number.isInteger(value)) return `${value}.0`
  return String(value)
}

function configType(def: TopicConfigDef): ConfigTypeName {
  return ({ long: 'LONG', int: 'INT', double: 'DOUBLE', string: 'STRING', list: 'LIST', boolean: 'BOOLEAN' } as const)[def.type]
}

/** Every config of `configs` as DescribeConfigs lists a topic's, in table order. */
export function topicConfigEntries(configs: Readonly<TopicConfigs>): AdminConfigEntry[] {
  return topicConfigNames().map((name) => {
    const def = topicConfigDef(name)!
    const value = kafkaConfigValue(def, configs[name])
    const source = topicConfigSource(name, configs[name])
    const brokerDefault = { name: TOPIC_CONFIG_BROKER_SYNONYMS[name], value: kafkaConfigValue(def, def.default), source: 'DEFAULT_CONFIG' as const }
    return {
      name,
      value,
      readOnly: false,
      source,
      isSensitive: false,
      synonyms: source === 'DYNAMIC_TOPIC_CONFIG' ? [{ name, value, source }, brokerDefault] : [brokerDefault],
      type: configType(def),
      documentation: def.doc
    }
  })
}

/** The AdminFacade of broker `brokerId` over `cluster`. */
export class ClusterAdminFacade implements AdminFacade {
  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number,
    private readonly opts: ClusterAdminFacadeOptions = {}
  ) {}

  brokerIds(): number[] {
    return this.cluster
      .brokers()
      .map((b) => b.id)
      .sort((a, b) => a - b)
  }

  createTopic(req: Parameters<AdminFacade['createTopic']>[0]): AdminCreatedTopic {
    const configs: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.configs)) {
      if (v === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${k}`)
      configs[k] = v
    }
    let partitions = req.partitions
    let replicationFactor = req.replicationFactor
    if (req.assignment) {
      if (partitions !== -1 || replicationFactor !== -1)
        throw new KafkaError('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
      partitions = req.assignment.length
      replicationFactor = req.assignment[0]?.length ?? 0
    } else {
      if (partitions === -1) partitions = DEFAULT_NUM_PARTITIONS
      if (replicationFactor === -1) replicationFactor = DEFAULT_REPLICATION_FACTOR
    }
    const opts = { partitions, replicationFactor, configs: configs as TopicConfigOverrides, assignment: req.assignment }
    if (req.validateOnly) {
      const v = this.cluster.validateCreateTopic(req.name, opts)
      return { topicId: ZERO_UUID, partitions: v.partitions, replicationFactor: v.replicationFactor, configs: topicConfigEntries(v.configs) }
    }
    const t = this.cluster.createTopic(req.name, opts)
    return { topicId: this.cluster.topicId(req.name), partitions: t.partitions.length, replicationFactor: t.replicationFactor, configs: topicConfigEntries(t.configs) }
  }

  topicName(topicId: string): string | undefined {
    return this.cluster.listTopics({ includeInternal: true }).find((t) => this.cluster.topicId(t.name) === topicId)?.name
  }

  topicId(name: string): string | undefined {
    try {
      return this.cluster.topicId(name)
    } catch (e) {
      if (e instanceof KafkaError && e.code === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined
      throw e
    }
  }

  deleteTopic(name: string): void {
    this.cluster.deleteTopic(name)
  }

  createPartitions(name: string, count: number, assignment: number[][] | undefined, validateOnly: boolean): void {
    if (validateOnly) this.cluster.validateCreatePartitions(name, count, { assignment })
    else this.cluster.createPartitions(name, count, { assignment })
  }

  deleteRecords(topic: string, partition: number, offset: number): { lowWatermark: number } {
    return { lowWatermark: this.cluster.deleteRecords(this.brokerId, topic, partition, offset).lowWatermark }
  }

  topicConfigs(name: string): AdminConfigEntry[] {
    return topicConfigEntries(this.cluster.describeTopic(name).configs)
  }

  brokerConfigs(id: number): AdminConfigEntry[] {
    const broker = this.cluster.brokers().find((b) => b.id === id)
    if (!broker) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} is not a broker of this cluster (brokers ${this.brokerIds().join(', ')})`)
    const bound = this.opts.addresses?.().get(id)
    const address = this.opts.addresses ? (bound ? `${bound.host}:${bound.port}` : null) : broker.address
    const listener = address ? `PLAINTEXT://${address}` : null
    // What this engine does, where it differs from Kafka's defaults (as server.properties would set it).
    const own: Record<string, string | null> = {
      'broker.id': String(id),
      'node.id': String(id),
      'process.roles': 'broker,controller',
      listeners: listener,
      'advertised.listeners': listener,
      'log.dirs': this.cluster.logDir(id),
      'auto.create.topics.enable': 'false'
    }
    // The leader rebalance configs the cluster was opened with, where they differ from Kafka's defaults.
    for (const [name, value] of Object.entries(leaderRebalanceConfigValues(this.cluster.leaderRebalance)))
      if (BROKER_CONFIG_TABLE.find((d) => d.name === name)?.kafkaDefault !== value) own[name] = value
    const entry = (d: BrokerConfigDef): AdminConfigEntry => {
      const isOwn = Object.prototype.hasOwnProperty.call(own, d.name)
      const value = isOwn ? own[d.name] : d.kafkaDefault
      const source = isOwn ? ('STATIC_BROKER_CONFIG' as const) : ('DEFAULT_CONFIG' as const)
      const synonyms = [{ name: d.name, value, source }]
      if (isOwn && d.kafkaDefault !== null) synonyms.push({ name: d.name, value: d.kafkaDefault, source: 'DEFAULT_CONFIG' as const })
      return { name: d.name, value, readOnly: true, source, isSensitive: false, synonyms, type: d.type, documentation: d.doc }
    }
    const fromTopics: AdminConfigEntry[] = topicConfigNames().map((name: TopicConfigName) => {
      const def = topicConfigDef(name)!
      const value = kafkaConfigValue(def, def.default)
      return {
        name: TOPIC_CONFIG_BROKER_SYNONYMS[name],
        value,
        readOnly: true,
        source: 'DEFAULT_CONFIG',
        isSensitive: false,
        synonyms: [{ name: TOPIC_CONFIG_BROKER_SYNONYMS[name], value, source: 'DEFAULT_CONFIG' }],
        type: configType(def),
        documentation: `The default of the topic config ${name}: ${def.doc}`
      }
    })
    return [...BROKER_CONFIG_TABLE.map(entry), ...fromTopics.filter((e) => !BROKER_CONFIG_TABLE.some((d) => d.name === e.name))].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    )
  }

  alterTopicConfigs(name: string, change: { set: Record<string, string>; reset: string[]; replace: boolean }, validateOnly: boolean): void {
    const current = this.cluster.describeTopic(name).configs
    const overrides: Record<string, unknown> = {}
    if (change.replace) for (const k of topicConfigNames()) overrides[k] = topicConfigDef(k)!.default
    for (const k of change.reset) {
      const def = topicConfigDef(k)
      if (!def) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${k}`)
      overrides[k] = def.default
    }
    Object.assign(overrides, change.set)
    // Every check first (names, types, ranges); nothing is applied unless all pass.
    validateTopicConfigs(overrides, current)
    if (!validateOnly) this.cluster.alterTopicConfigs(name, overrides as TopicConfigOverrides)
  }

  topicPartitions(): { topic: string; partitions: number }[] {
    return this.cluster.listTopics({ includeInternal: true }).map((t) => ({ topic: t.name, partitions: t.partitions.length }))
  }

  electPreferredLeader(topic: string, partition: number): void {
    const p = this.partitionState(topic, partition)
    if (p.leader === p.replicas[0]) throw new KafkaError('ELECTION_NOT_NEEDED', `Leader election not needed for topic partition ${topic}-${partition}: its preferred replica, broker ${p.replicas[0]}, leads`)
    const moved = this.cluster.electPreferredLeaders(topic, partition)
    if (moved.length === 0) {
      const preferred = p.replicas[0]
      const state = p.replicaStates.find((r) => r.brokerId === preferred)
      const why = state?.offline ? `broker ${preferred} is stopped or its log is offline` : !p.isr.includes(preferred) ? `broker ${preferred} is not in the ISR [${p.isr.join(', ')}]` : p.leader < 0 ? 'the partition is offline' : `broker ${preferred} does not hold everything the leader has`
      throw new KafkaError('PREFERRED_LEADER_NOT_AVAILABLE', `Failed to elect the preferred leader of ${topic}-${partition}: ${why}`)
    }
  }

  electUncleanLeader(topic: string, partition: number): void {
    this.partitionState(topic, partition)
    const [r] = this.cluster.electLeaders('unclean', topic, partition)
    if (r.outcome !== 'elected' && r.error) throw new KafkaError(r.error.code as KafkaErrorName, r.error.message)
  }

  logDir(): AdminLogDir {
    const dir = this.cluster.logDir(this.brokerId)
    let totalBytes = -1
    let usableBytes = -1
    try {
      const st = (this.opts.statfs ?? fs.statfsSync)(dir)
      totalBytes = st.blocks * st.bsize
      usableBytes = st.bavail * st.bsize
    } catch {
      // unknown (-1), as Kafka answers when it cannot tell
    }
    const partitions: AdminLogDir['partitions'] = []
    for (const t of this.cluster.listTopics({ includeInternal: true }))
      for (const p of t.partitions) {
        if (!p.replicas.includes(this.brokerId)) continue
        const log = this.cluster.replicaLog(this.brokerId, t.name, p.partition)
        if (!log) continue
        partitions.push({ topic: t.name, partition: p.partition, sizeBytes: log.sizeInBytes, offsetLag: Math.max(0, p.logEndOffset - log.logEndOffset) })
      }
    return { path: dir, totalBytes, usableBytes, partitions }
  }

  private partitionState(topic: string, partition: number) {
    const t = this.cluster.describeTopic(topic)
    const p = t.partitions.find((x) => x.partition === partition)
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic ${topic} does not exist (topic has ${t.partitions.length} partitions)`)
    return p
  }
}
