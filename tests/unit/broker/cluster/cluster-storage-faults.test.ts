/**
 * Storage failures (a full disk, a log that will not open or write) never corrupt the metadata,
 * never make the data directory unopenable, and heal once the cause is gone: topic creation and
 * added partitions are all or nothing; the replica budget refuses what the machine cannot hold
 * before anything is made; a replica whose log fails goes offline (KAFKA_STORAGE_ERROR), leadership
 * moves, and it rejoins once its log opens again. Faults are injected in a wrapping store, never by
 * filling a real disk.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { LogManagerStore } from '../../../../src/broker/cluster/log-manager-store'
import { defaultReplicaBudget } from '../../../../src/broker/cluster/replica-budget'
import type { ReplicaLog, ReplicaLogStore } from '../../../../src/broker/cluster/replica-log'
import { KafkaError, StorageError } from '../../../../src/broker/model/errors'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import type { LogConfig } from '../../../../src/broker/storage/storage-types'
import { T0, clockClusters, type TestClock } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-faults-')

const newDir = (): string => openCluster.tempDir()

const enospc = (file: string): StorageError => new StorageError('KAFKA_STORAGE_ERROR', file, 'No space left on device (ENOSPC)')

/** A ReplicaLogStore over the real one that fails chosen opens and appends, keyed `<broker>/<topic>-<partition>`. */
class FaultyStore implements ReplicaLogStore {
  readonly failOpen = new Set<string>()
  readonly failAppend = new Set<string>()
  /** Fail every open after this many successful ones (null: never). */
  opensLeft: number | null = null
  constructor(private readonly inner: ReplicaLogStore) {}
  get hadCleanShutdown(): boolean {
    return this.inner.hadCleanShutdown
  }
  open(b: number, t: string, p: number, config: LogConfig, create: boolean): ReplicaLog | null {
    const key = `${b}/${t}-${p}`
    if (this.failOpen.has(key)) throw enospc(`broker-${b}/${t}-${p}/00000000000000000000.log`)
    if (this.opensLeft !== null && create) {
      if (this.opensLeft === 0) {
        // As a real failed creation: a directory may already have been made.
        throw enospc(`broker-${b}/${t}-${p}/00000000000000000000.index`)
      }
      this.opensLeft--
    }
    const log = this.inner.open(b, t, p, config, create)
    if (!log) return null
    const failAppend = this.failAppend
    return new Proxy(log, {
      get(target, prop) {
        if ((prop === 'appendAsLeader' || prop === 'appendAsFollower') && failAppend.has(key))
          return () => {
            throw enospc(`broker-${b}/${t}-${p}/00000000000000000000.log`)
          }
        const v = Reflect.get(target, prop, target) as unknown
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
      }
    })
  }
  evict(b: number, t: string, p: number, error: KafkaError): void {
    this.inner.evict(b, t, p, error)
  }
  offlineError(b: number, t: string, p: number): StorageError | null {
    return this.inner.offlineError(b, t, p)
  }
  delete(b: number, t: string, p: number): void {
    this.inner.delete(b, t, p)
  }
  tick(now: number, live: readonly number[]): boolean {
    return this.inner.tick(now, live)
  }
  close(): void {
    this.inner.close()
  }
}

function faultyCluster(dir: string, clock: TestClock = { now: T0 }, extra: { maxReplicas?: number } = {}): { cluster: Cluster; store: FaultyStore; clock: TestClock } {
  const store = new FaultyStore(
    new LogManagerStore({ dataDir: dir, brokerIds: [1, 2, 3], storage: 'file', clock: () => clock.now, configFor: () => DEFAULT_LOG_CONFIG, log: () => {} })
  )
  const { cluster } = openCluster({ dataDir: dir, clock, logStore: store, eventLog: () => {}, ...extra })
  return { cluster, store, clock }
}

const plainCluster = (dir: string, extra: { maxReplicas?: number; storageBackend?: FaultInjectingBackend } = {}): Cluster =>
  openCluster({ dataDir: dir, eventLog: () => {}, ...extra }).cluster

/** Replica directories of `topic` under every broker dir. */
function replicaDirs(dir: string, topic: string): string[] {
  const out: string[] = []
  for (const b of fs.readdirSync(dir).filter((d) => d.startsWith('broker-')))
    for (const d of fs.readdirSync(path.join(dir, b))) if (d.startsWith(`${topic}-`)) out.push(`${b}/${d}`)
  return out
}

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (e) {
    if (e instanceof KafkaError) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected an error')
}

const rec = (i: number) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })

