/**
 * ReplicationControl: the controller's partitions (Kafka's ReplicationControlManager): topic
 * creation and deletion, added partitions, replica assignment, leader elections and ISR changes,
 * all on the partition registrations of the cluster metadata, each change published to the brokers'
 * ReplicaManagers (Kafka's metadata deltas applied by brokers).
 *
 * Elections:
 * - 'replica-order' (a leader stopped or failed; Kafka's OfflinePartitionLeaderElection): the first
 *   usable ISR member in replica order whose log reaches what the partition acknowledged; when none
 *   does, the most complete one (and the loss is reported);
 * - 'most-complete' (the leader's log is damaged or shorter than an ISR member's): the usable ISR
 *   member with the longest log, the old leader excluded;
 * - 'preferred' (kafka-leader-election, auto.leader.rebalance.enable): the first replica, when it is
 *   usable, in the ISR and holds everything the leader has.
 * - 'unclean' (ElectLeaders UNCLEAN, on demand): as 'replica-order' while a usable ISR member exists.
 * Usable: its broker runs and its log is not offline. With no usable ISR member the partition goes
 * offline (leader -1, ISR kept), unless the topic's unclean.leader.election.enable is true or the
 * election is 'unclean': then the first usable replica outside the ISR in replica order leads (Kafka's
 * PartitionChangeBuilder), the ISR becomes [it], and a records-lost event names exactly the offsets
 * from where its log stops agreeing with the committed log to the high watermark before (fromOffset,
 * toOffset, count): its log end, or earlier where it holds records of an older leader epoch that
 * were never committed (the controller keeps the committed log's leader epochs per partition, as
 * the leader's epoch cache had them at each election, and compares). The registration
 * then carries uncleanEpoch: a replica whose log stops at an older epoch may truncate below its own
 * high watermark to agree with the new leader (those records are the lost ones), and until it has
 * (its log's latest epoch is older than uncleanEpoch) its high watermark, which belongs to the
 * history reported lost, does not count as acknowledged. Each election bumps the leader epoch; the controller
 * never touches a follower's log: followers holding records the new leader does not truncate
 * themselves by leader epochs before they fetch (ReplicaFetcher, KIP-101), never below their own
 * high watermark.
 *
 * Trust: at open (restoreAfterOpen) and whenever a replica reports that its leader lacks records
 * (leaderIncomplete) or holds a corrupt batch (leaderCorrupt), leadership goes to the most complete
 * intact in-sync replica, so a damaged replica never decides what the healthy ones keep; the
 * damaged one leaves the ISR until it has caught up (a corrupt one is cut at its first invalid
 * batch first). What no replica holds any more is reported as lost.
 *
 * Faults (../faults): a broker that cannot be reached (killed, isolated: BrokerRegistry.reachable)
 * gets no registration published (it learns the latest ones when it is started or healed:
 * republishBroker), its leader's AlterPartition requests do not arrive, and new logs of it are made
 * when it next learns the registrations; a fenced broker leaves ISRs and leaderships as a stopped
 * one does (brokerStopped with reason 'fenced').
 *
 * Must stay true: every ISR member's log end offset >= the high watermark (members that fall below
 * leave); a stopped or fenced broker leaves every ISR at once but the last member stays (the
 * partition waits for it, unless an unclean election gives it a leader from outside the ISR); an
 * offline replica is never leader; a replica outside the ISR leads only by an unclean election, and
 * then what it lacks below the acknowledged end is reported exactly once (records-lost); every change
 * is persisted (metaChanged) and reported as a cluster event where a user cares, elections and ISR
 * changes with their reason: such a change registers its cause (commit), and its event is made
 * from the record the step's persist appends (./metadata-events.ts), so it carries the record's
 * metadata log offset and exists only once the record is in the log.
 */
import { KafkaError, type StorageError } from '../model/errors'
import type { ClusterEventInput, ClusterEventReason } from '../cluster/cluster-events'
import type { ClusterMetadata, PartitionMeta, TopicMeta } from '../cluster/cluster-metadata'
import { isCorruption, isStorageFailure, type Partition } from '../cluster/partition'
import type { ReplicaLogStore } from '../cluster/replica-log'
import { assignReplicas } from '../cluster/replica-assignment'
import { checkReplicaBudget, type ReplicaBudget } from '../cluster/replica-budget'
import { toLogConfig } from '../model/log-config'
import { formatCount } from '../model/format-count'
import type { TopicConfigs } from '../cluster/cluster-api'
import type { ReplicaManager } from '../server/replica-manager'
import type { BrokerRegistry } from './broker-registry'
import type { EpochEntry } from '../storage/leader-epoch-file-cache'
import type { ChangeCause, MetadataEvents } from './metadata-events'

/** How a leader is chosen; see the module header. */
export type ElectionMode = 'replica-order' | 'most-complete' | 'unclean'

/** What replication control needs from the cluster. */
export interface ReplicationControlEnv {
  clock(): number
  /** The replica manager of broker `id` (running or not). */
  replicaManager(id: number): ReplicaManager
  store: ReplicaLogStore
  /** The metadata changed: persist it at the end of the step. */
  metaChanged(): void
  /** Persist the metadata now, durably (fsynced). @throws KafkaError KAFKA_STORAGE_ERROR when it cannot be written. */
  writeMetadata(): void
  event(e: ClusterEventInput): void
  budget: ReplicaBudget
}

