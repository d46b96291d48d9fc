/**
 * FieldMatcher: a search text filter (contract TextFilter) applied to record fields where they lie,
 * in the bytes of a records section (see RecordCursor), so that the search finds what
 * compileTextFilter's matchers find on the decoded fields without decoding every record:
 *
 * - substring: the pattern's UTF-8 bytes, found with Buffer.indexOf over the whole buffer read, not
 *   field by field: the matcher remembers the first occurrence at or after the last position asked
 *   about, so one indexOf jumps over every field (and batch) that cannot match, and a batch with no
 *   occurrence inside its records section is ruled out before its records are looked at (`prepare`).
 *   A field matches when an occurrence lies wholly inside it (one that spans two fields or two
 *   batches matches nothing). Header keys are text: the same bytes test is exact for them, except
 *   for a pattern holding U+FFFD or a lone surrogate, which is tested on the decoded key.
 * - substring ignoring case, pattern lower-cased once: when the lower-cased pattern is ASCII, the
 *   bytes are compared ASCII case-insensitively in place (an ASCII-case-insensitive occurrence
 *   inside a field makes its decoded lower-cased text contain the pattern: ASCII bytes are whole
 *   characters in UTF-8, and lower-casing maps A-Z to a-z whatever surrounds them), anchored with
 *   Buffer.indexOf on the pattern's longest run of non-letters when it has one of 2 bytes or more.
 *   The only non-ASCII characters whose lower case holds an ASCII character are U+0130 (to "i̇") and
 *   U+212A KELVIN SIGN (to "k") (NON_ASCII_LOWERING_TO_ASCII, checked by a test over every code
 *   point): a field holding one of them, when the pattern has an i or a k, is tested on its decoded
 *   lower-cased text as well. A pattern that is not ASCII once lower-cased is tested on the decoded
 *   lower-cased text of every field (correct, and slower).
 * - regex: tested on the field decoded as UTF-8, only for the records the cheaper filters let
 *   through (the caller tests fields in its order).
 *
 * Usage: `begin(data)` whenever the bytes are a new buffer (a new read, a decompressed batch),
 * `prepare(start, end)` per records section, then `test(start, end)` per field, fields asked in
 * increasing position order between two `begin`s (the remembered occurrence only moves forward).
 *
 * Must stay true: `test` answers exactly what compileTextFilter's matcher answers on the field's
 * bytes (`bytes`) or decoded text (`text` for header keys); `prepare` is false only when no field
 * inside the section can match; compiling throws only what compileTextFilter throws.
 */
import type { TextFilter } from '../../shared/contract'
import { compileTextFilter, type TextMatcher } from './text-filter'

/** Non-ASCII characters whose toLowerCase() holds an ASCII character (with that character). */
export const NON_ASCII_LOWERING_TO_ASCII: readonly { char: string; ascii: string }[] = [
  { char: '\u0130', ascii: 'i' },
  { char: '\u212a', ascii: 'k' }
]

/** A text filter over fields in place; see the module comment. */
export interface FieldMatcher {
  /** True for regex filters (their time is budgeted, see RegexBudget). */
  readonly regex: boolean
  /** The following positions are in `data` (a new buffer: forget what was found in the last one). */
  begin(data: Buffer): void
  /** False when no field inside data[start, end) can match. */
  prepare(start: number, end: number): boolean
  /** Whether the field data[start, end) matches. */
  test(start: number, end: number): boolean
}

/**
 * Compiles `filter` for fields of kind `kind` ('bytes': keys, values, header values; 'text': header
 * keys, compared as decoded text).
 * @param what names the filter in errors, e.g. "value filter".
 * @throws KafkaError INVALID_REQUEST as compileTextFilter.
 */
export function compileFieldMatcher(filter: TextFilter, what: string, kind: 'bytes' | 'text'): FieldMatcher {
  const decoded = compileTextFilter(filter, what)
  if (filter.mode === 'regex') return new DecodingMatcher(decoded, true)
  if (filter.caseInsensitive === true) {
    const lower = filter.pattern.toLowerCase()
    if (!/^[\x00-\x7f]*$/.test(lower)) return new DecodingMatcher(decoded, false)
    return new AsciiCaseInsensitiveMatcher(lower, decoded)
  }
  // U+FFFD or a lone surrogate (which UTF-8 encodes as U+FFFD) can match the decoding of invalid bytes: test decoded keys.
  if (kind === 'text' && Buffer.from(filter.pattern, 'utf8').toString('utf8').includes('\ufffd')) return new DecodingMatcher(decoded, false)
  return new SubstringMatcher(Buffer.from(filter.pattern, 'utf8'))
}

/** Tests every field on its decoded text (regex; non-ASCII case-insensitive patterns). */
class DecodingMatcher implements FieldMatcher {
  private data: Buffer = Buffer.alloc(0)
  constructor(
    private readonly decoded: TextMatcher,
    readonly regex: boolean
  ) {}
  begin(data: Buffer): void {
    this.data = data
  }
  prepare(): boolean {
    return true
  }
  test(start: number, end: number): boolean {
    return this.decoded.text(this.data.toString('utf8', start, end))
  }
}

/**
 * The first occurrence of a byte string at or after a position in one buffer, remembered, so that
 * asking again for a later position costs nothing until it passes the occurrence.
 */
class Occurrences {
  private data: Buffer = Buffer.alloc(0)
  /** First occurrence at or after `from` (-1: none to the buffer's end), valid while from <= asked. */
  private at = -1
  private from = Number.MAX_SAFE_INTEGER

