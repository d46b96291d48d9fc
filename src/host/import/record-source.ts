/**
 * Reads an import file's rows, whatever its format: a JSON array (json-array-rows.ts), NDJSON
 * (ndjson-rows.ts), CSV (csv-rows.ts) or Parquet (parquet-rows.ts). Text formats are read as a
 * stream of byte chunks, from a file (1 MiB reads), from bytes in memory, or from any chunk source
 * (tests); Parquet needs random access (a file or bytes). Rows come out one at a time, so a file of
 * any size is read in bounded memory, and reading stops when the consumer stops.
 *
 * Must stay true: a byte-order mark at the start of a text file is dropped (and only there); parse
 * problems raise ImportFormatError naming the format, the line, row or element, and the rule; every
 * row is bounded (./import-limits.ts).
 */
import { createReadStream } from 'node:fs'
import type { ImportFormat } from '../../shared/import-format'
import { csvRows } from './csv-rows'
import { ImportFormatError } from './import-format-error'
import type { ImportRow } from './import-row'
import { jsonArrayRows } from './json-array-rows'
import { ndjsonRows } from './ndjson-rows'
import { parquetRows } from './parquet-rows'

export { ImportFormatError }
export type { ImportFormat }

/** Chunks of a text file in order: byte chunks, or strings (taken as their UTF-8 bytes). */
export type ChunkSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>

/** Where an import file's bytes come from: a file path, bytes in memory, or a chunk source (text formats only). */
export type ImportInput = { path: string } | { bytes: Uint8Array } | ChunkSource

/** How rows are read. */
export interface ReadOptions {
  /** CSV: typed columns (numbers, booleans, empty as null) instead of strings; see csv-rows.ts. */
  csvTypedColumns?: boolean
}

/** Bytes read from a file at a time. */
const READ_CHUNK = 1 << 20

function isChunkSource(input: ImportInput): input is ChunkSource {
  return Symbol.asyncIterator in (input as object) || Symbol.iterator in (input as object)
}

/** The byte chunks of `input`, empty ones left out, a UTF-8 byte-order mark at the very start dropped. */
async function* byteChunks(input: ImportInput): AsyncGenerator<Buffer, void, void> {
  const source: ChunkSource = isChunkSource(input)
    ? input
    : 'path' in input
      ? createReadStream(input.path, { highWaterMark: READ_CHUNK })
      : [input.bytes]
  let head: Buffer | null = Buffer.alloc(0) // the first bytes, until there are 3 to look for the mark in
  for await (const c of source) {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength)
    if (chunk.length === 0) continue
    if (head === null) {
      yield chunk
      continue
    }
    head = Buffer.concat([head, chunk])
    if (head.length < 3 && [0xef, 0xbb, 0xbf].slice(0, head.length).every((b, i) => head![i] === b)) continue
    const rest = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head
    head = null
    if (rest.length > 0) yield rest
  }
  if (head !== null && head.length > 0) yield head // fewer than 3 bytes in all
}

/**
 * The rows of `input` read as `format`, one at a time.
 * @throws ImportFormatError on malformed input, when the bad part is reached (for Parquet given as
 *   a chunk source: at once, since Parquet needs a file or bytes).
 */
export async function* readRecordRows(input: ImportInput, format: ImportFormat, options: ReadOptions = {}): AsyncGenerator<ImportRow, void, void> {
  switch (format) {
    case 'json':
      yield* jsonArrayRows(byteChunks(input))
      return
    case 'ndjson':
      yield* ndjsonRows(byteChunks(input))
      return
    case 'csv':
      yield* csvRows(byteChunks(input), options.csvTypedColumns ?? false)
      return
    case 'parquet':
      if (isChunkSource(input)) throw new ImportFormatError('A Parquet file is read from a file or from bytes, not as a stream')
      yield* parquetRows(input)
      return
  }
}

/**
 * Every row of `content` read as `format` (tests, small files in memory).
 * @throws ImportFormatError on malformed input.
 */
export async function parseRecordSource(content: string | Uint8Array, format: ImportFormat, options: ReadOptions = {}): Promise<ImportRow[]> {
  const rows: ImportRow[] = []
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  for await (const row of readRecordRows({ bytes }, format, options)) rows.push(row)
  return rows
}
