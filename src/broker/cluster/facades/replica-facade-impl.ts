/**
 * ClusterReplicaFacade: the wire protocol's ReplicaFacade (../../protocol/replica-facade.ts) over a
 * Cluster, for one broker: Produce through that broker's ReplicaManager.appendRecords (acks=-1
 * waiting in a DelayedProducePurgatory until the high watermark passes the batches), Fetch through
 * fetchForConsumer with long polling in a DelayedFetchPurgatory (woken by the partitions' high
 * watermark moves), ListOffsets and OffsetForLeaderEpoch on the leader's log, as Kafka's
 * ReplicaManager serves them.
 *
 * Must stay true: every answer is read on this broker (a partition it does not lead answers
 * NOT_LEADER_OR_FOLLOWER, a stopped broker BROKER_NOT_AVAILABLE); a request's partitions are checked
 * and appended one at a time, each failure reported on its own partition only; reads stop at the
 * high watermark and within the byte bounds (the whole answer within fetch.max.bytes, at least one
 * batch in the first partition with data, as KIP-74); `close()` answers every waiting fetch and
 * clears the produce timers.
 */
import { KafkaError } from '../../model/errors'
import type {
  EpochEndOffsetResult,
  FetchInput,
  FetchPartitionResult,
  ListOffsetsPartitionInput,
  ListOffsetsPartitionResult,
  ProducePartitionInput,
  ProducePartitionResult,
  ReplicaFacade,
  WireAcks
} from '../../protocol/replica-facade'
import { DelayedFetchPurgatory, type FetchTimer } from '../../server/delayed-fetch'
import { DelayedProducePurgatory } from '../../server/delayed-produce'
import type { ReplicaManager } from '../../server/replica-manager'
import { RecordValidationError } from '../../storage/log-validator'
import type { Cluster } from '../cluster'
import type { Partition } from '../partition'
import type { ReplicaLog } from '../replica-log'

/** Kafka's broker fetch.max.bytes default (55 MiB): the most a fetch answer holds, whatever it asks. */
export const BROKER_FETCH_MAX_BYTES = 57671680

/** Kafka's ListOffsets specials (ListOffsetsRequest.LATEST_TIMESTAMP ...). */
const LATEST_TIMESTAMP = -1
const EARLIEST_TIMESTAMP = -2
const MAX_TIMESTAMP = -3

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 }

/** Options of the facade. */
export interface ClusterReplicaFacadeOptions {
  /** The timer of long-polling fetches (default setTimeout; tests inject one). */
  fetchTimer?: FetchTimer
}

