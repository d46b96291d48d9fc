/**
 * The export file formats, written piece by piece so an export streams: NDJSON (one
 * ExportedRecord a line), JSON (an array of them) and CSV (a header row, then one row a record:
 * topic, partition, offset, timestamp, key, key_encoding, value, value_encoding, headers; a null
 * key or value is an empty cell with the encoding `null`; headers is the JSON array of
 * ExportedHeader), quoted as RFC 4180 says (papaparse), lines ending in CRLF. And the parsers of the
 * three, so an export reads back to the exact bytes (tests, and anyone's tooling).
 *
 * Must stay true: header + records + footer is one valid file of the format for any number of
 * records (0 included); parse(format, file) gives back the records written; payload bytes survive
 * exactly (UTF-8 text when valid, base64 otherwise, see shared/exported-record.ts).
 */
import { isUtf8 } from 'node:buffer'
import Papa from 'papaparse'
import type { ExportFormat } from '../../shared/contract'
import type { ExportedHeader, ExportedRecord, PayloadEncoding } from '../../shared/exported-record'
import type { ConsumerRecord } from './engine-records'

/** The CSV columns, in order. */
export const CSV_COLUMNS = ['topic', 'partition', 'offset', 'timestamp', 'key', 'key_encoding', 'value', 'value_encoding', 'headers'] as const

/** File extension and MIME type per format. */
export const EXPORT_FILE_TYPES: Record<ExportFormat, { extension: string; mimeType: string }> = {
  ndjson: { extension: 'ndjson', mimeType: 'application/x-ndjson; charset=utf-8' },
  json: { extension: 'json', mimeType: 'application/json; charset=utf-8' },
  csv: { extension: 'csv', mimeType: 'text/csv; charset=utf-8' }
}

function payload(bytes: Buffer | null): { text: string | null; encoding: PayloadEncoding | null } {
  if (bytes === null) return { text: null, encoding: null }
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), encoding: 'utf8' } : { text: bytes.toString('base64'), encoding: 'base64' }
}

/** The exported form of an engine record. */
export function toExportedRecord(r: ConsumerRecord): ExportedRecord {
  const key = payload(r.key)
  const value = payload(r.value)
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: key.text,
    keyEncoding: key.encoding,
    value: value.text,
    valueEncoding: value.encoding,
    headers: r.headers.map((h) => {
      const v = payload(h.value)
      return { key: h.key, value: v.text, valueEncoding: v.encoding }
    })
  }
}

/** The bytes an exported payload stands for (null for null). */
export function exportedBytes(text: string | null, encoding: PayloadEncoding | null): Buffer | null {
  if (text === null || encoding === null) return null
  return Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8')
}

/** What a file of `format` starts with. */
export function exportHeader(format: ExportFormat): string {
  if (format === 'json') return '['
  if (format === 'csv') return Papa.unparse([CSV_COLUMNS as unknown as string[]], { newline: '\r\n' }) + '\r\n'
  return ''
}

/** The text of record number `index` (0-based) of a file of `format`. */
export function exportRecordText(format: ExportFormat, r: ExportedRecord, index: number): string {
  if (format === 'ndjson') return JSON.stringify(r) + '\n'
  if (format === 'json') return (index === 0 ? '\n' : ',\n') + JSON.stringify(r)
  const row = [
    r.topic,
    String(r.partition),
    String(r.offset),
    String(r.timestamp),
    r.key ?? '',
    r.keyEncoding ?? 'null',
    r.value ?? '',
    r.valueEncoding ?? 'null',
    JSON.stringify(r.headers)
  ]
  return Papa.unparse([row], { newline: '\r\n', quotes: false }) + '\r\n'
}

/** What a file of `format` with `count` records ends with. */
export function exportFooter(format: ExportFormat, count: number): string {
  return format === 'json' ? (count > 0 ? '\n]\n' : ']\n') : ''
}

function encodingOf(cell: string, column: string, row: number): PayloadEncoding | null {
  if (cell === 'null') return null
  if (cell === 'utf8' || cell === 'base64') return cell
  throw new Error(`CSV row ${row}: ${column} must be utf8, base64 or null, got ${JSON.stringify(cell)}`)
}

/**
 * Reads a whole export file back into records.
 * @throws Error naming the line or row that is not an export record.
 */
export function parseExport(format: ExportFormat, text: string): ExportedRecord[] {
  if (format === 'ndjson')
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ExportedRecord)
  if (format === 'json') return JSON.parse(text) as ExportedRecord[]
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true })
  if (parsed.errors.length) throw new Error(`CSV: ${parsed.errors[0].message} (row ${parsed.errors[0].row})`)
  const [head, ...rows] = parsed.data
  if (head?.join(',') !== CSV_COLUMNS.join(',')) throw new Error(`CSV: the header row must be ${CSV_COLUMNS.join(',')}`)
  return rows.map((c, i) => {
    const keyEncoding = encodingOf(c[5], 'key_encoding', i + 2)
    const valueEncoding = encodingOf(c[7], 'value_encoding', i + 2)
    return {
      topic: c[0],
      partition: Number(c[1]),
      offset: Number(c[2]),
      timestamp: Number(c[3]),
      key: keyEncoding === null ? null : c[4],
      keyEncoding,
      value: valueEncoding === null ? null : c[6],
      valueEncoding,
      headers: JSON.parse(c[8]) as ExportedHeader[]
    }
  })
}
