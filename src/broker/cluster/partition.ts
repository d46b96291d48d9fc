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
 *
 * Trust (what a damaged replica may not do): a replica whose log is unusable on its broker (a
 * storage error opening or writing it: Kafka's offline replica) leaves the ISR, cannot lead, and is
 * retried every `offlineRetryMs` until its log opens again (then it catches up like a restarted
 * broker). A replica whose log ends below the partition's acknowledged offsets (the highest high
 * watermark any replica recorded, or what another ISR member holds) is damaged: it never stays
 * leader while a more complete ISR member exists, never makes the others truncate below the high
 * watermark, and leaves the ISR until it has caught up. A corrupt batch met while reading the
 * leader moves leadership to the most complete other ISR member and repairs the damaged log (cut at
 * its first invalid batch, then refetched from the new leader). Every such step is reported as a
 * cluster event (./cluster-events.ts).
 */
import { KafkaError, StorageError } from '../errors'
import type { PartitionState, ReplicaState } from './cluster-api'
import type { ClusterEventInput } from './cluster-events'
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
  /**
   * Open the replica's log; when `create` is false, return null unless its directory already
   * exists. `recover`: reopen an offline log with full recovery (see ReplicaLogStore.open).
   */
  openLog(brokerId: number, create: boolean, recover?: boolean): ReplicaLog | null
  /** min.insync.replicas of the topic. */
  minInsyncReplicas(): number
  /** The partition's metadata (leader, epoch, ISR) changed and must be persisted. */
  metaChanged(): void
  /**
   * A replica's log failed with a storage error (or was found corrupt beyond repair): the store
   * closes and forgets it, so that the next openLog reopens it from disk.
   */
  logFailed(brokerId: number, error: KafkaError): void
  /** Reports what happened (kept in the cluster's event log and written to its log sink). */
  event(e: ClusterEventInput): void
  /** How often (ms) an offline replica's log is tried again. */
  readonly offlineRetryMs: number
}

/** Why a replica of this partition is unusable on its broker (Kafka's offline replica). */
export interface OfflineReplica {
  /** KAFKA_STORAGE_ERROR (or CORRUPT_MESSAGE when a repair failed), naming the file. */
  error: KafkaError
  /** When it went offline and when its log was last tried (ms, the cluster's clock). */
  sinceMs: number
  lastAttemptMs: number
}

/** A storage-layer failure of a replica's log (not a bad request): Kafka marks its log dir offline. */
export function isStorageFailure(e: unknown): boolean {
  if (e instanceof StorageError) return e.code === 'KAFKA_STORAGE_ERROR'
  if (e instanceof KafkaError) return e.code === 'KAFKA_STORAGE_ERROR'
  const code = (e as NodeJS.ErrnoException | null)?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code)
}

/** A corrupt record batch found while reading a log. */
function isCorruption(e: unknown): e is StorageError {
  return e instanceof StorageError && e.code === 'CORRUPT_MESSAGE'
}

function asKafkaError(e: unknown): KafkaError {
  if (e instanceof KafkaError) return e
  return new KafkaError('KAFKA_STORAGE_ERROR', (e as Error)?.message ?? String(e))
}

