/**
 * The unclean election's epoch (registration.uncleanEpoch) survives a restart of the cluster, through
 * the metadata log and its snapshot: after an unclean election, the cluster is closed and opened
 * again, and the old leader that returns still truncates the acknowledged records the new leader
 * never had (below its own high watermark), so every replica agrees; the records carrying it, their
 * replay and a snapshot, and the refusals. Injected clock, no sleeps.
 */
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { MetadataImage } from '../../../../src/broker/controller/metadata-image'
import { metadataDelta } from '../../../../src/broker/controller/metadata-delta'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../../../../src/broker/controller/metadata-records'
import { CLUSTER_ID, newImage, newTopic, topicId } from './fixtures/cluster-images'
import { T0, clockClusters, type TestClock } from '../../support/clock-cluster'

const clusters = clockClusters('brokerlab-unclean-restart-')

/** One clock for every cluster of the file, so a reopened cluster continues its time line. */
const clock: TestClock = { now: T0 }

const openCluster = (dir: string): Cluster => clusters({ dataDir: dir, clock, eventLog: () => {}, replicaLagTimeMaxMs: 30000 }).cluster

const rec = (k: string) => ({ key: Buffer.from(k), value: Buffer.from(`value-${k}`) })
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

function replicaRecords(cluster: Cluster, b: number): string[] {
  return cluster
    .replicaLog(b, 't', 0)!
    .readRecords(0, { maxRecords: 10000 })
    .map((r) => `${r.offset}:${r.key!.toString()}`)
}

/**
 * t-0 (RF 3, min.insync.replicas 1, unclean.leader.election.enable true): 2 records everywhere,
 * 3 more acknowledged by the leader alone (followers paused, ISR shrunk), the leader stops, a
 * follower is elected uncleanly and takes 2 new records.
 */
async function uncleanElection(cluster: Cluster): Promise<{ leader: number; a: number; b: number }> {
  cluster.createTopic('t', { partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': 1, 'unclean.leader.election.enable': 'true' } })
  const [leader, a, b] = cluster.describeTopic('t').partitions[0].replicas
  const first = cluster.produce('t', ['k0', 'k1'].map(rec), { acks: 'all' })
  cluster.replicateNow()
  cluster.replicateNow()
  await first
  cluster.pauseFetching(a)
  cluster.pauseFetching(b)
  const pending = cluster.produce('t', ['k2', 'k3', 'k4'].map(rec), { acks: 'all' })
  cluster.replicateNow()
  clock.now += 30_001
  cluster.tick()
  await flush()
  await pending
  cluster.stopBroker(leader)
  expect(cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: a, isr: [a] })
  await cluster.produce('t', ['n0', 'n1'].map(rec), { acks: 1 })
  cluster.resumeFetching(a)
  cluster.resumeFetching(b)
  return { leader, a, b }
}

describe('uncleanEpoch across a restart', () => {
  it('the old leader returning after the cluster was closed and opened again truncates to agree with the uncleanly elected leader', async () => {
    const dir = clusters.tempDir()
    const first = openCluster(dir)
    const { leader, a, b } = await uncleanElection(first)
    const uncleanEpoch = first.describeTopic('t').partitions[0].leaderEpoch
    expect(replicaRecords(first, leader).map((r) => r.split(':')[1])).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])
    await first.close()

    const second = openCluster(dir)
    expect(second.describeTopic('t').partitions[0]).toMatchObject({ leader: a, leaderEpoch: uncleanEpoch })
    second.startBroker(leader)
    for (let i = 0; i < 4; i++) second.replicateNow()
    const expected = replicaRecords(second, a)
    expect(expected.map((r) => r.split(':')[1])).toEqual(['k0', 'k1', 'n0', 'n1'])
    expect(replicaRecords(second, leader)).toEqual(expected)
    expect(replicaRecords(second, b)).toEqual(expected)
    expect(second.replicaLog(leader, 't', 0)!.epochEntries()).toEqual(second.replicaLog(a, 't', 0)!.epochEntries())
  })

  it('the metadata records carry it: a delta with an unclean election, its replay and a snapshot of the image all keep it', () => {
    const before = newImage(3)
    before.topics.push(newTopic('t', 1, 1, 3, 3))
    const image = MetadataImage.empty(CLUSTER_ID)
    let offset = 0
    for (const r of metadataDelta(image, before)) image.replay(r, offset++)

    const after = structuredClone(before)
    Object.assign(after.topics[0].partitions[0], { leader: 2, leaderEpoch: 1, isr: [2], uncleanEpoch: 1 })
    const delta = metadataDelta(image, after)
    expect(delta).toEqual([{ type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: topicId(1), Isr: [2], Leader: 2, LeaderEpoch: 1, UncleanEpoch: 1, PartitionEpoch: 1 } }])
    for (const r of delta) image.replay(decodeMetadataRecord({ value: encodeMetadataRecord(r) }) as MetadataRecord, offset++)
    expect(image.toClusterMetadata(false).topics[0].partitions[0]).toEqual({ replicas: [1, 2, 3], leader: 2, leaderEpoch: 1, isr: [2], uncleanEpoch: 1 })

    const snapshot = MetadataImage.empty(CLUSTER_ID)
    image.records().forEach((r, i) => snapshot.replay(decodeMetadataRecord({ value: encodeMetadataRecord(r) }) as MetadataRecord, i))
    expect(snapshot.toClusterMetadata(false).topics[0].partitions[0].uncleanEpoch).toBe(1)
    // Nothing else changed: no record.
    expect(metadataDelta(image, after)).toEqual([])
  })

  it('refuses an unclean epoch that no record can express or that does not fit the leader epoch, naming the rule', () => {
    const meta = newImage(3)
    meta.topics.push(newTopic('t', 1, 1, 3, 3))
    const image = MetadataImage.empty(CLUSTER_ID)
    metadataDelta(image, meta).forEach((r, i) => image.replay(r, i))
    const without = structuredClone(meta)
    without.topics[0].partitions[0].uncleanEpoch = 0
    expect(() => metadataDelta(image, without)).toThrow('the unclean epoch of t-0 can only change with an election (a new leader epoch)')
    expect(() =>
      image.replay({ type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: topicId(1), Leader: 2, LeaderEpoch: 1, UncleanEpoch: 2 } }, 9)
    ).toThrow(/does not apply: the unclean epoch 2 is above the leader epoch 1/)
    expect(() => image.replay({ type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: topicId(1), Isr: [1, 2], UncleanEpoch: 0 } }, 9)).toThrow(
      /does not apply: an unclean epoch comes with the leader elected uncleanly/
    )
    expect(image.toClusterMetadata(false).topics[0].partitions[0]).toEqual({ replicas: [1, 2, 3], leader: 1, leaderEpoch: 0, isr: [1, 2, 3] })
  })
})
