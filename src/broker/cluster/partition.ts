/**
 * Partition: one topic partition's replicas on the brokers, its leader, leader epoch and ISR, and the
 * replication between them (Kafka's kafka.cluster.Partition plus the follower fetcher, folded into
 * synchronous steps on the engine's event loop).
 *
 * Replication: a live follower fetches raw record batches from the leader (readBatches) and appends
 * them as they are (appendAsFollower), keeping offsets, batches and CRCs. The leader's high watermark
 * is the minimum log end offset of the ISR. A follower that has not caught up to the leader's log end
 * offset for more than replica.lag.time.max.ms leaves the ISR (Kafka's Partition.maybeShrinkIsr); it
 * rejoins once its log end offset reaches the high watermark (maybeExpandIsr).
 *
 * Failure: when the leader stops, the first live ISR member in replica order leads (leader epoch + 1)
 * and the ISR keeps only live members (Kafka's OfflinePartitionLeaderElection); with no live ISR
 * member the partition goes offline (leader -1, ISR kept, no unclean election). A stopped follower
 * leaves the ISR at once, as the controller removes a shut-down broker (a live follower that falls
 * behind leaves by lag, above). A restarted replica truncates to its own high
 * watermark (pre-KIP-101 Kafka's rule: what lies above may have diverged) and catches up; one still
 * in the ISR keeps its log, a prefix of the leader's (only a leader holds records nobody else has,
 * and a stopped leader leaves the ISR), so its stale high watermark cannot lose acknowledged records
 * when it is elected next. At open the high watermark is recomputed from the ISR (see recoverHighWatermark).
 * Preferred leader election moves leadership back to the first replica once it is in sync.
 *
 * Must stay true: every ISR member's log end offset >= the high watermark; the high watermark never
 * decreases while a leader leads; logs are opened lazily (a replica directory exists only once its
 * log was opened), so unopened logs are empty.
 */
import { KafkaError } from '../errors'
import type { PartitionState, ReplicaState } from './cluster-api'
import type { PartitionMeta } from './cluster-metadata'
import type { ReplicaLog } from './replica-log'
import type { RecordInput } from '../storage/storage-types'

/** Bytes a follower asks for per fetch (Kafka's replica.fetch.max.bytes default). */
export const REPLICA_FETCH_MAX_BYTES = 1048576

/** What a partition needs from its cluster. */
export interface PartitionEnv {
  clock(): number
  readonly replicaLagTimeMaxMs: number
  isAlive(brokerId: number): boolean
  /** Alive, and its followers fetch (Cluster.pauseFetching turns that off). */
  isFetching(brokerId: number): boolean
  /** Open the replica's log; when `create` is false, return null unless its directory already exists. */
  openLog(brokerId: number, create: boolean): ReplicaLog | null
  /** min.insync.replicas of the topic. */
  minInsyncReplicas(): number
  /** The partition's metadata (leader, epoch, ISR) changed and must be persisted. */
  metaChanged(): void
}

interface AckWaiter {
  /** Settles once the high watermark is past this offset. */
  lastOffset: number
  settle(err: KafkaError | null): void
}

/** One partition and its replicas. Not thread-safe: the engine's event loop owns it. */
export class Partition {
  private readonly logs = new Map<number, ReplicaLog>()
  private readonly lastCaughtUpMs = new Map<number, number>()
  private waiters: AckWaiter[] = []

  constructor(
    readonly topic: string,
    readonly id: number,
    readonly meta: PartitionMeta,
    private readonly env: PartitionEnv,
    eager: boolean
  ) {
    for (const b of meta.replicas) {
      const log = env.openLog(b, eager)
      if (log) this.logs.set(b, log)
    }
    const now = env.clock()
    for (const b of meta.isr) this.lastCaughtUpMs.set(b, now)
  }

  get name(): string {
    return `${this.topic}-${this.id}`
  }

  get leader(): number {
    return this.meta.leader
  }

  /** The replica's log, opening (and creating) it when `create`. */
  log(brokerId: number, create = true): ReplicaLog | null {
    let log = this.logs.get(brokerId) ?? null
    if (!log && create) {
      log = this.env.openLog(brokerId, true)
      if (log) this.logs.set(brokerId, log)
    }
    return log
  }

  /** Every opened replica log (for sizes, config updates and closing). */
  openLogs(): ReadonlyMap<number, ReplicaLog> {
    return this.logs
  }

  private leo(brokerId: number): number {
    return this.logs.get(brokerId)?.logEndOffset ?? 0
  }

