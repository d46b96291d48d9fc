/**
 * The rows of a JSON array file: each element of the top-level array is one row, whose value is
 * the element's source bytes (from its first byte to its last, white space around it left out), cut
 * from the stream by @streamparser/json's tokenizer (it gives each token's byte offset) and checked
 * with JSON.parse. The array itself (brackets, commas, nothing after it) is checked here.
 *
 * Must stay true: an element's bytes are the file's bytes (never re-encoded); memory stays bounded
 * by one element (at most MAX_IMPORT_ROW_BYTES) plus one slice: bytes before the element being read
 * are dropped; an element longer than the bound, nested deeper than MAX_IMPORT_NESTING_DEPTH, not
 * valid JSON or not valid UTF-8 fails naming the element (1-based) and the rule, as soon as it is seen.
 */
import { isUtf8 } from 'node:buffer'
import { Tokenizer, TokenType, type ParsedTokenInfo } from '@streamparser/json'
import { ImportFormatError } from './import-format-error'
import { describeByteLimit, MAX_IMPORT_NESTING_DEPTH, MAX_IMPORT_ROW_BYTES } from './import-limits'
import { jsonRow, type ImportRow } from './import-row'

/** Bytes handed to the tokenizer at a time, so the row bound is checked at least this often. */
const JSON_SLICE = 1 << 20

/** The message tail for a row over the byte bound. */
export const TOO_LONG_TEXT = `longer than ${describeByteLimit(MAX_IMPORT_ROW_BYTES)}, the most one row may hold`
/** The message tail for a row over the nesting bound. */
export const TOO_DEEP_TEXT = `nests deeper than ${MAX_IMPORT_NESTING_DEPTH} levels, the most one row may nest`

function isJsonSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

/** Bytes of the stream kept from a file offset on, as the chunks that hold them. */
class ByteWindow {
  private chunks: Buffer[] = []
  /** File offset of chunks[0][0]. */
  private start = 0
  private end = 0

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.end += chunk.length
  }

  /** Forgets whole chunks that end at or before `offset`. */
  dropBefore(offset: number): void {
    while (this.chunks.length > 0 && this.start + this.chunks[0].length <= offset) {
      this.start += this.chunks[0].length
      this.chunks.shift()
    }
  }

  /** The bytes [from, to) of the file (they must still be kept). */
  slice(from: number, to: number): Buffer {
    const parts: Buffer[] = []
    let at = this.start
    for (const c of this.chunks) {
      const cEnd = at + c.length
      if (cEnd > from && at < to) parts.push(c.subarray(Math.max(0, from - at), Math.min(c.length, to - at)))
      at = cEnd
      if (at >= to) break
    }
    return parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts)
  }
}

/** What the first byte of a file that is not an array holds, for the message. */
function kindOf(b: number): string {
  return b === 0x7b ? 'object' : b === 0x22 ? 'string' : 'a single value'
}

/**
 * The elements of the JSON array in `chunks` (the byte-order mark already dropped), one row each.
 * @throws ImportFormatError when the file is not one JSON array of valid elements within the bounds.
 */
