/**
 * Records from lines, as kafka-console-producer reads them: one record per line of a file or of
 * standard input (LF or CRLF line ends; the last line needs no line end); with a key separator
 * (kafka-console-producer's `parse.key=true` and `key.separator`), the text before the first
 * separator is the key and the rest the value, and a line without the separator is refused
 * naming its number, as Kafka's LineMessageReader does. Lines are read as a stream, so a value of
 * any size (1 MB and more) passes without the shell's argument limit.
 *
 * Must stay true: lines are numbered from 1 in input order; a line's text is its bytes as UTF-8
 * without the line end.
 */
import { createInterface } from 'node:readline'

/** One record read from a line. */
export interface LineRecord {
  /** 1-based line number. */
  line: number
  key: string | null
  value: string
}

/** A line without the key separator. */
export class MissingKeySeparatorError extends Error {
  constructor(
    readonly line: number,
    separator: string,
    source: string
  ) {
    super(`${source}: no key separator ${JSON.stringify(separator)} found on line number ${line} (--key-separator parses "key${separator}value" lines)`)
  }
}

/**
 * The records of `input`, line by line.
 * @param keySeparator split each line at its first occurrence (null: the whole line is the value, the key null).
 * @param source names the input in errors (a file path, or "stdin").
 * @throws MissingKeySeparatorError for a line without the separator.
 */
export async function* lineRecords(input: NodeJS.ReadableStream, keySeparator: string | null, source: string): AsyncGenerator<LineRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity })
  let line = 0
  for await (const text of lines) {
    line++
    if (keySeparator === null) {
      yield { line, key: null, value: text }
      continue
    }
    const at = text.indexOf(keySeparator)
    if (at < 0) throw new MissingKeySeparatorError(line, keySeparator, source)
    yield { line, key: text.slice(0, at), value: text.slice(at + keySeparator.length) }
  }
}
