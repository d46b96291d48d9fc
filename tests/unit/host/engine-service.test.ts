/**
 * EngineService against a real Cluster in a temp directory: validation, dispatch, Kafka error
 * names, base64 conversion, messages paging, the group consumer and snapshots (the importer's
 * requests: tests/unit/host/import/import-handlers.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REQUEST_NAMES, type ClusterSnapshot, type RecordView } from '../../../src/shared/contract'
import { EngineService } from '../../../src/host/engine-service'
import { partitionForKey } from '../../../src/broker/client/partitioner'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster
let service: EngineService

beforeEach(() => {
  tc = openTestCluster()
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

const text = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64').toString('utf8'))

async function createTopic(topic: string, partitions = 3, replicationFactor = 3) {
  return ok(service.handle('topic/create', { topic, partitions, replicationFactor }))
}

/** Produces `n` records keyed k0..k(n-1), each at its own timestamp (1 ms apart). */
async function produceSpread(topic: string, n: number) {
  for (let i = 0; i < n; i++) {
    tc.clock.now += 1
    await ok(service.handle('produce/send', { topic, acks: 'all', records: [{ key: `k${i}`, value: `v${i}` }] }))
  }
}

describe('EngineService.handle', () => {
  it('answers every request name with a Reply, refusing malformed payloads with INVALID_REQUEST', async () => {
    for (const name of REQUEST_NAMES) {
      const reply = await service.handle(name, { definitely: 'not valid' })
      expect(reply.ok, name).toBe(false)
      if (!reply.ok) expect(reply.error.code, name).toBe('INVALID_REQUEST')
    }
    const unknown = await service.handle('topic/explode', {})
    expect(unknown).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: 'Unknown request "topic/explode"' } })
  })

  it("creates and describes a topic with its partition table and Kafka's default configs", async () => {
    const created = await createTopic('orders', 3, 3)
    expect(created.partitions).toBe(3)
    const detail = await ok(service.handle('topic/describe', { topic: 'orders' }))
    expect(detail.partitionViews.map((p) => p.partition)).toEqual([0, 1, 2])
    for (const p of detail.partitionViews) {
      expect(p.replicas).toHaveLength(3)
      expect(p.replicas).toContain(p.leader)
      expect(p.underReplicated).toBe(false)
    }
    expect(detail.configs['cleanup.policy']).toBe('delete')
    expect(detail.configs['min.insync.replicas']).toBe(1)
    const list = await ok(service.handle('topic/list', {}))
    expect(list.map((t) => t.name)).toEqual(['orders'])
  })

  it("keeps Kafka's error names for engine errors", async () => {
    await createTopic('orders')
    const again = await service.handle('topic/create', { topic: 'orders', partitions: 1, replicationFactor: 1 })
    expect(again.ok || again.error.code).toBe('TOPIC_ALREADY_EXISTS')
    const tooMany = await service.handle('topic/create', { topic: 'x', partitions: 1, replicationFactor: 4 })
    expect(tooMany.ok || tooMany.error.code).toBe('INVALID_REPLICATION_FACTOR')
    const missing = await service.handle('topic/describe', { topic: 'nope' })
    expect(missing.ok || missing.error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    const group = await service.handle('group/describe', { groupId: 'nobody' })
    expect(group.ok || group.error.code).toBe('GROUP_ID_NOT_FOUND')
  })

  it('produces count records from a {{i}} template and reports where each landed and why', async () => {
    await createTopic('t', 6, 3)
    const res = await ok(
      service.handle('produce/send', {
        topic: 't',
        acks: 'all',
        records: [{ key: 'user-{{i}}', value: '{"n":{{i}}}', headers: [{ key: 'h', value: 'x{{i}}' }] }],
        count: 5
      })
    )
    expect(res.acks).toHaveLength(5)
    res.acks.forEach((a, i) => {
      const expected = partitionForKey(Buffer.from(`user-${i}`), 6)
      expect(a.partition).toBe(expected)
      expect(a.reason).toMatchObject({ kind: 'key', partitions: 6 })
      if (a.reason.kind === 'key') expect(a.reason.positive % 6).toBe(expected)
    })
    const a3 = res.acks[3]
    const page = await ok(
      service.handle('messages/fetch', { topic: 't', partition: a3.partition, start: { kind: 'offset', offset: a3.offset }, limit: 1 })
    )
    expect(text(page.records[0].key)).toBe('user-3')
    expect(text(page.records[0].value)).toBe('{"n":3}')
    expect(page.records[0].headers).toEqual([{ key: 'h', value: Buffer.from('x3').toString('base64') }])
  })

  it('keeps null keys and values as null and bytes exact', async () => {
    await createTopic('n', 1, 1)
    await ok(service.handle('produce/send', { topic: 'n', acks: 1, records: [{ key: null, value: 'ünïcødé ✓' }, { key: 'k', value: null }] }))
    const page = await ok(service.handle('messages/fetch', { topic: 'n', partition: 0, start: { kind: 'earliest' }, limit: 10 }))
    expect(page.records.map((r) => [r.key, text(r.value)])).toEqual([
      [null, 'ünïcødé ✓'],
      [Buffer.from('k').toString('base64'), null]
    ])
  })
})

