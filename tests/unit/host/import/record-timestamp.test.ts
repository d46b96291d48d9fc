/**
 * Timestamps from a field: ISO 8601 (with Z, an offset, or none: then the chosen time zone),
 * epoch milliseconds and seconds (numbers or numeric text), date patterns; JSON null gives none
 * (CreateTime now); anything else fails naming the row, field, value and format.
 */
import { describe, expect, it } from 'vitest'
import type { FieldValue } from '../../../../src/host/import/import-row'
import { timestampFromField, timestampSpecProblem } from '../../../../src/host/import/record-timestamp'
import type { ImportTimestamp } from '../../../../src/shared/contract'

const str = (text: string): FieldValue => ({ kind: 'string', text })
const num = (text: string): FieldValue => ({ kind: 'number', text })
const iso: ImportTimestamp = { field: 'at', format: 'iso', timeZone: 'UTC' }

describe('timestampFromField', () => {
  it('reads ISO 8601 with Z, with an offset, and without one in the chosen time zone', () => {
    expect(timestampFromField(str('2026-11-22T10:00:00.123Z'), iso, 1)).toBe(Date.UTC(2026, 10, 22, 10, 0, 0, 123))
    expect(timestampFromField(str('2026-11-22T10:00:00+02:00'), iso, 1)).toBe(Date.UTC(2026, 10, 22, 8))
    expect(timestampFromField(str('2026-11-22T10:00:00-0530'), iso, 1)).toBe(Date.UTC(2026, 10, 22, 15, 30))
    expect(timestampFromField(str('2026-11-22 10:00'), iso, 1)).toBe(Date.UTC(2026, 10, 22, 10))
    expect(timestampFromField(str('2026-11-22'), iso, 1)).toBe(Date.UTC(2026, 10, 22))
    expect(timestampFromField(str('2026-07-01T10:00:00'), { ...iso, timeZone: 'Europe/Paris' }, 1)).toBe(Date.UTC(2026, 6, 1, 8)) // summer time, +02:00
    expect(timestampFromField(str('2026-W47-7T10:00Z'), iso, 1)).toBe(Date.UTC(2026, 10, 22, 10)) // a week date, through Luxon
  })

  it('reads a time without an offset in the host time zone by default, as Date does', () => {
    expect(timestampFromField(str('2026-11-22T10:00:00'), { field: 'at', format: 'iso' }, 1)).toBe(new Date(2026, 10, 22, 10).getTime())
  })

  it('reads epoch milliseconds and seconds from numbers and numeric text', () => {
    expect(timestampFromField(num('1700000000000'), { field: 'at', format: 'epoch-ms' }, 1)).toBe(1_700_000_000_000)
    expect(timestampFromField(str('1700000000000'), { field: 'at', format: 'epoch-ms' }, 1)).toBe(1_700_000_000_000)
    expect(timestampFromField(num('1700000000.25'), { field: 'at', format: 'epoch-s' }, 1)).toBe(1_700_000_000_250)
    expect(timestampFromField(str('1700000000'), { field: 'at', format: 'epoch-s' }, 1)).toBe(1_700_000_000_000)
  })

  it('reads a date pattern, in the chosen time zone', () => {
    const spec: ImportTimestamp = { field: 'date', format: 'pattern', pattern: 'yyyy/MM/dd HH:mm', timeZone: 'UTC' }
    expect(timestampFromField(str('2001/01/14 21:55'), spec, 1)).toBe(Date.UTC(2001, 0, 14, 21, 55))
    expect(timestampFromField(str('14.01.2001 21:55:07.500'), { ...spec, pattern: 'dd.MM.yyyy HH:mm:ss.SSS' }, 1)).toBe(Date.UTC(2001, 0, 14, 21, 55, 7, 500))
  })

  it('gives no timestamp for JSON null (the record gets CreateTime now)', () => {
    expect(timestampFromField({ kind: 'null' }, iso, 1)).toBeNull()
  })

  it('reads a Parquet time as the time it holds: an instant, or a wall-clock time in the chosen zone', () => {
    const wall = Date.UTC(2001, 0, 1, 0, 47)
    expect(timestampFromField({ kind: 'datetime', text: '2001-01-01T00:47:00Z', utc: true, wallMs: wall }, { field: 'd', format: 'iso', timeZone: 'Asia/Tokyo' }, 1)).toBe(wall)
    expect(timestampFromField({ kind: 'datetime', text: '2001-01-01T00:47:00', utc: false, wallMs: wall }, { field: 'd', format: 'iso', timeZone: 'Asia/Tokyo' }, 1)).toBe(wall - 9 * 3_600_000)
  })

  it('fails naming the row, the field, its value and the format', () => {
    expect(() => timestampFromField(str('2026-13-01T00:00:00Z'), iso, 12)).toThrow(
      /^Row 12: timestamp field "at" holds "2026-13-01T00:00:00Z", which is not an ISO 8601 date-time \(e\.g\. 2026-11-22T10:00:00\.000Z\) \(.+\)$/
    )
    expect(() => timestampFromField(num('1700000000000'), iso, 3)).toThrow('Row 3: timestamp field "at" holds 1700000000000, which is not an ISO 8601 date-time')
    expect(() => timestampFromField(str('soon'), { field: 'at', format: 'epoch-ms' }, 4)).toThrow(
      'Row 4: timestamp field "at" holds "soon", which is not a number of milliseconds since the epoch'
    )
    expect(() => timestampFromField(num('1.5'), { field: 'at', format: 'epoch-ms' }, 5)).toThrow('(a whole number of milliseconds)')
    expect(() => timestampFromField(str('2001-01-14'), { field: 'date', format: 'pattern', pattern: 'yyyy/MM/dd' }, 6)).toThrow(
      /^Row 6: timestamp field "date" holds "2001-01-14", which is not a date-time in the pattern "yyyy\/MM\/dd"/
    )
    expect(() => timestampFromField({ kind: 'boolean', text: 'true' }, iso, 7)).toThrow('Row 7: timestamp field "at" holds true')
  })

  it('refuses a time before 1970 as Kafka does', () => {
    expect(() => timestampFromField(num('-5'), { field: 'at', format: 'epoch-ms' }, 2)).toThrow(
      'Row 2: timestamp field "at" holds -5, which is not a number of milliseconds since the epoch: it is before 1970 (Kafka: "Timestamp should always be non-negative or null")'
    )
  })
})

describe('timestampSpecProblem', () => {
  it('names a missing pattern, a pattern without the pattern format, and an unknown time zone', () => {
    expect(timestampSpecProblem({ field: 'a', format: 'pattern' })).toBe('the pattern format needs a pattern (e.g. yyyy-MM-dd HH:mm:ss)')
    expect(timestampSpecProblem({ field: 'a', format: 'iso', pattern: 'yyyy' })).toBe('a pattern is given only with the pattern format, not with iso')
    expect(timestampSpecProblem({ field: 'a', format: 'iso', timeZone: 'Mars/Olympus' })).toBe('unknown time zone "Mars/Olympus" (use an IANA name such as UTC or Europe/Paris)')
    expect(timestampSpecProblem({ field: 'a', format: 'epoch-s', timeZone: 'Europe/Paris' })).toBeNull()
  })
})
