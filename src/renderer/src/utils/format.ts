/**
 * Display formatting shared by the views: bytes (binary units, as Kafka tools print), counts with
 * thousands separators, rates, waits in seconds, timestamps (local time, ms precision, with the time zone's offset),
 * durations, and glosses of topic config values (LONG values arrive as exact decimal strings and are
 * read as bigint).
 * Must stay true: pure functions; never throw on odd input (NaN, negatives print as they are); a
 * timestamp never shows without its time zone; a LONG is never rounded through a JS number, except
 * where a gloss says "≈".
 */
import { LONG_MAX_VALUE } from '@shared/contract'

/** 1536 -> "1.5 KiB"; units B, KiB, MiB, GiB, TiB, PiB, EiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']
  let v = Math.abs(bytes)
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const sign = bytes < 0 ? '-' : ''
  return `${sign}${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

/** One formatter for every count: Number.toLocaleString builds a new one per call (it showed in the message browser's per-chunk renders). */
const COUNT_FORMAT = new Intl.NumberFormat('en-US')

/** 20000 -> "20,000". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? COUNT_FORMAT.format(n) : String(n)
}

/** Seconds with one decimal and thousands separators. */
const SECONDS_FORMAT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

/** A wait or timeout in words: "9.0 s" from 1 s on (one decimal, "3,600.0 s"), "800 ms" below a second. */
export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  return Math.abs(ms) >= 1000 ? `${SECONDS_FORMAT.format(ms / 1000)} s` : `${Math.round(ms)} ms`
}

/** A per-second rate with at most one decimal: 1234.56 -> "1,234.6". */
export function formatRate(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(n)
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0')
}

/** The local time zone's offset at `d`: "UTC" at zero, else "UTC+01:00", "UTC-05:30". */
export function formatZone(d: Date): string {
  const east = -d.getTimezoneOffset()
  if (east === 0) return 'UTC'
  const a = Math.abs(east)
  return `UTC${east > 0 ? '+' : '-'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`
}

/** ms since the epoch -> "2026-11-21 23:54:59.123 UTC+01:00": local time and the zone's offset then. */
export function formatTimestamp(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${formatZone(d)}`
}

/** ms -> "HH:MM:SS" local, for chart axes. */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** ms -> "HH:MM:SS UTC+01:00": the local clock with the zone's offset then (a chart's hovered time, an event's time). */
export function formatClockZone(ms: number): string {
  return `${formatClock(ms)} ${formatZone(new Date(ms))}`
}

const DURATION_UNITS: [bigint, string][] = [
  [86_400_000n, 'd'],
  [3_600_000n, 'h'],
  [60_000n, 'min'],
  [1000n, 's']
]

/**
 * Milliseconds as Kafka configs show durations: 604800000 -> "7 d", 3600000 -> "1 h", negative ->
 * "unlimited", Long.MAX_VALUE (9223372036854775807n) -> "Long.MAX_VALUE (never)". Exact for bigints.
 */
export function formatDuration(ms: number | bigint): string {
  const v = typeof ms === 'bigint' ? ms : Number.isSafeInteger(ms) ? BigInt(ms) : null
  if (v === null) return Number.isFinite(ms) ? `${ms} ms` : String(ms)
  if (v < 0n) return 'unlimited'
  if (v === LONG_MAX_VALUE) return 'Long.MAX_VALUE (never)'
  for (const [size, unit] of DURATION_UNITS) if (v >= size && v % size === 0n) return `${(v / size).toLocaleString('en-US')} ${unit}`
  return `${v.toLocaleString('en-US')} ms`
}

/** A config value as a number to gloss: numbers as they are, integer text (a LONG) as an exact bigint; null otherwise. */
function configNumber(v: unknown): number | bigint | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'bigint') return v
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim())
  return null
}

/**
 * A readable gloss of a topic config value, by Kafka's naming: `*.ms` as a duration, `*.bytes` as a
 * size (negative = unlimited), Kafka's Long.MAX_VALUE (9223372036854775807, as LONG values arrive:
 * decimal strings) as "Long.MAX_VALUE (never)", min.cleanable.dirty.ratio as a percentage.
 * Empty for values with no gloss (counts, policies).
 */
export function describeConfigValue(key: string, v: unknown): string {
  const n = configNumber(v)
  if (n === null) return ''
  if (typeof n === 'bigint' && n === LONG_MAX_VALUE) return 'Long.MAX_VALUE (never)'
  if (key.endsWith('.ms')) return formatDuration(n)
  if (key.endsWith('.bytes')) {
    if (n < 0) return 'unlimited'
    const exact = typeof n === 'number' || n <= BigInt(Number.MAX_SAFE_INTEGER)
    return `${exact ? '' : '≈ '}${formatBytes(Number(n))}`
  }
  if (key === 'min.cleanable.dirty.ratio' && typeof n === 'number') return `${+(n * 100).toFixed(2)}% dirty`
  return ''
}
