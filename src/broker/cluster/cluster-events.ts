/**
 * ClusterEventLog: what happened in the cluster that a user must be told about, as typed events in a
 * bounded in-memory log with timestamps and sequence numbers (the seed of the event stream the
 * failure playground builds on). Today it carries what issue 7's trust rules report: replicas taken
 * offline by a storage error and back online, damaged replicas (a log shorter than what the
 * partition acknowledged, a corrupt batch) and their repair, leader elections that avoided a damaged
 * replica, records lost where no intact replica was left, rolled-back topic creations and metadata
 * writes that failed; and the group coordinator's membership changes (members joining and leaving,
 * with why; rebalances started and completed, with the generation; groups emptied, deleted or moved
 * to another coordinator; group metadata writes that failed); and the failure playground's faults
 * and what the controller made of them: brokers killed, slowed, isolated, healed, fenced after
 * missing heartbeats for broker.session.timeout.ms and unfenced, elections with their kind and
 * reason (clean from the ISR after a controlled shutdown or a fence; preferred, on demand or by the
 * automatic leader rebalance; unclean, from a live replica outside the ISR, with the offsets it
 * lost in a records-lost event: fromOffset, toOffset, count), ISR shrinks and
 * expansions with their reason, and controller changes. Each carries the numbers a one-line
 * explanation needs (leader epoch, ISR, previous leader, missed-heartbeat time, delay).
 *
 * Events of metadata changes (topic created/deleted, partitions added, configs changed, broker
 * stopped/started, leader elected, ISR shrink/expand) are made by ../controller/metadata-events.ts
 * from the records appended to the metadata log, each with its record's offset (`metadataOffset`),
 * once the record is in the log, i.e. at the end of the step that made the change. So that they
 * keep their place among the step's other events, the controller holds a place in the log's order
 * when it decides (`hold`); events emitted after it wait behind it until it is released (filled
 * with the change's event, or with nothing), and are numbered then.
 *
 * Events about an internal topic (__consumer_offsets; Kafka's Topic.isInternal) carry
 * `internal: true`: a fault on a broker changes every partition it hosts, most of them offsets
 * partitions, and the log keeps each of those events (as Kafka logs them all) while a UI can
 * collapse them.
 *
 * Must stay true: sequence numbers increase by one per event, in the order events were emitted
 * (a held place counting as emitted when it was held), and are never reused within a run;
 * the log keeps the newest `capacity` events; every event is also written as one line to the
 * cluster's log sink, so nothing reported here is silent in a terminal either; subscribers (e.g. the
 * brokers' listeners, which follow broker-stopped / broker-started) get every event after the sink,
 * synchronously, and one that throws never stops the others or the step that emitted it.
 */

/** What an event is about. */
export type ClusterEventKind =
  | 'replica-offline'
  | 'replica-online'
  | 'replica-damaged'
  | 'replica-repaired'
  | 'leader-elected'
  | 'isr-shrink'
  | 'isr-expand'
  | 'log-truncated'
  | 'topic-created'
  | 'topic-deleted'
  | 'partitions-added'
  | 'configs-changed'
  | 'broker-stopped'
  | 'broker-started'
  | 'broker-killed'
  | 'broker-slowed'
  | 'broker-isolated'
  | 'broker-healed'
  | 'broker-fenced'
  | 'broker-unfenced'
  | 'controller-moved'
  | 'records-lost'
  | 'topic-rolled-back'
  | 'metadata-write-failed'
  | 'member-joined'
  | 'member-left'
  | 'group-rebalance-started'
  | 'group-completing-rebalance'
  | 'group-stable'
  | 'group-empty'
  | 'group-deleted'
  | 'group-coordinator-moved'
  | 'group-write-failed'

