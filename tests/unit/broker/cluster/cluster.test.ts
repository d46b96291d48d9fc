import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { KafkaError } from '../../../../src/broker/model/errors'
import { murmur2, partitionForKey, seededRandom, toPositive } from '../../../../src/broker/client/partitioner'
import { toProduceAck } from '../../../../src/host/contract-views'
import { loadMmapAddon } from '../../../../src/broker/storage/mmap-backend'
import { memoryLogStore, type MemoryLogStore } from './memory-replica-log'
import { assignReplicas } from '../../../../src/broker/cluster/replica-assignment'
import { editMetadata, readMetadataImage, clusterJson } from '../../support/metadata-files'
import { T0, clockClusters, type ClockClusterOptions, type TestClock } from '../../support/clock-cluster'

const clusters = clockClusters('brokerlab-cluster-')

interface Harness {
  cluster: Cluster
  clock: { now: number }
  dir: string
  store: MemoryLogStore
  reopen(): Promise<Cluster>
}

/** Replica logs the suite runs on: storage's UnifiedLog on each backend, and the in-memory stand-in. */
type LogKind = 'file' | 'mmap' | 'memory'
const KINDS: LogKind[] = loadMmapAddon().ok ? ['file', 'mmap', 'memory'] : ['file', 'memory']
let kind: LogKind = 'file'

/** A cluster of the current `kind` in a fresh directory on its own clock at T0; `opts` over the suite's options. */
function harness(opts: Omit<ClockClusterOptions, 'dataDir' | 'clock'> = {}): Harness {
  const dir = clusters.tempDir()
  const clock: TestClock = { now: T0 }
  const store: MemoryLogStore = new Map()
  const make = (): Cluster =>
    clusters({
      dataDir: dir,
      clock,
      random: seededRandom(1),
      ...(kind === 'memory' ? { logStore: memoryLogStore(store, dir) } : { storage: kind }),
      replicaLagTimeMaxMs: 30000,
      ...opts
    }).cluster
  const h: Harness = {
    cluster: make(),
    clock,
    dir,
    store,
    async reopen() {
      await h.cluster.close()
      h.cluster = make()
      return h.cluster
    }
  }
  return h
}

function rec(key: string | null, value: string) {
  return { key: key === null ? null : Buffer.from(key), value: Buffer.from(value) }
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    if (typeof p === 'function') await p()
    else await p
  } catch (e) {
    return e instanceof KafkaError ? e.code : String(e)
  }
  return undefined
}