export async function* jsonArrayRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<ImportRow, void, void> {
  const tokenizer = new Tokenizer()
  const window = new ByteWindow()
  const ready: ImportRow[] = []
  let depth = 0 // containers open, the top-level array included
  let started = false // the top-level [ was seen
  let ended = false // the top-level ] was seen
  let afterComma = false
  let element = 0 // 1-based number of the element being read (or last read)
  let inElement = false
  let elementStart = 0 // byte offset of the current element's first token
  let keepFrom = 0 // bytes before this offset are no longer needed
  let written = 0 // bytes handed to the tokenizer
  const tooLong = (n: number): ImportFormatError => new ImportFormatError(`JSON element ${n} is ${TOO_LONG_TEXT}`)

  const finishElement = (delimiter: number): void => {
    let end = delimiter
    let bytes = window.slice(elementStart, end)
    while (end > elementStart && isJsonSpace(bytes[end - elementStart - 1])) end--
    if (end - elementStart !== bytes.length) bytes = bytes.subarray(0, end - elementStart)
    if (bytes.length > MAX_IMPORT_ROW_BYTES) throw tooLong(element)
    if (!isUtf8(bytes)) throw new ImportFormatError(`JSON element ${element} is not valid UTF-8 (JSON text is UTF-8, RFC 8259)`)
    const text = bytes.toString('utf8')
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (e) {
      throw new ImportFormatError(`JSON element ${element} is not valid JSON: ${(e as Error).message}`)
    }
    ready.push(jsonRow(bytes, text, parsed))
  }

  tokenizer.onToken = ({ token, offset }: ParsedTokenInfo) => {
    if (ended) throw new ImportFormatError(`Not valid JSON: something follows the array (at byte ${offset} of the file)`)
    if (!started) {
      // The first byte was checked to be [ before anything was written.
      started = true
      depth = 1
      keepFrom = offset + 1
      return
    }
    if (depth === 1) {
      if (token === TokenType.COMMA || token === TokenType.RIGHT_BRACKET) {
        if (inElement) finishElement(offset)
        else if (token === TokenType.COMMA || afterComma)
          throw new ImportFormatError(`Not valid JSON: a value is missing ${token === TokenType.COMMA ? 'before' : 'after'} the comma (at byte ${offset} of the file)`)
        inElement = false
        keepFrom = offset + 1
        afterComma = token === TokenType.COMMA
        if (token === TokenType.RIGHT_BRACKET) {
          ended = true
          depth = 0
        }
        return
      }
      if (token === TokenType.RIGHT_BRACE || token === TokenType.COLON)
        throw new ImportFormatError(`Not valid JSON: unexpected "${token === TokenType.COLON ? ':' : '}'}" in the array (at byte ${offset} of the file)`)
      if (!inElement) {
        element++
        inElement = true
        elementStart = offset
        keepFrom = offset
      }
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      depth++
      if (depth - 1 > MAX_IMPORT_NESTING_DEPTH)
        throw new ImportFormatError(`JSON element ${element} ${TOO_DEEP_TEXT} (at byte ${offset} of the file)`)
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) depth--
  }

  const write = (chunk: Buffer): void => {
    window.push(chunk)
    for (let i = 0; i < chunk.length; i += JSON_SLICE) {
      const slice = chunk.length <= JSON_SLICE ? chunk : chunk.subarray(i, i + JSON_SLICE)
      try {
        tokenizer.write(slice)
      } catch (e) {
        if (e instanceof ImportFormatError) throw e
        throw new ImportFormatError(`Not valid JSON${inElement ? ` in element ${element}` : ''}: ${(e as Error).message}`)
      }
      written += slice.length
      // The row being read so far: the element since its first token, or the bytes since the last delimiter.
      if (!ended && written - keepFrom > MAX_IMPORT_ROW_BYTES) throw tooLong(inElement ? element : element + 1)
      window.dropBefore(keepFrom)
    }
  }

  let sawStart = false
  let leadingBytes = 0
  for await (const chunk of chunks) {
    if (!sawStart) {
      let i = 0
      while (i < chunk.length && isJsonSpace(chunk[i])) i++
      if (i === chunk.length) {
        leadingBytes += chunk.length
        if (leadingBytes > MAX_IMPORT_ROW_BYTES)
          throw new ImportFormatError(`Not valid JSON: no array starts within the first ${describeByteLimit(MAX_IMPORT_ROW_BYTES)} of the file`)
        write(chunk)
        continue
      }
      sawStart = true
      if (chunk[i] !== 0x5b) throw new ImportFormatError(`A JSON import file must hold an array of records, got ${kindOf(chunk[i])}`)
    }
    write(chunk)
    for (const row of ready.splice(0)) yield row
  }
  if (!sawStart) throw new ImportFormatError('Not valid JSON: the file is empty')
  try {
    tokenizer.end()
  } catch (e) {
    if (e instanceof ImportFormatError) throw e
    throw new ImportFormatError(`Not valid JSON: ${(e as Error).message}`)
  }
  for (const row of ready.splice(0)) yield row
  if (!ended)
    throw new ImportFormatError(
      `Not valid JSON: the file ends before the array is closed${inElement ? ` (inside element ${element})` : ''}`
    )
}
