import { describe, expect, it } from 'vitest'
import { describeConfigValue } from '../../../../src/renderer/src/utils/format'

describe('describeConfigValue', () => {
  it('glosses *.ms configs as durations and *.bytes configs as sizes', () => {
    expect(describeConfigValue('retention.ms', 604800000)).toMatch(/7\s*d/)
    expect(describeConfigValue('segment.bytes', 1073741824)).toMatch(/1(\.0)?\s*GiB/)
  })

  it('calls -1 bytes unlimited and Long.MAX_VALUE never', () => {
    expect(describeConfigValue('retention.bytes', -1)).toBe('unlimited')
    expect(describeConfigValue('flush.ms', Number.MAX_SAFE_INTEGER)).toBe('Long.MAX_VALUE (never)')
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
