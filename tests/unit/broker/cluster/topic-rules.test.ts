import { describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import { validateTopicConfigs } from '../../../../src/broker/cluster/topic-config'
import { DEFAULT_TOPIC_CONFIGS } from '../../../../src/broker/model/topic-config-values'
import { toLogConfig } from '../../../../src/broker/model/log-config'
import { validatePartitionCount, validateReplicationFactor } from '../../../../src/broker/cluster/topic-rules'
import { validateTopicName } from '../../../../src/broker/model/topic-name'
import { assignReplicas } from '../../../../src/broker/cluster/replica-assignment'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof KafkaError ? `${e.code}: ${e.message}` : String(e)
  }
  return undefined
}

describe('topic rules', () => {
  it('accepts legal names and refuses empty, dot, too long and illegal-character names', () => {
    expect(() => validateTopicName('flights.v1_a-b')).not.toThrow()
    expect(() => validateTopicName('a'.repeat(249))).not.toThrow()
    for (const bad of ['', '.', '..', 'a'.repeat(250), 'has space', 'ü']) expect(codeOf(() => validateTopicName(bad))).toMatch(/^INVALID_TOPIC_EXCEPTION/)
  })

  it('refuses fewer than one partition with INVALID_PARTITIONS', () => {
    expect(codeOf(() => validatePartitionCount(0))).toMatch(/^INVALID_PARTITIONS/)
    expect(codeOf(() => validatePartitionCount(1.5))).toMatch(/^INVALID_PARTITIONS/)
    expect(() => validatePartitionCount(1)).not.toThrow()
  })

  it('refuses a replication factor above the live brokers with Kafka\'s message', () => {
    expect(codeOf(() => validateReplicationFactor(4, 3))).toBe('INVALID_REPLICATION_FACTOR: Replication factor: 4 larger than available brokers: 3.')
    expect(codeOf(() => validateReplicationFactor(0, 3))).toMatch(/^INVALID_REPLICATION_FACTOR/)
    expect(() => validateReplicationFactor(3, 3)).not.toThrow()
  })
})

describe('topic configs', () => {
  it('has Kafka\'s defaults', () => {
    expect(DEFAULT_TOPIC_CONFIGS['retention.ms']).toBe(604800000n)
    expect(DEFAULT_TOPIC_CONFIGS['segment.bytes']).toBe(1073741824)
    expect(DEFAULT_TOPIC_CONFIGS['max.message.bytes']).toBe(1048588)
    expect(DEFAULT_TOPIC_CONFIGS['cleanup.policy']).toBe('delete')
    expect(toLogConfig(DEFAULT_TOPIC_CONFIGS).segmentIndexBytes).toBe(10485760)
  })

  it('merges valid overrides, parsing numeric strings and normalising cleanup.policy', () => {
    const c = validateTopicConfigs({ 'min.insync.replicas': '2', 'cleanup.policy': 'delete,compact', 'retention.ms': -1 })
    expect(c['min.insync.replicas']).toBe(2)
    expect(c['cleanup.policy']).toBe('compact,delete')
    expect(c['retention.ms']).toBe(-1n)
    expect(c['segment.bytes']).toBe(1073741824)
  })

  it('refuses unknown keys, wrong types and out-of-range values naming the key and rule', () => {
    expect(codeOf(() => validateTopicConfigs({ 'retention.mss': 1 }))).toBe('INVALID_CONFIG: Unknown topic config name: retention.mss')
    expect(codeOf(() => validateTopicConfigs({ 'retention.ms': -2 }))).toBe(
      'INVALID_CONFIG: Invalid value -2 for configuration retention.ms: Value must be at least -1'
    )
    expect(codeOf(() => validateTopicConfigs({ 'min.insync.replicas': 0 }))).toMatch(/min\.insync\.replicas: Value must be at least 1/)
    expect(codeOf(() => validateTopicConfigs({ 'segment.bytes': 'big' }))).toBe('INVALID_CONFIG: Invalid value big for configuration segment.bytes: Not a number of type INT')
    expect(codeOf(() => validateTopicConfigs({ 'cleanup.policy': 'keep' }))).toMatch(/^INVALID_CONFIG: .*cleanup\.policy/)
    // Above Integer.MAX_VALUE (2147483647) is not an INT at all, as Kafka's ConfigDef.parseType says.
    expect(codeOf(() => validateTopicConfigs({ 'max.message.bytes': 2 ** 31 }))).toBe(
      'INVALID_CONFIG: Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT'
    )
  })

  it('takes min.cleanable.dirty.ratio as a number from 0 to 1 (default 0.5), as a number or a decimal string', () => {
    expect(DEFAULT_TOPIC_CONFIGS['min.cleanable.dirty.ratio']).toBe(0.5)
    expect(validateTopicConfigs({ 'min.cleanable.dirty.ratio': '0.01' })['min.cleanable.dirty.ratio']).toBe(0.01)
    expect(validateTopicConfigs({ 'min.cleanable.dirty.ratio': 1 })['min.cleanable.dirty.ratio']).toBe(1)
    expect(toLogConfig(validateTopicConfigs({ 'min.cleanable.dirty.ratio': 0 })).minCleanableDirtyRatio).toBe(0)
    expect(codeOf(() => validateTopicConfigs({ 'min.cleanable.dirty.ratio': 1.5 }))).toBe(
      'INVALID_CONFIG: Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'
    )
    expect(codeOf(() => validateTopicConfigs({ 'min.cleanable.dirty.ratio': 'half' }))).toMatch(/min\.cleanable\.dirty\.ratio: Not a number of type DOUBLE/)
  })
})

describe('assignReplicas', () => {
  it('matches the layout in Kafka\'s AdminUtils documentation for 5 brokers, 10 partitions, 3 replicas at start 0', () => {
    const a = assignReplicas('t', 10, 3, [0, 1, 2, 3, 4], 0)
    expect(a[0]).toEqual([0, 1, 2])
    expect(a[4]).toEqual([4, 0, 1])
    expect(a[5]).toEqual([0, 2, 3])
    expect(a[9]).toEqual([4, 1, 2])
  })

  it('spreads leaders and replicas evenly and never repeats a broker in a partition', () => {
    const a = assignReplicas('flights', 6, 3, [3, 1, 2])
    const leaders = new Map<number, number>()
    const replicas = new Map<number, number>()
    for (const r of a) {
      expect(new Set(r).size).toBe(3)
      leaders.set(r[0], (leaders.get(r[0]) ?? 0) + 1)
      for (const b of r) replicas.set(b, (replicas.get(b) ?? 0) + 1)
    }
    expect([...leaders.values()]).toEqual([2, 2, 2])
    expect([...replicas.values()]).toEqual([6, 6, 6])
    expect(assignReplicas('flights', 6, 3, [1, 2, 3])).toEqual(a)
  })
})
