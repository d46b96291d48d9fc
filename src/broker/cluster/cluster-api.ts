/**
 * The engine's public API: what the hosts (Electron main, browser-mode host, CLI) call. `Cluster`
 * (cluster.ts) implements it. Plain Node types: Buffers for bytes, numbers for offsets (int64 offsets
 * are held as JS numbers; they stay exact below 2^53), ms since the epoch for time; topic configs of
 * Kafka's LONG type are bigint, exact to Long.MAX_VALUE. Configs, acks and error names are the
 * engine model's (../model/), re-exported here.
 *
 * Errors: every method throws `KafkaError` (../model/errors.ts) carrying Kafka's error name
 * (UNKNOWN_TOPIC_OR_PARTITION, TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS,
 * INVALID_REPLICATION_FACTOR, INVALID_CONFIG, NOT_ENOUGH_REPLICAS, RECORD_TOO_LARGE,
 * OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, ...).
 *
 * Must stay true: one owner of state (the event loop running the Cluster); every state change is a
 * synchronous step; only `produce` (waiting for acks), `commitOffsets` and `deleteGroup` (waiting for
 * the coordinator partition's ISR) and `close` are asynchronous.
 */
import type { Acks } from '../model/acks'
import type { TopicConfigOverrides, TopicConfigs } from '../model/topic-configs'
import type { CleanerResult, SegmentDescription } from '../storage/storage-types'
import type { MetricPoint } from '../metrics/rate-meter'
import type { RateSeries } from '../metrics/cluster-metrics'
import type { ClusterEvent } from './cluster-events'
import type { RecordBatchInfo } from '../codec/batch-info'
import type { CompressionName } from '../codec/compression'
import type { AckWaitReport } from '../server/ack-wait-report'

export type { TopicConfigs, TopicConfigOverrides, Acks, CleanerResult, MetricPoint, RateSeries }

/** Kafka's ElectionType (KIP-460): PREFERRED (0) or UNCLEAN (1). */
export type LeaderElectionType = 'preferred' | 'unclean'

/**
 * One partition's outcome of an election asked for (ClusterApi.electLeaders): 'elected' (leadership
 * moved from previousLeader to leader, -1 meaning none, at leaderEpoch), 'not-needed' (Kafka's
 * ELECTION_NOT_NEEDED: a valid replica already leads), 'failed' (no replica could be elected;
 * `error` has Kafka's error name, PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE,
 * and why). `error` is set for 'not-needed' too (ELECTION_NOT_NEEDED), as ElectLeaders answers.
 */
export interface LeaderElectionResult {
  topic: string
  partition: number
  outcome: 'elected' | 'not-needed' | 'failed'
  previousLeader: number
  leader: number
  leaderEpoch: number
  error?: { code: string; message: string }
}

/** A record header: key is a string, value bytes or null (Kafka's Header). */
export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A record to produce. */
export interface ProducerRecord {
  key: Buffer | null
  value: Buffer | null
  headers?: RecordHeader[]
  /** Explicit partition; when absent the default partitioner (murmur2 / sticky) picks. */
  partition?: number
  /** CreateTime, ms; defaults to the cluster clock's now. */
  timestamp?: number
}

/** A fetchBatches answer: whole record batches v2 as stored, and the partition's bounds then. */
export interface FetchedBatches {
  /** Complete batches, back to back (empty at the high watermark). */
  batches: Buffer
  highWatermark: number
  logStartOffset: number
}

/** A record read back from a partition. */
export interface ConsumerRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  /** The record's headers; records without any share one frozen empty array. */
  headers: readonly RecordHeader[]
  /** key + value + header bytes. */
  sizeBytes: number
  /**
   * The header of the batch the record was read from (producer id/epoch, base sequence, codec,
   * leader epoch, transactional/control); one object shared by the records of a batch. Set by
   * every read from the log; absent only in records built by hand.
   */
  batch?: RecordBatchInfo
  /** The record's sequence number: batch.baseSequence + offset delta (-1 without a producer); set with `batch`. */
  sequence?: number
}

