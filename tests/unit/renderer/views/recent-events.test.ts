/**
 * The overview's Recent events: a broker fault's burst of __consumer_offsets events is one summary
 * line per burst (counts by partition, the fault that caused it), the user's topics and the broker
 * events keep their own rows, newest first, and no event is dropped without being counted.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../../src/shared/contract'
import { recentRows } from '../../../../src/renderer/src/views/cluster/recent-events'

let seq = 0
const broker = (kind: ClusterEventView['kind'], brokerId: number): ClusterEventView => ({ seq: ++seq, time: seq * 10, kind, severity: 'warning', brokerId, message: `${kind} ${brokerId}` })
const part = (kind: ClusterEventView['kind'], topic: string, partition: number, o: Partial<ClusterEventView> = {}): ClusterEventView => ({
  seq: ++seq,
  time: seq * 10,
  kind,
  severity: 'warning',
  topic,
  partition,
  brokerId: 2,
  ...(topic.startsWith('__') ? { internal: true as const } : {}),
  message: `${kind} ${topic}-${partition}`,
  ...o
})
const offsets = (kind: ClusterEventView['kind'], from: number, to: number, o: Partial<ClusterEventView> = {}): ClusterEventView[] =>
  Array.from({ length: to - from }, (_, i) => part(kind, '__consumer_offsets', from + i, o))

/** Each row as text: the event's message, or "summary: <its line> (<n> events)". */
const lines = (events: ClusterEventView[], limit = 8): string[] =>
  recentRows(events, limit).map((r) => (r.type === 'event' ? r.event.message : `summary: ${r.text} (${r.events.length} events)`))

describe('recentRows', () => {
  it('folds a kill and fence of broker 2 into one __consumer_offsets line, the user topic events first-class', () => {
    seq = 0
    const events = [
      broker('broker-killed', 2),
      broker('broker-fenced', 2),
      ...offsets('leader-elected', 0, 17),
      part('leader-elected', 'orders', 0),
      ...offsets('isr-shrink', 0, 50),
      part('isr-shrink', 'orders', 0)
    ]
    expect(lines(events)).toEqual([
      'isr-shrink orders-0',
      'summary: __consumer_offsets: 17 partitions elected new leaders, 50 partitions shrank their ISR after broker 2 was killed and fenced (67 events)',
      'leader-elected orders-0',
      'broker-fenced 2',
      'broker-killed 2'
    ])
  })

  it('keeps the burst of a killed controller together across the controller move', () => {
    seq = 0
    const events = [broker('broker-killed', 1), broker('controller-moved', 2), broker('broker-fenced', 1), ...offsets('leader-elected', 0, 5)]
    expect(lines(events)[0]).toBe('summary: __consumer_offsets: 5 partitions elected new leaders after broker 1 was killed and fenced (5 events)')
  })

  it('makes one summary per burst: a new broker event starts the next', () => {
    seq = 0
    const events = [broker('broker-stopped', 1), ...offsets('leader-elected', 0, 3), broker('broker-started', 1), ...offsets('isr-expand', 0, 1)]
    expect(lines(events)).toEqual([
      'summary: __consumer_offsets: 1 partition grew its ISR after broker 1 started again (1 events)',
      'broker-started 1',
      'summary: __consumer_offsets: 3 partitions elected new leaders after broker 1 was stopped (3 events)',
      'broker-stopped 1'
    ])
  })

  it('counts a partition elected twice in a burst once, and takes the worst severity', () => {
    seq = 0
    const events = [broker('broker-isolated', 3), broker('broker-fenced', 3), ...offsets('leader-elected', 0, 2), part('leader-elected', '__consumer_offsets', 0, { severity: 'error' })]
    const rows = recentRows(events, 8)
    expect(rows[0]).toMatchObject({ type: 'summary', severity: 'error', text: '__consumer_offsets: 2 partitions elected new leaders after broker 3 was isolated and fenced' })
  })

  it('says no cause when the burst has no broker event before it (a preferred election asked for)', () => {
    seq = 0
    expect(lines(offsets('leader-elected', 0, 4, { reason: 'preferred-election' }))).toEqual(['summary: __consumer_offsets: 4 partitions elected new leaders (4 events)'])
  })

  it('keeps every event in exactly one row and at most `limit` rows, newest first', () => {
    seq = 0
    const events = [broker('broker-killed', 2), broker('broker-fenced', 2), ...offsets('isr-shrink', 0, 50), ...[0, 1, 2, 3, 4, 5].map((p) => part('isr-shrink', 'orders', p))]
    const all = recentRows(events, 100)
    const held = all.flatMap((r) => (r.type === 'event' ? [r.event.seq] : r.events.map((e) => e.seq))).sort((a, b) => a - b)
    expect(held).toEqual(events.map((e) => e.seq))
    expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((a, b) => b - a))
    const few = recentRows(events, 4)
    expect(few.map((r) => (r.type === 'event' ? r.event.message : 'summary'))).toEqual(['isr-shrink orders-5', 'isr-shrink orders-4', 'isr-shrink orders-3', 'isr-shrink orders-2'])
  })
})
