/**
 * A record's timestamp from a field of its row: ISO 8601 text, epoch milliseconds or seconds
 * (numbers, or numeric text as CSV has it), or text in a date pattern (Luxon's tokens, as Java's
 * DateTimeFormatter spells them: `yyyy-MM-dd HH:mm:ss.SSS`, `dd/MM/yyyy`, `ZZ` for an offset), read
 * with Luxon. Text without an offset is a wall-clock time in `timeZone` (an IANA name such as
 * `Europe/Paris` or `UTC`; default: the host's time zone, as kafka-consumer-groups --to-datetime
 * reads a date-time without one). A Parquet TIMESTAMP or DATE column holds a time already: it is
 * read as that time, whatever the format says.
 *
 * Must stay true: a JSON null gives no timestamp (the record gets CreateTime now, as a Kafka
 * producer gives a record without one); anything that is not a time in the chosen format, or is
 * negative (Kafka: "Timestamp should always be non-negative or null") or beyond 2^53 - 1 ms, fails
 * naming the row, the field, its value and the format. Pure: no clock is read here.
 */
import { DateTime, Info, type TokenParser } from 'luxon'
import type { ImportTimestamp } from '../../shared/contract'
import { ImportFormatError } from './import-format-error'
import { fieldShown, type FieldValue } from './import-row'

export type { ImportTimestamp }

const NUMERIC = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/

/** Parsers of the patterns seen (building one is most of the cost of reading a date in a pattern). */
const patternParsers = new Map<string, TokenParser>()

/** ISO 8601 calendar date-times in their common forms (date, T or space, time to the nanosecond, Z or an offset). */
const COMMON_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i

function isUtcZone(zone: string): boolean {
  return zone.toUpperCase() === 'UTC'
}

/**
 * The instant of a wall-clock time given as its fields read as UTC (`wallMs`), in `zone`: at once
 * for UTC and the host's zone (the Date object knows it), through Luxon for another IANA zone.
 */
function wallClockInZone(wallMs: number, zone: string): number {
  if (isUtcZone(zone)) return wallMs
  const d = new Date(wallMs)
  if (zone === 'local')
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()).getTime()
  return DateTime.fromObject(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds() },
    { zone }
  ).toMillis()
}

/**
 * ISO 8601 text in the common forms (COMMON_ISO) as ms, without Luxon (which takes tens of µs a
 * value); null for any other text (Luxon reads the rest, or says why it is not ISO 8601).
 */
function commonIsoMs(text: string, zone: string): number | null {
  const m = COMMON_ISO.exec(text)
  if (!m) return null
  const [y, mo, d, h = '0', mi = '0', sec = '0'] = [m[1], m[2], m[3], m[4], m[5], m[6]]
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-9) : 0
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms)
  const back = new Date(wall)
  // Fields out of range (month 13, February 30, hour 24) make Date roll over: leave those to Luxon's message.
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h) || back.getUTCMinutes() !== Number(mi) || back.getUTCSeconds() !== Number(sec))
    return null
  const offset = m[8]
  if (offset === undefined) return wallClockInZone(wall, zone)
  if (offset.toUpperCase() === 'Z') return wall
  const sign = offset[0] === '-' ? -1 : 1
  const digits = offset.slice(1).replace(':', '')
  return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000
}

function patternParser(pattern: string): TokenParser {
  let p = patternParsers.get(pattern)
  if (!p) {
    if (patternParsers.size > 100) patternParsers.clear()
    p = DateTime.buildFormatParser(pattern)
    patternParsers.set(pattern, p)
  }
  return p
}

/** How the format is named in messages. */
function formatName(spec: ImportTimestamp): string {
  switch (spec.format) {
    case 'iso':
      return 'an ISO 8601 date-time (e.g. 2026-11-22T10:00:00.000Z)'
    case 'epoch-ms':
      return 'a number of milliseconds since the epoch'
    case 'epoch-s':
      return 'a number of seconds since the epoch'
    case 'pattern':
      return `a date-time in the pattern "${spec.pattern ?? ''}"`
  }
}

/**
 * What is wrong with `spec` as given (a pattern missing, a time zone unknown), or null when it is usable.
 */
export function timestampSpecProblem(spec: ImportTimestamp): string | null {
  if (spec.field.length === 0) return 'the timestamp field must be named'
  if (spec.format === 'pattern' && !spec.pattern) return 'the pattern format needs a pattern (e.g. yyyy-MM-dd HH:mm:ss)'
  if (spec.format !== 'pattern' && spec.pattern !== undefined) return `a pattern is given only with the pattern format, not with ${spec.format}`
  if (spec.timeZone !== undefined && !Info.isValidIANAZone(spec.timeZone) && spec.timeZone !== 'local' && spec.timeZone.toUpperCase() !== 'UTC')
    return `unknown time zone "${spec.timeZone}" (use an IANA name such as UTC or Europe/Paris)`
  return null
}

/**
 * The timestamp (ms since the epoch) row `rowNumber`'s timestamp field gives, or null for JSON null.
 * @throws ImportFormatError naming the row, field, value and format when it is not such a time.
 */
export function timestampFromField(value: FieldValue, spec: ImportTimestamp, rowNumber: number): number | null {
  if (value.kind === 'null') return null
  const fail = (why: string): never => {
    throw new ImportFormatError(`Row ${rowNumber}: timestamp field "${spec.field}" holds ${fieldShown(value)}, which is not ${formatName(spec)}${why}`)
  }
  const zone = spec.timeZone ?? 'local'
  let ms: number
  if (value.kind === 'datetime') ms = value.utc ? value.wallMs : wallClockInZone(value.wallMs, zone)
  else if (spec.format === 'epoch-ms' || spec.format === 'epoch-s') {
    if ((value.kind !== 'number' && value.kind !== 'string') || !NUMERIC.test(value.text)) fail('')
    const n = Number(value.text)
    ms = spec.format === 'epoch-s' ? Math.round(n * 1000) : n
    if (!Number.isInteger(ms)) fail(' (a whole number of milliseconds)')
  } else {
    if (value.kind !== 'string' && value.kind !== 'number') fail('')
    const fast = spec.format === 'iso' ? commonIsoMs(value.text, zone) : null
    if (fast !== null) ms = fast
    else {
      const t = spec.format === 'iso' ? DateTime.fromISO(value.text, { zone }) : DateTime.fromFormatParser(value.text, patternParser(spec.pattern as string), { zone })
      if (!t.isValid) fail(t.invalidExplanation ? ` (${t.invalidExplanation})` : '')
      ms = t.toMillis()
    }
  }
  if (!Number.isFinite(ms)) fail('')
  if (ms < 0) fail(`: it is before 1970 (Kafka: "Timestamp should always be non-negative or null")`)
  if (ms > Number.MAX_SAFE_INTEGER) fail(` within 2^53 - 1 ms`)
  return ms
}