/**
 * Why an election or an ISR change happened: 'controlled-shutdown' (a broker stopped), 'fenced' (it
 * missed heartbeats for broker.session.timeout.ms), 'broker-started' / 'unfenced' (it is back),
 * 'replica-lag' (a follower did not catch up within replica.lag.time.max.ms), 'caught-up' (it
 * reached the leader's log end offset), 'preferred-election' (an election asked for: ElectLeaders,
 * kafka-leader-election, cluster/elect-leaders), 'auto-leader-rebalance' (auto.leader.rebalance.enable
 * found a broker's share of partitions it does not lead above leader.imbalance.per.broker.percentage),
 * 'unclean-election' (an unclean election asked for on demand, ElectLeaders UNCLEAN),
 * 'below-high-watermark' (as a new leader took over, an ISR member's log ended below its high
 * watermark, e.g. a replica found cut when the cluster opened: it leaves the ISR and catches up).
 */
export type ClusterEventReason =
  | 'controlled-shutdown'
  | 'fenced'
  | 'broker-started'
  | 'unfenced'
  | 'replica-lag'
  | 'caught-up'
  | 'preferred-election'
  | 'auto-leader-rebalance'
  | 'unclean-election'
  | 'below-high-watermark'

/**
 * How a leader was chosen: from the ISR in replica order (clean), the most complete ISR member (a
 * damaged leader), the preferred replica, or a live replica outside the ISR (unclean:
 * unclean.leader.election.enable or ElectLeaders UNCLEAN; Kafka's PartitionChangeBuilder).
 */
export type ElectionKind = 'clean-from-isr' | 'most-complete' | 'preferred' | 'unclean'

/** How much the user should care: info (the cluster healed itself), warning (degraded), error (data lost or unreadable). */
export type ClusterEventSeverity = 'info' | 'warning' | 'error'

/**
 * One event. `time` in ms since the epoch (the cluster's clock); `message` in plain words, its
 * offsets, counts and ms from 1,000 on with thousands separators (../model/format-count.ts), while
 * the fields (fromOffset, count, missedHeartbeatMs...) hold the same numbers as plain numbers.
 */
export interface ClusterEvent {
  seq: number
  time: number
  kind: ClusterEventKind
  severity: ClusterEventSeverity
  topic?: string
  partition?: number
  brokerId?: number
  /** The consumer group an event is about (group events). */
  groupId?: string
  /** The group's generation when the event happened. */
  generationId?: number
  /** The member that joined or left. */
  memberId?: string
  /** Why (elections, ISR changes). */
  reason?: ClusterEventReason
  /** How the leader was chosen (leader-elected). */
  election?: ElectionKind
  /** The leader before (leader-elected; -1: none). */
  previousLeader?: number
  /** controller-moved: the controller before (-1: none); brokerId is the new one. */
  previousController?: number
  /** The partition's leader epoch after the change (elections, ISR changes). */
  leaderEpoch?: number
  /** The ISR after the change (elections, ISR changes). */
  isr?: number[]
  /** broker-fenced: how long the controller had not heard from the broker, ms. */
  missedHeartbeatMs?: number
  /** broker-fenced / broker-unfenced: broker.session.timeout.ms then, ms. */
  sessionTimeoutMs?: number
  /** broker-slowed: the extra delay per request, ms. */
  delayMs?: number
  /**
   * records-lost: the first offset lost (the new leader's log end offset, or where its log diverges
   * from the committed log when lower). log-truncated: the offset the log was truncated to (its new log end).
   */
  fromOffset?: number
  /** records-lost: the end of what was lost, exclusive (the high watermark before the election). log-truncated: the log end before, exclusive. */
  toOffset?: number
  /** records-lost / log-truncated: offsets lost or cut (toOffset - fromOffset). */
  count?: number
  /**
   * The metadata log offset of the record this event reports (a metadata change: broker stopped or
   * started, topic created or deleted, partitions added, configs changed, leader elected, ISR shrink
   * or expand; see ../controller/metadata-events.ts); absent for every other event.
   */
  metadataOffset?: number
  /** true when `topic` is an internal topic (set by the log, see isInternalTopicName); absent otherwise. */
  internal?: true
  message: string
}

/** An event before the log numbers and stamps it (and marks an internal topic's event). */
export type ClusterEventInput = Omit<ClusterEvent, 'seq' | 'time' | 'internal'>

