/**
 * produce/send through EngineService against a real Cluster: the byte budget checked before
 * anything is expanded (the test process's RSS stays bounded), the headers bound, all-or-nothing
 * sends with request-relative record indexes, the exact report of a send whose later chunk fails,
 * and the bounded reply of a million-record send.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ProduceResult, Reply } from '../../../src/shared/contract'
import type { ClusterApi } from '../../../src/broker/cluster/cluster-api'
import { EngineService } from '../../../src/host/engine-service'
import { partitionForKey } from '../../../src/broker/client/partitioner'
import { openTestCluster, type TestCluster } from './test-cluster'

const MiB = 1024 * 1024
/** PRODUCE_SEND_MAX_BYTES: 100 MiB, Kafka's socket.request.max.bytes default. */
const PRODUCE_SEND_MAX_BYTES = 100 * MiB
const open: { tc: TestCluster; service: EngineService }[] = []

afterEach(async () => {
  for (const { tc, service } of open.splice(0)) {
    await service.close()
    await tc.cleanup()
  }
})

/** A service over a fresh cluster; `hook` runs before each Cluster.produce call (0-based call number). */
function setup(brokers = 3, hook?: (call: number, cluster: ClusterApi) => void): { tc: TestCluster; service: EngineService } {
  const tc = openTestCluster(brokers)
  let calls = 0
  const cluster = hook
    ? new Proxy(tc.cluster, {
        get(target, prop) {
          if (prop === 'produce')
            return (...args: Parameters<ClusterApi['produce']>) => {
              hook(calls++, target)
              return target.produce(...args)
            }
          const v = Reflect.get(target, prop, target) as unknown
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
        }
      })
    : tc.cluster
  const service = new EngineService(cluster, { clock: () => tc.clock.now })
  const s = { tc, service }
  open.push(s)
  return s
}

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

function logEndOffsets(service: EngineService, topic: string): number[] {
  return service.cluster.describeTopic(topic).partitions.sort((a, b) => a.partition - b.partition).map((p) => p.logEndOffset)
}