/** How the partition of a produced record was chosen. */
export type PartitionChoice =
  | { kind: 'explicit' }
  | { kind: 'key'; murmur2: number; positive: number; partitions: number }
  | { kind: 'no-key'; strategy: 'sticky' | 'round-robin' }

/** Options of ClusterApi.produce. */
export interface ProduceOptions {
  /** Kafka's acks: 0 (no wait), 1 (the leader appended) or 'all' (the ISR holds the records). */
  acks: Acks
  /** acks=all: how long to wait for the ISR, in ms (the producer's request.timeout.ms; default 30000). */
  timeoutMs?: number
  /**
   * Request-relative index of `records[0]` (default 0): error messages name record i as
   * `recordIndexBase + i`, so a host that writes one request in several calls names records as
   * its caller counts them.
   */
  recordIndexBase?: number
  /**
   * The codec the producer compresses its batches with (the Java producer's compression.type:
   * none, gzip, snappy, lz4, zstd; default none). The leader stores them as sent unless the
   * topic's compression.type says otherwise.
   */
  compression?: CompressionName
  /**
   * acks=all: called once as the wait for the ISR settles (acknowledged or failed) with what it
   * waited for: how long (ms), per partition the ISR followers that had not fetched up to the
   * offset and any that left the ISR meanwhile (see ../server/ack-wait-report.ts). Not called for
   * acks 0 or 1.
   */
  onAckWait?: (report: AckWaitReport) => void
}

/** Per-record outcome of produce. */
export interface RecordMetadata {
  partition: number
  /** Offset assigned by the leader; -1 for acks=0 (as the Java producer reports). */
  offset: number
  /** CreateTime given or defaulted (ms), or the batch's append time for a LogAppendTime topic. */
  timestamp: number
  /** Why this partition. The in-process producer builds it when read (a getter, not an own property): read it, do not spread the metadata. */
  readonly choice: PartitionChoice
}

export interface ReplicaState {
  brokerId: number
  logEndOffset: number
  inSync: boolean
  /** Its broker is stopped, or its log is unusable (storageError). */
  offline: boolean
  /** Why the replica's log is offline (KAFKA_STORAGE_ERROR naming the file), null when usable. */
  storageError: string | null
  /**
   * Records this replica is behind its leader: the leader's log end offset minus this replica's
   * (0 for the leader itself); null when the partition has no leader or the lag is unknown.
   */
  lagRecords: number | null
  /**
   * How long this replica has not been caught up with its leader, ms (Kafka's now -
   * Replica.lastCaughtUpTimeMs, what replica.lag.time.max.ms bounds for the ISR): 0 while its log
   * end offset equals the leader's, and for the leader itself; null when the partition has no
   * leader or the leader's clock of it is unknown.
   */
  lagMs: number | null
}

export interface PartitionState {
  topic: string
  partition: number
  /** -1 when offline (no live ISR member to lead). */
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  logStartOffset: number
  logEndOffset: number
  highWatermark: number
  /**
   * Records retained below the high watermark, counted exactly (compaction gaps and aborted or
   * control batches are not records; offsets are): null when the log could not be counted (a
   * corrupt segment) or no replica holds it.
   */
  recordCount: number | null
  sizeBytes: number
  replicaStates: ReplicaState[]
}

export interface TopicState {
  name: string
  partitions: PartitionState[]
  replicationFactor: number
  /** Every config of the topic (Kafka's defaults included), exact: LONG values as bigint (../model/topic-configs.ts). */
  configs: TopicConfigs
  internal: boolean
}

