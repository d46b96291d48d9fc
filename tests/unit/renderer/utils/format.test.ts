import { describe, expect, it } from 'vitest'
import { describeConfigValue } from '../../../../src/renderer/src/utils/format'

describe('describeConfigValue', () => {
  it('glosses *.ms configs as durations and *.bytes configs as sizes', () => {
    expect(describeConfigValue('retention.ms', 604800000)).toMatch(/7\s*d/)
    expect(describeConfigValue('segment.bytes', 1073741824)).toMatch(/1(\.0)?\s*GiB/)
  })

  it('calls -1 bytes unlimited and Long.MAX_VALUE never', () => {
    expect(describeConfigValue('retention.bytes', -1)).toBe('unlimited')
    expect(describeConfigValue('retention.bytes', '-1')).toBe('unlimited')
    expect(describeConfigValue('flush.ms', '9223372036854775807')).toBe('Long.MAX_VALUE (never)')
    expect(describeConfigValue('flush.messages', '9223372036854775807')).toBe('Long.MAX_VALUE (never)')
  })

  it('glosses LONG values from their exact decimal strings, never through a rounded JS number', () => {
    expect(describeConfigValue('retention.ms', '604800000')).toBe('7 d')
    // 2^53 - 1 is no longer the engine's stand-in for Long.MAX_VALUE: it is a duration like any other.
    expect(describeConfigValue('flush.ms', Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991 ms')
    // One below Long.MAX_VALUE (not representable as a JS number): exact, in ms.
    expect(describeConfigValue('flush.ms', '9223372036854775806')).toBe('9,223,372,036,854,775,806 ms')
    expect(describeConfigValue('segment.ms', '864000000000000000')).toBe('10,000,000,000 d')
    expect(describeConfigValue('retention.bytes', '9223372036854775806')).toBe('≈ 8.0 EiB')
  })

  it('shows min.cleanable.dirty.ratio as a percentage', () => {
    expect(describeConfigValue('min.cleanable.dirty.ratio', 0.5)).toBe('50% dirty')
    expect(describeConfigValue('min.cleanable.dirty.ratio', 0.01)).toBe('1% dirty')
  })

  it('leaves counts and policies without a gloss', () => {
    expect(describeConfigValue('min.insync.replicas', 2)).toBe('')
    expect(describeConfigValue('cleanup.policy', 'compact')).toBe('')
  })
})
