/**
 * Kafka semantics of acks=all and leader failover at the edges: an ISR shrinking while a produce
 * waits (Kafka's DelayedProduce completes once the high watermark passes with the smaller ISR, but
 * answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is below min.insync.replicas then), and an
 * in-sync follower whose own high watermark is stale (it must not drop committed records when it is
 * elected to lead). Lagging followers are made with pauseFetching (a stopped broker leaves the ISR at once).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor } from '../../../../src/broker/group/committed-offsets'

const dirs: string[] = []
const open: Cluster[] = []
afterEach(async () => {
  for (const c of open.splice(0)) await c.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function makeCluster(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-failover-'))): { cluster: Cluster; clock: { now: number } } {
  if (!dirs.includes(dir)) dirs.push(dir)
  const clock = { now: 1_700_000_000_000 }
  const cluster = new Cluster({ dataDir: dir, brokers: 3, clock: () => clock.now, autoReplicate: false, storage: 'file', log: () => {}, replicaLagTimeMaxMs: 30000 })
  open.push(cluster)
  return { cluster, clock }
}

function rec(i: number) {
  return { key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }
}

/** The settled outcome of a promise, without awaiting a pending one. */
function outcome<T>(p: Promise<T>): { state: 'pending' | 'ok' | 'error'; code?: string } {
  const o: { state: 'pending' | 'ok' | 'error'; code?: string } = { state: 'pending' }
  p.then(
    () => (o.state = 'ok'),
    (e: unknown) => {
      o.state = 'error'
      o.code = e instanceof KafkaError ? e.code : String(e)
    }
  )
  return o
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('acks=all while the ISR shrinks', () => {
  it('completes once the high watermark passes with the smaller ISR still at min.insync.replicas', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
    cluster.pauseFetching(b)
    const p = outcome(cluster.produce('t', [rec(0), rec(1)], { acks: 'all' }))
    cluster.replicateNow()
    await flush()
    expect(p.state).toBe('pending') // the follower that stopped fetching still holds the ISR back
    clock.now += 30001
    cluster.tick()
    await flush()
    expect(cluster.describeTopic('t').partitions[0].isr).toEqual([leader, a])
    expect(p.state).toBe('ok')
  })

  it('answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas before the high watermark passed', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
    cluster.pauseFetching(a)
    cluster.pauseFetching(b)
    const p = outcome(cluster.produce('t', [rec(0)], { acks: 'all' }))
    cluster.replicateNow()
    clock.now += 30001
    cluster.tick()
    await flush()
    expect(cluster.describeTopic('t').partitions[0].isr).toEqual([leader])
    expect(p).toEqual({ state: 'error', code: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' })
    // The record was appended all the same (Kafka does not roll back), and is committed now.
    expect(cluster.fetch('t', 0, 0).records.map((r) => r.key!.toString())).toEqual(['k0'])
  })
})

describe('leader failover', () => {
  it('an in-sync follower with a stale high watermark keeps committed records when it is elected to lead', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1 } })
    const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
    cluster.pauseFetching(b)
    const p = cluster.produce('t', Array.from({ length: 10 }, (_, i) => rec(i)), { acks: 'all' })
    cluster.replicateNow() // a has everything, but b (not fetching, still in the ISR) holds the high watermark at 0
    clock.now += 30001
    cluster.tick() // b leaves the ISR by lag after the round: the high watermark reaches 10, a has not heard of it
    expect((await p).map((m) => m.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(cluster.describeTopic('t').partitions[0].isr).toContain(a)
    cluster.stopBroker(leader) // a leads: it must not truncate below the committed offset
    const state = cluster.describeTopic('t').partitions[0]
    expect(state.leader).toBe(a)
    expect(state.logEndOffset).toBe(10)
    expect(cluster.fetch('t', 0, 0).records.map((r) => r.key!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`))
  })

  it('a restarted old leader drops only what it never committed, then copies the new leader', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader] = cluster.describeTopic('t').partitions[0].replicas
    const p = cluster.produce('t', [rec(0), rec(1)], { acks: 'all' })
    cluster.replicateNow()
    await p
    await cluster.produce('t', [rec(100)], { acks: 1 }) // never replicated
    cluster.stopBroker(leader)
    await cluster.produce('t', [rec(2), rec(3)], { acks: 1 })
    cluster.startBroker(leader)
    cluster.replicateNow()
    const s = cluster.describeTopic('t').partitions[0]
    expect(s.replicaStates.map((r) => r.logEndOffset)).toEqual([4, 4, 4])
    expect(s.isr.sort()).toEqual([1, 2, 3])
    cluster.electPreferredLeaders('t')
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(leader)
    expect(cluster.fetch('t', 0, 0).records.map((r) => r.key!.toString())).toEqual(['k0', 'k1', 'k2', 'k3'])
  })
})

describe('high watermark at open', () => {
  /** Rewrite every replica log's checkpointed high watermark to 0, as a crash before the next checkpoint leaves it. */
  function staleCheckpoints(dir: string): void {
    for (const b of ['broker-1', 'broker-2', 'broker-3'])
      for (const log of fs.readdirSync(path.join(dir, b)).filter((n) => n.startsWith('t-'))) {
        const file = path.join(dir, b, log, 'log-state.checkpoint')
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/highWatermark \d+/, 'highWatermark 0'))
      }
  }

  it('is recomputed from the ISR, so committed records are readable and survive a bounce and a failover before any replication round', async () => {
    const first = makeCluster()
    first.cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const p = first.cluster.produce('t', Array.from({ length: 5 }, (_, i) => rec(i)), { acks: 'all' })
    first.cluster.replicateNow()
    await p
    const dir = first.cluster.dataDir
    await first.cluster.close()
    open.splice(open.indexOf(first.cluster), 1)
    staleCheckpoints(dir)

    const { cluster } = makeCluster(dir)
    expect(cluster.describeTopic('t').partitions[0].highWatermark).toBe(5)
    expect(cluster.fetch('t', 0, 0).records).toHaveLength(5)
    const [leader, a] = cluster.describeTopic('t').partitions[0].replicas
    cluster.stopBroker(leader) // a, in the ISR with its own checkpointed high watermark 0, leads and keeps its log
    expect(cluster.describeTopic('t').partitions[0].leader).toBe(a)
    expect(cluster.fetch('t', 0, 0).records.map((r) => r.key!.toString())).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])
  })
})

describe('committed offsets', () => {
  it('survive a failover of the coordinator partition right after the commit, across a reopen', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    await cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 0 }])
    cluster.replicateNow()
    await cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 7 }])
    const coordinator = cluster.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartitionFor('g', OFFSETS_TOPIC_PARTITIONS)]
    cluster.stopBroker(coordinator.leader) // the coordinator fails before a replication round
    expect(cluster.describeTopic(OFFSETS_TOPIC).partitions[coordinator.partition].leader).not.toBe(coordinator.leader)
    const dir = cluster.dataDir
    await cluster.close()
    open.splice(open.indexOf(cluster), 1)
    const again = makeCluster(dir).cluster
    expect(again.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(7)
  })
})

describe('commits and a lagging coordinator follower', () => {
  it('answer only once the ISR holds them: a follower that stopped fetching holds a commit back until it leaves the ISR, and nothing is applied before', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    await cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }]) // creates __consumer_offsets
    const coordinator = cluster.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartitionFor('g', OFFSETS_TOPIC_PARTITIONS)]
    const lagging = coordinator.replicas.find((b) => b !== coordinator.leader)!
    cluster.pauseFetching(lagging)
    const commit = outcome(cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 5 }]))
    await flush()
    expect(commit.state).toBe('pending')
    expect(cluster.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(1) // not applied yet
    clock.now += 30001
    cluster.tick() // the lagging follower leaves the ISR: the commit is answered
    await flush()
    expect(commit.state).toBe('ok')
    expect(cluster.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(5)
    // The leader fails: the new leader is an ISR member, which holds the commit.
    cluster.stopBroker(coordinator.leader)
    const now = cluster.describeTopic(OFFSETS_TOPIC).partitions[coordinator.partition]
    expect(now.leader).not.toBe(lagging)
    const dir = cluster.dataDir
    await cluster.close()
    open.splice(open.indexOf(cluster), 1)
    expect(makeCluster(dir).cluster.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(5)
  })

  it('fail with NOT_COORDINATOR when the coordinator moves before the commit reached the ISR, applying nothing', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    await cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }])
    const coordinator = cluster.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartitionFor('g', OFFSETS_TOPIC_PARTITIONS)]
    cluster.pauseFetching(coordinator.replicas.find((b) => b !== coordinator.leader)!)
    const commit = outcome(cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 5 }]))
    await flush()
    cluster.stopBroker(coordinator.leader)
    await flush()
    expect(commit).toEqual({ state: 'error', code: 'NOT_COORDINATOR' })
    expect(cluster.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(1)
  })

  it('fail with COORDINATOR_NOT_AVAILABLE when the ISR does not take the commit in time, applying nothing', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    await cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }])
    const coordinator = cluster.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartitionFor('g', OFFSETS_TOPIC_PARTITIONS)]
    cluster.pauseFetching(coordinator.replicas.find((b) => b !== coordinator.leader)!)
    await expect(cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 5 }], { timeoutMs: 20 })).rejects.toMatchObject({ code: 'COORDINATOR_NOT_AVAILABLE' })
    expect(cluster.fetchOffsets('g').offsets.get('t')?.get(0)).toBe(1)
  })
})

describe('fetch bounds', () => {
  it('answers empty between the high watermark and the log end offset, OFFSET_OUT_OF_RANGE past the log end or below the log start', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 2 })
    await cluster.produce('t', [rec(0), rec(1), rec(2)], { acks: 1 })
    expect(cluster.fetch('t', 0, 0)).toMatchObject({ records: [], highWatermark: 0, nextOffset: 0 })
    expect(cluster.fetch('t', 0, 3).records).toEqual([])
    expect(() => cluster.fetch('t', 0, 4)).toThrow(expect.objectContaining({ code: 'OFFSET_OUT_OF_RANGE' }))
    expect(() => cluster.fetch('t', 0, -1)).toThrow(expect.objectContaining({ code: 'OFFSET_OUT_OF_RANGE' }))
    cluster.replicateNow()
    const r = cluster.fetch('t', 0, 1, { maxRecords: 1 })
    expect(r.records.map((x) => x.offset)).toEqual([1])
    expect(r.nextOffset).toBe(2)
    expect(r.highWatermark).toBe(3)
  })
})
