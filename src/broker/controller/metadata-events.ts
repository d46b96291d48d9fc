/**
 * MetadataEvents: the cluster events of metadata changes (issue 9 sections 3 and 4), made from the
 * records appended to the metadata log, as Kafka's brokers learn of changes from the records the
 * controller committed and nothing else. The controller, when it makes a change, registers why
 * (`because`: a cause, the event it means to report, with its reason and plain-words message) and
 * has the change persisted; MetadataLog.persist returns what the appended records changed
 * (MetadataChange, ./metadata-change.ts), and `published` joins each change with its cause into one
 * event that carries the record's metadata log offset (`metadataOffset`). The event's identity and
 * numbers are the record's: the topic, partition, broker, leader, previous leader, leader epoch and
 * ISR; the cause gives the kind of event, severity, reason, election kind and message.
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
 *   controller publishes committed records only): while the metadata log cannot be written, the
 *   causes wait, and the persist that finally appends the records publishes their events then.
 * - Exactly one event per (change, cause); a change without a cause still gets one event, with a
 *   generic reason (the record says what changed, not why). Causes that no appended change matches
 *   when a persist succeeds (the change was undone, superseded, or never made, e.g. a rolled-back
 *   topic creation) are dropped: nothing is reported that the log does not hold.
 * - Events come out in the order of the changes in the log, synchronously inside the persist, so a
 *   step that persists at each decision (the controller does) keeps its events in decision order
 *   between the events that are not metadata changes.
 */
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { IsrChangedChange, LeaderElectedChange, MetadataChange } from './metadata-change'

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

/** The translator of metadata changes into cluster events; see the module header. Not thread-safe: the engine's event loop owns it. */
export class MetadataEvents {
  /** Causes waiting for their change's record, by causeKey; ISR causes are lists (one per broker named). */
  private readonly pending = new Map<string, ChangeCause[]>()

  /** @param emit where the events go (the cluster event log), each with its `metadataOffset`. */
  constructor(private readonly emit: (e: MetadataEventInput) => void) {}

  /**
   * Registers why the change about to be persisted is made. A later cause for the same subject
   * (the same broker and kind, topic and kind, partition's leader; an ISR cause naming the same
   * brokers) replaces the earlier one: the newest reason is the one the record's state has.
   */
  because(...causes: ChangeCause[]): void {
    for (const c of causes) {
      const key = causeKey(c)
      if (c.kind !== 'isr-shrink' && c.kind !== 'isr-expand') {
        this.pending.set(key, [c])
        continue
      }
      const named = new Set(c.brokers ?? [c.brokerId ?? -1])
      const kept = (this.pending.get(key) ?? []).filter((o) => !(o.brokers ?? [o.brokerId ?? -1]).some((b) => named.has(b)))
      this.pending.set(key, [...kept, c])
    }
  }

  /** Causes still waiting for their records (e.g. while the metadata log cannot be written). */
  get pendingCount(): number {
    let n = 0
    for (const list of this.pending.values()) n += list.length
    return n
  }

  /**
   * The changes that records just appended made (MetadataLog.persist's result, in log order): emits
   * one event per change and cause (see the module header), then drops the causes nothing matched.
   */
  published(changes: readonly MetadataChange[]): void {
    const elected = new Set<string>()
    for (const c of changes) if (c.kind === 'leader-elected') elected.add(`${c.offset}\u0000${partitionKey(c.topic, c.partition)}`)
    const out: MetadataEventInput[] = []
    for (const change of changes) this.translate(change, elected, out)
    this.pending.clear()
    for (const e of out) this.emit(e)
  }

  /** Takes the causes kept under `key`. */
  private take(key: string): ChangeCause[] {
    const list = this.pending.get(key) ?? []
    this.pending.delete(key)
    return list
  }