/** Kafka's internal topics (org.apache.kafka.common.internals.Topic.INTERNAL_TOPICS). */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state'])

/** Whether `topic` is one of Kafka's internal topics (Topic.isInternal). */
export function isInternalTopicName(topic: string): boolean {
  return INTERNAL_TOPICS.has(topic)
}

/** A place held in the log's order for events not known yet (ClusterEventLog.hold). */
export interface HeldEvents {
  /**
   * Fills the place with `events` (default none: the place is dropped) and lets out the events
   * waiting behind it. Only the first call counts.
   */
  release(events?: readonly ClusterEventInput[]): void
}

/** An entry waiting in the log's order: an event, or a held place (`events` null until released). */
type Waiting = { event: ClusterEventInput } | { held: { events: readonly ClusterEventInput[] | null } }

/** Events kept by default. */
export const DEFAULT_EVENT_LOG_CAPACITY = 1000

/** A bounded log of cluster events. Not thread-safe: the engine's event loop owns it. */
export class ClusterEventLog {
  private readonly items: ClusterEvent[] = []
  private readonly subscribers = new Set<(event: ClusterEvent) => void>()
  /** Events and held places behind the oldest held place not yet released (empty: events go out at once). */
  private readonly waiting: Waiting[] = []
  private nextSeq = 1

  /**
   * @param clock ms since the epoch.
   * @param sink receives one line per event, with the event (e.g. console.warn of warnings and errors).
   * @param capacity events kept (the oldest are dropped first).
   */
  constructor(
    private readonly clock: () => number,
    private readonly sink: (line: string, event: ClusterEvent) => void,
    private readonly capacity = DEFAULT_EVENT_LOG_CAPACITY
  ) {}

  /**
   * Records `e`, writes its line to the sink, and returns it numbered and stamped (internal: true for
   * an internal topic's event); while a held place is not released, `e` waits behind it (null is
   * returned) and is recorded when the places before it are.
   */
  emit(e: ClusterEventInput): ClusterEvent | null {
    if (this.waiting.length > 0) {
      this.waiting.push({ event: e })
      return null
    }
    return this.record(e)
  }

  /**
   * Holds a place in the order for events that are not known yet (a metadata change's, until its
   * record is appended): events emitted after it wait until it is released.
   */
  hold(): HeldEvents {
    const held: { events: readonly ClusterEventInput[] | null } = { events: null }
    this.waiting.push({ held })
    return {
      release: (events = []) => {
        if (held.events !== null) return
        held.events = [...events]
        this.drain()
      }
    }
  }

  /** Records the waiting events up to the first held place not released. */
  private drain(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0]
      if ('held' in head) {
        if (head.held.events === null) return
        this.waiting.shift()
        for (const e of head.held.events) this.record(e)
      } else {
        this.waiting.shift()
        this.record(head.event)
      }
    }
  }

  private record(e: ClusterEventInput): ClusterEvent {
    const event: ClusterEvent = { seq: this.nextSeq++, time: this.clock(), ...e, ...(e.topic !== undefined && isInternalTopicName(e.topic) ? { internal: true as const } : {}) }
    this.items.push(event)
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity)
    this.sink(`brokerlab cluster ${event.severity}: ${event.message}`, event)
    for (const s of [...this.subscribers]) {
      try {
        s(event)
      } catch {
        /* a subscriber failing must not fail the step that emitted the event */
      }
    }
    return event
  }

  /**
   * Calls `listener` with every event from now on, synchronously inside the step that emits it (so
   * it must only note the event and do its work later). @returns the unsubscribe function.
   */
  subscribe(listener: (event: ClusterEvent) => void): () => void {
    this.subscribers.add(listener)
    return () => void this.subscribers.delete(listener)
  }

  /** Events with seq > `afterSeq` (default: all kept), oldest first, at most `limit` (the newest ones). */
  since(afterSeq = 0, limit = this.capacity): ClusterEvent[] {
    const out = this.items.filter((e) => e.seq > afterSeq)
    return out.length > limit ? out.slice(out.length - limit) : out
  }
}
