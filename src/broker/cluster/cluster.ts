/**
 * Cluster: the embedded multi-broker engine (ClusterApi), as a composition root: it opens the data
 * directory (./cluster-data-dir.ts), wires Kafka's parts together and implements the engine API by
 * delegating to them: the Controller (../controller) and its metadata write path
 * (../controller/metadata-writer.ts), one BrokerServer per broker (../server/broker-server.ts: its
 * ReplicaManager, ReplicaFetcher and producer ids), the replication rounds and the periodic work
 * (../server/replica-fetcher-manager.ts, periodic-tasks.ts) that the Scheduler runs after appends
 * and on its tick, the GroupCoordinator (../group, wired by group-coordinator-env.ts), the
 * in-process Producer and Consumer (../client), the rate meters (../metrics), the event log
 * (./cluster-events.ts), the API's reads (./cluster-view.ts, ./partition-leaders.ts) and the
 * FaultInjector (../faults). With `autoReplicate: false` nothing runs in the background; tests drive
 * rounds with `replicateNow()` / `tick()` and an injected clock.
 *
 * Must stay true: one owner of state (this object on its event loop); every public method other
 * than `produce` / `commitOffsets` / `deleteGroup` (waiting for acks) and `close` is one synchronous step that
 * validates before it changes anything; metadata is persisted at the end of every step that changed
 * it (appended to the metadata log in the step, fsynced right after it; topic creation and added
 * partitions fsync before they answer; a failed write is reported and retried, except where a step
 * must not go on without it).
 */
import path from 'node:path'
import { KafkaError } from '../model/errors'
import { DEFAULT_TOPIC_CONFIGS } from '../model/topic-config-values'
import { Consumer, type FetchAnswer } from '../client/consumer'
import { Producer } from '../client/producer'
import { Controller } from '../controller/controller'
import { BrokerHeartbeatManager, heartbeatConfig } from '../controller/broker-heartbeat-manager'
import { leaderRebalanceConfig, type LeaderRebalanceConfig } from '../controller/leader-rebalance-config'
import { MetadataWriter } from '../controller/metadata-writer'
import type { ProducerIdsBlock } from '../controller/producer-id-control'
import { BrokerFaults } from '../faults/broker-faults'
import { FaultInjector } from '../faults/fault-injector'
import { GroupCoordinator } from '../group/group-coordinator'
import { groupCoordinatorEnv } from '../group/group-coordinator-env'
import { OFFSETS_TOPIC } from '../group/committed-offsets'
import { ClusterMetrics } from '../metrics/cluster-metrics'
import { partitionHealth, type PartitionHealth } from '../metrics/partition-health'
import { BrokerServer } from '../server/broker-server'
import { DelayedProducePurgatory } from '../server/delayed-produce'
import { PeriodicTasks } from '../server/periodic-tasks'
import { ReplicaFetcherManager } from '../server/replica-fetcher-manager'
import type { ReplicaManager } from '../server/replica-manager'
import { Scheduler } from '../server/scheduler'
import type { BrokerState, CleanerResult, ClusterApi, ClusterOptions, FetchedBatches, GroupDescription, GroupLagRow, GroupOffsets } from './cluster-api'
import type { LeaderElectionResult, LeaderElectionType, ProduceOptions, ProducerRecord, RateSeries, RecordMetadata, SegmentInfo, TopicConfigOverrides, TopicConfigs, TopicState } from './cluster-api'
import { ClusterDataDir, newKafkaUuid } from './cluster-data-dir'
import { ClusterEventLog, type ClusterEvent, type ClusterEventInput } from './cluster-events'
import type { ClusterMetadata, TopicMeta } from './cluster-metadata'
import { DEFAULT_OFFLINE_RETRY_MS, DEFAULT_REPLICA_LAG_TIME_MAX_MS, type ClusterTestOptions } from './cluster-options'
import { ClusterView } from './cluster-view'
import { PartitionLeaders } from './partition-leaders'
import { defaultReplicaBudget } from './replica-budget'
import type { ReplicaLog } from './replica-log'

