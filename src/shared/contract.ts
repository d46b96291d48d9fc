/**
 * The contract between the engine host and the UI: every request the renderer can make, its
 * response, and the snapshot the host pushes. Defined once here; the Electron IPC adapter, the
 * preload bridge, the WebSocket host and the renderer's api client are all typed by it, so a
 * request without a handler, or a caller passing the wrong shape, is a compile error.
 *
 * Plain data only (JSON-serialisable): numbers are offsets, bytes, ms since the epoch; record keys
 * and values travel as base64 so bytes survive exactly (the renderer decodes text / JSON / hex);
 * Kafka's LONG config values travel as decimal strings (TopicConfigsView), exact to 2^63 - 1.
 * The types and rules the engine defines (acks, error names, topic configs and their table, the
 * topic name rule) are the engine model's, re-exported here.
 *
 * Must stay true: this file imports nothing from Node, Electron or the engine except its Node-free
 * model (src/broker/model); it is compiled for both the Node side (tsconfig.node.json) and the web
 * side (tsconfig.web.json).
 */
import type { ImportFormat } from './import-format'

export type { ImportFormat }

// ---- Types and rules the contract shares with the engine (its Node-free model, src/broker/model) ----

import type { Acks } from '../broker/model/acks'
import type { TopicConfigOverridesJson, TopicConfigsView } from '../broker/model/topic-configs'

export type { Acks, TopicConfigOverridesJson, TopicConfigsView }
export { ACKS } from '../broker/model/acks'
export type { KafkaErrorName } from '../broker/model/errors'
export type { CleanupPolicy, TimestampType, TopicConfigDef, TopicConfigName } from '../broker/model/topic-configs'
export { TOPIC_CONFIG_TABLE, LONG_MAX_VALUE, LONG_MIN_VALUE } from '../broker/model/topic-configs'
export { DEFAULT_TOPIC_CONFIGS_VIEW, parseTopicConfigValue, topicConfigNames, topicConfigOverrides, topicConfigSource } from '../broker/model/topic-config-values'
export { topicNameProblem, TOPIC_NAME_MAX_LENGTH } from '../broker/model/topic-name'

/** A broker's Kafka listener: its state and, when down, why (the port, the broker, how to change it). */
export interface BrokerListenerView {
  state: 'listening' | 'down' | 'stopped'
  error: string | null
}

/** A broker of the embedded cluster, as the overview shows it. */
export interface BrokerView {
  id: number
  /**
   * e.g. "127.0.0.1:9092": the address its Kafka listener is bound to when the host runs listeners
   * (see `listener`), else the label of the port it would use.
   */
  address: string
  /**
   * The broker's Kafka listener in this host: listening on `address`, down (it could not bind, e.g.
   * "port 9092 in use": `error` says which port and how to change it) or stopped with the broker.
   * Absent when the host runs no listeners (the CLI's one-shot commands).
   */
  listener?: BrokerListenerView
  /** Its process runs (state 'running'). */
  alive: boolean
  /** running; stopped (broker/stop, a controlled shutdown); killed (broker/kill, until broker/start). */
  state: 'running' | 'stopped' | 'killed'
  /** The controller fenced it: it missed heartbeats for broker.session.timeout.ms. */
  fenced: boolean
  /** Cut off from the controller and the other brokers (broker/isolate); clients still reach it. */
  isolated: boolean
  /** Extra delay of every request it serves or sends (broker/slow), ms; 0 when not slowed. */
  slowMs: number
  /** When the controller last heard from it, ms since the epoch; null when stopped. */
  lastHeartbeatMs: number | null
  /** Alive and its followers fetch; false while fetching is paused (broker/fetching). */
  fetching: boolean
  /** Partitions this broker currently leads. */
  partitionsLed: number
  /** Replicas this broker hosts (leaders and followers). */
  replicas: number
  /** Bytes of all segment files of all replicas on this broker. */
  bytesOnDisk: number
  /** True for the broker that acts as controller. */
  controller: boolean
  /**
   * What this broker's Kafka clients do (connected clients, requests by API, errors by code), when
   * the host runs its listener; absent otherwise.
   */
  activity?: BrokerActivityView
}

/**
 * The brokers' listener settings of the host serving the contract (issue 10: "Listener base port").
 * Broker n listens on `basePort + n - 1`.
 */
export interface ListenerSettingsView {
  /** Whether this host runs the brokers' Kafka listeners (the desktop app and `serve` do). */
  running: boolean
  /** The base port the listeners use now (0: free ports, as with `serve --broker-port 0`); null when not running. */
  basePort: number | null
  /** The base port stored with the cluster (set in the app), used at the next open unless a flag (`serve --broker-port`) says otherwise; null when none is stored. */
  storedBasePort: number | null
  /** Brokers of the cluster (the base port must leave room for all of them below 65535). */
  brokers: number
}

/** Client connections a snapshot lists per broker at most (the newest are dropped first; `connections` counts all). */
export const SNAPSHOT_CLIENTS_PER_BROKER = 50

/** One client connection of a broker (issue 10). */
export interface BrokerClientView {
  /** Unique per connection for the host's lifetime, e.g. "9092-17". */
  connectionId: string
  /** The client id of its last request (RequestHeader.ClientId), e.g. "console-producer"; null when it sent none. */
  clientId: string | null
  /** ApiVersionsRequest.ClientSoftwareName (v3+, KIP-511), e.g. "librdkafka"; null when not announced. */
  softwareName: string | null
  /** ApiVersionsRequest.ClientSoftwareVersion (v3+), e.g. "2.0.2"; null when not announced. */
  softwareVersion: string | null
  /** The client's "host:port". */
  address: string
  /** When its first request arrived, ms since the epoch. */
  connectedSinceMs: number
  /** When its last request arrived, ms since the epoch. */
  lastSeenMs: number
  /** Requests it sent on this connection. */
  requests: number
}

/** Requests of one API to one broker (Kafka's RequestsPerSec,request=<api>). */
export interface ApiRequestRateView {
  /** Kafka's API name, e.g. "Produce", "Fetch", "Metadata". */
  api: string
  apiKey: number
  /** Requests since the host started the broker's listener. */
  total: number
  /** Requests per second over the last minute. */
  perSec: number
}

/** Answers of one broker carrying one error code (Kafka's ErrorsPerSec,error=<name>; NONE left out). */
export interface ErrorRateView {
  /** Kafka's error name, e.g. "NOT_LEADER_OR_FOLLOWER". */
  error: string
  code: number
  /** Error codes in answers (each partition's counts) since the host started the broker's listener. */
  total: number
  /** Per second over the last minute. */
  perSec: number
}

