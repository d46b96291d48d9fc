/**
 * Per-partition records-in rates derived from successive log end offsets (the snapshot carries
 * per-topic rates only). A sample is (t ms, log end offset per partition); the rate between two
 * samples is Δoffset / Δt in records per second.
 * Must stay true: pure; at most `cap` samples kept; a negative delta (topic recreated) counts as 0.
 */
import type { SeriesPoint } from '../../../shared/contract'

/** Log end offsets of every partition of a topic at time t (ms). */
export interface OffsetSample {
  t: number
  logEndOffsets: number[]
}

/** Appends a sample (ignoring one not newer than the last) and keeps the newest `cap`. */
export function appendSample(samples: OffsetSample[], s: OffsetSample, cap = 300): OffsetSample[] {
  const last = samples[samples.length - 1]
  if (last && s.t <= last.t) return samples
  const out = [...samples, s]
  return out.length > cap ? out.slice(out.length - cap) : out
}

/**
 * Rates per partition: result[p] is a series of records-in/s points, one per consecutive pair
 * of samples, stamped at the later sample's time.
 */
export function partitionRates(samples: OffsetSample[]): SeriesPoint[][] {
  const partitions = samples.reduce((n, s) => Math.max(n, s.logEndOffsets.length), 0)
  const out: SeriesPoint[][] = Array.from({ length: partitions }, () => [])
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]
    const b = samples[i]
    const dt = (b.t - a.t) / 1000
    for (let p = 0; p < partitions; p++) {
      const d = (b.logEndOffsets[p] ?? 0) - (a.logEndOffsets[p] ?? 0)
      out[p].push({ t: b.t, v: dt > 0 ? Math.max(0, d) / dt : 0 })
    }
  }
  return out
}
