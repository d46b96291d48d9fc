/**
 * ReplicaFetcher: a broker's follower side of replication (Kafka's ReplicaFetcherThread, run as
 * synchronous rounds on the engine's event loop). For every partition the broker follows, it
 * reconciles its log with the leader's once after a leadership change, then fetches from the
 * leader's ReplicaManager through the same fetch path any client uses (with its replica id) until it
 * reached the leader's log end offset, appends the batches as they are, and takes the high watermark
 * and the log start offset (records deleted on the leader by DeleteRecords) from the answer.
 *
 * Reconciliation (KIP-101, KIP-279, Kafka's AbstractFetcherThread.truncateToEpochEndOffsets): a
 * follower whose log has leader epochs asks its leader where its latest epoch ended
 * (OffsetsForLeaderEpoch) and truncates to that offset; when the leader answers an older epoch (it
 * never saw the follower's latest one), the follower truncates to where that older epoch ended in
 * its own log and asks again. A follower with no epochs in its log (written before leader epochs,
 * or empty) falls back to the rule before KIP-101: outside the ISR it truncates to its own high
 * watermark. Truncation never goes below the follower's own high watermark: what lies below was
 * acknowledged, so a leader that lacks it lost records; the follower keeps its log and reports it
 * to the controller, which moves leadership to the most complete in-sync replica
 * (Controller.leaderIncomplete). The exception is an unclean election (registration.uncleanEpoch newer
 * than the follower's latest epoch): the records past the new leader's log end were reported lost,
 * and the follower truncates below its high watermark to agree with the leader. After reconciling, a follower still holding more than its leader
 * (no epochs to compare) truncates to the leader's log end offset under the same rule.
 *
 * Faults (../faults): a leader the follower cannot reach (killed, isolated, or this broker
 * isolated) is absent (`replicaManager` gives null), so nothing is fetched from it; with a delay
 * between the two brokers (a slowed one), the follower fetches from that leader at most once per
 * delay (one fetch in flight per leader, as Kafka's fetcher thread per source broker), so a delay
 * above replica.lag.time.max.ms makes it leave the ISR while the leader takes writes.
 *
 * Must stay true: a follower never appends a batch it did not get from the current leader; a
 * storage failure while appending takes that replica offline, not the round; a paused, stopped or
 * killed broker fetches nothing.
 */
import { KafkaError } from '../model/errors'
import { formatCount } from '../model/format-count'
import { isStorageFailure, type Partition } from '../cluster/partition'
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../storage/leader-epoch-file-cache'
import type { ReplicaManager } from './replica-manager'

/** At most this many OffsetsForLeaderEpoch rounds reconcile one partition (each truncates or ends). */
const MAX_RECONCILE_STEPS = 64

/** What a fetcher needs from its cluster. */
export interface ReplicaFetcherEnv {
  /** Whether this broker fetches now (running and not paused). */
  isFetching(): boolean
  /** The replica manager of broker `id` when it runs, else null. */
  replicaManager(id: number): ReplicaManager | null
  /** The follower found its leader's log shorter than what it knows was acknowledged. */
  leaderIncomplete(p: Partition, why: string): void
  /** The extra delay of a fetch from this broker to broker `leaderId` (slowed brokers), ms; absent: none. */
  fetchDelayMs?(leaderId: number): number
  /** The cluster's clock, ms (needed with fetchDelayMs). */
  clock?(): number
}

/** One broker's fetcher. */
export class ReplicaFetcher {
  /** When this broker last fetched from each leader (broker id -> ms), for delayed fetches. */
  private readonly lastFetchMs = new Map<number, number>()

  constructor(
    private readonly own: ReplicaManager,
    private readonly env: ReplicaFetcherEnv
  ) {}

  /** Whether a round has work: a followed partition behind its leader or not yet reconciled. */
  needsRound(): boolean {
    if (!this.env.isFetching()) return false
    for (const p of this.own.allPartitions()) if (this.partitionNeedsFetch(p)) return true
    return false
  }

  private partitionNeedsFetch(p: Partition): boolean {
    if (p.isLeader || p.offline) return false
    const leader = this.leaderPartition(p)
    if (!leader) return false
    if (p.needsReconciliation) return true
    if (p.logEndOffset !== leader.logEndOffset || p.highWatermark < Math.min(leader.highWatermark, p.logEndOffset)) return true
    // The leader must learn that this follower is caught up (ISR expansion, high watermark).
    return leader.knownEndOffset(this.own.brokerId) !== p.logEndOffset
  }

