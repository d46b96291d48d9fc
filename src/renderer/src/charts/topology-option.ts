/**
 * The topology graph: one column per broker (the broker node on top) and one row per partition;
 * the cell where a partition's row meets a broker's column holds that broker's replica of it.
 * Replica shape and colour say its role: leader (diamond, blue), follower in the ISR (circle,
 * green), follower out of sync (circle, orange with a red ring), offline (grey: its broker is down).
 * Curved lines go from each partition's leader to its followers (the replication fetch path):
 * green when the follower is in the ISR, dashed red when it is not.
 * A highlight (the partitions a timeline event touched) rings their replicas and bolds their row
 * labels, and fades every other partition.
 * Must stay true: pure; positions depend only on the brokers and the partition list, so the graph
 * does not jump between snapshot pushes.
 */
import type { BrokerView, PartitionView } from '../../../shared/contract'
import { PALETTE, type ChartOption } from './echarts-registry'

export const TOPOLOGY_CATEGORIES = ['Broker', 'Leader', 'Follower (in ISR)', 'Follower (out of sync)', 'Offline'] as const

type Category = 0 | 1 | 2 | 3 | 4

/** Pixel spacing of the layout (the chart scales it to fit). */
export const TOPOLOGY_ROW_PX = 30
/**
 * Rows of vertical room the graph always spans: the graph fits its coordinates to the chart, so a
 * cluster with no or few partitions would otherwise draw the broker boxes several times too large.
 */
export const TOPOLOGY_MIN_ROWS = 8
const COL_PX = 150

interface GraphNode {
  id: string
  name: string
  x: number
  y: number
  category?: Category
  symbol: string
  symbolSize: number | [number, number]
  itemStyle?: Record<string, unknown>
  label?: Record<string, unknown>
  tooltip?: { formatter: string }
}

const STYLE: Record<Category, { symbol: string; color: string; border?: string }> = {
  0: { symbol: 'roundRect', color: PALETTE.ink },
  1: { symbol: 'diamond', color: PALETTE.blue },
  2: { symbol: 'circle', color: PALETTE.green },
  3: { symbol: 'circle', color: PALETTE.orange, border: PALETTE.red },
  4: { symbol: 'circle', color: '#d0d3d8', border: PALETTE.grey }
}

/** The role of broker `b`'s replica of partition `p`. */
export function replicaRole(p: PartitionView, b: number): Category {
  const state = p.replicaStates.find((s) => s.brokerId === b)
  if (state?.offline || (p.offline && p.leader !== b)) return 4
  if (p.leader === b) return 1
  return (state?.inSync ?? p.isr.includes(b)) ? 2 : 3
}

/** Number of partition rows the graph draws (for sizing the chart). */
export function topologyRows(partitions: Record<string, PartitionView[]>): number {
  return Object.values(partitions).reduce((n, ps) => n + ps.length, 0)
}

/**
 * Builds the graph option.
 * @param brokers the snapshot's brokers (columns, by id)
 * @param partitions topic -> partitions (internal topics already left out by the caller)
 * @param highlight "topic-partition" keys to highlight; empty: none (nothing faded)
 */
