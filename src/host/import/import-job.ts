/**
 * An import of a whole file in two passes, as the CLI and import/run both run it: a checking pass
 * that reads every row (the readers' bounds, the key field, the timestamp field, the value size)
 * before anything is created or written, then the import pass, which reads the file again and
 * produces its rows. Also the inspection the import view shows before an import: fields, record
 * count and the first values.
 *
 * Must stay true: memory stays bounded by the readers' bounds and a batch (no pass holds the file);
 * a file that breaks a rule anywhere fails in the checking pass, so nothing is written; the loop is
 * yielded every CHECK_YIELD_ROWS rows of the checking pass (the wire listeners share it).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import type { ImportFormat } from '../../shared/import-format'
import { checkRow, importRecords, type ImportResult, type RowRules } from './importer'
import { parquetOutline } from './parquet-rows'
import { readRecordRows, type ReadOptions } from './record-source'

/** Rows checked between two yields of the event loop. */
export const CHECK_YIELD_ROWS = 1000

/** Fields looked for in the first rows, and values previewed. */
const FIELD_SAMPLE_ROWS = 200
const PREVIEW_ROWS = 3
const PREVIEW_CHARS = 300

/** A file to import and how its rows become records. */
export interface ImportFileSpec extends RowRules, ReadOptions {
  input: { path: string } | { bytes: Uint8Array }
  format: ImportFormat
}

/**
 * The checking pass: reads every row of the file and checks it can become a record.
 * @param onProgress called with the rows checked so far, every CHECK_YIELD_ROWS rows.
 * @returns the number of rows.
 * @throws ImportFormatError naming the first row (or line, element) that breaks a rule.
 */
export async function checkImportFile(spec: ImportFileSpec, onProgress?: (rows: number) => void): Promise<number> {
  let n = 0
  for await (const row of readRecordRows(spec.input, spec.format, spec)) {
    checkRow(row, ++n, spec)
    if (n % CHECK_YIELD_ROWS === 0) {
      onProgress?.(n)
      await yieldToLoop()
    }
  }
  return n
}

/** What the import view shows of a file before an import. */
export interface FileInspection {
  /** Field names in first-seen order, from the first 200 rows (a Parquet file's columns). */
  fields: string[]
  /** Rows in the file. */
  records: number
  /** The first values as UTF-8 text, cut at 300 characters. */
  preview: string[]
}

/**
 * Reads the whole file as `format` (the readers' bounds, no key or timestamp rule), for its fields,
 * row count and first values; a Parquet file's count and columns come from its footer.
 * @throws ImportFormatError when the file is not that format or breaks a bound.
 */
export async function inspectImportFile(input: ImportFileSpec['input'], format: ImportFormat, options: ReadOptions = {}): Promise<FileInspection> {
  const fields = new Set<string>()
  const preview: string[] = []
  let records = 0
  const outline = format === 'parquet' ? await parquetOutline(input) : null
  for await (const row of readRecordRows(input, format, options)) {
    records++
    if (records <= FIELD_SAMPLE_ROWS) for (const f of row.fieldNames()) fields.add(f)
    if (records <= PREVIEW_ROWS) {
      const text = row.value.toString('utf8')
      preview.push(text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text)
    }
    if (outline && records >= PREVIEW_ROWS) break // the footer tells the rest
    if (records % CHECK_YIELD_ROWS === 0) await yieldToLoop()
  }
  return outline ? { fields: outline.fields, records: outline.records, preview } : { fields: [...fields], records, preview }
}

/** An import of a file into a topic. */
export interface ImportFileJob extends ImportFileSpec {
  topic: string
  createTopic?: { partitions: number; replicationFactor: number }
  batchSize?: number
  clock?: () => number
  /** Rows expected (an inspection's count), for the checking pass's progress total. */
  expectedRows?: number
  /** Rows checked or imported so far, of `total`. */
  onProgress?: (phase: 'checking' | 'importing', done: number, total: number) => void
}

/**
 * Both passes: checks the whole file, then imports it.
 * @throws ImportFormatError from the checking pass (nothing written); KafkaError from the import.
 */
export async function importFile(cluster: ClusterApi, job: ImportFileJob): Promise<ImportResult> {
  const expected = job.expectedRows ?? 0
  job.onProgress?.('checking', 0, expected)
  const total = await checkImportFile(job, (n) => job.onProgress?.('checking', n, Math.max(n, expected)))
  job.onProgress?.('checking', total, total)
  return importRecords(cluster, {
    topic: job.topic,
    rows: readRecordRows(job.input, job.format, job),
    total,
    keyField: job.keyField,
    timestamp: job.timestamp,
    createTopic: job.createTopic,
    batchSize: job.batchSize,
    clock: job.clock,
    onProgress: (done, t) => job.onProgress?.('importing', done, t)
  })
}
