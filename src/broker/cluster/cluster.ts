/**
 * Cluster: the embedded multi-broker engine (ClusterApi), as a composition root: it opens the data
 * directory (its lock, the metadata, one log directory per broker) and wires Kafka's parts
 * together: the Controller (../controller: broker registry, replication control with leader
 * elections and ISR changes), one ReplicaManager and ReplicaFetcher per broker (../server: appends,
 * reads, follower fetches), the GroupCoordinator (../group: the classic group protocol, committed
 * offsets and group metadata in __consumer_offsets; it follows the leadership of that topic's
 * partitions after broker stops, starts and elections, and its timers run in the tick), the in-process Producer and Consumer (../client), the rate meters
 * (../metrics), the cluster event log (./cluster-events.ts), the FaultInjector (../faults: stop,
 * start, kill, slow, isolate, heal, and the heartbeats that fence a broker the controller no longer
 * hears from) and the Scheduler (../server) that runs replication rounds after appends and the
 * periodic tick.
 *
 * Layout under dataDir: `.lock` (the owning process), the metadata log `__cluster_metadata-0/`
 * (records and snapshots, ../controller/metadata-log.ts) with `meta.properties` (cluster id) and
 * `.kafka_cleanshutdown`, and one log dir per broker, `broker-<id>/` (a storage LogManager each:
 * clean-shutdown marker, checkpoints), holding `<topic>-<partition>/` replica logs in Kafka's
 * on-disk format. A `cluster.json` of an earlier version is migrated at open (kept as
 * `cluster.json.migrated`). With
 * `autoReplicate: false` nothing runs in the background; tests drive rounds with `replicateNow()` /
 * `tick()` and an injected clock.
 *
 * Must stay true: one owner of state (this object on its event loop); every public method other
 * than `produce` / `commitOffsets` / `deleteGroup` (waiting for acks) and `close` is one synchronous step that
 * validates before it changes anything; metadata is persisted at the end of every step that changed
 * it (appended to the metadata log in the step, fsynced right after it; topic creation and added
 * partitions fsync before they answer; a failed write is reported and retried, except where a step
 * must not go on without it).
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { KafkaError } from '../model/errors'
import { Consumer } from '../client/consumer'
import { Producer } from '../client/producer'
import { Controller } from '../controller/controller'
import { BrokerHeartbeatManager, heartbeatConfig } from '../controller/broker-heartbeat-manager'
import { leaderRebalanceConfig, type LeaderRebalanceConfig } from '../controller/leader-rebalance-config'
import { BrokerFaults } from '../faults/broker-faults'
import { FaultInjector } from '../faults/fault-injector'
import { GroupCoordinator } from '../group/group-coordinator'
import type { GroupConfig } from '../group/group-membership'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR } from '../group/committed-offsets'
import { ClusterMetrics } from '../metrics/cluster-metrics'
import { partitionHealth, type PartitionHealth } from '../metrics/partition-health'
import { DelayedProducePurgatory } from '../server/delayed-produce'
import { ReplicaFetcher } from '../server/replica-fetcher'
import { ReplicaManager } from '../server/replica-manager'
import { Scheduler } from '../server/scheduler'
import type { StorageBackend, StoredRecord } from '../storage/storage-types'
import type {
  BrokerState,
  CleanerResult,
  ClusterApi,
  ClusterOptions,
  ConsumerRecord,
  FetchedBatches,
  GroupDescription,
  GroupLagRow,
  GroupOffsets,
  LeaderElectionResult,
  LeaderElectionType,
  ProduceOptions,
  ProducerRecord,
  RateSeries,
  RecordMetadata,
  SegmentInfo,
  TopicConfigOverrides,
  TopicConfigs,
  TopicState
} from './cluster-api'
import { ClusterEventLog, type ClusterEvent, type ClusterEventInput } from './cluster-events'
import { ClusterView } from './cluster-view'
import type { ClusterMetadata, TopicMeta } from './cluster-metadata'
import { MetadataLog } from '../controller/metadata-log'
import { ensureDirectory } from './data-dir'
import { DataDirLock } from './data-dir-lock'
import { LogManagerStore } from './log-manager-store'
import type { PartitionEnv } from './partition'
import { defaultReplicaBudget, type ReplicaBudget } from './replica-budget'
import type { ReplicaLog, ReplicaLogStore } from './replica-log'
import { validateTopicConfigs } from './topic-config'
import { DEFAULT_TOPIC_CONFIGS } from '../model/topic-config-values'
import { toLogConfig } from '../model/log-config'
import { ProducerIdManager } from '../controller/producer-id-control'

/** Brokers allowed in a cluster. */
export const MIN_BROKERS = 1
export const MAX_BROKERS = 9
export const DEFAULT_BROKERS = 3
/** Kafka's replica.lag.time.max.ms default. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30000
export { DEFAULT_PRODUCE_TIMEOUT_MS } from '../client/producer'
export { DEFAULT_FETCH_MAX_BYTES, DEFAULT_FETCH_MAX_RECORDS } from '../client/consumer'
export { DEFAULT_AUTO_LEADER_REBALANCE_ENABLE, DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, DEFAULT_LEADER_IMBALANCE_PER_BROKER_PERCENTAGE } from '../controller/leader-rebalance-config'
export { FIRST_BROKER_PORT } from './cluster-view'
/**
 * How often (ms) the log of an offline replica (a storage error, e.g. a full disk) is tried again.
 * Kafka keeps a failed log dir offline until the broker restarts; an embedded cluster on a laptop
 * should heal by itself once space is back.
 */
export const DEFAULT_OFFLINE_RETRY_MS = 10000

