/**
 * CreateTopics (19), DeleteTopics (20), CreatePartitions (37) and DeleteRecords (21) through the
 * dispatcher over a real 3-broker Cluster: what each creates, deletes or refuses (per-topic errors
 * with messages), validate-only changing nothing, manual assignments, topic ids, and records
 * deleted on every replica.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { KAFKA_ERROR_CODES as E } from '../../../../../src/broker/model/errors'
import { ZERO_TOPIC_ID } from '../../../../../src/broker/protocol/topic-id'
import { adminHarness, type AdminHarness } from './admin-harness'

let h: AdminHarness
beforeEach(() => {
  h = adminHarness()
})
afterEach(async () => {
  await h.close()
})

const topic = (name: string, numPartitions = 3, replicationFactor = 3, extra: object = {}) => ({ name, numPartitions, replicationFactor, assignments: [], configs: [], ...extra })

describe('CreateTopics', () => {
  it('creates a topic and answers (v7) its partition count, replication factor, topic id and every config with its source', async () => {
    const res = await h.call(19, 7, { topics: [topic('orders', 6, 3, { configs: [{ name: 'retention.ms', value: '1000' }] })], timeoutMs: 5000 })
    const t = res.topics[0]
    expect(t).toMatchObject({ name: 'orders', errorCode: 0, errorMessage: null, numPartitions: 6, replicationFactor: 3 })
    expect(t.topicId).toBe(h.cluster.topicId('orders'))
    expect(t.topicId).not.toBe(ZERO_TOPIC_ID)
    expect(t.configs.find((c: { name: string }) => c.name === 'retention.ms')).toMatchObject({ value: '1000', configSource: 1, readOnly: false })
    expect(t.configs.find((c: { name: string }) => c.name === 'segment.bytes')).toMatchObject({ value: '1073741824', configSource: 5 })
    const state = h.cluster.describeTopic('orders')
    expect(state.partitions).toHaveLength(6)
    expect(state.replicationFactor).toBe(3)
    expect(state.configs['retention.ms']).toBe(1000n)
  })

  it('takes the broker defaults for -1: num.partitions 1 and default.replication.factor 1 (Kafka\'s defaults)', async () => {
    const res = await h.call(19, 5, { topics: [topic('defaults', -1, -1)] })
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 1, replicationFactor: 1 })
    expect(h.cluster.describeTopic('defaults').partitions[0].replicas).toHaveLength(1)
  })

  it('validate_only checks everything, answers what it would create, and creates nothing', async () => {
    const res = await h.call(19, 7, { topics: [topic('planned', 4, 2), topic('bad', 0, 1)], validateOnly: true })
    expect(res.topics[0]).toMatchObject({ name: 'planned', errorCode: 0, numPartitions: 4, replicationFactor: 2, topicId: ZERO_TOPIC_ID })
    expect(res.topics[1]).toMatchObject({ name: 'bad', errorCode: E.INVALID_PARTITIONS })
    expect(h.cluster.listTopics().map((t) => t.name)).toEqual([])
  })

  it('answers each topic its own error with a message, and creates the valid ones', async () => {
    await h.call(19, 4, { topics: [topic('exists', 1, 1)] })
    const res = await h.call(19, 4, {
      topics: [
        topic('exists', 1, 1),
        topic('zero', 0, 1),
        topic('too-many', 1, 4),
        topic('bad-config', 1, 1, { configs: [{ name: 'retention.ms', value: 'soon' }] }),
        topic('unknown-config', 1, 1, { configs: [{ name: 'no.such.config', value: '1' }] }),
        topic('bad name!', 1, 1),
        topic('fine', 2, 2)
      ]
    })
    const byName = Object.fromEntries(res.topics.map((t: { name: string }) => [t.name, t]))
    expect(byName['exists']).toMatchObject({ errorCode: E.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 'exists' already exists." })
    expect(byName['zero'].errorCode).toBe(E.INVALID_PARTITIONS)
    expect(byName['too-many']).toMatchObject({ errorCode: E.INVALID_REPLICATION_FACTOR, errorMessage: 'Replication factor: 4 larger than available brokers: 3.' })
    expect(byName['bad-config']).toMatchObject({ errorCode: E.INVALID_CONFIG, errorMessage: 'Invalid value soon for configuration retention.ms: Not a number of type LONG' })
    expect(byName['unknown-config']).toMatchObject({ errorCode: E.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config' })
    expect(byName['bad name!'].errorCode).toBe(E.INVALID_TOPIC_EXCEPTION)
    expect(byName['fine'].errorCode).toBe(0)
    expect(h.cluster.listTopics().map((t) => t.name)).toEqual(['exists', 'fine'])
  })

  it('refuses a topic named twice in one request for every occurrence (INVALID_REQUEST)', async () => {
    const res = await h.call(19, 4, { topics: [topic('twice', 1, 1), topic('twice', 2, 1)] })
    expect(res.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual([E.INVALID_REQUEST, E.INVALID_REQUEST])
    expect(h.cluster.listTopics()).toEqual([])
  })

  it('creates partitions on the brokers a manual assignment names, and refuses bad assignments', async () => {
    const assignments = [
      { partitionIndex: 1, brokerIds: [3, 1] },
      { partitionIndex: 0, brokerIds: [2, 3] }
    ]
    const res = await h.call(19, 5, {
      topics: [
        topic('manual', -1, -1, { assignments }),
        topic('both-set', 2, -1, { assignments }),
        topic('unknown-broker', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1, 7] }] }),
        topic('gap', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [2] }] }),
        topic('uneven', -1, -1, { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [2, 3] }] })
      ]
    })
    expect(res.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual([0, E.INVALID_REQUEST, E.INVALID_REPLICA_ASSIGNMENT, E.INVALID_REPLICA_ASSIGNMENT, E.INVALID_REPLICA_ASSIGNMENT])
    expect(res.topics[0]).toMatchObject({ numPartitions: 2, replicationFactor: 2 })
    expect(res.topics[2].errorMessage).toMatch(/broker 7, but no such broker is registered/)
    expect(h.cluster.describeTopic('manual').partitions.map((p) => [p.replicas, p.leader])).toEqual([
      [[2, 3], 2],
      [[3, 1], 3]
    ])
    expect(h.cluster.listTopics().map((t) => t.name)).toEqual(['manual'])
  })

  it('answers POLICY_VIOLATION when the topic would exceed the replica budget', async () => {
    await h.close()
    h = adminHarness({ maxReplicas: 10 })
    const res = await h.call(19, 4, { topics: [topic('big', 4, 3)] })
    expect(res.topics[0].errorCode).toBe(E.POLICY_VIOLATION)
    expect(res.topics[0].errorMessage).toMatch(/replica budget is 10/)
    expect(h.cluster.listTopics()).toEqual([])
  })
})

describe('DeleteTopics', () => {
  it('deletes by name (v5) and by topic id (v6), answering unknown names and ids with their errors', async () => {
    await h.call(19, 4, { topics: [topic('a', 1, 1), topic('b', 1, 1)] })
    const idB = h.cluster.topicId('b')
    const v5 = await h.call(20, 5, { topicNames: ['a', 'nope'] })
    expect(v5.responses).toEqual([
      { name: 'a', topicId: ZERO_TOPIC_ID, errorCode: 0, errorMessage: null },
      expect.objectContaining({ name: 'nope', errorCode: E.UNKNOWN_TOPIC_OR_PARTITION })
    ])
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAg'
    const v6 = await h.call(20, 6, { topics: [{ name: null, topicId: idB }, { name: null, topicId: unknownId }] })
    expect(v6.responses[0]).toMatchObject({ name: 'b', topicId: idB, errorCode: 0 })
    expect(v6.responses[1]).toMatchObject({ name: null, topicId: unknownId, errorCode: E.UNKNOWN_TOPIC_ID })
    expect(h.cluster.listTopics()).toEqual([])
  })

  it('refuses to delete the internal __consumer_offsets topic (INVALID_REQUEST) and keeps it', async () => {
    h.cluster.createTopic('t', { partitions: 1, replicationFactor: 1 })
    await h.cluster.commitOffsets('g', [{ topic: 't', partition: 0, offset: 0 }])
    const res = await h.call(20, 5, { topicNames: ['__consumer_offsets'] })
    expect(res.responses[0]).toMatchObject({ errorCode: E.INVALID_REQUEST, errorMessage: 'Topic __consumer_offsets is internal and cannot be deleted' })
    expect(h.cluster.listTopics({ includeInternal: true }).map((t) => t.name)).toContain('__consumer_offsets')
  })
})

describe('CreatePartitions', () => {
  it('grows a topic, refuses a decrease with INVALID_PARTITIONS, and validate_only adds nothing', async () => {
    h.cluster.createTopic('grow', { partitions: 2, replicationFactor: 2 })
    const res = await h.call(37, 3, {
      topics: [
        { name: 'grow', count: 4, assignments: null },
        { name: 'nope', count: 2, assignments: null }
      ]
    })
    expect(res.results).toEqual([
      { name: 'grow', errorCode: 0, errorMessage: null },
      expect.objectContaining({ name: 'nope', errorCode: E.UNKNOWN_TOPIC_OR_PARTITION })
    ])
    expect(h.cluster.describeTopic('grow').partitions).toHaveLength(4)
    const down = await h.call(37, 1, { topics: [{ name: 'grow', count: 3, assignments: null }] })
    expect(down.results[0]).toMatchObject({ errorCode: E.INVALID_PARTITIONS, errorMessage: 'The topic grow currently has 4 partition(s); 3 would not be an increase.' })
    const dry = await h.call(37, 1, { topics: [{ name: 'grow', count: 8, assignments: null }], validateOnly: true })
    expect(dry.results[0].errorCode).toBe(0)
    expect(h.cluster.describeTopic('grow').partitions).toHaveLength(4)
  })

  it('places added partitions on the brokers an assignment names, and refuses one that does not match the added count or the replication factor', async () => {
    h.cluster.createTopic('placed', { partitions: 1, replicationFactor: 2 })
    const bad = await h.call(37, 2, { topics: [{ name: 'placed', count: 3, assignments: [{ brokerIds: [1, 2] }] }] })
    expect(bad.results[0]).toMatchObject({ errorCode: E.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.' })
    const rf = await h.call(37, 2, { topics: [{ name: 'placed', count: 2, assignments: [{ brokerIds: [1, 2, 3] }] }] })
    expect(rf.results[0].errorCode).toBe(E.INVALID_REPLICA_ASSIGNMENT)
    const ok = await h.call(37, 2, { topics: [{ name: 'placed', count: 3, assignments: [{ brokerIds: [3, 1] }, { brokerIds: [2, 3] }] }] })
    expect(ok.results[0].errorCode).toBe(0)
    expect(h.cluster.describeTopic('placed').partitions.slice(1).map((p) => p.replicas)).toEqual([
      [3, 1],
      [2, 3]
    ])
  })
})

describe('DeleteRecords', () => {
  async function topicWithRecords(name: string, n: number): Promise<number> {
    h.cluster.createTopic(name, { partitions: 1, replicationFactor: 3 })
    await h.cluster.produce(name, Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), partition: 0 })), { acks: 1 })
    h.cluster.replicateNow()
    return h.cluster.describeTopic(name).partitions[0].leader
  }

  it('raises the log start offset on the leader and on every follower, answering the low watermark', async () => {
    const leader = await topicWithRecords('del', 10)
    const res = await h.call(21, 2, { topics: [{ name: 'del', partitions: [{ partitionIndex: 0, offset: 4n }] }], timeoutMs: 5000 }, leader)
    expect(res.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 4n, errorCode: 0 })
    for (const b of [1, 2, 3]) expect(h.cluster.replicaLog(b, 'del', 0)!.logStartOffset).toBe(4)
    expect(h.cluster.listOffset('del', 0, 'earliest')).toBe(4)
    expect(h.cluster.fetch('del', 0, 4).records[0].value!.toString()).toBe('v4')
  })

  it('keeps the raised log start offset on every replica across a restart', async () => {
    const leader = await topicWithRecords('kept', 6)
    await h.call(21, 2, { topics: [{ name: 'kept', partitions: [{ partitionIndex: 0, offset: 3n }] }] }, leader)
    await h.cluster.close()
    const reopened = new Cluster({ dataDir: h.dir, storage: 'file', autoReplicate: false, log: () => {}, eventLog: () => {} })
    try {
      for (const b of [1, 2, 3]) expect(reopened.replicaLog(b, 'kept', 0)!.logStartOffset).toBe(3)
      expect(reopened.listOffset('kept', 0, 'earliest')).toBe(3)
      expect(reopened.fetch('kept', 0, 3).records.map((r) => r.value!.toString())).toEqual(['v3', 'v4', 'v5'])
    } finally {
      await reopened.close()
    }
  })

  it('takes -1 as the high watermark, and answers OFFSET_OUT_OF_RANGE above it and NOT_LEADER_OR_FOLLOWER on a follower', async () => {
    const leader = await topicWithRecords('hw', 5)
    const follower = [1, 2, 3].find((b) => b !== leader)!
    const above = await h.call(21, 1, { topics: [{ name: 'hw', partitions: [{ partitionIndex: 0, offset: 6n }] }] }, leader)
    expect(above.topics[0].partitions[0]).toMatchObject({ lowWatermark: -1n, errorCode: E.OFFSET_OUT_OF_RANGE })
    const notLeader = await h.call(21, 1, { topics: [{ name: 'hw', partitions: [{ partitionIndex: 0, offset: 1n }] }] }, follower)
    expect(notLeader.topics[0].partitions[0].errorCode).toBe(E.NOT_LEADER_OR_FOLLOWER)
    const all = await h.call(21, 0, { topics: [{ name: 'hw', partitions: [{ partitionIndex: 0, offset: -1n }, { partitionIndex: 9, offset: 0n }] }] }, leader)
    expect(all.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 5n, errorCode: 0 })
    expect(all.topics[0].partitions[1].errorCode).toBe(E.UNKNOWN_TOPIC_OR_PARTITION)
    for (const b of [1, 2, 3]) expect(h.cluster.replicaLog(b, 'hw', 0)!.logStartOffset).toBe(5)
  })

  it('refuses an offset the leader holds but above the high watermark (not yet replicated) with OFFSET_OUT_OF_RANGE, deleting nothing', async () => {
    h.cluster.createTopic('unreplicated', { partitions: 1, replicationFactor: 3 })
    await h.cluster.produce('unreplicated', [0, 1, 2, 3].map((i) => ({ key: null, value: Buffer.from(`v${i}`), partition: 0 })), { acks: 1 })
    const leader = h.cluster.describeTopic('unreplicated').partitions[0].leader
    expect(h.cluster.replicaLog(leader, 'unreplicated', 0)!.logEndOffset).toBe(4)
    expect(h.cluster.replicaLog(leader, 'unreplicated', 0)!.highWatermark).toBe(0)
    const res = await h.call(21, 2, { topics: [{ name: 'unreplicated', partitions: [{ partitionIndex: 0, offset: 2n }] }] }, leader)
    expect(res.topics[0].partitions[0].errorCode).toBe(E.OFFSET_OUT_OF_RANGE)
    expect(h.cluster.replicaLog(leader, 'unreplicated', 0)!.logStartOffset).toBe(0)
  })

  it('refuses a compacted topic with POLICY_VIOLATION and keeps its records', async () => {
    h.cluster.createTopic('compacted', { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } })
    await h.cluster.produce('compacted', [{ key: Buffer.from('k'), value: Buffer.from('v'), partition: 0 }], { acks: 1 })
    const leader = h.cluster.describeTopic('compacted').partitions[0].leader
    const res = await h.call(21, 2, { topics: [{ name: 'compacted', partitions: [{ partitionIndex: 0, offset: 1n }] }] }, leader)
    expect(res.topics[0].partitions[0].errorCode).toBe(E.POLICY_VIOLATION)
    expect(h.cluster.listOffset('compacted', 0, 'earliest')).toBe(0)
  })
})