/** Base offset of the segment a StorageError names (`.../<20 digits>.log`), or null. */
function segmentBaseOf(file: string): number | null {
  const m = /(\d{20})\.log(\.\w+)?$/.exec(file)
  return m ? Number(m[1]) : null
}

/** A new partition's registration: leader = first replica, epoch 0, ISR = every replica (as at creation in Kafka). */
export function newPartitionMeta(replicas: number[]): PartitionMeta {
  return { replicas, leader: replicas[0], leaderEpoch: 0, isr: [...replicas] }
}

/** The leader epoch of the record at `offset` by `entries` (sorted by start offset), -1 before the first. */
function epochAt(entries: readonly EpochEntry[], offset: number): number {
  let epoch = -1
  for (const e of entries) {
    if (e.startOffset > offset) break
    epoch = e.epoch
  }
  return epoch
}

/**
 * The first offset below `end` where a log with leader epochs `log` stops agreeing with the
 * committed log whose epochs are `committed` (a record's epoch at an offset differs: each epoch has
 * one leader, so records of the same epoch at the same offset are the same records), else `end`.
 * Kafka's follower truncation by OffsetsForLeaderEpoch (KIP-101, KIP-279) finds the same point.
 */
export function divergenceOffset(log: readonly EpochEntry[], end: number, committed: readonly EpochEntry[]): number {
  const points = [...new Set([...log, ...committed].map((e) => e.startOffset))].filter((o) => o < end).sort((a, b) => a - b)
  for (const o of points) if (epochAt(log, o) !== epochAt(committed, o)) return o
  return end
}

/** The controller's partitions. Not thread-safe: the engine's event loop owns it. */
export class ReplicationControl {
  /**
   * Per partition, the highest high watermark it is known to have had (a replica's checkpoint at
   * open, raised with every high watermark seen since): offsets below it were acknowledged.
   */
  private readonly acknowledged = new Map<string, number>()
  /**
   * Per partition, the leader epochs of the committed log (the leader's epoch cache at its election,
   * with its new epoch from its log end on), within a run: what an unclean leader's log is compared
   * with to find where it diverges (divergenceOffset). Unknown after a reopen until the next election.
   */
  private readonly committedEpochs = new Map<string, EpochEntry[]>()
  /** Corruptions already reported without a fail-over (file:position). */
  private readonly reportedCorruption = new Set<string>()
  /** Partitions already reported as led by an incomplete leader no election could fix. */
  private readonly reportedIncomplete = new Set<string>()

  /** @param events where the causes of metadata changes are registered (the controller's MetadataEvents). */
  constructor(
    private readonly meta: ClusterMetadata,
    private readonly registry: BrokerRegistry,
    private readonly env: ReplicationControlEnv,
    private readonly events: MetadataEvents
  ) {}

  /** Registers the `causes` of the changes just made; their events follow from the records the step's persist appends. */
  private commit(...causes: ChangeCause[]): void {
    this.events.because(...causes)
  }

  // ---- lookups ---------------------------------------------------------------------------------

  /** The topic's metadata, or undefined. */
  topic(name: string): TopicMeta | undefined {
    return this.meta.topics.find((t) => t.name === name)
  }

  /** Every topic's metadata. */
  topics(): readonly TopicMeta[] {
    return this.meta.topics
  }

  /** Replicas the cluster holds: partitions x replication factor over every topic, internal ones included. */
  replicaCount(): number {
    let n = 0
    for (const t of this.meta.topics) for (const p of t.partitions) n += p.replicas.length
    return n
  }

  private replicaOf(b: number, topic: string, i: number): Partition | undefined {
    return this.env.replicaManager(b).partition(topic, i)
  }

  /** Log end offset of broker `b`'s replica (0 when it has no log). */
  logEndOffsetOf(b: number, topic: string, i: number): number {
    return this.replicaOf(b, topic, i)?.logEndOffset ?? 0
  }

  /** Running and its replica's log usable. */
  usable(b: number, topic: string, i: number): boolean {
    const p = this.replicaOf(b, topic, i)
    return this.registry.isAlive(b) && !!p && p.offline === null
  }

  private key(topic: string, i: number): string {
    return `${topic}-${i}`
  }

  /**
   * The acknowledged end of a partition: the highest high watermark known (stored, or any replica's
   * now). After an unclean election, a replica whose log's latest epoch is older than uncleanEpoch
   * has not reconciled with the new leader yet: its high watermark belongs to the history that
   * election reported lost, so it does not count.
   */
  private acknowledgedEnd(topic: string, i: number): number {
    let v = this.acknowledged.get(this.key(topic, i)) ?? 0
    const pm = this.topic(topic)?.partitions[i]
    if (pm)
      for (const b of pm.replicas) {
        const log = this.replicaOf(b, topic, i)?.log
        if (!log || (pm.uncleanEpoch !== undefined && (log.latestEpoch ?? -1) < pm.uncleanEpoch)) continue
        v = Math.max(v, log.highWatermark)
      }
    this.acknowledged.set(this.key(topic, i), v)
    return v
  }