export interface BrokerState {
  id: number
  /** e.g. "127.0.0.1:9092": host and the port its wire-protocol listener will use. */
  address: string
  /** Its process runs (state 'running'): it answers requests and its listener is open. */
  alive: boolean
  /** running; stopped (a controlled shutdown, persisted); killed (kill -9, until started). */
  state: 'running' | 'stopped' | 'killed'
  /** The controller fenced it: it missed heartbeats for broker.session.timeout.ms (it leads nothing, is in no ISR but as a last member). */
  fenced: boolean
  /** Cut off from the controller and the other brokers (isolateBroker), clients still reach it. */
  isolated: boolean
  /** Extra delay per request it serves or sends (slowBroker), ms; 0 when not slowed. */
  slowMs: number
  /** When the controller last heard from it (registration or heartbeat), ms since the epoch; null when stopped. */
  lastHeartbeatMs: number | null
  /** Running and its followers fetch (false while pauseFetching holds them). */
  fetching: boolean
  partitionsLed: number
  replicas: number
  bytesOnDisk: number
}

/** A segment of a partition's leader log: base offset, .log size in bytes, records, time range (ms). */
export type SegmentInfo = SegmentDescription

export interface GroupOffsets {
  groupId: string
  /** Committed offsets: topic -> partition -> offset. */
  offsets: Map<string, Map<number, number>>
}

/** kafka-consumer-groups --describe row. */
export interface GroupLagRow {
  topic: string
  partition: number
  currentOffset: number | null
  /** As kafka-consumer-groups prints LOG-END-OFFSET: the offset a consumer can read up to, i.e. the high watermark. */
  logEndOffset: number
  /** logEndOffset - currentOffset; when nothing is committed, counted from the log start offset. */
  lag: number
}

/** A consumer group as the coordinator holds it (kafka-consumer-groups --describe --state / --members). */
export interface GroupDescription {
  groupId: string
  /** Kafka's group state; Dead for a group the coordinator does not know. */
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'
  /** e.g. 'consumer'; '' for a group that only has committed offsets. */
  protocolType: string
  /** The chosen protocol (a consumer group's assignor, e.g. 'range'); '' when none. */
  protocol: string
  /** -1 when the group has no membership metadata. */
  generationId: number
  /** The leader's member id, '' when none. */
  leader: string
  /** The broker coordinating the group (leader of its __consumer_offsets partition), -1 when none. */
  coordinator: number
  members: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    /** Its metadata for the chosen protocol (a consumer's subscription bytes). */
    metadata: Buffer
    /** Its assignment from the leader's SyncGroup (a consumer's ConsumerProtocolAssignment bytes). */
    assignment: Buffer
  }[]
}

export interface ClusterOptions {
  /** Directory holding brokers, topics, configs, logs and committed offsets. Created if missing. */
  dataDir: string
  /** Brokers on first creation (1 to 9, default 3). Ignored when the directory already holds a cluster. */
  brokers?: number
  /** Clock in ms; tests inject one. Default Date.now. */
  clock?: () => number
  /** Storage backend: 'auto' (mmap when the addon loaded, else file), 'mmap' or 'file'. */
  storage?: 'auto' | 'mmap' | 'file'
  /** Kafka's replica.lag.time.max.ms (default 30000). */
  replicaLagTimeMaxMs?: number
  /** Kafka's broker.heartbeat.interval.ms (default 2000): how often each broker heartbeats to the controller. */
  brokerHeartbeatIntervalMs?: number
  /**
   * Kafka's broker.session.timeout.ms (default 9000): a broker the controller has not heard from for
   * longer is fenced. Must exceed brokerHeartbeatIntervalMs (INVALID_CONFIG otherwise).
   */
  brokerSessionTimeoutMs?: number
  /** Kafka's auto.leader.rebalance.enable (default true): false = leadership never moves back to the preferred replica by itself. */
  autoLeaderRebalanceEnable?: boolean
  /** Kafka's leader.imbalance.check.interval.seconds (default 300, an integer >= 1; INVALID_CONFIG otherwise). */
  leaderImbalanceCheckIntervalSeconds?: number
  /** Kafka's leader.imbalance.per.broker.percentage (default 10, an integer from 0 to 100; INVALID_CONFIG otherwise). */
  leaderImbalancePerBrokerPercentage?: number
}

