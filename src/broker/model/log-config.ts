/**
 * The storage layer's view of a topic's configs (its LogConfig: segment.bytes as segmentBytes, ...),
 * derived from the table: every entry with a `logField` feeds that field. LONG values become JS
 * numbers here, for the log's arithmetic on sizes and times, clamped to the safe integers
 * (±Number.MAX_SAFE_INTEGER): a duration beyond 2^53 ms (285,000 years) is "never" in practice, and
 * a size beyond 2^53 bytes is no limit; the topic's configs themselves stay exact.
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); nothing a user sees or
 * that is persisted comes from this lossy view.
 */
import type { TopicConfigName, TopicConfigs, TopicConfigTable } from './topic-configs'
import { topicConfigDef, topicConfigNames } from './topic-config-values'

/** The log's value of an entry: numbers for LONG (clamped), INT and DOUBLE; choices as their strings. */
type LogValue<D> = D extends { type: 'long' | 'int' | 'double' }
  ? number
  : D extends { values: readonly (infer V)[] }
    ? V
    : never

/**
 * The log config the table derives: `{ [logField]: value }` for every entry with a logField
 * (storage's LogConfig is this shape; ../cluster/topic-config.ts checks that at compile time).
 */
export type LogConfigValues = {
  [K in TopicConfigName as TopicConfigTable[K] extends { logField: infer F extends string } ? F : never]: LogValue<TopicConfigTable[K]>
}

/** A LONG as a JS number for the log's arithmetic: exact within ±(2^53 - 1), clamped beyond. */
export function longForLog(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER
  return Number(v)
}

/**
 * The storage layer's view of a topic's configs: each table entry with a logField, LONG values as
 * numbers clamped to the safe integers (Long.MAX_VALUE, "never", becomes Number.MAX_SAFE_INTEGER).
 */
export function toLogConfig(c: Readonly<TopicConfigs>): LogConfigValues {
  const out: Record<string, unknown> = {}
  for (const k of topicConfigNames()) {
    const field = topicConfigDef(k)!.logField
    if (!field) continue
    const v = c[k]
    out[field] = typeof v === 'bigint' ? longForLog(v) : v
  }
  return out as LogConfigValues
}
