/**
 * Cluster: the embedded multi-broker engine (ClusterApi). Owns the brokers, the topics and their
 * partitions (./partition.ts), the in-memory metadata (./cluster-metadata.ts) persisted by the
 * metadata log (../controller/metadata-log.ts), the replication loop, the group coordinator's
 * committed offsets (../group) and the rate meters (../metrics).
 *
 * Layout under dataDir: `.lock` (the owning process), the metadata log `__cluster_metadata-0/`
 * (records and snapshots) with `meta.properties` (cluster id) and `.kafka_cleanshutdown`, and one log
 * dir per broker, `broker-<id>/` (a storage LogManager each: clean-shutdown marker, checkpoints),
 * holding `<topic>-<partition>/` replica logs in Kafka's on-disk format. A `cluster.json` of an
 * earlier version is migrated at open (kept as `cluster.json.migrated`).
 *
 * Replication runs on the event loop: after every leader append a round is scheduled with
 * setImmediate, and a timer (every min(500, replica.lag.time.max.ms / 2) ms) runs `tick()`, which
 * replicates, shrinks ISRs, runs the live brokers' storage work (flush, retention, compaction) and
 * every 300 s the preferred-leader rebalance. With `autoReplicate: false` neither runs and tests drive rounds with
 * `replicateNow()` / `tick()` and an injected clock.
 *
 * Must stay true: one owner of state (this object on its event loop); every public method other
 * than `produce` (waiting for acks) and `close` is one synchronous step that validates before it
 * changes anything; metadata is persisted at the end of every step that changed it (appended to the
 * metadata log in the step, fsynced right after it; topic creation and added partitions fsync before
 * they answer).
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { KafkaError } from '../errors'
import { StickyPartitioner, murmur2, toPositive } from '../client/partitioner'
import { ClusterMetrics } from '../metrics/cluster-metrics'
import { partitionHealth, type PartitionHealth } from '../metrics/partition-health'
import { CommittedOffsets, OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR, offsetsPartitionFor } from '../group/committed-offsets'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../group/offset-commit-schema'
import type { RecordInput, StorageBackend } from '../storage/storage-types'
import type {
  Acks,
  BrokerState,
  CleanerResult,
  ClusterApi,
  ClusterOptions,
  ConsumerRecord,
  GroupLagRow,
  GroupOffsets,
  PartitionChoice,
  ProduceOptions,
  ProducerRecord,
  RateSeries,
  RecordMetadata,
  SegmentInfo,
  TopicConfigs,
  TopicState
} from './cluster-api'
import type { ClusterMetadata, PartitionMeta, TopicMeta } from './cluster-metadata'
import { MetadataLog } from '../controller/metadata-log'
import { Partition, type PartitionEnv } from './partition'
import { assignReplicas } from './replica-assignment'
import type { ReplicaLog, ReplicaLogStore } from './replica-log'
import { LogManagerStore } from './log-manager-store'
import { DataDirLock } from './data-dir-lock'
import { ensureDirectory } from './data-dir'
import { payloadSize, recordSize, singleRecordBatchSize, RECORD_BATCH_OVERHEAD } from './record-size'
import { DEFAULT_TOPIC_CONFIGS, toLogConfig, validateTopicConfigs } from './topic-config'
import {
  checkAcks,
  checkLeaderAvailable,
  checkMinInsyncReplicas,
  checkPartitionExists,
  checkRecordShape,
  checkRecordSize,
  partitionWritable,
  type ProduceTarget
} from './produce-validation'
import { validatePartitionCount, validateReplicationFactor, validateTopicName } from './topic-rules'
import { ClusterEventLog, type ClusterEvent, type ClusterEventInput } from './cluster-events'
import { checkReplicaBudget, defaultReplicaBudget, type ReplicaBudget } from './replica-budget'

/** Brokers allowed in a cluster. */
export const MIN_BROKERS = 1
export const MAX_BROKERS = 9
export const DEFAULT_BROKERS = 3
/** Kafka's replica.lag.time.max.ms default. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30000
/** Kafka's producer request.timeout.ms default. */
export const DEFAULT_PRODUCE_TIMEOUT_MS = 30000
/** Kafka's max.partition.fetch.bytes default, used as fetch()'s default maxBytes. */
export const DEFAULT_FETCH_MAX_BYTES = 1048576
/** Kafka's max.poll.records default, used as fetch()'s default maxRecords. */
export const DEFAULT_FETCH_MAX_RECORDS = 500
/** Kafka's leader.imbalance.check.interval.seconds default, in ms. */
export const LEADER_IMBALANCE_CHECK_INTERVAL_MS = 300000
/** Kafka's leader.imbalance.per.broker.percentage default. */
export const LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = 10
/** Port of broker 1's address label; broker n is labelled FIRST_BROKER_PORT + n - 1. */
export const FIRST_BROKER_PORT = 9092
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
  /** Where cluster events are written as lines (default console.warn). */
  eventLog?: (line: string) => void
  /** How often (ms) an offline replica's log is tried again (default DEFAULT_OFFLINE_RETRY_MS). */
  offlineRetryMs?: number
  /** Most replicas (partitions x replication factor, internal topics included) the cluster may hold (default: defaultReplicaBudget()). */
  maxReplicas?: number
}

interface TopicRuntime {
  meta: TopicMeta
  partitions: Partition[]
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

/** A new partition's metadata: leader = first replica, epoch 0, ISR = every replica (as at creation in Kafka). */
function newPartitionMeta(replicas: number[]): PartitionMeta {
  return { replicas, leader: replicas[0], leaderEpoch: 0, isr: [...replicas] }
}

/** The embedded cluster. Create with `new Cluster(opts)` or `Cluster.open(opts)`; always `await close()`. */
export class Cluster implements ClusterApi {
  readonly dataDir: string
  private readonly clock: () => number
  private readonly replicaLagTimeMaxMs: number
  private readonly autoReplicate: boolean
  private readonly store: ReplicaLogStore
  private readonly meta: ClusterMetadata
  private readonly alive = new Map<number, boolean>()
  /** Brokers whose followers do not fetch (pauseFetching); runtime only. */
  private readonly fetchPaused = new Set<number>()
  private readonly topics = new Map<string, TopicRuntime>()
  private readonly metrics: ClusterMetrics
  private readonly sticky: StickyPartitioner
  private readonly offsets = new CommittedOffsets()
  private readonly pendingTimers = new Set<NodeJS.Timeout>()
  private readonly hadCleanShutdown: boolean
  private metaDirty = false
  private replicationScheduled: NodeJS.Immediate | null = null
  private ticker: NodeJS.Timeout | null = null
  private closed = false
  private lastImbalanceCheckMs: number
  private readonly onBackgroundError: (err: unknown) => void
  private readonly lock: DataDirLock
  private readonly metadataLog: MetadataLog
  private readonly events: ClusterEventLog
  private readonly offlineRetryMs: number
  private readonly maxReplicas: ReplicaBudget
  /** The last metadata write failed (e.g. ENOSPC): reported once, retried at every persist. */
  private metaWriteFailing = false

