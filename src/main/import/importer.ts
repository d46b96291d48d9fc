/**
 * The importer shared by the UI (import/run) and the CLI (`brokerlab import`): rows become records
 * (key = the key field's value as UTF-8 text, value = the row as JSON) produced in batches with
 * acks=all, so an import either reports every record committed or fails with Kafka's error.
 *
 * Must stay true: a topic is created only when `createTopic` is given and the topic does not exist;
 * a missing key field in a row gives a null key (the sticky partitioner spreads those), but a key
 * field that the first row lacks is refused (almost always a typo); progress is reported after each
 * batch and once at the start, with done <= total.
 */
import type { Acks, ClusterApi, ProducerRecord } from '../../broker/cluster/cluster-api'
import { KafkaError } from '../../broker/errors'
import { ImportFormatError } from './record-source'

/** Records per produce call. */
export const DEFAULT_IMPORT_BATCH = 1000

/** What to import and how. */
export interface ImportOptions {
  topic: string
  rows: unknown[]
  /** Field whose value becomes the key; null for unkeyed records. */
  keyField: string | null
  /** Create the topic with these settings when it does not exist. */
  createTopic?: { partitions: number; replicationFactor: number }
  /** Records per produce call (default 1000). */
  batchSize?: number
  /** Default 'all', like the Java producer. */
  acks?: Acks
  /** Called with records done so far and the total, after each batch. */
  onProgress?: (done: number, total: number) => void
  /** Clock in ms for elapsedMs (default Date.now). */
  clock?: () => number
}

/** Outcome: records imported, per-partition counts, wall time in ms. */
export interface ImportResult {
  imported: number
  perPartition: Record<number, number>
  elapsedMs: number
}

function keyText(value: unknown): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Converts one row to a ProducerRecord. @throws ImportFormatError when a key field is asked for and the row is not an object. */
export function rowToRecord(row: unknown, index: number, keyField: string | null): ProducerRecord {
  let key: string | null = null
  if (keyField !== null) {
    if (!isObject(row)) throw new ImportFormatError(`Record ${index} is not an object, so it has no key field "${keyField}"`)
    key = keyText(row[keyField])
  }
  return {
    key: key === null ? null : Buffer.from(key, 'utf8'),
    value: Buffer.from(JSON.stringify(row) ?? 'null', 'utf8')
  }
}

/**
 * Imports `rows` into `topic`.
 * @throws KafkaError from the engine (UNKNOWN_TOPIC_OR_PARTITION without createTopic,
 *   NOT_ENOUGH_REPLICAS, RECORD_TOO_LARGE, ...) or ImportFormatError for unusable rows.
 */
export async function importRecords(cluster: ClusterApi, opts: ImportOptions): Promise<ImportResult> {
  const clock = opts.clock ?? Date.now
  const started = clock()
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_IMPORT_BATCH)
  const total = opts.rows.length
  if (opts.keyField !== null && total > 0) {
    const first = opts.rows[0]
    if (!isObject(first)) throw new ImportFormatError(`Record 0 is not an object, so it has no key field "${opts.keyField}"`)
    if (!(opts.keyField in first))
      throw new ImportFormatError(
        `Key field "${opts.keyField}" is not a field of the records (fields: ${Object.keys(first).slice(0, 20).join(', ')})`
      )
  }
  const exists = cluster.listTopics({ includeInternal: true }).some((t) => t.name === opts.topic)
  if (!exists) {
    if (!opts.createTopic)
      throw new KafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `Topic '${opts.topic}' does not exist; give partitions and a replication factor to create it`
      )
    cluster.createTopic(opts.topic, opts.createTopic)
  }
  const perPartition: Record<number, number> = {}
  let done = 0
  opts.onProgress?.(0, total)
  for (let i = 0; i < total; i += batchSize) {
    const batch: ProducerRecord[] = []
    for (let j = i; j < Math.min(total, i + batchSize); j++) batch.push(rowToRecord(opts.rows[j], j, opts.keyField))
    const acks = await cluster.produce(opts.topic, batch, { acks: opts.acks ?? 'all' })
    for (const a of acks) perPartition[a.partition] = (perPartition[a.partition] ?? 0) + 1
    done += batch.length
    opts.onProgress?.(done, total)
  }
  return { imported: done, perPartition, elapsedMs: clock() - started }
}