/** The engine's public surface. */
export interface ClusterApi {
  readonly clusterId: string
  readonly controllerId: number
  brokers(): BrokerState[]
  /**
   * Stop a broker (a controlled shutdown): partitions it led elect a new leader from the ISR; it
   * leaves every ISR at once (the last member of an ISR stays, the partition goes offline).
   */
  stopBroker(id: number): void
  /**
   * Start a stopped or killed broker: a killed one recovers its logs as after a crash; it registers
   * with the controller, its replicas truncate by leader epoch, catch up and rejoin ISRs. No-op when
   * it runs. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id.
   */
  startBroker(id: number): void
  /**
   * Kill a running broker as `kill -9`: no controlled shutdown, its process state and in-flight
   * requests are lost, its listener and connections close; the controller fences it only after
   * broker.session.timeout.ms without heartbeats. @throws KafkaError BROKER_NOT_AVAILABLE for an
   * unknown, stopped or killed broker. See FaultInjector for every fault's rules.
   */
  killBroker(id: number): void
  /**
   * Slow a running broker: every request it serves or sends (fetch, produce, heartbeat) takes
   * `delayMs` more (1 to 300000). @throws KafkaError INVALID_REQUEST (bad or unchanged delay),
   * BROKER_NOT_AVAILABLE (unknown, stopped or killed broker).
   */
  slowBroker(id: number, delayMs: number): void
  /**
   * Cut a running broker off from the controller and the other brokers (clients still reach it): it
   * is fenced after broker.session.timeout.ms. @throws KafkaError INVALID_REQUEST (already
   * isolated), BROKER_NOT_AVAILABLE (unknown, stopped or killed broker).
   */
  isolateBroker(id: number): void
  /**
   * Undo slow and isolate. @throws KafkaError INVALID_REQUEST (no fault to heal),
   * BROKER_NOT_AVAILABLE (unknown, stopped or killed broker: start a killed one).
   */
  healBroker(id: number): void
  /**
   * Fault injection: broker `id` stays up (it still leads its partitions) but its followers stop
   * fetching, as behind a network partition or a long GC pause, so they fall behind and leave ISRs
   * after replica.lag.time.max.ms. Not persisted. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id.
   */
  pauseFetching(id: number): void
  /** Undoes pauseFetching: the followers fetch again, catch up and rejoin ISRs. */
  resumeFetching(id: number): void
  /**
   * The brokers' background work now (replication, ISR changes, retention, log cleaning until no
   * log needs it, at most `maxTicks` ticks): for hosts that close before the periodic tick runs.
   */
  maintain(maxTicks?: number): void
  /**
   * InitProducerId without a transactional id, on broker `brokerId`: a producer id never handed out
   * before (blocks recorded in the metadata log), epoch 0 (KIP-98 idempotence).
   * @throws KafkaError BROKER_NOT_AVAILABLE, KAFKA_STORAGE_ERROR.
   */
  initProducerId(brokerId: number): { producerId: number; producerEpoch: number }