export { MIN_BROKERS, MAX_BROKERS, DEFAULT_BROKERS, DEFAULT_REPLICA_LAG_TIME_MAX_MS, DEFAULT_OFFLINE_RETRY_MS } from './cluster-options'
export type { ClusterTestOptions } from './cluster-options'
export { DEFAULT_PRODUCE_TIMEOUT_MS } from '../client/producer'
export { DEFAULT_FETCH_MAX_BYTES, DEFAULT_FETCH_MAX_RECORDS } from '../client/consumer'
export { DEFAULT_AUTO_LEADER_REBALANCE_ENABLE, DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, DEFAULT_LEADER_IMBALANCE_PER_BROKER_PERCENTAGE } from '../controller/leader-rebalance-config'
export { FIRST_BROKER_PORT } from './cluster-view'

/** The embedded cluster. Create with `new Cluster(opts)` or `Cluster.open(opts)`; always `await close()`. */
export class Cluster implements ClusterApi {
  readonly dataDir: string
  private readonly autoReplicate: boolean
  private readonly dir: ClusterDataDir
  private readonly meta: ClusterMetadata
  private readonly metadata: MetadataWriter
  private readonly metrics: ClusterMetrics
  private readonly events: ClusterEventLog
  private readonly controller: Controller
  private readonly brokerServers = new Map<number, BrokerServer>()
  private readonly replicaManagers = new Map<number, ReplicaManager>()
  private readonly leaders: PartitionLeaders
  private readonly replication: ReplicaFetcherManager
  private readonly tasks: PeriodicTasks
  private readonly purgatory: DelayedProducePurgatory
  private readonly producer: Producer
  private readonly consumer: Consumer
  private readonly groups: GroupCoordinator
  private readonly scheduler: Scheduler
  private readonly view: ClusterView
  private readonly faults = new BrokerFaults()
  private readonly injector: FaultInjector
  private closed = false

  /** Same as `new Cluster(opts)`. */
  static open(opts: ClusterOptions & ClusterTestOptions): Cluster {
    return new Cluster(opts)
  }

