/**
 * Numbers in the engine's event messages: thousands separators from 1,000 on (en-US), nothing
 * rounded, odd input printed as it is.
 */
import { describe, expect, it } from 'vitest'
import { formatCount } from '../../../../src/broker/model/format-count'

describe('formatCount', () => {
  it('groups the digits of numbers from 1,000 on in threes and leaves smaller ones alone', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(1000)).toBe('1,000')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatCount(-1234567)).toBe('-1,234,567')
    expect(formatCount(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991')
  })

  it('keeps every digit of a fraction and prints non-finite and exponent-form numbers as String does', () => {
    expect(formatCount(1234.5678)).toBe('1,234.5678')
    expect(formatCount(-0.5)).toBe('-0.5')
    expect(formatCount(Number.NaN)).toBe('NaN')
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('Infinity')
    expect(formatCount(1e21)).toBe('1e+21')
  })
})