  /** Kafka's default topic configs (as `kafka-configs --describe --all` shows for a new topic); LONG values exact (bigint). */
  defaultTopicConfigs(): TopicConfigs
  /** Create a topic; `configs` overrides are validated against the topic config table (INVALID_CONFIG). */
  createTopic(name: string, opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides }): TopicState
  /**
   * Grow a topic to `count` partitions (kafka-topics --alter --partitions); INVALID_PARTITIONS unless
   * it is an increase. Keys hash over the new count from then on.
   */
  createPartitions(name: string, count: number): TopicState
  /** Change topic configs (kafka-configs --alter): validated (INVALID_CONFIG), merged onto the current ones. */
  alterTopicConfigs(name: string, configs: TopicConfigOverrides): TopicState
  /** Preferred leader election (kafka-leader-election --election-type PREFERRED); returns the partitions whose leader moved. */
  electPreferredLeaders(topic?: string): { topic: string; partition: number; leader: number }[]
  /**
   * Leader election asked for (kafka-leader-election --election-type PREFERRED|UNCLEAN, ElectLeaders,
   * KIP-460) of every partition, or those of `topic`, or only its `partition`: one result per
   * partition asked (see LeaderElectionResult). Unclean elects only leaderless partitions, from
   * outside the ISR when no in-sync replica is left, whatever unclean.leader.election.enable says;
   * the records it loses are reported in a records-lost event.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  electLeaders(type: LeaderElectionType, topic?: string, partition?: number): LeaderElectionResult[]
  deleteTopic(name: string): void
  listTopics(opts?: { includeInternal?: boolean }): TopicState[]
  describeTopic(name: string): TopicState
  segments(topic: string, partition: number): { segments: SegmentInfo[]; lastCleaning: CleanerResult | null }

  /**
   * Produce records. acks 0 and 1 resolve once the leader appended; 'all' once every ISR member has
   * the records (high watermark past them), failing NOT_ENOUGH_REPLICAS when the ISR is smaller than
   * min.insync.replicas. RECORD_TOO_LARGE above max.message.bytes.
   */
  produce(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]>

  /** Read up to maxRecords / maxBytes from offset, never past the high watermark. */
  fetch(topic: string, partition: number, offset: number, opts?: { maxRecords?: number; maxBytes?: number }): {
    records: ConsumerRecord[]
    highWatermark: number
    logStartOffset: number
    /** Offset to fetch next. */
    nextOffset: number
  }
  /**
   * Read the raw record batches (v2, as stored) from the batch holding `offset`, about `maxBytes`
   * (at least one batch), never past the high watermark; for readers that match bytes in place.
   */
  fetchBatches(topic: string, partition: number, offset: number, maxBytes: number): FetchedBatches
  /** earliest = log start offset, latest = high watermark, timestamp = first offset with timestamp >= T (null if none). */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null

  /**
   * Commit a group's offsets; resolves once the coordinator partition's ISR holds them (acks=-1), and
   * only then do fetchOffsets and lag see them. See Cluster.commitOffsets for the errors.
   */
  commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts?: { timeoutMs?: number }): Promise<void>
  fetchOffsets(groupId: string): GroupOffsets
  /** Known groups (with members or committed offsets), sorted. */
  listGroups(): string[]
  /** A group's state, protocol, generation, coordinator and members (Dead with no members when unknown). */
  describeGroup(groupId: string): GroupDescription
  /** Delete an Empty group with its committed offsets (kafka-consumer-groups --delete): GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP. */
  deleteGroup(groupId: string): Promise<void>
  /** Lag rows for every partition of every topic the group committed to. */
  describeGroupLag(groupId: string): GroupLagRow[]

  /** Cluster-wide rates, last 5 minutes at 1 s resolution. */
  clusterRates(): RateSeries
  topicRates(topic: string): RateSeries
  partitionRates(topic: string, partition: number): RateSeries
  brokerRates(brokerId: number): RateSeries
  /**
   * Kafka's UnderReplicatedPartitions / UnderMinIsrPartitionCount / OfflinePartitionsCount over all
   * topics (internal included); offline ones are not also counted as under-replicated or under min ISR.
   */
  partitionHealth(): { underReplicatedPartitions: number; underMinIsrPartitions: number; offlinePartitions: number }
  /**
   * Cluster events (replicas offline or damaged, elections that avoided them, records lost, ...)
   * with seq > `afterSeq` (default: all kept), oldest first, at most `limit` (the newest).
   */
  recentEvents(afterSeq?: number, limit?: number): ClusterEvent[]
  /**
   * Calls `listener` with every cluster event from now on (e.g. broker-stopped, broker-started: the
   * brokers' listeners follow them), synchronously inside the step that emitted it: it must only
   * note the event and do its work (I/O) later. @returns the unsubscribe function.
   */
  onEvent(listener: (event: ClusterEvent) => void): () => void

  close(): Promise<void>
}
