/**
 * The failure playground's faults on a 3-broker cluster driven by an injected clock (no background
 * work: each test runs replication rounds and ticks itself): fencing by missed heartbeats after
 * exactly broker.session.timeout.ms, kill against stop, isolation of a leader, a slow follower
 * leaving and rejoining the ISR, and the refusals.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import type { ClusterEvent } from '../../../../src/broker/cluster/cluster-events'
import { KafkaError } from '../../../../src/broker/model/errors'
import { T0, clockClusters, type ClockCluster } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-faults-')

function makeCluster(opts: { replicaLagTimeMaxMs?: number; brokerSessionTimeoutMs?: number; log?: (line: string) => void } = {}): ClockCluster {
  return openCluster({
    eventLog: () => {},
    replicaLagTimeMaxMs: opts.replicaLagTimeMaxMs ?? 30000,
    brokerSessionTimeoutMs: opts.brokerSessionTimeoutMs,
    ...(opts.log ? { log: opts.log } : {})
  })
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

function partition(c: Cluster, topic = 't') {
  return c.describeTopic(topic).partitions[0]
}

function events(c: Cluster, kind: ClusterEvent['kind']): ClusterEvent[] {
  return c.recentEvents().filter((e) => e.kind === kind)
}

function errorOf(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return `${(e as KafkaError).code}: ${(e as Error).message}`
  }
  return 'no error'
}

/** Every record of broker `b`'s replica as offset:key. */
function contents(c: Cluster, b: number, topic = 't'): string[] {
  const log = c.replicaLog(b, topic, 0)
  if (!log) return []
  return log.readRecords(log.logStartOffset, { maxRecords: 1000 }).map((r) => `${r.offset}:${r.key?.toString()}`)
}

describe('fencing by missed heartbeats', () => {
  it('fences a killed broker exactly when broker.session.timeout.ms has passed without a heartbeat, not a millisecond before', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader, f1, f2] = partition(cluster).replicas
    cluster.killBroker(leader)
    clock.now = T0 + 9000
    cluster.tick()
    expect(events(cluster, 'broker-fenced')).toEqual([])
    expect(partition(cluster)).toMatchObject({ leader, isr: [leader, f1, f2] })
    clock.now = T0 + 9001
    cluster.tick()
    const [fenced] = events(cluster, 'broker-fenced')
    expect(fenced).toMatchObject({ brokerId: leader, missedHeartbeatMs: 9001, sessionTimeoutMs: 9000 })
    expect(fenced.message).toContain('after missing heartbeats for 9,001 ms (broker.session.timeout.ms = 9,000 ms)')
    expect(partition(cluster)).toMatchObject({ leader: f1, leaderEpoch: 1, isr: [f1, f2] })
    const elected = events(cluster, 'leader-elected').at(-1)!
    expect(elected).toMatchObject({ brokerId: f1, reason: 'fenced', election: 'clean-from-isr', previousLeader: leader, leaderEpoch: 1, isr: [f1, f2] })
    expect(cluster.brokers().find((b) => b.id === leader)).toMatchObject({ state: 'killed', alive: false, fenced: true })
  })

  it('keeps a healthy broker unfenced however far the clock jumps between ticks: it heartbeats first', () => {
    const { cluster, clock } = makeCluster({ brokerSessionTimeoutMs: 3000 })
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    for (let i = 1; i <= 5; i++) {
      clock.now = T0 + i * 60000
      cluster.tick()
    }
    expect(events(cluster, 'broker-fenced')).toEqual([])
    expect(cluster.brokers().map((b) => b.lastHeartbeatMs)).toEqual([T0 + 300000, T0 + 300000, T0 + 300000])
  })
})

