/**
 * The topology graph: brokers as large nodes on a circle, each hosting its partition replicas in
 * a ring around it. Replica shape and colour say its role: leader (diamond, blue), follower in the
 * ISR (circle, green), follower out of sync (circle, orange with a red ring), offline (grey, broker
 * down). Lines go from each partition's leader to its followers (the replication fetch path):
 * solid green when the follower is in the ISR, dashed red when it is not.
 * Must stay true: pure; positions depend only on the snapshot's brokers and partitions, so the graph
 * does not jump between pushes.
 */
import type { BrokerView, PartitionView } from '../../../shared/contract'
import { PALETTE, type ChartOption } from './echarts-registry'

export const TOPOLOGY_CATEGORIES = ['Broker', 'Leader', 'Follower (in ISR)', 'Follower (out of sync)', 'Offline'] as const

type Category = 0 | 1 | 2 | 3 | 4

interface GraphNode {
  id: string
  name: string
  x: number
  y: number
  category: Category
  symbol: string
  symbolSize: number | [number, number]
  itemStyle?: Record<string, unknown>
  label?: Record<string, unknown>
  tooltip?: { formatter: string }
}

interface ReplicaRef {
  topic: string
  p: PartitionView
  brokerId: number
}

function roleOf(r: ReplicaRef): Category {
  const state = r.p.replicaStates.find((s) => s.brokerId === r.brokerId)
  if (state?.offline || r.p.offline) return 4
  if (r.p.leader === r.brokerId) return 1
  return state?.inSync ?? r.p.isr.includes(r.brokerId) ? 2 : 3
}

const STYLE: Record<Category, { symbol: string; color: string; border?: string }> = {
  0: { symbol: 'roundRect', color: PALETTE.ink },
  1: { symbol: 'diamond', color: PALETTE.blue },
  2: { symbol: 'circle', color: PALETTE.green },
  3: { symbol: 'circle', color: PALETTE.orange, border: PALETTE.red },
  4: { symbol: 'circle', color: '#d0d3d8', border: PALETTE.grey }
}

/**
 * Builds the graph option.
 * @param brokers the snapshot's brokers
 * @param partitions topic -> partitions (internal topics already left out by the caller)
 */
export function topologyOption(brokers: BrokerView[], partitions: Record<string, PartitionView[]>): ChartOption {
  const nodes: GraphNode[] = []
  const links: { source: string; target: string; lineStyle: Record<string, unknown> }[] = []
  const n = Math.max(brokers.length, 1)
  const R = n === 1 ? 0 : 300
  const byBroker = new Map<number, ReplicaRef[]>()
  for (const [topic, parts] of Object.entries(partitions).sort(([a], [b]) => a.localeCompare(b))) {
    for (const p of parts) for (const b of p.replicas) byBroker.set(b, [...(byBroker.get(b) ?? []), { topic, p, brokerId: b }])
  }
  const total = [...byBroker.values()].reduce((a, l) => a + l.length, 0)
  const showReplicaLabels = total <= 72

  brokers.forEach((b, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n
    const bx = R * Math.cos(angle)
    const by = R * Math.sin(angle)
    nodes.push({
      id: `b${b.id}`,
      name: `Broker ${b.id}`,
      x: bx,
      y: by,
      category: 0,
      symbol: 'roundRect',
      symbolSize: [86, 40],
      itemStyle: { color: b.alive ? PALETTE.ink : '#c0c4cc' },
      label: { show: true, color: '#fff', fontWeight: 600, formatter: `Broker ${b.id}${b.controller ? ' ★' : ''}${b.alive ? '' : '\n(down)'}`, fontSize: 12 },
      tooltip: {
        formatter: `Broker ${b.id} — ${b.address}<br/>${b.alive ? 'alive' : 'down'}${b.controller ? ', controller' : ''}<br/>${b.partitionsLed} partitions led, ${b.replicas} replicas`
      }
    })
    const replicas = byBroker.get(b.id) ?? []
    const perRing = 18
    replicas.forEach((r, j) => {
      const ring = Math.floor(j / perRing)
      const inRing = Math.min(perRing, replicas.length - ring * perRing)
      const a = angle + Math.PI + (2 * Math.PI * (j % perRing)) / inRing + ring * 0.17
      const rr = 95 + ring * 34
      const cat = roleOf(r)
      const st = STYLE[cat]
      const state = r.p.replicaStates.find((s) => s.brokerId === r.brokerId)
      nodes.push({
        id: `r:${r.topic}:${r.p.partition}:${r.brokerId}`,
        name: `${r.topic}-${r.p.partition}`,
        x: bx + rr * Math.cos(a),
        y: by + rr * Math.sin(a),
        category: cat,
        symbol: st.symbol,
        symbolSize: cat === 1 ? 22 : 16,
        itemStyle: { color: st.color, borderColor: st.border ?? '#fff', borderWidth: st.border ? 2.5 : 1 },
        label: { show: showReplicaLabels, position: 'right', fontSize: 10, color: '#555', formatter: `${r.topic}-${r.p.partition}` },
        tooltip: {
          formatter:
            `${r.topic}-${r.p.partition} on broker ${r.brokerId}<br/>${TOPOLOGY_CATEGORIES[cat]}` +
            `<br/>log end offset ${state?.logEndOffset ?? '?'}, high watermark ${r.p.highWatermark}` +
            `<br/>replicas [${r.p.replicas.join(',')}], ISR [${r.p.isr.join(',')}]`
        }
      })
    })
  })

  for (const [topic, parts] of Object.entries(partitions)) {
    for (const p of parts) {
      if (p.leader < 0) continue
      for (const f of p.replicas) {
        if (f === p.leader) continue
        const inSync = p.isr.includes(f)
        links.push({
          source: `r:${topic}:${p.partition}:${p.leader}`,
          target: `r:${topic}:${p.partition}:${f}`,
          lineStyle: inSync ? { color: PALETTE.green, opacity: 0.35, width: 1, type: 'solid', curveness: 0.15 } : { color: PALETTE.red, opacity: 0.8, width: 1.5, type: 'dashed', curveness: 0.15 }
        })
      }
    }
  }

  return {
    animation: false,
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
        top: 40,
        bottom: 10,
        left: 20,
        right: 20,
        categories: TOPOLOGY_CATEGORIES.map((name) => ({ name })),
        data: nodes,
        links,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 5,
        emphasis: { focus: 'adjacency' },
        z: 2
      }
    ]
  } as ChartOption
}
