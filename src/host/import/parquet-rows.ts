/**
 * The rows of a Parquet file, read with hyparquet (and hyparquet-compressors for ZSTD, GZIP,
 * Brotli, LZ4) in slices of at most PARQUET_SLICE_ROWS rows within one row group, so memory stays
 * bounded by a slice of rows and one row group's column chunks whatever the file's size. Each row's
 * value is a JSON object of its top-level columns in schema order:
 *
 * - INT64 (and every integer) exactly, as digits: 9223372036854775807 stays itself;
 * - FLOAT / DOUBLE as JavaScript writes the double (the shortest text that reads back to it); NaN
 *   and ±Infinity, which JSON cannot hold, as null; DECIMAL as hyparquet decodes it (a double);
 * - strings (UTF8 / STRING / ENUM) as strings; BYTE_ARRAY without a string annotation as base64;
 * - TIMESTAMP as ISO 8601 text at its unit's precision, ending in `Z` when the column is adjusted
 *   to UTC and without an offset when it holds a wall-clock time; DATE as `YYYY-MM-DD`;
 * - JSON columns as their JSON text (when it is valid JSON, else as a string); lists as arrays,
 *   structs and maps as objects.
 *
 * Must stay true: nothing is rounded but DECIMAL and floating point as stated; a file that is not
 * Parquet or uses what hyparquet cannot read fails with ImportFormatError naming the file's problem;
 * a row group over MAX_PARQUET_ROW_GROUP_BYTES (compressed) is refused naming it, before it is read.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaTree } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { ImportFormatError } from './import-format-error'
import { describeByteLimit, MAX_IMPORT_NESTING_DEPTH } from './import-limits'
import type { FieldValue, ImportRow } from './import-row'

/** Rows decoded at a time. */
export const PARQUET_SLICE_ROWS = 50_000

/** The largest row group (its column chunks, compressed) the reader fetches: 512 MiB. */
export const MAX_PARQUET_ROW_GROUP_BYTES = 512 * 1024 * 1024

/** A TIMESTAMP value as it is stored: nanoseconds since 1970-01-01T00:00, exact. */
class ParquetTime {
  constructor(
    readonly nanos: bigint,
    readonly digits: 3 | 6 | 9
  ) {}
}

/** A DATE value: days since 1970-01-01. */
class ParquetDate {
  constructor(readonly days: number) {}
}

/** A JSON column's text. */
class ParquetJson {
  constructor(readonly text: string) {}
}

const utf8 = new TextDecoder()

/** hyparquet's parsers, keeping times and JSON exact (its defaults give Dates of ms and parsed JSON). */
const parsers = {
  timestampFromMilliseconds: (v: bigint) => new ParquetTime(BigInt(v) * 1_000_000n, 3),
  timestampFromMicroseconds: (v: bigint) => new ParquetTime(BigInt(v) * 1_000n, 6),
  timestampFromNanoseconds: (v: bigint) => new ParquetTime(BigInt(v), 9),
  dateFromDays: (days: number) => new ParquetDate(days),
  stringFromBytes: (b: Uint8Array | undefined) => b && utf8.decode(b),
  jsonFromBytes: (b: Uint8Array | undefined) => b && new ParquetJson(utf8.decode(b))
}

const pad = (n: number | bigint, w = 2): string => String(n).padStart(w, '0')

/** ISO 8601 text of a time: `2001-01-01T00:47:00` (+ `.123`, `.123456`, ... when not whole seconds) (+ `Z`). */
function isoOf(t: ParquetTime, utc: boolean): string {
  const NS = 1_000_000_000n
  let secs = t.nanos / NS
  let frac = t.nanos % NS
  if (frac < 0n) {
    frac += NS
    secs -= 1n
  }
  const d = new Date(Number(secs) * 1000)
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  const digits = frac === 0n ? '' : `.${pad(frac, 9).slice(0, t.digits)}`
  return `${base}${digits}${utc ? 'Z' : ''}`
}

function dateOf(d: ParquetDate): string {
  const x = new Date(d.days * 86_400_000)
  return `${pad(x.getUTCFullYear(), 4)}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`
}

/** JSON text of a decoded Parquet value (see the module comment). */
function toJson(v: unknown, utc: boolean): string {
  if (v === null || v === undefined) return 'null'
  switch (typeof v) {
    case 'bigint':
      return v.toString()
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null'
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
      return v ? 'true' : 'false'
  }
  if (v instanceof ParquetTime) return JSON.stringify(isoOf(v, utc))
  if (v instanceof ParquetDate) return JSON.stringify(dateOf(v))
  if (v instanceof ParquetJson) return validJson(v.text) ? v.text : JSON.stringify(v.text)
  if (v instanceof Date) return JSON.stringify(v.toISOString())
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'))
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return `[${Array.from(v as ArrayLike<unknown>, (x) => toJson(x, utc)).join(',')}]`
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x, utc)}`)
    .join(',')}}`
}

function validJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** A field's value as the importer looks at it. */
function fieldOf(v: unknown, utc: boolean): FieldValue {
  if (v === null || v === undefined) return { kind: 'null' }
  if (typeof v === 'bigint') return { kind: 'number', text: v.toString() }
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', text: JSON.stringify(v) } : { kind: 'null' }
  if (typeof v === 'string') return { kind: 'string', text: v }
  if (typeof v === 'boolean') return { kind: 'boolean', text: v ? 'true' : 'false' }
  if (v instanceof ParquetTime) return { kind: 'datetime', text: isoOf(v, utc), utc, wallMs: Number(v.nanos / 1_000_000n) - (v.nanos % 1_000_000n < 0n ? 1 : 0) }
  if (v instanceof ParquetDate) return { kind: 'datetime', text: dateOf(v), utc: false, wallMs: v.days * 86_400_000 }
  if (v instanceof Uint8Array) return { kind: 'string', text: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
  return { kind: 'json', text: toJson(v, utc) }
}

/** A top-level column: its name and whether its times are adjusted to UTC. */
interface Column {
  name: string
  utc: boolean
}

function columnsOf(metadata: FileMetaData): Column[] {
  return parquetSchema(metadata).children.map((c) => {
    const lt = c.element.logical_type
    // Legacy TIMESTAMP_MILLIS / _MICROS and INT96 are instants (UTC); the TIMESTAMP logical type says.
    const utc = lt?.type === 'TIMESTAMP' ? lt.isAdjustedToUTC : true
    return { name: c.element.name, utc }
  })
}

function depthOf(tree: SchemaTree): number {
  let deepest = 0
  const stack: [SchemaTree, number][] = [[tree, 0]]
  while (stack.length > 0) {
    const [t, d] = stack.pop() as [SchemaTree, number]
    deepest = Math.max(deepest, d)
    for (const c of t.children) stack.push([c, d + 1])
  }
  return deepest
}

function parquetRow(columns: readonly Column[], data: Record<string, unknown>): ImportRow {
  let value: Buffer | null = null
  const byName = (name: string): Column | undefined => columns.find((c) => c.name === name)
  return {
    get value(): Buffer {
      value ??= Buffer.from(`{${columns.map((c) => `${JSON.stringify(c.name)}:${toJson(data[c.name], c.utc)}`).join(',')}}`, 'utf8')
      return value
    },
    isObject: true,
    fieldNames: () => columns.map((c) => c.name),
    field(name: string): FieldValue | undefined {
      const c = byName(name)
      return c ? fieldOf(data[name], c.utc) : undefined
    }
  }
}

/** Where a Parquet file's bytes are: a file path, or the bytes themselves. */
export type ParquetInput = { path: string } | { bytes: Uint8Array }

async function openParquet(input: ParquetInput): Promise<{ file: AsyncBuffer; metadata: FileMetaData }> {
  const file: AsyncBuffer =
    'path' in input
      ? await asyncBufferFromFile(input.path)
      : {
          byteLength: input.bytes.byteLength,
          // A copy of the range (Buffer#slice would share the whole underlying ArrayBuffer).
          slice: (start, end) => Uint8Array.prototype.slice.call(input.bytes, start, end ?? input.bytes.byteLength).buffer as ArrayBuffer
        }
  try {
    return { file, metadata: await parquetMetadataAsync(file) }
  } catch (e) {
    throw new ImportFormatError(`Not a Parquet file: ${(e as Error).message}`)
  }
}

/** What import/inspect tells of a Parquet file without reading its rows: its row count and columns. */
export async function parquetOutline(input: ParquetInput): Promise<{ records: number; fields: string[] }> {
  const { metadata } = await openParquet(input)
  return { records: Number(metadata.num_rows), fields: columnsOf(metadata).map((c) => c.name) }
}

/**
 * The rows of the Parquet file at `input`, in file order.
 * @throws ImportFormatError when it is not Parquet, nests deeper than MAX_IMPORT_NESTING_DEPTH, has
 *   a row group over MAX_PARQUET_ROW_GROUP_BYTES, or cannot be decoded (naming the row group).
 */
export async function* parquetRows(input: ParquetInput): AsyncGenerator<ImportRow, void, void> {
  const { file, metadata } = await openParquet(input)
  const columns = columnsOf(metadata)
  if (depthOf(parquetSchema(metadata)) > MAX_IMPORT_NESTING_DEPTH)
    throw new ImportFormatError(`The Parquet schema nests deeper than ${MAX_IMPORT_NESTING_DEPTH} levels, the most one row may nest`)
  let groupStart = 0
  for (const [g, group] of metadata.row_groups.entries()) {
    const rows = Number(group.num_rows)
    const compressed = group.columns.reduce((n, c) => n + Number(c.meta_data?.total_compressed_size ?? 0), 0)
    if (compressed > MAX_PARQUET_ROW_GROUP_BYTES)
      throw new ImportFormatError(
        `Parquet row group ${g + 1} holds ${compressed} bytes of column chunks, more than ${describeByteLimit(MAX_PARQUET_ROW_GROUP_BYTES)}, the most the importer reads at once; write the file with smaller row groups`
      )
    for (let from = 0; from < rows; from += PARQUET_SLICE_ROWS) {
      const rowStart = groupStart + from
      const rowEnd = groupStart + Math.min(rows, from + PARQUET_SLICE_ROWS)
      let slice: Record<string, unknown>[]
      try {
        slice = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors, parsers, utf8: false })
      } catch (e) {
        throw new ImportFormatError(`Parquet row group ${g + 1} (rows ${rowStart + 1} to ${rowEnd}) cannot be read: ${(e as Error).message}`)
      }
      for (let i = 0; i < slice.length; i++) {
        const data = slice[i]
        slice[i] = undefined as unknown as Record<string, unknown> // let the slice go as it is read
        yield parquetRow(columns, data)
      }
    }
    groupStart += rows
  }
}