describe('kill against stop', () => {
  it('moves leadership at once on stop (controlled shutdown), but on kill only after the session timeout', async () => {
    const a = makeCluster()
    a.cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader, f1, f2] = partition(a.cluster).replicas
    a.cluster.stopBroker(leader)
    expect(partition(a.cluster)).toMatchObject({ leader: f1, isr: [f1, f2] })
    expect(events(a.cluster, 'leader-elected').at(-1)).toMatchObject({ reason: 'controlled-shutdown', election: 'clean-from-isr' })

    const b = makeCluster()
    b.cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    b.cluster.killBroker(leader)
    expect(partition(b.cluster)).toMatchObject({ leader, isr: [leader, f1, f2] })
    expect(events(b.cluster, 'broker-killed')).toHaveLength(1)
    // The dead leader answers nothing: a produce to it fails until the controller notices.
    await expect(b.cluster.produce('t', [rec(0)], { acks: 1 })).rejects.toMatchObject({ code: 'BROKER_NOT_AVAILABLE' })
    b.clock.now = T0 + 9001
    b.cluster.tick()
    expect(partition(b.cluster)).toMatchObject({ leader: f1, isr: [f1, f2] })
    const acked = b.cluster.produce('t', [rec(1)], { acks: 'all' })
    b.cluster.replicateNow()
    await expect(acked).resolves.toHaveLength(1)
  })

  it('fails the acks=all waits of a killed leader, and after start recovers its logs, truncates by leader epoch and catches up', async () => {
    const lines: string[] = []
    const { cluster, clock, dir } = makeCluster({ log: (l) => lines.push(l) })
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    const [leader, f1, f2] = partition(cluster).replicas
    await cluster.produce('t', [rec(0), rec(1)], { acks: 1 })
    cluster.replicateNow()
    // A record only the leader holds: its followers are paused.
    cluster.pauseFetching(f1)
    cluster.pauseFetching(f2)
    const waiting = outcome(cluster.produce('t', [rec(2)], { acks: 'all' }))
    await flush()
    expect(waiting.state).toBe('pending')
    cluster.killBroker(leader)
    await flush()
    expect(waiting).toEqual({ state: 'error', code: 'BROKER_NOT_AVAILABLE' })
    expect(fs.existsSync(path.join(dir, `broker-${leader}`, '.kafka_cleanshutdown'))).toBe(false)
    cluster.resumeFetching(f1)
    cluster.resumeFetching(f2)
    clock.now = T0 + 9001
    cluster.tick()
    expect(partition(cluster).leader).toBe(f1)
    const acked = cluster.produce('t', [rec(3)], { acks: 'all' })
    cluster.replicateNow()
    await acked
    expect(contents(cluster, f1)).toEqual(['0:k0', '1:k1', '2:k3'])

    lines.length = 0
    cluster.startBroker(leader)
    expect(events(cluster, 'broker-started').at(-1)!.message).toContain('recovered its logs as after a crash')
    // The log loader's unclean-shutdown path ran on the killed broker's log, and only there.
    const recovered = lines.filter((l) => /recover/i.test(l))
    expect(recovered.some((l) => l.includes(`broker-${leader}${path.sep}t-0`))).toBe(true)
    expect(recovered.every((l) => l.includes(`broker-${leader}`))).toBe(true)
    cluster.replicateNow()
    // Offset 2 (k2, never replicated) is cut by the leader-epoch truncation; k3 is copied.
    expect(contents(cluster, leader)).toEqual(['0:k0', '1:k1', '2:k3'])
    expect(events(cluster, 'log-truncated').filter((e) => e.brokerId === leader)).toContainEqual(expect.objectContaining({ fromOffset: 2, toOffset: 3, count: 1 }))
    expect(partition(cluster).isr).toEqual([leader, f1, f2])
    expect(cluster.brokers().find((b) => b.id === leader)).toMatchObject({ state: 'running', fenced: false })
  })
})

describe('a killed broker started before the controller noticed', () => {
  it('has its old incarnation fenced first (its leaderships move), then registers unfenced and catches up', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader, f1, f2] = partition(cluster).replicas
    await cluster.produce('t', [rec(0)], { acks: 1 })
    cluster.replicateNow()
    cluster.killBroker(leader)
    clock.now = T0 + 1000
    cluster.startBroker(leader)
    const fenced = events(cluster, 'broker-fenced')
    expect(fenced.map((e) => e.brokerId)).toEqual([leader])
    expect(fenced[0].message).toContain('registered again after a crash')
    expect(events(cluster, 'broker-unfenced').map((e) => e.brokerId)).toEqual([leader])
    expect(partition(cluster)).toMatchObject({ leader: f1, leaderEpoch: 1 })
    cluster.replicateNow()
    expect(partition(cluster).isr).toEqual([leader, f1, f2])
    expect(contents(cluster, leader)).toEqual(['0:k0'])
  })
})

