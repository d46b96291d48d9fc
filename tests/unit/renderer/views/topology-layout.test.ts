import { describe, expect, it } from 'vitest'
import type { BrokerView, PartitionView, TopicSummary } from '../../../../src/shared/contract'
import { matrixChunks, partitionCount, topicSummary, visiblePartitions } from '../../../../src/renderer/src/views/cluster/topology-layout'

const broker = (id: number): BrokerView => ({ id, address: '', alive: true, state: 'running', fenced: false, isolated: false, slowMs: 0, lastHeartbeatMs: null, fetching: true, partitionsLed: 0, replicas: 0, bytesOnDisk: 0, controller: false })
function part(partition: number, leader: number, replicas: number[], isr: number[], offlineBrokers: number[] = []): PartitionView {
  return {
    partition,
    leader,
    replicas,
    isr,
    logStartOffset: 0,
    logEndOffset: 0,
    highWatermark: 7,
    records: 0,
    sizeBytes: 0,
    replicaStates: replicas.map((b) => ({ brokerId: b, logEndOffset: 0, inSync: isr.includes(b), offline: offlineBrokers.includes(b), storageError: null, lagRecords: 0, lagMs: 0 })),
    underReplicated: isr.length < replicas.length,
    underMinIsr: false,
    offline: leader < 0
  }
}
const topic = (name: string, internal = false): TopicSummary => ({ name, internal }) as TopicSummary

describe('topology layout', () => {
  it('leaves internal topics out, sorts topics and partitions, and filters by topic', () => {
    const snapshot = {
      topics: [topic('b'), topic('a'), topic('__consumer_offsets', true)],
      partitions: { b: [part(1, 1, [1], [1]), part(0, 1, [1], [1])], a: [part(0, 1, [1], [1])], __consumer_offsets: [part(0, 1, [1], [1])] }
    }
    const all = visiblePartitions(snapshot)
    expect(all.map(([t, ps]) => [t, ps.map((p) => p.partition)])).toEqual([['a', [0]], ['b', [0, 1]]])
    expect(partitionCount(all)).toBe(3)
    expect(visiblePartitions(snapshot, ['b']).map(([t]) => t)).toEqual(['b'])
  })

  it('summarizes a topic: under-replicated, offline and leaders per broker', () => {
    const s = topicSummary('o', [part(0, 1, [1, 2], [1, 2]), part(1, 2, [2, 1], [2]), part(2, -1, [3], [3])])
    expect(s).toEqual({ topic: 'o', partitions: 3, underReplicated: 1, offline: 1, leaders: { 1: 1, 2: 1 } })
  })

  it('gives each cell the replica role (leader, in ISR, out of ISR, offline, none) and marks highlighted partitions', () => {
    const ps = [part(0, 1, [1, 2, 3], [1, 2], [3]), part(1, 2, [2, 1], [2])]
    const [chunk] = matrixChunks('o', ps, [broker(3), broker(1), broker(2)], new Set(['o-1']))
    expect(chunk.columns.map((c) => c.cells.map((x) => `${x.brokerId}:${x.role}`))).toEqual([
      ['1:leader', '2:in-isr', '3:offline'],
      ['1:out-of-isr', '2:leader', '3:none']
    ])
    expect(chunk.columns.map((c) => c.highlighted)).toEqual([false, true])
    expect(chunk.columns[0].title).toBe('o-0: leader 1, replicas [1, 2, 3], ISR [1, 2], high watermark 7')
  })

  it('cuts a topic into chunks of consecutive partitions', () => {
    const ps = Array.from({ length: 60 }, (_, i) => part(i, 1, [1], [1]))
    expect(matrixChunks('o', ps, [broker(1)], new Set(), 25).map((c) => [c.first, c.last, c.columns.length])).toEqual([
      [0, 24, 25],
      [25, 49, 25],
      [50, 59, 10]
    ])
  })
})