/** Options beyond ClusterApi's: deterministic tests. */
export interface ClusterTestOptions {
  /** Run replication and ISR checks automatically on the event loop (default true). */
  autoReplicate?: boolean
  /** Random source of the sticky partitioner, floats in [0, 1) (default Math.random). */
  random?: () => number
  /** Where replica logs live (default: a storage LogManager per broker directory on the chosen backend). */
  logStore?: ReplicaLogStore
  /**
   * The storage backend of the default log store, instead of loading `storage`'s (tests and the
   * failure playground: a FaultInjectingBackend wrapping a real one). Ignored with `logStore`.
   */
  storageBackend?: StorageBackend
  /** Log line sink for the storage backend choice (default console.info). */
  log?: (line: string) => void
  /** Errors of background replication rounds (which must not crash the host); default console.error. */
  onBackgroundError?: (err: unknown) => void
  /** Where cluster events are written as lines (default: warnings and errors to console.warn). */
  eventLog?: (line: string) => void
  /** How often (ms) an offline replica's log is tried again (default DEFAULT_OFFLINE_RETRY_MS). */
  offlineRetryMs?: number
  /** Most replicas (partitions x replication factor, internal topics included) the cluster may hold (default: defaultReplicaBudget()). */
  maxReplicas?: number
  /** The group coordinator's settings (Kafka's group.* broker configs), over Kafka's defaults. */
  groupConfig?: Partial<GroupConfig>
}

/** A Kafka-style cluster id: 16 random bytes as 22 characters of base64url (Uuid.randomUuid().toString()). */
function newKafkaUuid(): string {
  return crypto.randomBytes(16).toString('base64url')
}

/**
 * Metadata of a new cluster of `brokers` brokers (ids 1..n, all running).
 * @throws KafkaError INVALID_REQUEST for a broker count outside 1..9.
 */
function newClusterMetadata(brokers: number): ClusterMetadata {
  if (!Number.isInteger(brokers) || brokers < MIN_BROKERS || brokers > MAX_BROKERS)
    throw new KafkaError('INVALID_REQUEST', `A cluster has ${MIN_BROKERS} to ${MAX_BROKERS} brokers, got ${brokers}`)
  return {
    version: 1,
    clusterId: newKafkaUuid(),
    cleanShutdown: true,
    brokers: Array.from({ length: brokers }, (_, i) => ({ id: i + 1, alive: true })),
    topics: []
  }
}

/** The embedded cluster. Create with `new Cluster(opts)` or `Cluster.open(opts)`; always `await close()`. */
export class Cluster implements ClusterApi {
  readonly dataDir: string
  private readonly clock: () => number
  private readonly autoReplicate: boolean
  private readonly store: ReplicaLogStore
  private readonly meta: ClusterMetadata
  private readonly metrics: ClusterMetrics
  private readonly events: ClusterEventLog
  private readonly controller: Controller
  private readonly replicaManagers = new Map<number, ReplicaManager>()
  /** Each broker's current block of producer ids (Kafka's ProducerIdManager per broker). */
  private readonly producerIdManagers = new Map<number, ProducerIdManager>()
  private readonly fetchers = new Map<number, ReplicaFetcher>()
  private readonly purgatory: DelayedProducePurgatory
  private readonly producer: Producer
  private readonly consumer: Consumer
  private readonly groups: GroupCoordinator
  private readonly scheduler: Scheduler
  private readonly view: ClusterView
  private readonly faults = new BrokerFaults()
  private readonly injector: FaultInjector
  private readonly hadCleanShutdown: boolean
  private readonly lock: DataDirLock
  private readonly metadataLog: MetadataLog
  private metaDirty = false
  /** The last metadata write failed (e.g. ENOSPC): reported once, retried at every persist. */
  private metaWriteFailing = false
  private closed = false

  /** Same as `new Cluster(opts)`. */
  static open(opts: ClusterOptions & ClusterTestOptions): Cluster {
    return new Cluster(opts)
  }