/** A broker's Kafka clients and request meters. */
export interface BrokerActivityView {
  /** Open connections, oldest first, at most SNAPSHOT_CLIENTS_PER_BROKER. */
  clients: BrokerClientView[]
  /** Open connections in all (may exceed `clients.length`). */
  connections: number
  /** Per API seen, busiest first. */
  requests: ApiRequestRateView[]
  /** Per error code seen, most frequent first. */
  errors: ErrorRateView[]
  /** All requests per second over the last minute. */
  requestsPerSec: number
}

/** One replica of a partition: which broker, how far its log reaches, whether it is in the ISR. */
export interface ReplicaView {
  brokerId: number
  /** Log end offset of this replica (next offset it will write). */
  logEndOffset: number
  inSync: boolean
  /** The broker hosting this replica is down, or the replica's log is unusable (storageError). */
  offline: boolean
  /** Why this replica's log is offline (KAFKA_STORAGE_ERROR, naming the file), null when it is usable. */
  storageError: string | null
  /** Records behind the leader: the leader's log end offset minus this replica's (0 for the leader); null without a leader. */
  lagRecords: number | null
  /**
   * ms since this replica was last caught up with the leader (Kafka's now - lastCaughtUpTimeMs, what
   * replica.lag.time.max.ms bounds): 0 while caught up and for the leader; null when unknown.
   */
  lagMs: number | null
}

/**
 * Something that happened in the cluster that the user must be told about: a replica taken offline
 * by a storage error or back online, a damaged replica and its repair, a leader election that
 * avoided a damaged replica, records lost where no intact replica was left. `time` in ms since the
 * epoch; `seq` increases by one per event within a run of the engine.
 */
export interface ClusterEventView {
  seq: number
  time: number
  kind:
    | 'replica-offline'
    | 'replica-online'
    | 'replica-damaged'
    | 'replica-repaired'
    | 'leader-elected'
    | 'isr-shrink'
    | 'isr-expand'
    | 'log-truncated'
    | 'topic-created'
    | 'topic-deleted'
    | 'partitions-added'
    | 'configs-changed'
    | 'broker-stopped'
    | 'broker-started'
    | 'broker-killed'
    | 'broker-slowed'
    | 'broker-isolated'
    | 'broker-healed'
    | 'broker-fenced'
    | 'broker-unfenced'
    | 'controller-moved'
    | 'records-lost'
    | 'topic-rolled-back'
    | 'metadata-write-failed'
    | 'member-joined'
    | 'member-left'
    | 'group-rebalance-started'
    | 'group-completing-rebalance'
    | 'group-stable'
    | 'group-empty'
    | 'group-deleted'
    | 'group-coordinator-moved'
    | 'group-write-failed'
  severity: 'info' | 'warning' | 'error'
  topic?: string
  partition?: number
  brokerId?: number
  /** The consumer group of a group event, its generation then, and the member that joined or left. */
  groupId?: string
  generationId?: number
  memberId?: string
  /**
   * Why an election or ISR change happened: a controlled shutdown, a fence (missed heartbeats), a
   * broker back (started, unfenced), a follower lagging past replica.lag.time.max.ms, or caught up,
   * an election asked for (preferred, unclean) or the automatic leader rebalance.
   */
  reason?: 'controlled-shutdown' | 'fenced' | 'broker-started' | 'unfenced' | 'replica-lag' | 'caught-up' | 'preferred-election' | 'auto-leader-rebalance' | 'unclean-election' | 'below-high-watermark'
  /** How a leader was chosen (leader-elected): clean from the ISR, the most complete ISR member, the preferred replica, a replica outside the ISR (unclean). */
  election?: 'clean-from-isr' | 'most-complete' | 'preferred' | 'unclean'
  /** Elections: the leader before (-1: none). */
  previousLeader?: number
  /** controller-moved: the controller before (-1: none); brokerId is the new one. */
  previousController?: number
  /** Elections and ISR changes: the leader epoch and the ISR after the change. */
  leaderEpoch?: number
  isr?: number[]
  /** broker-fenced: how long the controller had not heard from the broker (ms), and broker.session.timeout.ms. */
  missedHeartbeatMs?: number
  sessionTimeoutMs?: number
  /** broker-slowed: the extra delay per request, ms. */
  delayMs?: number
  /**
   * records-lost: the offsets lost, fromOffset (the new leader's log end) to toOffset (the old high
   * watermark, exclusive), and their count. log-truncated: the offsets cut, fromOffset (the offset
   * truncated to) to toOffset (the log end before, exclusive), and their count.
   */
  fromOffset?: number
  toOffset?: number
  count?: number
  /** Metadata changes (topic, partitions, configs, broker stopped/started, leader, ISR): the metadata log offset of the change's record. */
  metadataOffset?: number
  /** true for an event about an internal topic (__consumer_offsets): the UI collapses those (issue 11). */
  internal?: true
  /** In plain words. */
  message: string
}

/** A closed or active segment of a partition log, as the topic detail shows it. */
export interface SegmentView {
  baseOffset: number
  /** Size of the .log file in bytes. */
  sizeBytes: number
  records: number
  /** Smallest and largest record timestamps (ms), null when empty. */
  minTimestamp: number | null
  maxTimestamp: number | null
  active: boolean
}

/** Outcome of the last log cleaner pass over a partition (cleanup.policy=compact). */
export interface CleanerResultView {
  /** ms since the epoch. */
  finishedAt: number
  recordsBefore: number
  recordsAfter: number
  bytesBefore: number
  bytesAfter: number
  tombstonesRemoved: number
}

/** A partition of a topic: leadership, replicas, ISR and the offsets Kafka users look at. */
export interface PartitionView {
  partition: number
  /** Broker id of the leader, or -1 when the partition is offline. */
  leader: number
  replicas: number[]
  isr: number[]
  logStartOffset: number
  /** Log end offset of the leader. */
  logEndOffset: number
  highWatermark: number
  /**
   * Records retained below the high watermark, counted exactly: fewer than highWatermark -
   * logStartOffset when compaction removed some (offsets are not records). Null when the leader's
   * log could not be counted (a corrupt segment).
   */
  records: number | null
  /** Bytes on disk of the leader's log. */
  sizeBytes: number
  replicaStates: ReplicaView[]
  underReplicated: boolean
  offline: boolean
  /** It has a leader and fewer in-sync replicas than its topic's min.insync.replicas (acks=all fails with NOT_ENOUGH_REPLICAS). */
  underMinIsr: boolean
}

