/**
 * The contract's views of engine state: a topic's records are the partitions' exact record counts
 * (a compacted topic counts what survived, not the span of offsets); a partition that could not be
 * counted adds its span and is reported as uncounted.
 */
import { describe, expect, it } from 'vitest'
import type { PartitionState, TopicState } from '../../../src/broker/cluster/cluster-api'
import { DEFAULT_TOPIC_CONFIGS } from '../../../src/broker/model/topic-config-values'
import { toPartitionView, toTopicSummary } from '../../../src/host/contract-views'

function partition(i: number, logStartOffset: number, highWatermark: number, recordCount: number | null): PartitionState {
  return { topic: 't', partition: i, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], logStartOffset, logEndOffset: highWatermark, highWatermark, recordCount, sizeBytes: 0, replicaStates: [] }
}

function topic(partitions: PartitionState[]): TopicState {
  return { name: 't', partitions, replicationFactor: 1, configs: { ...DEFAULT_TOPIC_CONFIGS }, internal: false }
}

describe('topic and partition views', () => {
  it('counts records, not offsets: 17 records over 41 offsets of a compacted partition are 17', () => {
    const s = toTopicSummary(topic([partition(0, 0, 41, 17), partition(1, 10, 20, 10)]))
    expect(s).toMatchObject({ records: 27, offsetSpan: 51, uncountedPartitions: 0 })
    expect(toPartitionView(partition(0, 0, 41, 17), 1).records).toBe(17)
  })

  it('adds the span of a partition that could not be counted and says so', () => {
    const s = toTopicSummary(topic([partition(0, 0, 41, 17), partition(1, 5, 25, null)]))
    expect(s).toMatchObject({ records: 37, offsetSpan: 61, uncountedPartitions: 1 })
    expect(toPartitionView(partition(1, 5, 25, null), 1).records).toBeNull()
  })
})
