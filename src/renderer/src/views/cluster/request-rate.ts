/**
 * How the brokers view writes a request or error rate (per second, one-minute averages): readable
 * at the small rates of an idle client too, where one decimal would show 0.
 */

/** A per-second rate: 0 -> "0", 0.0167 -> "0.017", 3.456 -> "3.5", 1234.56 -> "1,234.6". */
export function formatRequestRate(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (n === 0) return '0'
  return n < 10 ? n.toLocaleString('en-US', { maximumSignificantDigits: 2 }) : n.toLocaleString('en-US', { maximumFractionDigits: 1 })
}
