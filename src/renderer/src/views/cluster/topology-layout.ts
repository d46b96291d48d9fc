/**
 * The topology's layout, pure: which partitions it shows (internal topics left out, the topic
 * filter), per topic a summary (partitions, under-replicated, offline, leaders per broker), when the
 * compact matrix replaces the graph, and the matrix's cells (partitions x brokers: leader, follower
 * in the ISR, follower out of the ISR, offline, or no replica), in chunks of MATRIX_CHUNK partitions
 * so that 500 partitions fit on a screen.
 * Must stay true: topics sorted by name and partitions by number, as the graph draws them; a cell's
 * role is the graph's (replicaRole of charts/topology-option.ts), so both views agree.
 */
import type { BrokerView, ClusterSnapshot, PartitionView } from '@shared/contract'
import { replicaRole } from '@renderer/charts/topology-option'
import { partitionKey } from './event-timeline'

/** Above this many partitions shown, the topology opens as the matrix (rows of the graph overlap from about 60). */
export const TOPOLOGY_MATRIX_THRESHOLD = 60

/** Partitions per matrix chunk (one small grid of brokers x partitions). */
export const MATRIX_CHUNK = 20

/** A matrix cell: the role of a broker's replica of a partition, 'none' where it holds none. */
export type CellRole = 'leader' | 'in-isr' | 'out-of-isr' | 'offline' | 'none'

const ROLES: Record<number, CellRole> = { 1: 'leader', 2: 'in-isr', 3: 'out-of-isr', 4: 'offline' }

/** Partitions of the non-internal topics, by topic, sorted by name; `topics` (non-empty) keeps only those. */
export function visiblePartitions(snapshot: Pick<ClusterSnapshot, 'topics' | 'partitions'>, topics: readonly string[] = []): [string, PartitionView[]][] {
  const internal = new Set(snapshot.topics.filter((t) => t.internal).map((t) => t.name))
  return Object.entries(snapshot.partitions)
    .filter(([t]) => !internal.has(t) && !t.startsWith('__') && (topics.length === 0 || topics.includes(t)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, ps]) => [t, [...ps].sort((a, b) => a.partition - b.partition)])
}

/** Total partitions in a visiblePartitions result. */
export const partitionCount = (groups: readonly [string, PartitionView[]][]): number => groups.reduce((n, [, ps]) => n + ps.length, 0)

/** One topic's line above its block: how many partitions, how many are under-replicated or offline, and leaders per broker. */
export interface TopicSummaryLine {
  topic: string
  partitions: number
  underReplicated: number
  offline: number
  /** Broker id -> partitions it leads. */
  leaders: Record<number, number>
}

/** The summary of one topic's partitions. */
export function topicSummary(topic: string, ps: readonly PartitionView[]): TopicSummaryLine {
  const leaders: Record<number, number> = {}
  for (const p of ps) if (p.leader >= 0) leaders[p.leader] = (leaders[p.leader] ?? 0) + 1
  return { topic, partitions: ps.length, underReplicated: ps.filter((p) => p.underReplicated).length, offline: ps.filter((p) => p.offline).length, leaders }
}

/** One column of the matrix: a partition, its cells top to bottom in broker order, and whether it is highlighted. */
export interface MatrixColumn {
  key: string
  partition: number
  cells: { brokerId: number; role: CellRole }[]
  highlighted: boolean
  /** A one-line description for the tooltip: leader, replicas, ISR, high watermark. */
  title: string
}

/** A chunk: up to MATRIX_CHUNK consecutive partitions of one topic. */
export interface MatrixChunk {
  topic: string
  /** The first and last partition number in it. */
  first: number
  last: number
  columns: MatrixColumn[]
}

/**
 * The matrix chunks of one topic.
 * @param brokers the snapshot's brokers (rows, by id)
 * @param highlight partitionKey strings to mark
 */
export function matrixChunks(topic: string, ps: readonly PartitionView[], brokers: readonly BrokerView[], highlight: ReadonlySet<string>, chunk = MATRIX_CHUNK): MatrixChunk[] {
  const ids = brokers.map((b) => b.id).sort((a, b) => a - b)
  const columns: MatrixColumn[] = ps.map((p) => {
    const key = partitionKey(topic, p.partition)
    return {
      key,
      partition: p.partition,
      cells: ids.map((b) => ({ brokerId: b, role: p.replicas.includes(b) ? ROLES[replicaRole(p, b)] : 'none' })),
      highlighted: highlight.has(key),
      title: `${key}: leader ${p.leader < 0 ? 'none (offline)' : p.leader}, replicas [${p.replicas.join(', ')}], ISR [${p.isr.join(', ')}], high watermark ${p.highWatermark}`
    }
  })
  const out: MatrixChunk[] = []
  for (let i = 0; i < columns.length; i += chunk) {
    const cs = columns.slice(i, i + chunk)
    out.push({ topic, first: cs[0].partition, last: cs[cs.length - 1].partition, columns: cs })
  }
  return out
}