  private leaderPartition(p: Partition): Partition | null {
    const leaderId = p.registration.leader
    if (leaderId < 0 || leaderId === this.own.brokerId) return null
    const rm = this.env.replicaManager(leaderId)
    const lp = rm?.partition(p.topic, p.id)
    return lp && lp.isLeader ? lp : null
  }

  /** One round over every followed partition. Returns records copied. */
  fetchRound(): number {
    if (!this.env.isFetching()) return 0
    let copied = 0
    for (const p of [...this.own.allPartitions()]) if (!p.isLeader && !p.offline) copied += this.fetchPartition(p)
    return copied
  }

  /**
   * Fetches `p` from its leader until it reached the leader's log end offset (or the leader moved).
   * Returns records copied.
   */
  fetchPartition(p: Partition): number {
    if (!this.env.isFetching() || p.isLeader || p.offline) return 0
    const leaderId = p.registration.leader
    const leaderRm = leaderId >= 0 ? this.env.replicaManager(leaderId) : null
    const leader = leaderRm?.partition(p.topic, p.id)
    if (!leaderRm || !leader || !leader.isLeader || !this.fetchAllowed(leaderId)) return 0
    const epoch = p.leaderEpoch
    let copied = 0
    try {
      if (p.needsReconciliation && !this.reconcile(p, leaderRm, leader)) return 0
      // A lazily opened log that was never written: an empty follower is in sync without a log.
      if (leader.logEndOffset === 0 && !p.log && p.logEndOffset === 0) {
        leaderRm.fetchForFollower(p.topic, p.id, this.own.brokerId, 0)
        return 0
      }
      if (p.logEndOffset > leader.logEndOffset) {
        if (!this.truncateToLeader(p, leader)) return 0
      }
      if (p.localLog() === null) return 0
      // Kafka's follower on OFFSET_OUT_OF_RANGE below the leader's log start: start over there.
      if (p.logEndOffset < leader.logStartOffset) p.truncateFullyAndStartAt(leader.logStartOffset)
      for (;;) {
        if (p.leaderEpoch !== epoch || !leader.isLeader) break
        const res = leaderRm.fetchForFollower(p.topic, p.id, this.own.brokerId, p.logEndOffset)
        // The leader's read verified every CRC-32C of these bytes (LogSegment.read), in this process.
        if (res.batches.length > 0) copied += p.appendAsFollower(res.batches, { crcVerified: true })
        p.updateFollowerHighWatermark(res.highWatermark)
        p.updateFollowerLogStartOffset(res.logStartOffset)
        if (res.batches.length === 0 || p.logEndOffset >= res.logEndOffset) {
          if (res.batches.length > 0) {
            // Tell the leader where this follower is now (its next fetch would), so the ISR and the
            // high watermark move in this round.
            const last = leaderRm.fetchForFollower(p.topic, p.id, this.own.brokerId, p.logEndOffset)
            p.updateFollowerHighWatermark(last.highWatermark)
          }
          break
        }
      }
    } catch (e) {
      if (isStorageFailure(e) || (e instanceof KafkaError && (e.code === 'NOT_LEADER_OR_FOLLOWER' || e.code === 'CORRUPT_MESSAGE' || e.code === 'BROKER_NOT_AVAILABLE')))
        return copied // offline replica, or leadership moved: the next round fetches from the new leader
      throw e
    }
    return copied
  }

  /**
   * Whether a fetch from `leaderId` may go now: always without a delay; with one, when the previous
   * fetch from that leader is at least the delay ago (or in this same instant: one fetch request
   * carries every partition of that leader). Records the fetch.
   */
  private fetchAllowed(leaderId: number): boolean {
    const delay = this.env.fetchDelayMs?.(leaderId) ?? 0
    if (delay <= 0 || !this.env.clock) return true
    const now = this.env.clock()
    const last = this.lastFetchMs.get(leaderId)
    if (last !== undefined && last !== now && now - last < delay) return false
    this.lastFetchMs.set(leaderId, now)
    return true
  }

