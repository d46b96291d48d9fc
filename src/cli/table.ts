/**
 * Plain-text tables for the CLI, aligned like Kafka's tools print them (`kafka-consumer-groups`):
 * a header row in capitals and left-aligned columns separated by two spaces.
 */

/** Formats `rows` under `headers`; every cell is converted with String(). */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))]
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
