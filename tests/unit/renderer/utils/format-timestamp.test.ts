/**
 * Timestamps as the views show them: local time to the millisecond with the time zone's offset at
 * that instant (summer and winter time differ), "UTC" at offset zero; counts with thousands
 * separators.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { formatCount, formatTimestamp } from '../../../../src/renderer/src/utils/format'

/** The test process's environment (Node re-reads TZ when it is set). */
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env
const savedTz = env.TZ
afterEach(() => {
  env.TZ = savedTz
})

describe('formatTimestamp', () => {
  it('shows the local time with the offset of its time zone at that instant', () => {
    env.TZ = 'Europe/Paris'
    expect(formatTimestamp(Date.UTC(2026, 0, 15, 9, 30, 0, 5))).toBe('2026-01-15 10:30:00.005 UTC+01:00')
    expect(formatTimestamp(Date.UTC(2026, 6, 15, 9, 30))).toBe('2026-07-15 11:30:00.000 UTC+02:00')
    env.TZ = 'Asia/Kolkata'
    expect(formatTimestamp(Date.UTC(2026, 0, 15, 9, 30))).toBe('2026-01-15 15:00:00.000 UTC+05:30')
    env.TZ = 'America/St_Johns'
    expect(formatTimestamp(Date.UTC(2026, 0, 15, 9, 30))).toBe('2026-01-15 06:00:00.000 UTC-03:30')
    env.TZ = 'UTC'
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000 UTC')
    expect(formatTimestamp(null)).toBe('—')
  })
})

describe('formatCount', () => {
  it('separates thousands', () => {
    expect(formatCount(3_000_000)).toBe('3,000,000')
    expect(formatCount(999)).toBe('999')
  })
})
