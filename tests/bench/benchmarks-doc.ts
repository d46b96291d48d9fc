/**
 * docs/benchmarks.md as the benchmarks share it: each benchmark owns one section between its own
 * HTML comment markers and rewrites only that, so the other benchmarks' sections stay.
 */
import fs from 'node:fs'

/**
 * Replaces the section between `start` and `end` (markers included, `section` must carry them) in
 * `file`, or appends it when the file has no such section yet; a missing file starts as "# Benchmarks".
 */
export function writeBenchmarksSection(file: string, start: string, end: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n'
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  fs.writeFileSync(file, i >= 0 && j > i ? text.slice(0, i) + section + text.slice(j + end.length) : `${text.trimEnd()}\n\n${section}\n`)
}
