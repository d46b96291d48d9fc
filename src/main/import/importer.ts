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
  /** The rows: an array, or rows read as a stream (give `total` then, for progress). */
  rows: Iterable<unknown> | AsyncIterable<unknown>
  /** How many rows there are (default: the array's length); progress reports it as the total. */
  total?: number
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

/**
 * Refuses a key field that the first row lacks (almost always a typo).
 * @throws ImportFormatError naming the field and the fields the row has.
 */
export function checkKeyField(first: unknown, keyField: string): void {
  if (!isObject(first)) throw new ImportFormatError(`Record 0 is not an object, so it has no key field "${keyField}"`)
  if (!(keyField in first))
    throw new ImportFormatError(`Key field "${keyField}" is not a field of the records (fields: ${Object.keys(first).slice(0, 20).join(', ')})`)
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
  let total = opts.total ?? (Array.isArray(opts.rows) ? opts.rows.length : 0)
  const rows: AsyncIterator<unknown> | Iterator<unknown> =
    Symbol.asyncIterator in opts.rows ? opts.rows[Symbol.asyncIterator]() : (opts.rows as Iterable<unknown>)[Symbol.iterator]()
  let next = await rows.next()
  if (opts.keyField !== null && !next.done) checkKeyField(next.value, opts.keyField)
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
  let batch: ProducerRecord[] = []
  const send = async (): Promise<void> => {
    const acks = await cluster.produce(opts.topic, batch, { acks: opts.acks ?? 'all' })
    for (const a of acks) perPartition[a.partition] = (perPartition[a.partition] ?? 0) + 1
    done += batch.length
    batch = []
    total = Math.max(total, done) // a file that grew after it was counted
    opts.onProgress?.(done, total)
  }
  for (; !next.done; next = await rows.next()) {
    batch.push(rowToRecord(next.value, done + batch.length, opts.keyField))
    if (batch.length === batchSize) await send()
  }
  if (batch.length > 0) await send()
  return { imported: done, perPartition, elapsedMs: clock() - started }
}
