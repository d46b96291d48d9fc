/**
 * Partition: one broker's replica of a topic partition (Kafka's kafka.cluster.Partition). Every
 * broker hosting a replica has its own Partition; it applies the controller's decisions
 * (`applyRegistration`: make leader / make follower), owns the broker's local log of the partition
 * (opened lazily, taken offline on a storage error and retried), and:
 * - as leader: appends producer records, answers consumer reads up to the high watermark and
 *   follower fetches up to the log end offset, learns each follower's log end offset from its
 *   fetches (Kafka's updateFollowerFetchState), raises the high watermark to the smallest log end
 *   offset of the ISR, completes acks=all waits, and asks the controller to expand or shrink the
 *   ISR (Kafka's AlterPartition) when a follower caught up or has lagged more than
 *   replica.lag.time.max.ms (Kafka's Replica.isCaughtUp: at the leader's log end, or caught up
 *   within the lag time; a fetch catches up when it reaches the leader's log end offset as of that
 *   fetch or of the follower's previous one, Replica.updateFetchStateOrThrow); raises its log
 *   start offset for DeleteRecords (at most to the high watermark, Kafka's deleteRecordsOnLeader);
 * - as follower: appends what its fetcher copies from the leader, batches as they are, and learns
 *   the high watermark and the log start offset from the leader's answers.
 *
 * Trust: a corrupt batch met while the leader reads is reported to the controller, which moves
 * leadership to an intact in-sync replica (see Controller); a storage failure (a full disk, EIO)
 * takes this replica offline (the controller removes it from the ISR and elects another leader) and
 * its log is tried again every offlineRetryMs; when it opens, the replica rejoins as a follower.
 *
 * Must stay true: only the leader appends as leader or answers reads; the high watermark never
 * decreases while a leader leads and never passes a follower's known log end offset while it is in
 * the ISR; the log start offset only rises, on the leader never above the high watermark; every
 * pending acks=all wait settles (passed, NOT_LEADER_OR_FOLLOWER when leadership
 * moves, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas); an offline
 * replica has no log open. Not thread-safe: the engine's event loop owns it.
 */
import { KafkaError, StorageError } from '../model/errors'
import { formatCount } from '../model/format-count'
import type { ClusterEventInput } from './cluster-events'
import type { PartitionMeta } from './cluster-metadata'
import type { ReplicaLog } from './replica-log'
import type { RecordInput } from '../storage/storage-types'
import type { LogAppendInfo } from '../storage/unified-log'
import type { EpochEndOffset } from '../storage/leader-epoch-file-cache'

/** Bytes a follower asks for per fetch (Kafka's replica.fetch.max.bytes default). */
export const REPLICA_FETCH_MAX_BYTES = 1048576

/** A partition's registration as the controller publishes it (Kafka's PartitionRegistration). */
export type PartitionRegistration = PartitionMeta

/** What a broker's Partition needs from its broker and the controller. */
export interface PartitionEnv {
  clock(): number
  readonly replicaLagTimeMaxMs: number
  /** How often (ms) an offline replica's log is tried again. */
  readonly offlineRetryMs: number
  /**
   * Opens this replica's log; when `create` is false, null unless its directory exists. `recover`:
   * reopen an offline log with full recovery (see ReplicaLogStore.open). Throws on storage failure.
   */
  openLog(create: boolean, recover?: boolean): ReplicaLog | null
  /** The log failed with `error`: the store forgets it (the next openLog reopens it from disk). */
  logFailed(error: KafkaError): void
  /** min.insync.replicas of the topic. */
  minInsyncReplicas(): number
  /** Reports what happened (kept in the cluster's event log). */
  event(e: ClusterEventInput): void
  /** AlterPartition: the leader asks the controller to set the ISR to `isr` (`why` in words). */
  alterIsr(isr: number[], why: string): void
  /** This replica's log went offline (a storage error): the controller removes it from the ISR, elects. */
  replicaOffline(error: KafkaError): void
  /** This replica's log opened again after being offline (`repaired`: it was cut at a corruption). */
  replicaOnline(repaired: boolean): void
  /** The leader met a corrupt batch in its log: the controller may move leadership (returns whether it did). */
  leaderCorrupt(error: StorageError): boolean
}