describe.each(KINDS)('on %s replica logs', (k) => {
  beforeAll(() => {
    kind = k
  })

  describe('Cluster topics', () => {
    it('creates a topic with replicas spread over brokers, leader = first replica and the full ISR', () => {
      const { cluster } = harness()
      expect(cluster.brokers().map((b) => b.id)).toEqual([1, 2, 3])
      const t = cluster.createTopic('orders', { partitions: 6, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
      expect(t.partitions).toHaveLength(6)
      for (const p of t.partitions) {
        expect(new Set(p.replicas).size).toBe(3)
        expect(p.leader).toBe(p.replicas[0])
        expect(p.isr).toEqual(p.replicas)
      }
      expect(cluster.brokers().map((b) => b.partitionsLed)).toEqual([2, 2, 2])
      expect(t.configs['min.insync.replicas']).toBe(2)
      expect(t.configs['retention.ms']).toBe(604800000n)
    })

    it('refuses bad names, duplicates, colliding names, zero partitions and a replication factor above the live brokers', async () => {
      const { cluster } = harness()
      cluster.createTopic('a.b', { partitions: 1, replicationFactor: 1 })
      expect(await codeOf(() => cluster.createTopic('bad name', { partitions: 1, replicationFactor: 1 }))).toBe('INVALID_TOPIC_EXCEPTION')
      expect(await codeOf(() => cluster.createTopic('a.b', { partitions: 1, replicationFactor: 1 }))).toBe('TOPIC_ALREADY_EXISTS')
      expect(await codeOf(() => cluster.createTopic('a_b', { partitions: 1, replicationFactor: 1 }))).toBe('INVALID_TOPIC_EXCEPTION')
      expect(await codeOf(() => cluster.createTopic('t', { partitions: 0, replicationFactor: 1 }))).toBe('INVALID_PARTITIONS')
      expect(() => cluster.createTopic('t', { partitions: 1, replicationFactor: 4 })).toThrow('Replication factor: 4 larger than available brokers: 3.')
      cluster.stopBroker(3)
      expect(await codeOf(() => cluster.createTopic('t', { partitions: 1, replicationFactor: 3 }))).toBe('INVALID_REPLICATION_FACTOR')
      expect(await codeOf(() => cluster.createTopic('t', { partitions: 1, replicationFactor: 1, configs: { 'retention.ms': -5 } }))).toBe('INVALID_CONFIG')
      expect(cluster.listTopics().map((t) => t.name)).toEqual(['a.b'])
    })

    it('adds partitions (CreatePartitions): the layout continues, records stay, keys hash over the new count, and it survives a reopen', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('grow', { partitions: 3, replicationFactor: 2 })
      const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`)
      const first = cluster.produce('grow', keys.map((k) => rec(k, 'v1')), { acks: 'all' })
      cluster.replicateNow()
      await first
      const t = cluster.createPartitions('grow', 6)
      expect(t.partitions).toHaveLength(6)
      expect(t.partitions.map((p) => p.replicas)).toEqual(assignReplicas('grow', 6, 2, [1, 2, 3]))
      for (const p of t.partitions.slice(3)) {
        expect(p.leader).toBe(p.replicas[0])
        expect(p.isr).toEqual(p.replicas)
        expect([p.logStartOffset, p.logEndOffset, p.highWatermark]).toEqual([0, 0, 0])
      }
      expect(t.partitions.slice(0, 3).reduce((n, p) => n + p.highWatermark, 0)).toBe(30)
      const second = cluster.produce('grow', keys.map((k) => rec(k, 'v2')), { acks: 'all' })
      cluster.replicateNow()
      const acks = await second
      acks.forEach((a, i) => expect(a.partition).toBe(partitionForKey(Buffer.from(keys[i]), 6)))
      expect(acks.some((a, i) => a.partition !== partitionForKey(Buffer.from(keys[i]), 3))).toBe(true) // some keys moved
      expect(await codeOf(() => cluster.createPartitions('grow', 6))).toBe('INVALID_PARTITIONS')
      expect(await codeOf(() => cluster.createPartitions('grow', 4))).toBe('INVALID_PARTITIONS')
      expect(await codeOf(() => cluster.createPartitions('nope', 4))).toBe('UNKNOWN_TOPIC_OR_PARTITION')
      await cluster.commitOffsets('g', [{ topic: 'grow', partition: 0, offset: 1 }])
      expect(await codeOf(() => cluster.createPartitions('__consumer_offsets', 60))).toBe('INVALID_PARTITIONS')
      const c = await h.reopen()
      const after = c.describeTopic('grow')
      expect(after.partitions).toHaveLength(6)
      expect(after.partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(60)
    })

    it('says why a partition count is refused, in Kafka\'s words', async () => {
      const { cluster } = harness()
      cluster.createTopic('w', { partitions: 3, replicationFactor: 1 })
      expect(() => cluster.createPartitions('w', 3)).toThrow('Topic already has 3 partition(s).')
      expect(() => cluster.createPartitions('w', 2)).toThrow('The topic w currently has 3 partition(s); 2 would not be an increase.')
      expect(() => cluster.createPartitions('w', 0)).toThrow(/Number of partitions must be larger than 0/)
    })

    it('alters topic configs with validation, keeping the others, and enforces the new min.insync.replicas', async () => {
      const { cluster } = harness()
      cluster.createTopic('alt', { partitions: 1, replicationFactor: 2 })
      expect(await codeOf(() => cluster.alterTopicConfigs('alt', { 'segment.bytes': 1 }))).toBe('INVALID_CONFIG')
      const t = cluster.alterTopicConfigs('alt', { 'min.insync.replicas': 3, 'retention.ms': 1000 })
      expect(t.configs['min.insync.replicas']).toBe(3)
      expect(t.configs['retention.ms']).toBe(1000n)
      expect(t.configs['segment.bytes']).toBe(1073741824)
      expect(await codeOf(cluster.produce('alt', [rec('a', '1')], { acks: 'all' }))).toBe('NOT_ENOUGH_REPLICAS')
    })

    it('deletes a topic with its replica directories on every broker', () => {
      const { cluster, dir } = harness()
      cluster.createTopic('gone', { partitions: 2, replicationFactor: 3 })
      expect(fs.existsSync(path.join(dir, 'broker-1', 'gone-0'))).toBe(true)
      cluster.deleteTopic('gone')
      expect(fs.existsSync(path.join(dir, 'broker-1', 'gone-0'))).toBe(false)
      expect(() => cluster.describeTopic('gone')).toThrow(KafkaError)
    })
  })

  describe('Cluster produce', () => {
    it('puts a keyed record on the partition murmur2 gives and reports why', async () => {
      const { cluster } = harness()
      cluster.createTopic('k', { partitions: 6, replicationFactor: 1 })
      const [md] = await cluster.produce('k', [rec('JFK', 'x')], { acks: 1 })
      expect(md.partition).toBe(partitionForKey(Buffer.from('JFK'), 6))
      const h = murmur2(Buffer.from('JFK'))
      expect(md.choice).toEqual({ kind: 'key', murmur2: h, positive: toPositive(h), partitions: 6 })
      expect(toProduceAck(md)).toEqual({ partition: md.partition, offset: 0, timestamp: md.timestamp, reason: { kind: 'key', murmur2: h, positive: toPositive(h), partitions: 6 } })
      expect(md.offset).toBe(0)
      const [explicit, sticky] = await cluster.produce('k', [{ key: Buffer.from('JFK'), value: null, partition: 5 }, rec(null, 'z')], { acks: 1 })
      expect([explicit.partition, explicit.choice, sticky.choice]).toEqual([5, { kind: 'explicit' }, { kind: 'no-key', strategy: 'sticky' }])
      expect(toProduceAck(explicit).reason).toEqual({ kind: 'explicit' })
      const [fireAndForget] = await cluster.produce('k', [rec('JFK', 'y')], { acks: 0 })
      expect(fireAndForget).toMatchObject({ partition: md.partition, offset: -1 })
      const landed = [md, explicit, sticky, fireAndForget].filter((m) => m.partition === md.partition).length
      expect(cluster.describeTopic('k').partitions[md.partition].logEndOffset).toBe(landed)
    })

    it('keeps unkeyed records of one call on one partition and spreads calls over all partitions', async () => {
      const { cluster } = harness()
      cluster.createTopic('u', { partitions: 4, replicationFactor: 1 })
      const seen = new Set<number>()
      for (let i = 0; i < 40; i++) {
        const mds = await cluster.produce('u', [rec(null, 'a'), rec(null, 'b'), rec(null, 'c')], { acks: 1 })
        expect(new Set(mds.map((m) => m.partition)).size).toBe(1)
        expect(mds[0].choice).toEqual({ kind: 'no-key', strategy: 'sticky' })
        seen.add(mds[0].partition)
      }
      expect(seen.size).toBe(4)
    })

    it('refuses a record above max.message.bytes with RECORD_TOO_LARGE and appends nothing', async () => {
      const { cluster } = harness()
      cluster.createTopic('big', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 1000 } })
      const err = await codeOf(cluster.produce('big', [rec('a', 'ok'), rec('b', 'x'.repeat(1000))], { acks: 1 }))
      expect(err).toBe('RECORD_TOO_LARGE')
      expect(cluster.describeTopic('big').partitions[0].logEndOffset).toBe(0)
      await cluster.produce('big', [rec('b', 'x'.repeat(900))], { acks: 1 })
      expect(cluster.describeTopic('big').partitions[0].logEndOffset).toBe(1)
    })

    it('takes a record whose single-record batch is exactly max.message.bytes and refuses one a byte larger', async () => {
      const { cluster } = harness()
      cluster.createTopic('edge', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 1000 } })
      // Key 'k', 929-byte value: 61 (batch header) + 2 (length varint) + 8 + 929 = 1,000 bytes.
      const [md] = await cluster.produce('edge', [rec('k', 'x'.repeat(929))], { acks: 1 })
      expect(md.offset).toBe(0)
      expect(cluster.describeTopic('edge').partitions[0].sizeBytes).toBe(1000)
      const err = await codeOf(cluster.produce('edge', [rec('k', 'x'.repeat(930))], { acks: 1 }))
      expect(err).toBe('RECORD_TOO_LARGE')
      expect(cluster.describeTopic('edge').partitions[0].logEndOffset).toBe(1)
    })

    it('fails acks=all with NOT_ENOUGH_REPLICAS once two brokers stopped and the ISR shrank below min.insync.replicas=2', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('safe', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
      const p = cluster.produce('safe', [rec('a', '1')], { acks: 'all' })
      cluster.replicateNow()
      expect((await p)[0].offset).toBe(0)
      const leader = cluster.describeTopic('safe').partitions[0].leader
      const followers = [1, 2, 3].filter((b) => b !== leader)
      cluster.stopBroker(followers[0])
      cluster.stopBroker(followers[1])
      h.clock.now += 30001
      cluster.tick()
      expect(cluster.describeTopic('safe').partitions[0].isr).toEqual([leader])
      expect(await codeOf(cluster.produce('safe', [rec('a', '2')], { acks: 'all' }))).toBe('NOT_ENOUGH_REPLICAS')
      expect((await cluster.produce('safe', [rec('a', '3')], { acks: 1 }))[0].offset).toBe(1)
    })

    it('times out acks=all with REQUEST_TIMED_OUT while a follower that stopped fetching still holds the ISR back', async () => {
      const { cluster } = harness()
      cluster.createTopic('slow', { partitions: 1, replicationFactor: 2 })
      const follower = cluster.describeTopic('slow').partitions[0].replicas[1]
      cluster.pauseFetching(follower)
      const p = cluster.produce('slow', [rec('a', '1')], { acks: 'all', timeoutMs: 20 })
      cluster.replicateNow()
      expect(await codeOf(p)).toBe('REQUEST_TIMED_OUT')
    })

    it('completes acks=all at once when a follower is stopped: a shut-down broker leaves the ISR immediately', async () => {
      const { cluster } = harness()
      cluster.createTopic('stop', { partitions: 1, replicationFactor: 3 })
      const { leader, replicas } = cluster.describeTopic('stop').partitions[0]
      const follower = replicas.find((b) => b !== leader)!
      cluster.stopBroker(follower)
      const p = cluster.describeTopic('stop').partitions[0]
      expect(p.isr).toEqual(replicas.filter((b) => b !== follower))
      expect(p.leader).toBe(leader)
      const done = cluster.produce('stop', [rec('a', '1')], { acks: 'all', timeoutMs: 50 })
      cluster.replicateNow()
      expect((await done)[0].offset).toBe(0)
      expect(cluster.describeTopic('stop').partitions[0].highWatermark).toBe(1)
    })

    it('keeps the last ISR member when it stops: the partition goes offline and comes back with it, no unclean election', async () => {
      const { cluster } = harness()
      cluster.createTopic('last', { partitions: 1, replicationFactor: 3 })
      const { leader, replicas } = cluster.describeTopic('last').partitions[0]
      const others = replicas.filter((b) => b !== leader)
      const first = cluster.produce('last', [rec('a', '1')], { acks: 'all' })
      cluster.replicateNow()
      await first
      for (const b of others) cluster.stopBroker(b)
      expect(cluster.describeTopic('last').partitions[0].isr).toEqual([leader])
      await cluster.produce('last', [rec('b', '2')], { acks: 'all' }) // min.insync.replicas=1: the leader alone
      cluster.stopBroker(leader)
      let p = cluster.describeTopic('last').partitions[0]
      expect([p.leader, p.isr]).toEqual([-1, [leader]])
      cluster.startBroker(others[0]) // out of the ISR: it may not lead, it lacks offset 1
      p = cluster.describeTopic('last').partitions[0]
      expect(p.leader).toBe(-1)
      cluster.startBroker(leader)
      cluster.replicateNow()
      p = cluster.describeTopic('last').partitions[0]
      expect(p.leader).toBe(leader)
      expect(p.highWatermark).toBe(2)
      expect(p.isr).toContain(others[0])
    })
  })

  describe('Cluster replication', () => {
    it('never lets fetch read past the high watermark until followers replicate', async () => {
      const { cluster } = harness()
      cluster.createTopic('hw', { partitions: 1, replicationFactor: 3 })
      await cluster.produce('hw', [rec('a', '1'), rec('b', '2')], { acks: 1 })
      let p = cluster.describeTopic('hw').partitions[0]
      expect(p.logEndOffset).toBe(2)
      expect(p.highWatermark).toBe(0)
      expect(cluster.fetch('hw', 0, 0).records).toHaveLength(0)
      expect(cluster.listOffset('hw', 0, 'latest')).toBe(0)
      cluster.replicateNow()
      p = cluster.describeTopic('hw').partitions[0]
      expect(p.highWatermark).toBe(2)
      expect(p.replicaStates.map((r) => r.logEndOffset)).toEqual([2, 2, 2])
      const f = cluster.fetch('hw', 0, 0)
      expect(f.records.map((r) => r.value!.toString())).toEqual(['1', '2'])
      expect(f.nextOffset).toBe(2)
      expect(await codeOf(() => cluster.fetch('hw', 0, 3))).toBe('OFFSET_OUT_OF_RANGE')
    })

    it('lists offsets: earliest, latest = high watermark, and the first offset at or after a timestamp below the high watermark', async () => {
      const { cluster } = harness()
      cluster.createTopic('ts', { partitions: 1, replicationFactor: 2 })
      const p = cluster.produce('ts', [1000, 2000, 3000].map((t) => ({ ...rec('k', String(t)), timestamp: t })), { acks: 'all' })
      cluster.replicateNow()
      await p
      await cluster.produce('ts', [{ ...rec('k', '4000'), timestamp: 4000 }], { acks: 1 })
      expect(cluster.listOffset('ts', 0, 'earliest')).toBe(0)
      expect(cluster.listOffset('ts', 0, 'latest')).toBe(3)
      expect(cluster.listOffset('ts', 0, { timestamp: 1500 })).toBe(1)
      expect(cluster.listOffset('ts', 0, { timestamp: 0 })).toBe(0)
      expect(cluster.listOffset('ts', 0, { timestamp: 3500 })).toBeNull()
      cluster.replicateNow()
      expect(cluster.listOffset('ts', 0, { timestamp: 3500 })).toBe(3)
      expect(cluster.fetch('ts', 0, 1, { maxRecords: 1 }).records.map((r) => r.timestamp)).toEqual([2000])
    })

    it('shrinks the ISR after replica.lag.time.max.ms and expands it when the lagging follower catches up', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('isr', { partitions: 1, replicationFactor: 3 })
      const { leader, replicas } = cluster.describeTopic('isr').partitions[0]
      const follower = replicas.find((b) => b !== leader)!
      cluster.pauseFetching(follower)
      await cluster.produce('isr', [rec('a', '1')], { acks: 1 })
      cluster.tick()
      expect(cluster.describeTopic('isr').partitions[0].highWatermark).toBe(0)
      h.clock.now += 30000
      cluster.tick()
      expect(cluster.describeTopic('isr').partitions[0].isr).toContain(follower)
      h.clock.now += 1
      cluster.tick()
      let p = cluster.describeTopic('isr').partitions[0]
      expect(p.isr).not.toContain(follower)
      expect(p.highWatermark).toBe(1)
      expect(cluster.partitionHealth()).toEqual({ underReplicatedPartitions: 1, underMinIsrPartitions: 0, offlinePartitions: 0 })
      await cluster.produce('isr', [rec('b', '2'), rec('c', '3')], { acks: 1 })
      expect(cluster.describeTopic('isr').partitions[0].replicaStates.find((r) => r.brokerId === follower)!.logEndOffset).toBe(0)
      cluster.resumeFetching(follower)
      cluster.replicateNow()
      p = cluster.describeTopic('isr').partitions[0]
      expect(p.isr).toEqual(replicas)
      expect(p.replicaStates.every((r) => r.logEndOffset === 3 && r.inSync)).toBe(true)
      expect(cluster.partitionHealth()).toEqual({ underReplicatedPartitions: 0, underMinIsrPartitions: 0, offlinePartitions: 0 })
    })

    it('moves leadership to a live ISR member with a new epoch, goes offline without one, and comes back', async () => {
      const { cluster } = harness()
      cluster.createTopic('fo', { partitions: 1, replicationFactor: 2 })
      const before = cluster.describeTopic('fo').partitions[0]
      const p0 = cluster.produce('fo', [rec('a', '1')], { acks: 'all' })
      cluster.replicateNow()
      await p0
      cluster.stopBroker(before.leader)
      const after = cluster.describeTopic('fo').partitions[0]
      expect(after.leader).toBe(before.replicas[1])
      expect(after.leaderEpoch).toBe(before.leaderEpoch + 1)
      expect(after.isr).toEqual([before.replicas[1]])
      expect(cluster.fetch('fo', 0, 0).records.map((r) => r.value!.toString())).toEqual(['1'])
      await cluster.produce('fo', [rec('b', '2')], { acks: 'all' })
      cluster.stopBroker(after.leader)
      const offline = cluster.describeTopic('fo').partitions[0]
      expect(offline.leader).toBe(-1)
      expect(cluster.partitionHealth().offlinePartitions).toBe(1)
      expect(await codeOf(cluster.produce('fo', [rec('c', '3')], { acks: 1 }))).toBe('LEADER_NOT_AVAILABLE')
      cluster.startBroker(before.leader)
      expect(cluster.describeTopic('fo').partitions[0].leader).toBe(-1)
      cluster.startBroker(after.leader)
      cluster.replicateNow()
      const back = cluster.describeTopic('fo').partitions[0]
      expect(back.leader).toBe(after.leader)
      expect(back.highWatermark).toBe(2)
      expect(back.isr.sort()).toEqual([...before.replicas].sort())
      expect(cluster.fetch('fo', 0, 0).records.map((r) => r.value!.toString())).toEqual(['1', '2'])
    })

    it('truncates a restarted old leader\'s unreplicated records and replaces them with the new leader\'s', async () => {
      const { cluster } = harness()
      cluster.createTopic('div', { partitions: 1, replicationFactor: 3 })
      const old = cluster.describeTopic('div').partitions[0].leader
      const p0 = cluster.produce('div', [rec('a', 'committed')], { acks: 'all' })
      cluster.replicateNow()
      await p0
      await cluster.produce('div', [rec('a', 'lost')], { acks: 1 })
      cluster.stopBroker(old)
      await cluster.produce('div', [rec('a', 'new')], { acks: 1 })
      cluster.replicateNow()
      expect(cluster.describeTopic('div').partitions[0].highWatermark).toBe(2)
      cluster.startBroker(old)
      cluster.replicateNow()
      const p = cluster.describeTopic('div').partitions[0]
      expect(p.isr).toHaveLength(3)
      expect(p.replicaStates.map((r) => r.logEndOffset)).toEqual([2, 2, 2])
      cluster.stopBroker(p.leader)
      const other = cluster.describeTopic('div').partitions[0].isr.find((b) => b !== old)!
      cluster.stopBroker(other)
      expect(cluster.describeTopic('div').partitions[0].leader).toBe(old)
      expect(cluster.fetch('div', 0, 0).records.map((r) => r.value!.toString())).toEqual(['committed', 'new'])
    })

    it('moves leadership back to the preferred replica on request and after the imbalance check interval', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('pref', { partitions: 3, replicationFactor: 3 })
      const preferred = cluster.describeTopic('pref').partitions.map((p) => p.replicas[0])
      cluster.stopBroker(preferred[0])
      await cluster.produce('pref', [{ ...rec('a', '1'), partition: 0 }], { acks: 1 })
      cluster.startBroker(preferred[0])
      expect(cluster.describeTopic('pref').partitions[0].leader).not.toBe(preferred[0])
      expect(cluster.electPreferredLeaders('pref')).toEqual([])
      cluster.replicateNow()
      h.clock.now += 300000
      cluster.tick()
      const p0 = cluster.describeTopic('pref').partitions[0]
      expect(p0.leader).toBe(preferred[0])
      expect(p0.highWatermark).toBe(1)
      expect(cluster.brokers().map((b) => b.partitionsLed)).toEqual([1, 1, 1])
    })

    it('lets a live follower that stayed out of the ISR rejoin when the last ISR member returns as leader', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('back', { partitions: 1, replicationFactor: 2 })
      const [first, second] = cluster.describeTopic('back').partitions[0].replicas
      cluster.stopBroker(second)
      h.clock.now += 30001
      cluster.tick()
      expect(cluster.describeTopic('back').partitions[0].isr).toEqual([first])
      cluster.stopBroker(first)
      cluster.startBroker(second)
      expect(cluster.describeTopic('back').partitions[0].leader).toBe(-1)
      cluster.startBroker(first)
      cluster.replicateNow()
      const p = cluster.describeTopic('back').partitions[0]
      expect(p.leader).toBe(first)
      expect(p.isr).toEqual([first, second])
    })

    it('replicates on its own on the event loop and resolves acks=all without manual rounds', async () => {
      const { cluster } = harness({ autoReplicate: true })
      cluster.createTopic('auto', { partitions: 3, replicationFactor: 3 })
      const records = Array.from({ length: 3000 }, (_, i) => rec(`k${i}`, `v${i}`))
      const mds = await cluster.produce('auto', records, { acks: 'all' })
      expect(mds).toHaveLength(3000)
      const t = cluster.describeTopic('auto')
      expect(t.partitions.reduce((a, p) => a + p.highWatermark, 0)).toBe(3000)
      for (const p of t.partitions) expect(p.replicaStates.every((r) => r.logEndOffset === p.logEndOffset)).toBe(true)
    })
  })

  describe('Cluster metrics', () => {
    it('counts records and bytes in per second on the cluster, leader broker, topic and partition, and bytes out on fetch', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('m', { partitions: 2, replicationFactor: 1 })
      await cluster.produce('m', [0, 1, 2].map((i) => ({ ...rec(`k${i}`, 'v'), partition: 1 })), { acks: 1 })
      cluster.fetch('m', 1, 0)
      h.clock.now += 1000
      const last = (s: { v: number }[]): number => s[s.length - 1].v
      const leader = cluster.describeTopic('m').partitions[1].leader
      expect(last(cluster.clusterRates().recordsInPerSec)).toBe(3)
      expect(last(cluster.topicRates('m').bytesInPerSec)).toBeGreaterThan(0)
      expect(last(cluster.partitionRates('m', 1).recordsInPerSec)).toBe(3)
      expect(last(cluster.partitionRates('m', 0).recordsInPerSec)).toBe(0)
      expect(last(cluster.brokerRates(leader).bytesOutPerSec)).toBeGreaterThan(0)
      expect(cluster.clusterRates().recordsInPerSec).toHaveLength(300)
    })
  })

  describe('Cluster groups and persistence', () => {
    it('commits offsets to __consumer_offsets and reports lag against the high watermark', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('lag', { partitions: 2, replicationFactor: 1 })
      await cluster.produce('lag', [{ ...rec('a', '1'), partition: 0 }, { ...rec('b', '2'), partition: 0 }, { ...rec('c', '3'), partition: 1 }], { acks: 1 })
      await cluster.commitOffsets('g1', [{ topic: 'lag', partition: 0, offset: 1 }])
      expect(cluster.listGroups()).toEqual(['g1'])
      expect(cluster.fetchOffsets('g1').offsets.get('lag')!.get(0)).toBe(1)
      expect(cluster.describeGroupLag('g1')).toEqual([
        { topic: 'lag', partition: 0, currentOffset: 1, logEndOffset: 2, lag: 1 },
        { topic: 'lag', partition: 1, currentOffset: null, logEndOffset: 1, lag: 1 }
      ])
      expect(cluster.listTopics().map((t) => t.name)).toEqual(['lag'])
      const internal = cluster.listTopics({ includeInternal: true }).find((t) => t.name === '__consumer_offsets')!
      expect(internal.partitions).toHaveLength(50)
      expect(internal.replicationFactor).toBe(3)
      expect(internal.configs['cleanup.policy']).toBe('compact')
      expect(await codeOf(() => cluster.describeGroupLag('nobody'))).toBe('GROUP_ID_NOT_FOUND')
      expect(await codeOf(() => cluster.commitOffsets('g1', [{ topic: 'nope', partition: 0, offset: 1 }]))).toBe('UNKNOWN_TOPIC_OR_PARTITION')
      expect(await codeOf(() => cluster.stopBroker(7))).toBe('BROKER_NOT_AVAILABLE')
      // Internal partitions never written (their logs not even opened) leave and rejoin the ISR too.
      cluster.stopBroker(2)
      h.clock.now += 30001
      cluster.tick()
      expect(cluster.partitionHealth().underReplicatedPartitions).toBeGreaterThan(30)
      cluster.startBroker(2)
      cluster.replicateNow()
      expect(cluster.partitionHealth()).toEqual({ underReplicatedPartitions: 0, underMinIsrPartitions: 0, offlinePartitions: 0 })
    })

    it('refuses an empty group id with INVALID_GROUP_ID and commits with COORDINATOR_NOT_AVAILABLE while the coordinator partition is offline', async () => {
      const { cluster } = harness({ brokers: 1 })
      cluster.createTopic('co', { partitions: 1, replicationFactor: 1 })
      await cluster.produce('co', [rec('a', '1')], { acks: 1 })
      expect(await codeOf(() => cluster.commitOffsets('', [{ topic: 'co', partition: 0, offset: 1 }]))).toBe('INVALID_GROUP_ID')
      await cluster.commitOffsets('g', [{ topic: 'co', partition: 0, offset: 1 }])
      cluster.stopBroker(1)
      expect(await codeOf(() => cluster.commitOffsets('g', [{ topic: 'co', partition: 0, offset: 0 }]))).toBe('COORDINATOR_NOT_AVAILABLE')
      expect(cluster.fetchOffsets('g').offsets.get('co')!.get(0)).toBe(1)
    })

    it('keeps the metadata log readable with no temp file left, marked unclean while open and clean after close', async () => {
      const h = harness({ brokers: 5 })
      const marker = path.join(h.dir, '.kafka_cleanshutdown')
      const logDir = path.join(h.dir, '__cluster_metadata-0')
      expect(fs.existsSync(marker)).toBe(false)
      expect(readMetadataImage(h.dir)?.brokers).toHaveLength(5)
      h.cluster.createTopic('x', { partitions: 1, replicationFactor: 5 })
      expect(readMetadataImage(h.dir)?.topics[0].partitions[0].isr).toHaveLength(5)
      await h.cluster.close()
      expect(fs.existsSync(marker)).toBe(true)
      expect(fs.readdirSync(logDir).filter((f) => f.endsWith('.tmp'))).toEqual([])
      expect(fs.readdirSync(logDir).filter((f) => /^\d{20}-\d{10}\.checkpoint$/.test(f))).toHaveLength(1)
      expect(fs.existsSync(path.join(h.dir, 'cluster.json'))).toBe(false)
      expect(() => new Cluster({ dataDir: path.join(h.dir, 'other'), brokers: 10 })).toThrow(/1 to 9 brokers/)
    })

    it('refuses a second open of a data directory in use, and takes over a lock left by a dead process', async () => {
      const h = harness()
      expect(() => new Cluster({ dataDir: h.dir, storage: 'file', log: () => {} })).toThrow(/in use by another open Cluster/)
      const lockFile = path.join(h.dir, '.lock')
      const token = fs.readFileSync(lockFile, 'utf8')
      fs.writeFileSync(lockFile, `${process.ppid} 0 x`)
      await h.cluster.close()
      fs.writeFileSync(lockFile, `${process.ppid} 0 x`)
      expect(() => new Cluster({ dataDir: h.dir, storage: 'file', log: () => {} })).toThrow(`in use by process ${process.ppid}`)
      expect(JSON.parse(token).pid).toBe(process.pid)
      fs.writeFileSync(lockFile, '2147483646 0 x')
      const c = await h.reopen()
      expect(c.brokers()).toHaveLength(3)
    })

    it.skipIf(k === 'memory')('applies retention.ms on every live replica from tick() and moves the earliest offset', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('ret', { partitions: 1, replicationFactor: 2, configs: { 'segment.bytes': 200, 'retention.ms': 60000 } })
      for (let i = 0; i < 10; i++) {
        const p = cluster.produce('ret', [rec('k', 'x'.repeat(100))], { acks: 'all' })
        cluster.replicateNow()
        await p
      }
      expect(cluster.segments('ret', 0).segments.length).toBeGreaterThan(3)
      h.clock.now += 60001
      cluster.tick()
      const p = cluster.describeTopic('ret').partitions[0]
      expect(p.logStartOffset).toBeGreaterThan(0)
      expect(cluster.listOffset('ret', 0, 'earliest')).toBe(p.logStartOffset)
      expect(await codeOf(() => cluster.fetch('ret', 0, 0))).toBe('OFFSET_OUT_OF_RANGE')
      expect(cluster.fetch('ret', 0, p.logStartOffset).records.length).toBe(10 - p.logStartOffset)
    })

    it.skipIf(k === 'memory')('maintain() runs the background work now: a compacted topic is cleaned without waiting for the timer', async () => {
      const h = harness()
      const { cluster } = h
      cluster.createTopic('cmp', { partitions: 1, replicationFactor: 3, configs: { 'segment.bytes': 200, 'cleanup.policy': 'compact' } })
      for (let i = 0; i < 20; i++) {
        const p = cluster.produce('cmp', [rec(`k${i % 2}`, 'x'.repeat(100))], { acks: 'all' })
        cluster.replicateNow()
        await p
      }
      expect(cluster.segments('cmp', 0).lastCleaning).toBeNull()
      cluster.maintain()
      const after = cluster.segments('cmp', 0)
      expect(after.lastCleaning).not.toBeNull()
      const closed = after.segments.filter((x) => !x.active)
      expect(closed.reduce((n, x) => n + x.records, 0)).toBeLessThanOrEqual(2) // one record per key below the active segment
      const all = cluster.fetch('cmp', 0, 0, { maxRecords: 100 }).records
      expect(all.length).toBeLessThan(20)
      expect(all.at(-1)!.offset).toBe(19)
      // Records are counted, not offsets: the partition reports exactly what a consumer reads.
      const state = cluster.describeTopic('cmp').partitions[0]
      expect(state.highWatermark - state.logStartOffset).toBe(20)
      expect(state.recordCount).toBe(all.length)
    })

    it.skipIf(k === 'memory')('deletes replica logs the metadata does not know when it opens', async () => {
      const h = harness()
      h.cluster.createTopic('stray', { partitions: 1, replicationFactor: 1 })
      await h.cluster.close()
      let broker = -1
      editMetadata(h.dir, (meta) => {
        broker = meta.topics[0].partitions[0].replicas[0]
        meta.topics = []
      })
      expect(fs.existsSync(path.join(h.dir, `broker-${broker}`, 'stray-0'))).toBe(true)
      await h.reopen()
      expect(fs.existsSync(path.join(h.dir, `broker-${broker}`, 'stray-0'))).toBe(false)
    })

    it('gives configs added since a data directory was written their Kafka defaults at reopen', async () => {
      const h = harness()
      h.cluster.createTopic('old', { partitions: 1, replicationFactor: 1, configs: { 'retention.ms': 1000 } })
      await h.cluster.close()
      // A cluster.json of an earlier version, written before min.cleanable.dirty.ratio existed.
      const doc = readMetadataImage(h.dir)!
      delete (doc.topics.find((t) => t.name === 'old')!.configs as unknown as Record<string, unknown>)['min.cleanable.dirty.ratio']
      doc.cleanShutdown = true
      for (const f of ['__cluster_metadata-0', 'meta.properties', '.kafka_cleanshutdown']) fs.rmSync(path.join(h.dir, f), { recursive: true, force: true })
      fs.writeFileSync(path.join(h.dir, 'cluster.json'), clusterJson(doc))
      const c = await h.reopen()
      expect(c.describeTopic('old').configs['min.cleanable.dirty.ratio']).toBe(0.5)
      expect(c.describeTopic('old').configs['retention.ms']).toBe(1000n)
    })

    it('restores brokers, topics, configs, messages, leaders and committed offsets after close and reopen', async () => {
      const h = harness()
      h.cluster.createTopic('keep', { partitions: 3, replicationFactor: 3, configs: { 'retention.ms': 1000 } })
      const p = h.cluster.produce('keep', Array.from({ length: 30 }, (_, i) => rec(`k${i}`, `v${i}`)), { acks: 'all' })
      h.cluster.replicateNow()
      await p
      await h.cluster.commitOffsets('g', [{ topic: 'keep', partition: 1, offset: 2 }])
      h.cluster.replicateNow()
      h.cluster.stopBroker(2)
      const id = h.cluster.clusterId
      const before = h.cluster.describeTopic('keep')
      const c = await h.reopen()
      expect(c.clusterId).toBe(id)
      expect(c.brokers().map((b) => b.alive)).toEqual([true, false, true])
      const after = c.describeTopic('keep')
      expect(after.configs['retention.ms']).toBe(1000n)
      expect(after.partitions.map((x) => [x.leader, x.leaderEpoch, x.isr, x.highWatermark])).toEqual(
        before.partitions.map((x) => [x.leader, x.leaderEpoch, x.isr, x.highWatermark])
      )
      const total = after.partitions.reduce((a, x) => a + c.fetch('keep', x.partition, 0).records.length, 0)
      expect(total).toBe(30)
      expect(c.fetchOffsets('g').offsets.get('keep')!.get(1)).toBe(2)
      c.deleteTopic('keep')
      expect(c.listGroups()).toEqual([])
      c.replicateNow()
      const c2 = await h.reopen()
      expect(c2.listGroups()).toEqual([])
      expect(c2.listTopics()).toEqual([])
    })
  })
})
