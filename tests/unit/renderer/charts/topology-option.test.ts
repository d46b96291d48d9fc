import { describe, expect, it } from 'vitest'
import type { BrokerView, PartitionView } from '../../../../src/shared/contract'
import { TOPOLOGY_MIN_ROWS, TOPOLOGY_ROW_PX, replicaRole, topologyOption, topologyRows } from '../../../../src/renderer/src/charts/topology-option'

const broker = (id: number, alive = true): BrokerView => ({ id, address: `127.0.0.1:${9091 + id}`, alive, state: alive ? 'running' : 'stopped', fenced: false, isolated: false, slowMs: 0, lastHeartbeatMs: null, fetching: alive, partitionsLed: 0, replicas: 0, bytesOnDisk: 0, controller: id === 1 })

function partition(p: number, leader: number, replicas: number[], isr: number[], offlineBrokers: number[] = []): PartitionView {
  return {
    partition: p,
    leader,
    replicas,
    isr,
    logStartOffset: 0,
    logEndOffset: 10,
    highWatermark: 10,
    records: 10,
    sizeBytes: 100,
    replicaStates: replicas.map((b) => ({ brokerId: b, logEndOffset: 10, inSync: isr.includes(b), offline: offlineBrokers.includes(b), storageError: null, lagRecords: 0, lagMs: 0 })),
    underReplicated: isr.length < replicas.length,
    offline: leader < 0,
    underMinIsr: false
  }
}

type Node = { id: string; category?: number; x: number; y: number }
type Link = { source: string; target: string; lineStyle: { type: string } }
const graph = (o: ReturnType<typeof topologyOption>) => (o.series as { data: Node[]; links: Link[] }[])[0]

describe('topology graph', () => {
  it('tells leader, in-ISR follower, out-of-sync follower and offline replica apart', () => {
    const p = partition(0, 1, [1, 2, 3, 4], [1, 2], [4])
    expect([1, 2, 3, 4].map((b) => replicaRole(p, b))).toEqual([1, 2, 3, 4])
  })

  it('puts each replica in its broker column and its partition row', () => {
    const o = topologyOption([broker(2), broker(1)], { orders: [partition(1, 2, [2, 1], [2, 1]), partition(0, 1, [1, 2], [1])] })
    const nodes = graph(o).data
    const r = (id: string) => nodes.find((n) => n.id === id) as Node
    expect(r('b1').x).toBeLessThan(r('b2').x)
    expect(r('r:orders-0:1').x).toBe(r('b1').x)
    expect(r('r:orders-0:2').x).toBe(r('b2').x)
    expect(r('r:orders-0:1').y).toBe(r('r:orders-0:2').y)
    expect(r('r:orders-0:1').y).toBeLessThan(r('r:orders-1:1').y)
    expect(r('r:orders-0:2').category).toBe(3)
  })

  it('draws replication from the leader to each follower, dashed when the follower left the ISR', () => {
    const o = topologyOption([broker(1), broker(2), broker(3)], { t: [partition(0, 1, [1, 2, 3], [1, 2])] })
    expect(graph(o).links.map((l) => [l.source, l.target, l.lineStyle.type])).toEqual([
      ['r:t-0:1', 'r:t-0:2', 'solid'],
      ['r:t-0:1', 'r:t-0:3', 'dashed']
    ])
  })

  it('counts one row per partition for sizing', () => {
    expect(topologyRows({ a: [partition(0, 1, [1], [1])], b: [partition(0, 1, [1], [1]), partition(1, 1, [1], [1])] })).toBe(3)
  })

  it('keeps a minimum height and says what will appear when there are no partitions yet', () => {
    const empty = topologyOption([broker(1), broker(2)], {}) as { graphic?: { style: { text: string } }; series: { data: { id: string; y: number }[] }[] }
    expect(empty.graphic?.style.text).toMatch(/No topics yet/)
    const pad = empty.series[0].data.find((n) => n.id === 'pad')!
    expect(pad.y).toBe(14 + TOPOLOGY_MIN_ROWS * TOPOLOGY_ROW_PX)
    const some = topologyOption([broker(1), broker(2)], { t: [partition(0, 1, [1, 2], [1, 2])] }) as { graphic?: unknown }
    expect(some.graphic).toBeUndefined()
  })

  it('rings the replicas of highlighted partitions and fades the others', () => {
    type Styled = { id: string; itemStyle?: { opacity?: number; borderWidth?: number }; label?: { fontWeight?: number } }
    const parts = { t: [partition(0, 1, [1, 2], [1, 2]), partition(1, 2, [2, 1], [2, 1])] }
    const nodes = (o: ReturnType<typeof topologyOption>) => (o.series as { data: Styled[] }[])[0].data
    const byId = (o: ReturnType<typeof topologyOption>, id: string) => nodes(o).find((n) => n.id === id)!
    const plain = topologyOption([broker(1), broker(2)], parts)
    expect(byId(plain, 'r:t-0:1').itemStyle?.opacity).toBe(1)
    const lit = topologyOption([broker(1), broker(2)], parts, new Set(['t-1']))
    expect(byId(lit, 'r:t-1:2').itemStyle).toMatchObject({ opacity: 1, borderWidth: 3 })
    expect(byId(lit, 'row:t-1').label?.fontWeight).toBe(700)
    expect(byId(lit, 'r:t-0:1').itemStyle?.opacity).toBeLessThan(1)
  })
})
