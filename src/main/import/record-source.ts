/**
 * Reads an import file's rows: a JSON array (parsed as a stream by @streamparser/json), NDJSON (one
 * JSON value a line, blank lines skipped) or CSV (header row, comma-separated, RFC 4180 quoting,
 * parsed by papaparse). Rows come out one at a time from a stream of text chunks, so a file of any
 * size is read in bounded memory; the UI's in-memory content goes through the same code as one chunk.
 * Also picks the format from a file name.
 *
 * Must stay true: parse problems raise ImportFormatError naming the format, the line, row or
 * element, and what was expected; CSV fields stay strings (no type guessing), so values round-trip
 * exactly; a byte-order mark at the start is ignored; JSON values are what JSON.parse gives.
 */
import { Readable } from 'node:stream'
import { JSONParser } from '@streamparser/json'
import Papa from 'papaparse'

/** Formats the importer reads. */
export type ImportFormat = 'json' | 'ndjson' | 'csv'

/** A bad import file: the message names the format, where, and the rule. */
export class ImportFormatError extends Error {
  readonly code = 'INVALID_IMPORT_FILE'
  constructor(message: string) {
    super(message)
    this.name = 'ImportFormatError'
  }
}

/**
 * The format implied by a file name's extension: .json, .ndjson / .jsonl, .csv.
 * @returns null when the extension says nothing.
 */
export function formatFromFileName(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase()
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson'
  if (lower.endsWith('.json')) return 'json'
  if (lower.endsWith('.csv')) return 'csv'
  return null
}

/** Text chunks in order: a file read stream with utf8 encoding, or an array of strings. */
export type TextSource = AsyncIterable<string> | Iterable<string>

/** Rows buffered by the CSV reader before it pauses the parser. */
const CSV_HIGH_WATER = 1024

/**
 * The rows of `source` read as `format` (JSON values; CSV rows become objects keyed by header), one
 * at a time. Stops reading when the consumer stops.
 * @throws ImportFormatError on malformed input, when the bad part is reached.
 */
export function readRecordRows(source: TextSource, format: ImportFormat): AsyncGenerator<unknown, void, void> {
  switch (format) {
    case 'json':
      return jsonRows(source)
    case 'ndjson':
      return ndjsonRows(source)
    case 'csv':
      return csvRows(source)
  }
}

/**
 * Parses `content` as `format` into rows (the UI's import: the file's text in memory).
 * @throws ImportFormatError on malformed input.
 */
export async function parseRecordSource(content: string, format: ImportFormat): Promise<unknown[]> {
  const rows: unknown[] = []
  for await (const row of readRecordRows([content], format)) rows.push(row)
  return rows
}

/** Drops a byte-order mark at the very start of the text. */
async function* withoutBom(source: TextSource): AsyncGenerator<string, void, void> {
  let first = true
  for await (const chunk of source) {
    if (first && chunk.length > 0) {
      first = false
      yield chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk
    } else if (chunk.length > 0) yield chunk
  }
}

async function* jsonRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  // Elements of the top-level array, emitted as each completes; keepStack false drops them after.
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false })
  const ready: unknown[] = []
  parser.onValue = ({ value }) => ready.push(value)
  let sawStart = false
  let sawAny = false
  const fail = (e: unknown): never => {
    throw new ImportFormatError(`Not valid JSON: ${(e as Error).message}`)
  }
  for await (const chunk of withoutBom(source)) {
    if (!sawStart) {
      const first = chunk.trimStart()
      if (first.length === 0) continue
      sawStart = true
      if (first[0] !== '[') {
        const kind = first[0] === '{' ? 'object' : first[0] === '"' ? 'string' : 'a single value'
        throw new ImportFormatError(`A JSON import file must hold an array of records, got ${kind}`)
      }
    }
    sawAny = true
    try {
      parser.write(chunk)
    } catch (e) {
      fail(e)
    }
    for (const v of ready.splice(0)) yield v
  }
  if (!sawAny) throw new ImportFormatError('Not valid JSON: the file is empty')
  try {
    // The parser ends by itself once the top-level array closes; otherwise the input was cut short.
    if (!parser.isEnded) parser.end()
  } catch (e) {
    fail(e)
  }
  for (const v of ready.splice(0)) yield v
}

