/** CLI argument helpers: option-named validation messages, integer and key=value parsers. */
import { describe, expect, it } from 'vitest'
import { intArg, keyValueArg, validated, withFlagNames } from '../../../src/cli/cli-context'
import { CliError, EXIT_USAGE } from '../../../src/cli/cli-error'

describe('CLI argument helpers', () => {
  it('names options instead of request fields in validation messages', () => {
    expect(withFlagNames('replicationFactor: too small; configs.retention.ms: bad; topic: illegal')).toBe(
      '--replication-factor: too small; --config retention.ms: bad; topic: illegal'
    )
    expect(withFlagNames('records.0.headers.1.key: required')).toBe('--header: required')
  })

  it('throws a usage error naming the rule for an invalid request', () => {
    let error: unknown
    try {
      validated('topic/create', { topic: 't', partitions: 0, replicationFactor: 1 })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(EXIT_USAGE)
    expect((error as CliError).message).toBe('--partitions: Number of partitions must be at least 1')
  })

  it('parses integers strictly and collects key=value pairs', () => {
    expect(intArg('--max')('42')).toBe(42)
    expect(() => intArg('--max')('4.2')).toThrow(/--max must be an integer, got "4\.2"/)
    const kv = keyValueArg('--header')
    expect(kv('b=2', kv('a=x=y', undefined))).toEqual([
      ['a', 'x=y'],
      ['b', '2']
    ])
    expect(() => kv('novalue', undefined)).toThrow(/--header expects key=value/)
  })
})