  /**
   * Once after becoming a follower (or coming back): truncates the log to where it diverges from
   * the leader's, by leader epochs (see the module header). Returns false when fetching must wait
   * (the leader lacks acknowledged records, or nothing to do now).
   */
  private reconcile(p: Partition, leaderRm: ReplicaManager, leader: Partition): boolean {
    p.needsReconciliation = false
    const log = p.log
    if (!log || log.logEndOffset === log.logStartOffset) return leader.isLeader
    const afterUnclean = this.afterUnclean(p)
    // Each step truncates strictly or ends, so this ends; the bound guards a cache that lies.
    for (let step = 0; step < MAX_RECONCILE_STEPS; step++) {
      const followerEpoch = log.latestEpoch
      if (followerEpoch === null) return this.truncateByHighWatermark(p)
      const answer = leaderRm.lastOffsetForLeaderEpoch(p.topic, p.id, followerEpoch)
      if (answer.endOffset === UNDEFINED_EPOCH_OFFSET) return this.truncateByHighWatermark(p)
      let target: number
      let done = true
      if (answer.epoch === UNDEFINED_EPOCH || answer.epoch === followerEpoch) target = answer.endOffset
      else {
        const own = log.endOffsetForEpoch(answer.epoch)
        if (own.endOffset === UNDEFINED_EPOCH_OFFSET) target = answer.endOffset
        else if (own.epoch !== answer.epoch) {
          // This log never had the leader's epoch either: cut to where its older epoch ended, ask again.
          target = own.endOffset
          done = false
        } else target = Math.min(own.endOffset, answer.endOffset)
      }
      target = Math.min(target, log.logEndOffset)
      // At the log end too: an epoch entry this replica made as a leader without writing goes (Kafka's truncateTo).
      if (!p.truncateTo(target, afterUnclean)) {
        this.env.leaderIncomplete(
          p,
          `its leader, broker ${leader.brokerId}, says leader epoch ${followerEpoch} of broker ${this.own.brokerId}'s log ends at offset ${formatCount(target)}, but broker ${this.own.brokerId} holds acknowledged records up to ${formatCount(p.highWatermark - 1)}`
        )
        return false
      }
      if (done || log.logEndOffset === log.logStartOffset) return leader.isLeader
    }
    return leader.isLeader
  }

  /**
   * Whether `p`'s leader was elected uncleanly after `p`'s log last changed epoch (the registration's
   * uncleanEpoch is newer than the log's latest epoch): what `p` holds beyond the leader was reported
   * lost, so truncation may cut below `p`'s high watermark (Kafka truncates by epoch regardless).
   */
  private afterUnclean(p: Partition): boolean {
    const unclean = p.registration.uncleanEpoch
    const latest = p.log?.latestEpoch ?? null
    return unclean !== undefined && (latest === null || latest < unclean)
  }

  /** Before KIP-101: a replica outside the ISR truncates to its own high watermark (it may hold records it led and never replicated). */
  private truncateByHighWatermark(p: Partition): boolean {
    const log = p.log
    const inIsr = p.registration.isr.includes(this.own.brokerId)
    if (log && !inIsr && log.logEndOffset > log.highWatermark) p.truncateTo(Math.max(log.highWatermark, log.logStartOffset))
    return true
  }

  /**
   * The follower holds more than the leader: it truncates to the leader's log end offset, unless
   * that cuts below its own high watermark (the leader lacks acknowledged records: reported).
   */
  private truncateToLeader(p: Partition, leader: Partition): boolean {
    const end = leader.logEndOffset
    if (p.registration.isr.includes(this.own.brokerId)) {
      // An in-sync follower copied everything it has from leaders this one followed: the leader
      // lost records (the controller truncated longer followers when it elected this leader).
      this.env.leaderIncomplete(p, `its leader, broker ${leader.brokerId}, ends at offset ${formatCount(end)}, below broker ${this.own.brokerId}'s ${formatCount(p.logEndOffset)}: the leader's log lost records that its followers hold`)
      return false
    }
    if (p.truncateTo(end, this.afterUnclean(p))) return true
    this.env.leaderIncomplete(
      p,
      `its leader, broker ${leader.brokerId}, ends at offset ${formatCount(end)}, but broker ${this.own.brokerId} holds acknowledged records up to ${formatCount(p.highWatermark - 1)}`
    )
    return false
  }
}