  /**
   * Open the cluster in `opts.dataDir`, creating it (with `opts.brokers`, default 3) when the
   * directory holds none. Restores brokers, topics, configs, logs and committed offsets; a damaged
   * or offline replica never keeps it from opening (see ReplicationControl.restoreAfterOpen).
   * @throws KafkaError INVALID_REQUEST for a broker count outside 1..9; KAFKA_STORAGE_ERROR naming the
   *   directory or file for a data directory that is a file, under a file, cannot be created or written,
   *   is locked by a running process, holds a metadata log that cannot be replayed, or a malformed
   *   cluster.json (of an earlier version, migrated at open); INVALID_CONFIG naming the config and
   *   its rule for a bad heartbeat or leader rebalance config (heartbeatConfig, leaderRebalanceConfig).
   */
  constructor(opts: ClusterOptions & ClusterTestOptions) {
    this.dataDir = path.resolve(opts.dataDir)
    this.clock = opts.clock ?? Date.now
    const replicaLagTimeMaxMs = opts.replicaLagTimeMaxMs ?? DEFAULT_REPLICA_LAG_TIME_MAX_MS
    const offlineRetryMs = opts.offlineRetryMs ?? DEFAULT_OFFLINE_RETRY_MS
    this.autoReplicate = opts.autoReplicate ?? true
    const heartbeats = new BrokerHeartbeatManager(heartbeatConfig(opts))
    const rebalance = leaderRebalanceConfig(opts)
    this.purgatory = new DelayedProducePurgatory({ clock: this.clock, replicaLagTimeMaxMs })
    this.metrics = new ClusterMetrics(this.clock)
    this.events = new ClusterEventLog(this.clock, opts.eventLog ?? ((l, e) => e.severity !== 'info' && console.warn(l)))
    const onBackgroundError = opts.onBackgroundError ?? ((e) => console.error('brokerlab replication:', e))
    this.scheduler = new Scheduler(
      () => this.tick(),
      () => this.replicateNow(),
      onBackgroundError
    )
    ensureDirectory(this.dataDir, 'Data directory')
    this.lock = DataDirLock.acquire(this.dataDir, { log: opts.log })
    let store: ReplicaLogStore | undefined
    let metadataLog: MetadataLog | undefined
    try {
      const opened = MetadataLog.open(this.dataDir, {
        backend: opts.storageBackend,
        clock: this.clock,
        log: opts.log,
        onFlushFailure: (e) => this.metadataWriteFailed(e)
      })
      this.metadataLog = metadataLog = opened.log
      const meta = opened.image ?? newClusterMetadata(opts.brokers ?? DEFAULT_BROKERS)
      this.meta = meta
      // Each broker's log dir is made by its LogManager: one that cannot be made is offline, not fatal.
      this.store = store =
        opts.logStore ??
        new LogManagerStore({
          dataDir: this.dataDir,
          brokerIds: meta.brokers.map((b) => b.id),
          storage: opts.storage ?? 'auto',
          backend: opts.storageBackend,
          clock: this.clock,
          log: opts.log,
          onLogFailure: (b, topic, partition, error) =>
            this.replicaManagers.get(b)?.partition(topic, partition)?.markOffline(error, 'its periodic work (flush, retention, cleaning or checkpoint) failed', true),
          configFor: (topic, partition) => {
            const t = meta.topics.find((m) => m.name === topic)
            return t && partition < t.partitions.length ? toLogConfig(t.configs) : null
          }
        })
      this.hadCleanShutdown = meta.cleanShutdown && this.store.hadCleanShutdown
      const budget: ReplicaBudget =
        opts.maxReplicas === undefined ? defaultReplicaBudget(meta.brokers.length) : { max: opts.maxReplicas, reason: 'the maxReplicas option' }
      this.controller = new Controller(meta, {
        clock: this.clock,
        replicaManager: (id) => this.replicaManagers.get(id)!,
        store: this.store,
        metaChanged: () => {
          this.metaDirty = true
        },
        writeMetadata: () => this.writeMetadata(),
        eventLog: this.events,
        event: (e) => this.event(e),
        budget,
        newTopicId: newKafkaUuid,
        rebalance
      })
      const rmOf = (id: number): ReplicaManager => this.replicaManagers.get(id)!
      this.injector = new FaultInjector({ clock: this.clock, controller: this.controller, heartbeats, faults: this.faults, replicaManager: rmOf, store: this.store, event: (e) => this.event(e) })
      for (const b of meta.brokers) {
        const rm = new ReplicaManager(b.id, {
          isRunning: () => this.injector.isRunning(b.id),
          metrics: this.metrics,
          partitionEnv: (topic, i) => this.partitionEnv(b.id, topic, i, replicaLagTimeMaxMs, offlineRetryMs)
        })
        this.replicaManagers.set(b.id, rm)
        this.fetchers.set(
          b.id,
          new ReplicaFetcher(rm, {
            isFetching: () => this.controller.registry.isFetching(b.id) && this.injector.isRunning(b.id),
            replicaManager: (id) => (this.injector.isRunning(id) && this.faults.canReach(b.id, id) ? rmOf(id) : null),
            fetchDelayMs: (id) => this.faults.delayMs(b.id, id),
            clock: this.clock,
            leaderIncomplete: (p, why) => this.controller.replication.leaderIncomplete(p.topic, p.id, why)
          })
        )
      }
      this.producer = new Producer(
        {
          clock: this.clock,
          topic: (name) => this.controller.topicOrThrow(name),
          replicaManager: (id) => this.replicaManagers.get(id)!,
          purgatory: this.purgatory,
          scheduleReplication: () => this.scheduler.scheduleReplication()
        },
        opts.random
      )
      this.consumer = new Consumer({
        leaderOf: (topic, i) => this.leaderReplicaManagerOrThrow(topic, i),
        replicaCount: (topic, i) => this.registrationOrThrow(topic, i).replicas.length
      })
      this.groups = new GroupCoordinator({
        clock: this.clock,
        purgatory: this.purgatory,
        ensureOffsetsTopic: () => this.ensureOffsetsTopic().partitions.length,
        leaderReplicaManager: (topic, i) => this.leaderReplicaManager(topic, i),
        leaderPartition: (topic, i) => this.leaderReplicaManager(topic, i)?.partition(topic, i) ?? null,
        leaderOf: (topic, i) => {
          const pm = this.controller.replication.topic(topic)?.partitions[i]
          if (!pm) return null
          return { leader: pm.leader >= 0 && this.controller.registry.isAlive(pm.leader) ? pm.leader : -1, leaderEpoch: pm.leaderEpoch }
        },
        replicatePartition: (topic, i) => this.replicatePartition(topic, i),
        readAll: (topic, i, each) => this.readAll(topic, i, each),
        offsetsOf: (topic, i) => {
          const t = this.controller.replication.topic(topic)
          if (!t || i >= t.partitions.length) return null
          const view = this.view.logOf(t, i)
          return { highWatermark: view?.highWatermark ?? 0, logStartOffset: view?.logStartOffset ?? 0 }
        },
        partitionCount: (topic) => this.controller.replication.topic(topic)?.partitions.length ?? null,
        event: (e) => this.event(e),
        config: opts.groupConfig
      })
      this.view = new ClusterView(this.controller, this.replicaManagers, this.injector, this.faults, this.clock)
      meta.cleanShutdown = false
      // A full disk must not keep the cluster from opening: the write is retried at the next persist.
      this.metaDirty = true
      this.persist()
      // Configs added since the directory was written take Kafka's defaults.
      for (const t of meta.topics) t.configs = { ...DEFAULT_TOPIC_CONFIGS, ...t.configs }
      this.controller.replication.publishAll()
      this.controller.replication.restoreAfterOpen()
      const offsets = this.controller.replication.topic(OFFSETS_TOPIC)
      if (offsets) this.groups.load(offsets.partitions.length)
      this.persist()
    } catch (e) {
      for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.detach()
      try {
        store?.close()
      } finally {
        metadataLog?.release()
        this.lock.release()
      }
      throw e
    }
    if (this.autoReplicate) {
      this.scheduler.start(Math.max(50, Math.min(500, Math.floor(replicaLagTimeMaxMs / 2), Math.floor(heartbeats.config.heartbeatIntervalMs / 2))))
      // High watermarks reopen at their checkpoints: a first round raises them to what the ISRs hold.
      this.scheduler.scheduleReplication()
    }
  }