  /**
   * Open the cluster in `opts.dataDir`, creating it (with `opts.brokers`, default 3) when the
   * directory holds none. Restores brokers, topics, configs, logs and committed offsets; a damaged
   * or offline replica never keeps it from opening (see ReplicationControl.restoreAfterOpen).
   * @throws KafkaError as ClusterDataDir.open (INVALID_REQUEST for a broker count outside 1..9;
   *   KAFKA_STORAGE_ERROR naming the directory or file it cannot use, lock, replay or migrate);
   *   INVALID_CONFIG naming the config and its rule for a bad heartbeat or leader rebalance config
   *   (heartbeatConfig, leaderRebalanceConfig).
   */
  constructor(opts: ClusterOptions & ClusterTestOptions) {
    this.dataDir = path.resolve(opts.dataDir)
    const clock = opts.clock ?? Date.now
    const replicaLagTimeMaxMs = opts.replicaLagTimeMaxMs ?? DEFAULT_REPLICA_LAG_TIME_MAX_MS
    this.autoReplicate = opts.autoReplicate ?? true
    const heartbeats = new BrokerHeartbeatManager(heartbeatConfig(opts))
    const rebalance = leaderRebalanceConfig(opts)
    this.purgatory = new DelayedProducePurgatory({ clock, replicaLagTimeMaxMs })
    this.metrics = new ClusterMetrics(clock)
    this.events = new ClusterEventLog(clock, opts.eventLog ?? ((l, e) => e.severity !== 'info' && console.warn(l)))
    const event = (e: ClusterEventInput): void => void this.events.emit(e)
    this.scheduler = new Scheduler(() => this.tick(), () => this.replicateNow(), opts.onBackgroundError ?? ((e) => console.error('brokerlab replication:', e)))
    this.dir = ClusterDataDir.open(this.dataDir, { ...opts, clock }, {
      onMetadataFlushFailure: (e) => this.metadata.failed(e),
      onLogFailure: (b, topic, partition, error) =>
        this.replicaManagers.get(b)?.partition(topic, partition)?.markOffline(error, 'its periodic work (flush, retention, cleaning or checkpoint) failed', true)
    })
    const { meta, store } = this.dir
    this.meta = meta
    this.metadata = new MetadataWriter(this.dir.metadataLog, meta, event, () => this.controller?.metadataEvents)
    try {
      const budget = opts.maxReplicas === undefined ? defaultReplicaBudget(meta.brokers.length) : { max: opts.maxReplicas, reason: 'the maxReplicas option' }
      const rmOf = (id: number): ReplicaManager => this.replicaManagers.get(id)!
      const metaChanged = (): void => this.metadata.markDirty()
      const writeMetadata = (): void => void this.metadata.write(true)
      const controller = (this.controller = new Controller(meta, { clock, replicaManager: rmOf, store, metaChanged, writeMetadata, eventLog: this.events, event, budget, newTopicId: newKafkaUuid, rebalance }))
      const injector = (this.injector = new FaultInjector({ clock, controller, heartbeats, faults: this.faults, replicaManager: rmOf, store, event }))
      const offlineRetryMs = opts.offlineRetryMs ?? DEFAULT_OFFLINE_RETRY_MS
      const brokerEnv = { clock, replicaLagTimeMaxMs, offlineRetryMs, controller, store, metrics: this.metrics, injector, faults: this.faults, replicaManager: rmOf, event }
      // The controller's AllocateProducerIds: a block is recorded durably before any id of it is handed out.
      const allocateProducerIds = (id: number): ProducerIdsBlock => {
        const block = controller.producerIds.generateNextProducerIdBlock(id)
        metaChanged()
        writeMetadata()
        return block
      }
      for (const b of meta.brokers) {
        const server = new BrokerServer(b.id, { ...brokerEnv, allocateProducerIds })
        this.brokerServers.set(b.id, server)
        this.replicaManagers.set(b.id, server.replicaManager)
      }
      const leaders = (this.leaders = new PartitionLeaders(controller, (id) => this.replicaManagers.get(id)))
      const scheduleReplication = (): void => this.scheduler.scheduleReplication()
      this.replication = new ReplicaFetcherManager({ brokers: this.brokerServers, controller, faults: this.faults, leaders, scheduleReplication })
      const fetchPartition = (topic: string, i: number): void => this.replication.fetchPartition(topic, i)
      this.producer = new Producer({ clock, topic: (name) => controller.topicOrThrow(name), replicaManager: rmOf, purgatory: this.purgatory, scheduleReplication }, opts.random)
      this.consumer = new Consumer({ leaderOf: (topic, i) => leaders.replicaManagerOrThrow(topic, i), replicaCount: (topic, i) => leaders.registrationOrThrow(topic, i).replicas.length })
      this.view = new ClusterView(controller, this.replicaManagers, injector, this.faults, clock)
      const parts = { clock, purgatory: this.purgatory, controller, leaders, consumer: this.consumer, view: this.view, fetchPartition, event, config: opts.groupConfig }
      this.groups = new GroupCoordinator(groupCoordinatorEnv(parts))
      this.tasks = new PeriodicTasks({ ...parts, injector, groups: this.groups, brokers: this.brokerServers, store, replicate: () => this.replicateNow(), persist: () => this.metadata.persist() })
      meta.cleanShutdown = false
      // A full disk must not keep the cluster from opening: the write is retried at the next persist.
      this.metadata.markDirty()
      this.metadata.persist()
      // Configs added since the directory was written take Kafka's defaults.
      for (const t of meta.topics) t.configs = { ...DEFAULT_TOPIC_CONFIGS, ...t.configs }
      controller.replication.publishAll()
      controller.replication.restoreAfterOpen()
      const offsets = controller.replication.topic(OFFSETS_TOPIC)
      if (offsets) this.groups.load(offsets.partitions.length)
      this.metadata.persist()
    } catch (e) {
      for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.detach()
      this.dir.abandon()
      throw e
    }
    if (this.autoReplicate) {
      this.scheduler.start(Math.max(50, Math.min(500, Math.floor(replicaLagTimeMaxMs / 2), Math.floor(heartbeats.config.heartbeatIntervalMs / 2))))
      // High watermarks reopen at their checkpoints: a first round raises them to what the ISRs hold.
      this.scheduler.scheduleReplication()
    }
  }

