/**
 * Bar-chart options: records per partition (the record distribution of a topic), used to see how
 * keys spread over partitions.
 * Must stay true: pure; one bar per partition in partition order, labelled "P0", "P1", ...
 */
import type { PartitionView } from '../../../shared/contract'
import { formatCount } from '../utils/format'
import { PALETTE, type ChartOption } from './echarts-registry'

/** Records retained per partition: high watermark - log start offset. */
export function distributionOption(partitions: PartitionView[]): ChartOption {
  const counts = partitions.map((p) => Math.max(0, p.highWatermark - p.logStartOffset))
  const total = counts.reduce((a, b) => a + b, 0)
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 24, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => {
        const p = (params as { dataIndex: number }[])[0]
        const n = counts[p.dataIndex]
        const share = total > 0 ? ((100 * n) / total).toFixed(1) : '0'
        return `Partition ${partitions[p.dataIndex].partition}<br/>${formatCount(n)} records (${share}%)`
      }
    },
    xAxis: { type: 'category', data: partitions.map((p) => `P${p.partition}`), axisTick: { alignWithLabel: true } },
    yAxis: { type: 'value', name: 'records', nameTextStyle: { color: '#666' }, minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: counts,
        barMaxWidth: 48,
        itemStyle: { color: PALETTE.blue, borderRadius: [3, 3, 0, 0] },
        label: { show: partitions.length <= 24, position: 'top', formatter: (x: { value: unknown }) => formatCount(Number(x.value)), fontSize: 11 }
      }
    ]
  }
}
