/**
 * The automatic leader rebalance's broker configs (auto.leader.rebalance.enable,
 * leader.imbalance.check.interval.seconds, leader.imbalance.per.broker.percentage): false never moves
 * leadership back, true moves it back once the interval has passed (not a millisecond before) with
 * one event per partition moved, bad values are refused naming the rule. Injected clock, no sleeps.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { ClusterAdminFacade } from '../../../../src/broker/cluster/facades/cluster-admin-facade'
import { leaderRebalanceConfig, type LeaderRebalanceOptions } from '../../../../src/broker/controller/leader-rebalance-config'
import { KafkaError } from '../../../../src/broker/model/errors'
import { T0, clockClusters, type ClockCluster } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-rebalance-')

const makeCluster = (opts: LeaderRebalanceOptions): ClockCluster => openCluster({ eventLog: () => {}, ...opts })

function errorOf(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return `${(e as KafkaError).code}: ${(e as Error).message}`
  }
  return 'no error'
}

/**
 * Six partitions over three brokers (each the preferred replica of two); the preferred replica of
 * partition 0 is stopped at T0 and started again at T0 + 1000 and back in every ISR: it leads none.
 */
async function imbalanced(cluster: Cluster, clock: { now: number }): Promise<{ broker: number; partitions: number[] }> {
  cluster.createTopic('t', { partitions: 6, replicationFactor: 3 })
  const preferred = cluster.describeTopic('t').partitions.map((p) => p.replicas[0])
  const broker = preferred[0]
  const partitions = preferred.flatMap((b, i) => (b === broker ? [i] : []))
  cluster.stopBroker(broker)
  await cluster.produce('t', [{ key: Buffer.from('k'), value: Buffer.from('v'), partition: partitions[0] }], { acks: 1 })
  clock.now = T0 + 1000
  cluster.startBroker(broker)
  cluster.replicateNow()
  cluster.replicateNow()
  for (const i of partitions) {
    const p = cluster.describeTopic('t').partitions[i]
    expect(p.isr).toContain(broker)
    expect(p.leader).not.toBe(broker)
  }
  return { broker, partitions }
}

const rebalanceEvents = (c: Cluster) => c.recentEvents().filter((e) => e.kind === 'leader-elected' && e.reason === 'auto-leader-rebalance')

