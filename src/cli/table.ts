/**
 * Plain-text tables for the CLI, aligned like Kafka's tools print them (`kafka-consumer-groups`):
 * a header row in capitals and left-aligned columns separated by two spaces; numbers in words for
 * people: counts and offsets with thousands separators (20,000), as the UI shows them.
 *
 * Must stay true: only the text output formats numbers; `--json` prints them as they are.
 */

/** 20000 -> "20,000"; anything not a finite number as String() gives it. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 20 }) : String(n)
}

/** Formats `rows` under `headers`; number cells with thousands separators (formatCount), others with String(). */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatCount(c) : String(c))))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}