describe('messages/fetch', () => {
  it('merges all partitions by timestamp and pages forwards without gaps or repeats', async () => {
    await createTopic('m', 3, 1)
    await produceSpread('m', 25)
    const seen: RecordView[] = []
    const page = await ok(service.handle('messages/fetch', { topic: 'm', partition: null, start: { kind: 'earliest' }, limit: 10 }))
    seen.push(...page.records)
    // The rest: each partition continued from its nextOffsets entry.
    for (const [p, offset] of Object.entries(page.nextOffsets)) {
      const rest = await ok(
        service.handle('messages/fetch', { topic: 'm', partition: Number(p), start: { kind: 'offset', offset }, limit: 100 })
      )
      seen.push(...rest.records)
    }
    expect(seen).toHaveLength(25)
    expect(new Set(seen.map((r) => `${r.partition}:${r.offset}`)).size).toBe(25)
    const firstPage = seen.slice(0, 10).map((r) => text(r.key))
    expect(firstPage).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`))
  })

  it('pages backwards from latest: the last records, oldest first', async () => {
    await createTopic('b', 2, 1)
    await produceSpread('b', 12)
    const page = await ok(
      service.handle('messages/fetch', { topic: 'b', partition: null, start: { kind: 'latest' }, limit: 4, direction: 'backward' })
    )
    expect(page.records.map((r) => text(r.key))).toEqual(['k8', 'k9', 'k10', 'k11'])
    const before = await ok(
      service.handle('messages/fetch', {
        topic: 'b',
        partition: page.records[0].partition,
        start: { kind: 'offset', offset: page.firstOffsets[page.records[0].partition] },
        limit: 100,
        direction: 'backward'
      })
    )
    expect(before.records.every((r) => r.offset < page.firstOffsets[page.records[0].partition])).toBe(true)
  })

  it('starts at the first record with timestamp >= T and filters by key text', async () => {
    await createTopic('ts', 1, 1)
    await produceSpread('ts', 10)
    const t0 = 1_700_000_000_000
    const fromT = await ok(service.handle('messages/fetch', { topic: 'ts', partition: 0, start: { kind: 'timestamp', timestamp: t0 + 6 }, limit: 100 }))
    expect(fromT.records.map((r) => text(r.key))).toEqual(['k5', 'k6', 'k7', 'k8', 'k9'])
    const filtered = await ok(
      service.handle('messages/fetch', { topic: 'ts', partition: null, start: { kind: 'earliest' }, limit: 100, keyContains: '1' })
    )
    expect(filtered.records.map((r) => text(r.key))).toEqual(['k1'])
  })
})

describe('consumer groups', () => {
  it('consumes from the beginning, commits, continues from the commit, and resets', async () => {
    await createTopic('g', 3, 3)
    await produceSpread('g', 30)
    const first = await ok(service.handle('group/consume', { groupId: 'grp', topic: 'g', maxRecords: 12, fromBeginning: true }))
    expect(first.consumed).toBe(12)
    expect(first.group.totalLag).toBe(18)
    expect(first.group.rows.map((r) => r.partition)).toEqual([0, 1, 2])
    const rest = await ok(service.handle('group/consume', { groupId: 'grp', topic: 'g', maxRecords: 100, fromBeginning: false }))
    expect(rest.consumed).toBe(18)
    expect(rest.group.totalLag).toBe(0)
    const reset = await ok(service.handle('group/reset', { groupId: 'grp', topic: 'g', to: 'earliest' }))
    expect(reset.group.totalLag).toBe(30)
    expect(reset.executed).toBe(true)
    const groups = await ok(service.handle('group/list', {}))
    expect(groups.map((g) => [g.groupId, g.totalLag])).toEqual([['grp', 30]])
  })

  it('resets as kafka-consumer-groups --reset-offsets does: to an offset, a datetime, shifted; out-of-range targets brought into range and marked; dry run changes nothing', async () => {
    await createTopic('rs', 1, 1)
    for (let i = 0; i < 10; i++) {
      tc.clock.now = 1_700_000_000_000 + i * 1000
      await ok(service.handle('produce/send', { topic: 'rs', acks: 1, records: [{ key: 'k', value: `v${i}` }] }))
    }
    await ok(service.handle('group/consume', { groupId: 'rg', topic: 'rs', maxRecords: 4, fromBeginning: true }))
    const at = (r: { plan: { newOffset: number }[] }): number => r.plan[0].newOffset
    const dry = await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { offset: 7 }, dryRun: true }))
    expect([at(dry), dry.plan[0].previousOffset, dry.executed, dry.group.rows[0].currentOffset]).toEqual([7, 4, false, 4])
    expect((await ok(service.handle('group/describe', { groupId: 'rg' }))).rows[0].currentOffset).toBe(4)
    expect(at(await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { shiftBy: -3 } })))).toBe(1)
    expect(at(await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { timestamp: 1_700_000_005_500 } })))).toBe(6)
    expect(at(await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { timestamp: 1_800_000_000_000 } })))).toBe(10) // none after: the log end
    const high = await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { offset: 99 } }))
    expect([at(high), high.plan[0].clamped, high.group.totalLag]).toEqual([10, 'to-latest', 0])
    const low = await ok(service.handle('group/reset', { groupId: 'rg', topic: 'rs', to: { shiftBy: -50 } }))
    expect([at(low), low.plan[0].clamped]).toEqual([0, 'to-earliest'])
    const none = await service.handle('group/reset', { groupId: 'nobody', topic: 'rs', to: { shiftBy: 1 } })
    expect(none.ok || none.error.message).toBe('Cannot shift offset for partition rs-0 since there is no current committed offset')
  })

  it('starts at latest without a committed offset when not from the beginning', async () => {
    await createTopic('late', 2, 1)
    await produceSpread('late', 6)
    const res = await ok(service.handle('group/consume', { groupId: 'late-g', topic: 'late', maxRecords: 10, fromBeginning: false }))
    expect(res.consumed).toBe(0)
    expect(res.group.totalLag).toBe(0)
  })
})

describe('topic/alter', () => {
  it('adds partitions and alters configs, all or nothing, with Kafka\'s errors', async () => {
    await createTopic('alt', 2, 3)
    const grown = await ok(service.handle('topic/alter', { topic: 'alt', partitions: 4, configs: { 'retention.ms': 5000 } }))
    expect(grown.partitions).toBe(4)
    expect(grown.partitionViews).toHaveLength(4)
    expect(grown.configs['retention.ms']).toBe('5000')
    // A bad config refuses the whole request: the partitions stay as they were.
    const bad = await service.handle('topic/alter', { topic: 'alt', partitions: 6, configs: { 'max.message.bytes': 2 ** 31 } })
    expect(bad.ok || bad.error.code).toBe('INVALID_CONFIG')
    expect((await ok(service.handle('topic/describe', { topic: 'alt' }))).partitions).toBe(4)
    // A refused partition count leaves the configs alone.
    const shrink = await service.handle('topic/alter', { topic: 'alt', partitions: 3, configs: { 'retention.ms': 9000 } })
    expect(shrink.ok || shrink.error.message).toBe('The topic alt currently has 4 partition(s); 3 would not be an increase.')
    expect((await ok(service.handle('topic/describe', { topic: 'alt' }))).configs['retention.ms']).toBe('5000')
    const empty = await service.handle('topic/alter', { topic: 'alt' })
    expect(empty.ok || empty.error.code).toBe('INVALID_REQUEST')
    expect(empty.ok || empty.error.message).toMatch(/Give partitions, configs, or both/)
  })
})

describe('snapshots', () => {
  it('pushes a snapshot with brokers, topics, partitions and group lag history to subscribers', async () => {
    await createTopic('s', 2, 3)
    await produceSpread('s', 4)
    await ok(service.handle('group/consume', { groupId: 'sg', topic: 's', maxRecords: 1, fromBeginning: true }))
    const snaps: ClusterSnapshot[] = []
    const unsubscribe = service.subscribe((e) => {
      if (e.event === 'snapshot') snaps.push(e.payload)
    })
    service.pushSnapshot()
    tc.clock.now += 1000
    service.pushSnapshot()
    unsubscribe()
    service.pushSnapshot()
    expect(snaps).toHaveLength(2)
    const s = snaps[1]
    expect(s.brokers.map((b) => b.id)).toHaveLength(3)
    expect(s.brokers.filter((b) => b.controller)).toHaveLength(1)
    expect(s.topics.map((t) => [t.name, t.records])).toEqual([['s', 4]])
    expect(s.partitions.s).toHaveLength(2)
    expect(s.groups).toEqual([{ groupId: 'sg', totalLag: 3 }])
    expect(s.groupLag.sg.map((p) => p.v)).toEqual([3, 3])
    expect(s.groupLag.sg[1].t - s.groupLag.sg[0].t).toBe(1000)
    expect(JSON.parse(JSON.stringify(s))).toEqual(s)
  })

  it('pauses a live broker\'s fetching (broker/fetching): its followers lag, leave the ISR after replica.lag.time.max.ms, and rejoin once resumed', async () => {
    await createTopic('lag', 1, 3)
    const snap = (): ClusterSnapshot => {
      let s: ClusterSnapshot | undefined
      const off = service.subscribe((e) => {
        if (e.event === 'snapshot') s = e.payload
      })
      service.pushSnapshot()
      off()
      return s!
    }
    const p0 = snap().partitions.lag[0]
    const follower = p0.replicas.find((b) => b !== p0.leader)!
    await ok(service.handle('broker/fetching', { brokerId: follower, paused: true }))
    expect(snap().brokers.find((b) => b.id === follower)).toMatchObject({ alive: true, fetching: false })
    await ok(service.handle('produce/send', { topic: 'lag', acks: 1, records: [{ key: 'k', value: 'v' }] }))
    tc.cluster.replicateNow()
    let p = snap().partitions.lag[0]
    expect(p.isr).toContain(follower) // behind, still in the ISR
    expect(p.replicaStates.find((r) => r.brokerId === follower)!.logEndOffset).toBe(0)
    tc.clock.now += 30_001
    tc.cluster.tick()
    p = snap().partitions.lag[0]
    expect(p.isr).not.toContain(follower)
    expect(p.underReplicated).toBe(true)
    await ok(service.handle('broker/fetching', { brokerId: follower, paused: false }))
    tc.cluster.replicateNow()
    p = snap().partitions.lag[0]
    expect(p.isr).toContain(follower)
    expect(snap().brokers.find((b) => b.id === follower)!.fetching).toBe(true)
    const bad = await service.handle('broker/fetching', { brokerId: 9, paused: true })
    expect(bad.ok || bad.error.code).toBe('BROKER_NOT_AVAILABLE')
  })

  it('counts under-replicated and offline partitions over every topic, __consumer_offsets included, as Kafka does', async () => {
    await createTopic('h', 2, 3)
    await produceSpread('h', 2)
    await ok(service.handle('group/consume', { groupId: 'hg', topic: 'h', maxRecords: 1, fromBeginning: true }))
    await ok(service.handle('broker/stop', { brokerId: 2 })) // it leaves every ISR at once
    let snap: ClusterSnapshot | undefined
    const unsubscribe = service.subscribe((e) => {
      if (e.event === 'snapshot') snap = e.payload
    })
    service.pushSnapshot()
    unsubscribe()
    const userUrp = snap!.partitions.h.filter((p) => p.underReplicated).length
    expect(userUrp).toBe(2)
    // __consumer_offsets has 50 partitions replicated over all three brokers: every one lost broker 2.
    expect(snap!.underReplicatedPartitions).toBe(52)
    expect(snap!.underReplicatedPartitions).toBe(tc.cluster.partitionHealth().underReplicatedPartitions)
    expect(snap!.offlinePartitions).toBe(0)
  })
})