/** A row of the topic list. */
export interface TopicSummary {
  name: string
  partitions: number
  replicationFactor: number
  /**
   * Records currently retained below the high watermarks, counted exactly (a compacted topic counts
   * the records that survived, not the span of offsets); partitions that could not be counted
   * contribute their span of offsets and are counted in `uncountedPartitions`.
   */
  records: number
  /** Partitions whose records could not be counted (see PartitionView.records). */
  uncountedPartitions: number
  /** Σ (highWatermark - logStartOffset): the span of offsets, which compaction leaves unchanged. */
  offsetSpan: number
  /** Bytes on disk of the leaders' logs. */
  sizeBytes: number
  underReplicatedPartitions: number
  offlinePartitions: number
  internal: boolean
  /** Partitions with a leader and an ISR smaller than min.insync.replicas (Kafka's UnderMinIsrPartitionCount). */
  underMinIsrPartitions: number
}

/** Everything the topic detail view shows about one topic. */
export interface TopicDetail extends TopicSummary {
  /** Every config of the topic (defaults included), LONG values as decimal strings. */
  configs: TopicConfigsView
  partitionViews: PartitionView[]
}

/** Segments of one partition (leader's log) and the last cleaner result. */
export interface PartitionSegments {
  topic: string
  partition: number
  segments: SegmentView[]
  lastCleaning: CleanerResultView | null
}

/** A record header; value is base64 (Kafka header values are bytes, may be null). */
export interface HeaderView {
  key: string
  value: string | null
}

/** A record read from a partition. key and value are base64 of the exact bytes, or null. */
export interface RecordView {
  partition: number
  offset: number
  /** ms since the epoch. */
  timestamp: number
  key: string | null
  value: string | null
  headers: HeaderView[]
  /** Size of key + value + headers in bytes. */
  sizeBytes: number
  /** The batch the record was stored in (absent for records that were not read from a log). */
  batch?: RecordBatchView
}

/**
 * The header of the record batch v2 a record was stored in (Kafka's RecordBatch: KIP-98 producer
 * fields, the codec, the appending leader's epoch), with the record's own sequence number.
 */
export interface RecordBatchView {
  /** The batch's first offset. */
  baseOffset: number
  /** partitionLeaderEpoch: the epoch of the leader that appended the batch (-1 unknown). */
  partitionLeaderEpoch: number
  /** The codec the batch is stored with (Kafka's CompressionType). */
  compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /** Producer id (-1: not an idempotent or transactional producer). */
  producerId: number
  /** Producer epoch (-1: none). */
  producerEpoch: number
  /** Sequence number of the batch's first record (-1: none). */
  baseSequence: number
  /** This record's sequence number: baseSequence + its offset delta (-1: none). */
  sequence: number
  isTransactional: boolean
  isControl: boolean
}

/** A record to produce. key/value are UTF-8 text (the UI's producer), or null. */
export interface ProduceRecordInput {
  key: string | null
  value: string | null
  headers?: { key: string; value: string }[]
  /** Explicit partition; when absent the default partitioner picks. */
  partition?: number
  /** CreateTime in ms; defaults to now. */
  timestamp?: number
}

/** Where a produced record landed, and why it went there. */
export interface ProduceAck {
  partition: number
  offset: number
  timestamp: number
  /** How the partition was chosen: explicit, murmur2 of the key, or sticky/round-robin for null keys. */
  reason: PartitionReason
}

/**
 * Most per-record acks a produce/send reply carries: the acks of the first PRODUCE_REPLY_MAX_ACKS
 * records; beyond them the reply summarises per partition, so a million-record send answers in
 * kilobytes.
 */
export const PRODUCE_REPLY_MAX_ACKS = 1000

/** The records one produce/send wrote to one partition. */
export interface ProducePartitionSummary {
  partition: number
  /** Offsets of the first and last record written there; -1 with acks=0 (the producer learns no offsets, as the Java producer reports). */
  firstOffset: number
  lastOffset: number
  /** Records written there. */
  records: number
}

/**
 * The records of a produce/send that were not written, when a chunk failed after earlier chunks
 * were written (leadership moved, the ISR shrank, a storage error): every record from `fromIndex`
 * to `toIndex` (the send's last), by request index (0-based over records × count, in send order).
 */
export interface ProduceFailure {
  fromIndex: number
  toIndex: number
  /** Kafka error name of the failure (e.g. LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS). */
  code: string
  /** What failed and why, naming records by request index. */
  message: string
  /**
   * acks=all only: the records (request indexes, inclusive) that reached the leader's log but were
   * not acknowledged by the ISR (REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER,
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND). As after a failed Kafka produce, they may still become
   * readable; null when nothing of the failure was appended.
   */
  unacknowledged: { fromIndex: number; toIndex: number } | null
}

/** Reply of produce/send: totals, a per-partition summary and the acks of the first records. */
export interface ProduceResult {
  /** Records the send expanded to (records × count). */
  requested: number
  /** Records written and acknowledged (as acks asks). */
  written: number
  /** Per partition the send wrote to, by partition. */
  partitions: ProducePartitionSummary[]
  /** Acks of the first min(written, PRODUCE_REPLY_MAX_ACKS) records: acks[i] is the record at request index i. */
  acks: ProduceAck[]
  /** Null when every record was written; else the records that were not. */
  failed: ProduceFailure | null
  elapsedMs: number
  /** acks=all: what the send's longest wait for the ISR waited for (ProduceAckWait); null for acks 0/1 or a remote cluster. */
  ackWait: ProduceAckWait | null
}

// ---- acks=all wait explanation (issue 11) -------------------------------------------------------

/** One follower that was in the ISR when an acks=all wait began. */
export interface ProduceAckWaitFollower {
  brokerId: number
  /** When the leader learned it had fetched past the awaited offset, ms after the wait began; null: it had not by the end. */
  reachedAfterMs: number | null
  /** Whether it fetched at all during the wait (its log end offset moved); false = in the ISR but not fetching. */
  fetched: boolean
  /** When it left the ISR (after replica.lag.time.max.ms without catching up), ms after the wait began; null: it stayed. */
  leftIsrAfterMs: number | null
}

/** What an acks=all wait saw on one partition's leader. */
export interface ProduceAckWaitPartition {
  partition: number
  /** The offset whose replication it waited for. */
  lastOffset: number
  /** The ISR (broker ids, leader included) when the wait began and when it ended. */
  isrAtStart: number[]
  isrAtEnd: number[]
  followers: ProduceAckWaitFollower[]
}