  get clusterId(): string {
    return this.meta.clusterId
  }
  /** The controller: the live broker with the lowest id (-1 when none runs). */
  get controllerId(): number {
    return this.controller.controllerId
  }
  /** The automatic leader rebalance's configs this cluster runs with (ClusterOptions, checked at open). */
  get leaderRebalance(): LeaderRebalanceConfig {
    return this.controller.rebalance
  }
  /** Whether the previous session closed cleanly (logs were not recovered). */
  get previousShutdownWasClean(): boolean {
    return this.dir.hadCleanShutdown
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
  /** See ClusterApi.startBroker and FaultInjector.start. */
  startBroker(id: number): void {
    this.brokerStep(() => this.injector.start(id))
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
  /** See ClusterApi.pauseFetching and resumeFetching. */
  pauseFetching(id: number): void {
    this.brokerStep(() => this.controller.setFetchPaused(id, true))
  }
  resumeFetching(id: number): void {
    this.brokerStep(() => this.controller.setFetchPaused(id, false))
  }
  /** Broker `id`'s extra delay per request (a slowed broker), ms; 0 when not slowed (the wire listeners ask it per request). */
  brokerDelayMs(id: number): number {
    return this.faults.slowMs(id)
  }
  /** Whether broker `id`'s process runs (false for a stopped, killed or unknown broker). */
  isBrokerRunning(id: number): boolean {
    return !this.closed && this.injector.isRunning(id)
  }
  /** Broker `id`'s log directory (Kafka's log.dirs: `<dataDir>/broker-<id>`). @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id. */
  logDir(id: number): string {
    this.controller.registry.check(id)
    return path.join(this.dataDir, `broker-${id}`)
  }

  /**
   * Broker `brokerId`'s ReplicaManager: requests addressed to that broker (the wire protocol's
   * listener of that broker, tests). @throws KafkaError BROKER_NOT_AVAILABLE for an unknown broker.
   */
  replicaManager(brokerId: number): ReplicaManager {
    return this.brokerServer(brokerId).replicaManager
  }
  /** See BrokerServer.initProducerId. @throws KafkaError BROKER_NOT_AVAILABLE also for an unknown broker or a closed cluster. */
  initProducerId(brokerId: number): { producerId: number; producerEpoch: number } {
    return this.brokerServer(brokerId).initProducerId()
  }

  // ---- topics ----------------------------------------------------------------------------------

  defaultTopicConfigs(): TopicConfigs {
    return { ...DEFAULT_TOPIC_CONFIGS }
  }
  /** See Controller.createTopic (`assignment`: the replicas of each partition, chosen by the caller). */
  createTopic(name: string, opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides; assignment?: number[][] }): TopicState {
    this.step(() => this.controller.createTopic(name, { ...opts, validateOnly: false }))
    return this.describeTopic(name)
  }

  /**
   * Every check of createTopic (name, partitions, replication factor, assignment, configs, replica
   * budget) without creating anything (CreateTopics' validate_only).
   * @returns what the topic would be: partition count, replication factor, every config. @throws KafkaError as createTopic.
   */
  validateCreateTopic(name: string, opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides; assignment?: number[][] }): { partitions: number; replicationFactor: number; configs: TopicConfigs } {
    this.checkOpen()
    const t = this.controller.createTopic(name, { ...opts, validateOnly: true })
    return { partitions: t.partitions.length, replicationFactor: t.partitions[0].replicas.length, configs: t.configs }
  }
  /** See Controller.createPartitions (`assignment`: the replicas of each added partition). */
  createPartitions(name: string, count: number, opts: { assignment?: number[][] } = {}): TopicState {
    this.step(() => this.controller.createPartitions(name, count, { assignment: opts.assignment }))
    this.scheduler.scheduleReplication()
    return this.describeTopic(name)
  }
  /** Every check of createPartitions without adding anything (CreatePartitions' validate_only). @throws KafkaError as createPartitions. */
  validateCreatePartitions(name: string, count: number, opts: { assignment?: number[][] } = {}): void {
    this.checkOpen()
    this.controller.createPartitions(name, count, { assignment: opts.assignment, validateOnly: true })
  }
  /** See Controller.alterTopicConfigs: merged configs, applied to every replica log. */
  alterTopicConfigs(name: string, configs: TopicConfigOverrides): TopicState {
    this.step(() =>
      this.controller.alterTopicConfigs(name, configs, (t, logConfig) => {
        for (let i = 0; i < t.partitions.length; i++)
          for (const b of t.partitions[i].replicas) this.replicaManagers.get(b)?.partition(t.name, i)?.log?.updateConfig(logConfig)
      })
    )
    return this.describeTopic(name)
  }

