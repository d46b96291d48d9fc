/**
 * The topic config table is the one definition: a key added to it (here segment.jitter.ms, a LONG of
 * Kafka's LogConfig that the engine does not define) appears in Kafka's defaults, in the engine's
 * validation and in the contract's zod schema, with its type and range, and nothing else needs to
 * change. The table module is replaced for this file only.
 */
import { describe, expect, it, vi } from 'vitest'

vi.mock('../../../../src/broker/model/topic-configs', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../../../src/broker/model/topic-configs')>()
  return {
    ...orig,
    TOPIC_CONFIG_TABLE: {
      ...orig.TOPIC_CONFIG_TABLE,
      'segment.jitter.ms': {
        type: 'long',
        default: 0n,
        min: 0n,
        doc: 'The most random jitter subtracted from segment.ms, in ms.',
        kafka: 'TopicConfig.SEGMENT_JITTER_MS_CONFIG'
      },
      'test.choice': {
        type: 'string',
        default: 'a',
        values: ['a', 'b'],
        doc: 'A choice for this test.',
        kafka: 'none',
        logField: 'testChoice'
      }
    }
  }
})

const { DEFAULT_TOPIC_CONFIGS, DEFAULT_TOPIC_CONFIGS_VIEW, parseTopicConfigValue } = await import('../../../../src/broker/model/topic-config-values')
const { validateTopicConfigs } = await import('../../../../src/broker/cluster/topic-config')
const { toLogConfig } = await import('../../../../src/broker/model/log-config')
const { validateRequest, topicConfigsSchema } = await import('../../../../src/shared/schemas')
const { KafkaError } = await import('../../../../src/broker/model/errors')

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof KafkaError) return `${e.code}: ${e.message}`
    throw e
  }
  throw new Error('expected a refusal')
}

describe('a key added to the topic config table', () => {
  it("appears in Kafka's defaults, in the engine's form and as JSON", () => {
    const d = DEFAULT_TOPIC_CONFIGS as unknown as Record<string, unknown>
    expect(d['segment.jitter.ms']).toBe(0n)
    expect(d['test.choice']).toBe('a')
    expect((DEFAULT_TOPIC_CONFIGS_VIEW as unknown as Record<string, unknown>)['segment.jitter.ms']).toBe('0')
  })

  it("is validated by the engine with its type and range, in Kafka's words", () => {
    const c = validateTopicConfigs({ 'segment.jitter.ms': '9223372036854775807', 'test.choice': 'b' }) as unknown as Record<string, unknown>
    expect(c['segment.jitter.ms']).toBe(9223372036854775807n)
    expect(c['test.choice']).toBe('b')
    expect(refusal(() => validateTopicConfigs({ 'segment.jitter.ms': -1 }))).toBe(
      'INVALID_CONFIG: Invalid value -1 for configuration segment.jitter.ms: Value must be at least 0'
    )
    expect(refusal(() => validateTopicConfigs({ 'test.choice': 'c' }))).toBe(
      'INVALID_CONFIG: Invalid value c for configuration test.choice: String must be one of: a, b'
    )
    expect(parseTopicConfigValue('segment.jitter.ms', '9223372036854775808')).toEqual({
      ok: false,
      message: 'Invalid value 9223372036854775808 for configuration segment.jitter.ms: Not a number of type LONG'
    })
  })

  it("is a key of the contract's zod schema, checked with the same rules", () => {
    expect(Object.keys(topicConfigsSchema.shape)).toEqual(expect.arrayContaining(['segment.jitter.ms', 'test.choice', 'retention.ms']))
    const create = (configs: Record<string, unknown>) => validateRequest('topic/create', { topic: 't', partitions: 1, replicationFactor: 1, configs })
    expect(create({ 'segment.jitter.ms': '5', 'test.choice': 'a' }).ok).toBe(true)
    const bad = create({ 'segment.jitter.ms': 'soon' })
    expect(bad).toEqual({
      ok: false,
      code: 'INVALID_CONFIG',
      message: 'Invalid topic/create request: configs.segment.jitter.ms: Invalid value soon for configuration segment.jitter.ms: Not a number of type LONG'
    })
  })

  it('feeds the log config when it names a log field, and only then', () => {
    const log = toLogConfig(DEFAULT_TOPIC_CONFIGS) as unknown as Record<string, unknown>
    expect(log.testChoice).toBe('a')
    expect(Object.values(log)).not.toContain(0n)
    expect(log.flushMs).toBe(Number.MAX_SAFE_INTEGER)
  })
})