/**
 * What an acks=all produce waited for (Kafka's DelayedProduce in the produce purgatory): how long,
 * and per partition the ISR followers that held the high watermark back and any that left the ISR.
 */
export interface ProduceAckWait {
  /** ms (cluster clock). */
  waitedMs: number
  /** The cluster's replica.lag.time.max.ms (ms). */
  replicaLagTimeMaxMs: number
  partitions: ProduceAckWaitPartition[]
}

export type PartitionReason =
  | { kind: 'explicit' }
  | { kind: 'key'; murmur2: number; positive: number; partitions: number }
  | { kind: 'no-key'; strategy: 'sticky' | 'round-robin' }

/**
 * Where a fetch starts: earliest (the log start offset), latest (the high watermark), an exact
 * offset, the first offset with timestamp >= T (Kafka's ListOffsets by timestamp), or per partition
 * an offset (`offsets`, keyed by partition number; how a page continues from its cursors).
 * An offset outside [log start offset, high watermark] is brought to the nearer end.
 */
export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offsets'; offsets: Record<number, number> }

/** Where a partition's readable records are: [logStartOffset, highWatermark). */
export interface PartitionRange {
  partition: number
  logStartOffset: number
  highWatermark: number
}

/**
 * A text filter of the message search: `substring` (the pattern's UTF-8 text occurs in the bytes;
 * with caseInsensitive, compared after lower-casing both as text) or `regex` (a JavaScript regular
 * expression, tested on the bytes decoded as UTF-8; patterns with nested quantifiers, which can take
 * exponential time, are refused).
 */
export interface TextFilter {
  mode: 'substring' | 'regex'
  pattern: string
  caseInsensitive?: boolean
}

/**
 * A server-side search: which records of a topic to scan and which of them match. Every given filter
 * must hold (AND). The range defaults to the whole topic as it is when the search starts (log start
 * offset to high watermark); the scan is bounded by maxScanBytes and maxDurationMs.
 */
export interface SearchQuery {
  topic: string
  /** Partitions to scan; null for all. */
  partitions: number[] | null
  /** Where to start in each partition (default earliest). */
  from?: StartPosition
  /** Where to stop in each partition, exclusive (default latest: the high watermark when the search starts). */
  to?: StartPosition
  key?: TextFilter
  value?: TextFilter
  /** A record matches when one of its headers matches headerKey and headerValue (either alone: any header). */
  headerKey?: TextFilter
  headerValue?: TextFilter
  /**
   * A JSON filter over the value parsed as JSON, e.g. `$.origin == "DFW" && $.delay > 60` (the
   * language: src/host/messages/json-filter.ts, README "Message browser"). Values that are not JSON
   * do not match.
   */
  json?: string
  /** Only records with timestampFrom <= timestamp < timestampTo (ms since the epoch). */
  timestampFrom?: number
  timestampTo?: number
  /** Stop after this many matches (default 10,000; at most SEARCH_MAX_MATCHES). */
  maxMatches?: number
  /** Stop after scanning this many bytes of records (default and most SEARCH_MAX_SCAN_BYTES). */
  maxScanBytes?: number
  /** Stop after this long, in ms (default and most SEARCH_MAX_DURATION_MS). */
  maxDurationMs?: number
}

/** Most matches one search returns (the UI keeps them all; an export has no such bound). */
export const SEARCH_MAX_MATCHES = 100_000
/** Most record bytes (key + value + headers) one search scans: 64 GiB. */
export const SEARCH_MAX_SCAN_BYTES = 64 * 1024 * 1024 * 1024
/** Longest a search runs: 10 minutes. */
export const SEARCH_MAX_DURATION_MS = 600_000

/** How far a search (or an export of one) got, per partition and in total. */
export interface SearchProgress {
  /** Records scanned and their bytes (key + value + headers). */
  scannedRecords: number
  scannedBytes: number
  matches: number
  elapsedMs: number
  /** Per partition: the range scanned [fromOffset, toOffset) and the next offset to scan. */
  partitions: { partition: number; fromOffset: number; toOffset: number; position: number }[]
}

/** Why a search stopped: it scanned its range, was stopped, or reached a bound; or it failed. */
export type SearchStopReason = 'completed' | 'stopped' | 'match-limit' | 'byte-limit' | 'time-limit' | 'failed'

/** Export file formats: NDJSON (one JSON object a line), a JSON array, or CSV with a header row. */
export type ExportFormat = 'ndjson' | 'json' | 'csv'

/** What an export writes: the records of a search (run again on the host), or given records. */
export type ExportSource =
  | { kind: 'search'; query: SearchQuery }
  | { kind: 'records'; topic: string; records: { partition: number; offset: number }[] }

/** An export's progress: records and bytes written, and the part of its input read (0 to 1). */
export interface ExportProgress {
  records: number
  bytes: number
  fraction: number
}

/** Per-partition offsets as `kafka-get-offsets` / `offsets` show them. */
export interface PartitionOffsets {
  partition: number
  earliest: number
  latest: number
  highWatermark: number
}

/** One row of `kafka-consumer-groups --describe`. committedOffset is null when never committed. */
export interface GroupOffsetRow {
  topic: string
  partition: number
  currentOffset: number | null
  logEndOffset: number
  lag: number
}

/** A consumer group, with its committed offsets and lag. */
export interface GroupView {
  groupId: string
  /** Kafka's group state: Empty (no active members), Stable, PreparingRebalance, CompletingRebalance, Dead. */
  state: 'Empty' | 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead'
  totalLag: number
  rows: GroupOffsetRow[]
}

/** One member of a consumer group (kafka-consumer-groups --describe --members). */
export interface GroupMemberView {
  /** CONSUMER-ID: the member id the coordinator gave it. */
  memberId: string
  /** group.instance.id of a static member (KIP-345), null for a dynamic one. */
  groupInstanceId: string | null
  /** CLIENT-ID: the client.id of its last JoinGroup. */
  clientId: string
  /** HOST: the client's address as Kafka prints it, e.g. '/127.0.0.1'. */
  host: string
  /**
   * Its assigned partitions (decoded from the consumer protocol's assignment), by topic, sorted;
   * empty while the group rebalances, or for a group whose protocol type is not 'consumer'.
   */
  assignment: { topic: string; partitions: number[] }[]
}

