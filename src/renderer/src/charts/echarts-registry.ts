/**
 * The one place ECharts is configured: registers only the charts and components Brokerlab uses
 * (line, bar, graph; grid, tooltip, legend, title, graphic; canvas renderer), so the bundle carries nothing
 * else. Import this module before rendering any chart (base-chart.vue does).
 * Must stay true: a chart type used anywhere is registered here.
 */
import { use } from 'echarts/core'
import { BarChart, GraphChart, LineChart } from 'echarts/charts'
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, GraphSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { GraphicComponentOption, GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption } from 'echarts/components'

use([CanvasRenderer, LineChart, BarChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, GraphicComponent])

/** The option type narrowed to what is registered. */
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GraphSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | GraphicComponentOption
>

/** Brokerlab's chart palette (naive-ui's primary/success/warning/error/info and neutrals). */
export const PALETTE = {
  blue: '#2080f0',
  green: '#18a058',
  orange: '#f0a020',
  red: '#d03050',
  purple: '#8a5cd1',
  teal: '#2aa4a4',
  grey: '#a0a4ab',
  ink: '#333639'
} as const

/** Colours for series in order. */
export const SERIES_COLORS = [PALETTE.blue, PALETTE.green, PALETTE.orange, PALETTE.purple, PALETTE.teal, PALETTE.red, '#7c8a99', '#c06c84']
