/**
 * Each replica's lag behind its leader over time in the host: the bounded ReplicaLagHistory, and
 * through EngineService (a real Cluster, injected clock) the snapshots' per-replica lag, the
 * topic/replica-lag-history request, and the under-min-ISR counts of topic and cluster.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ClusterSnapshot } from '../../../src/shared/contract'
import { EngineService } from '../../../src/host/engine-service'
import { ReplicaLagHistory } from '../../../src/host/replica-lag-history'
import { openTestCluster, type TestCluster } from './test-cluster'

describe('ReplicaLagHistory', () => {
  const sample = (lag: number, brokers = [1, 2]) => ({
    topic: 't',
    partition: 0,
    replicaStates: brokers.map((b) => ({ brokerId: b, lagRecords: b === 1 ? 0 : lag, lagMs: b === 1 ? 0 : lag * 10 }))
  })

  it('keeps at most maxPoints points per replica, dropping the oldest', () => {
    const h = new ReplicaLagHistory(3)
    for (let i = 0; i < 5; i++) h.record(1000 + i, [sample(i)])
    const [leader, follower] = h.series('t', 0)
    expect(leader.points).toHaveLength(3)
    expect(follower).toEqual({
      brokerId: 2,
      points: [
        { t: 1002, records: 2, ms: 20 },
        { t: 1003, records: 3, ms: 30 },
        { t: 1004, records: 4, ms: 40 }
      ]
    })
  })

  it('keeps 300 points (5 minutes at one snapshot a second) by default', () => {
    const h = new ReplicaLagHistory()
    for (let i = 0; i < 400; i++) h.record(i * 1000, [sample(i)])
    const follower = h.series('t', 0)[1]
    expect(follower.points).toHaveLength(300)
    expect(follower.points[0].t).toBe(100_000)
  })

  it('forgets partitions and replicas that are no longer sampled', () => {
    const h = new ReplicaLagHistory()
    h.record(1, [sample(1, [1, 2, 3]), { ...sample(1), partition: 1 }])
    h.record(2, [sample(2, [1, 2])])
    expect(h.series('t', 0).map((s) => s.brokerId)).toEqual([1, 2])
    expect(h.series('t', 1)).toEqual([])
  })

  it('returns copies: changing what it returned does not change what it keeps', () => {
    const h = new ReplicaLagHistory()
    h.record(1, [sample(5)])
    h.series('t', 0)[1].points[0].records = 99
    expect(h.series('t', 0)[1].points[0].records).toBe(5)
  })

  it('refuses a bound below one point', () => {
    expect(() => new ReplicaLagHistory(0)).toThrow(/maxPoints must be an integer of at least 1/)
  })
})

describe('replica lag through the contract', () => {
  let tc: TestCluster
  let service: EngineService
  let last: ClusterSnapshot | undefined
  let unsubscribe: () => void

  beforeEach(() => {
    tc = openTestCluster()
    service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
    unsubscribe = service.subscribe((e) => {
      if (e.event === 'snapshot') last = e.payload
    })
  })
  afterEach(async () => {
    unsubscribe()
    await service.close()
    await tc.cleanup()
  })

  async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
    const r = await p
    if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
    return r.data
  }
  const snapshot = (): ClusterSnapshot => {
    tc.clock.now += 1000
    service.pushSnapshot()
    return last!
  }
  const produce = (n: number) => ok(service.handle('produce/send', { topic: 'lag', acks: 1, records: [{ key: 'k', value: 'v' }], count: n }))

  it('shows a paused follower lagging more in records and ms with each snapshot, and back at 0 once it caught up', async () => {
    await ok(service.handle('topic/create', { topic: 'lag', partitions: 1, replicationFactor: 3 }))
    tc.cluster.replicateNow()
    const p0 = snapshot().partitions.lag[0]
    const follower = p0.replicas.find((b) => b !== p0.leader)!
    await ok(service.handle('broker/fetching', { brokerId: follower, paused: true }))
    await produce(4)
    tc.cluster.replicateNow()
    const first = snapshot().partitions.lag[0].replicaStates.find((r) => r.brokerId === follower)!
    await produce(6)
    tc.cluster.replicateNow()
    const second = snapshot().partitions.lag[0].replicaStates.find((r) => r.brokerId === follower)!
    expect(first).toMatchObject({ lagRecords: 4 })
    expect(second).toMatchObject({ lagRecords: 10 })
    expect(second.lagMs!).toBeGreaterThan(first.lagMs!)
    expect(first.lagMs!).toBeGreaterThan(0)

    await ok(service.handle('broker/fetching', { brokerId: follower, paused: false }))
    tc.cluster.replicateNow()
    tc.cluster.replicateNow()
    const healed = snapshot().partitions.lag[0].replicaStates.find((r) => r.brokerId === follower)!
    expect(healed).toMatchObject({ lagRecords: 0, lagMs: 0, logEndOffset: 10 })

    const history = await ok(service.handle('topic/replica-lag-history', { topic: 'lag', partition: 0 }))
    const series = history.replicas.find((s) => s.brokerId === follower)!.points
    expect(series.map((p) => p.records)).toEqual([0, 4, 10, 0])
    expect(series[2].ms!).toBeGreaterThan(series[1].ms!)
    expect(history.replicas.find((s) => s.brokerId === p0.leader)!.points.every((p) => p.records === 0 && p.ms === 0)).toBe(true)
  })

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a partition the topic does not have', async () => {
    await ok(service.handle('topic/create', { topic: 'lag', partitions: 1, replicationFactor: 3 }))
    const bad = await service.handle('topic/replica-lag-history', { topic: 'lag', partition: 3 })
    expect(bad.ok ? 'ok' : bad.error).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: expect.stringMatching(/no partition 3/) })
    const unknown = await service.handle('topic/replica-lag-history', { topic: 'nope', partition: 0 })
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
  })

  it('counts partitions under min.insync.replicas in the topic and the cluster once the ISR shrinks below it', async () => {
    await ok(service.handle('topic/create', { topic: 'lag', partitions: 2, replicationFactor: 3, configs: { 'min.insync.replicas': 3 } }))
    tc.cluster.replicateNow()
    let s = snapshot()
    expect(s.topics.find((t) => t.name === 'lag')!.underMinIsrPartitions).toBe(0)
    expect(s.underMinIsrPartitions).toBe(0)
    await ok(service.handle('broker/stop', { brokerId: 2 })) // it leaves every ISR at once
    s = snapshot()
    expect(s.partitions.lag.map((p) => p.underMinIsr)).toEqual([true, true])
    expect(s.topics.find((t) => t.name === 'lag')!.underMinIsrPartitions).toBe(2)
    // __consumer_offsets keeps min.insync.replicas 1 here: only the user topic counts.
    expect(s.underMinIsrPartitions).toBe(2)
    const detail = await ok(service.handle('topic/describe', { topic: 'lag' }))
    expect(detail.underMinIsrPartitions).toBe(2)
    expect(detail.partitionViews.every((p) => p.underMinIsr)).toBe(true)
  })
})