  constructor(private readonly find: (data: Buffer, from: number) => number) {}

  begin(data: Buffer): void {
    this.data = data
    this.at = -1
    this.from = Number.MAX_SAFE_INTEGER
  }

  /** The first occurrence starting at or after `pos` (positions asked never decrease after begin), or -1. */
  next(pos: number): number {
    if (pos < this.from || (this.at >= 0 && this.at < pos)) {
      this.at = this.find(this.data, pos)
      this.from = pos
    }
    return this.at
  }
}

/** Case-sensitive substring on the bytes. */
class SubstringMatcher implements FieldMatcher {
  readonly regex = false
  private readonly occurrences: Occurrences
  private readonly n: number

  constructor(needle: Buffer) {
    this.n = needle.length
    this.occurrences = new Occurrences((data, from) => data.indexOf(needle, from))
  }
  begin(data: Buffer): void {
    this.occurrences.begin(data)
  }
  prepare(start: number, end: number): boolean {
    return this.test(start, end)
  }
  test(start: number, end: number): boolean {
    if (this.n === 0) return true
    const at = this.occurrences.next(start)
    return at >= 0 && at <= end - this.n
  }
}

/** Case-insensitive substring of an ASCII (lower-cased) pattern on the bytes; see the module comment. */
class AsciiCaseInsensitiveMatcher implements FieldMatcher {
  readonly regex = false
  private readonly occurrences: Occurrences
  /** Occurrences of the UTF-8 bytes of the characters that lower-case to an ASCII letter of the pattern. */
  private readonly folding: { occurrences: Occurrences; n: number }[]
  private readonly n: number
  private data: Buffer = Buffer.alloc(0)

  constructor(
    lower: string,
    private readonly decoded: TextMatcher
  ) {
    const needle = Buffer.from(lower, 'latin1')
    this.n = needle.length
    const anchor = longestCaseInvariantRun(needle)
    this.occurrences = new Occurrences(
      anchor.length >= 2 ? (data, from) => anchoredCaseInsensitiveIndexOf(data, needle, from, anchor) : (data, from) => asciiCaseInsensitiveIndexOf(data, needle, from)
    )
    this.folding = NON_ASCII_LOWERING_TO_ASCII.filter((f) => lower.includes(f.ascii)).map((f) => {
      const bytes = Buffer.from(f.char, 'utf8')
      return { occurrences: new Occurrences((data, from) => data.indexOf(bytes, from)), n: bytes.length }
    })
  }
  begin(data: Buffer): void {
    this.data = data
    this.occurrences.begin(data)
    for (const f of this.folding) f.occurrences.begin(data)
  }
  prepare(start: number, end: number): boolean {
    return this.n === 0 || this.inside(start, end) || this.foldingInside(start, end)
  }
  test(start: number, end: number): boolean {
    if (this.n === 0 || this.inside(start, end)) return true
    return this.foldingInside(start, end) && this.decoded.text(this.data.toString('utf8', start, end))
  }
  private inside(start: number, end: number): boolean {
    const at = this.occurrences.next(start)
    return at >= 0 && at <= end - this.n
  }
  private foldingInside(start: number, end: number): boolean {
    for (const f of this.folding) {
      const at = f.occurrences.next(start)
      if (at >= 0 && at <= end - f.n) return true
    }
    return false
  }
}

const isAsciiLetter = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)

/** The longest run of bytes of `needle` that are not ASCII letters (the same in every case), with its position. */
function longestCaseInvariantRun(needle: Buffer): { bytes: Buffer; at: number; length: number } {
  let best = { at: 0, length: 0 }
  for (let i = 0; i < needle.length; ) {
    if (isAsciiLetter(needle[i])) {
      i++
      continue
    }
    let j = i
    while (j < needle.length && !isAsciiLetter(needle[j])) j++
    if (j - i > best.length) best = { at: i, length: j - i }
    i = j
  }
  return { bytes: needle.subarray(best.at, best.at + best.length), ...best }
}

/** Whether data[p, p + lower.length) equals the lower-case ASCII `lower` ignoring ASCII case. */
function caseInsensitiveAt(data: Buffer, p: number, lower: Buffer): boolean {
  if (p < 0 || p + lower.length > data.length) return false
  for (let j = 0; j < lower.length; j++) {
    let b = data[p + j]
    if (b >= 0x41 && b <= 0x5a) b |= 0x20
    if (b !== lower[j]) return false
  }
  return true
}

/** First p >= from where data[p..] equals the lower-case ASCII `lower` ignoring ASCII case, or -1. */
function asciiCaseInsensitiveIndexOf(data: Buffer, lower: Buffer, from: number): number {
  const n = lower.length
  const c = lower[0]
  const u = c >= 0x61 && c <= 0x7a ? c - 0x20 : c
  for (let p = from, last = data.length - n; p <= last; p++) {
    const b = data[p]
    if ((b === c || b === u) && caseInsensitiveAt(data, p, lower)) return p
  }
  return -1
}

/** As asciiCaseInsensitiveIndexOf, finding candidates with Buffer.indexOf of a case-invariant run of `lower`. */
function anchoredCaseInsensitiveIndexOf(data: Buffer, lower: Buffer, from: number, anchor: { bytes: Buffer; at: number }): number {
  for (let a = data.indexOf(anchor.bytes, from + anchor.at); a >= 0; a = data.indexOf(anchor.bytes, a + 1))
    if (caseInsensitiveAt(data, a - anchor.at, lower)) return a - anchor.at
  return -1
}
