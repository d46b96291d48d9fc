/**
 * RateMeter: counts events per one-second bucket in a ring of 300 buckets (the last 5 minutes), read
 * back as a per-second series. Time comes from an injected clock (ms), so tests never sleep.
 *
 * Must stay true: a bucket holds only the sum for the second it is stamped with; buckets older than
 * the window read as 0; recording never allocates.
 */
/** One second of a rate series: `t` the second's start in ms since the epoch, `v` the sum recorded in it. */
export interface MetricPoint {
  t: number
  v: number
}

/** Seconds of history a meter keeps (5 minutes at 1 s resolution). */
export const RATE_WINDOW_SECONDS = 300

/** A per-second rate meter over the last RATE_WINDOW_SECONDS seconds. */
export class RateMeter {
  private readonly sums = new Float64Array(RATE_WINDOW_SECONDS)
  /** The epoch second each bucket currently holds (-1 = never used). */
  private readonly stamps = new Float64Array(RATE_WINDOW_SECONDS).fill(-1)

  constructor(private readonly clock: () => number) {}

  /** Add `amount` (records or bytes) to the current second. */
  record(amount = 1): void {
    const sec = Math.floor(this.clock() / 1000)
    const i = sec % RATE_WINDOW_SECONDS
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec
      this.sums[i] = 0
    }
    this.sums[i] += amount
  }

  /** Sum recorded during epoch second `sec` (0 when outside the window). */
  valueAt(sec: number): number {
    const i = ((sec % RATE_WINDOW_SECONDS) + RATE_WINDOW_SECONDS) % RATE_WINDOW_SECONDS
    return this.stamps[i] === sec ? this.sums[i] : 0
  }

  /**
   * The per-second series, oldest first: RATE_WINDOW_SECONDS points, `t` = start of the second in
   * ms, `v` = amount per second. Ends with the last completed second, or with the current (partial)
   * second when `includeCurrent`.
   */
  series(includeCurrent = false): MetricPoint[] {
    const now = Math.floor(this.clock() / 1000)
    const last = includeCurrent ? now : now - 1
    const out: MetricPoint[] = new Array(RATE_WINDOW_SECONDS)
    for (let k = 0; k < RATE_WINDOW_SECONDS; k++) {
      const sec = last - RATE_WINDOW_SECONDS + 1 + k
      out[k] = { t: sec * 1000, v: this.valueAt(sec) }
    }
    return out
  }
}
