/**
 * A follower's high watermark moves only once it has reconciled its log with its leader by leader
 * epoch (Kafka: the fetch answer updates it, and a follower fetches only after truncating), reduced
 * from the chaos test (tests/unit/broker/chaos/, seed 100): a former leader holding a record it
 * appended and never replicated became a follower whose fetches were delayed (a slowed broker), and
 * the high watermark its new leader had reached was copied to it before it truncated, covering the
 * divergent record; its truncation was then refused ("holds acknowledged records"), leadership
 * flapped, and its log kept a record no other replica has. Injected clock, no background work.
 */
import { describe, expect, it } from 'vitest'
import { clockClusters } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-follower-hw-')
const rec = (v: string) => ({ key: Buffer.from('k'), value: Buffer.from(v) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('a follower that has not reconciled yet', () => {
  it('keeps its high watermark below a record it led and never replicated until it truncated it, then agrees with its leader', async () => {
    const { cluster, clock } = openCluster({ eventLog: () => {}, brokerHeartbeatIntervalMs: 200, brokerSessionTimeoutMs: 1000 })
    const [d, n, x] = [1, 2, 3]
    // d leads t; n leads o, so d, following o, fetches from n.
    cluster.createTopic('t', { partitions: 1, replicationFactor: 3, assignment: [[d, n, x]], configs: { 'min.insync.replicas': 1 } })
    cluster.createTopic('o', { partitions: 1, replicationFactor: 3, assignment: [[n, d, x]] })
    const all = cluster.produce('t', [rec('v0'), rec('v1')], { acks: 'all' })
    cluster.replicateNow()
    await flush()
    await all
    // d is slowed: after this round it fetches from n (and n, x from d) only once per 5 s.
    cluster.slowBroker(d, 5000)
    await cluster.produce('o', [rec('o0')], { acks: 1 })
    cluster.replicateNow()
    // d, still leading t, appends x2, which no follower fetches within the delay.
    expect((await cluster.produce('t', [rec('x2')], { acks: 1 }))[0].offset).toBe(2)
    // d's heartbeats arrive 5 s late: it is fenced, n leads t (epoch 1); d learns it follows n.
    for (let i = 0; i < 6 && !cluster.brokers().find((b) => b.id === d)!.fenced; i++) {
      clock.now += 250
      cluster.tick()
    }
    expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: n, leaderEpoch: 1 })
    // n commits w2 at offset 2 with x; d cannot fetch yet.
    const w = cluster.produce('t', [rec('w2')], { acks: 'all' })
    cluster.replicateNow()
    await flush()
    expect((await w)[0].offset).toBe(2)
    cluster.replicateNow()
    const dLog = cluster.replicaLog(d, 't', 0)!
    expect(dLog.logEndOffset).toBe(3)
    // Its high watermark must not cover its own x2 at offset 2: it has not truncated by epoch yet.
    expect(dLog.highWatermark).toBe(2)
    // Once its fetch goes (the delay is over), it truncates x2, fetches w2 and agrees with n.
    clock.now += 5000
    cluster.tick()
    cluster.replicateNow()
    const values = (b: number) => cluster.replicaLog(b, 't', 0)!.readRecords(0, { maxRecords: 10 }).map((r) => `${r.offset}:${r.value!.toString()}`)
    expect([values(d), values(n), values(x)]).toEqual([
      ['0:v0', '1:v1', '2:w2'],
      ['0:v0', '1:v1', '2:w2'],
      ['0:v0', '1:v1', '2:w2']
    ])
    expect(cluster.recentEvents().filter((e) => e.kind === 'replica-damaged' || (e.kind === 'leader-elected' && e.election === 'most-complete'))).toEqual([])
  })
})
