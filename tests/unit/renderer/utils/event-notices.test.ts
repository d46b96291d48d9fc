/**
 * The toasts a batch of new cluster events makes: a fault's partition events (most of them on
 * __consumer_offsets) are one summary per fault, not one toast per partition; an internal topic's
 * event never has its own toast; a user topic's error event and a lone partition event keep theirs;
 * the cap on single toasts still holds.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../../src/shared/contract'
import { eventNotices } from '../../../../src/renderer/src/utils/event-notices'

let seq = 0
const broker = (kind: ClusterEventView['kind'], brokerId: number, message: string): ClusterEventView => ({ seq: ++seq, time: seq, kind, severity: 'warning', brokerId, message })
const part = (kind: ClusterEventView['kind'], topic: string, partition: number, o: Partial<ClusterEventView> = {}): ClusterEventView => ({
  seq: ++seq,
  time: seq,
  kind,
  severity: 'warning',
  topic,
  partition,
  brokerId: 2,
  ...(topic === '__consumer_offsets' ? { internal: true as const } : {}),
  message: `${kind} ${topic}-${partition}`,
  ...o
})

describe('eventNotices', () => {
  it('sums up the partition events after a fenced broker in one toast, with counts by kind and the internal share', () => {
    const events = [
      broker('broker-fenced', 2, 'Broker 2 was fenced'),
      ...Array.from({ length: 50 }, (_, i) => part('isr-shrink', '__consumer_offsets', i)),
      ...[0, 1, 2].map((i) => part('isr-shrink', 'orders', i))
    ]
    expect(eventNotices(events, 3)).toEqual([
      { kind: 'warning', text: 'Broker 2 was fenced' },
      { kind: 'warning', text: 'Broker 2: 53 partition events on 53 partitions (53 partitions shrank their ISR, 50 on internal topics (__consumer_offsets)): see Recent events on the overview' }
    ])
  })

  it('makes one summary per fault when a batch holds two faults', () => {
    const events = [
      broker('broker-fenced', 2, 'Broker 2 was fenced'),
      part('isr-shrink', '__consumer_offsets', 0),
      part('isr-shrink', '__consumer_offsets', 1),
      broker('broker-fenced', 3, 'Broker 3 was fenced'),
      part('isr-shrink', '__consumer_offsets', 2, { brokerId: 3 }),
      part('isr-shrink', '__consumer_offsets', 3, { brokerId: 3 })
    ]
    expect(eventNotices(events, 3).map((n) => n.text)).toEqual([
      'Broker 2 was fenced',
      'Broker 3 was fenced',
      'Broker 2: 2 partition events on 2 partitions (2 partitions shrank their ISR, all on internal topics (__consumer_offsets)): see Recent events on the overview',
      'Broker 3: 2 partition events on 2 partitions (2 partitions shrank their ISR, all on internal topics (__consumer_offsets)): see Recent events on the overview'
    ])
  })

  it('keeps a toast of its own for a user topic error and for a lone user partition event, never for an internal one', () => {
    const lost = part('records-lost', 'orders', 0, { severity: 'error', message: 'orders-0 lost offsets 5 to 9' })
    expect(eventNotices([part('isr-shrink', 'orders', 1), lost, part('isr-shrink', '__consumer_offsets', 4)], 3)).toEqual([
      { kind: 'error', text: 'orders-0 lost offsets 5 to 9' },
      { kind: 'warning', text: '2 partition events on 2 partitions (2 partitions shrank their ISR, 1 on internal topics (__consumer_offsets)): see Recent events on the overview' }
    ])
    expect(eventNotices([part('isr-shrink', 'orders', 1)], 3)).toEqual([{ kind: 'warning', text: 'isr-shrink orders-1' }])
    expect(eventNotices([part('isr-shrink', '__consumer_offsets', 1)], 3)).toEqual([
      { kind: 'warning', text: '1 partition event on 1 partition (1 partition shrank its ISR, all on internal topics (__consumer_offsets)): see Recent events on the overview' }
    ])
  })

  it('still shows at most `max` single-event toasts and counts the rest', () => {
    const events = [1, 2, 3, 4, 5].map((b) => broker('broker-isolated', b, `Broker ${b} is isolated`))
    expect(eventNotices(events, 3).map((n) => n.text)).toEqual(['Broker 3 is isolated', 'Broker 4 is isolated', 'Broker 5 is isolated', '2 more cluster event(s): see Recent events on the overview'])
  })
})