  // ---- publishing ------------------------------------------------------------------------------

  /** Publishes partition `i` of `t` to its replicas' brokers (Kafka's metadata delta). */
  publish(t: TopicMeta, i: number): void {
    const reg = t.partitions[i]
    for (const b of reg.replicas) if (this.registry.reachable(b)) this.env.replicaManager(b).applyRegistration(t.name, i, reg, !t.internal)
  }

  /**
   * Broker `b` can be reached again (started after a kill, healed from isolation): it learns the
   * current registration of every partition it hosts, and its followers reconcile their logs with
   * their leaders by leader epoch before fetching (ReplicaFetcher).
   */
  republishBroker(b: number): void {
    for (const t of this.meta.topics)
      for (let i = 0; i < t.partitions.length; i++) {
        const reg = t.partitions[i]
        if (!reg.replicas.includes(b)) continue
        const p = this.env.replicaManager(b).applyRegistration(t.name, i, reg, !t.internal)
        if (p && reg.leader !== b) p.needsReconciliation = true
      }
  }

  /**
   * Notes the high watermarks of broker `b`'s replicas as acknowledged before its process state is
   * lost (a kill): what clients were acknowledged stays a fact, so a later election's loss report
   * (records-lost) still counts those offsets.
   */
  noteAcknowledged(b: number): void {
    for (const t of this.meta.topics) for (let i = 0; i < t.partitions.length; i++) if (t.partitions[i].replicas.includes(b)) this.acknowledgedEnd(t.name, i)
  }

  /** Publishes every partition (at open). */
  publishAll(): void {
    for (const t of this.meta.topics) for (let i = 0; i < t.partitions.length; i++) this.publish(t, i)
  }

  // ---- topics ----------------------------------------------------------------------------------

  /**
   * Creates a topic, all or nothing: within the replica budget (POLICY_VIOLATION), replicas
   * assigned over the live brokers as Kafka's rack-unaware assignor does, every replica log opened
   * (user topics; internal topics open lazily) and the metadata written before anything of it is
   * visible; a failure removes what was made (the logs, the in-memory registration; the metadata log
   * keeps none of a failed write's records) and throws KAFKA_STORAGE_ERROR. `manual`: the replicas
   * of each partition as the caller chose them (checked by the caller), instead of the assignor's.
   * `cause`: the event to report once the topic's records are appended.
   */
  createTopic(name: string, partitions: number, rf: number, configs: TopicConfigs, internal: boolean, topicId: string, manual?: number[][], cause?: ChangeCause): TopicMeta {
    const assignment = this.planTopic(name, partitions, rf, manual)
    const meta: TopicMeta = { name, topicId, internal, configs, partitions: assignment.map(newPartitionMeta) }
    if (!internal) this.openNewLogs(name, 0, assignment, toLogConfig(configs), `Topic ${name} was not created`)
    this.meta.topics.push(meta)
    if (cause) this.events.because(cause)
    try {
      this.env.writeMetadata()
    } catch (e) {
      // The metadata log keeps none of the failed write's records (MetadataLog.persistDurably).
      this.meta.topics.pop()
      this.deleteNewLogs(name, 0, assignment)
      this.rolledBack(`Topic ${name} was not created`, e)
    }
    for (let i = 0; i < partitions; i++) this.publish(meta, i)
    return meta
  }

  /**
   * The replica assignment a new topic would get, within the replica budget (POLICY_VIOLATION);
   * nothing changes (CreateTopics' validate_only runs it too). `manual` is used as it is.
   * @throws KafkaError POLICY_VIOLATION, INVALID_REPLICATION_FACTOR.
   */
  planTopic(name: string, partitions: number, rf: number, manual?: number[][]): number[][] {
    checkReplicaBudget(this.replicaCount(), partitions, rf, this.env.budget, `Topic '${name}'`)
    return manual ? manual.map((r) => [...r]) : assignReplicas(name, partitions, rf, this.registry.liveIds())
  }

  /**
   * The assignment of every partition topic `t` would have with `count` partitions (the existing
   * ones as they are, then `manual`'s or the assignor's), within the replica budget; nothing changes.
   * @throws KafkaError POLICY_VIOLATION, INVALID_REPLICATION_FACTOR.
   */
  planPartitions(t: TopicMeta, count: number, manual?: number[][]): number[][] {
    const current = t.partitions.length
    const rf = t.partitions[0].replicas.length
    checkReplicaBudget(this.replicaCount(), count - current, rf, this.env.budget, `Adding ${count - current} partition(s) to topic '${t.name}'`)
    if (!manual) return assignReplicas(t.name, count, rf, this.registry.liveIds())
    return [...t.partitions.map((p) => [...p.replicas]), ...manual.map((r) => [...r])]
  }

