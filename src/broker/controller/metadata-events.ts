/**
 * MetadataEvents: the cluster events of metadata changes (issue 9 sections 3 and 4), made from the
 * records appended to the metadata log, as Kafka's brokers learn of changes from the records the
 * controller committed and nothing else. The controller, when it makes a change, registers why
 * (`because`: a cause, the event it means to report, with its reason and plain-words message);
 * the step's changes are persisted at its end as one record batch (a step stays atomic in the log);
 * MetadataLog.persist returns what the appended records changed (MetadataChange,
 * ./metadata-change.ts), and `published` joins each change with its cause into one event that
 * carries the record's metadata log offset (`metadataOffset`). Each cause holds its place in the
 * event log's order from the moment it is registered (ClusterEventLog.hold), so the step's events
 * come out in the order they happened, the metadata ones filled in once their records are in the
 * log. The event's identity and numbers are the record's: the topic, partition and broker, the
 * leader, previous leader and leader epoch of an election, the ISR of an ISR change; the cause
 * gives the severity, reason, election kind and message (the ISR an election left, too).
 *
 * Which changes are events: broker stopped / started (BrokerRegistrationChangeRecord), topic
 * created / deleted, partitions added, configs changed, leader elected (a new leader or leader
 * epoch, -1: offline), ISR shrink / expand (one event per cause, so one per broker where the
 * controller names each; an ISR change that comes in the same record as an election of that
 * partition, with no cause of its own, is part of the election and not a separate event).
 * Broker registrations (a new cluster's brokers) and replica reassignments have no event kind and
 * give none. Fencing, the controller's identity, kills and the other faults are not metadata records
 * in this engine (fencing is runtime state): their events are emitted directly, as are high
 * watermarks, truncations, damaged replicas and group events.
 *
 * Must stay true:
 * - An event for a metadata change exists only once the change's record is in the log (Kafka's
 *   controller publishes committed records only): while the metadata log cannot be written
 *   (`unpublished`), the causes give up their places, so the events behind them are not held up,
 *   and wait; the persist that finally appends the records publishes their events then. A cause
 *   whose step ends without any persist gives up its place right after the step (setImmediate),
 *   and waits likewise.
 * - Exactly one event per (change, cause); a change without a cause still gets one event, with a
 *   generic reason (the record says what changed, not why). Causes that no appended change matches
 *   when a persist succeeds (the change was undone, superseded, or never made, e.g. a rolled-back
 *   topic creation) are dropped: nothing is reported that the log does not hold.
 * - Events keep the order of their causes among the step's other events; events of changes that
 *   came without a cause, or whose cause gave up its place, follow in log order.
 */
import type { ClusterEventInput, HeldEvents } from '../cluster/cluster-events'
import type { IsrChangedChange, LeaderElectedChange, MetadataChange } from './metadata-change'
import { formatCount } from '../model/format-count'

/** The event kinds made from metadata changes. */
export type MetadataEventKind =
  | 'broker-stopped'
  | 'broker-started'
  | 'topic-created'
  | 'topic-deleted'
  | 'partitions-added'
  | 'configs-changed'
  | 'leader-elected'
  | 'isr-shrink'
  | 'isr-expand'

/**
 * Why the controller made a change: the event it reports once the change's record is appended
 * (its topic, partition, broker, leader epoch, previous leader and ISR are replaced by the record's).
 * ISR causes name the brokers they explain in `brokers` (default: [brokerId]).
 */
export type ChangeCause = ClusterEventInput & { kind: MetadataEventKind; brokers?: number[] }

/** A metadata change's event: a cluster event with the metadata log offset of its record. */
export type MetadataEventInput = ClusterEventInput & { metadataOffset: number }

const partitionKey = (topic: string | undefined, partition: number | undefined): string => `${topic}\u0000${partition}`

/** Where a cause is kept, by what its change will name. */
function causeKey(c: ChangeCause): string {
  switch (c.kind) {
    case 'broker-stopped':
    case 'broker-started':
      return `${c.kind}\u0000${c.brokerId}`
    case 'leader-elected':
    case 'isr-shrink':
    case 'isr-expand':
      return `${c.kind}\u0000${partitionKey(c.topic, c.partition)}`
    default:
      return `${c.kind}\u0000${c.topic}`
  }
}

const plural = (n: number): string => (n === 1 ? '' : 's')

/** The words of a change that came without a cause. */
const NO_REASON = 'a change in the cluster metadata, recorded without a reason'

/** Where events go and places in their order are held: the cluster event log. */
export interface EventOrder {
  emit(e: MetadataEventInput): unknown
  hold(): HeldEvents
}

/** An event made from a change, and the place of its cause in the order (null: none, it goes last). */
interface Made {
  event: MetadataEventInput
  place: HeldEvents | null
}

