/**
 * ReplicaManager: one broker's replicas and the requests addressed to that broker (Kafka's
 * kafka.server.ReplicaManager): producer appends (appendRecords, with the acks=all wait in the
 * produce purgatory), consumer reads (fetchMessages, never past the high watermark), follower
 * fetches (up to the log end offset, teaching the leader where each follower is), ListOffsets, and
 * the broker's periodic work on its partitions (ISR shrink, offline replicas tried again). It applies
 * the controller's partition registrations to the broker's Partitions (Kafka's
 * applyDelta / becomeLeaderOrFollower).
 *
 * Requests are addressed to a broker: one that does not lead the partition answers
 * NOT_LEADER_OR_FOLLOWER, as Kafka does; a stopped broker answers BROKER_NOT_AVAILABLE (a real one
 * would not answer at all).
 *
 * Must stay true: every request is one synchronous step on the engine's event loop (an acks=all
 * produce returns a promise that the purgatory settles later); validation happens before anything
 * is appended; the metrics count what was appended and what consumers read.
 */
import { KafkaError } from '../model/errors'
import type { ClusterMetrics } from '../metrics/cluster-metrics'
import type { RecordInput } from '../storage/storage-types'
import type { LogAppendInfo } from '../storage/unified-log'
import type { EpochEndOffset } from '../storage/leader-epoch-file-cache'
import { Partition, REPLICA_FETCH_MAX_BYTES, type FetchResult, type PartitionEnv, type PartitionRegistration } from '../cluster/partition'

/** Key of a topic partition in maps. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** What a ReplicaManager needs from its broker. */
export interface ReplicaManagerEnv {
  /** Whether the broker runs (a stopped broker answers nothing). */
  isRunning(): boolean
  metrics: ClusterMetrics
  /** The env of this broker's Partition of `topic`-`partition`. */
  partitionEnv(topic: string, partition: number): PartitionEnv
}

/** One append's outcome on one partition (Kafka's LogAppendInfo / PartitionResponse). */
export type AppendResult = LogAppendInfo

