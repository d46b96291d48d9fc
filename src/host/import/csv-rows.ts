/**
 * The rows of a CSV file (a header row, then one row a record; the delimiter and line end as
 * papaparse detects them from the first line; RFC 4180 quoting), parsed by papaparse from the
 * decoded text as a stream. Each row's value is a JSON object of its fields in header order: by
 * default every field a JSON string exactly as it stands in the file (`007` stays "007"); with typed
 * columns a field that is a JSON number as written (`-1.50`, `12345678901234567890`) is that number,
 * `true` / `false` are booleans and an empty field is null, everything else a string.
 *
 * Must stay true: no field is rounded, trimmed or guessed at beyond the typed rule above; rows are
 * bounded by CsvRowBounds (a row longer than MAX_IMPORT_ROW_BYTES fails naming it before papaparse
 * buffers it whole); a row whose field count does not match the header fails naming it.
 */
import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import Papa from 'papaparse'
import { CsvRowBounds } from './csv-row-bounds'
import { ImportFormatError } from './import-format-error'
import { MAX_IMPORT_ROW_BYTES } from './import-limits'
import type { FieldValue, ImportRow } from './import-row'
import { TOO_LONG_TEXT } from './json-array-rows'

/** Rows buffered by the CSV reader before it pauses the parser. */
const CSV_HIGH_WATER = 1024

/** A JSON number as JSON writes it: optional minus, no leading zeros, optional fraction and exponent. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/

/** What a CSV field is as a typed column (see the module comment). */
export function typedCsvField(text: string): FieldValue {
  if (text === '') return { kind: 'null' }
  if (text === 'true' || text === 'false') return { kind: 'boolean', text }
  if (JSON_NUMBER.test(text)) return { kind: 'number', text }
  return { kind: 'string', text }
}

function fieldJson(v: FieldValue): string {
  return v.kind === 'null' ? 'null' : v.kind === 'string' ? JSON.stringify(v.text) : v.text
}

/** A CSV row as an ImportRow: its fields by header, the value built on first use. */
function csvRow(header: readonly string[], data: Record<string, string>, typed: boolean): ImportRow {
  const fieldOf = (name: string): FieldValue => (typed ? typedCsvField(data[name]) : { kind: 'string', text: data[name] })
  let value: Buffer | null = null
  return {
    get value(): Buffer {
      value ??= Buffer.from(`{${header.map((h) => `${JSON.stringify(h)}:${fieldJson(fieldOf(h))}`).join(',')}}`, 'utf8')
      return value
    },
    isObject: true,
    fieldNames: () => [...header],
    field: (name) => (Object.prototype.hasOwnProperty.call(data, name) && header.includes(name) ? fieldOf(name) : undefined)
  }
}

/** Text chunks decoded from UTF-8 bytes (a character split between chunks is joined). */
async function* decoded(chunks: AsyncIterable<Buffer>): AsyncGenerator<string, void, void> {
  const decoder = new StringDecoder('utf8')
  for await (const c of chunks) {
    const s = decoder.write(c)
    if (s.length > 0) yield s
  }
  const tail = decoder.end()
  if (tail.length > 0) yield tail
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

/**
 * The rows of the CSV in `chunks` (the byte-order mark already dropped).
 * @param typed typed columns (see the module comment); default false: every field a string.
 * @throws ImportFormatError naming the row (1-based, the header row is row 1) that breaks a rule.
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>, typed = false): AsyncGenerator<ImportRow, void, void> {
  // Read up to the end of the first line to know the line ending and the delimiter, then hand
  // papaparse the lot, following the rows on the way so that none grows past the bound.
  const texts = decoded(chunks)[Symbol.asyncIterator]()
  let head = ''
  let headBytes = 0
  let sourceDone = false
  let endedWithCr = false // the last chunk ended with a \r: the next character tells which line end it is
  for (let lineEnded = false; !lineEnded; ) {
    const c = await texts.next()
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
      await texts.return?.()
      throw new ImportFormatError(`CSV row 1 is ${TOO_LONG_TEXT}`)
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
      tooLong = new ImportFormatError(`CSV row ${bounds.row} is ${TOO_LONG_TEXT}${hint}`)
      throw tooLong
    }
    return chunk
  }
  const rest = async function* (): AsyncGenerator<string, void, void> {
    if (head.length > 0) yield follow(head)
    if (sourceDone) return
    for (let c = await texts.next(); !c.done; c = await texts.next()) yield follow(c.value)
  }
  const input = Readable.from(rest(), { objectMode: false, encoding: 'utf8' })
  // papaparse pushes rows; this bridges them to a pull: rows queue up, the parser pauses at the
  // high-water mark and resumes when the consumer has taken them.
  const queue: (ImportRow | undefined)[] = []
  let queueHead = 0
  let finished = false
  let failure: ImportFormatError | null = null
  let parser: Papa.Parser | null = null
  let paused = false
  let wake: (() => void) | null = null
  let row = 0
  let header: string[] | null = null
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
      } else {
        header ??= r.meta.fields ?? Object.keys(r.data)
        queue.push(csvRow(header, r.data, typed))
      }
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
        const r = queue[queueHead] as ImportRow
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
    await texts.return?.()
  }
}