export function topologyOption(brokers: BrokerView[], partitions: Record<string, PartitionView[]>, highlight: ReadonlySet<string> = new Set()): ChartOption {
  const nodes: GraphNode[] = []
  const links: { source: string; target: string; lineStyle: Record<string, unknown> }[] = []
  const sorted = [...brokers].sort((a, b) => a.id - b.id)
  const col = new Map(sorted.map((b, i) => [b.id, i]))

  sorted.forEach((b, i) => {
    nodes.push({
      id: `b${b.id}`,
      name: `Broker ${b.id}`,
      x: i * COL_PX,
      y: 0,
      category: 0,
      symbol: 'roundRect',
      symbolSize: [b.alive ? 92 : 116, 30],
      itemStyle: { color: b.alive ? PALETTE.ink : '#c0c4cc' },
      label: { show: true, color: '#fff', fontWeight: 600, fontSize: 12, formatter: `Broker ${b.id}${b.controller ? ' ★' : ''}${b.alive ? '' : ' (down)'}` },
      tooltip: {
        formatter: `Broker ${b.id} — ${b.address}<br/>${b.alive ? 'alive' : 'down'}${b.controller ? ', controller' : ''}<br/>${b.partitionsLed} partitions led, ${b.replicas} replicas`
      }
    })
  })

  let row = 0
  for (const [topic, parts] of Object.entries(partitions).sort(([a], [b]) => a.localeCompare(b))) {
    for (const p of [...parts].sort((a, b) => a.partition - b.partition)) {
      row++
      const y = 14 + row * TOPOLOGY_ROW_PX
      const name = `${topic}-${p.partition}`
      const lit = highlight.has(name)
      const opacity = highlight.size === 0 || lit ? 1 : 0.2
      nodes.push({
        id: `row:${name}`,
        name,
        x: -COL_PX * 0.35,
        y,
        symbol: 'rect',
        symbolSize: 1,
        itemStyle: { color: 'rgba(0,0,0,0)' },
        label: {
          show: true,
          position: 'left',
          fontSize: 11,
          fontWeight: lit ? 700 : 400,
          opacity,
          color: p.offline ? PALETTE.red : p.underReplicated ? '#c07000' : '#444',
          ...(lit ? { backgroundColor: '#fff3c4', padding: [1, 3] } : {}),
          formatter: name
        },
        tooltip: {
          formatter: `${name}<br/>leader ${p.leader < 0 ? 'none' : p.leader}, replicas [${p.replicas.join(',')}], ISR [${p.isr.join(',')}]<br/>high watermark ${p.highWatermark}${p.underReplicated ? '<br/>under-replicated' : ''}${p.offline ? '<br/>offline' : ''}`
        }
      })
      for (const b of p.replicas) {
        const x = col.get(b)
        if (x === undefined) continue
        const cat = replicaRole(p, b)
        const st = STYLE[cat]
        const state = p.replicaStates.find((s) => s.brokerId === b)
        nodes.push({
          id: `r:${name}:${b}`,
          name,
          x: x * COL_PX,
          y,
          category: cat,
          symbol: st.symbol,
          symbolSize: (cat === 1 ? 18 : 13) + (lit ? 5 : 0),
          itemStyle: lit
            ? { color: st.color, borderColor: PALETTE.ink, borderWidth: 3, opacity }
            : { color: st.color, borderColor: st.border ?? '#fff', borderWidth: st.border ? 2.5 : 1, opacity },
          tooltip: {
            formatter: `${name} on broker ${b}: ${TOPOLOGY_CATEGORIES[cat].toLowerCase()}<br/>log end offset ${state?.logEndOffset ?? '?'}, high watermark ${p.highWatermark}`
          }
        })
      }
      if (p.leader >= 0) {
        for (const f of p.replicas) {
          if (f === p.leader || !col.has(f) || !col.has(p.leader)) continue
          const inSync = p.isr.includes(f)
          const offline = replicaRole(p, f) === 4
          const dx = (col.get(f) as number) - (col.get(p.leader) as number)
          // Every arc bows upwards (towards the row above), whichever way it points.
          const bow = (Math.abs(dx) > 1 ? 0.12 : 0.06) * Math.sign(dx)
          links.push({
            source: `r:${name}:${p.leader}`,
            target: `r:${name}:${f}`,
            lineStyle: {
              color: offline ? PALETTE.grey : inSync ? PALETTE.green : PALETTE.red,
              opacity: (offline ? 0.6 : inSync ? 0.55 : 0.9) * (opacity < 1 ? 0.3 : 1),
              width: inSync ? 1.2 : 1.6,
              type: offline ? 'dotted' : inSync ? 'solid' : 'dashed',
              curveness: bow
            }
          })
        }
      }
    }
  }

  // An invisible node below the last row (and at least TOPOLOGY_MIN_ROWS down), so the chart's fit
  // leaves room under the last arcs and keeps the boxes at their size.
  nodes.push({ id: 'pad', name: '', x: 0, y: 14 + Math.max(row + 1, TOPOLOGY_MIN_ROWS) * TOPOLOGY_ROW_PX, symbol: 'rect', symbolSize: 1, itemStyle: { color: 'rgba(0,0,0,0)' }, label: { show: false }, tooltip: { formatter: '' } })

  return {
    animation: false,
    ...(row === 0
      ? {
          graphic: {
            type: 'text',
            left: 'center',
            top: 'middle',
            style: { text: 'No topics yet: create one, and each partition gets a row here.', fill: '#999', fontSize: 13 }
          }
        }
      : {}),
    tooltip: { trigger: 'item', confine: true },
    legend: {
      top: 0,
      data: TOPOLOGY_CATEGORIES.map((name, i) => ({
        name,
        icon: STYLE[i as Category].symbol,
        itemStyle: { color: STYLE[i as Category].color, borderColor: STYLE[i as Category].border ?? STYLE[i as Category].color, borderWidth: 2 }
      })),
      textStyle: { fontSize: 12 },
      selectedMode: false
    },
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        top: 44,
        bottom: 36,
        left: 110,
        right: 60,
        categories: TOPOLOGY_CATEGORIES.map((name) => ({ name })),
        data: nodes,
        links,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 5,
        emphasis: { focus: 'adjacency', label: { show: true } }
      }
    ]
  } as ChartOption
}