  /** The env of broker `b`'s Partition of `topic`-`i`. */
  private partitionEnv(b: number, topic: string, i: number, replicaLagTimeMaxMs: number, offlineRetryMs: number): PartitionEnv {
    const configOf = () => this.controller.replication.topic(topic)?.configs
    return {
      clock: this.clock,
      replicaLagTimeMaxMs,
      offlineRetryMs,
      openLog: (create, recover) => {
        const cfg = configOf()
        return cfg ? this.store.open(b, topic, i, toLogConfig(cfg), create, { recover }) : null
      },
      logFailed: (error) => this.store.evict(b, topic, i, error),
      minInsyncReplicas: () => configOf()?.['min.insync.replicas'] ?? 1,
      event: (e) => this.event(e),
      alterIsr: (isr, why) => this.controller.replication.alterIsr(b, topic, i, isr, why),
      replicaOffline: () => this.controller.replication.replicaOffline(b, topic, i),
      replicaOnline: () => this.controller.replication.replicaOnline(b, topic, i),
      leaderCorrupt: (error) => this.controller.replication.leaderCorrupt(topic, i, b, error)
    }
  }

  private event(e: ClusterEventInput): void {
    this.events.emit(e)
  }

  get clusterId(): string {
    return this.meta.clusterId
  }

  /** The controller: the live broker with the lowest id (-1 when none runs). */
  get controllerId(): number {
    return this.controller.controllerId
  }

  // ---- idempotent producers ----------------------------------------------------------------------