/** A consumer group as its coordinator holds it (kafka-consumer-groups --describe --state and --members). */
export interface GroupMembershipView {
  groupId: string
  /** Kafka's group state; Dead for a group the coordinator does not know. */
  state: GroupView['state']
  /** e.g. 'consumer'; '' for a group that only has committed offsets. */
  protocolType: string
  /** ASSIGNMENT-STRATEGY: the chosen protocol (a consumer group's assignor, e.g. 'range'), '' when none. */
  assignmentStrategy: string
  /** The current generation, -1 for a group without membership metadata. */
  generationId: number
  /** COORDINATOR (ID): the broker leading the group's __consumer_offsets partition and its address; null when none leads it. */
  coordinator: { id: number; address: string } | null
  members: GroupMemberView[]
}

/** One partition of a group as `kafka-consumer-groups --describe` prints it: its lag row and the member assigned it. */
export interface GroupPartitionView extends GroupOffsetRow {
  /** CONSUMER-ID of the member whose assignment holds the partition; null ('-') when no member holds it. */
  consumerId: string | null
  /** HOST of that member (e.g. '/127.0.0.1'), null when none. */
  host: string | null
  /** CLIENT-ID of that member, null when none. */
  clientId: string | null
}

/** The group events of the cluster event stream (src/broker/cluster/cluster-events.ts): what a group's history keeps. */
export const GROUP_EVENT_KINDS = [
  'member-joined',
  'member-left',
  'group-rebalance-started',
  'group-completing-rebalance',
  'group-stable',
  'group-empty',
  'group-deleted',
  'group-coordinator-moved',
  'group-write-failed'
] as const satisfies readonly ClusterEventView['kind'][]

/** One of GROUP_EVENT_KINDS. */
export type GroupEventKind = (typeof GROUP_EVENT_KINDS)[number]

/** One entry of a group's rebalance history: a group event as its coordinator emitted it. */
export interface GroupHistoryEntry {
  /** The event's sequence number in the cluster event stream. */
  seq: number
  /** ms since the epoch (the cluster's clock). */
  time: number
  kind: GroupEventKind
  severity: ClusterEventView['severity']
  /** The group's generation when it happened, null when the event carries none. */
  generationId: number | null
  /** The member that joined or left, null for group-wide events. */
  memberId: string | null
  /** Who joined or left and why, in plain words. */
  message: string
}

/** Entries a group's rebalance history keeps at most (the oldest go first). */
export const GROUP_HISTORY_ENTRIES = 100

/**
 * Everything the groups view shows of one group: its membership as the coordinator holds it, lag
 * per partition with the member assigned each partition, and its rebalance history.
 */
export interface GroupDetailsView {
  membership: GroupMembershipView
  /** Sum of `partitions[].lag` (records). */
  totalLag: number
  /**
   * Every partition the group committed to or a member is assigned, sorted by topic and partition.
   * An assigned partition never committed has currentOffset null and lag counted from the log start.
   */
  partitions: GroupPartitionView[]
  /** The newest GROUP_HISTORY_ENTRIES group events of this group id since the host started, oldest first. */
  history: GroupHistoryEntry[]
}

/**
 * Where `group/reset` moves a group (kafka-consumer-groups --reset-offsets): --to-earliest,
 * --to-latest, --to-offset, --to-datetime (first offset with timestamp >= ms, else the log end), or
 * --shift-by (from the committed offset).
 */
export type ResetSpec = 'earliest' | 'latest' | { offset: number } | { timestamp: number } | { shiftBy: number }

/**
 * One partition of a reset plan: the committed offset before, the new one, the log's ends, how far
 * the group moves, and whether the target was brought into range.
 */
export interface ResetPlanRow {
  topic: string
  partition: number
  /** The committed offset now (CURRENT-OFFSET); null when the group never committed this partition. */
  previousOffset: number | null
  /** NEW-OFFSET. */
  newOffset: number
  /** The partition's log start offset and high watermark (the range a committed offset may take). */
  logStartOffset: number
  logEndOffset: number
  /**
   * newOffset - previousOffset: positive = records the group will skip, negative = records it will
   * read again; null without a committed offset (the consumer would start at auto.offset.reset).
   */
  offsetChange: number | null
  /** Kafka moves an out-of-range target to the log start or end (and says so): which, if it did. */
  clamped: 'to-earliest' | 'to-latest' | null
}

/** How an import takes each record's timestamp from a field of its row (without one: CreateTime now). */
export interface ImportTimestamp {
  /** The top-level field holding the time. */
  field: string
  /** iso: ISO 8601 text; epoch-ms / epoch-s: numbers (or numeric text); pattern: text in `pattern`. */
  format: 'iso' | 'epoch-ms' | 'epoch-s' | 'pattern'
  /** A date pattern in Luxon's tokens (Java's DateTimeFormatter letters), e.g. `yyyy/MM/dd HH:mm`; only with format 'pattern'. */
  pattern?: string
  /** IANA time zone of text without an offset, e.g. `UTC`, `Europe/Paris` (default: the host's time zone). */
  timeZone?: string
}

/** A file staged on the host for import (uploaded in chunks, or a sample dataset). */
export interface ImportUpload {
  uploadId: string
  fileName: string
  /** Bytes. */
  size: number
}

/** What import/inspect found in a staged file: its format, its records' fields, how many records. */
export interface ImportInspection extends ImportUpload {
  format: ImportFormat
  /** Field names in first-seen order (from the first 200 records; a Parquet file's columns). */
  fields: string[]
  /** Records in the file (counted whole; a Parquet file's row count). */
  records: number
  /** The values of the first records (at most 3), as the records will carry them, as UTF-8 text (cut at 300 characters). */
  preview: string[]
}

/** Most bytes one import/upload-chunk carries (before base64). */
export const IMPORT_UPLOAD_CHUNK_BYTES = 1024 * 1024

/** Largest file the host stages for an import: 4 GiB. */
export const IMPORT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024 * 1024

/** Sample datasets the host can stage for an import (import/sample), from the vega-datasets package. */
export const SAMPLE_DATASETS = {
  flights: {
    fileName: 'flights-20k.json',
    title: '20,000 U.S. flights (Jan-Mar 2001)',
    topic: 'flights-sample',
    keyField: 'origin',
    timestamp: { field: 'date', format: 'pattern', pattern: 'yyyy/MM/dd HH:mm' }
  }
} as const satisfies Record<string, { fileName: string; title: string; topic: string; keyField: string; timestamp: ImportTimestamp }>

/** A sample dataset's name. */
export type SampleDataset = keyof typeof SAMPLE_DATASETS

/** A point of a per-second series: t in ms since the epoch, v the value. */
export interface SeriesPoint {
  t: number
  v: number
}