/** A registered cause and its place in the event order (null once it gave the place up). */
interface Pending {
  cause: ChangeCause
  place: HeldEvents | null
}

/** The translator of metadata changes into cluster events; see the module header. Not thread-safe: the engine's event loop owns it. */
export class MetadataEvents {
  /** Causes waiting for their change's record, by causeKey; ISR causes are lists (one per broker named). */
  private readonly pending = new Map<string, Pending[]>()
  private releaseScheduled: NodeJS.Immediate | null = null

  /** @param events where the events go, each with its `metadataOffset` (the cluster event log). */
  constructor(private readonly events: EventOrder) {}

  /**
   * Registers why a change made in this step is made (after the change, or right before a persist
   * that writes it), holding the place of its event in the order. A later cause for the same
   * subject (the same broker and kind, topic and kind, partition's leader; an ISR cause naming the
   * same brokers) replaces the earlier one: the newest reason is the one the record's state has.
   */
  because(...causes: ChangeCause[]): void {
    for (const c of causes) this.register(c, this.events.hold())
    this.scheduleRelease()
  }

  /**
   * Registers a cause without a place in the order: its event comes when its record is appended,
   * after the events before then (e.g. a rollback whose record may come only with a later persist).
   */
  later(cause: ChangeCause): void {
    this.register(cause, null)
  }

  private register(c: ChangeCause, place: HeldEvents | null): void {
    const key = causeKey(c)
    let kept: Pending[] = []
    if (c.kind === 'isr-shrink' || c.kind === 'isr-expand') {
      const named = new Set(c.brokers ?? [c.brokerId ?? -1])
      for (const o of this.pending.get(key) ?? [])
        if ((o.cause.brokers ?? [o.cause.brokerId ?? -1]).some((b) => named.has(b))) o.place?.release()
        else kept.push(o)
    } else {
      for (const o of this.pending.get(key) ?? []) o.place?.release()
      kept = []
    }
    this.pending.set(key, [...kept, { cause: c, place }])
  }

  /**
   * The metadata could not be written (the step goes on; the next persist writes it again): every
   * waiting cause gives up its place, so the events behind it go out, and waits for its record.
   */
  unpublished(): void {
    for (const list of this.pending.values())
      for (const p of list) {
        p.place?.release()
        p.place = null
      }
  }

  private scheduleRelease(): void {
    if (this.releaseScheduled) return
    this.releaseScheduled = setImmediate(() => {
      this.releaseScheduled = null
      this.unpublished()
    })
    this.releaseScheduled.unref?.()
  }

  /** Causes still waiting for their records (e.g. while the metadata log cannot be written). */
  get pendingCount(): number {
    let n = 0
    for (const list of this.pending.values()) n += list.length
    return n
  }

  /**
   * The changes that records just appended made (MetadataLog.persist's result, in log order): emits
   * one event per change and cause (see the module header), each in its cause's place when it still
   * has one, then drops the causes nothing matched (releasing their places empty).
   */
  published(changes: readonly MetadataChange[]): void {
    const elected = new Set<string>()
    for (const c of changes) if (c.kind === 'leader-elected') elected.add(`${c.offset}\u0000${partitionKey(c.topic, c.partition)}`)
    const out: Made[] = []
    for (const change of changes) this.translate(change, elected, out)
    for (const { event, place } of out) if (place) place.release([event])
    for (const list of this.pending.values()) for (const p of list) p.place?.release()
    this.pending.clear()
    for (const { event, place } of out) if (!place) this.events.emit(event)
  }

  /** Takes the causes kept under `key`. */
  private take(key: string): Pending[] {
    const list = this.pending.get(key) ?? []
    this.pending.delete(key)
    return list
  }

