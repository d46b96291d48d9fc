import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { ClusterEventView, ClusterSnapshot, PartitionView } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useClusterStore } from '../../../../src/renderer/src/stores/cluster-store'
import { useTimelineStore } from '../../../../src/renderer/src/stores/timeline-store'
import { fakeApi } from '../fake-api'

const part = (partition: number, leader: number, replicas: number[]): PartitionView => ({
  partition,
  leader,
  replicas,
  isr: replicas,
  logStartOffset: 0,
  logEndOffset: 0,
  highWatermark: 0,
  records: 0,
  sizeBytes: 0,
  replicaStates: [],
  underReplicated: false,
  underMinIsr: false,
  offline: false
})
const snapshot = (takenAt: number, events: ClusterEventView[]): ClusterSnapshot => ({
  takenAt,
  clusterId: 'c1',
  controllerId: 1,
  brokers: [],
  topics: [],
  partitions: { orders: [part(0, 1, [1, 2]), part(1, 2, [2, 3])], pay: [part(0, 3, [3])], __consumer_offsets: [part(0, 2, [2, 3])] },
  underReplicatedPartitions: 0,
  underMinIsrPartitions: 0,
  offlinePartitions: 0,
  throughput: { recordsInPerSec: [], bytesInPerSec: [], bytesOutPerSec: [] },
  topicThroughput: {},
  groups: [],
  groupLag: {},
  events
})
const ev = (seq: number, e: Partial<ClusterEventView>): ClusterEventView => ({ seq, time: seq, kind: 'broker-started', severity: 'info', message: `#${seq}`, ...e })

beforeEach(() => setActivePinia(createPinia()))

describe('useTimelineStore', () => {
  it('keeps every event of successive snapshots, newest first, although each snapshot carries only its newest', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(1, [ev(1, {}), ev(2, {})]) })
    setApi(api)
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    api.emit('snapshot', snapshot(2, [ev(2, {}), ev(3, {})]))
    api.emit('snapshot', snapshot(3, [ev(3, {}), ev(4, {})]))
    expect(timeline.rows.map((e) => e.seq)).toEqual([4, 3, 2, 1])
  })

  it('reads the events a burst pushed out of the snapshots from cluster/events, so a fence before 60 elections is still in the timeline', async () => {
    const log = Array.from({ length: 70 }, (_, i) => ev(i + 1, i === 2 ? { kind: 'broker-fenced', brokerId: 2 } : { kind: 'leader-elected', topic: 'orders', partition: 0 }))
    const api = fakeApi({
      'cluster/snapshot': () => snapshot(1, log.slice(0, 2)),
      'cluster/events': ({ afterSeq, limit }) => log.filter((e) => e.seq > afterSeq).slice(0, limit)
    })
    setApi(api)
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    await vi.waitFor(() => expect(timeline.rows).toHaveLength(2))
    // The fence (seq 3) and the 17 events after it never reach a snapshot of the newest 50.
    api.emit('snapshot', snapshot(2, log.slice(20)))
    await vi.waitFor(() => expect(timeline.rows).toHaveLength(70))
    expect(timeline.rows.map((e) => e.seq)).toEqual(log.map((e) => e.seq).reverse())
    expect(timeline.history.gaps).toEqual([])
    expect(api.calls.filter((c) => c.name === 'cluster/events').map((c) => c.req)).toContainEqual({ afterSeq: 2, limit: 1000 })
  })

  it('keeps the gap, with its count, when the missing events cannot be read', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(1, [ev(1, {})]) })
    setApi(api)
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    api.emit('snapshot', snapshot(2, [ev(10, {}), ev(11, {})]))
    await vi.waitFor(() => expect(timeline.rows.map((e) => e.seq)).toEqual([11, 10, 1]))
    expect(timeline.history.gaps).toEqual([{ afterSeq: 1, beforeSeq: 10, missed: 8 }])
  })

  it('highlights the partitions of the selected event, those a broker replicates for a broker event (internal topics left out, as the topology), and clears on a second click', async () => {
    const events = [ev(1, { kind: 'broker-fenced', brokerId: 2 }), ev(2, { kind: 'leader-elected', topic: 'orders', partition: 1, brokerId: 3, previousLeader: 2 })]
    setApi(fakeApi({ 'cluster/snapshot': () => snapshot(1, events) }))
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    timeline.select(2)
    expect(timeline.highlight).toEqual(['orders-1'])
    timeline.select(1)
    expect(timeline.highlight).toEqual(['orders-0', 'orders-1'])
    timeline.select(1)
    expect(timeline.selectedSeq).toBeNull()
    expect(timeline.highlight).toEqual([])
  })

  it('filters the rows by broker, topic and kind', async () => {
    const events = [ev(1, { kind: 'broker-killed', brokerId: 2 }), ev(2, { kind: 'isr-shrink', topic: 'orders', partition: 1, brokerId: 2 }), ev(3, { kind: 'isr-shrink', topic: 'pay', partition: 0, brokerId: 3 })]
    setApi(fakeApi({ 'cluster/snapshot': () => snapshot(1, events) }))
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    timeline.filter.brokerId = 2
    expect(timeline.rows.map((e) => e.seq)).toEqual([2, 1])
    timeline.filter = { brokerId: null, topic: 'pay', kinds: ['isr-shrink'] }
    expect(timeline.rows.map((e) => e.seq)).toEqual([3])
  })
})

describe('useTimelineStore and the snapshot it follows', () => {
  it('takes a snapshot\'s events without reading the rest of the snapshot (a deep watch would read every partition each second)', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(1, [ev(1, {})]) })
    setApi(api)
    const timeline = useTimelineStore()
    timeline.start()
    await useClusterStore().start()
    // A snapshot whose partitions count every read of their fields.
    let reads = 0
    const counted = (p: PartitionView): PartitionView => new Proxy(p, { get: (t, k, r) => (reads++, Reflect.get(t, k, r)) })
    const big = snapshot(2, [ev(1, {}), ev(2, {})])
    big.partitions = { orders: Array.from({ length: 500 }, (_, i) => counted(part(i, 1, [1, 2]))) }
    api.emit('snapshot', big)
    expect(timeline.rows.map((e) => e.seq)).toEqual([2, 1])
    expect(reads).toBe(0)
  })
})