  /**
   * Delete a topic: its replica logs on every broker, its committed offsets (tombstones in
   * __consumer_offsets, as Kafka's GroupMetadataManager does) and its meters.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_REQUEST for the internal offsets topic.
   */
  deleteTopic(name: string): void {
    this.step(() => {
      if (this.controller.topicOrThrow(name).internal) throw new KafkaError('INVALID_REQUEST', `Topic ${name} is internal and cannot be deleted`)
      this.groups.onTopicDeleted(name)
      this.controller.deleteTopic(name)
      this.metrics.removeTopic(name)
      this.producer.forget(name)
    })
  }

  /**
   * Kafka's DeleteRecords for one partition, addressed to broker `brokerId`: its leader raises the
   * log start offset to `offset` (-1: the high watermark; segments wholly below go), then the
   * followers fetch at once and follow it (the fetch answer's log start offset).
   * @returns the leader's log start offset, and the low watermark (see ClusterView.lowWatermark).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; POLICY_VIOLATION for a topic whose cleanup.policy
   *   lacks delete (Kafka's message); BROKER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE
   *   (above the high watermark), KAFKA_STORAGE_ERROR (see ReplicaManager.deleteRecords).
   */
  deleteRecords(brokerId: number, topic: string, partition: number, offset: number): { logStartOffset: number; lowWatermark: number } {
    this.checkOpen()
    const t = this.leaders.topicOrThrow(topic, partition)
    if (!t.configs['cleanup.policy'].split(',').includes('delete'))
      throw new KafkaError('POLICY_VIOLATION', `Records of partition ${topic}-${partition} can not be deleted due to the configured policy (cleanup.policy=${t.configs['cleanup.policy']})`)
    const logStartOffset = this.replicaManager(brokerId).deleteRecords(topic, partition, offset)
    this.persisting(() => this.replication.fetchPartition(topic, partition))
    return { logStartOffset, lowWatermark: this.view.lowWatermark(t, partition, logStartOffset) }
  }
  /** Topics sorted by name; the internal __consumer_offsets only with includeInternal. */
  listTopics(opts?: { includeInternal?: boolean }): TopicState[] {
    this.checkOpen()
    const topics = this.controller.replication.topics().filter((t) => opts?.includeInternal || !t.internal)
    return topics.map((t) => this.view.topic(t)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }
  /** @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  describeTopic(name: string): TopicState {
    this.checkOpen()
    return this.view.topic(this.controller.topicOrThrow(name))
  }
  /** The topic's id (KIP-516: 22 base64url characters, persisted with the topic). @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  topicId(name: string): string {
    this.checkOpen()
    return this.controller.topicOrThrow(name).topicId
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
  /** Segments of the partition's leader log (or most complete replica when offline) and its last compaction. */
  segments(topic: string, partition: number): { segments: SegmentInfo[]; lastCleaning: CleanerResult | null } {
    this.checkOpen()
    const log = this.view.logOf(this.leaders.topicOrThrow(topic, partition), partition)
    return { segments: log?.segments() ?? [], lastCleaning: log?.lastCleaning ?? null }
  }

  /**
   * The log of broker `brokerId`'s replica of `topic`-`partition`, for inspection (tests, replica
   * views), or null when it has none open (offline, or never written).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, BROKER_NOT_AVAILABLE for an unknown broker.
   */
  replicaLog(brokerId: number, topic: string, partition: number): ReplicaLog | null {
    this.checkOpen()
    this.leaders.registrationOrThrow(topic, partition)
    return this.replicaManager(brokerId).partition(topic, partition)?.log ?? null
  }

  // ---- produce and read ------------------------------------------------------------------------

  /** See Producer.produce: validated whole, appended to each partition's leader, acks=all waits for the ISR. */
  produce(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster is closed'))
    const res = this.producer.produce(topic, records, opts)
    this.metadata.persist()
    return res
  }

  /**
   * Records were appended through a ReplicaManager directly (the wire protocol's Produce): the
   * followers fetch them soon (a replication round is scheduled), as after the in-process producer's
   * appends; the metadata changes of the step (ISR changes) are persisted.
   */
  appendedRecords(): void {
    if (this.closed) return
    this.scheduler.scheduleReplication()
    this.metadata.persist()
  }
  /** See Consumer.fetch: from the partition's leader, never at or past the high watermark. */
  fetch(topic: string, partition: number, offset: number, opts?: { maxRecords?: number; maxBytes?: number }): FetchAnswer {
    return this.persisting(() => this.consumer.fetch(topic, partition, offset, opts))
  }
  /** See Consumer.fetchBatches: raw batches from the partition's leader, never past the high watermark. */
  fetchBatches(topic: string, partition: number, offset: number, maxBytes: number): FetchedBatches {
    return this.persisting(() => this.consumer.fetchBatches(topic, partition, offset, maxBytes))
  }
  /** See ClusterView.listOffset (Kafka's ListOffsets). @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a bad spec. */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    this.checkOpen()
    return this.view.listOffset(this.leaders.topicOrThrow(topic, partition), partition, spec)
  }