/** RSS growth in bytes while `fn` runs (after a GC when exposed). */
async function rssGrowth(fn: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
  try {
    await fn()
  } finally {
    clearInterval(sampler)
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  return peak - before
}

describe('produce/send budget: checked before anything is expanded', () => {
  const big = 'x'.repeat(2 * MiB)

  it('refuses 2 MiB x 1,000 to a missing topic with UNKNOWN_TOPIC_OR_PARTITION, RSS growing by less than 200 MB', async () => {
    const { service } = setup()
    let reply: Reply<ProduceResult> | undefined
    const growth = await rssGrowth(async () => {
      reply = await service.handle('produce/send', { topic: 'missing', acks: 1, records: [{ key: null, value: big }], count: 1000 })
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TOPIC_OR_PARTITION' } })
    expect(growth).toBeLessThan(200 * MiB)
  })

  it('refuses 2 MiB x 1,000 to an existing topic with RECORD_TOO_LARGE naming record 0, RSS bounded, nothing written', async () => {
    const { service } = setup()
    await ok(service.handle('topic/create', { topic: 't', partitions: 3, replicationFactor: 1 }))
    let reply: Reply<ProduceResult> | undefined
    const growth = await rssGrowth(async () => {
      reply = await service.handle('produce/send', { topic: 't', acks: 1, records: [{ key: null, value: big }], count: 1000 })
    })
    expect(reply).toMatchObject({ ok: false, error: { code: 'RECORD_TOO_LARGE', message: expect.stringMatching(/^Record 0 is \d+ bytes/) } })
    expect(growth).toBeLessThan(200 * MiB)
    expect(logEndOffsets(service, 't')).toEqual([0, 0, 0])
  })

  it('refuses a send above PRODUCE_SEND_MAX_BYTES with the size and the limit, even when each record fits max.message.bytes', async () => {
    const { service } = setup()
    await ok(service.handle('topic/create', { topic: 'wide', partitions: 2, replicationFactor: 1, configs: { 'max.message.bytes': 4 * MiB } }))
    let reply: Reply<ProduceResult> | undefined
    const growth = await rssGrowth(async () => {
      reply = await service.handle('produce/send', { topic: 'wide', acks: 1, records: [{ key: 'k{{i}}', value: big }], count: 1000 })
    })
    expect(reply?.ok).toBe(false)
    if (reply && !reply.ok) {
      expect(reply.error.code).toBe('INVALID_REQUEST')
      expect(reply.error.message).toContain('1000 records of 2097')
      expect(reply.error.message).toContain(`more than the ${PRODUCE_SEND_MAX_BYTES} bytes (100 MiB)`)
    }
    expect(growth).toBeLessThan(200 * MiB)
    expect(logEndOffsets(service, 'wide')).toEqual([0, 0])
  })

  it('refuses a huge-headers request with a clear error, without crashing, and keeps serving', async () => {
    const { service } = setup()
    await ok(service.handle('topic/create', { topic: 'h', partitions: 1, replicationFactor: 1 }))
    const million = Array.from({ length: 1_000_000 }, (_, i) => ({ key: `h${i}`, value: 'v' }))
    const tooMany = await service.handle('produce/send', { topic: 'h', acks: 1, records: [{ key: null, value: 'x', headers: million }], count: 1000 })
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('at most 1000 headers') } })
    // Within the per-record bound, but 1,000 headers of ~110 bytes x 1,000 records is over the budget.
    const wide = Array.from({ length: 1000 }, (_, i) => ({ key: `header-${i}`, value: 'v'.repeat(100) }))
    const growth = await rssGrowth(async () => {
      const r = await service.handle('produce/send', { topic: 'h', acks: 1, records: [{ key: null, value: 'x', headers: wide }], count: 1000 })
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('PRODUCE_SEND_MAX_BYTES') } })
    })
    expect(growth).toBeLessThan(200 * MiB)
    expect(logEndOffsets(service, 'h')).toEqual([0])
    const after = await ok(service.handle('produce/send', { topic: 'h', acks: 1, records: [{ key: null, value: 'x', headers: wide.slice(0, 3) }] }))
    expect(after.written).toBe(1)
  })
})