  /**
   * Grows topic `t` to `count` partitions (Kafka's CreatePartitions; the caller checked the rules),
   * all or nothing as creating a topic; `manual`: the replicas of each added partition; `cause`:
   * the event to report once their records are appended.
   */
  createPartitions(t: TopicMeta, count: number, manual?: number[][], cause?: ChangeCause): void {
    const current = t.partitions.length
    const assignment = this.planPartitions(t, count, manual)
    this.openNewLogs(t.name, current, assignment, toLogConfig(t.configs), `No partitions were added to topic ${t.name}`)
    for (let i = current; i < count; i++) t.partitions.push(newPartitionMeta(assignment[i]))
    if (cause) this.events.because(cause)
    try {
      this.env.writeMetadata()
    } catch (e) {
      // The metadata log keeps none of the failed write's records (no record removes partitions).
      t.partitions.length = current
      this.deleteNewLogs(t.name, current, assignment)
      this.rolledBack(`No partitions were added to topic ${t.name}`, e)
    }
    for (let i = current; i < count; i++) this.publish(t, i)
  }

  /** Deletes topic `t`: every replica's Partition and log, and its metadata. */
  deleteTopic(t: TopicMeta): void {
    const gone = new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${t.name} was deleted`)
    for (let i = 0; i < t.partitions.length; i++)
      for (const b of this.registry.ids()) {
        this.env.replicaManager(b).removePartition(t.name, i, gone)
        this.env.store.delete(b, t.name, i)
        this.acknowledged.delete(this.key(t.name, i))
      }
    this.meta.topics.splice(this.meta.topics.indexOf(t), 1)
    this.env.metaChanged()
  }

  private openNewLogs(name: string, from: number, assignment: number[][], config: ReturnType<typeof toLogConfig>, what: string): void {
    for (let i = from; i < assignment.length; i++)
      for (const b of assignment[i]) {
        // A broker that cannot be reached makes its log when it learns the registration.
        if (!this.registry.reachable(b)) continue
        try {
          this.env.store.open(b, name, i, config, true)
        } catch (e) {
          this.deleteNewLogs(name, from, assignment)
          this.rolledBack(`${what}: the log of ${name}-${i} on broker ${b} could not be created`, e)
        }
      }
  }

  private deleteNewLogs(name: string, from: number, assignment: number[][]): void {
    for (let i = from; i < assignment.length; i++)
      for (const b of assignment[i]) {
        try {
          this.env.store.delete(b, name, i)
        } catch {
          // a directory that cannot be removed now is a stray at the next open, deleted then
        }
      }
  }

  private rolledBack(what: string, cause: unknown): never {
    const message = `${what}: ${(cause as Error)?.message ?? String(cause)}. Nothing of it was kept.`
    this.env.event({ kind: 'topic-rolled-back', severity: 'warning', message })
    throw new KafkaError('KAFKA_STORAGE_ERROR', message)
  }

  // ---- elections -------------------------------------------------------------------------------

  /** The topic's unclean.leader.election.enable (default false, as Kafka). */
  uncleanAllowed(t: TopicMeta): boolean {
    return t.configs['unclean.leader.election.enable'] === 'true'
  }

  private isrUsable(t: TopicMeta, i: number): number[] {
    const pm = t.partitions[i]
    return pm.replicas.filter((b) => pm.isr.includes(b) && this.usable(b, t.name, i))
  }

  /**
   * Elects a leader of partition `i` of `t` (see the module header for the modes); `why` says why,
   * for the event. Bumps the leader epoch when the leader changes, raises the new leader's high
   * watermark to what was acknowledged (up to its log end), drops ISR members below it, reports a
   * loss, and publishes.
   */
  elect(t: TopicMeta, i: number, mode: ElectionMode, why: string, reason?: ClusterEventReason): void {
    const pm = t.partitions[i]
    const prev = pm.leader
    const acked = this.acknowledgedEnd(t.name, i)
    const committed = this.committedEpochsOf(t, i)
    let candidates = this.isrUsable(t, i)
    if (mode === 'most-complete' && candidates.length > 1) candidates = candidates.filter((b) => b !== prev)
    const leo = (b: number): number => this.logEndOffsetOf(b, t.name, i)
    let next = -1
    const outside = candidates.length === 0 && (mode === 'unclean' || this.uncleanAllowed(t)) ? pm.replicas.filter((b) => !pm.isr.includes(b) && this.usable(b, t.name, i)) : []
    const unclean = outside.length > 0
    if (unclean) {
      next = outside[0]
      pm.leader = next
      pm.isr = [next]
    } else if (candidates.length > 0) {
      const intact = candidates.filter((b) => leo(b) >= acked)
      next = mode !== 'most-complete' && intact.length > 0 ? intact[0] : candidates.reduce((best, b) => (leo(b) > leo(best) ? b : best), candidates[0])
      pm.leader = next
      pm.isr = pm.replicas.filter((b) => pm.isr.includes(b) && (this.usable(b, t.name, i) || b === next))
    } else {
      pm.leader = -1
    }
    this.env.metaChanged()
    if (pm.leader === prev) {
      this.publish(t, i)
      return
    }
    pm.leaderEpoch++
    if (unclean) pm.uncleanEpoch = pm.leaderEpoch
    const name = `${t.name}-${i}`
    const how = mode === 'unclean' && reason === 'unclean-election' ? 'an unclean leader election was asked for' : 'unclean.leader.election.enable is true'
    this.commit({
      kind: 'leader-elected',
      severity: unclean ? 'error' : mode === 'most-complete' || pm.leader < 0 ? 'warning' : 'info',
      topic: t.name,
      partition: i,
      brokerId: pm.leader,
      election: unclean ? 'unclean' : mode === 'most-complete' ? 'most-complete' : 'clean-from-isr',
      reason,
      previousLeader: prev,
      leaderEpoch: pm.leaderEpoch,
      isr: [...pm.isr],
      message:
        pm.leader < 0
          ? `${name} is offline: ${why}, and no other in-sync replica can lead it${this.uncleanAllowed(t) ? '' : ' (unclean.leader.election.enable is false)'}`
          : unclean
            ? `Broker ${pm.leader} now leads ${name} (leader epoch ${pm.leaderEpoch}) by an unclean election: ${why}, no in-sync replica was left, broker ${pm.leader} was not in the ISR and ${how}`
            : `Broker ${pm.leader} now leads ${name} (leader epoch ${pm.leaderEpoch}): ${why}`
    })
    const leaderLog = pm.leader >= 0 ? this.replicaOf(pm.leader, t.name, i)?.localLog() : null
    let diverged: number | undefined
    if (leaderLog) {
      const entries = leaderLog.epochEntries()
      const end = leaderLog.logEndOffset
      if (committed) diverged = divergenceOffset(entries, end, committed)
      this.committedEpochs.set(this.key(t.name, i), [...entries.filter((e) => e.startOffset < end), { epoch: pm.leaderEpoch, startOffset: end }])
    }
    this.afterLeaderChosen(t, i, unclean, diverged)
    this.publish(t, i)
    this.seedFollowers(t, i)
  }

  /**
   * The committed log's leader epochs of partition `i` (see committedEpochs), before an election:
   * kept from the last election; a partition never elected since creation has epoch 0 from offset 0;
   * else the current leader's epoch cache when its log is open; else null (unknown).
   */
  private committedEpochsOf(t: TopicMeta, i: number): EpochEntry[] | null {
    const kept = this.committedEpochs.get(this.key(t.name, i))
    if (kept) return kept
    const pm = t.partitions[i]
    if (pm.leaderEpoch === 0) return [{ epoch: 0, startOffset: 0 }]
    const log = pm.leader >= 0 ? this.replicaOf(pm.leader, t.name, i)?.log : null
    return log ? log.epochEntries() : null
  }

  /**
   * Once a leader is chosen: its high watermark covers what was acknowledged (up to its log end),
   * ISR members ending below it leave the ISR, and what no replica holds any more is reported lost
   * (records-lost: fromOffset = where the leader's log stops agreeing with the committed log, its
   * log end or `diverged` when lower, toOffset = the acknowledged end, count).
   * `unclean`: the leader was out of the ISR (the event says so).
   */
  private afterLeaderChosen(t: TopicMeta, i: number, unclean = false, diverged?: number): void {
    const pm = t.partitions[i]
    if (pm.leader < 0) return
    const lp = this.replicaOf(pm.leader, t.name, i)
    const log = lp?.localLog()
    if (!lp || !log) return
    const acked = this.acknowledgedEnd(t.name, i)
    const end = log.logEndOffset
    const from = Math.min(end, diverged ?? end)
    const target = Math.min(acked, end)
    if (target > log.highWatermark && target >= log.logStartOffset) log.updateHighWatermark(target)
    if (from < acked) {
      const offsets = `offsets ${formatCount(from)} to ${formatCount(acked - 1)} (${formatCount(acked - from)} offset${acked - from === 1 ? '' : 's'})`
      const holds = from < end ? `its log holds other records (of an older leader epoch, never committed) from offset ${formatCount(from)} on` : `its log ends at ${formatCount(end)}`
      this.env.event({
        kind: 'records-lost',
        severity: 'error',
        topic: t.name,
        partition: i,
        brokerId: pm.leader,
        fromOffset: from,
        toOffset: acked,
        count: acked - from,
        message: unclean
          ? `Unclean leader election of ${t.name}-${i} lost ${offsets}, which were acknowledged: the new leader, broker ${pm.leader}, was out of the ISR and ${holds}, below the high watermark ${formatCount(acked)}`
          : `No in-sync replica of ${t.name}-${i} holds ${offsets}, which were acknowledged: broker ${pm.leader} leads with the most complete log, and ${holds}`
      })
    }
    this.acknowledged.set(this.key(t.name, i), Math.max(log.highWatermark, Math.min(acked, end)))
    const behind = pm.isr.filter((b) => b !== pm.leader && this.logEndOffsetOf(b, t.name, i) < log.highWatermark)
    if (behind.length === 0) return
    pm.isr = pm.isr.filter((b) => !behind.includes(b))
    this.env.metaChanged()
    this.commit(
      ...behind.map((b): ChangeCause => ({
        kind: 'isr-shrink',
        severity: 'warning',
        topic: t.name,
        partition: i,
        brokerId: b,
        reason: 'below-high-watermark',
        isr: [...pm.isr],
        leaderEpoch: pm.leaderEpoch,
        message: `Broker ${b} left the ISR of ${t.name}-${i} [${pm.isr.join(', ')}]: its log ends at offset ${formatCount(this.logEndOffsetOf(b, t.name, i))}, below the high watermark ${formatCount(log.highWatermark)}; it catches up from broker ${pm.leader} and rejoins`
      }))
    )
  }

  /**
   * After the cluster opens, before any replication (see the module header): a replica whose log
   * ends below the high watermark its own checkpoint recorded lost acknowledged records (reported);
   * a leader that is offline, or shorter than an ISR member, gives way to the most complete; the
   * leader's high watermark covers what was acknowledged; members below it leave the ISR; a log found
   * corrupt as it opened is cut at its first invalid batch where intact ISR members can refill it;
   * the leaders learn where their followers' logs end.
   */
  restoreAfterOpen(): void {
    const now = this.env.clock()
    for (const t of this.meta.topics)
      for (let i = 0; i < t.partitions.length; i++) {
        const pm = t.partitions[i]
        for (const b of pm.replicas) {
          const p = this.replicaOf(b, t.name, i)
          if (p?.corruptAtOpen && this.isrUsable(t, i).some((x) => x !== b)) p.retryOffline(now, { force: true, recover: true })
        }
        let acked = this.acknowledged.get(this.key(t.name, i)) ?? 0
        for (const b of pm.replicas) {
          const log = this.replicaOf(b, t.name, i)?.log
          const recorded = log?.checkpointedHighWatermark ?? null
          if (!log || recorded === null) continue
          acked = Math.max(acked, recorded)
          if (log.logEndOffset < recorded)
            this.env.event({
              kind: 'replica-damaged',
              severity: 'warning',
              topic: t.name,
              partition: i,
              brokerId: b,
              message: `The log of ${t.name}-${i} on broker ${b} ends at offset ${formatCount(log.logEndOffset)}, below the high watermark ${formatCount(recorded)} it recorded: records ${formatCount(log.logEndOffset)} to ${formatCount(recorded - 1)} are missing from it (a damaged or cut log)`
            })
        }
        this.acknowledged.set(this.key(t.name, i), acked)
        const leader = pm.leader
        if (leader >= 0) {
          const longer = this.isrUsable(t, i).find((b) => this.logEndOffsetOf(b, t.name, i) > this.logEndOffsetOf(leader, t.name, i))
          const lp = this.replicaOf(leader, t.name, i)
          if (!lp || lp.offline) this.elect(t, i, 'most-complete', `the log of its leader, broker ${leader}, is unusable (${lp?.offline?.error.message ?? 'not opened'})`)
          else if (longer !== undefined)
            this.elect(
              t,
              i,
              'most-complete',
              `its leader, broker ${leader}, ends at offset ${formatCount(this.logEndOffsetOf(leader, t.name, i))}, below broker ${longer}'s ${formatCount(this.logEndOffsetOf(longer, t.name, i))}: the leader's log lost records that its followers hold`
            )
          else {
            this.afterLeaderChosen(t, i)
            this.publish(t, i)
          }
        }
        this.seedFollowers(t, i)
      }
  }

  /**
   * Tells the leader of partition `i` where its live followers' logs end (as their next fetch
   * would), each counted only as far as it agrees with the leader's log by leader epoch
   * (divergenceOffset): a follower still holding records of an old leader that this one never had
   * truncates them at its first fetch, so they must not move the high watermark over the leader's
   * own records at those offsets.
   */
  private seedFollowers(t: TopicMeta, i: number): void {
    const pm = t.partitions[i]
    if (pm.leader < 0) return
    const lp = this.replicaOf(pm.leader, t.name, i)
    if (!lp) return
    const leaderLog = lp.log
    for (const b of pm.replicas) {
      if (b === pm.leader || !this.usable(b, t.name, i) || !this.registry.isFetching(b) || !this.registry.reachable(b)) continue
      const end = this.logEndOffsetOf(b, t.name, i)
      const followerLog = this.replicaOf(b, t.name, i)?.log
      const agreed = leaderLog && followerLog ? Math.min(end, leaderLog.logEndOffset, divergenceOffset(followerLog.epochEntries(), end, leaderLog.epochEntries())) : end
      lp.seedFollowerEndOffset(b, agreed)
    }
    lp.maybeIncrementHighWatermark()
  }

  /**
   * A replica reports that the leader of `topic`-`i` lacks records it holds (a shorter log than an
   * in-sync follower's, or below what the follower knows was acknowledged): the most complete
   * in-sync replica leads. Reported once when no election can fix it.
   */
  leaderIncomplete(topic: string, i: number, why: string): void {
    const t = this.topic(topic)
    if (!t) return
    const prev = t.partitions[i].leader
    this.elect(t, i, 'most-complete', why)
    const k = this.key(topic, i)
    if (t.partitions[i].leader === prev) {
      if (!this.reportedIncomplete.has(k)) {
        this.reportedIncomplete.add(k)
        this.env.event({ kind: 'replica-damaged', severity: 'error', topic, partition: i, brokerId: prev, message: `${why}; no other in-sync replica can lead ${topic}-${i}` })
      }
    } else this.reportedIncomplete.delete(k)
  }

  /**
   * Broker `b`, leading `topic`-`i`, met a corrupt batch (`err`, naming file and position). When
   * another usable ISR member exists, `b` leaves the ISR, the most complete of them leads, and `b`'s
   * log is cut at its first invalid batch (re-validated from the corrupt segment on), so it refetches
   * the rest. Otherwise nothing moves and the corruption is reported once.
   * @returns whether leadership moved away from `b`.
   */
  leaderCorrupt(topic: string, i: number, b: number, err: StorageError): boolean {
    const t = this.topic(topic)
    if (!t) return false
    const pm = t.partitions[i]
    const others = this.isrUsable(t, i).filter((x) => x !== b)
    if (pm.leader !== b || others.length === 0) {
      const key = `${err.file}:${err.position ?? ''}`
      if (!this.reportedCorruption.has(key)) {
        this.reportedCorruption.add(key)
        this.env.event({
          kind: 'replica-damaged',
          severity: 'error',
          topic,
          partition: i,
          brokerId: b,
          message: `The log of ${topic}-${i} on broker ${b} has a corrupt batch and no other in-sync replica can take over: ${err.message}`
        })
      }
      return false
    }
    this.env.event({ kind: 'replica-damaged', severity: 'warning', topic, partition: i, brokerId: b, message: `The log of ${topic}-${i} on broker ${b} has a corrupt batch: ${err.message}` })
    pm.isr = pm.isr.filter((x) => x !== b)
    this.env.metaChanged()
    this.elect(t, i, 'most-complete', `its leader, broker ${b}, has a corrupt batch in its log`)
    const damaged = this.replicaOf(b, topic, i)
    if (!damaged) return true
    const from = segmentBaseOf(err.file) ?? damaged.logStartOffset
    const end = damaged.repairFrom(from)
    if (!damaged.offline)
      this.env.event({
        kind: 'replica-repaired',
        severity: 'info',
        topic,
        partition: i,
        brokerId: b,
        message: `The log of ${topic}-${i} on broker ${b} was cut at its first invalid batch (log end offset ${formatCount(end)}); it refetches the rest from broker ${pm.leader}`
      })
    return true
  }

  // ---- brokers and replicas --------------------------------------------------------------------

  /**
   * Broker `b` stopped (reason 'controlled-shutdown') or was fenced ('fenced': it missed heartbeats;
   * `detail` says how, e.g. " after missing heartbeats for 9001 ms (...)"): partitions it led elect
   * from their ISR; as a follower it leaves every ISR at once, unless it is the last member (Kafka's
   * controller removes a shut-down or fenced broker from every ISR; the last member stays, so the
   * partition can come back without an unclean election). The events carry `reason`.
   */
  brokerStopped(b: number, reason: 'controlled-shutdown' | 'fenced' = 'controlled-shutdown', detail = ''): void {
    const leaderWhy = reason === 'fenced' ? `its leader, broker ${b}, was fenced${detail}` : `its leader, broker ${b}, stopped`
    const isrWhy = reason === 'fenced' ? `broker ${b} was fenced${detail}` : `broker ${b} stopped (controlled shutdown)`
    for (const t of this.meta.topics)
      for (let i = 0; i < t.partitions.length; i++) {
        const pm = t.partitions[i]
        if (!pm.replicas.includes(b)) continue
        if (pm.leader === b) this.elect(t, i, 'replica-order', leaderWhy, reason)
        else if (pm.isr.includes(b) && pm.isr.length > 1) this.setIsr(t, i, pm.isr.filter((x) => x !== b), isrWhy, reason)
        else this.publish(t, i)
      }
  }

  /**
   * Broker `b` started (reason 'broker-started') or was unfenced ('unfenced'): offline partitions
   * whose ISR holds it get it as leader; elsewhere its replicas reconcile their logs with the leader
   * (see ReplicaFetcher) and catch up.
   */
  brokerStarted(b: number, reason: ClusterEventReason = 'broker-started'): void {
    for (const t of this.meta.topics)
      for (let i = 0; i < t.partitions.length; i++) {
        const pm = t.partitions[i]
        if (!pm.replicas.includes(b)) continue
        const p = this.replicaOf(b, t.name, i)
        if (p) p.needsReconciliation = true
        if (pm.leader < 0 && (pm.isr.includes(b) || this.uncleanAllowed(t)) && this.usable(b, t.name, i)) this.elect(t, i, 'replica-order', `broker ${b} is back`, reason)
        else this.publish(t, i)
      }
  }

  /** Broker `b`'s replica of `topic`-`i` went offline: as for a stopped broker, for that partition only. */
  replicaOffline(b: number, topic: string, i: number): void {
    const t = this.topic(topic)
    if (!t) return
    const pm = t.partitions[i]
    if (pm.leader === b) this.elect(t, i, 'replica-order', `the log of its leader, broker ${b}, failed`)
    else if (pm.isr.includes(b) && pm.isr.length > 1) this.setIsr(t, i, pm.isr.filter((x) => x !== b), `the log of broker ${b} is offline`)
  }

  /** Broker `b`'s replica of `topic`-`i` is online again: an offline partition may get it as leader. */
  replicaOnline(b: number, topic: string, i: number): void {
    const t = this.topic(topic)
    if (!t) return
    const pm = t.partitions[i]
    if (pm.leader < 0 && pm.isr.includes(b) && this.registry.isAlive(b)) this.elect(t, i, 'replica-order', `the log of broker ${b} is back`)
    else this.publish(t, i)
  }

  /**
   * AlterPartition from the leader `from` of `topic`-`i`: sets the ISR (expansion when a follower
   * caught up, shrink when one lagged). Refused (ignored) when `from` no longer leads, or the new ISR
   * is not a subset of the replicas holding the leader, or adds a broker that is not usable.
   */
  alterIsr(from: number, topic: string, i: number, isr: number[], why: string): void {
    const t = this.topic(topic)
    if (!t) return
    const pm = t.partitions[i]
    // An isolated leader's AlterPartition never reaches the controller.
    if (!this.registry.reachable(from)) return
    if (pm.leader !== from || !isr.includes(from) || isr.some((b) => !pm.replicas.includes(b))) return
    if (isr.some((b) => !pm.isr.includes(b) && !this.usable(b, topic, i))) return
    this.setIsr(t, i, pm.replicas.filter((b) => isr.includes(b)), why)
  }

  /** Sets the ISR; `reason` of the events (default: a shrink is 'replica-lag', an expansion 'caught-up', as AlterPartition asks). */
  private setIsr(t: TopicMeta, i: number, isr: number[], why: string, reason?: ClusterEventReason): void {
    const pm = t.partitions[i]
    const added = isr.filter((b) => !pm.isr.includes(b))
    const removed = pm.isr.filter((b) => !isr.includes(b))
    if (added.length === 0 && removed.length === 0) return
    pm.isr = isr
    this.env.metaChanged()
    const causes: ChangeCause[] = []
    if (removed.length > 0)
      causes.push({ kind: 'isr-shrink', severity: 'warning', topic: t.name, partition: i, brokerId: removed[0], brokers: removed, reason: reason ?? 'replica-lag', isr: [...isr], leaderEpoch: pm.leaderEpoch, message: `Broker${removed.length > 1 ? 's' : ''} ${removed.join(', ')} left the ISR of ${t.name}-${i} [${isr.join(', ')}]: ${why}` })
    if (added.length > 0)
      causes.push({ kind: 'isr-expand', severity: 'info', topic: t.name, partition: i, brokerId: added[0], brokers: added, reason: reason ?? 'caught-up', isr: [...isr], leaderEpoch: pm.leaderEpoch, message: `Broker${added.length > 1 ? 's' : ''} ${added.join(', ')} rejoined the ISR of ${t.name}-${i} [${isr.join(', ')}]: ${why}` })
    this.commit(...causes)
    this.publish(t, i)
  }

  /**
   * Preferred leader election of partition `i` (kafka-leader-election --election-type PREFERRED):
   * when its first replica is usable, in the ISR, not leading and holds everything the leader has,
   * it leads (leader epoch + 1). `catchUp` runs a replication round of the partition first.
   * `reason` of the event: 'preferred-election' (asked for) or 'auto-leader-rebalance'.
   * @returns whether leadership moved.
   */
  electPreferred(t: TopicMeta, i: number, catchUp: () => void, reason: 'preferred-election' | 'auto-leader-rebalance' = 'preferred-election'): boolean {
    const pm = t.partitions[i]
    const preferred = pm.replicas[0]
    if (pm.leader === preferred || pm.leader < 0) return false
    if (!pm.isr.includes(preferred) || !this.usable(preferred, t.name, i)) return false
    catchUp()
    if (pm.leader === preferred || pm.leader < 0) return false
    if (this.logEndOffsetOf(preferred, t.name, i) < this.logEndOffsetOf(pm.leader, t.name, i)) return false
    const prev = pm.leader
    pm.leader = preferred
    pm.leaderEpoch++
    this.env.metaChanged()
    this.commit({
      kind: 'leader-elected',
      severity: 'info',
      topic: t.name,
      partition: i,
      brokerId: preferred,
      election: 'preferred',
      reason,
      previousLeader: prev,
      leaderEpoch: pm.leaderEpoch,
      isr: [...pm.isr],
      message: `Broker ${preferred} leads ${t.name}-${i} again (leader epoch ${pm.leaderEpoch}): ${reason === 'auto-leader-rebalance' ? 'the automatic leader rebalance (auto.leader.rebalance.enable) moved leadership back to its preferred replica' : 'preferred leader election'}, broker ${prev} led`
    })
    this.publish(t, i)
    return true
  }

  /**
   * Unclean leader election of partition `i` on demand (ElectLeaders UNCLEAN, kafka-leader-election
   * --election-type UNCLEAN), whatever unclean.leader.election.enable says (KIP-460): only a
   * partition without a leader is elected, from its usable ISR members first, else from a usable
   * replica outside the ISR (see the module header: the loss is reported).
   * @returns whether a leader was elected.
   */
  electUnclean(t: TopicMeta, i: number): boolean {
    const pm = t.partitions[i]
    if (pm.leader >= 0) return false
    this.elect(t, i, 'unclean', 'an unclean leader election was asked for', 'unclean-election')
    return pm.leader >= 0
  }

  /** Whether anything can be done about a storage failure `e` (used by callers deciding to rethrow). */
  static isRecoverable(e: unknown): boolean {
    return isStorageFailure(e) || isCorruption(e)
  }
}