  // ---- consumer groups -------------------------------------------------------------------------

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
  /** See GroupCoordinator.commitOffsets. */
  commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.persistingAsync(() => this.groups.commitOffsets(groupId, offsets, opts))
  }
  /** See GroupCoordinator.deleteGroup. */
  deleteGroup(groupId: string): Promise<void> {
    return this.persistingAsync(() => this.groups.deleteGroup(groupId))
  }
  /** Committed offsets of a group (empty when it has none, as Kafka's OffsetFetch answers). */
  fetchOffsets(groupId: string): GroupOffsets {
    return this.groupCoordinator().fetchOffsets(groupId)
  }
  /** Known groups (with members or committed offsets), sorted. */
  listGroups(): string[] {
    return this.groupCoordinator().listGroups()
  }
  /** See GroupCoordinator.describeGroup. */
  describeGroup(groupId: string): GroupDescription {
    return this.groupCoordinator().describeGroup(groupId)
  }
  /** See GroupCoordinator.describeGroupLag. */
  describeGroupLag(groupId: string): GroupLagRow[] {
    return this.groupCoordinator().describeGroupLag(groupId)
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
    this.leaders.registrationOrThrow(topic, partition)
    return this.metrics.partition(topic, partition).series()
  }
  brokerRates(brokerId: number): RateSeries {
    this.controller.registry.check(brokerId)
    return this.metrics.broker(brokerId).series()
  }
  /** Under-replicated, under-min-ISR and offline partition counts over all topics, internal ones included (Kafka's gauges). */
  partitionHealth(): PartitionHealth {
    return partitionHealth(this.controller.replication.topics().flatMap((t) => t.partitions.map((p) => ({ ...p, minInsyncReplicas: t.configs['min.insync.replicas'] }))))
  }
  /** Cluster events with seq > `afterSeq` (default all kept), oldest first, at most `limit` (the newest). */
  recentEvents(afterSeq?: number, limit?: number): ClusterEvent[] {
    return this.events.since(afterSeq, limit)
  }
  /** See ClusterApi.onEvent. */
  onEvent(listener: (event: ClusterEvent) => void): () => void {
    return this.events.subscribe(listener)
  }

  // ---- replication, elections and background work ---------------------------------------------

  /** See ReplicaFetcherManager.fetchRound: one replication round (none once closed), then the metadata changes are persisted. Returns records copied. */
  replicateNow(): number {
    return this.closed ? 0 : this.persisting(() => this.replication.fetchRound(), false)
  }
  /** The periodic work at the injected clock's now (see PeriodicTasks.run). */
  tick(): void {
    if (!this.closed) this.tasks.run()
  }

  /**
   * The brokers' background work now, as running brokers do it between requests (PeriodicTasks.run),
   * until no log needs cleaning, at most `maxTicks` ticks (each cleans about 1 MiB per broker). For
   * short-lived hosts (a CLI command) that close before the periodic tick runs.
   */
  maintain(maxTicks = 256): void {
    this.checkOpen()
    for (let i = 0; i < maxTicks && this.tasks.run(); i++) {
      /* another step of cleaning */
    }
  }

  /**
   * Preferred leader election now (kafka-leader-election --election-type PREFERRED) for every
   * partition, or those of `topic`, or only its `partition` (ElectLeaders on the wire). Returns the
   * partitions whose leader moved. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  electPreferredLeaders(topic?: string, partition?: number): { topic: string; partition: number; leader: number }[] {
    return this.electionStep(() => this.controller.electPreferredLeaders(topic, (t, i) => this.replication.fetchPartition(t, i), partition))
  }
  /** See ClusterApi.electLeaders (delegates to Controller.electLeaders; preferred catches a partition up first). */
  electLeaders(type: LeaderElectionType, topic?: string, partition?: number): LeaderElectionResult[] {
    return this.electionStep(() => this.controller.electLeaders(type, topic, partition, (t, i) => this.replication.fetchPartition(t, i)))
  }

  /**
   * Close: a last replication round, pending acks=all produces fail with BROKER_NOT_AVAILABLE, logs
   * flush and close, the metadata log is closed cleanly (ClusterDataDir.close). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return
    if (this.autoReplicate) this.scheduler.run(() => this.replicateNow())
    this.closed = true
    this.metadata.stop()
    this.scheduler.stop()
    this.groups.close()
    this.purgatory.clear()
    const err = new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster was closed')
    for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.failWaiters(err)
    for (const rm of this.replicaManagers.values()) for (const p of rm.allPartitions()) p.detach()
    this.dir.close()
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Broker `id`'s BrokerServer. @throws KafkaError BROKER_NOT_AVAILABLE for a closed cluster or an unknown broker. */
  private brokerServer(id: number): BrokerServer {
    this.checkOpen()
    this.controller.registry.check(id)
    return this.brokerServers.get(id)!
  }
  /** One lifecycle step, then the coordinator follows leadership, the metadata is persisted, and (`replicate`) replication runs soon. */
  private brokerStep(step: () => void, replicate = true): void {
    this.step(() => {
      step()
      this.groups.checkLeadership()
    })
    if (replicate) this.scheduler.scheduleReplication()
  }
  /** An election step: then the coordinator follows leadership and the metadata is persisted. */
  private electionStep<T>(elect: () => T): T {
    return this.step(() => {
      const result = elect()
      this.groups.checkLeadership()
      return result
    })
  }
  /** One validated step that may change metadata: `run` after the open check, then the changes are persisted (not when it throws). */
  private step<T>(run: () => T): T {
    this.checkOpen()
    const result = run()
    this.metadata.persist()
    return result
  }
  /** `run` after the open check (unless `check` is false), then the metadata changes are persisted, also when it throws. */
  private persisting<T>(run: () => T, check = true): T {
    if (check) this.checkOpen()
    try {
      return run()
    } finally {
      this.metadata.persist()
    }
  }
  /** `run` after the open check, then the metadata changes are persisted once it settled. */
  private async persistingAsync(run: () => Promise<void>): Promise<void> {
    this.checkOpen()
    try {
      await run()
    } finally {
      this.metadata.persist()
    }
  }
  private checkOpen(): void {
    if (this.closed) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster is closed')
  }
}