describe('produce/send is all or nothing', () => {
  it('refuses a send whose record 1,500 of 2,000 is too large with RECORD_TOO_LARGE naming record 1500, writing nothing', async () => {
    const { service } = setup()
    await ok(service.handle('topic/create', { topic: 'a', partitions: 3, replicationFactor: 3 }))
    const records = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: i === 1500 ? 'x'.repeat(MiB + 100) : `v${i}` }))
    const reply = await service.handle('produce/send', { topic: 'a', acks: 'all', records })
    expect(reply).toMatchObject({ ok: false, error: { code: 'RECORD_TOO_LARGE', message: expect.stringMatching(/^Record 1500 is \d+ bytes/) } })
    expect(logEndOffsets(service, 'a')).toEqual([0, 0, 0])
  })

  it('names the first too-large templated record by its request index ({{i}} grows with the digits of i)', async () => {
    const { service } = setup()
    // A batch of one keyless record with an L-byte value is 61 + 7 + L bytes: with max.message.bytes 71 only i >= 1000 is too large.
    await ok(service.handle('topic/create', { topic: 'g', partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 71 } }))
    const reply = await service.handle('produce/send', { topic: 'g', acks: 1, records: [{ key: null, value: 'ok' }, { key: null, value: '{{i}}' }], count: 2000 })
    expect(reply).toMatchObject({ ok: false, error: { code: 'RECORD_TOO_LARGE', message: expect.stringMatching(/^Record 2001 is 72 bytes/) } })
    expect(logEndOffsets(service, 'g')).toEqual([0])
  })

  it('refuses a send with records for an offline partition after the first 1,000 with LEADER_NOT_AVAILABLE, writing nothing', async () => {
    const { service } = setup(2)
    await ok(service.handle('topic/create', { topic: 'o', partitions: 2, replicationFactor: 1 }))
    const leader1 = service.cluster.describeTopic('o').partitions.find((p) => p.partition === 1)!.leader
    await ok(service.handle('broker/stop', { brokerId: leader1 }))
    const records = Array.from({ length: 1500 }, (_, i) => ({ key: null, value: `v${i}`, partition: i < 1200 ? 0 : 1 }))
    const reply = await service.handle('produce/send', { topic: 'o', acks: 1, records })
    expect(reply).toMatchObject({ ok: false, error: { code: 'LEADER_NOT_AVAILABLE', message: expect.stringContaining('o-1 is offline') } })
    expect(service.cluster.describeTopic('o').partitions.find((p) => p.partition === 0)!.logEndOffset).toBe(0)
  })

  it('refuses an acks=all send whose templated key reaches a partition below min.insync.replicas only at record 2201, writing nothing', async () => {
    const { service } = setup(3)
    await ok(service.handle('topic/create', { topic: 'm', partitions: 3, replicationFactor: 2, configs: { 'min.insync.replicas': 2 } }))
    await ok(service.handle('broker/stop', { brokerId: 1 }))
    const parts = service.cluster.describeTopic('m').partitions
    const healthy = parts.find((p) => p.isr.length >= 2)!.partition
    const short = new Set(parts.filter((p) => p.isr.length < 2).map((p) => p.partition))
    // A key template whose repetition 0 lands on a healthy partition and repetition 1 on a short one.
    const prefix = Array.from({ length: 200 }, (_, n) => `key-${n}-`).find(
      (k) => !short.has(partitionForKey(Buffer.from(`${k}0`), 3)) && short.has(partitionForKey(Buffer.from(`${k}1`), 3))
    )!
    const records = [
      ...Array.from({ length: 1100 }, () => ({ key: null, value: 'v', partition: healthy })),
      { key: `${prefix}{{i}}`, value: 'v' }
    ]
    const reply = await service.handle('produce/send', { topic: 'm', acks: 'all', records, count: 2 })
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_ENOUGH_REPLICAS', message: expect.stringContaining('min.isr requirement of 2') } })
    expect(logEndOffsets(service, 'm')).toEqual([0, 0, 0])
  })
})

describe('produce/send reports a later chunk failing exactly', () => {
  it('when a partition goes offline between chunks: what was written per partition with offsets, and the request indexes that were not', async () => {
    let stopped: number | null = null
    const { service } = setup(2, (call, cluster) => {
      if (call !== 2) return // call 0: the record before; 1: the first chunk of the send; 2: its second chunk
      stopped = cluster.describeTopic('p').partitions.find((p) => p.partition === 1)!.leader
      cluster.stopBroker(stopped) // partition 1 has one replica: it goes offline
    })
    await ok(service.handle('topic/create', { topic: 'p', partitions: 2, replicationFactor: 1 }))
    const leaders = service.cluster.describeTopic('p').partitions.map((p) => p.leader)
    expect(new Set(leaders).size).toBe(2)
    await ok(service.handle('produce/send', { topic: 'p', acks: 1, records: [{ key: null, value: 'before', partition: 1 }] }))
    const records = Array.from({ length: 3000 }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 2 }))
    const res = await ok(service.handle('produce/send', { topic: 'p', acks: 1, records }))
    expect(res.requested).toBe(3000)
    expect(res.written).toBe(1000)
    expect(res.partitions).toEqual([
      { partition: 0, firstOffset: 0, lastOffset: 499, records: 500 },
      { partition: 1, firstOffset: 1, lastOffset: 500, records: 500 }
    ])
    expect(res.acks).toHaveLength(1000)
    expect(res.acks[999]).toMatchObject({ partition: 1, offset: 500 })
    expect(res.failed).toMatchObject({ fromIndex: 1000, toIndex: 2999, code: 'LEADER_NOT_AVAILABLE', unacknowledged: null })
    expect(res.failed?.message).toMatch(/^Records 1000 to 2999 of this send \(3000 records\) were not written: Partition p-1 is offline/)
    const p0 = service.cluster.describeTopic('p').partitions.find((p) => p.partition === 0)!
    expect(p0.logEndOffset).toBe(500)
    const p1 = service.cluster.describeTopic('p').partitions.find((p) => p.partition === 1)!
    expect(p1.replicaStates.find((r) => r.brokerId === stopped)?.logEndOffset).toBe(501)
  })
})

