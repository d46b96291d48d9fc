import { describe, expect, it } from 'vitest'
import type { ClusterEventView, PartitionView } from '../../../../src/shared/contract'
import { emptyHistory, matchesFilter, mergeEvents, timelineRows, touchedPartitions } from '../../../../src/renderer/src/views/cluster/event-timeline'

const ev = (seq: number, e: Partial<ClusterEventView> = {}): ClusterEventView => ({ seq, time: seq * 1000, kind: 'broker-started', severity: 'info', message: `#${seq}`, ...e })
const range = (from: number, to: number): ClusterEventView[] => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i))
const seqs = (es: ClusterEventView[]): number[] => es.map((e) => e.seq)

function part(partition: number, leader: number, replicas: number[]): PartitionView {
  return { partition, leader, replicas, isr: replicas, logStartOffset: 0, logEndOffset: 0, highWatermark: 0, records: 0, sizeBytes: 0, replicaStates: [], underReplicated: false, underMinIsr: false, offline: leader < 0 }
}

describe('event history', () => {
  it('merges overlapping snapshots into one history without duplicates', () => {
    const h = mergeEvents(mergeEvents(emptyHistory(), range(1, 5)), range(3, 8))
    expect(seqs(h.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(h.gaps).toEqual([])
  })

  it('reports the exact count of events a burst pushed past one snapshot', () => {
    const h = mergeEvents(mergeEvents(emptyHistory(), range(1, 5)), range(60, 109))
    expect(h.gaps).toEqual([{ afterSeq: 5, beforeSeq: 60, missed: 54 }])
  })

  it('keeps at most its capacity, dropping the oldest and the gaps before them', () => {
    const h = mergeEvents(mergeEvents(emptyHistory(), range(1, 5), 6), range(10, 14), 6)
    expect(seqs(h.events)).toEqual([5, 10, 11, 12, 13, 14])
    expect(h.gaps).toHaveLength(1)
    const h2 = mergeEvents(h, range(15, 16), 6)
    expect(seqs(h2.events)).toEqual([11, 12, 13, 14, 15, 16])
    expect(h2.gaps).toEqual([])
  })

  it('starts again when the engine restarted and its sequence numbers begin at 1', () => {
    const h = mergeEvents(mergeEvents(emptyHistory(), range(40, 50)), range(1, 3))
    expect(seqs(h.events)).toEqual([1, 2, 3])
  })
})

describe('timeline filters', () => {
  const events = [
    ev(1, { kind: 'broker-killed', brokerId: 2 }),
    ev(2, { kind: 'broker-fenced', brokerId: 2 }),
    ev(3, { kind: 'leader-elected', topic: 'orders', partition: 1, brokerId: 3, previousLeader: 2 }),
    ev(4, { kind: 'isr-shrink', topic: 'orders', partition: 1, brokerId: 2 }),
    ev(5, { kind: 'leader-elected', topic: 'pay', partition: 0, brokerId: 1, previousLeader: 3 })
  ]
  const history = mergeEvents(emptyHistory(), events)

  it('lists newest first', () => {
    expect(seqs(timelineRows(history, { brokerId: null, topic: null, kinds: [] }))).toEqual([5, 4, 3, 2, 1])
  })

  it('filters by broker, counting the elections that replaced it as leader', () => {
    expect(seqs(timelineRows(history, { brokerId: 2, topic: null, kinds: [] }))).toEqual([4, 3, 2, 1])
    expect(seqs(timelineRows(history, { brokerId: 1, topic: null, kinds: [] }))).toEqual([5])
  })

  it('filters by topic and by kind, together', () => {
    expect(seqs(timelineRows(history, { brokerId: null, topic: 'orders', kinds: [] }))).toEqual([4, 3])
    expect(seqs(timelineRows(history, { brokerId: null, topic: 'orders', kinds: ['leader-elected'] }))).toEqual([3])
    expect(matchesFilter(events[0], { brokerId: null, topic: null, kinds: ['leader-elected', 'isr-shrink'] })).toBe(false)
  })
})

describe('partitions an event touched', () => {
  const partitions = { orders: [part(0, 1, [1, 2]), part(1, 2, [2, 3]), part(2, 3, [3, 1])], pay: [part(0, 2, [2])] }

  it('is the event partition for a partition event', () => {
    expect(touchedPartitions(ev(1, { kind: 'isr-shrink', topic: 'orders', partition: 1, brokerId: 3 }), partitions)).toEqual(['orders-1'])
  })

  it('is every partition the broker leads or replicates for a broker event', () => {
    expect(touchedPartitions(ev(1, { kind: 'broker-fenced', brokerId: 2 }), partitions)).toEqual(['orders-0', 'orders-1', 'pay-0'])
  })

  it('is the whole topic for a topic event, and nothing for a partition that no longer exists or a group event', () => {
    expect(touchedPartitions(ev(1, { kind: 'configs-changed', topic: 'orders' }), partitions)).toEqual(['orders-0', 'orders-1', 'orders-2'])
    expect(touchedPartitions(ev(1, { kind: 'leader-elected', topic: 'gone', partition: 0, brokerId: 1 }), partitions)).toEqual([])
    expect(touchedPartitions(ev(1, { kind: 'member-joined', groupId: 'g', brokerId: 1 }), partitions)).toEqual([])
  })
})
