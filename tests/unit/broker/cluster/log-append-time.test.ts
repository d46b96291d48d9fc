/**
 * message.timestamp.type=LogAppendTime through the cluster: the leader's replica log stamps each
 * batch with the cluster clock (batch attributes bit 3 set on disk, on the leader and, copied as
 * is, on the followers), produce reports that append time, and reads report it for every record.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { decodeRecordBatches } from '../../../../src/broker/codec/record-batch'
import { clockClusters, type TestClock } from '../../support/clock-cluster'

const openCluster = clockClusters('brokerlab-lat-')

const makeCluster = (clock: TestClock): Cluster => openCluster({ clock }).cluster

/** Every batch of `topic`-0's .log files on broker `b`. */
function batchesOnDisk(c: Cluster, b: number, topic: string): ReturnType<typeof decodeRecordBatches> {
  const dir = path.join(c.dataDir, `broker-${b}`, `${topic}-0`)
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .flatMap((f) => decodeRecordBatches(fs.readFileSync(path.join(dir, f))))
}

describe('message.timestamp.type', () => {
  it('LogAppendTime: batches carry the timestamp type bit and the append time on every replica; produce and fetch report it', async () => {
    const clock = { now: 1_700_000_000_000 }
    const c = makeCluster(clock)
    c.createTopic('lat', { partitions: 1, replicationFactor: 3, configs: { 'message.timestamp.type': 'LogAppendTime' } })
    const first = c.produce('lat', [{ key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 5 }, { key: Buffer.from('b'), value: Buffer.from('2') }], { acks: 'all' })
    c.replicateNow()
    const md1 = await first
    clock.now += 2500
    const md2 = await c.produce('lat', [{ key: Buffer.from('c'), value: Buffer.from('3'), timestamp: 9 }], { acks: 1 })
    c.replicateNow()
    expect(md1.map((m) => m.timestamp)).toEqual([1_700_000_000_000, 1_700_000_000_000])
    expect(md2.map((m) => m.timestamp)).toEqual([1_700_000_002_500])
    expect(c.fetch('lat', 0, 0).records.map((r) => r.timestamp)).toEqual([1_700_000_000_000, 1_700_000_000_000, 1_700_000_002_500])
    for (const b of [1, 2, 3]) {
      const batches = batchesOnDisk(c, b, 'lat')
      expect(batches.map((x) => x.attributes & 0x08), `broker ${b}`).toEqual([0x08, 0x08])
      expect(batches.map((x) => x.timestampType)).toEqual(['LogAppendTime', 'LogAppendTime'])
      // Kafka's LogValidator re-stamps the max timestamp and the type bit; the base timestamp stays the producer's.
      expect(batches.map((x) => [x.baseTimestamp, x.maxTimestamp])).toEqual([
        [5, 1_700_000_000_000],
        [9, 1_700_000_002_500]
      ])
    }
    expect(c.listOffset('lat', 0, { timestamp: 1_700_000_000_001 })).toBe(2)
  })

  it('CreateTime (the default) keeps producer timestamps with the bit clear', async () => {
    const clock = { now: 1_700_000_000_000 }
    const c = makeCluster(clock)
    c.createTopic('ct', { partitions: 1, replicationFactor: 1 })
    const md = await c.produce('ct', [{ key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 5 }], { acks: 'all' })
    expect(md[0].timestamp).toBe(5)
    expect(c.fetch('ct', 0, 0).records[0].timestamp).toBe(5)
    const leader = c.describeTopic('ct').partitions[0].leader
    expect(batchesOnDisk(c, leader, 'ct').map((x) => [x.attributes & 0x08, x.timestampType])).toEqual([[0, 'CreateTime']])
  })

  it('switching a topic to LogAppendTime applies to later appends', async () => {
    const clock = { now: 1_700_000_000_000 }
    const c = makeCluster(clock)
    c.createTopic('sw', { partitions: 1, replicationFactor: 1 })
    await c.produce('sw', [{ key: null, value: Buffer.from('1'), timestamp: 5 }], { acks: 1 })
    c.alterTopicConfigs('sw', { 'message.timestamp.type': 'LogAppendTime' })
    clock.now += 1
    await c.produce('sw', [{ key: null, value: Buffer.from('2'), timestamp: 6 }], { acks: 1 })
    expect(c.fetch('sw', 0, 0).records.map((r) => r.timestamp)).toEqual([5, 1_700_000_000_001])
  })
})