/** Rates at 1 s resolution for the last 5 minutes (at most 300 points each). */
export interface ThroughputView {
  recordsInPerSec: SeriesPoint[]
  bytesInPerSec: SeriesPoint[]
  bytesOutPerSec: SeriesPoint[]
}

/** Snapshot pushed by the host at most once a second. */
export interface ClusterSnapshot {
  /** ms since the epoch when taken. */
  takenAt: number
  clusterId: string
  controllerId: number
  brokers: BrokerView[]
  topics: TopicSummary[]
  /** Partition state per topic (same as TopicDetail.partitionViews) for the topology graph. */
  partitions: Record<string, PartitionView[]>
  /** Partitions whose ISR is smaller than their replica set, over all topics including internal ones (Kafka's UnderReplicatedPartitions). */
  underReplicatedPartitions: number
  /** Partitions without a leader, over all topics including internal ones (Kafka's OfflinePartitionsCount). */
  offlinePartitions: number
  /** Partitions with a leader and an ISR smaller than min.insync.replicas, over all topics including internal ones (Kafka's UnderMinIsrPartitionCount). */
  underMinIsrPartitions: number
  throughput: ThroughputView
  /** Per-topic records-in rate, last 5 minutes. */
  topicThroughput: Record<string, ThroughputView>
  groups: { groupId: string; totalLag: number }[]
  /** Total lag per group, last 5 minutes. */
  groupLag: Record<string, SeriesPoint[]>
  /** The newest cluster events (at most SNAPSHOT_EVENTS), oldest first. */
  events: ClusterEventView[]
}

/**
 * One partition's outcome of cluster/elect-leaders (ClusterApi.electLeaders): 'elected' (leadership
 * moved from previousLeader to leader, -1 meaning none, at leaderEpoch), 'not-needed' (Kafka's
 * ELECTION_NOT_NEEDED: a valid replica already leads), 'failed' (PREFERRED_LEADER_NOT_AVAILABLE or
 * ELIGIBLE_LEADERS_NOT_AVAILABLE, with why in `error`).
 */
export interface LeaderElectionResultView {
  topic: string
  partition: number
  outcome: 'elected' | 'not-needed' | 'failed'
  previousLeader: number
  leader: number
  leaderEpoch: number
  error?: ContractError
}

// ---- replica lag over time (topic/replica-lag-history) ------------------------------------------

/** One sample of a replica's lag behind its leader: `t` ms since the epoch; records and ms as in ReplicaView (null: unknown then). */
export interface ReplicaLagPoint {
  t: number
  records: number | null
  ms: number | null
}

/** One replica's lag samples, oldest first. */
export interface ReplicaLagSeries {
  brokerId: number
  points: ReplicaLagPoint[]
}

/**
 * The lag history of one partition's replicas as the host sampled it with each snapshot (1 s apart
 * while a UI is connected), at most REPLICA_LAG_HISTORY_POINTS points per replica (5 minutes).
 */
export interface ReplicaLagHistoryView {
  topic: string
  partition: number
  replicas: ReplicaLagSeries[]
}

/** Samples kept per replica in the lag history: 300 = 5 minutes at one snapshot a second. */
export const REPLICA_LAG_HISTORY_POINTS = 300

/** Cluster events a snapshot carries at most. */
export const SNAPSHOT_EVENTS = 50

/** The most events one cluster/events reply carries (the engine's event log keeps 1000). */
export const CLUSTER_EVENTS_MAX = 1000

/** Engine-side error as it crosses the contract: Kafka's error name where one exists. */
export interface ContractError {
  /** Kafka error name (e.g. INVALID_TOPIC_EXCEPTION, NOT_ENOUGH_REPLICAS) or INVALID_REQUEST. */
  code: string
  message: string
}

