/**
 * Contract validation: every request name has a schema, good requests pass, and bad ones are
 * refused with a message that names the broken rule.
 */
import { describe, expect, it } from 'vitest'
import { REQUEST_NAMES } from '../../../src/shared/contract'
import { requestProblem, requestSchemas, validateRequest } from '../../../src/shared/schemas'

function problem(name: string, payload: unknown): string {
  const v = validateRequest(name, payload)
  if (v.ok) throw new Error(`expected ${name} to be refused`)
  return v.message
}

describe('validateRequest', () => {
  it('has a schema for every request name of the contract', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...REQUEST_NAMES].sort())
  })

  it('accepts well-formed requests', () => {
    expect(validateRequest('cluster/snapshot', {}).ok).toBe(true)
    expect(validateRequest('topic/create', { topic: 'orders.v1_x-y', partitions: 6, replicationFactor: 3 }).ok).toBe(true)
    expect(
      validateRequest('produce/send', { topic: 't', acks: 'all', records: [{ key: null, value: 'v{{i}}' }], count: 10 }).ok
    ).toBe(true)
    expect(
      validateRequest('messages/fetch', { topic: 't', partition: null, start: { kind: 'timestamp', timestamp: 5 }, limit: 100 }).ok
    ).toBe(true)
  })

  it('cluster/elect-leaders: takes preferred or unclean, a topic, a partition only with its topic', () => {
    expect(validateRequest('cluster/elect-leaders', { electionType: 'preferred' }).ok).toBe(true)
    expect(validateRequest('cluster/elect-leaders', { electionType: 'unclean', topic: 't', partition: 0 }).ok).toBe(true)
    expect(problem('cluster/elect-leaders', { electionType: 'preferred', partition: 0 })).toContain('A partition goes with its topic')
    expect(problem('cluster/elect-leaders', { electionType: 'fastest', topic: 't' })).toMatch(/electionType/)
    expect(validateRequest('cluster/elect-leaders', { electionType: 'preferred', topic: 't', unknown: 1 }).ok).toBe(false)
  })

  it('refuses an unknown request name', () => {
    expect(problem('topic/explode', {})).toMatch(/Unknown request "topic\/explode"/)
  })

  it('refuses topic names that break Kafka\'s rule, naming the rule', () => {
    expect(problem('topic/create', { topic: 'has space', partitions: 1, replicationFactor: 1 })).toMatch(
      /ASCII alphanumerics, '\.', '_' and '-'/
    )
    expect(problem('topic/describe', { topic: '..' })).toMatch(/cannot be "\." or "\.\."/)
    expect(problem('topic/describe', { topic: '' })).toMatch(/can't be empty/)
    expect(problem('topic/describe', { topic: 'x'.repeat(250) })).toMatch(/longer than 249 characters/)
  })

  it('refuses zero partitions and a zero replication factor', () => {
    expect(problem('topic/create', { topic: 't', partitions: 0, replicationFactor: 1 })).toMatch(
      /partitions: Number of partitions must be at least 1/
    )
    expect(problem('topic/create', { topic: 't', partitions: 1, replicationFactor: 0 })).toMatch(
      /replicationFactor: Replication factor must be at least 1/
    )
  })

  it('refuses unknown config keys and wrongly typed config values', () => {
    expect(
      problem('topic/create', { topic: 't', partitions: 1, replicationFactor: 1, configs: { 'retention.hours': 5 } })
    ).toMatch(/retention\.hours/)
    expect(
      problem('topic/create', { topic: 't', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'forever' } })
    ).toMatch(/configs\.cleanup\.policy/)
  })

  it('refuses wrong types and extra fields', () => {
    expect(problem('topic/create', { topic: 't', partitions: '3', replicationFactor: 1 })).toMatch(/partitions/)
    expect(problem('produce/send', { topic: 't', acks: 2, records: [{ key: null, value: null }] })).toMatch(/acks/)
    expect(problem('produce/send', { topic: 't', acks: 1, records: [] })).toMatch(/records/)
    expect(problem('broker/stop', { brokerId: 1, force: true })).toMatch(/force/)
    expect(problem('messages/fetch', { topic: 't', partition: null, start: { kind: 'middle' }, limit: 1 })).toMatch(/start/)
    expect(problem('messages/fetch', { topic: 't', partition: 0, start: { kind: 'earliest' }, limit: 100_001 })).toMatch(/limit/)
  })

  it('treats a missing payload as an empty object', () => {
    expect(validateRequest('group/list', undefined).ok).toBe(true)
    expect(problem('topic/describe', undefined)).toMatch(/topic/)
  })
})

describe('requestProblem', () => {
  it('says what is wrong, field by field, or null when the request is valid', () => {
    expect(requestProblem('topic/alter', { topic: 't', partitions: 3 })).toBeNull()
    expect(requestProblem('topic/alter', { topic: 't' })).toBe('Give partitions, configs, or both')
    expect(requestProblem('topic/create', { topic: 't', partitions: 0, replicationFactor: 1 })).toBe('partitions: Number of partitions must be at least 1')
  })
})