describe('creating a topic is all or nothing', () => {
  it('a log that cannot be created (ENOSPC) leaves no topic, no directory, and a cluster that reopens', async () => {
    const dir = newDir()
    const { cluster, store } = faultyCluster(dir)
    store.opensLeft = 7 // the 8th of 3 x 3 replica logs fails
    const err = codeOf(() => cluster.createTopic('orders', { partitions: 3, replicationFactor: 3 }))
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.message).toMatch(/^Topic orders was not created: the log of orders-2 on broker \d could not be created: No space left on device \(ENOSPC\).*Nothing of it was kept\.$/)
    expect(cluster.listTopics().map((t) => t.name)).toEqual([])
    expect(replicaDirs(dir, 'orders')).toEqual([])
    expect(cluster.recentEvents().map((e) => e.kind)).toContain('topic-rolled-back')
    store.opensLeft = null
    cluster.createTopic('orders', { partitions: 3, replicationFactor: 3 }) // the name is free again
    await cluster.close()
    const again = plainCluster(dir)
    expect(again.listTopics().map((t) => t.name)).toEqual(['orders'])
  })

  it.each([
    ['its append fails (ENOSPC)', 'write', 'ENOSPC'],
    ['its fsync fails (EIO)', 'flush', 'EIO']
  ] as const)('a metadata write that fails removes the new logs again, and the cluster reopens without the topic: %s', async (_what, op, code) => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const cluster = plainCluster(dir, { storageBackend: backend })
    const heal = backend.inject({ op, code, pathIncludes: '__cluster_metadata-0' })
    const err = codeOf(() => cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 }))
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.message).toMatch(new RegExp(`^Topic orders was not created: Cannot (write|flush) the cluster metadata log ${dir}/__cluster_metadata-0: .*${code}`))
    expect(cluster.listTopics()).toEqual([])
    expect(replicaDirs(dir, 'orders')).toEqual([])
    heal()
    cluster.createTopic('payments', { partitions: 1, replicationFactor: 3 })
    await cluster.close()
    expect(plainCluster(dir).listTopics().map((t) => t.name)).toEqual(['payments'])
  })

  it.each([
    ['its append fails (ENOSPC)', 'write', 'ENOSPC'],
    ['its fsync fails (EIO)', 'flush', 'EIO']
  ] as const)('added partitions whose metadata write fails are removed again: a retry adds exactly them, and the cluster reopens with them and no stray directory: %s', async (_what, op, code) => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const cluster = plainCluster(dir, { storageBackend: backend })
    cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 })
    const before = replicaDirs(dir, 'orders').sort()
    const heal = backend.inject({ op, code, pathIncludes: '__cluster_metadata-0' })
    const err = codeOf(() => cluster.createPartitions('orders', 4))
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.message).toMatch(new RegExp(`^No partitions were added to topic orders: Cannot (write|flush) the cluster metadata log ${dir}/__cluster_metadata-0: .*${code}`))
    expect(cluster.describeTopic('orders').partitions).toHaveLength(2)
    expect(replicaDirs(dir, 'orders').sort()).toEqual(before)
    heal()
    // Later metadata changes are written (none fails on what the rollback left).
    cluster.createTopic('payments', { partitions: 1, replicationFactor: 3 })
    expect(cluster.recentEvents().filter((e) => e.kind === 'metadata-write-failed')).toEqual([])
    cluster.createPartitions('orders', 4)
    expect(cluster.describeTopic('orders').partitions).toHaveLength(4)
    const after = replicaDirs(dir, 'orders').sort()
    expect(after).toHaveLength(12)
    await cluster.close()
    const again = plainCluster(dir)
    expect(again.describeTopic('orders').partitions).toHaveLength(4)
    expect(again.listTopics().map((t) => t.name).sort()).toEqual(['orders', 'payments'])
    expect(replicaDirs(dir, 'orders').sort()).toEqual(after)
  })

  it.each([
    ['its append fails (ENOSPC)', 'write', 'ENOSPC'],
    ['its fsync fails (EIO)', 'flush', 'EIO']
  ] as const)('added partitions whose metadata write fails are not there after a reopen, and leave no stray directory: %s', async (_what, op, code) => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const cluster = plainCluster(dir, { storageBackend: backend })
    cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 })
    const before = replicaDirs(dir, 'orders').sort()
    const heal = backend.inject({ op, code, pathIncludes: '__cluster_metadata-0' })
    expect(codeOf(() => cluster.createPartitions('orders', 5)).code).toBe('KAFKA_STORAGE_ERROR')
    heal()
    await cluster.close()
    const again = plainCluster(dir)
    expect(again.describeTopic('orders').partitions).toHaveLength(2)
    expect(replicaDirs(dir, 'orders').sort()).toEqual(before)
    again.createPartitions('orders', 3)
    expect(again.describeTopic('orders').partitions).toHaveLength(3)
  })

  it.each([
    ['creating a topic', (c: Cluster) => c.createTopic('orders', { partitions: 2, replicationFactor: 3 })],
    ['adding partitions', (c: Cluster) => c.createPartitions('payments', 4)]
  ] as const)('%s whose metadata fsync fails (EIO) leaves none of it on disk right after the failure, as a crash then would find it', async (_what, change) => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const cluster = plainCluster(dir, { storageBackend: backend })
    cluster.createTopic('payments', { partitions: 2, replicationFactor: 3 })
    const heal = backend.inject({ op: 'flush', code: 'EIO', pathIncludes: '__cluster_metadata-0' })
    expect(codeOf(() => change(cluster)).code).toBe('KAFKA_STORAGE_ERROR')
    // What the disk holds now (as a kill -9 leaves it), opened in a copy without the live lock.
    const crashed = newDir()
    fs.cpSync(dir, crashed, { recursive: true })
    fs.rmSync(path.join(crashed, '.lock'), { force: true })
    heal()
    const after = plainCluster(crashed)
    const shape = after.listTopics().map((t) => `${t.name}:${after.describeTopic(t.name).partitions.length}`)
    expect(shape).toEqual(['payments:2'])
    expect([...replicaDirs(crashed, 'orders'), ...replicaDirs(crashed, 'payments')].sort()).toEqual(replicaDirs(dir, 'payments').sort())
  })

  it('adding partitions that cannot all be created adds none', async () => {
    const dir = newDir()
    const { cluster, store } = faultyCluster(dir)
    cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 })
    store.opensLeft = 4
    const err = codeOf(() => cluster.createPartitions('orders', 5))
    expect(err.message).toMatch(/^No partitions were added to topic orders: the log of orders-3 on broker \d could not be created/)
    expect(cluster.describeTopic('orders').partitions).toHaveLength(2)
    expect(replicaDirs(dir, 'orders').sort()).toEqual(['broker-1/orders-0', 'broker-1/orders-1', 'broker-2/orders-0', 'broker-2/orders-1', 'broker-3/orders-0', 'broker-3/orders-1'])
    await cluster.close()
    expect(plainCluster(dir).describeTopic('orders').partitions).toHaveLength(2)
  })
})

