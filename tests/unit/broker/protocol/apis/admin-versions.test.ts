/**
 * Every admin API in every version it advertises, over a real Cluster: a typical successful request
 * is answered without error and its answer encodes in that version (no field outside the version
 * holds a value: the dispatcher would log it and answer UNKNOWN_SERVER_ERROR).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_VERSION_RANGES } from '../../../../../src/broker/protocol/api-version-ranges'
import { adminHarness, type AdminHarness } from './admin-harness'

let h: AdminHarness
beforeAll(() => {
  h = adminHarness()
})
afterAll(async () => {
  await h.close()
})

const versions = (r: { min: number; max: number }) => Array.from({ length: r.max - r.min + 1 }, (_, i) => r.min + i)

describe('admin APIs in every advertised version', () => {
  it.each(versions(API_VERSION_RANGES.CreateTopics))('CreateTopics v%i, then CreatePartitions, DeleteRecords, ElectLeaders and DeleteTopics on it', async (v) => {
    const name = `t${v}`
    const created = await h.call(19, v, { topics: [{ name, numPartitions: 1, replicationFactor: 3, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }] })
    expect(created.topics[0].errorCode).toBe(0)
    for (const cp of versions(API_VERSION_RANGES.CreatePartitions)) {
      const res = await h.call(37, cp, { topics: [{ name, count: cp + 2, assignments: null }] })
      expect(res.results[0].errorCode).toBe(0)
    }
    const leader = h.cluster.describeTopic(name).partitions[0].leader
    for (const dr of versions(API_VERSION_RANGES.DeleteRecords)) {
      const res = await h.call(21, dr, { topics: [{ name, partitions: [{ partitionIndex: 0, offset: -1n }] }] }, leader)
      expect(res.topics[0].partitions[0].errorCode).toBe(0)
    }
    for (const el of versions(API_VERSION_RANGES.ElectLeaders)) {
      const res = await h.call(43, el, { electionType: 0, topicPartitions: [{ topic: name, partitions: [0] }] })
      expect(res.replicaElectionResults[0].partitionResult[0].errorCode).toBe(84) // ELECTION_NOT_NEEDED
    }
    const dt = Math.min(Math.max(v - 1, API_VERSION_RANGES.DeleteTopics.min), API_VERSION_RANGES.DeleteTopics.max)
    const deleted = await h.call(20, dt, dt >= 6 ? { topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }] } : { topicNames: [name] })
    expect(deleted.responses[0].errorCode).toBe(0)
    expect(h.logs).toEqual([])
  })

  it('DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DescribeLogDirs and DescribeCluster in each version', async () => {
    h.cluster.createTopic('configs', { partitions: 1, replicationFactor: 1 })
    for (const v of versions(API_VERSION_RANGES.DescribeConfigs)) {
      const res = await h.call(32, v, {
        resources: [
          { resourceType: 2, resourceName: 'configs', configurationKeys: null },
          { resourceType: 4, resourceName: '1', configurationKeys: null }
        ],
        includeSynonyms: true,
        includeDocumentation: v >= 3
      })
      expect(res.results.map((r: { errorCode: number }) => r.errorCode)).toEqual([0, 0])
      expect(res.results[0].configs.length).toBeGreaterThan(10)
    }
    for (const v of versions(API_VERSION_RANGES.AlterConfigs)) {
      const res = await h.call(33, v, { resources: [{ resourceType: 2, resourceName: 'configs', configs: [{ name: 'segment.ms', value: String(1000 + v) }] }] })
      expect(res.responses[0].errorCode).toBe(0)
    }
    for (const v of versions(API_VERSION_RANGES.IncrementalAlterConfigs)) {
      const res = await h.call(44, v, { resources: [{ resourceType: 2, resourceName: 'configs', configs: [{ name: 'segment.ms', configOperation: 0, value: String(2000 + v) }] }] })
      expect(res.responses[0].errorCode).toBe(0)
    }
    for (const v of versions(API_VERSION_RANGES.DescribeLogDirs)) {
      const res = await h.call(35, v, { topics: null })
      expect(res.results[0].errorCode).toBe(0)
    }
    for (const v of versions(API_VERSION_RANGES.DescribeCluster)) {
      const res = await h.call(60, v, { includeClusterAuthorizedOperations: true })
      expect(res.errorCode).toBe(0)
      expect(res.brokers).toHaveLength(3)
    }
    expect(h.cluster.describeTopic('configs').configs['segment.ms']).toBe(2001n)
    expect(h.logs).toEqual([])
  })
})