/** One broker's replica manager. */
export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>()

  constructor(
    readonly brokerId: number,
    private readonly env: ReplicaManagerEnv
  ) {}

  // ---- the controller's decisions --------------------------------------------------------------

  /**
   * Applies the controller's registration of `topic`-`partition` to this broker: creates the
   * Partition when this broker becomes a replica (opening its log when `eager`), hands the
   * registration to it (make leader / make follower / ISR change), and forgets it when this broker
   * no longer hosts it.
   */
  applyRegistration(topic: string, partition: number, reg: PartitionRegistration, eager: boolean): Partition | null {
    const key = tpKey(topic, partition)
    let p = this.partitions.get(key)
    if (!reg.replicas.includes(this.brokerId)) {
      if (p) {
        p.failWaiters(new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} no longer hosts ${topic}-${partition}`))
        p.detach()
        this.partitions.delete(key)
      }
      return null
    }
    if (!p) {
      p = new Partition(topic, partition, this.brokerId, reg, this.env.partitionEnv(topic, partition), eager)
      this.partitions.set(key, p)
      return p
    }
    p.applyRegistration(reg)
    return p
  }

  /** Forgets `topic`-`partition` (its topic was deleted), failing its waits with `reason`. */
  removePartition(topic: string, partition: number, reason: KafkaError): void {
    const key = tpKey(topic, partition)
    const p = this.partitions.get(key)
    if (!p) return
    p.failWaiters(reason)
    p.detach()
    this.partitions.delete(key)
  }

  /** This broker's Partition of `topic`-`partition`, or undefined. */
  partition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(tpKey(topic, partition))
  }

  /** Every Partition on this broker. */
  allPartitions(): IterableIterator<Partition> {
    return this.partitions.values()
  }

  // ---- requests --------------------------------------------------------------------------------

  private checkRunning(): void {
    if (!this.env.isRunning()) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${this.brokerId} is not running`)
  }

  private leaderPartition(topic: string, partition: number): Partition {
    this.checkRunning()
    const p = this.partitions.get(tpKey(topic, partition))
    if (!p) throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.brokerId} does not host ${topic}-${partition}`)
    return p
  }

  /**
   * Appends to `topic`-`partition` on this broker as its leader (Kafka's appendRecords for one
   * partition): record batches v2 as a producer sends them (base offset 0; the log's LogValidator
   * checks them, assigns offsets and stamps the leader epoch, and stores valid batches byte for
   * byte), or records to encode as one batch. An idempotent producer's retry of one of its last 5
   * batches is answered with that batch's offsets (`duplicate`, nothing appended). The caller checked the acks rules.
   * @throws KafkaError BROKER_NOT_AVAILABLE (stopped), NOT_LEADER_OR_FOLLOWER (not its leader),
   *   CORRUPT_MESSAGE / INVALID_RECORD / INVALID_TIMESTAMP / RECORD_TOO_LARGE /
   *   UNSUPPORTED_COMPRESSION_TYPE / OUT_OF_ORDER_SEQUENCE_NUMBER / INVALID_PRODUCER_EPOCH (the
   *   batches break a rule; nothing written), KAFKA_STORAGE_ERROR
   *   (its log cannot be written).
   */
  appendRecords(topic: string, partition: number, input: Buffer | RecordInput[]): AppendResult {
    const p = this.leaderPartition(topic, partition)
    const res = p.appendRecordsAsLeader(input)
    this.env.metrics.recordAppend(this.brokerId, topic, partition, res.records, res.batchBytes)
    return res
  }

  /**
   * DeleteRecords for one partition on this broker as its leader (Kafka's ReplicaManager.deleteRecords):
   * see Partition.deleteRecordsOnLeader. @returns the leader's log start offset afterwards.
   * @throws KafkaError BROKER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE, KAFKA_STORAGE_ERROR.
   */
  deleteRecords(topic: string, partition: number, offset: number): number {
    return this.leaderPartition(topic, partition).deleteRecordsOnLeader(offset)
  }

  /**
   * A consumer's read (Kafka's fetchMessages with no replica id): whole batches from the one holding
   * `offset`, about `maxBytes` (at least one batch), never at or past the high watermark.
   * @throws KafkaError NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE (below the log start or above the
   *   log end offset), CORRUPT_MESSAGE naming file and position when no intact replica can take over.
   */
  fetchForConsumer(topic: string, partition: number, offset: number, maxBytes: number): FetchResult {
    const p = this.leaderPartition(topic, partition)
    return p.readAsLeader((log) => {
      if (!Number.isInteger(offset) || offset < log.logStartOffset || offset > log.logEndOffset)
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `Fetch offset ${offset} is out of range for partition ${p.name}: log start offset ${log.logStartOffset}, log end offset ${log.logEndOffset}`
        )
      const hw = log.highWatermark
      const batches = offset < hw ? log.readBatches(offset, maxBytes, hw) : Buffer.alloc(0)
      if (batches.length > 0) this.env.metrics.recordFetch(this.brokerId, topic, partition, batches.length)
      return { batches, highWatermark: hw, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset }
    })
  }

  /**
   * A follower's fetch (Kafka's fetch with replica id `replicaId`): batches up to the log end
   * offset; the leader learns the follower's position. See Partition.fetchForFollower.
   */
  fetchForFollower(topic: string, partition: number, replicaId: number, fetchOffset: number, maxBytes = REPLICA_FETCH_MAX_BYTES): FetchResult {
    return this.leaderPartition(topic, partition).fetchForFollower(replicaId, fetchOffset, maxBytes)
  }

  /**
   * OffsetsForLeaderEpoch on the leader (Kafka's ReplicaManager.lastOffsetForLeaderEpoch): where
   * `leaderEpoch` ended in the leader's log. See Partition.lastOffsetForLeaderEpoch.
   * @throws KafkaError BROKER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
   *   UNKNOWN_LEADER_EPOCH, KAFKA_STORAGE_ERROR.
   */
  lastOffsetForLeaderEpoch(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch = -1): EpochEndOffset {
    return this.leaderPartition(topic, partition).lastOffsetForLeaderEpoch(leaderEpoch, currentLeaderEpoch)
  }

  /**
   * Kafka's ListOffsets on the leader: earliest = log start offset, latest = high watermark,
   * { timestamp } = the first offset whose timestamp >= T below the high watermark, or null.
   */
  listOffset(topic: string, partition: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    const p = this.leaderPartition(topic, partition)
    return p.readAsLeader((log) => {
      if (spec === 'earliest') return log.logStartOffset
      if (spec === 'latest') return log.highWatermark
      const o = log.offsetForTimestamp(spec.timestamp)
      return o === null || o >= log.highWatermark ? null : o
    })
  }

  // ---- periodic work ---------------------------------------------------------------------------

  /**
   * The broker's periodic work on its partitions at `now`: offline replicas tried again, ISRs of the
   * partitions it leads shrunk when followers lag (Kafka's isr-expiration task).
   */
  tick(now: number): void {
    if (!this.env.isRunning()) return
    for (const p of [...this.partitions.values()]) {
      if (p.offline) p.retryOffline(now)
      else p.maybeShrinkIsr()
    }
  }
}
