/**
 * The importer shared by the UI (import/run) and the CLI (`brokerlab import`): rows become records
 * (key = the key field's value as UTF-8 text, value = the row as JSON) produced in batches with
 * acks=all, so an import either reports every record committed or fails with Kafka's error.
 *
 * Must stay true: a topic is created only when `createTopic` is given and the topic does not exist;
 * with a key field, every row must have it: a row without it (or that is not an object) fails the
 * import naming the row (1-based) and the field, while a field holding JSON null gives a null key
 * (the sticky partitioner spreads those). Rows given as an array (the UI's import/run) are all
 * checked before the topic is created or anything written, so such an import is all or nothing; rows
 * given as a stream are checked as they are read (before the first is written, the first row), so
 * a stream's caller checks the whole stream first (the CLI's first pass). Progress is reported after
 * each batch and once at the start, with done <= total.
 */
import type { Acks, ClusterApi, ProducerRecord } from '../../broker/cluster/cluster-api'
import { KafkaError } from '../../broker/model/errors'
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
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Checks that row number `rowNumber` (1-based) can become a record keyed by `keyField`: it is an
 * object holding that field (JSON null counts: it gives a null key). Nothing to check without a key
 * field.
 * @throws ImportFormatError naming the row, the field, and the fields the row has.
 */
export function checkRow(row: unknown, rowNumber: number, keyField: string | null): void {
  if (keyField === null) return
  if (!isObject(row)) throw new ImportFormatError(`Row ${rowNumber} is not an object, so it has no key field "${keyField}"`)
  if (!Object.prototype.hasOwnProperty.call(row, keyField)) {
    const fields = Object.keys(row)
    const shown = fields.length === 0 ? 'none' : fields.slice(0, 20).join(', ') + (fields.length > 20 ? ', ...' : '')
    throw new ImportFormatError(
      `Row ${rowNumber} has no key field "${keyField}" (its fields: ${shown}); every row must have it, with null for a null key`
    )
  }
}

/**
 * Converts row number `rowNumber` (1-based) to a ProducerRecord: key = the key field's value as
 * UTF-8 text (null for JSON null or without a key field), value = the row as JSON.
 * @throws ImportFormatError as checkRow does.
 */
export function rowToRecord(row: unknown, rowNumber: number, keyField: string | null): ProducerRecord {
  checkRow(row, rowNumber, keyField)
  const key = keyField === null ? null : keyText((row as Record<string, unknown>)[keyField])
  return {
    key: key === null ? null : Buffer.from(key, 'utf8'),
    value: Buffer.from(JSON.stringify(row) ?? 'null', 'utf8')
  }
}

/**
 * Imports `rows` into `topic`.
 * @throws KafkaError from the engine (UNKNOWN_TOPIC_OR_PARTITION without createTopic,
 *   NOT_ENOUGH_REPLICAS, RECORD_TOO_LARGE, ...) or ImportFormatError for an unusable row (see
 *   checkRow): for an array before anything is created or written; for a stream when that row is
 *   read, after the batches before it were written.
 */
export async function importRecords(cluster: ClusterApi, opts: ImportOptions): Promise<ImportResult> {
  const clock = opts.clock ?? Date.now
  const started = clock()
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_IMPORT_BATCH)
  let total = opts.total ?? (Array.isArray(opts.rows) ? opts.rows.length : 0)
  const rows: AsyncIterator<unknown> | Iterator<unknown> =
    Symbol.asyncIterator in opts.rows ? opts.rows[Symbol.asyncIterator]() : (opts.rows as Iterable<unknown>)[Symbol.iterator]()
  // Nothing is created or written before the rows are known good: all of an array, the first of a stream.
  if (Array.isArray(opts.rows)) opts.rows.forEach((row, i) => checkRow(row, i + 1, opts.keyField))
  let next = await rows.next()
  if (!next.done) checkRow(next.value, 1, opts.keyField)
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
    batch.push(rowToRecord(next.value, done + batch.length + 1, opts.keyField))
    if (batch.length === batchSize) await send()
  }
  if (batch.length > 0) await send()
  return { imported: done, perPartition, elapsedMs: clock() - started }
}