/** Every request: name -> { req, res }. */
export interface ContractRequests {
  'cluster/snapshot': { req: Record<string, never>; res: ClusterSnapshot }
  /**
   * The cluster events after `afterSeq`, oldest first, at most `limit` (default and most
   * CLUSTER_EVENTS_MAX): the oldest ones, so a reader that asks again after the last one it got
   * walks the whole event log (the engine keeps its newest 1000). For the timeline, which must not
   * lose a burst larger than a snapshot's SNAPSHOT_EVENTS (a fence elects a leader for every
   * partition the broker led, __consumer_offsets' 50 included).
   */
  'cluster/events': { req: { afterSeq: number; limit?: number }; res: ClusterEventView[] }
  /**
   * Leader election asked for (kafka-leader-election --election-type PREFERRED|UNCLEAN, KIP-460) of
   * every partition, those of `topic`, or only its `partition` (needs `topic`): one result per
   * partition asked. Unclean elects only leaderless partitions, from outside the ISR when no in-sync
   * replica is left; what it loses is a records-lost event. Unknown topic or partition:
   * UNKNOWN_TOPIC_OR_PARTITION.
   */
  'cluster/elect-leaders': { req: { electionType: 'preferred' | 'unclean'; topic?: string; partition?: number }; res: LeaderElectionResultView[] }
  'broker/stop': { req: { brokerId: number }; res: { ok: true } }
  'broker/start': { req: { brokerId: number }; res: { ok: true } }
  /** Fault injection: the broker stays up, its followers stop (paused) or resume fetching. */
  'broker/fetching': { req: { brokerId: number; paused: boolean }; res: { ok: true } }
  /** The listeners' base port now and the one stored with the cluster. */
  'listener/settings': { req: Record<string, never>; res: ListenerSettingsView }
  /**
   * Stores `basePort` with the cluster (validated: listenerBasePortProblem, 1024..65535-(brokers-1))
   * and moves this host's listeners there now (every listener and its connections closed, then
   * reopened on the new ports; a port in use leaves that broker's listener down, with the reason).
   */
  'listener/base-port': { req: { basePort: number }; res: ListenerSettingsView }
  /** Fault injection: kill -9 of a running broker (no controlled shutdown; fenced after broker.session.timeout.ms). */
  'broker/kill': { req: { brokerId: number }; res: { ok: true } }
  /** Fault injection: every request the broker serves or sends takes delayMs (1 to 300000) more. */
  'broker/slow': { req: { brokerId: number; delayMs: number }; res: { ok: true } }
  /** Fault injection: the broker is cut off from the controller and the other brokers; clients still reach it. */
  'broker/isolate': { req: { brokerId: number }; res: { ok: true } }
  /** Undoes broker/slow and broker/isolate. */
  'broker/heal': { req: { brokerId: number }; res: { ok: true } }
  'topic/list': { req: { includeInternal?: boolean }; res: TopicSummary[] }
  'topic/describe': { req: { topic: string }; res: TopicDetail }
  'topic/create': {
    req: { topic: string; partitions: number; replicationFactor: number; configs?: TopicConfigOverridesJson }
    res: TopicDetail
  }
  /**
   * kafka-topics --alter --partitions (grow to `partitions`, never shrink) and/or kafka-configs
   * --alter --add-config (`configs` merged onto the topic's); at least one of the two.
   */
  'topic/alter': { req: { topic: string; partitions?: number; configs?: TopicConfigOverridesJson }; res: TopicDetail }
  'topic/delete': { req: { topic: string }; res: { ok: true } }
  /** Kafka's default topic configs (LONG values as decimal strings) and the broker count. */
  'topic/defaults': { req: Record<string, never>; res: { configs: TopicConfigsView; brokers: number } }
  'topic/segments': { req: { topic: string; partition: number }; res: PartitionSegments }
  /**
   * Each replica's lag behind the leader over the last 5 minutes (sampled with the snapshots);
   * UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  'topic/replica-lag-history': { req: { topic: string; partition: number }; res: ReplicaLagHistoryView }
  'produce/send': {
    req: {
      topic: string
      acks: Acks
      records: ProduceRecordInput[]
      /** When set, each record is repeated count times with {{i}} in key/value/header values replaced by 0..count-1. */
      count?: number
    }
    /**
     * All or nothing where Kafka's rules allow: every record is checked before any is written (an
     * error reply names the first bad record by request index). A chunk failing after earlier ones
     * were written (the cluster changed meanwhile) gives `failed` and what was written.
     */
    res: ProduceResult
  }
  'messages/fetch': {
    req: {
      topic: string
      /** A partition, or null for all partitions (merged by timestamp). */
      partition: number | null
      /**
       * Where the page starts. `latest` is the page of the last `limit` records before the high
       * watermark(s), whatever `direction` says (as Kafka UIs' "newest" mode).
       */
      start: StartPosition
      /** Records per page, at most 100,000 (a page also stops at 32 MiB of payload: byteLimitReached). */
      limit: number
      /** Only records whose key (UTF-8) contains this text. */
      keyContains?: string
      /** Page backwards: return the `limit` records before start instead of from it. */
      direction?: 'forward' | 'backward'
      /** Payload bound of this page in bytes (default and most 32 MiB), e.g. what a page loaded in chunks has left. */
      maxBytes?: number
    }
    res: {
      /** Ascending (timestamp, partition, offset). */
      records: RecordView[]
      /** Per partition, the next offset to continue forwards from. */
      nextOffsets: Record<number, number>
      /** Per partition, the first offset returned (to page backwards from). */
      firstOffsets: Record<number, number>
      /**
       * True when the page stopped before `limit` records because the next record would have taken
       * its payload (key + value + headers) past the host's page bound (32 MiB); nextOffsets /
       * firstOffsets continue exactly where it stopped.
       */
      byteLimitReached: boolean
      /** Each partition read, with its log start offset and high watermark when the page was read. */
      partitions: PartitionRange[]
    }
  }
  /**
   * Live tail: the records written since `cursors` (null: from now, i.e. the high watermarks), at most
   * `maxRecords` / `maxBytes`; when more were written, the newest are returned and `skipped` counts
   * the others (a tail shows the newest, as `tail -f`).
   */
  'messages/tail': {
    req: {
      topic: string
      partitions: number[] | null
      cursors: Record<number, number> | null
      /** Default 500, at most 5,000. */
      maxRecords?: number
      /** Default and most 4 MiB of payload. */
      maxBytes?: number
    }
    res: {
      /** Ascending (timestamp, partition, offset). */
      records: RecordView[]
      /** Where the next poll continues, per partition. */
      cursors: Record<number, number>
      partitions: PartitionRange[]
      /** Records written since the cursors that were passed over (beyond maxRecords / maxBytes). */
      skipped: number
    }
  }
  /** Starts a search on the host; its matches are collected with messages/search-poll. */
  'messages/search-start': { req: SearchQuery; res: { searchId: string; progress: SearchProgress } }
  /**
   * The matches found since the last poll (at most 2,000 records / 4 MiB; the scan pauses while
   * matches wait unpolled), the progress, and whether the search has ended. Waits up to `waitMs`
   * (default 0, at most 2,000) for a match or the end. A search not polled for 30 s is stopped.
   */
  'messages/search-poll': {
    req: { searchId: string; waitMs?: number }
    res: {
      matches: RecordView[]
      progress: SearchProgress
      /** True once the search ended and every match was returned. */
      done: boolean
      stopReason: SearchStopReason | null
      error: ContractError | null
    }
  }
  /** Stops a search (the matches found so far can still be polled). */
  'messages/search-stop': { req: { searchId: string }; res: { progress: SearchProgress } }
  /**
   * Prepares an export: checks the source (the search's filters, the records' topic) and returns
   * its id; the file's text is then read with messages/export-read (the web host's
   * `/export/<id>?token=` download and the desktop app's save do that).
   */
  'messages/export-start': {
    req: { format: ExportFormat; source: ExportSource }
    res: { exportId: string; fileName: string; mimeType: string }
  }
  /** The next piece of the export's text (about 1 MiB, at least one record); done after the last. */
  'messages/export-read': {
    req: { exportId: string }
    res: { text: string; done: boolean; progress: ExportProgress }
  }
  /** An export's progress (for the progress bar while the download or the save reads it). */
  'messages/export-status': {
    req: { exportId: string }
    res: { progress: ExportProgress; done: boolean; error: ContractError | null }
  }
  /** Stops an export and forgets it. */
  'messages/export-cancel': { req: { exportId: string }; res: { ok: true } }
  /**
   * Desktop app only: asks where to save the export (a save dialog) and writes it there, answering
   * once written (`saved: false` when the user cancelled). Browser mode downloads instead.
   */
  'messages/export-save': { req: { exportId: string; fileName: string }; res: { saved: boolean; path: string | null } }
  'offsets/list': { req: { topic: string }; res: PartitionOffsets[] }
  'group/list': { req: Record<string, never>; res: GroupView[] }
  'group/describe': { req: { groupId: string }; res: GroupView }
  /** The group's state, assignor, coordinator and members (kafka-consumer-groups --describe --state / --members); Dead when unknown. */
  'group/membership': { req: { groupId: string }; res: GroupMembershipView }
  /**
   * The groups view of one group: membership, lag per partition with its member, rebalance history.
   * GROUP_ID_NOT_FOUND for a group without members or committed offsets.
   */
  'group/details': { req: { groupId: string }; res: GroupDetailsView }
  /**
   * Deletes a group with its committed offsets (kafka-consumer-groups --delete): only an Empty one
   * (NON_EMPTY_GROUP otherwise, as Kafka), GROUP_ID_NOT_FOUND for an unknown one.
   */
  'group/delete': { req: { groupId: string }; res: { groupId: string } }
  'group/consume': {
    req: {
      groupId: string
      topic: string
      /** Records to consume (and commit) at most. */
      maxRecords: number
      /** With no committed offset, start at earliest (true) or latest (false): auto.offset.reset. */
      fromBeginning: boolean
    }
    res: { consumed: number; group: GroupView }
  }
  'group/reset': {
    /**
     * dryRun: compute the plan without committing it (kafka-consumer-groups without --execute);
     * partitions: only these partitions of the topic (`--topic t:0,2`), default every partition.
     * Refused with NON_EMPTY_GROUP while the group has active members, dry run or not, as Kafka does.
     */
    req: { groupId: string; topic: string; partitions?: number[]; to: ResetSpec; dryRun?: boolean }
    res: { group: GroupView; plan: ResetPlanRow[]; executed: boolean }
  }
  /** Stages a file for import: the host keeps it until it is imported or discarded (or more than 8 are staged). */
  'import/upload': { req: { fileName: string; size: number }; res: ImportUpload }
  /** The next bytes of a staged file (base64 of at most IMPORT_UPLOAD_CHUNK_BYTES), at `offset` = the bytes received so far. */
  'import/upload-chunk': { req: { uploadId: string; offset: number; data: string }; res: { received: number } }
  /** Stages a sample dataset (see SAMPLE_DATASETS) as if it had been uploaded. */
  'import/sample': { req: { sample: SampleDataset }; res: ImportUpload }
  /**
   * Reads a staged file whole as `format` (default: from its extension; an extension that names no
   * format is refused naming the formats): its fields, its record count, the first values.
   */
  'import/inspect': { req: { uploadId: string; format?: ImportFormat; csvTypedColumns?: boolean }; res: ImportInspection }
  /**
   * Imports a staged file: a checking pass over every row (the key field, the timestamp field, the
   * bounds) before anything is created or written, then the import, with 'import/progress' events.
   * The staged file is discarded once imported.
   */
  'import/run': {
    req: {
      uploadId: string
      topic: string
      format: ImportFormat
      /** Field whose value becomes the record key; null for no key. */
      keyField: string | null
      /** Where each record's timestamp comes from; absent: CreateTime now. */
      timestamp?: ImportTimestamp
      /** CSV: numbers, booleans and empty fields typed instead of every field a string. */
      csvTypedColumns?: boolean
      /** Create the topic when it does not exist. */
      createTopic?: { partitions: number; replicationFactor: number }
    }
    res: { imported: number; perPartition: Record<number, number>; elapsedMs: number }
  }
  /** Forgets a staged file. */
  'import/discard': { req: { uploadId: string }; res: { ok: true } }
}

