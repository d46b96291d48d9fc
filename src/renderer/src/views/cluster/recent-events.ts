/**
 * The overview's "Recent events" model, pure: the newest cluster events as rows, where the events of
 * an internal topic (`internal: true`, __consumer_offsets; Kafka's Topic.isInternal) are folded into
 * one summary row per burst and topic, e.g. "__consumer_offsets: 17 partitions elected new leaders,
 * 50 partitions shrank their ISR after broker 2 was killed and fenced". A burst is what follows one
 * broker event (a fault, a fence, a start) until the next one; user-topic and
 * broker events stay rows of their own.
 * Must stay true: every event passed in is in exactly one row (its own or one summary), so nothing
 * is hidden without being counted; rows are newest first (a summary sits where its newest event
 * is); a summary never invents a number: its counts are of the events it holds.
 */
import type { ClusterEventView } from '@shared/contract'
import { kindCountsText } from '../../utils/event-kind-words'

/** A row of Recent events: one event, or the summary of an internal topic's events in one burst. */
export type RecentRow = { type: 'event'; seq: number; event: ClusterEventView } | RecentSummary

/** One internal topic's events after one broker event (or before any). */
export interface RecentSummary {
  type: 'summary'
  /** seq of its newest event (rows are ordered by it). */
  seq: number
  /** ms since the epoch of its newest event. */
  time: number
  topic: string
  /** The worst severity among its events. */
  severity: ClusterEventView['severity']
  /** Its events, oldest first. */
  events: ClusterEventView[]
  /** The broker event the burst followed; null when none is held. */
  cause: ClusterEventView | null
  /** The line in plain words. */
  text: string
}

/**
 * Events that start a burst: a broker's fault or recovery (no partition, no group). A controller
 * move is not one: it follows such an event (the controller was the broker killed or stopped), and
 * the elections after it are still that event's.
 */
function isBrokerEvent(e: ClusterEventView): boolean {
  return e.partition === undefined && e.topic === undefined && e.groupId === undefined && e.kind.startsWith('broker-')
}

/** "after broker 2 was killed and fenced", from the burst's broker event and the events before it. */
export function causeText(cause: ClusterEventView | null, before: readonly ClusterEventView[]): string {
  if (!cause) return ''
  const b = cause.brokerId
  switch (cause.kind) {
    case 'broker-killed':
      return `after broker ${b} was killed`
    case 'broker-stopped':
      return `after broker ${b} was stopped`
    case 'broker-started':
      return `after broker ${b} started again`
    case 'broker-isolated':
      return `after broker ${b} was isolated`
    case 'broker-slowed':
      return `after broker ${b} was slowed`
    case 'broker-healed':
      return `after broker ${b} was healed`
    case 'broker-unfenced':
      return `after broker ${b} was unfenced`
    case 'broker-fenced': {
      // The fault that made it miss heartbeats: the newest kill or isolate of that broker before the fence, since it last started.
      for (let i = before.length - 1; i >= 0; i--) {
        const e = before[i]
        if (e.brokerId !== b || !isBrokerEvent(e)) continue
        if (e.kind === 'broker-killed') return `after broker ${b} was killed and fenced`
        if (e.kind === 'broker-isolated') return `after broker ${b} was isolated and fenced`
        if (e.kind === 'broker-started' || e.kind === 'broker-unfenced' || e.kind === 'broker-healed') break
      }
      return `after broker ${b} was fenced`
    }
    default:
      return `after ${cause.kind} of broker ${b}`
  }
}

/** "__consumer_offsets: 17 partitions elected new leaders, 50 partitions shrank their ISR after broker 2 was killed and fenced"; counts by kind from the one phrase table (../../utils/event-kind-words.ts). */
function summaryText(topic: string, events: readonly ClusterEventView[], cause: string): string {
  return `${topic}: ${kindCountsText(events)}${cause ? ` ${cause}` : ''}`
}

const SEVERITY_RANK: Record<ClusterEventView['severity'], number> = { info: 0, warning: 1, error: 2 }

/**
 * The rows of Recent events, newest first, at most `limit`.
 * @param events the events held, oldest first (by seq), e.g. the timeline's history
 * @param limit rows at most (a summary is one row)
 */
export function recentRows(events: readonly ClusterEventView[], limit: number): RecentRow[] {
  const rows: RecentRow[] = []
  const open = new Map<string, RecentSummary>()
  /** Where each summary's cause is in `events` (its text looks before it). */
  const causeAt = new Map<RecentSummary, number>()
  let cause: ClusterEventView | null = null
  let causeIndex = 0
  events.forEach((e, i) => {
    if (isBrokerEvent(e)) {
      cause = e
      causeIndex = i
      open.clear()
    }
    if (!e.internal || e.topic === undefined) {
      rows.push({ type: 'event', seq: e.seq, event: e })
      return
    }
    let s = open.get(e.topic)
    if (!s) {
      s = { type: 'summary', seq: e.seq, time: e.time, topic: e.topic, severity: e.severity, events: [], cause, text: '' }
      open.set(e.topic, s)
      causeAt.set(s, causeIndex)
      rows.push(s)
    }
    s.events.push(e)
    s.seq = e.seq
    s.time = e.time
    if (SEVERITY_RANK[e.severity] > SEVERITY_RANK[s.severity]) s.severity = e.severity
  })
  const shown = rows.sort((a, b) => b.seq - a.seq).slice(0, Math.max(0, limit))
  for (const r of shown) if (r.type === 'summary') r.text = summaryText(r.topic, r.events, causeText(r.cause, events.slice(0, causeAt.get(r))))
  return shown
}