  /**
   * InitProducerId without a transactional id, answered by broker `brokerId` (Kafka's
   * TransactionCoordinator.handleInitProducerId for a null transactional id): a new producer id
   * from the broker's block, epoch 0. A used-up block is replaced by the next one from the
   * controller, recorded durably in the metadata log (ProducerIdsRecord) before any id of it is
   * handed out, so ids are never reused, also after a restart.
   * @throws KafkaError BROKER_NOT_AVAILABLE (unknown or stopped broker), KAFKA_STORAGE_ERROR (the
   *   new block could not be written to the metadata log; no id of it is handed out).
   */
  initProducerId(brokerId: number): { producerId: number; producerEpoch: number } {
    this.checkOpen()
    this.controller.registry.check(brokerId)
    if (!this.injector.isRunning(brokerId)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${brokerId} is not running`)
    let m = this.producerIdManagers.get(brokerId)
    if (!m) this.producerIdManagers.set(brokerId, (m = new ProducerIdManager()))
    const producerId = m.generateProducerId(() => {
      const block = this.controller.producerIds.generateNextProducerIdBlock(brokerId)
      this.metaDirty = true
      this.writeMetadata(true)
      return block
    })
    return { producerId, producerEpoch: 0 }
  }

  // ---- brokers ---------------------------------------------------------------------------------

  brokers(): BrokerState[] {
    this.checkOpen()
    return this.view.brokers()
  }

  /** See ClusterApi.stopBroker and FaultInjector.stop. */
  stopBroker(id: number): void {
    this.brokerStep(() => this.injector.stop(id), false)
  }

  /** See ClusterApi.killBroker and FaultInjector.kill. */
  killBroker(id: number): void {
    this.brokerStep(() => this.injector.kill(id))
  }

  /** See ClusterApi.slowBroker and FaultInjector.slow. */
  slowBroker(id: number, delayMs: number): void {
    this.brokerStep(() => this.injector.slow(id, delayMs))
  }

  /** See ClusterApi.isolateBroker and FaultInjector.isolate. */
  isolateBroker(id: number): void {
    this.brokerStep(() => this.injector.isolate(id))
  }

  /** See ClusterApi.healBroker and FaultInjector.heal. */
  healBroker(id: number): void {
    this.brokerStep(() => this.injector.heal(id))
  }

  /** Broker `id`'s extra delay per request (a slowed broker), ms; 0 when not slowed (the wire listeners ask it per request). */
  brokerDelayMs(id: number): number {
    return this.faults.slowMs(id)
  }

  /** One lifecycle step, then the coordinator follows leadership, the metadata is persisted, and (`replicate`) replication runs soon. */
  private brokerStep(step: () => void, replicate = true): void {
    this.checkOpen()
    step()
    this.groups.checkLeadership()
    this.persist()
    if (replicate) this.scheduler.scheduleReplication()
  }

  /** See ClusterApi.pauseFetching and resumeFetching. */
  pauseFetching(id: number): void {
    this.brokerStep(() => this.controller.setFetchPaused(id, true))
  }
  resumeFetching(id: number): void {
    this.brokerStep(() => this.controller.setFetchPaused(id, false))
  }

  /** See ClusterApi.startBroker and FaultInjector.start. */
  startBroker(id: number): void {
    this.brokerStep(() => this.injector.start(id))
  }

  // ---- topics ----------------------------------------------------------------------------------

  defaultTopicConfigs(): TopicConfigs {
    return { ...DEFAULT_TOPIC_CONFIGS }
  }

  /** See Controller.createTopic (`assignment`: the replicas of each partition, chosen by the caller). */
  createTopic(name: string, opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides; assignment?: number[][] }): TopicState {
    this.checkOpen()
    this.controller.createTopic(name, { ...opts, validateOnly: false })
    this.persist()
    return this.describeTopic(name)
  }

  /**
   * Every check of createTopic (name, partitions, replication factor, assignment, configs, replica
   * budget) without creating anything (CreateTopics' validate_only).
   * @returns what the topic would be: partition count, replication factor, every config.
   * @throws KafkaError as createTopic.
   */
  validateCreateTopic(
    name: string,
    opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides; assignment?: number[][] }
  ): { partitions: number; replicationFactor: number; configs: TopicConfigs } {
    this.checkOpen()
    const t = this.controller.createTopic(name, { ...opts, validateOnly: true })
    return { partitions: t.partitions.length, replicationFactor: t.partitions[0].replicas.length, configs: t.configs }
  }

  /** See Controller.createPartitions (`assignment`: the replicas of each added partition). */
  createPartitions(name: string, count: number, opts: { assignment?: number[][] } = {}): TopicState {
    this.checkOpen()
    this.controller.createPartitions(name, count, { assignment: opts.assignment })
    this.persist()
    this.scheduler.scheduleReplication()
    return this.describeTopic(name)
  }

  /** Every check of createPartitions without adding anything (CreatePartitions' validate_only). @throws KafkaError as createPartitions. */
  validateCreatePartitions(name: string, count: number, opts: { assignment?: number[][] } = {}): void {
    this.checkOpen()
    this.controller.createPartitions(name, count, { assignment: opts.assignment, validateOnly: true })
  }

  /** The topic's id (KIP-516: 22 base64url characters, persisted with the topic). @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  topicId(name: string): string {
    this.checkOpen()
    return this.controller.topicOrThrow(name).topicId
  }

  /**
   * Kafka's DeleteRecords for one partition, addressed to broker `brokerId`: its leader raises the
   * log start offset to `offset` (-1: the high watermark; segments wholly below go), then the
   * followers fetch at once and follow it (the fetch answer's log start offset).
   * @returns the leader's log start offset, and the low watermark: the lowest log start offset of
   *   the live in-sync replicas (Kafka's lowWatermarkIfLeader), which reaches the offset once they followed.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; POLICY_VIOLATION for a topic whose cleanup.policy
   *   lacks delete (Kafka's message); BROKER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE
   *   (above the high watermark), KAFKA_STORAGE_ERROR (see ReplicaManager.deleteRecords).
   */
  deleteRecords(brokerId: number, topic: string, partition: number, offset: number): { logStartOffset: number; lowWatermark: number } {
    this.checkOpen()
    const t = this.controller.topicOrThrow(topic)
    const pm = this.registrationOrThrow(topic, partition)
    if (!t.configs['cleanup.policy'].split(',').includes('delete'))
      throw new KafkaError('POLICY_VIOLATION', `Records of partition ${topic}-${partition} can not be deleted due to the configured policy (cleanup.policy=${t.configs['cleanup.policy']})`)
    const rm = this.replicaManager(brokerId)
    const logStartOffset = rm.deleteRecords(topic, partition, offset)
    try {
      this.replicatePartition(topic, partition)
    } finally {
      this.persist()
    }
    let lowWatermark = logStartOffset
    for (const b of pm.replicas) {
      if (!this.controller.registry.isAlive(b) || !(this.controller.replication.topic(topic)?.partitions[partition].isr ?? []).includes(b)) continue
      const log = this.replicaManagers.get(b)?.partition(topic, partition)?.log
      if (log) lowWatermark = Math.min(lowWatermark, log.logStartOffset)
    }
    return { logStartOffset, lowWatermark }
  }

  /** Broker `id`'s log directory (Kafka's log.dirs: `<dataDir>/broker-<id>`). @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id. */
  logDir(id: number): string {
    this.controller.registry.check(id)
    return path.join(this.dataDir, `broker-${id}`)
  }

  /** See Controller.alterTopicConfigs: merged configs, applied to every replica log. */
  alterTopicConfigs(name: string, configs: TopicConfigOverrides): TopicState {
    this.checkOpen()
    this.controller.alterTopicConfigs(name, configs, (t, logConfig) => {
      for (let i = 0; i < t.partitions.length; i++)
        for (const b of t.partitions[i].replicas) this.replicaManagers.get(b)?.partition(t.name, i)?.log?.updateConfig(logConfig)
    })
    this.persist()
    return this.describeTopic(name)
  }

  /**
   * Delete a topic: its replica logs on every broker, its committed offsets (tombstones in
   * __consumer_offsets, as Kafka's GroupMetadataManager does) and its meters.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_REQUEST for the internal offsets topic.
   */
  deleteTopic(name: string): void {
    this.checkOpen()
    const t = this.controller.topicOrThrow(name)
    if (t.internal) throw new KafkaError('INVALID_REQUEST', `Topic ${name} is internal and cannot be deleted`)
    this.groups.onTopicDeleted(name)
    this.controller.deleteTopic(name)
    this.metrics.removeTopic(name)
    this.producer.forget(name)
    this.persist()
  }

  /** Topics sorted by name; the internal __consumer_offsets only with includeInternal. */
  listTopics(opts?: { includeInternal?: boolean }): TopicState[] {
    this.checkOpen()
    return this.controller.replication
      .topics()
      .filter((t) => opts?.includeInternal || !t.internal)
      .map((t) => this.view.topic(t))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  describeTopic(name: string): TopicState {
    this.checkOpen()
    return this.view.topic(this.controller.topicOrThrow(name))
  }

  /** Segments of the partition's leader log (or most complete replica when offline) and its last compaction. */
  segments(topic: string, partition: number): { segments: SegmentInfo[]; lastCleaning: CleanerResult | null } {
    this.checkOpen()
    const t = this.controller.topicOrThrow(topic)
    this.registrationOrThrow(topic, partition)
    const log = this.view.logOf(t, partition)
    return { segments: log?.segments() ?? [], lastCleaning: log?.lastCleaning ?? null }
  }

  /**
   * The log of broker `brokerId`'s replica of `topic`-`partition`, for inspection (tests, replica
   * views), or null when it has none open (offline, or never written).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, BROKER_NOT_AVAILABLE for an unknown broker.
   */
  replicaLog(brokerId: number, topic: string, partition: number): ReplicaLog | null {
    this.checkOpen()
    this.registrationOrThrow(topic, partition)
    this.controller.registry.check(brokerId)
    return this.replicaManagers.get(brokerId)!.partition(topic, partition)?.log ?? null
  }

  /**
   * Broker `brokerId`'s ReplicaManager: requests addressed to that broker (the wire protocol's
   * listener of that broker, tests). @throws KafkaError BROKER_NOT_AVAILABLE for an unknown broker.
   */
  replicaManager(brokerId: number): ReplicaManager {
    this.checkOpen()
    this.controller.registry.check(brokerId)
    return this.replicaManagers.get(brokerId)!
  }

  /**
   * The controller's registration of topic `name` (topic id, internal flag, configs, and per
   * partition replicas, leader, leader epoch, ISR), read-only, or undefined for an unknown topic.
   * For the wire protocol's facades (Metadata, Produce, Fetch), which answer from it.
   */
  topicRegistration(name: string): Readonly<TopicMeta> | undefined {
    this.checkOpen()
    return this.controller.replication.topic(name)
  }

  /** Every topic's registration (see topicRegistration), internal topics included, unordered. */
  topicRegistrations(): readonly Readonly<TopicMeta>[] {
    this.checkOpen()
    return this.controller.replication.topics()
  }

  /** Whether broker `id`'s process runs (false for a stopped, killed or unknown broker). */
  isBrokerRunning(id: number): boolean {
    return !this.closed && this.injector.isRunning(id)
  }

  /**
   * Records were appended through a ReplicaManager directly (the wire protocol's Produce): the
   * followers fetch them soon (a replication round is scheduled), as after the in-process producer's
   * appends; the metadata changes of the step (ISR changes) are persisted.
   */
  appendedRecords(): void {
    if (this.closed) return
    this.scheduler.scheduleReplication()
    this.persist()
  }

  // ---- produce and read ------------------------------------------------------------------------

  /** See Producer.produce: validated whole, appended to each partition's leader, acks=all waits for the ISR. */
  produce(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster is closed'))
    const res = this.producer.produce(topic, records, opts)
    this.persist()
    return res
  }

  /** See Consumer.fetch: from the partition's leader, never at or past the high watermark. */
  fetch(
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number }
  ): { records: ConsumerRecord[]; highWatermark: number; logStartOffset: number; nextOffset: number } {
    this.checkOpen()
    try {
      return this.consumer.fetch(topic, partition, offset, opts)
    } finally {
      this.persist()
    }
  }

  /** See Consumer.fetchBatches: raw batches from the partition's leader, never past the high watermark. */
  fetchBatches(topic: string, partition: number, offset: number, maxBytes: number): FetchedBatches {
    this.checkOpen()
    try {
      return this.consumer.fetchBatches(topic, partition, offset, maxBytes)
    } finally {
      this.persist()
    }
  }

  /**
   * Kafka's ListOffsets: earliest = log start offset, latest = high watermark, { timestamp } = the
   * first offset whose timestamp >= T below the high watermark, or null. Read from the leader, or
   * the most complete replica of an offline partition.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a bad spec.
   */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    this.checkOpen()
    const t = this.controller.topicOrThrow(topic)
    this.registrationOrThrow(topic, partition)
    const log = this.view.logOf(t, partition)
    if (spec === 'earliest') return log?.logStartOffset ?? 0
    if (spec === 'latest') return log?.highWatermark ?? 0
    if (!spec || typeof spec !== 'object' || !Number.isFinite(spec.timestamp))
      throw new KafkaError('INVALID_REQUEST', `Offset spec must be 'earliest', 'latest' or { timestamp: ms }`)
    if (!log) return null
    const o = log.offsetForTimestamp(spec.timestamp)
    return o === null || o >= log.highWatermark ? null : o
  }

  // ---- consumer groups -------------------------------------------------------------------------

  /** See GroupCoordinator.commitOffsets. */
  async commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
    this.checkOpen()
    try {
      await this.groups.commitOffsets(groupId, offsets, opts)
    } finally {
      this.persist()
    }
  }

  /** Committed offsets of a group (empty when it has none, as Kafka's OffsetFetch answers). */
  fetchOffsets(groupId: string): GroupOffsets {
    this.checkOpen()
    return this.groups.fetchOffsets(groupId)
  }

  /** Known groups (with members or committed offsets), sorted. */
  listGroups(): string[] {
    this.checkOpen()
    return this.groups.listGroups()
  }

  /** See GroupCoordinator.describeGroup. */
  describeGroup(groupId: string): GroupDescription {
    this.checkOpen()
    return this.groups.describeGroup(groupId)
  }

  /** See GroupCoordinator.deleteGroup. */
  async deleteGroup(groupId: string): Promise<void> {
    this.checkOpen()
    try {
      await this.groups.deleteGroup(groupId)
    } finally {
      this.persist()
    }
  }

  /**
   * The group coordinator, for requests addressed to a broker (the wire protocol's JoinGroup,
   * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups,
   * DeleteGroups, OffsetDelete and FindCoordinator pass the broker id in their GroupRequestContext).
   * @throws KafkaError BROKER_NOT_AVAILABLE when the cluster is closed.
   */
  groupCoordinator(): GroupCoordinator {
    this.checkOpen()
    return this.groups
  }

  /** See GroupCoordinator.describeGroupLag. */
  describeGroupLag(groupId: string): GroupLagRow[] {
    this.checkOpen()
    return this.groups.describeGroupLag(groupId)
  }

  // ---- metrics and events ----------------------------------------------------------------------

  clusterRates(): RateSeries {
    return this.metrics.cluster.series()
  }
  topicRates(topic: string): RateSeries {
    this.controller.topicOrThrow(topic)
    return this.metrics.topic(topic).series()
  }
  partitionRates(topic: string, partition: number): RateSeries {
    this.registrationOrThrow(topic, partition)
    return this.metrics.partition(topic, partition).series()
  }
  brokerRates(brokerId: number): RateSeries {
    this.controller.registry.check(brokerId)
    return this.metrics.broker(brokerId).series()
  }

  /** Under-replicated, under-min-ISR and offline partition counts over all topics, internal ones included (Kafka's gauges). */
  partitionHealth(): PartitionHealth {
    return partitionHealth(
      this.controller.replication.topics().flatMap((t) => t.partitions.map((p) => ({ ...p, minInsyncReplicas: t.configs['min.insync.replicas'] })))
    )
  }

  /** Cluster events with seq > `afterSeq` (default all kept), oldest first, at most `limit` (the newest). */
  recentEvents(afterSeq?: number, limit?: number): ClusterEvent[] {
    return this.events.since(afterSeq, limit)
  }

  /** See ClusterApi.onEvent. */
  onEvent(listener: (event: ClusterEvent) => void): () => void {
    return this.events.subscribe(listener)
  }

  // ---- replication and background work ---------------------------------------------------------

  /**
   * One replication round: every fetching broker's followers fetch from their leaders until they
   * reached the leaders' log end offsets (ISRs expand, high watermarks advance), then every follower
   * learns the high watermark its leader has now (the next fetch's answer). Returns records copied.
   */
  replicateNow(): number {
    if (this.closed) return 0
    let copied = 0
    let failure: unknown = null
    for (const f of this.fetchers.values()) {
      try {
        copied += f.fetchRound()
      } catch (e) {
        // One broker's failure must not stop the others from replicating.
        failure ??= e
      }
    }
    this.propagateHighWatermarks()
    this.persist()
    if (failure) throw failure
    return copied
  }

  /** Followers learn their leaders' current high watermark (as the answer of their next fetch). */
  private propagateHighWatermarks(): void {
    for (const [b, rm] of this.replicaManagers) {
      if (!this.controller.registry.isFetching(b)) continue
      for (const p of rm.allPartitions()) {
        if (p.isLeader || p.offline || !this.faults.canReach(b, p.registration.leader)) continue
        const leader = this.leaderReplicaManager(p.topic, p.id)?.partition(p.topic, p.id)
        if (leader?.isLeader) p.updateFollowerHighWatermark(leader.highWatermark)
      }
    }
  }

  /** The followers of `topic`-`i` fetch now (an offset commit is replicated in its own step). */
  private replicatePartition(topic: string, i: number): void {
    const pm = this.controller.replication.topic(topic)?.partitions[i]
    if (!pm) return
    for (const b of pm.replicas) {
      if (b === pm.leader) continue
      const p = this.replicaManagers.get(b)?.partition(topic, i)
      if (p) this.fetchers.get(b)!.fetchPartition(p)
    }
    this.scheduler.scheduleReplication()
  }

  /**
   * The periodic work at the injected clock's now: offline replicas tried again and ISRs shrunk by
   * lag (replica.lag.time.max.ms) on every running broker, a replication round, the log managers'
   * flush.ms, retention and a step of compaction, and every leader.imbalance.check.interval.seconds
   * (default 300 s) the preferred-leader rebalance, when auto.leader.rebalance.enable is true.
   */
  tick(): void {
    this.runTick()
  }

  /** One tick; returns true while the log cleaner has work left. */
  private runTick(): boolean {
    if (this.closed) return false
    const now = this.clock()
    if (this.injector.tick(now)) this.groups.checkLeadership()
    for (const rm of this.replicaManagers.values()) for (const p of [...rm.allPartitions()]) if (p.offline) p.retryOffline(now)
    this.replicateNow()
    for (const rm of this.replicaManagers.values()) rm.tick(now)
    const cleaning = this.store.tick(now, this.controller.registry.liveIds())
    this.controller.maybeRebalanceLeaders(now, (t, i) => this.replicatePartition(t, i))
    this.groups.tick(now)
    this.persist()
    return cleaning
  }

  /**
   * The brokers' background work now, as running brokers do it between requests: replication, ISR
   * changes, retention, and log cleaning until no log needs it, at most `maxTicks` ticks (each
   * cleans about 1 MiB per broker). For short-lived hosts (a CLI command) that close before the
   * periodic tick runs; a long-running host leaves this to the timer.
   */
  maintain(maxTicks = 256): void {
    this.checkOpen()
    for (let i = 0; i < maxTicks && this.runTick(); i++) {
      /* another step of cleaning */
    }
  }

  /**
   * Preferred leader election now (kafka-leader-election --election-type PREFERRED) for every
   * partition, or those of `topic`, or only its `partition` (ElectLeaders on the wire). Returns the
   * partitions whose leader moved.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  electPreferredLeaders(topic?: string, partition?: number): { topic: string; partition: number; leader: number }[] {
    this.checkOpen()
    const moved = this.controller.electPreferredLeaders(topic, (t, i) => this.replicatePartition(t, i), partition)
    this.groups.checkLeadership()
    this.persist()
    return moved
  }

  /** See ClusterApi.electLeaders (delegates to Controller.electLeaders; preferred catches a partition up first). */
  electLeaders(type: LeaderElectionType, topic?: string, partition?: number): LeaderElectionResult[] {
    this.checkOpen()
    const results = this.controller.electLeaders(type, topic, partition, (t, i) => this.replicatePartition(t, i))
    this.groups.checkLeadership()
    this.persist()
    return results
  }

  /**
   * Close: a last replication round, pending acks=all produces fail with BROKER_NOT_AVAILABLE, logs
   * flush and close, the metadata log is closed cleanly (MetadataLog.close). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return
    if (this.autoReplicate) this.scheduler.run(() => this.replicateNow())
    this.closed = true
    this.scheduler.stop()
    this.groups.close()
    this.purgatory.clear()
    const err = new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster was closed')
    for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.failWaiters(err)
    for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.detach()
    try {
      this.store.close()
    } finally {
      try {
        this.metadataLog.close(this.meta)
      } finally {
        this.lock.release()
      }
    }
  }

  /** The automatic leader rebalance's configs this cluster runs with (ClusterOptions, checked at open). */
  get leaderRebalance(): LeaderRebalanceConfig {
    return this.controller.rebalance
  }

  /** Whether the previous session closed cleanly (logs were not recovered). */
  get previousShutdownWasClean(): boolean {
    return this.hadCleanShutdown
  }

  // ---- internals -------------------------------------------------------------------------------

  private ensureOffsetsTopic(): TopicMeta {
    const existing = this.controller.replication.topic(OFFSETS_TOPIC)
    if (existing) return existing
    const live = this.controller.registry.liveIds().length
    if (live === 0) throw new KafkaError('BROKER_NOT_AVAILABLE', `No live broker to host ${OFFSETS_TOPIC}`)
    const configs = validateTopicConfigs({ 'cleanup.policy': 'compact', 'segment.bytes': 104857600 })
    return this.controller.createInternalTopic(OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, Math.min(OFFSETS_TOPIC_REPLICATION_FACTOR, live), configs)
  }

  /** Reads every record of `topic`-`i` from its leader, or from the most complete replica when offline. */
  private readAll(topic: string, i: number, each: (r: StoredRecord) => void): void {
    const t = this.controller.topicOrThrow(topic)
    if (t.partitions[i].leader >= 0) {
      let offset = this.consumer.listOffset(topic, i, 'earliest') ?? 0
      for (;;) {
        const rm = this.leaderReplicaManagerOrThrow(topic, i)
        const end = rm.partition(topic, i)?.logEndOffset ?? 0
        if (offset >= end) return
        const batch = rm.partition(topic, i)!.readAsLeader((log) => log.readRecords(offset, { maxRecords: 10000 }))
        if (batch.length === 0) return
        for (const r of batch) each(r)
        offset = batch[batch.length - 1].offset + 1
      }
    }
    const log = this.view.logOf(t, i)
    if (!log) return
    let offset = log.logStartOffset
    while (offset < log.logEndOffset) {
      const batch = log.readRecords(offset, { maxRecords: 10000 })
      if (batch.length === 0) break
      for (const r of batch) each(r)
      offset = batch[batch.length - 1].offset + 1
    }
  }

  /**
   * Appends the metadata changes to the metadata log when something changed (fsynced right after the
   * step). A failed write (e.g. ENOSPC) never fails the step that changed the state: it is reported
   * once as an event and retried at every later persist.
   */
  private persist(): void {
    if (!this.metaDirty || this.closed) return
    try {
      this.writeMetadata(false)
    } catch (e) {
      this.metadataWriteFailed(e)
    }
  }

  /** Reports a failed metadata write once (until one succeeds again); the next persist retries it. */
  private metadataWriteFailed(e: unknown): void {
    this.metaDirty = true
    if (this.metaWriteFailing || this.closed) return
    this.metaWriteFailing = true
    this.event({ kind: 'metadata-write-failed', severity: 'error', message: `${(e as Error).message}; the cluster keeps running and writes it again at the next change` })
  }

  /**
   * Appends the metadata changes to the metadata log now and, when `durable` (a step that must not
   * go on without it, e.g. creating a topic), fsyncs them before returning.
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the metadata log when they cannot be written.
   */
  private writeMetadata(durable = true): void {
    let changes: ReturnType<MetadataLog['persist']>
    try {
      changes = this.metadataLog.persist(this.meta)
      if (durable) this.metadataLog.flush()
    } catch (e) {
      this.controller.metadataEvents.unpublished()
      if (e instanceof KafkaError) throw e
      throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot write the cluster metadata log ${this.metadataLog.dir}: ${(e as Error).message}`)
    }
    this.metaDirty = false
    if (this.metaWriteFailing) {
      this.metaWriteFailing = false
      this.event({ kind: 'metadata-write-failed', severity: 'info', message: `The cluster metadata log ${this.metadataLog.dir} is written again` })
    }
    this.controller.metadataEvents.published(changes)
  }

  /** The running leader's ReplicaManager of `topic`-`i`, or null when offline. */
  private leaderReplicaManager(topic: string, i: number): ReplicaManager | null {
    const pm = this.controller.replication.topic(topic)?.partitions[i]
    if (!pm || pm.leader < 0 || !this.controller.registry.isAlive(pm.leader)) return null
    return this.replicaManagers.get(pm.leader) ?? null
  }

  private leaderReplicaManagerOrThrow(topic: string, i: number): ReplicaManager {
    this.registrationOrThrow(topic, i)
    const rm = this.leaderReplicaManager(topic, i)
    if (!rm) throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${i} is offline: no live in-sync replica to lead it`)
    return rm
  }

  private registrationOrThrow(topic: string, i: number): { replicas: number[]; leader: number } {
    const t = this.controller.topicOrThrow(topic)
    const pm = Number.isInteger(i) ? t.partitions[i] : undefined
    if (!pm) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${i} of topic ${topic} does not exist (topic has ${t.partitions.length} partitions)`)
    return pm
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster is closed')
  }
}