export type RequestName = keyof ContractRequests
export type RequestOf<N extends RequestName> = ContractRequests[N]['req']
export type ResponseOf<N extends RequestName> = ContractRequests[N]['res']

/**
 * The engine's state as its host reports it when it changes (the engine worker of the desktop app
 * and of browser mode): 'restarting' after the engine stopped unexpectedly (e.g. it ran out of
 * memory) while the host starts it again on the same data directory; 'running' once it serves
 * again; 'stopped' when it will not be restarted (too many restarts within the host's window).
 */
export interface EngineStatus {
  state: 'running' | 'restarting' | 'stopped'
  /** Why the engine last stopped, in words (e.g. "the engine ran out of memory (limit 2048 MiB)"), or null. */
  cause: string | null
  /** Restarts within the host's restart window (at most 3 a minute by default). */
  restarts: number
  /** ms since the epoch. */
  at: number
}

/** Events the host pushes: name -> payload. */
export interface ContractEvents {
  snapshot: ClusterSnapshot
  /** An import's rows checked ('checking', before anything is written) or imported ('importing') so far. */
  'import/progress': { topic: string; phase: 'checking' | 'importing'; done: number; total: number }
  /** Pushed by a host running the engine in a worker when the engine stops, restarts or gives up. */
  'engine/status': EngineStatus
}

export type EventName = keyof ContractEvents

/** Reply envelope on both transports. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: ContractError }

/** The list of request names, for handler-completeness checks. */
export const REQUEST_NAMES = [
  'cluster/snapshot',
  'cluster/events',
  'cluster/elect-leaders',
  'broker/stop',
  'broker/start',
  'broker/fetching',
  'listener/settings',
  'listener/base-port',
  'broker/kill',
  'broker/slow',
  'broker/isolate',
  'broker/heal',
  'topic/list',
  'topic/describe',
  'topic/create',
  'topic/alter',
  'topic/delete',
  'topic/defaults',
  'topic/segments',
  'topic/replica-lag-history',
  'produce/send',
  'messages/fetch',
  'messages/tail',
  'messages/search-start',
  'messages/search-poll',
  'messages/search-stop',
  'messages/export-start',
  'messages/export-read',
  'messages/export-status',
  'messages/export-cancel',
  'messages/export-save',
  'offsets/list',
  'group/list',
  'group/describe',
  'group/membership',
  'group/details',
  'group/delete',
  'group/consume',
  'group/reset',
  'import/upload',
  'import/upload-chunk',
  'import/sample',
  'import/inspect',
  'import/run',
  'import/discard'
] as const satisfies readonly RequestName[]

/** Compile-time check that REQUEST_NAMES lists every request. */
type _MissingNames = Exclude<RequestName, (typeof REQUEST_NAMES)[number]>
const _allNamesListed: _MissingNames extends never ? true : never = true
void _allNamesListed

/** The API the renderer sees (preload bridge / WebSocket client both implement it). */
export interface BrokerlabApi {
  request<N extends RequestName>(name: N, req: RequestOf<N>): Promise<Reply<ResponseOf<N>>>
  on<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void): () => void
}

/** Electron IPC channel names: one invoke channel for requests, one for pushed events. */
/**
 * Largest WebSocket message in browser mode, in bytes (an import's file travels in chunks of
 * IMPORT_UPLOAD_CHUNK_BYTES). The host refuses bigger frames; the renderer's transport refuses to send them.
 */
export const WS_MAX_MESSAGE_BYTES = 64 * 1024 * 1024

export const IPC_REQUEST_CHANNEL = 'brokerlab:request'
export const IPC_EVENT_CHANNEL = 'brokerlab:event'
