/**
 * Reads an import file's rows: a JSON array (parsed as a stream by @streamparser/json), NDJSON (one
 * JSON value a line, blank lines skipped) or CSV (header row, comma-separated, RFC 4180 quoting,
 * parsed by papaparse). Rows come out one at a time from a stream of text chunks, so a file of any
 * size is read in bounded memory; the UI's in-memory content goes through the same code as one chunk.
 * Also picks the format from a file name.
 *
 * Must stay true: parse problems raise ImportFormatError naming the format, the line, row or
 * element, and what was expected; CSV fields stay strings (no type guessing), so values round-trip
 * exactly; a byte-order mark at the start is ignored; JSON values are what JSON.parse gives. Every
 * row is bounded (./import-limits.ts): a line, row or element longer than MAX_IMPORT_ROW_BYTES, or
 * JSON nested deeper than MAX_IMPORT_NESTING_DEPTH, fails as soon as the reader sees it, naming
 * where and the limit, so an endless line (`/dev/zero`) ends after at most that many bytes (plus a
 * chunk) have been buffered.
 */
import { Readable } from 'node:stream'
import { TokenParser, Tokenizer, TokenType, type ParsedTokenInfo } from '@streamparser/json'
import Papa from 'papaparse'
import { CsvRowBounds } from './csv-row-bounds'
import { describeByteLimit, jsonNestsDeeperThan, MAX_IMPORT_NESTING_DEPTH, MAX_IMPORT_ROW_BYTES } from './import-limits'

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

/** Characters handed to the JSON tokenizer at a time, so the row bound is checked at least this often. */
const JSON_SLICE = 1 << 20

const tooLongText = `longer than ${describeByteLimit(MAX_IMPORT_ROW_BYTES)}, the most one row may hold`
const tooDeepText = `nests deeper than ${MAX_IMPORT_NESTING_DEPTH} levels, the most one row may nest`

async function* jsonRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  // Elements of the top-level array, emitted as each completes; keepStack false drops them after.
  // The tokenizer and token parser are wired as JSONParser wires them, with the tokens watched on
  // the way: they give each element's start (a byte offset) and the nesting depth.
  const tokenizer = new Tokenizer()
  const parser = new TokenParser({ paths: ['$.*'], keepStack: false })
  tokenizer.onEnd = () => {
    if (!parser.isEnded) parser.end()
  }
  parser.onError = tokenizer.error.bind(tokenizer)
  parser.onEnd = () => {
    if (!tokenizer.isEnded) tokenizer.end()
  }
  const ready: unknown[] = []
  parser.onValue = ({ value }) => ready.push(value)
  // An element's bytes run from its first token to the comma or bracket after it.
  let depth = 0 // containers open, the top-level array included
  let element = 0 // 1-based number of the element being read (or last read)
  let inElement = false
  let elementStart = 0 // byte offset of the current element's first token
  let lastToken = 0 // byte offset of the last token
  let written = 0 // bytes handed to the tokenizer
  const tooLong = (n: number): ImportFormatError => new ImportFormatError(`JSON element ${n} is ${tooLongText}`)
  tokenizer.onToken = (info: ParsedTokenInfo) => {
    const { token, offset } = info
    lastToken = offset
    if (depth === 1) {
      const delimiter = token === TokenType.COMMA || token === TokenType.RIGHT_BRACKET
      if (delimiter && inElement) {
        if (offset - elementStart > MAX_IMPORT_ROW_BYTES) throw tooLong(element)
        inElement = false
      } else if (!delimiter && !inElement) {
        element++
        inElement = true
        elementStart = offset
      }
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      depth++
      if (depth - 1 > MAX_IMPORT_NESTING_DEPTH)
        throw new ImportFormatError(`JSON element ${element} ${tooDeepText} (at byte ${offset} of the file)`)
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--
    parser.write(info)
  }
  /** The row being read so far: the element since its first token, or the bytes since the last token. */
  const checkBound = (): void => {
    if (written - (inElement ? elementStart : lastToken) > MAX_IMPORT_ROW_BYTES) throw tooLong(inElement ? element : element + 1)
  }
  const write = (text: string): void => {
    for (let i = 0; i < text.length; i += JSON_SLICE) {
      const slice = text.length <= JSON_SLICE ? text : text.slice(i, i + JSON_SLICE)
      try {
        tokenizer.write(slice)
      } catch (e) {
        if (e instanceof ImportFormatError) throw e
        throw new ImportFormatError(`Not valid JSON: ${(e as Error).message}`)
      }
      written += Buffer.byteLength(slice, 'utf8')
      checkBound()
    }
  }
  let sawStart = false
  let sawAny = false
  let leadingBytes = 0
  for await (const chunk of withoutBom(source)) {
    if (!sawStart) {
      const first = chunk.trimStart()
      if (first.length === 0) {
        leadingBytes += Buffer.byteLength(chunk, 'utf8')
        if (leadingBytes > MAX_IMPORT_ROW_BYTES)
          throw new ImportFormatError(`Not valid JSON: no array starts within the first ${describeByteLimit(MAX_IMPORT_ROW_BYTES)} of the file`)
        continue
      }
      sawStart = true
      if (first[0] !== '[') {
        const kind = first[0] === '{' ? 'object' : first[0] === '"' ? 'string' : 'a single value'
        throw new ImportFormatError(`A JSON import file must hold an array of records, got ${kind}`)
      }
    }
    sawAny = true
    write(chunk)
    for (const v of ready.splice(0)) yield v
  }
  if (!sawAny) throw new ImportFormatError('Not valid JSON: the file is empty')
  try {
    // The parser ends by itself once the top-level array closes; otherwise the input was cut short.
    if (!tokenizer.isEnded) tokenizer.end()
    else if (!parser.isEnded) parser.end()
  } catch (e) {
    throw new ImportFormatError(`Not valid JSON: ${(e as Error).message}`)
  }
  for (const v of ready.splice(0)) yield v
}

