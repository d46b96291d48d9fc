/**
 * GroupCoordinator: consumer groups' committed offsets (Kafka's GroupCoordinator with its
 * GroupMetadataManager, for the offsets part; membership and rebalances come with the wire
 * protocol): commits are written to the group's partition of `__consumer_offsets` (created on first
 * use: 50 partitions, replication factor min(3, live brokers), cleanup.policy=compact) as
 * OffsetCommitKey v1 / OffsetCommitValue v3 records through the coordinator partition leader's
 * ReplicaManager, answered once that partition's ISR holds them (Kafka's acks=-1 commit), and only
 * then applied to the cache that OffsetFetch and lag read; at open the cache is rebuilt by replaying
 * the topic.
 *
 * Must stay true: a failed commit changes nothing the cache shows (it may still be in the log, as in
 * Kafka, and show up after a reopen); errors map as Kafka's GroupMetadataManager maps them (timeout
 * or too few replicas -> COORDINATOR_NOT_AVAILABLE, leadership moved -> NOT_COORDINATOR); one
 * unreadable coordinator partition never keeps the cluster from opening.
 */
import { KafkaError } from '../model/errors'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { GroupLagRow, GroupOffsets } from '../cluster/cluster-api'
import type { Partition } from '../cluster/partition'
import type { DelayedProducePurgatory } from '../server/delayed-produce'
import type { ReplicaManager } from '../server/replica-manager'
import type { StoredRecord } from '../storage/storage-types'
import { CommittedOffsets, OFFSETS_TOPIC, offsetsPartitionFor } from './committed-offsets'
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from './offset-commit-schema'

/** Kafka's offsets.commit.timeout.ms default (ms). */
export const DEFAULT_OFFSET_COMMIT_TIMEOUT_MS = 30000

/** What the coordinator needs from the cluster. */
export interface GroupCoordinatorEnv {
  clock(): number
  purgatory: DelayedProducePurgatory
  /** The partition count of __consumer_offsets, creating the topic when missing. @throws BROKER_NOT_AVAILABLE when no broker runs. */
  ensureOffsetsTopic(): number
  /** The running leader's ReplicaManager of `topic`-`i`, or null when the partition is offline. */
  leaderReplicaManager(topic: string, i: number): ReplicaManager | null
  /** The leader's Partition of `topic`-`i`, or null. */
  leaderPartition(topic: string, i: number): Partition | null
  /** Followers of `topic`-`i` fetch now (a commit is replicated in the same step when they can). */
  replicatePartition(topic: string, i: number): void
  /** Reads every record of `topic`-`i` from its leader or, offline, its most complete replica. */
  readAll(topic: string, i: number, each: (r: StoredRecord) => void): void
  /** The partition's high watermark and log start offset, or null when the topic-partition does not exist. */
  offsetsOf(topic: string, i: number): { highWatermark: number; logStartOffset: number } | null
  /** The partition count of `topic`, or null when it does not exist. */
  partitionCount(topic: string): number | null
  event(e: ClusterEventInput): void
}

/** The group coordinator of the embedded cluster. */
export class GroupCoordinator {
  private readonly offsets = new CommittedOffsets()

  constructor(private readonly env: GroupCoordinatorEnv) {}

  private checkGroupId(groupId: string): void {
    if (typeof groupId !== 'string' || groupId.length === 0) throw new KafkaError('INVALID_GROUP_ID', 'Group id must be a non-empty string')
  }

  /** Rebuilds the cache from __consumer_offsets (each partition's leader, or most complete replica, to its end). */
  load(partitions: number): void {
    for (let i = 0; i < partitions; i++) {
      try {
        this.env.readAll(OFFSETS_TOPIC, i, (r) => this.offsets.replay(r.key, r.value))
      } catch (e) {
        this.env.event({
          kind: 'replica-damaged',
          severity: 'error',
          topic: OFFSETS_TOPIC,
          partition: i,
          message: `Committed offsets in ${OFFSETS_TOPIC}-${i} could not all be read: ${(e as Error).message}`
        })
      }
    }
  }

