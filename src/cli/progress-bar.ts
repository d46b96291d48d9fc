/**
 * A one-line progress bar for a terminal stream (the CLI's import): `[#####-----]  50% 10,000/20,000`.
 * Redraws with a carriage return; draws nothing when the stream is not a TTY.
 *
 * Must stay true: redraws at most when the shown percentage changes; `done()` ends the line.
 */
import { formatCount } from './table'

/** The part of a tty.WriteStream used here. */
export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

/** Renders the bar text for `done` of `total` in `width` cells, counts with thousands separators (exported for tests). */
export function renderProgress(done: number, total: number, width: number, label: string): string {
  const ratio = total <= 0 ? 1 : Math.min(1, done / total)
  const filled = Math.round(ratio * width)
  const pct = String(Math.floor(ratio * 100)).padStart(3)
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${formatCount(done)}/${formatCount(total)}`
}

/** A progress bar on `stream` (normally stderr). */
export class ProgressBar {
  private lastPct = -1
  private drawn = false
  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string
  ) {}

  /** Shows `done` of `total`. */
  update(done: number, total: number): void {
    if (!this.stream.isTTY) return
    const pct = total <= 0 ? 100 : Math.floor((done / total) * 100)
    if (pct === this.lastPct) return
    this.lastPct = pct
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 30))
    this.stream.write(`\r${renderProgress(done, total, width, this.label)}`)
    this.drawn = true
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.drawn) this.stream.write('\n')
    this.drawn = false
  }
}
