/**
 * DescribeConfigs (32), AlterConfigs (33) and IncrementalAlterConfigs (44) through the dispatcher
 * over a real Cluster: topic configs with sources, synonyms (the override, then the broker default
 * under its broker name), types and documentation per the request's flags; broker configs
 * read-only; changes all-or-nothing, validate-only changing nothing; errors per resource.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KAFKA_ERROR_CODES as E } from '../../../../../src/broker/model/errors'
import { adminHarness, type AdminHarness } from './admin-harness'
import { TOPIC_CONFIG_TABLE } from '../../../../../src/broker/model/topic-configs'

let h: AdminHarness
beforeEach(() => {
  h = adminHarness()
  h.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1, configs: { 'retention.ms': 3600000 } })
})
afterEach(async () => {
  await h.close()
})

type Entry = { name: string; value: string | null; configSource: number; readOnly: boolean; synonyms: { name: string; value: string | null; source: number }[]; configType: number; documentation: string | null }
const byName = (configs: Entry[]) => Object.fromEntries(configs.map((c) => [c.name, c]))

describe('DescribeConfigs', () => {
  it('lists every topic config with its source and, with include_synonyms, the override then the broker default (as kafka-configs --describe --all)', async () => {
    const res = await h.call(32, 4, { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }], includeSynonyms: true, includeDocumentation: true })
    expect(res.results[0]).toMatchObject({ errorCode: 0, resourceType: 2, resourceName: 'orders' })
    const c = byName(res.results[0].configs)
    expect(Object.keys(c).sort()).toEqual(Object.keys(TOPIC_CONFIG_TABLE).sort())
    expect(c['retention.ms']).toMatchObject({ value: '3600000', configSource: 1, readOnly: false, configType: 5 })
    expect(c['retention.ms'].synonyms).toEqual([
      { name: 'retention.ms', value: '3600000', source: 1 },
      { name: 'log.retention.ms', value: '604800000', source: 5 }
    ])
    expect(c['segment.bytes']).toMatchObject({ value: '1073741824', configSource: 5, configType: 3 })
    expect(c['segment.bytes'].synonyms).toEqual([{ name: 'log.segment.bytes', value: '1073741824', source: 5 }])
    expect(c['min.cleanable.dirty.ratio']).toMatchObject({ value: '0.5', configType: 6 })
    expect(c['cleanup.policy']).toMatchObject({ value: 'delete', configType: 7 })
    expect(c['flush.ms'].value).toBe('9223372036854775807')
    expect(c['retention.ms'].documentation).toMatch(/ms/)
  })

  it('leaves synonyms and documentation out unless asked, and filters by configuration_keys', async () => {
    const res = await h.call(32, 3, { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'no.such'] }], includeSynonyms: false, includeDocumentation: false })
    expect(res.results[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', synonyms: [], documentation: null })])
  })

  it('answers broker configs read-only, the engine\'s own values as STATIC_BROKER_CONFIG, and errors per resource', async () => {
    const res = await h.call(32, 4, {
      resources: [
        { resourceType: 4, resourceName: '2', configurationKeys: null },
        { resourceType: 2, resourceName: 'missing', configurationKeys: null },
        { resourceType: 4, resourceName: '9', configurationKeys: null },
        { resourceType: 8, resourceName: '1', configurationKeys: null },
        { resourceType: 4, resourceName: '', configurationKeys: null }
      ],
      includeSynonyms: true
    })
    const broker = byName(res.results[0].configs)
    expect(broker['broker.id']).toMatchObject({ value: '2', readOnly: true, configSource: 4 })
    expect(broker['log.dirs'].value).toBe(h.cluster.logDir(2))
    expect(broker['num.partitions']).toMatchObject({ value: '1', configSource: 5 })
    expect(broker['default.replication.factor']).toMatchObject({ value: '1', configSource: 5 })
    expect(broker['log.retention.ms']).toMatchObject({ value: '604800000', configSource: 5, readOnly: true })
    expect(broker['min.insync.replicas'].value).toBe('1')
    expect(broker['listeners'].value).toMatch(/^PLAINTEXT:\/\/127\.0\.0\.1:\d+$/)
    expect(res.results[1]).toMatchObject({ errorCode: E.UNKNOWN_TOPIC_OR_PARTITION, configs: [] })
    expect(res.results[2]).toMatchObject({ errorCode: E.INVALID_REQUEST })
    expect(res.results[3]).toMatchObject({ errorCode: E.INVALID_REQUEST, errorMessage: expect.stringMatching(/BROKER_LOGGER are not supported/) })
    expect(res.results[4]).toMatchObject({ errorCode: 0, configs: [] })
  })
})

describe('AlterConfigs', () => {
  it('replaces the topic\'s configs: those given are set, every other returns to its default', async () => {
    const res = await h.call(33, 2, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', value: '60000' }] }] })
    expect(res.responses[0]).toMatchObject({ errorCode: 0, resourceName: 'orders' })
    const c = h.cluster.describeTopic('orders').configs
    expect(c['segment.ms']).toBe(60000n)
    expect(c['retention.ms']).toBe(604800000n)
  })

  it('validate_only changes nothing; a bad value changes nothing; broker configs are refused (POLICY_VIOLATION)', async () => {
    const dry = await h.call(33, 1, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', value: '60000' }] }], validateOnly: true })
    expect(dry.responses[0].errorCode).toBe(0)
    const bad = await h.call(33, 1, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', value: '60000' }, { name: 'retention.ms', value: 'x' }] }] })
    expect(bad.responses[0]).toMatchObject({ errorCode: E.INVALID_CONFIG, errorMessage: 'Invalid value x for configuration retention.ms: Not a number of type LONG' })
    const broker = await h.call(33, 1, { resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'num.partitions', value: '3' }] }] })
    expect(broker.responses[0]).toMatchObject({ errorCode: E.POLICY_VIOLATION, errorMessage: expect.stringMatching(/broker configs are read-only here/) })
    const c = h.cluster.describeTopic('orders').configs
    expect(c['segment.ms']).toBe(604800000n)
    expect(c['retention.ms']).toBe(3600000n)
  })
})

describe('IncrementalAlterConfigs', () => {
  it('SETs, DELETEs back to the default, and APPENDs / SUBTRACTs items of a list config', async () => {
    const res = await h.call(44, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', configOperation: 1, value: null },
            { name: 'max.message.bytes', configOperation: 0, value: '2000000' },
            { name: 'cleanup.policy', configOperation: 2, value: 'compact' }
          ]
        }
      ]
    })
    expect(res.responses[0].errorCode).toBe(0)
    let c = h.cluster.describeTopic('orders').configs
    expect(c['retention.ms']).toBe(604800000n)
    expect(c['max.message.bytes']).toBe(2000000)
    expect(c['cleanup.policy']).toBe('compact,delete')
    const sub = await h.call(44, 0, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }] }] })
    expect(sub.responses[0].errorCode).toBe(0)
    c = h.cluster.describeTopic('orders').configs
    expect(c['cleanup.policy']).toBe('compact')
  })

  it('refuses APPEND on a config that is not a list, duplicate keys and unknown topics, changing nothing; validate_only changes nothing', async () => {
    const res = await h.call(44, 1, {
      resources: [
        { resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', configOperation: 0, value: '1000' }, { name: 'retention.ms', configOperation: 2, value: '5' }] },
        { resourceType: 2, resourceName: 'missing', configs: [{ name: 'segment.ms', configOperation: 0, value: '1000' }] },
        { resourceType: 4, resourceName: '1', configs: [{ name: 'num.partitions', configOperation: 0, value: '3' }] }
      ]
    })
    expect(res.responses[0]).toMatchObject({ errorCode: E.INVALID_CONFIG, errorMessage: 'Config value append is not allowed for config key: retention.ms' })
    expect(res.responses[1].errorCode).toBe(E.UNKNOWN_TOPIC_OR_PARTITION)
    expect(res.responses[2].errorCode).toBe(E.POLICY_VIOLATION)
    const dup = await h.call(44, 1, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', configOperation: 0, value: '1000' }, { name: 'segment.ms', configOperation: 1, value: null }] }] })
    expect(dup.responses[0].errorCode).toBe(E.INVALID_REQUEST)
    const dry = await h.call(44, 1, { resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'segment.ms', configOperation: 0, value: '1000' }] }], validateOnly: true })
    expect(dry.responses[0].errorCode).toBe(0)
    expect(h.cluster.describeTopic('orders').configs['segment.ms']).toBe(604800000n)
  })
})