async function* ndjsonRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  let rest = ''
  let lineNo = 0
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line)
    } catch (e) {
      throw new ImportFormatError(`NDJSON line ${lineNo} is not valid JSON: ${(e as Error).message}`)
    }
  }
  for await (const chunk of withoutBom(source)) {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()!
    for (const raw of lines) {
      lineNo++
      const line = raw.trim()
      if (line !== '') yield parse(line)
    }
  }
  lineNo++
  if (rest.trim() !== '') yield parse(rest.trim())
}

/**
 * The line ending of a CSV file, from its first line (papaparse guesses it from the first chunk it
 * sees, which goes wrong when a chunk ends before the first line does).
 */
function csvNewline(head: string): '\r\n' | '\n' | '\r' {
  const lf = head.indexOf('\n')
  if (lf > 0 && head[lf - 1] === '\r') return '\r\n'
  if (lf >= 0) return '\n'
  return head.includes('\r') ? '\r' : '\n'
}

async function* csvRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  // Read up to the end of the first line to know the line ending, then hand papaparse the lot.
  const chunks = withoutBom(source)[Symbol.asyncIterator]()
  let head = ''
  let sourceDone = false
  while (!head.includes('\n')) {
    const c = await chunks.next()
    if (c.done) {
      sourceDone = true
      break
    }
    head += c.value
  }
  const rest = async function* (): AsyncGenerator<string, void, void> {
    if (head.length > 0) yield head
    if (sourceDone) return
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) yield c.value
  }
  const input = Readable.from(rest(), { objectMode: false, encoding: 'utf8' })
  // papaparse pushes rows; this bridges them to a pull: rows queue up, the parser pauses at the
  // high-water mark and resumes when the consumer has taken them.
  const queue: unknown[] = []
  let queueHead = 0
  let finished = false
  let failure: ImportFormatError | null = null
  let parser: Papa.Parser | null = null
  let paused = false
  let wake: (() => void) | null = null
  let row = 0
  const notify = (): void => {
    const w = wake
    wake = null
    w?.()
  }
  Papa.parse<Record<string, string>>(input as unknown as Papa.LocalFile, {
    header: true,
    skipEmptyLines: true,
    dynamicTyping: false,
    newline: csvNewline(head),
    step: (r, p) => {
      parser = p
      row++
      const fatal = r.errors.find((e) => e.type !== 'Delimiter')
      if (fatal) {
        failure = new ImportFormatError(`CSV row ${row + 1}: ${fatal.message} (the first line must be a header row)`)
        p.abort()
      } else queue.push(r.data)
      if (queue.length - queueHead >= CSV_HIGH_WATER && !paused) {
        // The parser's pause stops parsing but not reading: pause the input too.
        paused = true
        p.pause()
        input.pause()
      }
      notify()
    },
    complete: () => {
      finished = true
      notify()
    },
    error: (e: Error) => {
      failure = new ImportFormatError(`CSV: ${e.message}`)
      finished = true
      notify()
    }
  })
  try {
    for (;;) {
      if (queueHead < queue.length) {
        const r = queue[queueHead]
        queue[queueHead++] = undefined
        if (queueHead > CSV_HIGH_WATER) {
          queue.splice(0, queueHead)
          queueHead = 0
        }
        yield r
        continue
      }
      if (failure) throw failure
      if (finished) return
      if (paused && parser) {
        paused = false
        input.resume()
        ;(parser as Papa.Parser).resume() // may push rows at once: look at the queue again first
        continue
      }
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    if (!finished) (parser as Papa.Parser | null)?.abort()
    input.destroy()
    await chunks.return?.()
  }
}