/** Why a replica is unusable on its broker (Kafka's offline replica). */
export interface OfflineReplica {
  /** KAFKA_STORAGE_ERROR naming the file. */
  error: KafkaError
  /** When it went offline and when its log was last tried (ms, the cluster's clock). */
  sinceMs: number
  lastAttemptMs: number
}

/** What the leader knows of a follower from its fetches (Kafka's Replica.ReplicaState). */
interface RemoteReplicaState {
  /** The follower's log end offset as its last fetch said; -1 before its first fetch since this leadership. */
  logEndOffset: number
  /**
   * When the follower was last caught up (ms, Kafka's lastCaughtUpTimeMs): its fetch reached the
   * leader's log end offset as of that fetch, or as of the fetch before it (see
   * Partition.updateFollowerFetchState).
   */
  lastCaughtUpMs: number
  /** The leader's log end offset when the follower last fetched; -1 before its first fetch (Kafka's lastFetchLeaderLogEndOffset). */
  lastFetchLeaderLogEndOffset: number
  /** When the follower last fetched (ms); 0 before its first fetch (Kafka's lastFetchTimeMs). */
  lastFetchTimeMs: number
}

/** A follower's state before its first fetch of this leadership, counted as caught up at `now` (ms). */
function freshRemoteState(now: number): RemoteReplicaState {
  return { logEndOffset: -1, lastCaughtUpMs: now, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 }
}

interface AckWaiter {
  /** Settles once the high watermark is past this offset. */
  lastOffset: number
  settle(err: KafkaError | null): void
  /** Told while it waits that a follower fetched or the ISR changed (the produce purgatory's wait report). */
  progress?: () => void
}

/** What a leader's read returns to a fetcher or consumer (Kafka's FetchPartitionData, bytes-first). */
export interface FetchResult {
  /** Whole record batches as stored (possibly empty). */
  batches: Buffer
  highWatermark: number
  logStartOffset: number
  logEndOffset: number
}

/** A storage-layer failure of a replica's log (not a bad request): Kafka marks its log dir offline. */
export function isStorageFailure(e: unknown): boolean {
  if (e instanceof KafkaError) return e.code === 'KAFKA_STORAGE_ERROR'
  const code = (e as NodeJS.ErrnoException | null)?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code)
}

/** A corrupt record batch found while reading a log. */
export function isCorruption(e: unknown): e is StorageError {
  return e instanceof StorageError && e.code === 'CORRUPT_MESSAGE'
}

/** Anything a storage failure throws, as a KafkaError. */
export function asKafkaError(e: unknown): KafkaError {
  if (e instanceof KafkaError) return e
  return new KafkaError('KAFKA_STORAGE_ERROR', (e as Error)?.message ?? String(e))
}

/** One broker's replica of one partition. */
export class Partition {
  private logRef: ReplicaLog | null = null
  private offlineState: OfflineReplica | null = null
  private reg: PartitionRegistration
  private readonly remote = new Map<number, RemoteReplicaState>()
  private waiters: AckWaiter[] = []
  /**
   * Set when this replica became a follower: before fetching, its fetcher reconciles the log with
   * the leader's (truncation), then clears it.
   */
  needsReconciliation = true

  /**
   * @param eager open (create) the log now; otherwise only an existing one (internal topics' logs
   *   are created on first write).
   */
  constructor(
    readonly topic: string,
    readonly id: number,
    readonly brokerId: number,
    registration: PartitionRegistration,
    private readonly env: PartitionEnv,
    eager: boolean
  ) {
    this.reg = copyRegistration(registration)
    this.tryOpen(eager)
    if (this.reg.leader === brokerId) this.becomeLeader(env.clock())
  }

  get name(): string {
    return `${this.topic}-${this.id}`
  }

  /** The registration last applied (a copy). */
  get registration(): PartitionRegistration {
    return copyRegistration(this.reg)
  }

  get isLeader(): boolean {
    return this.reg.leader === this.brokerId && this.offlineState === null
  }

  get leaderEpoch(): number {
    return this.reg.leaderEpoch
  }

  /** The local log, when open (no directory is created). */
  get log(): ReplicaLog | null {
    return this.logRef
  }

