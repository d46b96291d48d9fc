/**
 * The importer shared by the UI (import/run) and the CLI (`brokerlab import`): rows become records
 * (key = the key field's text as UTF-8, value = the row's bytes as the reader gives them, timestamp
 * = the timestamp field's time or CreateTime now) produced in batches with acks=all, so an import
 * either reports every record committed or fails with Kafka's error.
 *
 * Must stay true: a topic is created only when `createTopic` is given and the topic does not exist;
 * with a key field, every row must have it: a row without it (or that is not an object) fails the
 * import naming the row (1-based) and the field, while a field holding JSON null gives a null key
 * (the sticky partitioner spreads those); the same holds for the timestamp field (null: CreateTime
 * now) and its value must be a time in the chosen format; no row's value may pass
 * MAX_IMPORT_ROW_BYTES. Rows given as an array are all checked before the topic is created or
 * anything written, so such an import is all or nothing; rows given as a stream are checked as they
 * are read (before the first is written, the first row), so a stream's caller checks the whole
 * stream first (import-job.ts's checking pass). Progress is reported after each batch and once at
 * the start, with done <= total. The loop is yielded after each batch.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Acks, ClusterApi, ProducerRecord } from '../../broker/cluster/cluster-api'
import { KafkaError } from '../../broker/model/errors'
import type { ImportTimestamp } from '../../shared/contract'
import { ImportFormatError } from './import-format-error'
import { describeByteLimit, MAX_IMPORT_ROW_BYTES } from './import-limits'
import { fieldKeyText, type FieldValue, type ImportRow } from './import-row'
import { timestampFromField } from './record-timestamp'

/** Records per produce call. */
export const DEFAULT_IMPORT_BATCH = 1000

/** How rows become records: the key field and the timestamp field. */
export interface RowRules {
  /** Field whose value becomes the key; null for unkeyed records. */
  keyField: string | null
  /** Where each record's timestamp comes from; absent or null: CreateTime now. */
  timestamp?: ImportTimestamp | null
}

/** What to import and how. */
export interface ImportOptions extends RowRules {
  topic: string
  /** The rows: an array, or rows read as a stream (give `total` then, for progress). */
  rows: Iterable<ImportRow> | AsyncIterable<ImportRow>
  /** How many rows there are (default: the array's length); progress reports it as the total. */
  total?: number
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

function fieldsText(row: ImportRow): string {
  const fields = row.fieldNames()
  return fields.length === 0 ? 'none' : fields.slice(0, 20).join(', ') + (fields.length > 20 ? ', ...' : '')
}

/** Field `name` of row `rowNumber`, which every row must have. @throws ImportFormatError naming the row and field. */
function requiredField(row: ImportRow, rowNumber: number, name: string, what: 'key' | 'timestamp'): FieldValue {
  if (!row.isObject) throw new ImportFormatError(`Row ${rowNumber} is not an object, so it has no ${what} field "${name}"`)
  const v = row.field(name)
  if (v === undefined)
    throw new ImportFormatError(
      `Row ${rowNumber} has no ${what} field "${name}" (its fields: ${fieldsText(row)}); every row must have it, with null for ${what === 'key' ? 'a null key' : 'CreateTime now'}`
    )
  return v
}

/**
 * Row number `rowNumber` (1-based) as a record, checked: its key field, its timestamp field, its size.
 * @throws ImportFormatError naming the row and the rule it breaks.
 */
export function rowToRecord(row: ImportRow, rowNumber: number, rules: RowRules): ProducerRecord {
  const key = rules.keyField === null ? null : fieldKeyText(requiredField(row, rowNumber, rules.keyField, 'key'))
  const ts = rules.timestamp ? timestampFromField(requiredField(row, rowNumber, rules.timestamp.field, 'timestamp'), rules.timestamp, rowNumber) : null
  const value = row.value
  if (value.length > MAX_IMPORT_ROW_BYTES)
    throw new ImportFormatError(`Row ${rowNumber} is longer than ${describeByteLimit(MAX_IMPORT_ROW_BYTES)} as a record value, the most one row may hold`)
  return { key: key === null ? null : Buffer.from(key, 'utf8'), value, ...(ts === null ? {} : { timestamp: ts }) }
}

/**
 * Checks that row number `rowNumber` (1-based) can become a record (see rowToRecord).
 * @throws ImportFormatError naming the row, the field or the bound.
 */
export function checkRow(row: ImportRow, rowNumber: number, rules: RowRules): void {
  rowToRecord(row, rowNumber, rules)
}

/**
 * Imports `rows` into `topic`.
 * @throws KafkaError from the engine (UNKNOWN_TOPIC_OR_PARTITION without createTopic,
 *   NOT_ENOUGH_REPLICAS, RECORD_TOO_LARGE, ...) or ImportFormatError for an unusable row (see
 *   rowToRecord): for an array before anything is created or written; for a stream when that row is
 *   read, after the batches before it were written.
 */
export async function importRecords(cluster: ClusterApi, opts: ImportOptions): Promise<ImportResult> {
  const clock = opts.clock ?? Date.now
  const started = clock()
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_IMPORT_BATCH)
  let total = opts.total ?? (Array.isArray(opts.rows) ? opts.rows.length : 0)
  const rows: AsyncIterator<ImportRow> | Iterator<ImportRow> =
    Symbol.asyncIterator in opts.rows ? opts.rows[Symbol.asyncIterator]() : (opts.rows as Iterable<ImportRow>)[Symbol.iterator]()
  // Nothing is created or written before the rows are known good: all of an array, the first of a stream.
  if (Array.isArray(opts.rows)) opts.rows.forEach((row: ImportRow, i) => checkRow(row, i + 1, opts))
  let next = await rows.next()
  if (!next.done) checkRow(next.value, 1, opts)
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
    await yieldToLoop() // the wire listeners and other requests share this loop
  }
  for (; !next.done; next = await rows.next()) {
    batch.push(rowToRecord(next.value, done + batch.length + 1, opts))
    if (batch.length === batchSize) await send()
  }
  if (batch.length > 0) await send()
  return { imported: done, perPartition, elapsedMs: clock() - started }
}
