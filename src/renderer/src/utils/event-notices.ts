/**
 * Which toasts a batch of new cluster events makes (the cluster store's notices), so a fault does
 * not flood the screen: killing a broker changes every partition it hosts (most of them
 * __consumer_offsets partitions), one event each. Events are taken in order and grouped by fault:
 * an event about no partition (a broker killed, fenced, isolated...) opens a group and is a toast of
 * its own; the partition events after it (ISR shrinks, elections, replicas offline) are one summary
 * toast for the group, with counts by kind (in the words of ./event-kind-words.ts, shared with the
 * overview's Recent events) and how many were on internal topics. A partition event
 * of a user topic that is an error (records lost, a damaged replica) keeps a toast of its own, as
 * does the only partition event of a group when it is on a user topic. Every event stays in the
 * timeline; the summary says so.
 *
 * Must stay true: pure; only warning and error events make toasts (the caller filters); at most
 * `max` single-event toasts per batch, the rest counted in one more toast; an internal topic's event
 * (`internal`) never gets a toast of its own.
 */
import type { ClusterEventView } from '../../../shared/contract'
import { kindCountsText } from './event-kind-words'

/** One toast to show. */
export interface EventNotice {
  kind: 'error' | 'warning' | 'info'
  text: string
}

interface Group {
  anchor: ClusterEventView | null
  partitionEvents: ClusterEventView[]
}

function severityOf(events: ClusterEventView[]): EventNotice['kind'] {
  return events.some((e) => e.severity === 'error') ? 'error' : 'warning'
}

/** "Broker 2: 41 partition events on 38 partitions (38 partitions shrank their ISR, 3 partitions elected new leaders, 36 on internal topics (__consumer_offsets)): see Recent events on the overview"; counts by kind from the one phrase table (./event-kind-words.ts). */
function summaryText(g: Group): string {
  const byKind = kindCountsText(g.partitionEvents)
  const internal = g.partitionEvents.filter((e) => e.internal).length
  const partitions = new Set(g.partitionEvents.map((e) => `${e.topic}\u0000${e.partition}`)).size
  const n = g.partitionEvents.length
  const head = g.anchor?.brokerId !== undefined ? `Broker ${g.anchor.brokerId}: ` : ''
  const internalText = internal > 0 ? `, ${internal === n ? 'all' : internal} on internal topics (__consumer_offsets)` : ''
  return `${head}${n} partition event${n === 1 ? '' : 's'} on ${partitions} partition${partitions === 1 ? '' : 's'} (${byKind}${internalText}): see Recent events on the overview`
}

/**
 * The toasts for `events` (new warning and error events, oldest first); see the module header.
 * @param max most single-event toasts (the rest are counted in one more info toast).
 */
export function eventNotices(events: readonly ClusterEventView[], max: number): EventNotice[] {
  const groups: Group[] = []
  let current: Group | null = null
  for (const e of events) {
    if (e.partition === undefined) {
      current = { anchor: e, partitionEvents: [] }
      groups.push(current)
    } else {
      if (!current) groups.push((current = { anchor: null, partitionEvents: [] }))
      current.partitionEvents.push(e)
    }
  }
  const singles: ClusterEventView[] = []
  const summaries: EventNotice[] = []
  for (const g of groups) {
    if (g.anchor) singles.push(g.anchor)
    const own = g.partitionEvents.filter((e) => !e.internal && (e.severity === 'error' || (g.partitionEvents.length === 1 && e === g.partitionEvents[0])))
    for (const e of own) singles.push(e)
    const rest: Group = { anchor: g.anchor, partitionEvents: g.partitionEvents.filter((e) => !own.includes(e)) }
    if (rest.partitionEvents.length > 0) summaries.push({ kind: severityOf(rest.partitionEvents), text: summaryText(rest) })
  }
  const shown = singles.slice(-max)
  const out: EventNotice[] = shown.map((e) => ({ kind: e.severity === 'error' ? 'error' : 'warning', text: e.message }))
  out.push(...summaries)
  if (singles.length > shown.length) out.push({ kind: 'info', text: `${singles.length - shown.length} more cluster event(s): see Recent events on the overview` })
  return out
}