describe('isolating a leader', () => {
  it('stops its high watermark, fences it after the session timeout, elects a new leader, and times out an acks=all produce sent to it', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 2 } })
    const [leader, f1, f2] = partition(cluster).replicas
    await cluster.produce('t', [rec(0)], { acks: 1 })
    cluster.replicateNow()
    expect(partition(cluster).highWatermark).toBe(1)
    cluster.isolateBroker(leader)
    // Clients still reach it: the append succeeds, but no follower can fetch it.
    const stuck = cluster.produce('t', [rec(1)], { acks: 'all', timeoutMs: 20 })
    const o = outcome(stuck)
    cluster.replicateNow()
    await flush()
    expect(o.state).toBe('pending')
    expect(cluster.replicaLog(leader, 't', 0)!.highWatermark).toBe(1)
    expect(cluster.replicaLog(leader, 't', 0)!.logEndOffset).toBe(2)

    clock.now = T0 + 9001
    cluster.tick()
    expect(events(cluster, 'broker-fenced').map((e) => e.brokerId)).toEqual([leader])
    expect(partition(cluster)).toMatchObject({ leader: f1, isr: [f1, f2] })
    // The isolated broker never learned it lost the leadership (it is cut off from the controller).
    expect(cluster.replicaManager(leader).partition('t', 0)!.isLeader).toBe(true)
    await expect(stuck).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' })

    cluster.healBroker(leader)
    expect(events(cluster, 'broker-unfenced').map((e) => e.brokerId)).toEqual([leader])
    cluster.replicateNow()
    expect(contents(cluster, leader)).toEqual(['0:k0'])
    expect(partition(cluster).isr).toEqual([leader, f1, f2])
  })

  it('moves the controller at once when the controller broker is isolated', () => {
    const { cluster } = makeCluster()
    expect(cluster.controllerId).toBe(1)
    cluster.isolateBroker(1)
    expect(cluster.controllerId).toBe(2)
    expect(events(cluster, 'controller-moved').at(-1)).toMatchObject({ brokerId: 2, previousController: 1 })
  })
})

describe('a slow follower', () => {
  it('leaves the ISR after replica.lag.time.max.ms while the leader takes writes, keeps its session, and rejoins when healed', async () => {
    const { cluster, clock } = makeCluster({ replicaLagTimeMaxMs: 1000 })
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const [leader, f1, slow] = partition(cluster).replicas
    cluster.slowBroker(slow, 3000)
    expect(events(cluster, 'broker-slowed').at(-1)).toMatchObject({ brokerId: slow, delayMs: 3000 })
    await cluster.produce('t', [rec(0)], { acks: 1 })
    cluster.replicateNow() // its one fetch in flight per 3000 ms goes now
    clock.now = T0 + 10
    await cluster.produce('t', Array.from({ length: 1000 }, (_, i) => rec(i + 1)), { acks: 1 })
    cluster.replicateNow()
    expect(cluster.replicaLog(slow, 't', 0)!.logEndOffset).toBe(1)
    clock.now = T0 + 1011
    cluster.tick()
    expect(partition(cluster).isr).toEqual([leader, f1])
    expect(events(cluster, 'isr-shrink').at(-1)).toMatchObject({ brokerId: slow, reason: 'replica-lag', isr: [leader, f1] })
    expect(events(cluster, 'isr-shrink').at(-1)!.message).toContain('replica.lag.time.max.ms (1,000 ms)')

    // Its heartbeats arrive 3 s late but often enough for broker.session.timeout.ms (9 s).
    for (let t = 2000; t <= 30000; t += 1000) {
      clock.now = T0 + t
      cluster.tick()
    }
    expect(events(cluster, 'broker-fenced')).toEqual([])

    cluster.healBroker(slow)
    cluster.replicateNow()
    expect(partition(cluster).isr).toEqual([leader, f1, slow])
    expect(events(cluster, 'isr-expand').at(-1)).toMatchObject({ brokerId: slow, reason: 'caught-up' })
    expect(events(cluster, 'isr-expand').at(-1)!.message).toContain('caught up to the high watermark 1,001')
  })

  it('is fenced when slowed beyond broker.session.timeout.ms, and unfenced when its late heartbeat arrives', () => {
    const { cluster, clock } = makeCluster()
    cluster.slowBroker(2, 20000)
    clock.now = T0 + 2000
    cluster.tick() // its heartbeat leaves now and arrives at T0 + 22000
    clock.now = T0 + 9001
    cluster.tick()
    expect(events(cluster, 'broker-fenced').map((e) => e.brokerId)).toEqual([2])
    clock.now = T0 + 22000
    cluster.tick()
    expect(events(cluster, 'broker-unfenced').map((e) => e.brokerId)).toEqual([2])
    expect(cluster.brokers().find((b) => b.id === 2)).toMatchObject({ fenced: false, slowMs: 20000, lastHeartbeatMs: T0 + 22000 })
  })
})

