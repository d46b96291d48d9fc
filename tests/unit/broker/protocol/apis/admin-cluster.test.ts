/**
 * DescribeCluster (60), ElectLeaders (43) and DescribeLogDirs (35) through the dispatcher over a
 * real 3-broker Cluster: the brokers and controller Metadata also shows, preferred elections with
 * Kafka's per-partition errors, unclean elections (a leaderless partition led from outside the ISR,
 * the loss reported; ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is left), and each broker's log
 * directory with replica sizes, lags and statfs totals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES as E } from '../../../../../src/broker/model/errors'
import { adminHarness, type AdminHarness } from './admin-harness'

let h: AdminHarness
beforeEach(() => {
  h = adminHarness()
})
afterEach(async () => {
  await h.close()
})

describe('DescribeCluster', () => {
  it('answers the cluster id, the controller and the running brokers with their addresses, as Metadata does', async () => {
    h.cluster.stopBroker(1)
    const res = await h.call(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }, 2)
    expect(res).toMatchObject({ errorCode: 0, clusterId: h.cluster.clusterId, controllerId: 2, endpointType: 1, clusterAuthorizedOperations: -2147483648 })
    expect(res.brokers.map((b: { brokerId: number; host: string; port: number }) => [b.brokerId, `${b.host}:${b.port}`])).toEqual(
      h.cluster
        .brokers()
        .filter((b) => b.alive)
        .map((b) => [b.id, b.address])
    )
    const meta = await h.call(3, 12, { topics: null }, 2)
    expect(meta.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([2, 3])
    expect(meta.controllerId).toBe(res.controllerId)
  })

  it('answers a CONTROLLERS request sent to a broker with MISMATCHED_ENDPOINT_TYPE', async () => {
    const res = await h.call(60, 1, { endpointType: 2 })
    expect(res.errorCode).toBe(E.MISMATCHED_ENDPOINT_TYPE)
    expect(res.brokers).toEqual([])
  })
})

describe('ElectLeaders', () => {
  async function movedLeader(): Promise<{ preferred: number }> {
    h.cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const preferred = h.cluster.describeTopic('t').partitions[0].replicas[0]
    h.cluster.stopBroker(preferred)
    h.cluster.startBroker(preferred)
    h.cluster.replicateNow()
    expect(h.cluster.describeTopic('t').partitions[0].leader).not.toBe(preferred)
    return { preferred }
  }

  it('moves leadership back to the preferred replica (PREFERRED), then answers ELECTION_NOT_NEEDED', async () => {
    const { preferred } = await movedLeader()
    const res = await h.call(43, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 5] }, { topic: 'nope', partitions: [0] }] })
    expect(res.errorCode).toBe(0)
    expect(res.replicaElectionResults[0].partitionResult[0]).toEqual({ partitionId: 0, errorCode: 0, errorMessage: null })
    expect(res.replicaElectionResults[0].partitionResult[1].errorCode).toBe(E.UNKNOWN_TOPIC_OR_PARTITION)
    expect(res.replicaElectionResults[1].partitionResult[0].errorCode).toBe(E.UNKNOWN_TOPIC_OR_PARTITION)
    expect(h.cluster.describeTopic('t').partitions[0].leader).toBe(preferred)
    const again = await h.call(43, 0, { topicPartitions: [{ topic: 't', partitions: [0] }] })
    expect(again.replicaElectionResults[0].partitionResult[0].errorCode).toBe(E.ELECTION_NOT_NEEDED)
  })

  it('elects only the partitions the request names', async () => {
    h.cluster.createTopic('two', { partitions: 2, replicationFactor: 3, assignment: [[1, 2, 3], [1, 3, 2]] })
    h.cluster.stopBroker(1)
    h.cluster.startBroker(1)
    h.cluster.replicateNow()
    const res = await h.call(43, 2, { electionType: 0, topicPartitions: [{ topic: 'two', partitions: [0] }] })
    expect(res.replicaElectionResults).toEqual([{ topic: 'two', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }] }])
    expect(h.cluster.describeTopic('two').partitions.map((p) => p.leader)).toEqual([1, 3])
  })

  it('answers PREFERRED_LEADER_NOT_AVAILABLE while the preferred replica is stopped, and lists only needed elections for a null list', async () => {
    h.cluster.createTopic('t', { partitions: 1, replicationFactor: 3 })
    const preferred = h.cluster.describeTopic('t').partitions[0].replicas[0]
    const other = [1, 2, 3].find((b) => b !== preferred)!
    h.cluster.createTopic('fine', { partitions: 2, replicationFactor: 1, assignment: [[other], [other]] })
    h.cluster.stopBroker(preferred)
    const res = await h.call(43, 1, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }] })
    expect(res.replicaElectionResults[0].partitionResult[0]).toMatchObject({ errorCode: E.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: expect.stringMatching(new RegExp(`broker ${preferred}`)) })
    const all = await h.call(43, 2, { electionType: 0, topicPartitions: null })
    expect(all.replicaElectionResults.map((t: { topic: string }) => t.topic)).toEqual(['t'])
  })

  it('answers UNCLEAN with ELECTION_NOT_NEEDED for a led partition and ELIGIBLE_LEADERS_NOT_AVAILABLE for an offline one with no live replica', async () => {
    h.cluster.createTopic('solo', { partitions: 1, replicationFactor: 1 })
    h.cluster.createTopic('led', { partitions: 1, replicationFactor: 1 })
    h.cluster.stopBroker(h.cluster.describeTopic('solo').partitions[0].leader)
    const res = await h.call(43, 2, { electionType: 1, topicPartitions: [{ topic: 'solo', partitions: [0] }, { topic: 'led', partitions: [0] }] })
    const byTopic = Object.fromEntries(res.replicaElectionResults.map((t: { topic: string; partitionResult: { errorCode: number }[] }) => [t.topic, t.partitionResult[0].errorCode]))
    if (h.cluster.describeTopic('led').partitions[0].leader >= 0) expect(byTopic['led']).toBe(E.ELECTION_NOT_NEEDED)
    expect(byTopic['solo']).toBe(E.ELIGIBLE_LEADERS_NOT_AVAILABLE)
    const bad = await h.call(43, 1, { electionType: 7, topicPartitions: null })
    expect(bad.errorCode).toBe(E.INVALID_REQUEST)
  })

  it('UNCLEAN elects a live replica outside the ISR of a partition whose ISR died, and reports the offsets it lost', async () => {
    h.cluster.createTopic('t', { partitions: 1, replicationFactor: 2, configs: { 'min.insync.replicas': 1 } })
    const [leader, other] = h.cluster.describeTopic('t').partitions[0].replicas
    h.cluster.stopBroker(other) // leaves the ISR at once
    await h.cluster.produce('t', [{ key: null, value: Buffer.from('only-on-the-leader') }], { acks: 'all' })
    h.cluster.startBroker(other)
    h.cluster.pauseFetching(other) // back, but not in the ISR and not catching up
    h.cluster.stopBroker(leader)
    expect(h.cluster.describeTopic('t').partitions[0].leader).toBe(-1)
    const res = await h.call(43, 2, { electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }] }, other)
    expect(res.replicaElectionResults[0].partitionResult[0]).toEqual({ partitionId: 0, errorCode: 0, errorMessage: null })
    expect(h.cluster.describeTopic('t').partitions[0]).toMatchObject({ leader: other, isr: [other] })
    expect(h.cluster.recentEvents().filter((e) => e.kind === 'records-lost')).toMatchObject([{ topic: 't', partition: 0, fromOffset: 0, toOffset: 1, count: 1 }])
  })
})

describe('DescribeLogDirs', () => {
  it('lists the broker\'s log directory with each replica\'s size and offset lag, and statfs totals in v4', async () => {
    h.cluster.createTopic('logs', { partitions: 2, replicationFactor: 3 })
    await h.cluster.produce('logs', [{ key: null, value: Buffer.alloc(100), partition: 0 }], { acks: 1 })
    const leader = h.cluster.describeTopic('logs').partitions[0].leader
    const follower = [1, 2, 3].find((b) => b !== leader)!
    const before = await h.call(35, 4, { topics: [{ topic: 'logs', partitions: [0] }] }, follower)
    expect(before.results).toHaveLength(1)
    const dir = before.results[0]
    expect(dir).toMatchObject({ errorCode: 0, logDir: h.cluster.logDir(follower) })
    expect(dir.totalBytes).toBeGreaterThan(0n)
    expect(dir.usableBytes).toBeGreaterThan(0n)
    expect(dir.topics).toEqual([{ name: 'logs', partitions: [{ partitionIndex: 0, partitionSize: 0n, offsetLag: 1n, isFutureKey: false }] }])
    h.cluster.replicateNow()
    const after = await h.call(35, 1, { topics: null }, follower)
    const p0 = after.results[0].topics.find((t: { name: string }) => t.name === 'logs').partitions.find((p: { partitionIndex: number }) => p.partitionIndex === 0)
    expect(p0.offsetLag).toBe(0n)
    expect(p0.partitionSize).toBe(BigInt(h.cluster.replicaLog(leader, 'logs', 0)!.sizeInBytes))
    expect(p0.partitionSize).toBeGreaterThan(100n)
    expect(after.results[0].topics[0].partitions).toHaveLength(2)
  })
})
