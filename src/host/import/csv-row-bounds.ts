/**
 * CsvRowBounds: follows CSV text as it streams past, chunk by chunk, only to find where rows end and
 * how many UTF-8 bytes the current row holds, so the CSV reader can stop a row that grows past its
 * limit before papaparse buffers it whole (papaparse keeps an unfinished row in memory, however
 * long: an endless line or a quote left open would take the rest of the input).
 *
 * Must stay true: rows end where papaparse ends them for the same delimiter and newline: at the
 * newline outside a quoted field, where a field is quoted only when it starts with `"`, `""` inside
 * it is a literal quote, and a closing quote may be followed by spaces before the delimiter or
 * newline (otherwise the field goes on, as papaparse reads it). Rows are numbered from 1, the
 * header row included, counting every line break outside quotes. It never parses values.
 */

const QUOTE = 0x22
const SPACE = 0x20
const CR = 0x0d
const LF = 0x0a

enum State {
  /** At the start of a field (or of a row). */
  FieldStart,
  /** Inside a field that did not start with a quote. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** A quote inside a quoted field: the end of the field, or the first half of `""`. */
  QuoteSeen,
  /** Spaces after a closing quote. */
  AfterClose
}

/** Where the CSV text stands: the row being read and its size so far. */
export class CsvRowBounds {
  private state = State.FieldStart
  /** Newline \r\n only: the last character was a \r that may start it. */
  private pendingCr = false
  /** 1-based number of the row being read. */
  row = 1
  /** UTF-8 bytes of the row being read so far (the \r of a \r\n newline included). */
  rowBytes = 0

  /**
   * @param delimiter the field delimiter papaparse uses (one character)
   * @param newline the row separator papaparse uses
   * @param maxRowBytes a row longer than this stops `feed`
   */
  constructor(
    private readonly delimiter: string,
    private readonly newline: '\r\n' | '\n' | '\r',
    private readonly maxRowBytes: number
  ) {}

  /** Whether the row being read is inside a quoted field (a quote left open, when it is too long). */
  get inQuotes(): boolean {
    return this.state === State.Quoted || this.state === State.QuoteSeen
  }

  /**
   * Follows `chunk`.
   * @returns false as soon as the row being read grows past maxRowBytes (`row` names it); true otherwise.
   */
  feed(chunk: string): boolean {
    const delim = this.delimiter.charCodeAt(0)
    const nl = this.newline === '\r' ? CR : LF
    const crlf = this.newline === '\r\n'
    let bytes = this.rowBytes
    let state = this.state
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      // A row ends at the newline outside a quoted field (right after a closing quote too).
      if (c === nl && state !== State.Quoted && (!crlf || this.pendingCr)) {
        this.row++
        bytes = 0
        state = State.FieldStart
        this.pendingCr = false
        continue
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3
      if (bytes > this.maxRowBytes) {
        this.rowBytes = bytes
        this.state = state
        return false
      }
      const wasCr = c === CR && crlf
      switch (state) {
        case State.FieldStart:
          if (c === QUOTE) state = State.Quoted
          else if (c !== delim && !wasCr) state = State.Unquoted
          break
        case State.Unquoted:
          if (c === delim) state = State.FieldStart
          break
        case State.Quoted:
          if (c === QUOTE) state = State.QuoteSeen
          break
        case State.QuoteSeen:
        case State.AfterClose:
          if (c === QUOTE) state = state === State.QuoteSeen ? State.Quoted : State.QuoteSeen
          else if (c === delim) state = State.FieldStart
          else if (c === SPACE) state = State.AfterClose
          else if (!wasCr) state = State.Quoted // not a closing quote after all: the field goes on
          break
      }
      this.pendingCr = wasCr && state !== State.Quoted
    }
    this.rowBytes = bytes
    this.state = state
    return true
  }
}