describe('refusals', () => {
  it('refuses every fault on an unknown broker, naming the brokers that exist', () => {
    const { cluster } = makeCluster()
    for (const f of [() => cluster.killBroker(7), () => cluster.slowBroker(7, 10), () => cluster.isolateBroker(7), () => cluster.healBroker(7), () => cluster.startBroker(7)])
      expect(errorOf(f)).toBe('BROKER_NOT_AVAILABLE: Broker 7 does not exist (brokers: 1, 2, 3)')
  })

  it('refuses kill, slow, isolate and heal of a stopped or killed broker, and stop of a killed one, saying to start it', () => {
    const { cluster } = makeCluster()
    cluster.stopBroker(2)
    expect(errorOf(() => cluster.killBroker(2))).toBe('BROKER_NOT_AVAILABLE: Cannot kill broker 2: it is stopped (a fault needs a running broker; start it first)')
    expect(errorOf(() => cluster.isolateBroker(2))).toMatch(/^BROKER_NOT_AVAILABLE: Cannot isolate broker 2: it is stopped/)
    cluster.killBroker(3)
    expect(errorOf(() => cluster.killBroker(3))).toBe('BROKER_NOT_AVAILABLE: Cannot kill broker 3: it was killed and is not running (start it first)')
    expect(errorOf(() => cluster.slowBroker(3, 10))).toMatch(/^BROKER_NOT_AVAILABLE: Cannot slow broker 3: it was killed/)
    expect(errorOf(() => cluster.healBroker(3))).toMatch(/^BROKER_NOT_AVAILABLE: Cannot heal broker 3: it was killed/)
    expect(errorOf(() => cluster.stopBroker(3))).toMatch(/^BROKER_NOT_AVAILABLE: Cannot stop broker 3: it was killed and is not running/)
    expect(events(cluster, 'broker-killed')).toHaveLength(1)
  })

  it('refuses a fault that would change nothing (isolate twice, the same delay, heal of a healthy broker) and a bad delay, changing nothing', () => {
    const { cluster } = makeCluster()
    expect(errorOf(() => cluster.healBroker(1))).toBe('INVALID_REQUEST: Broker 1 has no fault to heal: it is neither slowed nor isolated')
    cluster.isolateBroker(1)
    expect(errorOf(() => cluster.isolateBroker(1))).toBe('INVALID_REQUEST: Broker 1 is already isolated')
    cluster.slowBroker(2, 50)
    expect(errorOf(() => cluster.slowBroker(2, 50))).toBe('INVALID_REQUEST: Broker 2 is already slowed by 50 ms')
    for (const bad of [0, -5, 1.5, 300001])
      expect(errorOf(() => cluster.slowBroker(3, bad))).toBe(`INVALID_REQUEST: The delay must be an integer from 1 to 300000 ms, got ${bad}`)
    expect(cluster.brokers().map((b) => [b.id, b.isolated, b.slowMs])).toEqual([
      [1, true, 0],
      [2, false, 50],
      [3, false, 0]
    ])
  })

  it('refuses a session timeout not above the heartbeat interval before it creates anything', () => {
    const dir = path.join(openCluster.tempDir(), 'cluster')
    expect(errorOf(() => openCluster({ dataDir: dir, brokerHeartbeatIntervalMs: 2000, brokerSessionTimeoutMs: 2000 }))).toMatch(/^INVALID_CONFIG: broker.session.timeout.ms \(2000\) must be greater than broker.heartbeat.interval.ms \(2000\)/)
    expect(fs.existsSync(dir)).toBe(false)
  })
})