describe('automatic leader rebalance configs', () => {
  it('auto.leader.rebalance.enable=false never moves leadership back, however many intervals pass', async () => {
    const { cluster, clock } = makeCluster({ autoLeaderRebalanceEnable: false, leaderImbalanceCheckIntervalSeconds: 5 })
    const { broker, partitions } = await imbalanced(cluster, clock)
    for (let k = 1; k <= 3; k++) {
      clock.now = T0 + k * 100_000
      cluster.tick()
    }
    for (const i of partitions) expect(cluster.describeTopic('t').partitions[i].leader).not.toBe(broker)
    expect(rebalanceEvents(cluster)).toEqual([])
    // It can still be asked for: the preferred election on demand is not the automatic rebalance.
    expect(cluster.electLeaders('preferred', 't').filter((r) => r.outcome === 'elected').map((r) => r.partition)).toEqual(partitions)
  })

  it('auto.leader.rebalance.enable=true moves leadership back once leader.imbalance.check.interval.seconds has passed, one event per partition', async () => {
    const { cluster, clock } = makeCluster({ autoLeaderRebalanceEnable: true, leaderImbalanceCheckIntervalSeconds: 5 })
    const { broker, partitions } = await imbalanced(cluster, clock)
    clock.now = T0 + 4999
    cluster.tick()
    for (const i of partitions) expect(cluster.describeTopic('t').partitions[i].leader).not.toBe(broker)
    expect(rebalanceEvents(cluster)).toEqual([])

    clock.now = T0 + 5000
    cluster.tick()
    for (const i of partitions) expect(cluster.describeTopic('t').partitions[i].leader).toBe(broker)
    const events = rebalanceEvents(cluster)
    expect(events.map((e) => [e.topic, e.partition, e.brokerId, e.election])).toEqual(partitions.map((i) => ['t', i, broker, 'preferred']))
    expect(events[0].message).toContain('auto.leader.rebalance.enable')
    expect(cluster.brokers().map((b) => b.partitionsLed)).toEqual([2, 2, 2])

    // Balanced now: later checks move nothing and say nothing.
    clock.now = T0 + 20_000
    cluster.tick()
    expect(rebalanceEvents(cluster)).toHaveLength(partitions.length)
  })

  it('leaves a broker alone whose share of partitions it does not lead is within leader.imbalance.per.broker.percentage', async () => {
    const { cluster, clock } = makeCluster({ leaderImbalanceCheckIntervalSeconds: 5, leaderImbalancePerBrokerPercentage: 50 })
    const { broker, partitions } = await imbalanced(cluster, clock)
    // Give one of its two partitions back by hand: it then misses 1 of 2 (50 %), not above 50 %.
    expect(cluster.electLeaders('preferred', 't', partitions[0])[0].outcome).toBe('elected')
    clock.now = T0 + 300_000
    cluster.tick()
    expect(cluster.describeTopic('t').partitions[partitions[1]].leader).not.toBe(broker)
    expect(rebalanceEvents(cluster)).toEqual([])
  })

  it('keeps Kafka’s defaults (true, 300 s, 10 %) and reports the values it runs with in the broker configs', () => {
    expect(leaderRebalanceConfig({})).toEqual({ enable: true, checkIntervalMs: 300_000, imbalancePerBrokerPercentage: 10 })
    const { cluster } = makeCluster({ autoLeaderRebalanceEnable: false, leaderImbalanceCheckIntervalSeconds: 5 })
    const entries = new ClusterAdminFacade(cluster, 1).brokerConfigs(1)
    const byName = (n: string) => entries.find((e) => e.name === n)!
    expect(byName('auto.leader.rebalance.enable')).toMatchObject({ value: 'false', source: 'STATIC_BROKER_CONFIG' })
    expect(byName('leader.imbalance.check.interval.seconds')).toMatchObject({ value: '5', source: 'STATIC_BROKER_CONFIG' })
    expect(byName('leader.imbalance.per.broker.percentage')).toMatchObject({ value: '10', source: 'DEFAULT_CONFIG' })
  })

  it('refuses bad values with INVALID_CONFIG naming the config and its rule, before opening anything', () => {
    const dir = openCluster.tempDir()
    const openWith = (o: Record<string, unknown>) => errorOf(() => openCluster({ dataDir: path.join(dir, 'c'), ...(o as LeaderRebalanceOptions) }))
    expect(openWith({ leaderImbalanceCheckIntervalSeconds: 0 })).toBe('INVALID_CONFIG: leader.imbalance.check.interval.seconds must be an integer of at least 1 (seconds), got 0')
    expect(openWith({ leaderImbalanceCheckIntervalSeconds: 2.5 })).toBe('INVALID_CONFIG: leader.imbalance.check.interval.seconds must be an integer of at least 1 (seconds), got 2.5')
    expect(openWith({ leaderImbalancePerBrokerPercentage: 101 })).toBe(
      'INVALID_CONFIG: leader.imbalance.per.broker.percentage must be an integer from 0 to 100 (a share of partitions, %), got 101'
    )
    expect(openWith({ leaderImbalancePerBrokerPercentage: -1 })).toMatch(/^INVALID_CONFIG: leader.imbalance.per.broker.percentage must be an integer from 0 to 100/)
    expect(openWith({ autoLeaderRebalanceEnable: 'false' })).toBe('INVALID_CONFIG: auto.leader.rebalance.enable must be true or false, got "false"')
    expect(fs.existsSync(path.join(dir, 'c'))).toBe(false)
  })
})
