/**
 * The time charts (cluster throughput, per-partition rates, consumer lag, replica lag) say which
 * time zone their clock labels are in: the time axis is named with the zone's offset as the tables
 * show it, and the tooltip's hovered time carries it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { multiSeriesOption, throughputOption } from '../../../../src/renderer/src/charts/line-options'

/** The test process's environment (Node re-reads TZ when it is set). */
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env
const savedTz = env.TZ
afterEach(() => {
  env.TZ = savedTz
})

type TimeAxis = { name: string; axisLabel: { formatter: (v: number) => string }; axisPointer: { label: { formatter: (p: { value: unknown }) => string } } }
const xAxisOf = (o: unknown): TimeAxis => (o as { xAxis: TimeAxis }).xAxis

const T = Date.UTC(2026, 6, 15, 9, 30, 5)

describe('time chart axes', () => {
  it('name the time axis with the local zone offset at the newest point and show it with the hovered time', () => {
    env.TZ = 'Asia/Kolkata'
    const lag = xAxisOf(multiSeriesOption([{ name: 'partition 0', points: [{ t: T - 1000, v: 1 }, { t: T, v: 2 }] }], 'lag'))
    expect(lag.name).toBe('time (UTC+05:30)')
    expect(lag.axisLabel.formatter(T)).toBe('15:00:05')
    expect(lag.axisPointer.label.formatter({ value: T })).toBe('15:00:05 UTC+05:30')
    env.TZ = 'Europe/Paris'
    const throughput = xAxisOf(throughputOption({ recordsInPerSec: [{ t: T, v: 5 }], bytesInPerSec: [], bytesOutPerSec: [] }))
    expect(throughput.name).toBe('time (UTC+02:00)')
    expect(throughput.axisPointer.label.formatter({ value: Date.UTC(2026, 0, 15, 9, 30) })).toBe('10:30:00 UTC+01:00')
  })

  it('still names the zone of an empty chart', () => {
    env.TZ = 'UTC'
    expect(xAxisOf(throughputOption(null)).name).toBe('time (UTC)')
    expect(xAxisOf(multiSeriesOption([], 'records/s')).name).toBe('time (UTC)')
  })
})