/** Base offset of the segment a StorageError names (`.../<20 digits>.log`), or null. */
function segmentBaseOf(file: string): number | null {
  const m = /(\d{20})\.log(\.\w+)?$/.exec(file)
  return m ? Number(m[1]) : null
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
  private readonly offline = new Map<number, OfflineReplica>()
  /** Corruptions already reported without a fail-over (file:position), so a tick does not repeat them. */
  private readonly reportedCorruption = new Set<string>()
  /** Followers already reported as holding acknowledged records the leader lacks. */
  private readonly reportedAhead = new Set<number>()
  private waiters: AckWaiter[] = []
  /**
   * The highest high watermark this partition is known to have had: the largest any replica's
   * checkpoint recorded at open, raised with the leader's since. Offsets below it were acknowledged
   * (acks=all), so a replica ending below it is damaged or behind, never complete.
   */
  private acknowledgedEnd = 0

  constructor(
    readonly topic: string,
    readonly id: number,
    readonly meta: PartitionMeta,
    private readonly env: PartitionEnv,
    eager: boolean
  ) {
    for (const b of meta.replicas) this.tryOpen(b, eager)
    const now = env.clock()
    for (const b of meta.isr) this.lastCaughtUpMs.set(b, now)
  }

  /** Opens broker `b`'s log (creating it when `create`); a storage failure marks the replica offline. */
  private tryOpen(b: number, create: boolean): ReplicaLog | null {
    try {
      const log = this.env.openLog(b, create)
      if (log) this.logs.set(b, log)
      return log
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      this.setOffline(b, asKafkaError(e), 'its log could not be opened')
      return null
    }
  }

  /** Alive and its log usable. */
  private usable(b: number): boolean {
    return this.env.isAlive(b) && !this.offline.has(b)
  }

  /** Usable and fetching (not paused). */
  private fetching(b: number): boolean {
    return this.env.isFetching(b) && !this.offline.has(b)
  }

  /** Offline replicas of this partition and why (read-only view). */
  offlineReplicas(): ReadonlyMap<number, OfflineReplica> {
    return this.offline
  }

  get name(): string {
    return `${this.topic}-${this.id}`
  }

  get leader(): number {
    return this.meta.leader
  }

  /** The replica's log, opening (and creating) it when `create`. */
  log(brokerId: number, create = true): ReplicaLog | null {
    const log = this.logs.get(brokerId) ?? null
    if (log || !create || this.offline.has(brokerId)) return log
    return this.tryOpen(brokerId, true)
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
    for (let tries = 0; tries <= this.meta.replicas.length; tries++) {
      if (this.meta.leader < 0)
        throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${this.name} is offline: no live in-sync replica to lead it`)
      const log = this.log(this.meta.leader)
      if (log) return log
      // Opening the leader's log failed: it went offline and another ISR member (if any) leads now.
    }
    throw new KafkaError('KAFKA_STORAGE_ERROR', `No replica of partition ${this.name} has a usable log`)
  }

  /**
   * Runs `read` on the leader's log. When it meets a corrupt batch, leadership moves to the most
   * complete other in-sync replica, the damaged log is repaired, and the read runs again on the new
   * leader; with no such replica the CORRUPT_MESSAGE StorageError (naming file and position) is thrown.
   * @throws KafkaError LEADER_NOT_AVAILABLE when offline, and whatever `read` throws otherwise.
   */
  readFromLeader<T>(read: (log: ReplicaLog) => T): T {
    for (let tries = 0; ; tries++) {
      const leader = this.meta.leader
      const log = this.leaderLog()
      try {
        return read(log)
      } catch (e) {
        if (isCorruption(e) && tries < this.meta.replicas.length && this.failOverFromCorruption(this.meta.leader, e)) continue
        if (isStorageFailure(e) && this.meta.leader === leader) this.setOffline(leader, asKafkaError(e), 'reading its log failed')
        throw e
      }
    }
  }

  /** Read-only access for views: the leader's log (or best replica when offline), null when never written. */
  readLog(): ReplicaLog | null {
    return this.viewLog()
  }

  /** Append `records` as one batch on the leader; advances the high watermark when the ISR is just the leader. */
  /**
   * @throws KafkaError KAFKA_STORAGE_ERROR when the leader's log cannot be written (e.g. the disk is
   *   full): the replica goes offline and another ISR member leads, so a retry may succeed.
   */
  appendAsLeader(records: RecordInput[]): { firstOffset: number; lastOffset: number; batchBytes: number; maxTimestamp: number } {
    const leader = this.meta.leader
    const log = this.leaderLog()
    let res: { firstOffset: number; lastOffset: number; batchBytes: number; maxTimestamp: number }
    try {
      res = log.appendAsLeader(records, this.meta.leaderEpoch)
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      const err = asKafkaError(e)
      this.setOffline(this.meta.leader === leader ? leader : this.meta.leader, err, 'appending to its log failed')
      throw new KafkaError('KAFKA_STORAGE_ERROR', `The leader of ${this.name} (broker ${leader}) could not write the records: ${err.message}`)
    }
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
   * After the cluster opens, before any replication, decides who may be trusted:
   * - a replica whose log ends below the high watermark its own checkpoint recorded lost
   *   acknowledged records (a damaged or cut log): reported;
   * - the leader must be the most complete usable ISR member: a leader whose log is shorter than
   *   another ISR member's (it lost records the others copied from it), or whose log did not open,
   *   gives way to the longest (leader epoch + 1), so it never makes the healthy copies truncate;
   * - the leader's high watermark is at least what any replica recorded (up to its log end), since
   *   those offsets were acknowledged; ISR members ending below it leave the ISR until they caught up;
   * - when even the new leader ends below that, the records in between are reported lost;
   * - finally the high watermark is raised to the ISR's minimum log end offset (a crash loses the
   *   checkpoint's last interval), as the first follower fetches would.
   */
  restoreAfterOpen(): void {
    // A log found corrupt as it opened is cut at once where intact ISR members can refill it.
    for (const b of [...this.offline.keys()]) if (this.repairable(b)) this.reopenOffline(b, this.env.clock(), [])
    for (const [b, log] of this.logs) {
      const recorded = log.checkpointedHighWatermark ?? null
      if (recorded === null) continue
      this.acknowledgedEnd = Math.max(this.acknowledgedEnd, recorded)
      if (log.logEndOffset < recorded)
        this.env.event({
          kind: 'replica-damaged',
          severity: 'warning',
          topic: this.topic,
          partition: this.id,
          brokerId: b,
          message: `The log of ${this.name} on broker ${b} ends at offset ${log.logEndOffset}, below the high watermark ${recorded} it recorded: records ${log.logEndOffset} to ${recorded - 1} are missing from it (a damaged or cut log)`
        })
    }
    const leader = this.meta.leader
    if (leader >= 0) {
      const longer = this.isrUsable().find((b) => this.leo(b) > this.leo(leader))
      if (!this.usable(leader) || !this.logs.has(leader))
        this.electLeader('most-complete', `the log of its leader, broker ${leader}, is unusable (${this.offline.get(leader)?.error.message ?? 'not opened'})`)
      else if (longer !== undefined)
        this.electLeader(
          'most-complete',
          `its leader, broker ${leader}, ends at offset ${this.leo(leader)}, below broker ${longer}'s ${this.leo(longer)}: the leader's log lost records that its followers hold`
        )
    }
    this.afterLeaderChosen()
    this.maybeAdvanceHighWatermark()
  }

  /**
   * The usable ISR members (alive, log usable), in replica order.
   */
  private isrUsable(): number[] {
    return this.meta.replicas.filter((b) => this.meta.isr.includes(b) && this.usable(b))
  }

  /**
   * Once a leader is chosen: its high watermark covers what was acknowledged (up to its log end),
   * ISR members ending below it leave the ISR, and what no replica holds any more is reported lost.
   */
  private afterLeaderChosen(): void {
    const leader = this.meta.leader
    if (leader < 0) return
    const log = this.logs.get(leader)
    if (!log) return
    const end = log.logEndOffset
    const target = Math.min(this.acknowledgedEnd, end)
    if (target > log.highWatermark && target >= log.logStartOffset) log.updateHighWatermark(target)
    if (end < this.acknowledgedEnd)
      this.env.event({
        kind: 'records-lost',
        severity: 'error',
        topic: this.topic,
        partition: this.id,
        brokerId: leader,
        message: `No in-sync replica of ${this.name} holds offsets ${end} to ${this.acknowledgedEnd - 1}, which were acknowledged: broker ${leader} leads with the most complete log, ending at ${end}`
      })
    this.acknowledgedEnd = Math.max(log.highWatermark, Math.min(this.acknowledgedEnd, end))
    const behind = this.meta.isr.filter((b) => b !== leader && this.leo(b) < log.highWatermark)
    if (behind.length > 0) {
      for (const b of behind)
        this.env.event({
          kind: 'isr-shrink',
          severity: 'warning',
          topic: this.topic,
          partition: this.id,
          brokerId: b,
          message: `Broker ${b} left the ISR of ${this.name}: its log ends at offset ${this.leo(b)}, below the high watermark ${log.highWatermark}; it catches up from broker ${leader} and rejoins`
        })
      this.meta.isr = this.meta.isr.filter((b) => !behind.includes(b))
      this.env.metaChanged()
    }
  }

  /** HW = min log end offset of the ISR; raised only. Settles acks=all waiters it passes. */
  maybeAdvanceHighWatermark(): void {
    if (this.meta.leader < 0) return
    const leaderLog = this.logs.get(this.meta.leader)
    if (!leaderLog) return
    const hw = this.isrMinLogEndOffset()
    if (hw > leaderLog.highWatermark) leaderLog.updateHighWatermark(hw)
    if (leaderLog.highWatermark > this.acknowledgedEnd) this.acknowledgedEnd = leaderLog.highWatermark
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
      if (b === this.meta.leader || !this.fetching(b)) continue
      if (this.reportedAhead.has(b)) continue
      if (this.leo(b) !== end || !this.meta.isr.includes(b)) return true
      if ((this.logs.get(b)?.highWatermark ?? 0) < hw) return true
    }
    return false
  }

  /**
   * One replication round: every live follower fetches from the leader until it reaches the leader's
   * log end offset; then the ISR may expand and the high watermark advance. A leader whose log is
   * shorter than an ISR member's first gives way to the most complete one; a corrupt batch in the
   * leader's log moves leadership (readFromLeader); a follower whose log cannot be written goes
   * offline. Returns records copied.
   */
  replicate(): number {
    if (this.meta.leader < 0) return 0
    const now = this.env.clock()
    const leader = this.meta.leader
    const longer = this.isrUsable().find((b) => b !== leader && this.leo(b) > this.leo(leader))
    if (longer !== undefined) {
      this.electLeader(
        'most-complete',
        `its leader, broker ${leader}, ends at offset ${this.leo(leader)}, below broker ${longer}'s ${this.leo(longer)}: the leader's log lost records that its followers hold`
      )
      this.afterLeaderChosen()
      if (this.meta.leader < 0) return 0
    }
    let leaderLog = this.logs.get(this.meta.leader)
    if (!leaderLog) {
      // A lazily opened log that was never written: live followers with empty logs are in sync.
      const followers = this.meta.replicas.filter((b) => b !== this.meta.leader && this.fetching(b))
      if (followers.every((b) => this.leo(b) === 0)) {
        for (const b of followers) {
          this.lastCaughtUpMs.set(b, now)
          this.maybeExpandIsr(b, 0, 0, now)
        }
        return 0
      }
      const opened = this.log(this.meta.leader)
      if (!opened) return 0
      leaderLog = opened
    }
    let copied = 0
    for (const b of this.meta.replicas) {
      if (b === this.meta.leader || !this.fetching(b)) continue
      const end = this.leo(this.meta.leader)
      if (end === 0 && !this.logs.has(b)) {
        this.lastCaughtUpMs.set(b, now)
        this.maybeExpandIsr(b, 0, 0, now)
        continue
      }
      const f = this.log(b)
      if (!f) continue
      try {
        if (f.logEndOffset > end && !this.truncateFollower(b, f, Math.max(end, f.logStartOffset))) continue
        const source = this.logs.get(this.meta.leader)
        if (!source) break
        // Kafka's follower on OFFSET_OUT_OF_RANGE below the leader's log start: start over there.
        if (f.logEndOffset < source.logStartOffset) f.truncateFullyAndStartAt(source.logStartOffset)
        const fetchLeader = this.meta.leader
        while (f.logEndOffset < this.leo(fetchLeader)) {
          const batches = this.fetchForFollower(f.logEndOffset, this.leo(fetchLeader))
          if (batches === null || this.meta.leader !== fetchLeader) break
          if (batches.length === 0) break
          copied += f.appendAsFollower(batches).records
        }
        // Leadership moved (a corrupt batch in the old leader's log): the next round fetches from the new one.
        if (this.meta.leader !== fetchLeader) break
      } catch (e) {
        if (!isStorageFailure(e)) throw e
        this.setOffline(b, asKafkaError(e), 'writing to its log failed')
        continue
      }
      const leaderNow = this.logs.get(this.meta.leader)
      if (!leaderNow) break
      if (f.logEndOffset >= leaderNow.logEndOffset) this.lastCaughtUpMs.set(b, now)
      this.maybeExpandIsr(b, f.logEndOffset, leaderNow.highWatermark, now)
    }
    this.maybeAdvanceHighWatermark()
    this.propagateHighWatermark()
    return copied
  }

  /**
   * A follower's fetch from the leader at `from` (Kafka's replica fetcher): raw batches up to
   * REPLICA_FETCH_MAX_BYTES, below `end`. Null when the leader's log was corrupt and leadership moved
   * (or could not move: then the follower stops at the corruption, reported once).
   */
  private fetchForFollower(from: number, end: number): Buffer | null {
    const leader = this.meta.leader
    try {
      return this.readFromLeader((log) => log.readBatches(from, REPLICA_FETCH_MAX_BYTES, end))
    } catch (e) {
      if (isCorruption(e) || (isStorageFailure(e) && this.meta.leader !== leader)) return null
      throw e
    }
  }

  /**
   * Truncates follower `b`'s log `f` to `to` (it holds records the leader does not), unless that
   * would cut below the follower's own high watermark: then the leader lacks records the follower
   * knows were acknowledged, so the follower keeps its log (reported once) and is not replicated
   * until that changes. Returns whether it truncated.
   */
  private truncateFollower(b: number, f: ReplicaLog, to: number): boolean {
    if (to < f.highWatermark) {
      if (!this.reportedAhead.has(b)) {
        this.reportedAhead.add(b)
        this.env.event({
          kind: 'replica-damaged',
          severity: 'error',
          topic: this.topic,
          partition: this.id,
          brokerId: this.meta.leader,
          message: `The leader of ${this.name}, broker ${this.meta.leader}, ends at offset ${to}, but broker ${b} holds acknowledged records up to ${f.highWatermark - 1}: broker ${b}'s log is kept, not truncated`
        })
      }
      return false
    }
    this.reportedAhead.delete(b)
    f.truncateTo(to)
    return true
  }

  /** Followers learn the leader's high watermark from the fetch response: min(leader HW, own LEO). */
  private propagateHighWatermark(): void {
    const hw = this.highWatermark
    for (const [b, f] of this.logs) {
      if (b === this.meta.leader || !this.fetching(b)) continue
      const target = Math.min(hw, f.logEndOffset)
      if (target > f.highWatermark && target >= f.logStartOffset) f.updateHighWatermark(target)
    }
  }

  private maybeExpandIsr(b: number, leo: number, hw: number, now: number): void {
    if (this.meta.isr.includes(b) || leo < hw || this.offline.has(b)) return
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
      if (this.fetching(b) && this.leo(b) >= end) {
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
   * Elect a leader among the usable ISR members (alive, log usable); the ISR keeps them. With none,
   * the partition goes offline (leader -1, ISR kept: no unclean election). Leader epoch + 1 on every
   * change; pending acks=all waits fail with NOT_LEADER_OR_FOLLOWER, as Kafka answers them when
   * leadership moves. Followers holding records past the new leader's log end truncate to it (never
   * below their own high watermark).
   * - 'replica-order' (the leader went away): the first member in replica order whose log reaches
   *   the acknowledged offsets (Kafka's OfflinePartitionLeaderElection); when none does, the longest.
   * - 'most-complete' (the leader's log is damaged or shorter): the member with the longest log,
   *   the current leader excluded unless no other is usable.
   * `why` says why an election happens, for the event.
   */
  electLeader(mode: 'replica-order' | 'most-complete' = 'replica-order', why = 'its leader stopped'): void {
    const prev = this.meta.leader
    let candidates = this.isrUsable()
    if (mode === 'most-complete' && candidates.length > 1) candidates = candidates.filter((b) => b !== prev)
    let next = -1
    if (candidates.length > 0) {
      const intact = candidates.filter((b) => this.leo(b) >= this.acknowledgedEnd)
      if (mode === 'replica-order' && intact.length > 0) next = intact[0]
      else next = candidates.reduce((best, b) => (this.leo(b) > this.leo(best) ? b : best), candidates[0])
      this.meta.leader = next
      this.meta.isr = this.meta.replicas.filter((b) => this.meta.isr.includes(b) && (this.usable(b) || b === next))
    } else {
      this.meta.leader = -1
    }
    this.env.metaChanged()
    if (this.meta.leader === prev) return
    this.meta.leaderEpoch++
    this.failWaiters(
      new KafkaError('NOT_LEADER_OR_FOLLOWER', `Leadership of partition ${this.name} moved from broker ${prev} to ${this.meta.leader}`)
    )
    if (mode === 'most-complete' || this.meta.leader < 0)
      this.env.event({
        kind: 'leader-elected',
        severity: 'warning',
        topic: this.topic,
        partition: this.id,
        brokerId: this.meta.leader,
        message:
          this.meta.leader < 0
            ? `${this.name} is offline: ${why}, and no other in-sync replica can lead it`
            : `Broker ${this.meta.leader} now leads ${this.name} (leader epoch ${this.meta.leaderEpoch}): ${why}`
      })
    if (this.meta.leader < 0) return
    const now = this.env.clock()
    const newLeaderEnd = this.leo(this.meta.leader)
    for (const b of this.meta.replicas) {
      if (b === this.meta.leader || !this.usable(b)) continue
      const f = this.logs.get(b)
      if (f && f.logEndOffset > newLeaderEnd) {
        try {
          this.truncateFollower(b, f, Math.max(newLeaderEnd, f.logStartOffset))
        } catch (e) {
          if (!isStorageFailure(e)) throw e
          this.setOffline(b, asKafkaError(e), 'truncating its log failed')
        }
      }
    }
    for (const b of this.meta.isr) this.lastCaughtUpMs.set(b, now)
    this.afterLeaderChosen()
    this.maybeAdvanceHighWatermark()
  }

  /**
   * Preferred leader election (kafka-leader-election --election-type PREFERRED): when the first
   * replica is live, its log usable, in the ISR and not leading, it leads (leader epoch + 1). A
   * replication round runs first so the preferred replica holds everything the current leader has.
   * @returns whether leadership moved.
   */
  electPreferredLeader(): boolean {
    const preferred = this.meta.replicas[0]
    if (this.meta.leader === preferred || this.meta.leader < 0) return false
    if (!this.meta.isr.includes(preferred) || !this.usable(preferred)) return false
    this.replicate()
    if (this.meta.leader === preferred || this.meta.leader < 0) return false
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
      this.electLeader('replica-order', `its leader, broker ${b}, stopped`)
      return
    }
    if (this.meta.isr.includes(b) && this.meta.isr.length > 1) this.removeFromIsr([b])
  }

  /**
   * Broker `b` started (or its log came back online): an offline partition whose ISR holds `b` gets
   * it as leader; otherwise its replica, when outside the ISR, truncates to its own high watermark
   * (everything above may have diverged from the current leader, e.g. records it led but never
   * replicated); an ISR member keeps its log (a prefix of the leader's). Then it catches up through
   * replication.
   */
  onBrokerStarted(b: number): void {
    if (!this.meta.replicas.includes(b) || !this.usable(b)) return
    if (this.meta.leader < 0 && this.meta.isr.includes(b)) {
      this.electLeader('replica-order', `broker ${b} is back`)
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
    try {
      if (f && !inIsr && f.logEndOffset > f.highWatermark) f.truncateTo(Math.max(f.highWatermark, f.logStartOffset))
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      this.setOffline(b, asKafkaError(e), 'truncating its log failed')
      return
    }
    if (inIsr) this.lastCaughtUpMs.set(b, this.env.clock())
  }

  // ---- offline and damaged replicas ------------------------------------------------------------

  /**
   * Takes broker `b`'s replica offline after a storage failure (Kafka marks the log dir offline): its
   * log is handed back to the store (closed), it leaves the ISR (unless it is the last member), and
   * when it led another usable ISR member leads. Reported as a 'replica-offline' event. No-op when
   * already offline.
   */
  setOffline(b: number, error: KafkaError, what: string): void {
    if (this.offline.has(b)) return
    const now = this.env.clock()
    this.offline.set(b, { error, sinceMs: now, lastAttemptMs: now })
    this.logs.delete(b)
    this.env.logFailed(b, error)
    this.env.event({
      kind: 'replica-offline',
      severity: 'warning',
      topic: this.topic,
      partition: this.id,
      brokerId: b,
      message: `The replica of ${this.name} on broker ${b} is offline: ${what}: ${error.message}. It is tried again every ${Math.round(this.env.offlineRetryMs / 1000)} s`
    })
    if (this.meta.leader === b) this.electLeader('replica-order', `the log of its leader, broker ${b}, failed`)
    else if (this.meta.isr.includes(b) && this.meta.isr.length > 1) this.removeFromIsr([b])
  }

  /**
   * Tries the logs of offline replicas again (at most every offlineRetryMs each): one that opens is
   * online again ('replica-online' event) and rejoins as a restarted broker does (onBrokerStarted).
   * @returns the brokers whose replica came back.
   */
  retryOffline(now: number): number[] {
    const back: number[] = []
    for (const [b, o] of [...this.offline]) {
      if (now - o.lastAttemptMs < this.env.offlineRetryMs) continue
      this.reopenOffline(b, now, back)
    }
    return back
  }

  /**
   * A log found corrupt when it opened, on a replica whose partition has another usable ISR
   * member: it may be cut at its first invalid batch, since that member can refill the rest.
   */
  private repairable(b: number): boolean {
    const o = this.offline.get(b)
    return !!o && /corrupt log data/.test(o.error.message) && this.isrUsable().some((x) => x !== b)
  }

  /** One attempt at reopening offline replica `b` (recovering a repairable one); adds it to `back` when it opened. */
  private reopenOffline(b: number, now: number, back: number[]): void {
    const o = this.offline.get(b)
    if (!o) return
    o.lastAttemptMs = now
    const recover = this.repairable(b)
    let log: ReplicaLog | null
    try {
      log = this.env.openLog(b, true, recover)
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      o.error = asKafkaError(e)
      return
    }
    if (!log) return
    this.offline.delete(b)
    this.logs.set(b, log)
    back.push(b)
    this.env.event({
      kind: 'replica-online',
      severity: 'info',
      topic: this.topic,
      partition: this.id,
      brokerId: b,
      message: recover
        ? `The damaged log of ${this.name} on broker ${b} was cut at its first invalid batch (log end offset ${log.logEndOffset}); it refetches the rest from the leader`
        : `The replica of ${this.name} on broker ${b} is online again (log end offset ${log.logEndOffset}); it catches up from the leader`
    })
    if (this.env.isAlive(b)) this.onBrokerStarted(b)
  }

  /**
   * Broker `b`'s log holds a corrupt batch (`err`, naming file and position). When another usable
   * ISR member exists, `b` leaves the ISR, the most complete of them leads, and `b`'s log is cut at
   * its first invalid batch (re-validated from the corrupt segment on) so it refetches the rest from
   * the new leader. Otherwise nothing moves and the corruption is reported once.
   * @returns whether leadership moved away from `b`.
   */
  private failOverFromCorruption(b: number, err: StorageError): boolean {
    const others = this.isrUsable().filter((x) => x !== b)
    if (this.meta.leader !== b || others.length === 0) {
      const key = `${err.file}:${err.position ?? ''}`
      if (!this.reportedCorruption.has(key)) {
        this.reportedCorruption.add(key)
        this.env.event({
          kind: 'replica-damaged',
          severity: 'error',
          topic: this.topic,
          partition: this.id,
          brokerId: b,
          message: `The log of ${this.name} on broker ${b} has a corrupt batch and no other in-sync replica can take over: ${err.message}`
        })
      }
      return false
    }
    this.env.event({
      kind: 'replica-damaged',
      severity: 'warning',
      topic: this.topic,
      partition: this.id,
      brokerId: b,
      message: `The log of ${this.name} on broker ${b} has a corrupt batch: ${err.message}`
    })
    this.meta.isr = this.meta.isr.filter((x) => x !== b)
    this.env.metaChanged()
    this.electLeader('most-complete', `its leader, broker ${b}, has a corrupt batch in its log`)
    const log = this.logs.get(b)
    if (!log) return true
    try {
      const from = segmentBaseOf(err.file) ?? log.logStartOffset
      const end = log.recoverFrom(Math.max(from, log.logStartOffset))
      this.env.event({
        kind: 'replica-repaired',
        severity: 'info',
        topic: this.topic,
        partition: this.id,
        brokerId: b,
        message: `The log of ${this.name} on broker ${b} was cut at its first invalid batch (log end offset ${end}); it refetches the rest from broker ${this.meta.leader}`
      })
    } catch (e) {
      if (!isStorageFailure(e) && !isCorruption(e)) throw e
      this.setOffline(b, asKafkaError(e), 'repairing its log failed')
    }
    return true
  }

  /** The partition as the API describes it. */
  state(): PartitionState {
    const view = this.viewLog()
    const replicaStates: ReplicaState[] = this.meta.replicas.map((b) => ({
      brokerId: b,
      logEndOffset: this.leo(b),
      inSync: this.meta.isr.includes(b),
      offline: !this.env.isAlive(b) || this.offline.has(b),
      storageError: this.offline.get(b)?.error.message ?? null
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
