/**
 * The rows of an NDJSON file (one JSON value a line, `\n` or `\r\n` line ends, blank lines
 * skipped): each line is one row whose value is the line's bytes as they are (without its line
 * end), checked with JSON.parse.
 *
 * Must stay true: a line's bytes are the file's bytes (never re-encoded); lines are numbered from 1
 * counting blank ones; a line longer than MAX_IMPORT_ROW_BYTES (its \r included) fails as soon as
 * the reader has seen that many bytes of it, so an endless line ends after at most that many bytes
 * (plus a chunk) were buffered; a line nested deeper than MAX_IMPORT_NESTING_DEPTH, not valid UTF-8
 * or not valid JSON fails naming the line.
 */
import { isUtf8 } from 'node:buffer'
import { ImportFormatError } from './import-format-error'
import { jsonNestsDeeperThan, MAX_IMPORT_NESTING_DEPTH, MAX_IMPORT_ROW_BYTES } from './import-limits'
import { jsonRow, type ImportRow } from './import-row'
import { TOO_DEEP_TEXT, TOO_LONG_TEXT } from './json-array-rows'

/** Whether `bytes` hold only JSON white space. */
function blank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false
  return true
}

/**
 * The lines of the NDJSON in `chunks` (the byte-order mark already dropped), one row each.
 * @throws ImportFormatError naming the line that breaks a rule.
 */
export async function* ndjsonRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<ImportRow, void, void> {
  let parts: Buffer[] = [] // the line being read, in pieces
  let partBytes = 0
  let lineNo = 0 // lines finished
  const row = (pieces: Buffer[]): ImportRow | null => {
    let bytes = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces)
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1)
    if (blank(bytes)) return null
    if (!isUtf8(bytes)) throw new ImportFormatError(`NDJSON line ${lineNo} is not valid UTF-8 (JSON text is UTF-8, RFC 8259)`)
    const text = bytes.toString('utf8')
    if (jsonNestsDeeperThan(text, MAX_IMPORT_NESTING_DEPTH)) throw new ImportFormatError(`NDJSON line ${lineNo} ${TOO_DEEP_TEXT}`)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (e) {
      throw new ImportFormatError(`NDJSON line ${lineNo} is not valid JSON: ${(e as Error).message}`)
    }
    return jsonRow(Buffer.from(bytes), text, parsed)
  }
  const add = (piece: Buffer): void => {
    partBytes += piece.length
    if (partBytes > MAX_IMPORT_ROW_BYTES) throw new ImportFormatError(`NDJSON line ${lineNo + 1} is ${TOO_LONG_TEXT}`)
    if (piece.length > 0) parts.push(piece)
  }
  for await (const chunk of chunks) {
    let from = 0
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      add(chunk.subarray(from, nl))
      from = nl + 1
      lineNo++
      const r = row(parts)
      parts = []
      partBytes = 0
      if (r) yield r
    }
    add(from === 0 ? chunk : chunk.subarray(from))
  }
  lineNo++
  const last = parts.length > 0 ? row(parts) : null
  if (last) yield last
}