  /** Same as `new Cluster(opts)`. */
  static open(opts: ClusterOptions & ClusterTestOptions): Cluster {
    return new Cluster(opts)
  }

  /**
   * Open the cluster in `opts.dataDir`, creating it (with `opts.brokers`, default 3) when the
   * directory holds none. Restores brokers, topics, configs, logs and committed offsets.
   * @throws KafkaError INVALID_REQUEST for a broker count outside 1..9; KAFKA_STORAGE_ERROR naming the
   *   directory or file for a data directory that is a file, under a file, cannot be created or written,
   *   is locked by a running process, holds a metadata log that cannot be replayed, or a malformed
   *   cluster.json (of an earlier version, migrated at open).
   */
  constructor(opts: ClusterOptions & ClusterTestOptions) {
    this.dataDir = path.resolve(opts.dataDir)
    this.clock = opts.clock ?? Date.now
    this.replicaLagTimeMaxMs = opts.replicaLagTimeMaxMs ?? DEFAULT_REPLICA_LAG_TIME_MAX_MS
    this.autoReplicate = opts.autoReplicate ?? true
    this.metrics = new ClusterMetrics(this.clock)
    this.sticky = new StickyPartitioner(opts.random)
    this.lastImbalanceCheckMs = this.clock()
    this.onBackgroundError = opts.onBackgroundError ?? ((e) => console.error('brokerlab replication:', e))
    this.events = new ClusterEventLog(this.clock, opts.eventLog ?? ((l) => console.warn(l)))
    this.offlineRetryMs = opts.offlineRetryMs ?? DEFAULT_OFFLINE_RETRY_MS
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
      for (const b of meta.brokers) this.alive.set(b.id, b.alive)
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
            this.topics.get(topic)?.partitions[partition]?.setOffline(b, error, 'its periodic work (flush, retention, cleaning or checkpoint) failed'),
          configFor: (topic, partition) => {
            const t = meta.topics.find((m) => m.name === topic)
            return t && partition < t.partitions.length ? toLogConfig(t.configs) : null
          }
        })
      this.hadCleanShutdown = meta.cleanShutdown && this.store.hadCleanShutdown
      this.maxReplicas =
        opts.maxReplicas === undefined ? defaultReplicaBudget(meta.brokers.length) : { max: opts.maxReplicas, reason: 'the maxReplicas option' }
      meta.cleanShutdown = false
      // A full disk must not keep the cluster from opening: the write is retried at the next persist.
      this.metaDirty = true
      this.persist()
      for (const t of meta.topics) {
        // Configs added since the directory was written take Kafka's defaults.
        t.configs = { ...DEFAULT_TOPIC_CONFIGS, ...t.configs }
        this.addTopicRuntime(t, !t.internal)
      }
      for (const p of this.allPartitions()) p.restoreAfterOpen()
      this.replayOffsetsTopic()
    } catch (e) {
      for (const p of this.allPartitions()) p.detach()
      try {
        store?.close()
      } finally {
        metadataLog?.release()
        this.lock.release()
      }
      throw e
    }
    if (this.autoReplicate) {
      const every = Math.max(50, Math.min(500, Math.floor(this.replicaLagTimeMaxMs / 2)))
      this.ticker = setInterval(() => this.background(() => this.tick()), every)
      this.ticker.unref()
      // High watermarks reopen at their checkpoints: a first round raises them to what the ISRs hold.
      this.scheduleReplication()
    }
  }

  get clusterId(): string {
    return this.meta.clusterId
  }

  /** The controller: the live broker with the lowest id (-1 when none runs). */
  get controllerId(): number {
    const ids = this.meta.brokers.filter((b) => this.alive.get(b.id)).map((b) => b.id)
    return ids.length ? Math.min(...ids) : -1
  }

  // ---- brokers ---------------------------------------------------------------------------------

  brokers(): BrokerState[] {
    this.checkOpen()
    return this.meta.brokers.map((b) => {
      let partitionsLed = 0
      let replicas = 0
      let bytesOnDisk = 0
      for (const t of this.topics.values())
        for (const p of t.partitions) {
          if (p.meta.leader === b.id) partitionsLed++
          if (p.meta.replicas.includes(b.id)) replicas++
          bytesOnDisk += p.openLogs().get(b.id)?.sizeInBytes ?? 0
        }
      const alive = this.alive.get(b.id) === true
      return { id: b.id, address: `127.0.0.1:${FIRST_BROKER_PORT + b.id - 1}`, alive, fetching: alive && !this.fetchPaused.has(b.id), partitionsLed, replicas, bytesOnDisk }
    })
  }

  /**
   * Stop broker `id`, as a controlled shutdown: partitions it led elect a new leader from their live
   * ISR (leader epoch + 1) or go offline; as a follower it leaves every ISR at once (not the last
   * member of one), as Kafka's controller removes a shut-down or fenced broker. Stopping a stopped
   * broker does nothing. (A follower that falls behind while up leaves by lag: see pauseFetching.)
   * @throws KafkaError BROKER_NOT_AVAILABLE for an unknown broker id.
   */
  stopBroker(id: number): void {
    this.checkOpen()
    this.brokerOrThrow(id)
    if (!this.alive.get(id)) return
    this.setAlive(id, false)
    for (const p of this.allPartitions()) p.onBrokerStopped(id)
    this.persist()
  }

  /** See ClusterApi.pauseFetching. */
  pauseFetching(id: number): void {
    this.checkOpen()
    this.brokerOrThrow(id)
    this.fetchPaused.add(id)
  }

  /** See ClusterApi.resumeFetching. */
  resumeFetching(id: number): void {
    this.checkOpen()
    this.brokerOrThrow(id)
    if (this.fetchPaused.delete(id)) this.scheduleReplication()
  }

  /**
   * Start broker `id`: its replicas truncate to the high watermark, catch up and rejoin the ISR;
   * offline partitions whose ISR holds it get it as leader.
   * @throws KafkaError BROKER_NOT_AVAILABLE for an unknown broker id.
   */
  startBroker(id: number): void {
    this.checkOpen()
    this.brokerOrThrow(id)
    if (this.alive.get(id)) return
    this.setAlive(id, true)
    for (const p of this.allPartitions()) p.onBrokerStarted(id)
    this.persist()
    this.scheduleReplication()
  }

  // ---- topics ----------------------------------------------------------------------------------

  defaultTopicConfigs(): TopicConfigs {
    return { ...DEFAULT_TOPIC_CONFIGS }
  }

  /**
   * Create a topic: replicas assigned over the live brokers as Kafka's rack-unaware assignor does,
   * leader = first replica, ISR = all replicas.
   * @throws KafkaError INVALID_TOPIC_EXCEPTION (name rule, collision on '.'/'_', reserved name),
   *   TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG.
   */
  createTopic(name: string, opts: { partitions: number; replicationFactor: number; configs?: Partial<TopicConfigs> }): TopicState {
    this.checkOpen()
    validateTopicName(name)
    if (this.topics.has(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`)
    if (name === OFFSETS_TOPIC) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name ${name} is reserved for Kafka's internal offsets topic`)
    const collides = [...this.topics.keys()].find((t) => t.replace(/\./g, '_') === name.replace(/\./g, '_'))
    if (collides) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collides}`)
    validatePartitionCount(opts?.partitions)
    const live = this.liveBrokerIds()
    validateReplicationFactor(opts.replicationFactor, live.length)
    const configs = validateTopicConfigs(opts.configs as Partial<Record<string, unknown>> | undefined)
    this.createTopicUnchecked(name, opts.partitions, opts.replicationFactor, configs, false)
    return this.describeTopic(name)
  }

  private createTopicUnchecked(name: string, partitions: number, rf: number, configs: TopicConfigs, internal: boolean): TopicRuntime {
    checkReplicaBudget(this.replicaCount(), partitions, rf, this.maxReplicas, `Topic '${name}'`)
    const assignment = assignReplicas(name, partitions, rf, this.liveBrokerIds())
    const meta: TopicMeta = {
      name,
      topicId: newKafkaUuid(),
      internal,
      configs,
      partitions: assignment.map(newPartitionMeta)
    }
    // All or nothing: every replica log opens, and the metadata naming the topic is written, before
    // anything of it becomes visible; a failure removes what was made. Internal topics open lazily.
    if (!internal) this.openNewLogs(name, 0, assignment, toLogConfig(configs), `Topic ${name} was not created`)
    this.meta.topics.push(meta)
    try {
      this.writeMetadata()
    } catch (e) {
      this.meta.topics.pop()
      this.deleteNewLogs(name, 0, assignment)
      this.rolledBack(`Topic ${name} was not created`, e)
    }
    return this.addTopicRuntime(meta, !internal)
  }

  /** Replicas the cluster holds: partitions x replication factor over every topic, internal ones included. */
  private replicaCount(): number {
    let n = 0
    for (const t of this.meta.topics) for (const p of t.partitions) n += p.replicas.length
    return n
  }

  /**
   * Opens (creates) the logs of partitions `from`.. of topic `name` on their assigned brokers. When
   * one fails, every log opened here is deleted again and KAFKA_STORAGE_ERROR is thrown, starting
   * with `what`.
   */
  private openNewLogs(name: string, from: number, assignment: number[][], config: ReturnType<typeof toLogConfig>, what: string): void {
    for (let i = from; i < assignment.length; i++)
      for (const b of assignment[i]) {
        try {
          this.store.open(b, name, i, config, true)
        } catch (e) {
          this.deleteNewLogs(name, from, assignment)
          this.rolledBack(`${what}: the log of ${name}-${i} on broker ${b} could not be created`, e)
        }
      }
  }

  /** Deletes the logs of partitions `from`.. of `name` (a rolled-back creation); best effort. */
  private deleteNewLogs(name: string, from: number, assignment: number[][]): void {
    for (let i = from; i < assignment.length; i++)
      for (const b of assignment[i]) {
        try {
          this.store.delete(b, name, i)
        } catch {
          // a directory that cannot be removed now is a stray at the next open, deleted then
        }
      }
  }

  /** Reports a rolled-back creation and throws KAFKA_STORAGE_ERROR `what: cause. Nothing of it was kept.` */
  private rolledBack(what: string, cause: unknown): never {
    const message = `${what}: ${(cause as Error)?.message ?? String(cause)}. Nothing of it was kept.`
    this.events.emit({ kind: 'topic-rolled-back', severity: 'warning', message })
    throw new KafkaError('KAFKA_STORAGE_ERROR', message)
  }

  /**
   * Add partitions (kafka-topics --alter --partitions; Kafka's CreatePartitions): the topic grows to
   * `count` partitions, the new ones assigned over the live brokers as if the topic had been created
   * with `count` (the layout continues), leader = first replica, ISR = all replicas. Existing
   * partitions and their records stay; keys hash over the new count from now on, so a key may land
   * on another partition than before, as in Kafka.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_PARTITIONS when `count` is not above the
   *   current count, or for __consumer_offsets (its partition count places every group's
   *   coordinator); INVALID_REPLICATION_FACTOR when fewer brokers are live than the topic's
   *   replication factor.
   */
  createPartitions(name: string, count: number): TopicState {
    this.checkOpen()
    const t = this.topicOrThrow(name)
    validatePartitionCount(count)
    const current = t.meta.partitions.length
    if (name === OFFSETS_TOPIC)
      throw new KafkaError('INVALID_PARTITIONS', `The partition count of ${OFFSETS_TOPIC} decides each group's coordinator; it cannot change.`)
    if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
    if (count < current)
      throw new KafkaError('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`)
    const rf = t.meta.partitions[0].replicas.length
    checkReplicaBudget(this.replicaCount(), count - current, rf, this.maxReplicas, `Adding ${count - current} partition(s) to topic '${name}'`)
    const assignment = assignReplicas(name, count, rf, this.liveBrokerIds())
    // All or nothing, as creating a topic: the new logs open and the metadata is written first.
    this.openNewLogs(name, current, assignment, toLogConfig(t.meta.configs), `No partitions were added to topic ${name}`)
    for (let i = current; i < count; i++) t.meta.partitions.push(newPartitionMeta(assignment[i]))
    try {
      this.writeMetadata()
    } catch (e) {
      t.meta.partitions.length = current
      this.deleteNewLogs(name, current, assignment)
      this.rolledBack(`No partitions were added to topic ${name}`, e)
    }
    for (let i = current; i < count; i++) t.partitions.push(this.newPartition(t.meta, i, !t.meta.internal))
    this.scheduleReplication()
    return this.topicState(t)
  }

  /**
   * Change configs of a topic (kafka-configs --alter --add-config): validated against Kafka's rules,
   * merged onto the topic's current configs and applied to every replica log.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG.
   */
  alterTopicConfigs(name: string, configs: Partial<TopicConfigs>): TopicState {
    this.checkOpen()
    const t = this.topicOrThrow(name)
    const next = validateTopicConfigs(configs as Partial<Record<string, unknown>>, t.meta.configs)
    t.meta.configs = next
    const logConfig = toLogConfig(next)
    for (const p of t.partitions) for (const log of p.openLogs().values()) log.updateConfig(logConfig)
    this.metaDirty = true
    this.persist()
    return this.topicState(t)
  }

  /**
   * Delete a topic: its replica logs on every broker, its committed offsets (tombstones in
   * __consumer_offsets, as Kafka's GroupMetadataManager does) and its meters.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_REQUEST for the internal offsets topic.
   */
  deleteTopic(name: string): void {
    this.checkOpen()
    const t = this.topicOrThrow(name)
    if (t.meta.internal) throw new KafkaError('INVALID_REQUEST', `Topic ${name} is internal and cannot be deleted`)
    const entries = this.offsets.entriesForTopic(name)
    const byGroup = new Map<string, number[]>()
    for (const e of entries) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e.partition])
    for (const [group, parts] of byGroup) {
      try {
        this.writeOffsetRecords(group, parts.map((partition) => ({ topic: name, partition, offset: null })))
      } catch {
        // coordinator offline: the cache still forgets them below
      }
      for (const p of parts) this.offsets.put(group, name, p, null)
    }
    const gone = new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} was deleted`)
    for (const p of t.partitions) {
      p.failWaiters(gone)
      p.detach()
    }
    for (const b of this.meta.brokers) for (let i = 0; i < t.partitions.length; i++) this.store.delete(b.id, name, i)
    this.topics.delete(name)
    this.meta.topics = this.meta.topics.filter((m) => m.name !== name)
    this.metrics.removeTopic(name)
    this.sticky.forget(name)
    this.metaDirty = true
    this.persist()
  }

  /** Topics sorted by name; the internal __consumer_offsets only with includeInternal. */
  listTopics(opts?: { includeInternal?: boolean }): TopicState[] {
    this.checkOpen()
    return [...this.topics.values()]
      .filter((t) => opts?.includeInternal || !t.meta.internal)
      .map((t) => this.topicState(t))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  /** @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  describeTopic(name: string): TopicState {
    this.checkOpen()
    return this.topicState(this.topicOrThrow(name))
  }

  /** Segments of the partition's leader log (or best replica when offline) and its last compaction. */
  segments(topic: string, partition: number): { segments: SegmentInfo[]; lastCleaning: CleanerResult | null } {
    this.checkOpen()
    const p = this.partitionOrThrow(topic, partition)
    const log = p.readLog()
    return { segments: log?.segments() ?? [], lastCleaning: log?.lastCleaning ?? null }
  }

  // ---- produce and read ------------------------------------------------------------------------

  /**
   * Produce records (see ClusterApi). Partition choice: explicit, else murmur2 of the key, else the
   * sticky partition of this call (one batch per partition per call; the sticky partition switches
   * after the call; it skips partitions that cannot take the records with these acks when another
   * can). Validation of every record (produce-validation.ts) happens before anything is appended;
   * messages name a record by `opts.recordIndexBase` + its index in `records`. Appends are
   * split into batches no larger than max.message.bytes. With acks=0 the offsets reported are -1, as
   * the Java producer reports them. LogAppendTime topics: the replica log stamps each batch with its
   * clock (the cluster's; timestamp type bit set) and the metadata reports that append time.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUIRED_ACKS, INVALID_RECORD,
   *   INVALID_TIMESTAMP, RECORD_TOO_LARGE, LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS;
   *   acks=all: REQUEST_TIMED_OUT after timeoutMs (default 30000), NOT_LEADER_OR_FOLLOWER when
   *   leadership moves first, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas.
   */
  produce(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    try {
      return this.produceStep(topic, records, opts)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  private produceStep(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    this.checkOpen()
    const t = this.topicOrThrow(topic)
    const acks = opts?.acks
    checkAcks(acks)
    if (!Array.isArray(records)) throw new KafkaError('INVALID_REQUEST', 'records must be an array')
    const timeoutMs = opts.timeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0)
      throw new KafkaError('INVALID_REQUEST', `timeoutMs must be an integer >= 0 (ms), got ${timeoutMs}`)
    const indexBase = opts.recordIndexBase ?? 0
    if (!Number.isInteger(indexBase) || indexBase < 0)
      throw new KafkaError('INVALID_REQUEST', `recordIndexBase must be an integer >= 0, got ${indexBase}`)
    const n = t.partitions.length
    const cfg = t.meta.configs
    const target = this.produceTarget(t)
    const now = this.clock()
    const logAppendTime = cfg['message.timestamp.type'] === 'LogAppendTime'
    let stickyPartition = -1
    const out: RecordMetadata[] = new Array(records.length)
    const perPartition = new Map<number, { idx: number[]; inputs: RecordInput[] }>()

    for (let i = 0; i < records.length; i++) {
      const r = records[i]
      checkRecordShape(r, indexBase + i)
      const key = r.key ?? null
      const value = r.value ?? null
      const headers = r.headers ?? []
      let partition: number
      let choice: PartitionChoice
      if (r.partition !== undefined && r.partition !== null) {
        checkPartitionExists(target, r.partition)
        partition = r.partition
        choice = { kind: 'explicit' }
      } else if (key !== null) {
        const h = murmur2(key)
        const positive = toPositive(h)
        partition = positive % n
        choice = { kind: 'key', murmur2: h, positive, partitions: n }
      } else {
        if (stickyPartition < 0) stickyPartition = this.pickSticky(t, target, acks)
        partition = stickyPartition
        choice = { kind: 'no-key', strategy: 'sticky' }
      }
      const input: RecordInput = { key, value, headers, timestamp: logAppendTime ? now : (r.timestamp ?? now) }
      checkRecordSize(target, singleRecordBatchSize(input), indexBase + i)
      checkLeaderAvailable(target, partition)
      let slot = perPartition.get(partition)
      if (!slot) perPartition.set(partition, (slot = { idx: [], inputs: [] }))
      slot.idx.push(i)
      slot.inputs.push(input)
      out[i] = { partition, offset: -1, timestamp: input.timestamp, choice }
    }

    if (acks === 'all') for (const partition of perPartition.keys()) checkMinInsyncReplicas(target, partition)

    // Validated: append (one synchronous step).
    const lastOffsets = new Map<number, number>()
    for (const [partition, slot] of perPartition) {
      const p = t.partitions[partition]
      let start = 0
      while (start < slot.inputs.length) {
        const end = this.batchEnd(slot.inputs, start, cfg['max.message.bytes'])
        const chunk = slot.inputs.slice(start, end)
        const res = p.appendAsLeader(chunk)
        this.metrics.recordAppend(p.meta.leader, topic, partition, chunk.length, res.batchBytes)
        for (let j = start; j < end; j++) {
          const md = out[slot.idx[j]]
          md.offset = acks === 0 ? -1 : res.firstOffset + (j - start)
          // Kafka's ProduceResponse log_append_time: the batch's append time, which readers report.
          if (logAppendTime) md.timestamp = res.maxTimestamp
        }
        lastOffsets.set(partition, res.lastOffset)
        start = end
      }
    }
    if (stickyPartition >= 0) this.sticky.onNewBatch(topic, n)
    this.scheduleReplication()
    if (acks !== 'all' || lastOffsets.size === 0) return Promise.resolve(out)

    const waits = [...lastOffsets].map(([partition, last]) => ({ partition: t.partitions[partition], lastOffset: last }))
    return this.awaitHighWatermarks(waits, timeoutMs, `Records of topic ${topic} were not replicated to the ISR within ${timeoutMs} ms (acks=all)`).then(() => out)
  }

  /**
   * Resolves once each partition's high watermark passed its `lastOffset` (the ISR holds it); rejects
   * with the first error a wait reports (NOT_LEADER_OR_FOLLOWER when leadership moves,
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas, BROKER_NOT_AVAILABLE
   * at close), or REQUEST_TIMED_OUT with `timeoutMessage` after `timeoutMs` ms.
   */
  private awaitHighWatermarks(waits: { partition: Partition; lastOffset: number }[], timeoutMs: number, timeoutMessage: string): Promise<void> {
    if (waits.length === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      let remaining = waits.length
      const cancels: (() => void)[] = []
      let settled = false
      const finish = (err: KafkaError | null): void => {
        if (settled) return
        if (err) {
          settled = true
          clearTimeout(timer)
          this.pendingTimers.delete(timer)
          for (const c of cancels) c()
          reject(err)
        } else if (--remaining === 0) {
          settled = true
          clearTimeout(timer)
          this.pendingTimers.delete(timer)
          resolve()
        }
      }
      const timer = setTimeout(() => finish(new KafkaError('REQUEST_TIMED_OUT', timeoutMessage)), timeoutMs)
      this.pendingTimers.add(timer)
      for (const w of waits) cancels.push(w.partition.waitForHighWatermark(w.lastOffset, finish))
    })
  }

  /** End index (exclusive) of the batch starting at `start` that stays within `maxBytes` (at least one record). */
  private batchEnd(inputs: RecordInput[], start: number, maxBytes: number): number {
    let size = RECORD_BATCH_OVERHEAD
    const firstTs = inputs[start].timestamp
    let i = start
    while (i < inputs.length) {
      const s = recordSize(inputs[i], i - start, inputs[i].timestamp - firstTs)
      if (i > start && size + s > maxBytes) break
      size += s
      i++
    }
    return i
  }

  /**
   * Sticky partition of a topic, skipping partitions that cannot take a produce with `acks` now
   * (offline, or for acks=all an ISR below min.insync.replicas) when another one can, as Kafka's
   * built-in partitioner (KIP-794) steers away from partitions whose batches cannot be sent.
   */
  private pickSticky(t: TopicRuntime, target: ProduceTarget, acks: Acks): number {
    const n = t.partitions.length
    let p = this.sticky.partition(t.meta.name, n)
    for (let tries = 0; tries < n * 4 && !partitionWritable(target, p, acks); tries++) {
      this.sticky.onNewBatch(t.meta.name, n)
      p = this.sticky.partition(t.meta.name, n)
    }
    return p
  }

  /** What the produce rules (produce-validation.ts) need to know of a topic, read from its partitions now. */
  private produceTarget(t: TopicRuntime): ProduceTarget {
    return {
      topic: t.meta.name,
      partitions: t.partitions.map((p) => p.meta),
      maxMessageBytes: t.meta.configs['max.message.bytes'],
      minInsyncReplicas: t.meta.configs['min.insync.replicas']
    }
  }

  /**
   * Read from the partition's leader, from `offset`, up to maxRecords (default 500) / maxBytes
   * (default 1048576; at least one record), never at or past the high watermark.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, OFFSET_OUT_OF_RANGE when
   *   offset < log start offset or > log end offset.
   */
  fetch(
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number }
  ): { records: ConsumerRecord[]; highWatermark: number; logStartOffset: number; nextOffset: number } {
    this.checkOpen()
    const p = this.partitionOrThrow(topic, partition)
    return p.readFromLeader((log) => this.fetchFrom(p, log, topic, partition, offset, opts))
  }

  private fetchFrom(
    p: Partition,
    log: ReplicaLog,
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number }
  ): { records: ConsumerRecord[]; highWatermark: number; logStartOffset: number; nextOffset: number } {
    const hw = log.highWatermark
    if (!Number.isInteger(offset) || offset < log.logStartOffset || offset > log.logEndOffset)
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Fetch offset ${offset} is out of range for partition ${p.name}: log start offset ${log.logStartOffset}, log end offset ${log.logEndOffset}`
      )
    const records: ConsumerRecord[] = []
    if (offset < hw) {
      const stored = log.readRecords(offset, {
        maxRecords: opts?.maxRecords ?? DEFAULT_FETCH_MAX_RECORDS,
        maxBytes: opts?.maxBytes ?? DEFAULT_FETCH_MAX_BYTES,
        maxOffset: hw
      })
      let bytes = 0
      for (const r of stored) {
        if (r.offset >= hw) break
        records.push({
          topic,
          partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
          sizeBytes: payloadSize(r)
        })
        bytes += recordSize(r)
      }
      if (bytes > 0) this.metrics.recordFetch(p.meta.leader, topic, partition, bytes)
    }
    const nextOffset = records.length ? records[records.length - 1].offset + 1 : offset
    return { records, highWatermark: hw, logStartOffset: log.logStartOffset, nextOffset }
  }

  /**
   * Kafka's ListOffsets: earliest = log start offset, latest = high watermark, { timestamp } = the
   * first offset whose timestamp >= T below the high watermark, or null.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a bad spec.
   */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    this.checkOpen()
    const p = this.partitionOrThrow(topic, partition)
    if (spec === 'earliest') return p.logStartOffset
    if (spec === 'latest') return p.highWatermark
    if (!spec || typeof spec !== 'object' || !Number.isFinite(spec.timestamp))
      throw new KafkaError('INVALID_REQUEST', `Offset spec must be 'earliest', 'latest' or { timestamp: ms }`)
    const log = p.readLog()
    if (!log) return null
    const o = log.offsetForTimestamp(spec.timestamp)
    return o === null || o >= p.highWatermark ? null : o
  }

  // ---- consumer groups -------------------------------------------------------------------------

  /**
   * Commit offsets of a group: written to its partition of __consumer_offsets (created on first use
   * with 50 partitions, replication factor min(3, live brokers), cleanup.policy=compact) as
   * OffsetCommitKey v1 / OffsetCommitValue v3 records, copied to the partition's fetching followers
   * in the same step, and answered once the whole ISR holds them (Kafka's coordinator appends with
   * acks=-1); only then are they applied to the cache that fetchOffsets and lag read. A follower that
   * stopped fetching but is still in the ISR holds the answer back until it leaves the ISR.
   * Rejects with KafkaError INVALID_GROUP_ID (empty group id), INVALID_REQUEST (bad offset),
   *   UNKNOWN_TOPIC_OR_PARTITION, COORDINATOR_NOT_AVAILABLE when the coordinator partition is offline
   *   or the commit did not reach the ISR within `timeoutMs` (default 30000), NOT_COORDINATOR when its
   *   leadership moved meanwhile (Kafka's GroupMetadataManager error mapping); nothing is applied then.
   */
  async commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
    this.checkOpen()
    this.checkGroupId(groupId)
    if (!Array.isArray(offsets)) throw new KafkaError('INVALID_REQUEST', 'offsets must be an array')
    for (const o of offsets) {
      this.partitionOrThrow(o.topic, o.partition)
      if (!Number.isInteger(o.offset) || o.offset < 0)
        throw new KafkaError('INVALID_REQUEST', `Committed offset must be an integer >= 0, got ${o.offset} for ${o.topic}-${o.partition}`)
    }
    if (offsets.length === 0) return
    const timeoutMs = opts.timeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS
    const { now, partition, lastOffset } = this.writeOffsetRecords(groupId, offsets)
    try {
      await this.awaitHighWatermarks([{ partition, lastOffset }], timeoutMs, `The commit of group ${groupId} did not reach the ISR of ${partition.name} within ${timeoutMs} ms`)
    } catch (e) {
      const code = e instanceof KafkaError ? e.code : 'UNKNOWN_SERVER_ERROR'
      const msg = e instanceof Error ? e.message : String(e)
      if (code === 'NOT_LEADER_OR_FOLLOWER') throw new KafkaError('NOT_COORDINATOR', `The coordinator of group ${groupId} moved: ${msg}`)
      if (code === 'REQUEST_TIMED_OUT' || code === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' || code === 'NOT_ENOUGH_REPLICAS')
        throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The commit of group ${groupId} was not replicated: ${msg}`)
      throw e
    }
    if (this.closed) return
    for (const o of offsets)
      this.offsets.put(groupId, o.topic, o.partition, { offset: o.offset, leaderEpoch: -1, metadata: '', commitTimestamp: now })
    this.persist()
  }

  /**
   * Append commit records (offset null = tombstone) to the group's coordinator partition and copy
   * them to its fetching followers. Returns the commit time, the partition and the last offset written.
   */
  private writeOffsetRecords(
    groupId: string,
    offsets: { topic: string; partition: number; offset: number | null }[]
  ): { now: number; partition: Partition; lastOffset: number } {
    const t = this.ensureOffsetsTopic()
    const p = t.partitions[offsetsPartitionFor(groupId, t.partitions.length)]
    if (p.meta.leader < 0)
      throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The coordinator of group ${groupId} (partition ${p.name}) is not available: no live in-sync replica`)
    const now = this.clock()
    const res = p.appendAsLeader(
      offsets.map((o) => ({
        key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
        value: o.offset === null ? null : encodeOffsetCommitValue({ offset: o.offset, leaderEpoch: -1, metadata: '', commitTimestamp: now }),
        timestamp: now
      }))
    )
    // Kafka's coordinator answers a commit once its __consumer_offsets append reached the ISR
    // (offsets.commit.required.acks=-1): the fetching followers copy it now, so the high watermark
    // usually passes it in this same step; commitOffsets waits for that.
    p.replicate()
    this.scheduleReplication()
    return { now, partition: p, lastOffset: res.lastOffset }
  }

  /** Committed offsets of a group (empty when it has none, as Kafka's OffsetFetch answers). */
  fetchOffsets(groupId: string): GroupOffsets {
    this.checkOpen()
    this.checkGroupId(groupId)
    return { groupId, offsets: this.offsets.offsetsOf(groupId) }
  }

  /** Groups with committed offsets, sorted. */
  listGroups(): string[] {
    this.checkOpen()
    return this.offsets.groupIds()
  }

  /**
   * kafka-consumer-groups --describe rows: every partition of every (still existing) topic the group
   * committed to; LOG-END-OFFSET is the high watermark; lag = HW - committed (HW - log start when none).
   * @throws KafkaError GROUP_ID_NOT_FOUND when the group has no committed offsets.
   */
  describeGroupLag(groupId: string): GroupLagRow[] {
    this.checkOpen()
    if (!this.offsets.hasGroup(groupId)) throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`)
    const rows: GroupLagRow[] = []
    const committed = this.offsets.offsetsOf(groupId)
    for (const topic of [...committed.keys()].sort()) {
      const t = this.topics.get(topic)
      if (!t) continue
      for (const p of t.partitions) {
        const current = committed.get(topic)!.get(p.id) ?? null
        const hw = p.highWatermark
        rows.push({ topic, partition: p.id, currentOffset: current, logEndOffset: hw, lag: Math.max(0, hw - (current ?? p.logStartOffset)) })
      }
    }
    return rows
  }

  // ---- metrics ---------------------------------------------------------------------------------

  clusterRates(): RateSeries {
    return this.metrics.cluster.series()
  }
  topicRates(topic: string): RateSeries {
    this.topicOrThrow(topic)
    return this.metrics.topic(topic).series()
  }
  partitionRates(topic: string, partition: number): RateSeries {
    this.partitionOrThrow(topic, partition)
    return this.metrics.partition(topic, partition).series()
  }
  brokerRates(brokerId: number): RateSeries {
    this.brokerOrThrow(brokerId)
    return this.metrics.broker(brokerId).series()
  }

  /** Under-replicated and offline partition counts over all topics, internal ones included (Kafka's gauges). */
  partitionHealth(): PartitionHealth {
    return partitionHealth([...this.allPartitions()].map((p) => p.meta))
  }

  /** Cluster events with seq > `afterSeq` (default all kept), oldest first, at most `limit` (the newest). */
  recentEvents(afterSeq?: number, limit?: number): ClusterEvent[] {
    return this.events.since(afterSeq, limit)
  }

  // ---- replication -----------------------------------------------------------------------------

  /** One replication round over every partition (followers fetch from leaders, ISR expands, HW advances). Returns records copied. */
  replicateNow(): number {
    if (this.closed) return 0
    let copied = 0
    let failure: unknown = null
    for (const p of this.allPartitions()) {
      if (!p.needsReplication()) continue
      try {
        copied += p.replicate()
      } catch (e) {
        // One partition's failure (e.g. a corrupt batch) must not stop the others from replicating.
        failure ??= e
      }
    }
    this.persist()
    if (failure) throw failure
    return copied
  }

  /**
   * replicateNow, then shrink ISRs of followers behind for more than replica.lag.time.max.ms, and
   * every leader.imbalance.check.interval.ms (300 s) move leadership back to preferred replicas on
   * brokers whose imbalance exceeds 10% (Kafka's auto.leader.rebalance.enable). Time is the injected clock.
   */
  tick(): void {
    this.runTick()
  }

  /** One tick; returns true while the log cleaner has work left. */
  private runTick(): boolean {
    if (this.closed) return false
    const now = this.clock()
    for (const p of this.allPartitions()) if (p.offlineReplicas().size > 0) p.retryOffline(now)
    this.replicateNow()
    for (const p of this.allPartitions()) p.maybeShrinkIsr()
    const cleaning = this.store.tick(now, this.liveBrokerIds())
    if (now - this.lastImbalanceCheckMs >= LEADER_IMBALANCE_CHECK_INTERVAL_MS) {
      this.lastImbalanceCheckMs = now
      this.rebalanceLeaders()
    }
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
   * partition, or those of `topic`. Returns the partitions whose leader moved.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic.
   */
  electPreferredLeaders(topic?: string): { topic: string; partition: number; leader: number }[] {
    this.checkOpen()
    const parts = topic === undefined ? [...this.allPartitions()] : this.topicOrThrow(topic).partitions
    const moved: { topic: string; partition: number; leader: number }[] = []
    for (const p of parts) if (p.electPreferredLeader()) moved.push({ topic: p.topic, partition: p.id, leader: p.meta.leader })
    this.persist()
    return moved
  }

  /** Kafka's checkAndTriggerAutoLeaderRebalance: preferred elections on brokers above the imbalance ratio. */
  private rebalanceLeaders(): void {
    const preferredOf = new Map<number, Partition[]>()
    for (const p of this.allPartitions()) {
      const b = p.meta.replicas[0]
      preferredOf.set(b, [...(preferredOf.get(b) ?? []), p])
    }
    for (const [broker, parts] of preferredOf) {
      if (!this.alive.get(broker)) continue
      const notLed = parts.filter((p) => p.meta.leader !== broker).length
      if ((notLed * 100) / parts.length > LEADER_IMBALANCE_PER_BROKER_PERCENTAGE) for (const p of parts) p.electPreferredLeader()
    }
  }

  private scheduleReplication(): void {
    if (!this.autoReplicate || this.replicationScheduled || this.closed) return
    this.replicationScheduled = setImmediate(() => {
      this.replicationScheduled = null
      this.background(() => this.replicateNow())
    })
  }

  private background(step: () => void): void {
    try {
      step()
    } catch (e) {
      this.onBackgroundError(e)
    }
  }

  /**
   * Close: a last replication round, pending acks=all produces fail with BROKER_NOT_AVAILABLE, logs
   * flush and close, the metadata log is closed cleanly (MetadataLog.close). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return
    if (this.autoReplicate) this.background(() => this.replicateNow())
    this.closed = true
    if (this.ticker) clearInterval(this.ticker)
    if (this.replicationScheduled) clearImmediate(this.replicationScheduled)
    for (const timer of this.pendingTimers) clearTimeout(timer)
    this.pendingTimers.clear()
    const err = new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster was closed')
    for (const p of this.allPartitions()) p.failWaiters(err)
    for (const p of this.allPartitions()) p.detach()
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

  /** Whether the previous session closed cleanly (logs were not recovered). */
  get previousShutdownWasClean(): boolean {
    return this.hadCleanShutdown
  }

  // ---- internals -------------------------------------------------------------------------------

  private addTopicRuntime(meta: TopicMeta, eager: boolean): TopicRuntime {
    const rt: TopicRuntime = { meta, partitions: meta.partitions.map((_pm, i) => this.newPartition(meta, i, eager)) }
    this.topics.set(meta.name, rt)
    return rt
  }

  /** The runtime of partition `i` of `meta` (its metadata is meta.partitions[i]). */
  private newPartition(meta: TopicMeta, i: number, eager: boolean): Partition {
    const env: PartitionEnv = {
      clock: this.clock,
      replicaLagTimeMaxMs: this.replicaLagTimeMaxMs,
      isAlive: (b) => this.alive.get(b) === true,
      isFetching: (b) => this.alive.get(b) === true && !this.fetchPaused.has(b),
      openLog: (b, create, recover) => this.store.open(b, meta.name, i, toLogConfig(meta.configs), create, { recover }),
      minInsyncReplicas: () => meta.configs['min.insync.replicas'],
      metaChanged: () => {
        this.metaDirty = true
      },
      logFailed: (b, error) => this.store.evict(b, meta.name, i, error),
      event: (e: ClusterEventInput) => this.events.emit(e),
      offlineRetryMs: this.offlineRetryMs
    }
    return new Partition(meta.name, i, meta.partitions[i], env, eager)
  }

  private ensureOffsetsTopic(): TopicRuntime {
    const existing = this.topics.get(OFFSETS_TOPIC)
    if (existing) return existing
    const live = this.liveBrokerIds().length
    if (live === 0) throw new KafkaError('BROKER_NOT_AVAILABLE', `No live broker to host ${OFFSETS_TOPIC}`)
    const configs = validateTopicConfigs({ 'cleanup.policy': 'compact', 'segment.bytes': 104857600 })
    return this.createTopicUnchecked(OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, Math.min(OFFSETS_TOPIC_REPLICATION_FACTOR, live), configs, true)
  }

  /** Rebuild committed offsets from __consumer_offsets (each partition's most complete replica, to its end). */
  private replayOffsetsTopic(): void {
    const t = this.topics.get(OFFSETS_TOPIC)
    if (!t) return
    for (const p of t.partitions) {
      if (!p.readLog()) continue
      // From the leader (a corrupt batch there moves leadership, see Partition.readFromLeader), or
      // from the most complete replica of an offline partition.
      const read = <T>(fn: (log: ReplicaLog) => T): T => (p.leader >= 0 ? p.readFromLeader(fn) : fn(p.readLog()!))
      try {
        let offset = read((log) => log.logStartOffset)
        while (offset < read((log) => log.logEndOffset)) {
          const batch = read((log) => log.readRecords(offset, { maxRecords: 10000 }))
          if (batch.length === 0) break
          for (const r of batch) this.offsets.replay(r.key, r.value)
          offset = batch[batch.length - 1].offset + 1
        }
      } catch (e) {
        // One unreadable coordinator partition must not keep the cluster from opening.
        this.events.emit({
          kind: 'replica-damaged',
          severity: 'error',
          topic: p.topic,
          partition: p.id,
          message: `Committed offsets in ${p.name} could not all be read: ${(e as Error).message}`
        })
      }
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
    this.events.emit({
      kind: 'metadata-write-failed',
      severity: 'error',
      message: `${(e as Error).message}; the cluster keeps running and writes it again at the next change`
    })
  }

  /**
   * Appends the metadata changes to the metadata log now and, when `durable` (a step that must not
   * go on without it, e.g. creating a topic), fsyncs them before returning.
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the metadata log when they cannot be written.
   */
  private writeMetadata(durable = true): void {
    try {
      this.metadataLog.persist(this.meta)
      if (durable) this.metadataLog.flush()
    } catch (e) {
      if (e instanceof KafkaError) throw e
      throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot write the cluster metadata log ${this.metadataLog.dir}: ${(e as Error).message}`)
    }
    this.metaDirty = false
    if (this.metaWriteFailing) {
      this.metaWriteFailing = false
      this.events.emit({ kind: 'metadata-write-failed', severity: 'info', message: `The cluster metadata log ${this.metadataLog.dir} is written again` })
    }
  }

  private setAlive(id: number, alive: boolean): void {
    this.alive.set(id, alive)
    this.meta.brokers.find((b) => b.id === id)!.alive = alive
    this.metaDirty = true
  }

  private liveBrokerIds(): number[] {
    return this.meta.brokers.filter((b) => this.alive.get(b.id)).map((b) => b.id)
  }

  private *allPartitions(): Iterable<Partition> {
    for (const t of this.topics.values()) yield* t.partitions
  }

  private topicState(t: TopicRuntime): TopicState {
    return {
      name: t.meta.name,
      partitions: t.partitions.map((p) => p.state()),
      replicationFactor: t.meta.partitions[0]?.replicas.length ?? 0,
      configs: { ...t.meta.configs },
      internal: t.meta.internal
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster is closed')
  }

  private checkGroupId(groupId: string): void {
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new KafkaError('INVALID_GROUP_ID', 'Group id must be a non-empty string')
  }

  private brokerOrThrow(id: number): void {
    if (!this.alive.has(id))
      throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} does not exist (brokers: ${this.meta.brokers.map((b) => b.id).join(', ')})`)
  }

  private topicOrThrow(name: string): TopicRuntime {
    const t = this.topics.get(name)
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: topic ${name} does not exist`)
    return t
  }

  private partitionOrThrow(topic: string, partition: number): Partition {
    const t = this.topicOrThrow(topic)
    const p = Number.isInteger(partition) ? t.partitions[partition] : undefined
    if (!p)
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic ${topic} does not exist (topic has ${t.partitions.length} partitions)`)
    return p
  }
}