  /** Why this replica is offline, or null. */
  get offline(): OfflineReplica | null {
    return this.offlineState
  }

  get logEndOffset(): number {
    return this.logRef?.logEndOffset ?? 0
  }
  get logStartOffset(): number {
    return this.logRef?.logStartOffset ?? 0
  }
  get highWatermark(): number {
    return this.logRef?.highWatermark ?? 0
  }

  private tryOpen(create: boolean, recover = false): ReplicaLog | null {
    if (this.logRef) return this.logRef
    try {
      this.logRef = this.env.openLog(create, recover)
      return this.logRef
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      this.markOffline(asKafkaError(e), 'its log could not be opened', false)
      return null
    }
  }

  /** The local log, opening (creating) it when missing; null when offline. */
  localLog(): ReplicaLog | null {
    if (this.offlineState) return null
    return this.tryOpen(true)
  }

  // ---- the controller's decisions --------------------------------------------------------------

  /**
   * Applies the controller's registration (Kafka's makeLeader / makeFollower, and ISR updates):
   * becoming leader (or a new leader epoch) resets what it knows of the followers; becoming a
   * follower fails pending acks=all waits with NOT_LEADER_OR_FOLLOWER and marks the log for
   * reconciliation with the new leader; an ISR change may advance the high watermark.
   */
  applyRegistration(registration: PartitionRegistration): void {
    const prev = this.reg
    this.reg = copyRegistration(registration)
    const now = this.env.clock()
    const leaderNow = registration.leader === this.brokerId
    const wasLeader = prev.leader === this.brokerId
    if (leaderNow && (!wasLeader || prev.leaderEpoch !== registration.leaderEpoch)) {
      if (wasLeader) this.failWaiters(this.movedError(prev.leader))
      this.becomeLeader(now)
      return
    }
    if (!leaderNow) {
      if (wasLeader || prev.leaderEpoch !== registration.leaderEpoch) this.becomeFollower(prev.leader)
      return
    }
    // Same leader and epoch: the ISR changed.
    for (const b of registration.isr) if (!prev.isr.includes(b)) this.remoteState(b).lastCaughtUpMs = now
    this.maybeIncrementHighWatermark()
  }

  private becomeLeader(now: number): void {
    const log = this.logRef
    if (log && !this.offlineState) {
      try {
        log.assignEpochStartOffset(this.reg.leaderEpoch, log.logEndOffset)
      } catch (e) {
        if (!isStorageFailure(e)) throw e
        this.markOffline(asKafkaError(e), 'writing its leader-epoch checkpoint failed', false)
      }
    }
    this.remote.clear()
    for (const b of this.reg.replicas) if (b !== this.brokerId) this.remote.set(b, freshRemoteState(now))
    this.needsReconciliation = false
    this.maybeIncrementHighWatermark()
  }

  private becomeFollower(prevLeader: number): void {
    this.failWaiters(this.movedError(prevLeader))
    this.remote.clear()
    this.needsReconciliation = true
  }

  private movedError(prevLeader: number): KafkaError {
    return new KafkaError('NOT_LEADER_OR_FOLLOWER', `Leadership of partition ${this.name} moved from broker ${prevLeader} to ${this.reg.leader}`)
  }

  private remoteState(b: number): RemoteReplicaState {
    let s = this.remote.get(b)
    if (!s) this.remote.set(b, (s = freshRemoteState(this.env.clock())))
    return s
  }

  /**
   * Seeds what the leader knows of follower `b`'s log end offset (at open: the brokers share one
   * process, so the controller tells a leader where its followers' logs end, as their first fetch
   * would).
   */
  seedFollowerEndOffset(b: number, logEndOffset: number): void {
    if (!this.isLeader || b === this.brokerId) return
    this.remoteState(b).logEndOffset = logEndOffset
  }

  // ---- leader: appends and reads ---------------------------------------------------------------

  private checkLeader(): ReplicaLog {
    if (!this.isLeader)
      throw new KafkaError(
        'NOT_LEADER_OR_FOLLOWER',
        `Broker ${this.brokerId} is not the leader of ${this.name}${this.reg.leader >= 0 ? ` (broker ${this.reg.leader} is)` : ' (it has no leader)'}`
      )
    const log = this.localLog()
    if (!log) throw new KafkaError('KAFKA_STORAGE_ERROR', `The log of ${this.name} on broker ${this.brokerId} is offline: ${this.offlineState?.error.message}`)
    return log
  }

