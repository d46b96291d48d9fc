/**
 * Line-chart options over time series (SeriesPoint: t ms, v value): cluster/topic throughput
 * (records in/s on the left axis, bytes in/out per second on the right) and generic multi-series
 * charts (per-partition rates, consumer lag). The time axis is named with the local time zone and
 * the tooltip shows the hovered time with it, as the tables show times (utils/format.ts).
 * Must stay true: pure builders (an empty chart reads the clock only for its zone's name); an empty
 * series still gives a valid, labelled chart; a chart's times never show without their zone.
 */
import type { SeriesPoint, ThroughputView } from '../../../shared/contract'
import { formatBytes, formatClock, formatClockZone, formatRate, formatZone } from '../utils/format'
import { SERIES_COLORS, type ChartOption } from './echarts-registry'

const toData = (pts: SeriesPoint[]): [number, number][] => pts.map((p) => [p.t, p.v])

/** The newest time (ms) among `series`, null when they hold no point. */
function newestTime(series: SeriesPoint[][]): number | null {
  let newest: number | null = null
  for (const pts of series) for (const p of pts) if (newest === null || p.t > newest) newest = p.t
  return newest
}

/**
 * The time axis: local clock labels ("23:54:59"), named with the time zone as the tables show it
 * ("time (UTC+01:00)", the offset at the newest point, or now when there is none), and the hovered
 * time with its zone at the top of the tooltip ("23:54:59 UTC+01:00").
 */
function timeAxis(newest: number | null) {
  return {
    type: 'time' as const,
    name: `time (${formatZone(new Date(newest ?? Date.now()))})`,
    nameLocation: 'middle' as const,
    nameGap: 24,
    nameTextStyle: { color: '#666' },
    axisLabel: { formatter: (v: number) => formatClock(v), color: '#666', hideOverlap: true },
    axisPointer: { label: { formatter: (p: { value: unknown }) => formatClockZone(Number(p.value)) } },
    splitLine: { show: false }
  }
}

/** Records in/s, bytes in/s and bytes out/s over the last 5 minutes. */
export function throughputOption(view: ThroughputView | null | undefined): ChartOption {
  const v = view ?? { recordsInPerSec: [], bytesInPerSec: [], bytesOutPerSec: [] }
  return {
    color: SERIES_COLORS,
    animation: false,
    grid: { left: 56, right: 72, top: 48, bottom: 44 },
    legend: { top: 0, data: ['records in/s', 'bytes in/s', 'bytes out/s'], textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (x) => (typeof x === 'number' ? formatRate(x) : String(x))
    },
    xAxis: timeAxis(newestTime([v.recordsInPerSec, v.bytesInPerSec, v.bytesOutPerSec])),
    yAxis: [
      { type: 'value', name: 'records/s', nameTextStyle: { color: '#666' }, minInterval: 1, axisLabel: { formatter: (x: number) => formatRate(x) } },
      { type: 'value', name: 'bytes/s', nameTextStyle: { color: '#666' }, minInterval: 1, axisLabel: { formatter: (x: number) => formatBytes(x) }, splitLine: { show: false } }
    ],
    series: [
      { name: 'records in/s', type: 'line', showSymbol: false, yAxisIndex: 0, data: toData(v.recordsInPerSec), areaStyle: { opacity: 0.08 } },
      { name: 'bytes in/s', type: 'line', showSymbol: false, yAxisIndex: 1, data: toData(v.bytesInPerSec) },
      { name: 'bytes out/s', type: 'line', showSymbol: false, yAxisIndex: 1, data: toData(v.bytesOutPerSec) }
    ]
  }
}

/** Several named series on one value axis (e.g. "partition 0".."partition 5" records in/s). */
export function multiSeriesOption(series: { name: string; points: SeriesPoint[]; dashed?: boolean }[], yName: string, step = false): ChartOption {
  return {
    color: SERIES_COLORS,
    animation: false,
    grid: { left: 56, right: 24, top: 48, bottom: 44 },
    legend: { top: 0, left: 60, right: 10, type: 'scroll', textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', valueFormatter: (x) => (typeof x === 'number' ? formatRate(x) : String(x)) },
    xAxis: timeAxis(newestTime(series.map((s) => s.points))),
    yAxis: { type: 'value', name: yName, nameTextStyle: { color: '#666' }, minInterval: 1, axisLabel: { formatter: (x: number) => formatRate(x) } },
    series: series.map((s) => ({
      name: s.name,
      type: 'line' as const,
      showSymbol: false,
      step: step ? ('end' as const) : false,
      data: toData(s.points),
      ...(s.dashed ? { lineStyle: { type: 'dashed' as const, color: '#888' }, itemStyle: { color: '#888' } } : {})
    }))
  }
}
