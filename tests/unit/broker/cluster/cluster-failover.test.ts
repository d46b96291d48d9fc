/**
 * Kafka semantics of acks=all and leader failover at the edges: an ISR shrinking while a produce
 * waits (Kafka's DelayedProduce completes once the high watermark passes with the smaller ISR, but
 * answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is below min.insync.replicas then), and an
 * in-sync follower whose own high watermark is stale (it must not drop committed records when it is
 * elected to lead). Lagging followers are made with pauseFetching (a stopped broker leaves the ISR at once).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor } from '../../../../src/broker/group/committed-offsets'
import { clockClusters, type ClockCluster } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-failover-')

/** A cluster in `dir` (reopened when it holds one; by default a fresh directory), on a fresh clock at T0. */
const makeCluster = (dir?: string): ClockCluster => openCluster({ dataDir: dir, replicaLagTimeMaxMs: 30000 })

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

describe('leader epochs (KIP-101, KIP-279)', () => {
  /** Every replica's records of t-0 as `offset:key`, by broker id. */
  function replicaRecords(cluster: Cluster, brokers: number[]): Record<number, string[]> {
    const out: Record<number, string[]> = {}
    for (const b of brokers) out[b] = cluster.replicaLog(b, 't', 0)!.readRecords(0, { maxRecords: 1000 }).map((r) => `${r.offset}:${r.key!.toString()}`)
    return out
  }

  /**
   * Leader L writes 5 records with acks=1 that only follower F copies (follower G does not fetch);
   * L stops and G, first in replica order and in the ISR, is elected at offset 10; it writes 5 other
   * records in the new epoch. F's log now ends where G's does, with different records from offset 10:
   * only the leader epochs (F's 10..14 are epoch 0, G's epoch 1 starts at 10) show the divergence.
   */
  async function divergedFollower(): Promise<{ cluster: Cluster; dir: string; leader: number; f: number; g: number }> {
    const dir = openCluster.tempDir()
    const { cluster } = makeCluster(dir)
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1 } })
    const [leader, g, f] = cluster.describeTopic('t').partitions[0].replicas
    const committed = cluster.produce('t', Array.from({ length: 10 }, (_, i) => rec(i)), { acks: 'all' })
    cluster.replicateNow()
    await committed
    cluster.pauseFetching(g)
    await cluster.produce('t', Array.from({ length: 5 }, (_, i) => rec(100 + i)), { acks: 1 })
    cluster.replicateNow() // f copies 10..14; g does not, so the high watermark stays at 10
    expect(cluster.describeTopic('t').partitions[0].highWatermark).toBe(10)
    cluster.stopBroker(leader)
    cluster.resumeFetching(g)
    const s = cluster.describeTopic('t').partitions[0]
    expect(s.leader).toBe(g)
    expect(s.isr).toContain(f)
    await cluster.produce('t', Array.from({ length: 5 }, (_, i) => rec(200 + i)), { acks: 1 })
    return { cluster, dir, leader, f, g }
  }

  const expected = [...Array.from({ length: 10 }, (_, i) => `${i}:k${i}`), ...Array.from({ length: 5 }, (_, i) => `${10 + i}:k${200 + i}`)]

  it('an in-sync follower holding records of an older epoch, ending where the new leader ends, truncates by epochs and copies the leader', async () => {
    const { cluster, f, g } = await divergedFollower()
    expect(cluster.replicaLog(f, 't', 0)!.logEndOffset).toBe(15)
    cluster.replicateNow()
    const logs = replicaRecords(cluster, [f, g])
    expect(logs[g]).toEqual(expected)
    expect(logs[f]).toEqual(expected)
    expect(cluster.replicaLog(f, 't', 0)!.epochEntries()).toEqual(cluster.replicaLog(g, 't', 0)!.epochEntries())
  })

  it('after the whole cluster is closed and reopened and the old leader started again, all three replicas end identical and nothing acknowledged is lost', async () => {
    const { cluster, dir, leader, f, g } = await divergedFollower()
    await cluster.close()
    const { cluster: reopened } = makeCluster(dir)
    reopened.replicateNow()
    reopened.startBroker(leader) // the old leader returns: its 10..14 are epoch 0's, which ended at 10
    reopened.replicateNow()
    const logs = replicaRecords(reopened, [leader, f, g])
    expect(logs[g]).toEqual(expected)
    expect(logs[f]).toEqual(expected)
    expect(logs[leader]).toEqual(expected)
    expect(reopened.fetch('t', 0, 0).records.map((r) => r.key!.toString())).toEqual(expected.map((e) => e.split(':')[1]))
  })

  it('answers OffsetsForLeaderEpoch as Kafka does: the current epoch ends at the log end offset, an old one where the next began, an unknown one (-1, -1)', async () => {
    const { cluster, g } = await divergedFollower()
    const rm = cluster.replicaManager(g)!
    expect(rm.lastOffsetForLeaderEpoch('t', 0, 1)).toEqual({ epoch: 1, endOffset: 15 })
    expect(rm.lastOffsetForLeaderEpoch('t', 0, 0)).toEqual({ epoch: 0, endOffset: 10 })
    expect(rm.lastOffsetForLeaderEpoch('t', 0, 7)).toEqual({ epoch: -1, endOffset: -1 })
    expect(() => rm.lastOffsetForLeaderEpoch('t', 0, 0, 0)).toThrow(expect.objectContaining({ code: 'FENCED_LEADER_EPOCH' }))
    expect(() => rm.lastOffsetForLeaderEpoch('t', 0, 0, 2)).toThrow(expect.objectContaining({ code: 'UNKNOWN_LEADER_EPOCH' }))
  })
})