describe('the replica budget', () => {
  it('refuses a topic above it with POLICY_VIOLATION naming the numbers, before anything is made', () => {
    const dir = newDir()
    const cluster = plainCluster(dir, { maxReplicas: 10 })
    cluster.createTopic('a', { partitions: 3, replicationFactor: 3 })
    const err = codeOf(() => cluster.createTopic('b', { partitions: 1, replicationFactor: 3 }))
    expect(err).toEqual({
      code: 'POLICY_VIOLATION',
      message:
        "Topic 'b' needs 3 replicas (1 partitions x replication factor 3); the cluster holds 9, and this machine's replica budget is 10 (the maxReplicas option). Use fewer partitions or a lower replication factor, or delete topics."
    })
    expect(replicaDirs(dir, 'b')).toEqual([])
    expect(codeOf(() => cluster.createPartitions('a', 4)).code).toBe('POLICY_VIOLATION')
    cluster.createTopic('c', { partitions: 1, replicationFactor: 1 })
  })

  it('by default refuses 10,000 partitions with replication factor 3 on this machine, quickly and without a file', () => {
    const dir = newDir()
    const cluster = plainCluster(dir)
    const err = codeOf(() => cluster.createTopic('huge', { partitions: 10000, replicationFactor: 3 }))
    expect(err.code).toBe('POLICY_VIOLATION')
    expect(err.message).toMatch(/needs 30,000 replicas .* replica budget is [\d,]+ \(/)
    expect(replicaDirs(dir, 'huge')).toEqual([])
  })

  it('comes from the open-file limit, the map count or 4,000 replicas per broker, whichever is smallest', () => {
    expect(defaultReplicaBudget(3, { openFiles: 1024, mapCount: 65530 })).toEqual({
      max: 170,
      reason: 'this process may open 1,024 files and each replica holds at least 3'
    })
    expect(defaultReplicaBudget(3, { openFiles: null, mapCount: 65530 }).max).toBe(12000)
    expect(defaultReplicaBudget(9, { openFiles: null, mapCount: 65530 })).toEqual({
      max: 20478,
      reason: 'vm.max_map_count is 65,530 and each replica maps at least 3 files'
    })
  })
})

describe('a replica whose log fails', () => {
  it('goes offline when its leader cannot write (ENOSPC): the produce fails with KAFKA_STORAGE_ERROR, another replica leads, and it rejoins once writes work again', async () => {
    const dir = newDir()
    const { cluster, store, clock } = faultyCluster(dir)
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const first = cluster.produce('t', [rec(0), rec(1)], { acks: 'all' })
    cluster.replicateNow()
    await first
    const leader = cluster.describeTopic('t').partitions[0].leader
    store.failAppend.add(`${leader}/t-0`)
    await expect(cluster.produce('t', [rec(2)], { acks: 1 })).rejects.toMatchObject({ code: 'KAFKA_STORAGE_ERROR' })
    let p = cluster.describeTopic('t').partitions[0]
    expect(p.leader).not.toBe(leader)
    expect(p.isr).not.toContain(leader)
    const replica = p.replicaStates.find((r) => r.brokerId === leader)!
    expect(replica.offline).toBe(true)
    expect(replica.storageError).toMatch(/ENOSPC/)
    // The producer retries, as a Kafka producer does on KAFKA_STORAGE_ERROR, and the new leader takes it.
    const retried = cluster.produce('t', [rec(2)], { acks: 'all' })
    cluster.replicateNow()
    await expect(retried).resolves.toMatchObject([{ offset: 2 }])

    store.failAppend.clear() // space is back
    clock.now += 10_001
    cluster.tick()
    cluster.replicateNow()
    p = cluster.describeTopic('t').partitions[0]
    expect(p.isr.sort()).toEqual([...p.replicas].sort())
    expect(p.replicaStates.every((r) => !r.offline && r.logEndOffset === 3)).toBe(true)
    const kinds = cluster.recentEvents().map((e) => e.kind)
    expect(kinds).toContain('replica-offline')
    expect(kinds).toContain('replica-online')
  })

  it('goes offline when its log cannot be opened, without keeping the cluster from opening, and comes back when it can', async () => {
    const dir = newDir()
    const c0 = plainCluster(dir)
    c0.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const acked = c0.produce('t', [rec(0), rec(1), rec(2)], { acks: 'all' })
    c0.replicateNow()
    await acked
    const leader = c0.describeTopic('t').partitions[0].leader
    await c0.close()

    const clock: TestClock = { now: T0 }
    const store = new FaultyStore(
      new LogManagerStore({ dataDir: dir, brokerIds: [1, 2, 3], storage: 'file', clock: () => clock.now, configFor: () => DEFAULT_LOG_CONFIG, log: () => {} })
    )
    store.failOpen.add(`${leader}/t-0`)
    const { cluster } = openCluster({ dataDir: dir, clock, logStore: store, eventLog: () => {} })
    let p = cluster.describeTopic('t').partitions[0]
    expect(p.leader).not.toBe(leader)
    expect(p.highWatermark).toBe(3)
    expect(cluster.fetch('t', 0, 0).records.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2'])
    expect(p.replicaStates.find((r) => r.brokerId === leader)!.storageError).toMatch(/ENOSPC/)

    store.failOpen.clear()
    clock.now += 10_001
    cluster.tick()
    p = cluster.describeTopic('t').partitions[0]
    expect(p.isr.sort()).toEqual([...p.replicas].sort())
    expect(p.replicaStates.find((r) => r.brokerId === leader)).toMatchObject({ offline: false, storageError: null, logEndOffset: 3 })
  })
})

describe("a broker's periodic work that fails on one log", () => {
  it('takes only that replica offline (EIO on its flush), the other logs keep their flush.ms, and the tick goes on', async () => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const { cluster, clock } = openCluster({ dataDir: dir, storageBackend: backend, eventLog: () => {} })
    cluster.createTopic('t', { partitions: 2, replicationFactor: 3, configs: { 'flush.ms': 1000 } })
    for (const partition of [0, 1]) {
      const acked = cluster.produce('t', [{ ...rec(partition), partition }], { acks: 'all' })
      cluster.replicateNow()
      await acked
    }
    const p0 = cluster.describeTopic('t').partitions[0]
    const follower = p0.replicas.find((b) => b !== p0.leader)!
    const remove = backend.inject({ op: 'flush', code: 'EIO', pathIncludes: `broker-${follower}/t-0/` })
    clock.now += 1001
    expect(() => cluster.tick()).not.toThrow()
    const after = cluster.describeTopic('t')
    const failed = after.partitions[0].replicaStates.find((r) => r.brokerId === follower)!
    expect(failed.offline).toBe(true)
    expect(failed.storageError).toMatch(/EIO/)
    expect(after.partitions[0].isr).not.toContain(follower)
    expect(after.partitions[1].replicaStates.every((r) => !r.offline)).toBe(true)
    expect(cluster.recentEvents().filter((e) => e.kind === 'replica-offline').map((e) => [e.partition, e.brokerId])).toEqual([[0, follower]])

    remove()
    clock.now += 10_001
    cluster.tick()
    cluster.replicateNow()
    expect(cluster.describeTopic('t').partitions[0].replicaStates.find((r) => r.brokerId === follower)).toMatchObject({ offline: false, logEndOffset: 1 })
  })
})
