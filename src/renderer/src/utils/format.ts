/**
 * Display formatting shared by the views: bytes (binary units, as Kafka tools print), counts with
 * thousands separators, rates, timestamps (local time, ms precision, with the time zone's offset)
 * and durations.
 * Must stay true: pure functions; never throw on odd input (NaN, negatives print as they are); a
 * timestamp never shows without its time zone.
 */

/** 1536 -> "1.5 KiB"; units B, KiB, MiB, GiB, TiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = Math.abs(bytes)
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const sign = bytes < 0 ? '-' : ''
  return `${sign}${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

/** 20000 -> "20,000". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : String(n)
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

/** Milliseconds as Kafka configs show durations: 604800000 -> "7 d", 3600000 -> "1 h". -1 -> "unlimited". */
export function formatDuration(ms: number): string {
  if (ms < 0) return 'unlimited'
  if (ms >= Number.MAX_SAFE_INTEGER) return 'Long.MAX_VALUE (never)'
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's']
  ]
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`
  return `${ms} ms`
}

/**
 * A readable gloss of a topic config value, by Kafka's naming: `*.ms` as a duration, `*.bytes` as a
 * size (negative = unlimited), Long.MAX_VALUE (held as Number.MAX_SAFE_INTEGER) as "never",
 * min.cleanable.dirty.ratio as a percentage.
 * Empty for values with no gloss (counts, policies).
 */
export function describeConfigValue(key: string, v: unknown): string {
  if (typeof v !== 'number') return ''
  if (v >= Number.MAX_SAFE_INTEGER) return 'Long.MAX_VALUE (never)'
  if (key.endsWith('.ms')) return formatDuration(v)
  if (key.endsWith('.bytes')) return v < 0 ? 'unlimited' : formatBytes(v)
  if (key === 'min.cleanable.dirty.ratio') return `${+(v * 100).toFixed(2)}% dirty`
  return ''
}