/** The data plane of broker `brokerId` of `cluster`. */
export class ClusterReplicaFacade implements ReplicaFacade {
  private readonly producePurgatory = new DelayedProducePurgatory()
  private readonly fetchPurgatory: DelayedFetchPurgatory

  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number,
    opts: ClusterReplicaFacadeOptions = {}
  ) {
    this.fetchPurgatory = new DelayedFetchPurgatory(opts.fetchTimer)
  }

  /** Fetches waiting in the purgatory now (tests, diagnostics). */
  get waitingFetches(): number {
    return this.fetchPurgatory.size
  }

  /** Answers every waiting fetch now and clears the produce timers (the listener or the cluster closes). */
  close(): void {
    this.fetchPurgatory.clear()
    this.producePurgatory.clear()
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** This broker's ReplicaManager. @throws KafkaError BROKER_NOT_AVAILABLE when it is stopped or the cluster closed. */
  private rm(): ReplicaManager {
    if (!this.cluster.isBrokerRunning(this.brokerId)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${this.brokerId} is not running`)
    return this.cluster.replicaManager(this.brokerId)
  }

  /** The partition's registration. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  private registration(topic: string, partition: number): { topic: NonNullable<ReturnType<Cluster['topicRegistration']>>; leader: number; leaderEpoch: number; isr: number[] } {
    const t = this.cluster.topicRegistration(topic)
    const pm = t && Number.isInteger(partition) && partition >= 0 ? t.partitions[partition] : undefined
    if (!t || !pm) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`)
    return { topic: t, leader: pm.leader, leaderEpoch: pm.leaderEpoch, isr: pm.isr }
  }

  /**
   * This broker's Partition of `topic`-`partition` as leader, the client's epoch checked first (Kafka's
   * Partition.localLogWithEpochOrThrow).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, BROKER_NOT_AVAILABLE, FENCED_LEADER_EPOCH /
   *   UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER.
   */
  private leader(topic: string, partition: number, currentLeaderEpoch: number): Partition {
    const reg = this.registration(topic, partition)
    const p = this.rm().partition(topic, partition)
    if (p && currentLeaderEpoch >= 0 && currentLeaderEpoch !== p.leaderEpoch)
      throw new KafkaError(
        currentLeaderEpoch < p.leaderEpoch ? 'FENCED_LEADER_EPOCH' : 'UNKNOWN_LEADER_EPOCH',
        `${topic}-${partition}: the request's leader epoch ${currentLeaderEpoch} is not the current one, ${p.leaderEpoch}`
      )
    if (!p || !p.isLeader)
      throw new KafkaError(
        'NOT_LEADER_OR_FOLLOWER',
        `Broker ${this.brokerId} is not the leader of ${topic}-${partition}${reg.leader >= 0 ? ` (broker ${reg.leader} is)` : ' (it has no leader)'}`
      )
    return p
  }

  private currentLeader(topic: string, partition: number): { leaderId: number; leaderEpoch: number } {
    const pm = this.cluster.topicRegistration(topic)?.partitions[partition]
    return pm ? { leaderId: pm.leader, leaderEpoch: pm.leaderEpoch } : NO_LEADER
  }

  // ---- Produce ---------------------------------------------------------------------------------

  /** See ReplicaFacade.produce. */
  async produce(partitions: ProducePartitionInput[], acks: WireAcks, timeoutMs: number): Promise<ProducePartitionResult[]> {
    const waits: (Promise<void> | null)[] = []
    const results = partitions.map((input): ProducePartitionResult => {
      const base: ProducePartitionResult = {
        topic: input.topic,
        partition: input.partition,
        error: null,
        baseOffset: -1,
        logAppendTimeMs: -1,
        logStartOffset: -1,
        recordErrors: [],
        currentLeader: NO_LEADER
      }
      try {
        const reg = this.registration(input.topic, input.partition)
        if (reg.topic.internal) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${input.topic}`)
        const p = this.leader(input.topic, input.partition, -1)
        const minIsr = reg.topic.configs['min.insync.replicas']
        if (acks === -1 && reg.isr.length < minIsr)
          throw new KafkaError(
            'NOT_ENOUGH_REPLICAS',
            `The size of the current ISR [${reg.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${input.topic}-${input.partition}`
          )
        const res = this.rm().appendRecords(input.topic, input.partition, input.records ?? Buffer.alloc(0))
        base.baseOffset = res.firstOffset
        base.logAppendTimeMs = res.logAppendTime
        base.logStartOffset = p.logStartOffset
        waits.push(
          acks === -1
            ? this.producePurgatory.await(
                [{ partition: p, lastOffset: res.lastOffset }],
                timeoutMs,
                `Records of ${input.topic}-${input.partition} were not replicated to the ISR within ${timeoutMs} ms (acks=-1)`
              )
            : null
        )
      } catch (e) {
        waits.push(null)
        this.fail(base, e)
      }
      return base
    })
    this.cluster.appendedRecords()
    await Promise.all(
      waits.map(async (w, i) => {
        if (!w) return
        try {
          await w
        } catch (e) {
          this.fail(results[i], e)
        }
      })
    )
    return results
  }

  private fail(r: ProducePartitionResult, e: unknown): void {
    const err = e instanceof KafkaError ? e : new KafkaError('UNKNOWN_SERVER_ERROR', (e as Error)?.message ?? String(e))
    r.error = err
    r.baseOffset = -1
    r.logAppendTimeMs = -1
    r.logStartOffset = -1
    if (e instanceof RecordValidationError) r.recordErrors = e.recordErrors.map((x) => ({ batchIndex: x.batchIndex, message: x.message ?? null }))
    if (err.code === 'NOT_LEADER_OR_FOLLOWER') r.currentLeader = this.currentLeader(r.topic, r.partition)
  }

  // ---- Fetch -----------------------------------------------------------------------------------

  /** See ReplicaFacade.fetch. */
  fetch(input: FetchInput): Promise<FetchPartitionResult[]> {
    const maxBytes = Math.max(0, Math.min(input.maxBytes, BROKER_FETCH_MAX_BYTES))
    let watched: { p: Partition; highWatermark: number }[] = []
    return this.fetchPurgatory.fetch({
      minBytes: input.minBytes,
      maxWaitMs: input.maxWaitMs,
      read: () => {
        watched = []
        let remaining = maxBytes
        let bytes = 0
        let complete = false
        const result = input.partitions.map((fp): FetchPartitionResult => {
          const out: FetchPartitionResult = {
            topic: fp.topic,
            partition: fp.partition,
            error: null,
            highWatermark: -1,
            lastStableOffset: -1,
            logStartOffset: -1,
            records: Buffer.alloc(0),
            currentLeader: NO_LEADER
          }
          try {
            const p = this.leader(fp.topic, fp.partition, fp.currentLeaderEpoch)
            // KIP-74: the first partition with data gets at least one batch; the others stay within the limit
            const limit = Math.max(0, Math.min(fp.partitionMaxBytes, remaining))
            const r = this.rm().fetchForConsumer(fp.topic, fp.partition, fp.fetchOffset, bytes === 0 ? Math.max(1, limit) : limit)
            const records = bytes === 0 || (limit > 0 && r.batches.length <= limit) ? r.batches : Buffer.alloc(0)
            out.records = records
            out.highWatermark = r.highWatermark
            out.lastStableOffset = r.highWatermark
            out.logStartOffset = r.logStartOffset
            out.currentLeader = { leaderId: this.brokerId, leaderEpoch: p.leaderEpoch }
            bytes += records.length
            remaining -= records.length
            watched.push({ p, highWatermark: r.highWatermark })
          } catch (e) {
            out.error = e instanceof KafkaError ? e : new KafkaError('UNKNOWN_SERVER_ERROR', (e as Error)?.message ?? String(e))
            if (out.error.code === 'NOT_LEADER_OR_FOLLOWER' || out.error.code === 'FENCED_LEADER_EPOCH') out.currentLeader = this.currentLeader(fp.topic, fp.partition)
            complete = true
          }
          return out
        })
        return { result, bytes, complete }
      },
      watch: (wake) => {
        const cancels = watched.map((w) => w.p.waitForHighWatermark(w.highWatermark, () => wake()))
        return () => {
          for (const c of cancels) c()
        }
      }
    })
  }

  // ---- ListOffsets and OffsetForLeaderEpoch ----------------------------------------------------

  /** See ReplicaFacade.listOffsets. */
  listOffsets(input: ListOffsetsPartitionInput): ListOffsetsPartitionResult {
    try {
      const p = this.leader(input.topic, input.partition, input.currentLeaderEpoch)
      return p.readAsLeader((log) => {
        const hw = log.highWatermark
        if (input.timestamp === EARLIEST_TIMESTAMP) return { error: null, offset: log.logStartOffset, timestamp: -1, leaderEpoch: epochAt(log, log.logStartOffset) }
        if (input.timestamp === LATEST_TIMESTAMP) return { error: null, offset: hw, timestamp: -1, leaderEpoch: log.latestEpoch ?? -1 }
        if (input.timestamp === MAX_TIMESTAMP) return maxTimestampOffset(log)
        if (input.timestamp < 0)
          throw new KafkaError('INVALID_REQUEST', `ListOffsets timestamp ${input.timestamp} is neither a timestamp (ms >= 0) nor -1 (latest), -2 (earliest) or -3 (max timestamp)`)
        const o = log.offsetForTimestamp(input.timestamp)
        if (o === null || o >= hw) return { error: null, offset: -1, timestamp: -1, leaderEpoch: -1 }
        const rec = log.readRecords(o, { maxRecords: 1, maxOffset: hw })[0]
        return rec ? { error: null, offset: rec.offset, timestamp: rec.timestamp, leaderEpoch: epochAt(log, rec.offset) } : { error: null, offset: -1, timestamp: -1, leaderEpoch: -1 }
      })
    } catch (e) {
      return { error: asKafka(e), offset: -1, timestamp: -1, leaderEpoch: -1 }
    }
  }

  /** See ReplicaFacade.lastOffsetForLeaderEpoch. */
  lastOffsetForLeaderEpoch(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch: number): EpochEndOffsetResult {
    try {
      this.registration(topic, partition)
      const r = this.rm().lastOffsetForLeaderEpoch(topic, partition, leaderEpoch, currentLeaderEpoch)
      return { error: null, leaderEpoch: r.epoch, endOffset: r.endOffset }
    } catch (e) {
      return { error: asKafka(e), leaderEpoch: -1, endOffset: -1 }
    }
  }
}

function asKafka(e: unknown): KafkaError {
  return e instanceof KafkaError ? e : new KafkaError('UNKNOWN_SERVER_ERROR', (e as Error)?.message ?? String(e))
}

/** The leader epoch that wrote `offset` (the last epoch-cache entry starting at or below it), -1 when unknown. */
function epochAt(log: ReplicaLog, offset: number): number {
  let epoch = -1
  for (const e of log.epochEntries()) {
    if (e.startOffset > offset) break
    epoch = e.epoch
  }
  return epoch
}

/** Records read per step while looking for the max timestamp within one segment. */
const MAX_TIMESTAMP_SCAN_RECORDS = 10000

/**
 * ListOffsets' max timestamp (KIP-734): the offset and timestamp of the first record with the largest
 * timestamp below the high watermark, found in the segment whose index says it holds the largest
 * timestamp (one segment read at most); -1 / -1 for an empty log.
 */
function maxTimestampOffset(log: ReplicaLog): ListOffsetsPartitionResult {
  const hw = log.highWatermark
  let best: { baseOffset: number; maxTimestamp: number } | null = null
  for (const s of log.segments()) {
    if (s.baseOffset >= hw || s.maxTimestamp === null) continue
    if (!best || s.maxTimestamp > best.maxTimestamp) best = { baseOffset: s.baseOffset, maxTimestamp: s.maxTimestamp }
  }
  if (!best) return { error: null, offset: -1, timestamp: -1, leaderEpoch: -1 }
  let found: { offset: number; timestamp: number } | null = null
  let offset = Math.max(best.baseOffset, log.logStartOffset)
  while (offset < hw) {
    const recs = log.readRecords(offset, { maxRecords: MAX_TIMESTAMP_SCAN_RECORDS, maxOffset: hw })
    if (recs.length === 0) break
    for (const r of recs) if (!found || r.timestamp > found.timestamp) found = { offset: r.offset, timestamp: r.timestamp }
    if (found && found.timestamp >= best.maxTimestamp) break
    offset = recs[recs.length - 1].offset + 1
  }
  return found ? { error: null, offset: found.offset, timestamp: found.timestamp, leaderEpoch: epochAt(log, found.offset) } : { error: null, offset: -1, timestamp: -1, leaderEpoch: -1 }
}