  /**
   * Appends `input` with this leader's epoch (Kafka's appendRecordsToLeader): record batches v2 as a
   * producer sends them (validated by the log's LogValidator, offsets and epoch stamped, stored as
   * sent), or records encoded as one batch; the high watermark advances when the ISR is only the leader.
   * @throws KafkaError NOT_LEADER_OR_FOLLOWER when this broker does not lead; KAFKA_STORAGE_ERROR
   *   when the log cannot be written (the replica goes offline and the controller elects another
   *   leader, so a retry may succeed).
   */
  appendRecordsAsLeader(input: Buffer | RecordInput[]): LogAppendInfo {
    const log = this.checkLeader()
    let res: LogAppendInfo
    try {
      res = Buffer.isBuffer(input) ? log.appendAsLeader(input, this.reg.leaderEpoch) : log.appendAsLeader(input, this.reg.leaderEpoch)
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      const err = asKafkaError(e)
      this.markOffline(err, 'appending to its log failed', true)
      throw new KafkaError('KAFKA_STORAGE_ERROR', `The leader of ${this.name} (broker ${this.brokerId}) could not write the records: ${err.message}`)
    }
    this.maybeIncrementHighWatermark()
    return res
  }

  /**
   * Runs `read` on the leader's log. A corrupt batch is reported to the controller: when it moved
   * leadership, NOT_LEADER_OR_FOLLOWER is thrown (the reader follows the new leader); otherwise the
   * CORRUPT_MESSAGE StorageError naming the file and position.
   */
  readAsLeader<T>(read: (log: ReplicaLog) => T): T {
    const log = this.checkLeader()
    try {
      return read(log)
    } catch (e) {
      if (isCorruption(e)) {
        if (this.env.leaderCorrupt(e))
          throw new KafkaError('NOT_LEADER_OR_FOLLOWER', `${this.name} on broker ${this.brokerId} has a corrupt batch; broker ${this.reg.leader} leads now: ${e.message}`)
        throw e
      }
      if (isStorageFailure(e)) this.markOffline(asKafkaError(e), 'reading its log failed', true)
      throw e
    }
  }