  private translate(change: MetadataChange, elected: ReadonlySet<string>, out: MetadataEventInput[]): void {
    const at = { metadataOffset: change.offset }
    switch (change.kind) {
      case 'broker-registered':
      case 'replicas-changed':
        return
      case 'broker-stopped':
      case 'broker-started': {
        const cause = this.take(`${change.kind}\u0000${change.brokerId}`)[0]
        const generic = `Broker ${change.brokerId} ${change.kind === 'broker-stopped' ? 'stopped' : 'started'}: ${NO_REASON}`
        out.push({ ...strip(cause), kind: change.kind, severity: cause?.severity ?? 'info', brokerId: change.brokerId, message: cause?.message ?? generic, ...at })
        return
      }
      case 'topic-created': {
        const cause = this.take(`topic-created\u0000${change.topic}`)[0]
        const generic = `Topic ${change.topic} was created with ${change.partitions} partition${plural(change.partitions)}, replication factor ${change.replicationFactor}: ${NO_REASON}`
        out.push({ ...strip(cause), kind: 'topic-created', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at })
        return
      }
      case 'topic-deleted': {
        const cause = this.take(`topic-deleted\u0000${change.topic}`)[0]
        out.push({ ...strip(cause), kind: 'topic-deleted', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? `Topic ${change.topic} was deleted: ${NO_REASON}`, ...at })
        return
      }
      case 'partitions-added': {
        const cause = this.take(`partitions-added\u0000${change.topic}`)[0]
        const generic = `Topic ${change.topic} grew from ${change.from} to ${change.to} partitions: ${NO_REASON}`
        out.push({ ...strip(cause), kind: 'partitions-added', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at })
        return
      }
      case 'configs-changed': {
        const cause = this.take(`configs-changed\u0000${change.topic}`)[0]
        const generic = `Configs of topic ${change.topic} changed: ${change.configs.map((c) => c.name).join(', ')}: ${NO_REASON}`
        out.push({ ...strip(cause), kind: 'configs-changed', severity: cause?.severity ?? 'info', topic: change.topic, message: cause?.message ?? generic, ...at })
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

  private leaderEvent(change: LeaderElectedChange): MetadataEventInput {
    const cause = this.take(`leader-elected\u0000${partitionKey(change.topic, change.partition)}`)[0]
    const name = `${change.topic}-${change.partition}`
    const generic =
      change.leader < 0
        ? `${name} is offline (leader epoch ${change.leaderEpoch}): ${NO_REASON}`
        : `Broker ${change.leader} now leads ${name} (leader epoch ${change.leaderEpoch}): ${NO_REASON}`
    return {
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
  }

  /**
   * The ISR events of one change: each cause naming a broker that left (isr-shrink) or joined
   * (isr-expand), then one generic event for the brokers no cause names, unless the same record
   * elected a leader of the partition (`withElection`: the ISR change is part of that election).
   */
  private isrEvents(change: IsrChangedChange, withElection: boolean, out: MetadataEventInput[]): void {
    const name = `${change.topic}-${change.partition}`
    const sides = [
      { kind: 'isr-shrink' as const, brokers: change.removed, severity: 'warning' as const, verb: 'left' },
      { kind: 'isr-expand' as const, brokers: change.added, severity: 'info' as const, verb: 'joined' }
    ]
    for (const side of sides) {
      const causes = this.take(`${side.kind}\u0000${partitionKey(change.topic, change.partition)}`)
      const uncovered = new Set(side.brokers)
      for (const cause of causes) {
        const named = (cause.brokers ?? [cause.brokerId ?? -1]).filter((b) => side.brokers.includes(b))
        if (named.length === 0) continue
        for (const b of named) uncovered.delete(b)
        out.push({
          ...strip(cause),
          topic: change.topic,
          partition: change.partition,
          brokerId: cause.brokerId !== undefined && named.includes(cause.brokerId) ? cause.brokerId : named[0],
          isr: [...change.isr],
          metadataOffset: change.offset
        })
      }
      if (uncovered.size === 0 || withElection) continue
      const who = [...uncovered]
      out.push({
        kind: side.kind,
        severity: side.severity,
        topic: change.topic,
        partition: change.partition,
        brokerId: who[0],
        isr: [...change.isr],
        message: `Broker${plural(who.length)} ${who.join(', ')} ${side.verb} the ISR of ${name} [${change.isr.join(', ')}]: ${NO_REASON}`,
        metadataOffset: change.offset
      })
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