  private translate(change: MetadataChange, elected: ReadonlySet<string>, out: Made[]): void {
    const at = { metadataOffset: change.offset }
    switch (change.kind) {
      case 'broker-registered':
      case 'replicas-changed':
        return
      case 'broker-stopped':
      case 'broker-started': {
        const pending = this.take(`${change.kind}\u0000${change.brokerId}`)[0]
        const cause = pending?.cause
        const generic = `Broker ${change.brokerId} ${change.kind === 'broker-stopped' ? 'stopped' : 'started'}: ${NO_REASON}`
        out.push({ event: { ...strip(cause), kind: change.kind, severity: cause?.severity ?? 'info', brokerId: change.brokerId, message: cause?.message ?? generic, ...at }, place: pending?.place ?? null })
        return
      }
      case 'topic-created': {
        const pending = this.take(`topic-created\u0000${change.topic}`)[0]
        const cause = pending?.cause
        const generic = `Topic ${change.topic} was created with ${formatCount(change.partitions)} partition${plural(change.partitions)}, replication factor ${change.replicationFactor}: ${NO_REASON}`
        out.push({ event: { ...strip(cause), kind: 'topic-created', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at }, place: pending?.place ?? null })
        return
      }
      case 'topic-deleted': {
        const pending = this.take(`topic-deleted\u0000${change.topic}`)[0]
        const cause = pending?.cause
        const generic = `Topic ${change.topic} was deleted: ${NO_REASON}`
        out.push({ event: { ...strip(cause), kind: 'topic-deleted', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at }, place: pending?.place ?? null })
        return
      }
      case 'partitions-added': {
        const pending = this.take(`partitions-added\u0000${change.topic}`)[0]
        const cause = pending?.cause
        const generic = `Topic ${change.topic} grew from ${formatCount(change.from)} to ${formatCount(change.to)} partitions: ${NO_REASON}`
        out.push({ event: { ...strip(cause), kind: 'partitions-added', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at }, place: pending?.place ?? null })
        return
      }
      case 'configs-changed': {
        const pending = this.take(`configs-changed\u0000${change.topic}`)[0]
        const cause = pending?.cause
        const generic = `Configs of topic ${change.topic} changed: ${change.configs.map((c) => c.name).join(', ')}: ${NO_REASON}`
        out.push({ event: { ...strip(cause), kind: 'configs-changed', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at }, place: pending?.place ?? null })
        return
      }
      case 'leader-elected':
        out.push(this.leaderEvent(change))
        return
      case 'isr-changed':
        this.isrEvents(change, elected.has(`${change.offset}\u0000${partitionKey(change.topic, change.partition)}`), out)
        return
    }
  }

  private leaderEvent(change: LeaderElectedChange): Made {
    const pending = this.take(`leader-elected\u0000${partitionKey(change.topic, change.partition)}`)[0]
    const cause = pending?.cause
    const name = `${change.topic}-${change.partition}`
    const generic =
      change.leader < 0
        ? `${name} is offline (leader epoch ${change.leaderEpoch}): ${NO_REASON}`
        : `Broker ${change.leader} now leads ${name} (leader epoch ${change.leaderEpoch}): ${NO_REASON}`
    const event: MetadataEventInput = {
      ...strip(cause),
      kind: 'leader-elected',
      severity: cause?.severity ?? (change.leader < 0 ? 'warning' : 'info'),
      topic: change.topic,
      partition: change.partition,
      brokerId: change.leader,
      previousLeader: change.previousLeader,
      leaderEpoch: change.leaderEpoch,
      message: cause?.message ?? generic,
      metadataOffset: change.offset
    }
    return { event, place: pending?.place ?? null }
  }

  /**
   * The ISR events of one change: each cause naming a broker that left (isr-shrink) or joined
   * (isr-expand), then one generic event for the brokers no cause names, unless the same record
   * elected a leader of the partition (`withElection`: the ISR change is part of that election).
   */
  private isrEvents(change: IsrChangedChange, withElection: boolean, out: Made[]): void {
    const name = `${change.topic}-${change.partition}`
    const sides = [
      { kind: 'isr-shrink' as const, brokers: change.removed, severity: 'warning' as const, verb: 'left' },
      { kind: 'isr-expand' as const, brokers: change.added, severity: 'info' as const, verb: 'joined' }
    ]
    for (const side of sides) {
      const causes = this.take(`${side.kind}\u0000${partitionKey(change.topic, change.partition)}`)
      const uncovered = new Set(side.brokers)
      for (const { cause, place } of causes) {
        const named = (cause.brokers ?? [cause.brokerId ?? -1]).filter((b) => side.brokers.includes(b))
        if (named.length === 0) {
          place?.release()
          continue
        }
        for (const b of named) uncovered.delete(b)
        const event: MetadataEventInput = {
          ...strip(cause),
          topic: change.topic,
          partition: change.partition,
          brokerId: cause.brokerId !== undefined && named.includes(cause.brokerId) ? cause.brokerId : named[0],
          isr: [...change.isr],
          metadataOffset: change.offset
        }
        out.push({ event, place })
      }
      if (uncovered.size === 0 || withElection) continue
      const who = [...uncovered]
      const event: MetadataEventInput = {
        kind: side.kind,
        severity: side.severity,
        topic: change.topic,
        partition: change.partition,
        brokerId: who[0],
        isr: [...change.isr],
        message: `Broker${plural(who.length)} ${who.join(', ')} ${side.verb} the ISR of ${name} [${change.isr.join(', ')}]: ${NO_REASON}`,
        metadataOffset: change.offset
      }
      out.push({ event, place: null })
    }
  }
}

/** A cause as event fields (without `brokers`), or nothing. */
function strip(cause: ChangeCause): ClusterEventInput
function strip(cause: ChangeCause | undefined): Partial<ClusterEventInput>
function strip(cause: ChangeCause | undefined): Partial<ClusterEventInput> {
  if (!cause) return {}
  const { brokers: _brokers, ...event } = cause
  return event
}