  /**
   * Commits a group's offsets; resolves once the coordinator partition's ISR holds them.
   * @param checkPartition throws UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist.
   * @throws KafkaError INVALID_GROUP_ID, INVALID_REQUEST (bad offset), COORDINATOR_NOT_AVAILABLE,
   *   NOT_COORDINATOR, UNKNOWN_TOPIC_OR_PARTITION.
   */
  async commitOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
    this.checkGroupId(groupId)
    if (!Array.isArray(offsets)) throw new KafkaError('INVALID_REQUEST', 'offsets must be an array')
    for (const o of offsets) {
      const n = this.env.partitionCount(o.topic)
      if (n === null) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: topic ${o.topic} does not exist`)
      if (!Number.isInteger(o.partition) || o.partition < 0 || o.partition >= n)
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${o.partition} of topic ${o.topic} does not exist (topic has ${n} partitions)`)
      if (!Number.isInteger(o.offset) || o.offset < 0)
        throw new KafkaError('INVALID_REQUEST', `Committed offset must be an integer >= 0, got ${o.offset} for ${o.topic}-${o.partition}`)
    }
    if (offsets.length === 0) return
    const timeoutMs = opts.timeoutMs ?? DEFAULT_OFFSET_COMMIT_TIMEOUT_MS
    const { now, partition, lastOffset } = this.writeOffsetRecords(groupId, offsets)
    try {
      await this.env.purgatory.await([{ partition, lastOffset }], timeoutMs, `The commit of group ${groupId} did not reach the ISR of ${partition.name} within ${timeoutMs} ms`)
    } catch (e) {
      const code = e instanceof KafkaError ? e.code : 'UNKNOWN_SERVER_ERROR'
      const msg = e instanceof Error ? e.message : String(e)
      if (code === 'NOT_LEADER_OR_FOLLOWER') throw new KafkaError('NOT_COORDINATOR', `The coordinator of group ${groupId} moved: ${msg}`)
      if (code === 'REQUEST_TIMED_OUT' || code === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' || code === 'NOT_ENOUGH_REPLICAS' || code === 'KAFKA_STORAGE_ERROR')
        throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The commit of group ${groupId} was not replicated: ${msg}`)
      throw e
    }
    for (const o of offsets) this.offsets.put(groupId, o.topic, o.partition, { offset: o.offset, leaderEpoch: -1, metadata: '', commitTimestamp: now })
  }

  /**
   * Appends commit records (offset null = tombstone) to the group's coordinator partition and lets
   * its followers copy them now. Returns the commit time, the leader's Partition and the last offset.
   */
  private writeOffsetRecords(groupId: string, offsets: { topic: string; partition: number; offset: number | null }[]): { now: number; partition: Partition; lastOffset: number } {
    const n = this.env.ensureOffsetsTopic()
    const i = offsetsPartitionFor(groupId, n)
    const rm = this.env.leaderReplicaManager(OFFSETS_TOPIC, i)
    const p = this.env.leaderPartition(OFFSETS_TOPIC, i)
    if (!rm || !p)
      throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The coordinator of group ${groupId} (partition ${OFFSETS_TOPIC}-${i}) is not available: no live in-sync replica`)
    const now = this.env.clock()
    let res
    try {
      res = rm.appendRecords(
        OFFSETS_TOPIC,
        i,
        offsets.map((o) => ({
          key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
          value: o.offset === null ? null : encodeOffsetCommitValue({ offset: o.offset, leaderEpoch: -1, metadata: '', commitTimestamp: now }),
          timestamp: now
        }))
      )
    } catch (e) {
      if (e instanceof KafkaError && (e.code === 'KAFKA_STORAGE_ERROR' || e.code === 'NOT_LEADER_OR_FOLLOWER'))
        throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `The coordinator of group ${groupId} could not write the commit: ${e.message}`)
      throw e
    }
    // Kafka's coordinator answers a commit once its __consumer_offsets append reached the ISR
    // (offsets.commit.required.acks=-1): the fetching followers copy it now, so the high watermark
    // usually passes it in this same step; commitOffsets waits for that.
    this.env.replicatePartition(OFFSETS_TOPIC, i)
    return { now, partition: p, lastOffset: res.lastOffset }
  }

  /**
   * A topic was deleted: its committed offsets go (tombstones in __consumer_offsets, as Kafka's
   * GroupMetadataManager writes them); the cache forgets them even when the coordinator is offline.
   */
  onTopicDeleted(topic: string): void {
    const byGroup = new Map<string, number[]>()
    for (const e of this.offsets.entriesForTopic(topic)) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e.partition])
    for (const [group, parts] of byGroup) {
      try {
        this.writeOffsetRecords(group, parts.map((partition) => ({ topic, partition, offset: null })))
      } catch {
        // coordinator offline: the cache still forgets them below
      }
      for (const p of parts) this.offsets.put(group, topic, p, null)
    }
  }

  /** Committed offsets of a group (empty when it has none, as Kafka's OffsetFetch answers). */
  fetchOffsets(groupId: string): GroupOffsets {
    this.checkGroupId(groupId)
    return { groupId, offsets: this.offsets.offsetsOf(groupId) }
  }

  /** Groups with committed offsets, sorted. */
  listGroups(): string[] {
    return this.offsets.groupIds()
  }

  /**
   * kafka-consumer-groups --describe rows: every partition of every (still existing) topic the group
   * committed to; LOG-END-OFFSET is the high watermark; lag = HW - committed (HW - log start when none).
   * @throws KafkaError GROUP_ID_NOT_FOUND when the group has no committed offsets.
   */
  describeGroupLag(groupId: string): GroupLagRow[] {
    if (!this.offsets.hasGroup(groupId)) throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`)
    const rows: GroupLagRow[] = []
    const committed = this.offsets.offsetsOf(groupId)
    for (const topic of [...committed.keys()].sort()) {
      const n = this.env.partitionCount(topic)
      if (n === null) continue
      for (let i = 0; i < n; i++) {
        const current = committed.get(topic)!.get(i) ?? null
        const o = this.env.offsetsOf(topic, i)!
        rows.push({ topic, partition: i, currentOffset: current, logEndOffset: o.highWatermark, lag: Math.max(0, o.highWatermark - (current ?? o.logStartOffset)) })
      }
    }
    return rows
  }
}