describe('produce/send reports records appended but not acknowledged', () => {
  it('acks=all: when the ISR shrinks below min.insync.replicas after the second chunk was appended, those records are reported unacknowledged', async () => {
    let tc!: TestCluster
    const s = setup(2, (call, cluster) => {
      if (call !== 1) return
      const follower = cluster.describeTopic('u').partitions[0].replicas.find((b) => b !== cluster.describeTopic('u').partitions[0].leader)!
      cluster.pauseFetching(follower) // the follower stops fetching: the chunk is appended on the leader only
      setImmediate(() => {
        tc.clock.now += 30_001 // past replica.lag.time.max.ms: the follower leaves the ISR
        tc.cluster.tick()
      })
    })
    tc = s.tc
    const { service } = s
    await ok(service.handle('topic/create', { topic: 'u', partitions: 1, replicationFactor: 2, configs: { 'min.insync.replicas': 2 } }))
    const records = Array.from({ length: 1500 }, (_, i) => ({ key: null, value: `v${i}`, partition: 0 }))
    const res = await ok(service.handle('produce/send', { topic: 'u', acks: 'all', records }))
    expect(res.written).toBe(1000)
    expect(res.partitions).toEqual([{ partition: 0, firstOffset: 0, lastOffset: 999, records: 1000 }])
    expect(res.failed).toMatchObject({
      fromIndex: 1000,
      toIndex: 1499,
      code: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
      unacknowledged: { fromIndex: 1000, toIndex: 1499 }
    })
    expect(res.failed?.message).toContain("Records 1000 to 1499 reached the leader's log but were not acknowledged")
  })
})

describe('produce/send reply is bounded', () => {
  it('answers a 1,000,000-record send with a per-partition summary and the first 1,000 acks', { timeout: 120_000 }, async () => {
    const { service } = setup(1)
    await ok(service.handle('topic/create', { topic: 'million', partitions: 4, replicationFactor: 1 }))
    const res = await ok(service.handle('produce/send', { topic: 'million', acks: 1, records: [{ key: 'k{{i}}', value: 'v{{i}}' }], count: 1_000_000 }))
    expect(res.written).toBe(1_000_000)
    expect(res.failed).toBeNull()
    expect(res.acks).toHaveLength(1000)
    expect(res.partitions.reduce((n, p) => n + p.records, 0)).toBe(1_000_000)
    const leo = logEndOffsets(service, 'million')
    expect(res.partitions.map((p) => [p.firstOffset, p.lastOffset])).toEqual(leo.map((end) => [0, end - 1]))
    expect(JSON.stringify(res).length).toBeLessThan(256 * 1024)
  })

  it('pairs acks[i] with request index i: repetition by repetition, each input record in order', async () => {
    const { service } = setup(1)
    await ok(service.handle('topic/create', { topic: 'ord', partitions: 2, replicationFactor: 1 }))
    const res = await ok(
      service.handle('produce/send', { topic: 'ord', acks: 1, records: [{ key: null, value: 'a{{i}}', partition: 0 }, { key: null, value: 'b{{i}}', partition: 1 }], count: 3 })
    )
    expect(res.acks.map((a) => [a.partition, a.offset])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
      [1, 2]
    ])
  })
})