  /** The log to read from: the leader's, or when offline the opened replica reaching furthest. */
  private viewLog(): ReplicaLog | null {
    if (this.meta.leader >= 0) return this.logs.get(this.meta.leader) ?? null
    let best: ReplicaLog | null = null
    for (const log of this.logs.values()) if (!best || log.logEndOffset > best.logEndOffset) best = log
    return best
  }

  get highWatermark(): number {
    return this.viewLog()?.highWatermark ?? 0
  }
  get logStartOffset(): number {
    return this.viewLog()?.logStartOffset ?? 0
  }
  get logEndOffset(): number {
    return this.viewLog()?.logEndOffset ?? 0
  }

  /**
   * The leader's log, for reads and appends.
   * @throws KafkaError LEADER_NOT_AVAILABLE when the partition is offline.
   */
  leaderLog(): ReplicaLog {
    if (this.meta.leader < 0)
      throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${this.name} is offline: no live in-sync replica to lead it`)
    return this.log(this.meta.leader)!
  }

  /** Read-only access for views: the leader's log (or best replica when offline), null when never written. */
  readLog(): ReplicaLog | null {
    return this.viewLog()
  }

  /** Append `records` as one batch on the leader; advances the high watermark when the ISR is just the leader. */
  appendAsLeader(records: RecordInput[]): { firstOffset: number; lastOffset: number; batchBytes: number; maxTimestamp: number } {
    const res = this.leaderLog().appendAsLeader(records)
    this.maybeAdvanceHighWatermark()
    return res
  }

  /** Call `settle` once the high watermark passes `lastOffset` (acks=all), or with an error. */
  waitForHighWatermark(lastOffset: number, settle: (err: KafkaError | null) => void): () => void {
    const w: AckWaiter = { lastOffset, settle }
    this.waiters.push(w)
    this.checkWaiters()
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w)
    }
  }

  /** Fail every pending acks=all wait with `err`. */
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
    const minIsr = this.env.minInsyncReplicas()
    for (const w of done) {
      // Kafka's DelayedProduce: the offset is replicated, but the ISR shrank below min.insync.replicas.
      if (this.meta.isr.length < minIsr)
        w.settle(
          new KafkaError(
            'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
            `The size of the current ISR [${this.meta.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.name}`
          )
        )
      else w.settle(null)
    }
  }

  /** The smallest log end offset in the ISR (the leader's included); 0 when offline. */
  private isrMinLogEndOffset(): number {
    if (this.meta.leader < 0) return 0
    let min = this.leo(this.meta.leader)
    for (const b of this.meta.isr) if (b !== this.meta.leader) min = Math.min(min, this.leo(b))
    return min
  }

  /**
   * After the cluster opens: the checkpointed high watermark may trail what the ISR holds (it is
   * written every checkpoint interval, and a crash loses the rest); raise it to the ISR's minimum
   * log end offset, as the first follower fetches would.
   */
  recoverHighWatermark(): void {
    this.maybeAdvanceHighWatermark()
  }

  /** HW = min log end offset of the ISR; raised only. Settles acks=all waiters it passes. */
  maybeAdvanceHighWatermark(): void {
    if (this.meta.leader < 0) return
    const leaderLog = this.logs.get(this.meta.leader)
    if (!leaderLog) return
    const hw = this.isrMinLogEndOffset()
    if (hw > leaderLog.highWatermark) leaderLog.updateHighWatermark(hw)
    this.checkWaiters()
  }

  /**
   * Whether a replication round has work: a fetching follower behind the leader's log end offset or
   * high watermark, or fetching but outside the ISR (it may rejoin).
   */
  needsReplication(): boolean {
    if (this.meta.leader < 0) return false
    const end = this.leo(this.meta.leader)
    const hw = this.highWatermark
    // After a restart the high watermark is the checkpointed one, possibly below what the whole ISR holds.
    if (hw < this.isrMinLogEndOffset()) return true
    for (const b of this.meta.replicas) {
      if (b === this.meta.leader || !this.env.isFetching(b)) continue
      if (this.leo(b) !== end || !this.meta.isr.includes(b)) return true
      if ((this.logs.get(b)?.highWatermark ?? 0) < hw) return true
    }
    return false
  }

  /**
   * One replication round: every live follower fetches from the leader until it reaches the leader's
   * log end offset; then the ISR may expand and the high watermark advance. Returns records copied.
   */
  replicate(): number {
    if (this.meta.leader < 0) return 0
    const now = this.env.clock()
    let leaderLog = this.logs.get(this.meta.leader)
    if (!leaderLog) {
      // A lazily opened log that was never written: live followers with empty logs are in sync.
      const followers = this.meta.replicas.filter((b) => b !== this.meta.leader && this.env.isFetching(b))
      if (followers.every((b) => this.leo(b) === 0)) {
        for (const b of followers) {
          this.lastCaughtUpMs.set(b, now)
          this.maybeExpandIsr(b, 0, 0, now)
        }
        return 0
      }
      leaderLog = this.log(this.meta.leader)!
    }
    const end = leaderLog.logEndOffset
    let copied = 0
    for (const b of this.meta.replicas) {
      if (b === this.meta.leader || !this.env.isFetching(b)) continue
      if (end === 0 && !this.logs.has(b)) {
        this.lastCaughtUpMs.set(b, now)
        this.maybeExpandIsr(b, 0, 0, now)
        continue
      }
      const f = this.log(b)!
      if (f.logEndOffset > end) f.truncateTo(Math.max(end, f.logStartOffset))
      // Kafka's follower on OFFSET_OUT_OF_RANGE below the leader's log start: start over there.
      if (f.logEndOffset < leaderLog.logStartOffset) f.truncateFullyAndStartAt(leaderLog.logStartOffset)
      while (f.logEndOffset < end) {
        const batches = leaderLog.readBatches(f.logEndOffset, REPLICA_FETCH_MAX_BYTES, end)
        if (batches.length === 0) break
        copied += f.appendAsFollower(batches).records
      }
      if (f.logEndOffset >= end) this.lastCaughtUpMs.set(b, now)
      this.maybeExpandIsr(b, f.logEndOffset, leaderLog.highWatermark, now)
    }
    this.maybeAdvanceHighWatermark()
    this.propagateHighWatermark()
    return copied
  }

  /** Followers learn the leader's high watermark from the fetch response: min(leader HW, own LEO). */
  private propagateHighWatermark(): void {
    const hw = this.highWatermark
    for (const [b, f] of this.logs) {
      if (b === this.meta.leader || !this.env.isFetching(b)) continue
      const target = Math.min(hw, f.logEndOffset)
      if (target > f.highWatermark && target >= f.logStartOffset) f.updateHighWatermark(target)
    }
  }

  private maybeExpandIsr(b: number, leo: number, hw: number, now: number): void {
    if (this.meta.isr.includes(b) || leo < hw) return
    this.meta.isr = this.meta.replicas.filter((r) => r === b || this.meta.isr.includes(r))
    this.lastCaughtUpMs.set(b, now)
    this.env.metaChanged()
  }

  /**
   * Remove followers that have not caught up to the leader's log end offset within
   * replica.lag.time.max.ms (Kafka's Partition.maybeShrinkIsr / getOutOfSyncReplicas).
   * @returns the brokers removed.
   */
  maybeShrinkIsr(): number[] {
    if (this.meta.leader < 0) return []
    const now = this.env.clock()
    const end = this.leo(this.meta.leader)
    const removed: number[] = []
    for (const b of this.meta.isr) {
      if (b === this.meta.leader) continue
      if (this.env.isFetching(b) && this.leo(b) >= end) {
        this.lastCaughtUpMs.set(b, now)
        continue
      }
      const last = this.lastCaughtUpMs.get(b)
      if (last === undefined) this.lastCaughtUpMs.set(b, now)
      else if (now - last > this.env.replicaLagTimeMaxMs) removed.push(b)
    }
    this.removeFromIsr(removed)
    return removed
  }

  /** Drops `brokers` from the ISR; the high watermark may then advance (completing acks=all waits). */
  private removeFromIsr(brokers: readonly number[]): void {
    if (brokers.length === 0) return
    this.meta.isr = this.meta.isr.filter((b) => !brokers.includes(b))
    this.env.metaChanged()
    this.maybeAdvanceHighWatermark()
  }

  /**
   * Elect a leader: the first live ISR member in replica order; the ISR keeps its live members. With
   * none, the partition goes offline. Leader epoch + 1 on every change. Pending acks=all waits fail
   * with NOT_LEADER_OR_FOLLOWER, as Kafka answers them when leadership moves.
   */
  electLeader(): void {
    const candidates = this.meta.replicas.filter((b) => this.meta.isr.includes(b) && this.env.isAlive(b))
    const prev = this.meta.leader
    if (candidates.length > 0) {
      this.meta.leader = candidates[0]
      this.meta.isr = candidates
    } else {
      this.meta.leader = -1
    }
    this.env.metaChanged()
    if (this.meta.leader === prev) return
    this.meta.leaderEpoch++
    this.failWaiters(
      new KafkaError('NOT_LEADER_OR_FOLLOWER', `Leadership of partition ${this.name} moved from broker ${prev} to ${this.meta.leader}`)
    )
    if (this.meta.leader < 0) return
    const now = this.env.clock()
    const newLeaderEnd = this.leo(this.meta.leader)
    for (const b of this.meta.replicas) {
      if (b === this.meta.leader || !this.env.isAlive(b)) continue
      const f = this.logs.get(b)
      if (f && f.logEndOffset > newLeaderEnd) f.truncateTo(Math.max(newLeaderEnd, f.logStartOffset))
    }
    for (const b of this.meta.isr) this.lastCaughtUpMs.set(b, now)
    this.maybeAdvanceHighWatermark()
  }

  /**
   * Preferred leader election (kafka-leader-election --election-type PREFERRED): when the first
   * replica is live, in the ISR and not leading, it leads (leader epoch + 1). A replication round
   * runs first so the preferred replica holds everything the current leader has.
   * @returns whether leadership moved.
   */
  electPreferredLeader(): boolean {
    const preferred = this.meta.replicas[0]
    if (this.meta.leader === preferred || this.meta.leader < 0) return false
    if (!this.meta.isr.includes(preferred) || !this.env.isAlive(preferred)) return false
    this.replicate()
    if (this.leo(preferred) < this.leo(this.meta.leader)) return false
    const prev = this.meta.leader
    this.meta.leader = preferred
    this.meta.leaderEpoch++
    this.env.metaChanged()
    this.failWaiters(new KafkaError('NOT_LEADER_OR_FOLLOWER', `Leadership of partition ${this.name} moved from broker ${prev} to ${preferred}`))
    const now = this.env.clock()
    for (const b of this.meta.isr) this.lastCaughtUpMs.set(b, now)
    this.maybeAdvanceHighWatermark()
    return true
  }

  /**
   * Broker `b` stopped, as in a controlled shutdown: when it led, another ISR member leads; when it
   * followed, it leaves the ISR at once, unless it is the last member (Kafka's controller removes a
   * shut-down or fenced broker from every ISR; the last member stays so the partition can come back
   * without an unclean election). The high watermark may then advance, completing acks=all waits.
   */
  onBrokerStopped(b: number): void {
    if (this.meta.leader === b) {
      this.electLeader()
      return
    }
    if (this.meta.isr.includes(b) && this.meta.isr.length > 1) this.removeFromIsr([b])
  }

  /**
   * Broker `b` started: an offline partition whose ISR holds `b` gets it as leader; otherwise its
   * replica, when outside the ISR, truncates to its own high watermark (everything above may have
   * diverged from the current leader, e.g. records it led but never replicated); an ISR member
   * keeps its log (a prefix of the leader's). Then it catches up through replication.
   */
  onBrokerStarted(b: number): void {
    if (!this.meta.replicas.includes(b)) return
    if (this.meta.leader < 0 && this.meta.isr.includes(b)) {
      this.electLeader()
      return
    }
    if (b === this.meta.leader) return
    const f = this.logs.get(b)
    const inIsr = this.meta.isr.includes(b)
    // Only a replica outside the ISR can hold records that diverge from the leader's (records it led
    // and never replicated: a stopped leader leaves the ISR). An ISR member's log is a prefix of the
    // leader's, possibly holding committed records above its own high watermark, which a follower
    // learns one fetch late (and after a crash only from a checkpoint): truncating it there would
    // lose acknowledged records once it is elected (the hole of pre-KIP-101 Kafka).
    if (f && !inIsr && f.logEndOffset > f.highWatermark) f.truncateTo(Math.max(f.highWatermark, f.logStartOffset))
    if (inIsr) this.lastCaughtUpMs.set(b, this.env.clock())
  }

  /** The partition as the API describes it. */
  state(): PartitionState {
    const view = this.viewLog()
    const replicaStates: ReplicaState[] = this.meta.replicas.map((b) => ({
      brokerId: b,
      logEndOffset: this.leo(b),
      inSync: this.meta.isr.includes(b),
      offline: !this.env.isAlive(b)
    }))
    return {
      topic: this.topic,
      partition: this.id,
      leader: this.meta.leader,
      leaderEpoch: this.meta.leaderEpoch,
      replicas: [...this.meta.replicas],
      isr: [...this.meta.isr],
      logStartOffset: view?.logStartOffset ?? 0,
      logEndOffset: view?.logEndOffset ?? 0,
      highWatermark: view?.highWatermark ?? 0,
      sizeBytes: view?.sizeInBytes ?? 0,
      replicaStates
    }
  }

  /** Forget the replica logs (their store closes or deletes them). */
  detach(): void {
    this.logs.clear()
  }
}