  /**
   * DeleteRecords on the leader (Kafka's Partition.deleteRecordsOnLeader): raises the leader log's
   * start offset to `offset` (-1: the high watermark), deleting the segments wholly below it;
   * followers follow through their next fetch's log start offset.
   * @returns the leader's log start offset afterwards.
   * @throws KafkaError NOT_LEADER_OR_FOLLOWER; OFFSET_OUT_OF_RANGE for an offset below -1 or above
   *   the high watermark (Kafka's message); KAFKA_STORAGE_ERROR (the log is offline).
   */
  deleteRecordsOnLeader(offset: number): number {
    const log = this.checkLeader()
    const target = offset === -1 ? log.highWatermark : offset
    if (!Number.isSafeInteger(target) || target < 0)
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Cannot delete records of ${this.name} before offset ${offset}: an offset is -1 (the high watermark) or at least 0`)
    if (target > log.highWatermark)
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot increment the log start offset to ${target} of partition ${this.name} since it is larger than the high watermark ${log.highWatermark}`
      )
    try {
      log.maybeIncrementLogStartOffset(target)
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      const err = asKafkaError(e)
      this.markOffline(err, 'raising its log start offset failed', true)
      throw err
    }
    return log.logStartOffset
  }

  /**
   * The leader's answer to OffsetsForLeaderEpoch (Kafka's Partition.lastOffsetForLeaderEpoch): the
   * largest epoch <= `leaderEpoch` in this leader's leader-epoch cache and the offset (exclusive)
   * where it ended, or the log end offset when it is the current one; (-1, -1) when unknown. A
   * follower truncates to it before fetching (KIP-101, KIP-279).
   * @param currentLeaderEpoch the epoch the asking replica knows, checked as Kafka does; -1 skips.
   * @throws KafkaError NOT_LEADER_OR_FOLLOWER; FENCED_LEADER_EPOCH (the asker's epoch is older) or
   *   UNKNOWN_LEADER_EPOCH (newer than this leader's); KAFKA_STORAGE_ERROR (the log is offline).
   */
  lastOffsetForLeaderEpoch(leaderEpoch: number, currentLeaderEpoch = -1): EpochEndOffset {
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch !== this.reg.leaderEpoch)
      throw new KafkaError(
        currentLeaderEpoch < this.reg.leaderEpoch ? 'FENCED_LEADER_EPOCH' : 'UNKNOWN_LEADER_EPOCH',
        `${this.name}: the request's leader epoch ${currentLeaderEpoch} is not the current one, ${this.reg.leaderEpoch}`
      )
    return this.readAsLeader((log) => log.endOffsetForEpoch(leaderEpoch))
  }

  /**
   * A follower's fetch (Kafka's fetch with a replica id): raw batches from `fetchOffset` (the
   * follower's log end offset) up to `maxBytes`, below the log end offset; records what the leader
   * learns of the follower (its log end offset, whether it caught up), which may expand the ISR
   * and advance the high watermark.
   * @throws KafkaError NOT_LEADER_OR_FOLLOWER; OFFSET_OUT_OF_RANGE when `fetchOffset` is outside the
   *   leader's log (above its end: the follower holds records the leader does not).
   */
  fetchForFollower(replicaId: number, fetchOffset: number, maxBytes: number): FetchResult {
    const log = this.checkLeader()
    if (fetchOffset > log.logEndOffset || fetchOffset < log.logStartOffset)
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Fetch offset ${fetchOffset} of broker ${replicaId} is out of range for ${this.name}: log start offset ${log.logStartOffset}, log end offset ${log.logEndOffset}`
      )
    const batches = fetchOffset === log.logEndOffset ? Buffer.alloc(0) : this.readAsLeader((l) => l.readBatches(fetchOffset, maxBytes, l.logEndOffset))
    this.updateFollowerFetchState(replicaId, fetchOffset)
    return { batches, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset }
  }

  /**
   * What the leader learns from a follower's fetch at `followerEnd` (an offset; Kafka's
   * Partition.updateFollowerFetchState and Replica.updateFetchStateOrThrow, kafka/cluster/Replica.scala):
   * its log end offset, and when it was last caught up (ms, the cluster's clock):
   * - it reached the leader's log end offset as of this fetch: lastCaughtUpMs = max(it, now);
   * - else it reached the leader's log end offset as of its previous fetch
   *   (lastFetchLeaderLogEndOffset): lastCaughtUpMs = max(it, that fetch's time), so a follower that
   *   keeps fetching under steady produce, always one append behind, stays caught up;
   * - else lastCaughtUpMs stays;
   * then this fetch's leader log end offset (the largest seen) and time are remembered.
   * A follower outside the ISR that reached the high watermark rejoins (maybeExpandIsr).
   */
  updateFollowerFetchState(b: number, followerEnd: number): void {
    if (!this.isLeader || b === this.brokerId) return
    const s = this.remoteState(b)
    const now = this.env.clock()
    const leaderEndOffset = this.logEndOffset
    s.logEndOffset = followerEnd
    if (followerEnd >= leaderEndOffset) s.lastCaughtUpMs = Math.max(s.lastCaughtUpMs, now)
    else if (followerEnd >= s.lastFetchLeaderLogEndOffset) s.lastCaughtUpMs = Math.max(s.lastCaughtUpMs, s.lastFetchTimeMs)
    s.lastFetchLeaderLogEndOffset = Math.max(s.lastFetchLeaderLogEndOffset, leaderEndOffset)
    s.lastFetchTimeMs = now
    if (!this.reg.isr.includes(b) && followerEnd >= this.highWatermark) {
      this.env.alterIsr(
        this.reg.replicas.filter((r) => r === b || this.reg.isr.includes(r)),
        `broker ${b} caught up to the high watermark ${formatCount(this.highWatermark)}`
      )
    }
    this.maybeIncrementHighWatermark()
  }

  /**
   * When follower `b` was last caught up with this leader (ms, the cluster's clock): its fetch reached
   * the leader's log end offset (as of that fetch or the one before it, see
   * updateFollowerFetchState), or it (re)joined the ISR, or this leadership began (Kafka's
   * Replica.lastCaughtUpTimeMs, which replica.lag.time.max.ms is measured against). Null when this
   * replica does not lead, or for the leader itself.
   */
  lastCaughtUpMs(b: number): number | null {
    if (!this.isLeader || b === this.brokerId) return null
    return this.remote.get(b)?.lastCaughtUpMs ?? null
  }

  /** The log end offset the leader knows for replica `b` (its own for itself; -1 when unknown). */
  knownEndOffset(b: number): number {
    if (b === this.brokerId) return this.logEndOffset
    return this.remote.get(b)?.logEndOffset ?? -1
  }

  /**
   * HW = the smallest log end offset of the ISR (the leader's own included); raised only, and only
   * when every ISR follower's log end offset is known. Settles acks=all waits it passes.
   */
  maybeIncrementHighWatermark(): void {
    if (!this.isLeader) return
    const log = this.logRef
    if (!log) {
      this.checkWaiters()
      return
    }
    let hw = log.logEndOffset
    for (const b of this.reg.isr) {
      if (b === this.brokerId) continue
      const leo = this.remote.get(b)?.logEndOffset ?? -1
      if (leo < 0) {
        hw = -1
        break
      }
      hw = Math.min(hw, leo)
    }
    if (hw > log.highWatermark && hw >= log.logStartOffset) log.updateHighWatermark(hw)
    this.checkWaiters()
  }

  /**
   * Followers in the ISR that are out of sync (Kafka's getOutOfSyncReplicas): not at the leader's
   * log end offset and not caught up within replica.lag.time.max.ms; the leader asks the controller
   * to remove them. @returns the brokers it asked to remove.
   */
  maybeShrinkIsr(): number[] {
    if (!this.isLeader) return []
    const now = this.env.clock()
    const end = this.logEndOffset
    const out: number[] = []
    for (const b of this.reg.isr) {
      if (b === this.brokerId) continue
      const s = this.remoteState(b)
      if (s.logEndOffset === end) continue
      if (now - s.lastCaughtUpMs > this.env.replicaLagTimeMaxMs) out.push(b)
    }
    if (out.length > 0)
      this.env.alterIsr(
        this.reg.isr.filter((b) => !out.includes(b)),
        `broker${out.length > 1 ? 's' : ''} ${out.join(', ')} did not catch up to the leader's log end offset ${formatCount(end)} within replica.lag.time.max.ms (${formatCount(this.env.replicaLagTimeMaxMs)} ms)`
      )
    return out
  }

  // ---- acks=all waits --------------------------------------------------------------------------

  /**
   * Calls `settle` once the high watermark passes `lastOffset` (acks=all), or with an error;
   * `progress` each time it is checked while still waiting (see AckWaiter).
   */
  waitForHighWatermark(lastOffset: number, settle: (err: KafkaError | null) => void, progress?: () => void): () => void {
    const w: AckWaiter = { lastOffset, settle, progress }
    this.waiters.push(w)
    this.checkWaiters()
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w)
    }
  }

  /** Fails every pending acks=all wait with `err`. */
  failWaiters(err: KafkaError): void {
    const ws = this.waiters
    this.waiters = []
    for (const w of ws) w.settle(err)
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return
    const hw = this.highWatermark
    const keep: AckWaiter[] = []
    const done: AckWaiter[] = []
    for (const w of this.waiters) (hw > w.lastOffset ? done : keep).push(w)
    this.waiters = keep
    for (const w of keep) w.progress?.()
    const minIsr = this.env.minInsyncReplicas()
    for (const w of done) {
      // Kafka's DelayedProduce: the offset is replicated, but the ISR shrank below min.insync.replicas.
      if (this.reg.isr.length < minIsr)
        w.settle(
          new KafkaError(
            'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
            `The size of the current ISR [${this.reg.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.name}`
          )
        )
      else w.settle(null)
    }
  }

  // ---- follower --------------------------------------------------------------------------------

  /**
   * Appends batches copied from the leader, as they are (Kafka's appendRecordsToFollowerOrFutureReplica).
   * `opts.crcVerified`: as ReplicaLog.appendAsFollower (the bytes are the leader's verified read).
   * @throws KafkaError KAFKA_STORAGE_ERROR when the log cannot be written (the replica goes offline).
   */
  appendAsFollower(batches: Buffer, opts?: { crcVerified?: boolean }): number {
    const log = this.localLog()
    if (!log) throw new KafkaError('KAFKA_STORAGE_ERROR', `The log of ${this.name} on broker ${this.brokerId} is offline`)
    try {
      return log.appendAsFollower(batches, opts).records
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      const err = asKafkaError(e)
      this.markOffline(err, 'writing to its log failed', true)
      throw err
    }
  }

  /**
   * Learns the leader's high watermark from a fetch answer: min(leader HW, own log end offset).
   * Ignored until this follower has reconciled its log with the leader's (needsReconciliation):
   * before it truncated by leader epoch, its log may hold records the leader does not (ones it led
   * and never replicated), and a high watermark over them would make them look acknowledged (and
   * refuse the truncation). Kafka's follower fetches, and so learns the high watermark, only after
   * truncating.
   */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    const log = this.logRef
    if (!log || this.isLeader || this.needsReconciliation) return
    const target = Math.min(leaderHighWatermark, log.logEndOffset)
    if (target > log.highWatermark && target >= log.logStartOffset) log.updateHighWatermark(target)
  }

  /**
   * Truncates the follower's log to `offset` (it holds records the leader does not), unless that
   * cuts below its own high watermark: then the leader lacks records this replica knows were
   * acknowledged, so it keeps its log and says so (returns false). `afterUnclean`: the leader was
   * elected uncleanly after this log's last epoch (registration.uncleanEpoch), so it truncates below
   * its high watermark too (the high watermark follows; the cut records were reported lost).
   * An `offset` at or past the log end cuts no record, but leader-epoch entries starting at the log
   * end go (an epoch this replica began as leader and wrote nothing in), as Kafka's
   * UnifiedLog.truncateTo does.
   * @throws KafkaError KAFKA_STORAGE_ERROR when truncating fails (the replica goes offline).
   */
  truncateTo(offset: number, afterUnclean = false): boolean {
    const log = this.logRef
    if (!log) return true
    if (offset >= log.logEndOffset) {
      log.truncateTo(log.logEndOffset)
      return true
    }
    if (offset < log.highWatermark && !afterUnclean) return false
    const belowHw = offset < log.highWatermark
    const before = log.logEndOffset
    try {
      log.truncateTo(Math.max(offset, log.logStartOffset))
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      this.markOffline(asKafkaError(e), 'truncating its log failed', true)
      throw e
    }
    if (log.logEndOffset < before)
      this.env.event({
        kind: 'log-truncated',
        severity: 'info',
        topic: this.topic,
        partition: this.id,
        brokerId: this.brokerId,
        fromOffset: log.logEndOffset,
        toOffset: before,
        count: before - log.logEndOffset,
        message: belowHw
          ? `The log of ${this.name} on broker ${this.brokerId} was truncated to offset ${formatCount(log.logEndOffset)} after an unclean leader election: offsets ${formatCount(log.logEndOffset)} to ${formatCount(before - 1)} are not in the new leader's log`
          : `The log of ${this.name} on broker ${this.brokerId} was truncated to offset ${formatCount(log.logEndOffset)}: offsets ${formatCount(log.logEndOffset)} to ${formatCount(before - 1)} were not in the leader's log (never acknowledged)`
      })
    return true
  }

  /**
   * A follower learns its leader's log start offset from a fetch answer (Kafka's follower fetcher:
   * maybeIncrementLogStartOffset(leaderLogStartOffset, LeaderOffsetIncremented)): its own rises to
   * min(leader's, own log end offset), so records deleted on the leader go on every replica.
   * @throws KafkaError KAFKA_STORAGE_ERROR when the log cannot be changed (the replica goes offline).
   */
  updateFollowerLogStartOffset(leaderLogStartOffset: number): void {
    const log = this.logRef
    if (!log || this.isLeader) return
    const target = Math.min(leaderLogStartOffset, log.logEndOffset)
    if (target <= log.logStartOffset) return
    try {
      log.maybeIncrementLogStartOffset(target)
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      this.markOffline(asKafkaError(e), 'raising its log start offset failed', true)
      throw e
    }
  }

  /** Deletes the follower's log and restarts it empty at `offset` (a follower behind the leader's log start). */
  truncateFullyAndStartAt(offset: number): void {
    this.localLog()?.truncateFullyAndStartAt(offset)
  }

  /**
   * Cuts this replica's log at its first invalid batch, re-validating from the segment holding
   * `fromOffset` on (after a corrupt batch was found); it then refetches the rest as a follower.
   * @returns the log end offset afterwards.
   */
  repairFrom(fromOffset: number): number {
    const log = this.logRef
    if (!log) return 0
    try {
      return log.recoverFrom(Math.max(fromOffset, log.logStartOffset))
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      this.markOffline(asKafkaError(e), 'repairing its log failed', true)
      return 0
    }
  }

  // ---- offline ---------------------------------------------------------------------------------

  /**
   * Takes this replica offline after a storage failure (Kafka marks the log dir offline): its log is
   * handed back to the store, pending waits fail, and the controller is told (it removes the replica
   * from the ISR and moves leadership) when `tellController`. No-op when already offline.
   */
  markOffline(error: KafkaError, what: string, tellController: boolean): void {
    if (this.offlineState) return
    const now = this.env.clock()
    this.offlineState = { error, sinceMs: now, lastAttemptMs: now }
    this.logRef = null
    this.env.logFailed(error)
    this.failWaiters(new KafkaError('KAFKA_STORAGE_ERROR', `The log of ${this.name} on broker ${this.brokerId} went offline: ${error.message}`))
    this.env.event({
      kind: 'replica-offline',
      severity: 'warning',
      topic: this.topic,
      partition: this.id,
      brokerId: this.brokerId,
      message: `The replica of ${this.name} on broker ${this.brokerId} is offline: ${what}: ${error.message}. It is tried again every ${formatCount(Math.round(this.env.offlineRetryMs / 1000))} s`
    })
    if (tellController) this.env.replicaOffline(error)
  }

  /** A log found corrupt as it opened: it may be cut at its first invalid batch if others can refill it. */
  get corruptAtOpen(): boolean {
    return this.offlineState !== null && /corrupt log data/.test(this.offlineState.error.message)
  }

  /**
   * Tries the log of an offline replica again (at most every offlineRetryMs unless `force`); one
   * that opens is online again and the controller is told. `recover`: cut it at its first invalid
   * batch while opening (a log found corrupt, refillable from intact replicas).
   * @returns whether it came back.
   */
  retryOffline(now: number, opts: { force?: boolean; recover?: boolean } = {}): boolean {
    const o = this.offlineState
    if (!o) return false
    if (!opts.force && now - o.lastAttemptMs < this.env.offlineRetryMs) return false
    o.lastAttemptMs = now
    let log: ReplicaLog | null
    try {
      log = this.env.openLog(true, opts.recover === true)
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      o.error = asKafkaError(e)
      return false
    }
    if (!log) return false
    this.offlineState = null
    this.logRef = log
    this.needsReconciliation = true
    this.env.event({
      kind: 'replica-online',
      severity: 'info',
      topic: this.topic,
      partition: this.id,
      brokerId: this.brokerId,
      message: opts.recover
        ? `The damaged log of ${this.name} on broker ${this.brokerId} was cut at its first invalid batch (log end offset ${formatCount(log.logEndOffset)}); it refetches the rest from the leader`
        : `The replica of ${this.name} on broker ${this.brokerId} is online again (log end offset ${formatCount(log.logEndOffset)}); it catches up from the leader`
    })
    this.env.replicaOnline(opts.recover === true)
    return true
  }

  /** Forgets the local log (its store closes or deletes it). */
  detach(): void {
    this.logRef = null
  }
}

function copyRegistration(r: PartitionRegistration): PartitionRegistration {
  return { replicas: [...r.replicas], leader: r.leader, leaderEpoch: r.leaderEpoch, isr: [...r.isr], ...(r.uncleanEpoch !== undefined ? { uncleanEpoch: r.uncleanEpoch } : {}) }
}
