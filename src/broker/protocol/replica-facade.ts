/**
 * ReplicaFacade: what the data-plane handlers (Produce, Fetch, ListOffsets, OffsetForLeaderEpoch)
 * need from the engine, addressed to one broker, as Kafka's KafkaApis reaches its ReplicaManager.
 * protocol/ never touches storage/ (../../../shared/design.md): the implementation over the Cluster
 * lives in src/broker/cluster/facades/replica-facade-impl.ts; tests may use a real Cluster.
 *
 * Shapes: offsets and timestamps are plain numbers here (safe integers; the handlers convert to the
 * wire's int64 bigints), sizes are bytes, times ms. Every per-partition failure is reported as a
 * KafkaError in the partition's result, never thrown, so one bad partition never fails the others
 * (Kafka answers per partition).
 *
 * Must stay true: a request is addressed to this broker: a partition it does not lead is answered
 * NOT_LEADER_OR_FOLLOWER; batches handed in are owned by the callee (the handler copies them out of
 * the request frame first); reads never pass the high watermark; a delayed operation (acks=-1
 * produce, long-polling fetch) never blocks the engine's loop and always settles (at its timeout at
 * the latest).
 */
import type { KafkaError } from '../model/errors'

/** Kafka's acks on the wire: 0 (no answer), 1 (the leader appended), -1 (the ISR holds the records). */
export type WireAcks = -1 | 0 | 1

/** One partition's records of a Produce request. */
export interface ProducePartitionInput {
  topic: string
  partition: number
  /** Record batches v2 as the client sent them (a copy, owned by the callee), or null (refused). */
  records: Buffer | null
}

/** One partition's outcome of a Produce (Kafka's PartitionResponse). */
export interface ProducePartitionResult {
  topic: string
  partition: number
  /** Null on success (a duplicate idempotent batch is a success with its original offsets). */
  error: KafkaError | null
  /** The first offset of the appended batches, -1 on error. */
  baseOffset: number
  /** The append time (ms) when the topic uses LogAppendTime, else -1. */
  logAppendTimeMs: number
  /** The log start offset after the append, -1 on error. */
  logStartOffset: number
  /** The records that made the batch be refused (INVALID_RECORD / INVALID_TIMESTAMP, v8+). */
  recordErrors: { batchIndex: number; message: string | null }[]
  /** The leader the broker knows for a NOT_LEADER_OR_FOLLOWER answer (KIP-951), else -1 / -1. */
  currentLeader: { leaderId: number; leaderEpoch: number }
}

/** One partition of a Fetch request (FetchPartition). */
export interface FetchPartitionInput {
  topic: string
  partition: number
  /** The first offset to read. */
  fetchOffset: number
  /** The most bytes to read from this partition (at least one batch when it is the first with data). */
  partitionMaxBytes: number
  /** The leader epoch the client knows, or -1 (no check). */
  currentLeaderEpoch: number
}

/** A consumer's Fetch (the request's bounds and its partitions). */
export interface FetchInput {
  partitions: FetchPartitionInput[]
  /** The most bytes of the whole answer (fetch.max.bytes; capped by the broker's). */
  maxBytes: number
  /** Answer once this many bytes are available (or at maxWaitMs). */
  minBytes: number
  /** The longest wait for minBytes, ms. */
  maxWaitMs: number
}

/** One partition's answer to a Fetch (FetchResponse.PartitionData). */
export interface FetchPartitionResult {
  topic: string
  partition: number
  error: KafkaError | null
  /** -1 when unknown (error). */
  highWatermark: number
  /** The last stable offset: the high watermark (no transactions). */
  lastStableOffset: number
  logStartOffset: number
  /** Whole record batches as stored (possibly empty). */
  records: Buffer
  currentLeader: { leaderId: number; leaderEpoch: number }
}

/** What ListOffsets asks of one partition. */
export interface ListOffsetsPartitionInput {
  topic: string
  partition: number
  /** A timestamp (ms), or Kafka's specials: -1 latest, -2 earliest, -3 max timestamp (KIP-734). */
  timestamp: number
  currentLeaderEpoch: number
}

/** One partition's answer to ListOffsets. */
export interface ListOffsetsPartitionResult {
  error: KafkaError | null
  /** -1 when no record has a timestamp >= the one asked (or on error). */
  offset: number
  /** The found record's timestamp, -1 for earliest / latest or none. */
  timestamp: number
  /** The leader epoch of the found offset, -1 when unknown. */
  leaderEpoch: number
}

/** One partition's answer to OffsetForLeaderEpoch. */
export interface EpochEndOffsetResult {
  error: KafkaError | null
  /** The largest epoch <= the one asked, -1 when unknown. */
  leaderEpoch: number
  /** Where it ended (exclusive), -1 when unknown. */
  endOffset: number
}

/** The engine's data plane, as one broker's handlers see it. */
export interface ReplicaFacade {
  /** The broker this facade answers for. */
  readonly brokerId: number
  /**
   * Appends each partition's batches on this broker as leader (Kafka's ReplicaManager.appendRecords)
   * and, for acks=-1, waits until the ISR holds them (the produce purgatory) for at most `timeoutMs`.
   * Resolves with one result per input, in input order; never rejects for a partition's failure.
   * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, CORRUPT_MESSAGE,
   * INVALID_RECORD, INVALID_TIMESTAMP, RECORD_TOO_LARGE, NOT_ENOUGH_REPLICAS (acks=-1, ISR below
   * min.insync.replicas before the append), NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT,
   * KAFKA_STORAGE_ERROR, and the idempotent producer's errors.
   */
  produce(partitions: ProducePartitionInput[], acks: WireAcks, timeoutMs: number): Promise<ProducePartitionResult[]>
  /**
   * A consumer's fetch (Kafka's fetchMessages for replica id -1) with long polling (DelayedFetch):
   * answers at once when minBytes are available, maxWaitMs <= 0, or a partition has an error; else
   * when the high watermarks move far enough or at maxWaitMs. One result per input, in input order.
   */
  fetch(input: FetchInput): Promise<FetchPartitionResult[]>
  /** ListOffsets on this broker as leader (earliest, latest, by timestamp, max timestamp). */
  listOffsets(input: ListOffsetsPartitionInput): ListOffsetsPartitionResult
  /** OffsetForLeaderEpoch on this broker as leader (ReplicaManager.lastOffsetForLeaderEpoch). */
  lastOffsetForLeaderEpoch(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch: number): EpochEndOffsetResult
}