async function* ndjsonRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  let parts: string[] = [] // the line being read, in pieces
  let partBytes = 0
  let lineNo = 0 // lines finished
  const parse = (line: string): unknown => {
    if (jsonNestsDeeperThan(line, MAX_IMPORT_NESTING_DEPTH)) throw new ImportFormatError(`NDJSON line ${lineNo} ${tooDeepText}`)
    try {
      return JSON.parse(line)
    } catch (e) {
      throw new ImportFormatError(`NDJSON line ${lineNo} is not valid JSON: ${(e as Error).message}`)
    }
  }
  const add = (piece: string): void => {
    partBytes += Buffer.byteLength(piece, 'utf8')
    if (partBytes > MAX_IMPORT_ROW_BYTES) throw new ImportFormatError(`NDJSON line ${lineNo + 1} is ${tooLongText}`)
    if (piece.length > 0) parts.push(piece)
  }
  for await (const chunk of withoutBom(source)) {
    let from = 0
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
      add(chunk.slice(from, nl))
      from = nl + 1
      lineNo++
      const line = (parts.length === 1 ? parts[0] : parts.join('')).trim()
      parts = []
      partBytes = 0
      if (line !== '') yield parse(line)
    }
    add(from === 0 ? chunk : chunk.slice(from))
  }
  lineNo++
  const last = parts.join('').trim()
  if (last !== '') yield parse(last)
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

/** Whether `chunk` shows where the first line ends: a \n, or a \r with a character after it. */
function endsFirstLine(chunk: string): boolean {
  const cr = chunk.indexOf('\r')
  return chunk.includes('\n') || (cr >= 0 && cr < chunk.length - 1)
}

async function* csvRows(source: TextSource): AsyncGenerator<unknown, void, void> {
  // Read up to the end of the first line to know the line ending and the delimiter, then hand
  // papaparse the lot, following the rows on the way so that none grows past the bound.
  const chunks = withoutBom(source)[Symbol.asyncIterator]()
  let head = ''
  let headBytes = 0
  let sourceDone = false
  let endedWithCr = false // the last chunk ended with a \r: the next character tells which line end it is
  for (let lineEnded = false; !lineEnded; ) {
    const c = await chunks.next()
    if (c.done) {
      sourceDone = true
      break
    }
    const afterCr = endedWithCr && c.value.length > 0
    endedWithCr = c.value.endsWith('\r')
    head += c.value
    headBytes += Buffer.byteLength(c.value, 'utf8')
    lineEnded = afterCr || endsFirstLine(c.value)
    if (!lineEnded && headBytes > MAX_IMPORT_ROW_BYTES) {
      await chunks.return?.()
      throw new ImportFormatError(`CSV row 1 is ${tooLongText}`)
    }
  }
  const newline = csvNewline(head)
  // The delimiter papaparse guesses from the start of the file, given to it explicitly so that
  // the row bounds below and papaparse agree on where fields and rows end.
  const delimiter = Papa.parse<Record<string, string>>(head, { header: true, skipEmptyLines: true, newline, preview: 1 }).meta.delimiter || ','
  const bounds = new CsvRowBounds(delimiter, newline, MAX_IMPORT_ROW_BYTES)
  let tooLong: ImportFormatError | null = null
  const follow = (chunk: string): string => {
    if (!bounds.feed(chunk)) {
      const hint = bounds.inQuotes ? ' (a quote left open makes the rest of the file one field)' : ''
      tooLong = new ImportFormatError(`CSV row ${bounds.row} is ${tooLongText}${hint}`)
      throw tooLong
    }
    return chunk
  }
  const rest = async function* (): AsyncGenerator<string, void, void> {
    if (head.length > 0) yield follow(head)
    if (sourceDone) return
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) yield follow(c.value)
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
    newline,
    delimiter,
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
      if (tooLong) throw tooLong
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
