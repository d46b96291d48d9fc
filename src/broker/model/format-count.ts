/**
 * Numbers as the engine's plain-words messages print them (cluster event messages: offsets, counts,
 * ms): en-US thousands separators from 1,000 on ("truncated 1,234,567 records"), as the app's tables
 * print them. Node-free (model/ is shared with the contract; the engine must not import src/shared
 * or src/renderer, so this is its own small copy of the renderer's formatCount rule).
 *
 * Must stay true: pure; used in message text only, never for machine fields (an event's fromOffset,
 * count, missedHeartbeatMs... stay numbers); identifiers (broker ids, partition ids, leader epochs,
 * generations) are not counts and are not formatted; a number is never rounded (fractions keep
 * their digits, only the integer part is grouped).
 */

/** Groups the digits of a non-negative integer's decimal text in threes: "1234567" -> "1,234,567". */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * `n` in words' digits: 999 -> "999", 1234 -> "1,234", -1234567 -> "-1,234,567", 1234.5 -> "1,234.5".
 * Non-finite numbers and those JavaScript prints in exponent form (1e21 and up) print as String(n).
 * Never throws.
 */
export function formatCount(n: number): string {
  const text = String(n)
  if (!Number.isFinite(n) || Math.abs(n) < 1000 || /e/i.test(text)) return text
  return text.replace(/^(-?)(\d+)/, (_m, sign: string, digits: string) => sign + group(digits))
}
