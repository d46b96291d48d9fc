/**
 * Cluster event kinds in words, for lines that count events by kind: the app's one phrase table.
 * The notices' summary of a fault ("53 partitions shrank their ISR") and the overview's Recent
 * events summary of an internal topic ("17 partitions elected new leaders") both read it, so the
 * same kind reads the same everywhere.
 *
 * Each kind has a phrase for one and for several, read after its count ("1 replica went offline",
 * "3 replicas went offline"), and says what its count counts: distinct partitions for elections, ISR
 * changes and lost records (a partition elected twice in a burst is one partition that elected new
 * leaders), events otherwise (one replica, one log, one broker event per event).
 *
 * Must stay true: every kind of the contract's ClusterEventView['kind'] (the engine's
 * ClusterEventKind) has a phrase (the table is a full Record; a test checks it against the
 * contract's and the engine's kind unions); counts are of the events given, never invented; numbers
 * read with en-US thousands separators.
 */
import type { ClusterEventView } from '../../../shared/contract'

/** A cluster event's kind. */
export type EventKind = ClusterEventView['kind']

/** How one kind reads after its count. */
export interface EventKindWords {
  /** After a count of 1, e.g. 'partition shrank its ISR'. */
  one: string
  /** After any other count, e.g. 'partitions shrank their ISR'. */
  many: string
  /** What the count counts: distinct partitions (topic, partition) or events. */
  countBy: 'partition' | 'event'
}

const byPartition = (one: string, many: string): EventKindWords => ({ one, many, countBy: 'partition' })
const byEvent = (one: string, many: string): EventKindWords => ({ one, many, countBy: 'event' })

/** Every event kind in words (see the module header). */
export const EVENT_KIND_WORDS: Readonly<Record<EventKind, EventKindWords>> = {
  'replica-offline': byEvent('replica went offline', 'replicas went offline'),
  'replica-online': byEvent('replica came back online', 'replicas came back online'),
  'replica-damaged': byEvent('replica was damaged', 'replicas were damaged'),
  'replica-repaired': byEvent('replica was repaired', 'replicas were repaired'),
  'leader-elected': byPartition('partition elected a new leader', 'partitions elected new leaders'),
  'isr-shrink': byPartition('partition shrank its ISR', 'partitions shrank their ISR'),
  'isr-expand': byPartition('partition grew its ISR', 'partitions grew their ISR'),
  'log-truncated': byEvent('log was truncated', 'logs were truncated'),
  'records-lost': byPartition('partition lost records', 'partitions lost records'),
  'topic-created': byEvent('topic was created', 'topics were created'),
  'topic-deleted': byEvent('topic was deleted', 'topics were deleted'),
  'partitions-added': byEvent('topic got new partitions', 'topics got new partitions'),
  'configs-changed': byEvent('topic config change', 'topic config changes'),
  'broker-stopped': byEvent('broker was stopped', 'brokers were stopped'),
  'broker-started': byEvent('broker started', 'brokers started'),
  'broker-killed': byEvent('broker was killed', 'brokers were killed'),
  'broker-slowed': byEvent('broker was slowed', 'brokers were slowed'),
  'broker-isolated': byEvent('broker was isolated', 'brokers were isolated'),
  'broker-healed': byEvent('broker was healed', 'brokers were healed'),
  'broker-fenced': byEvent('broker was fenced', 'brokers were fenced'),
  'broker-unfenced': byEvent('broker was unfenced', 'brokers were unfenced'),
  'controller-moved': byEvent('controller move', 'controller moves'),
  'topic-rolled-back': byEvent('topic creation was rolled back', 'topic creations were rolled back'),
  'metadata-write-failed': byEvent('metadata write failed', 'metadata writes failed'),
  'member-joined': byEvent('member joined its group', 'members joined their groups'),
  'member-left': byEvent('member left its group', 'members left their groups'),
  'group-rebalance-started': byEvent('rebalance started', 'rebalances started'),
  'group-completing-rebalance': byEvent('join phase completed', 'join phases completed'),
  'group-stable': byEvent('rebalance completed', 'rebalances completed'),
  'group-empty': byEvent('group became empty', 'groups became empty'),
  'group-deleted': byEvent('group was deleted', 'groups were deleted'),
  'group-coordinator-moved': byEvent('group coordinator move', 'group coordinator moves'),
  'group-write-failed': byEvent('group metadata write failed', 'group metadata writes failed')
}

/** One kind's count in words: "1 partition shrank its ISR", "1,204 partitions shrank their ISR". */
export function kindCountText(kind: EventKind, count: number): string {
  const w = EVENT_KIND_WORDS[kind]
  return `${count.toLocaleString('en-US')} ${count === 1 ? w.one : w.many}`
}

/**
 * The counts of `events` by kind, in words, in the order each kind first appears, joined by ", ":
 * "17 partitions elected new leaders, 50 partitions shrank their ISR". Kinds counted by partition
 * count distinct (topic, partition) pairs; the others count events. '' for no events.
 */
export function kindCountsText(events: readonly ClusterEventView[]): string {
  const counted = new Map<EventKind, Set<string>>()
  events.forEach((e, i) => {
    const set = counted.get(e.kind) ?? new Set<string>()
    counted.set(e.kind, set)
    set.add(EVENT_KIND_WORDS[e.kind].countBy === 'partition' ? `${e.topic}\u0000${e.partition}` : String(i))
  })
  return [...counted].map(([kind, set]) => kindCountText(kind, set.size)).join(', ')
}
