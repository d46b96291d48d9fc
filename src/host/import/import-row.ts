/**
 * ImportRow: one row of an import file as the importer sees it: the bytes that become the record's
 * value, and its top-level fields, looked up by name for the key and the timestamp. Each reader
 * (JSON array, NDJSON, CSV, Parquet) makes its rows; this file holds the row type, the field values
 * and the JSON rows both JSON readers share.
 *
 * Must stay true: a JSON row's value is the source text's bytes as they were (nothing re-encoded:
 * `0.0` stays `0.0`, 12345678901234567890 stays exact) and a field's text is its source text too
 * (a number as written, an object or array as written); a JSON string field is its decoded string.
 * Field lookups follow JSON.parse: the last of duplicate names wins.
 */

/** A field's value, by JSON kind; `text` is exact (a number as written, JSON text of a container). */
export type FieldValue =
  | { kind: 'null' }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; text: 'true' | 'false' }
  | { kind: 'json'; text: string }
  /**
   * A date or time a Parquet column holds (TIMESTAMP, DATE): `text` is its ISO 8601 form, with `Z`
   * when the column is adjusted to UTC, without an offset when it is a wall-clock (local) time;
   * `wallMs` its fields read as UTC, in ms (the instant itself when `utc`).
   */
  | { kind: 'datetime'; text: string; utc: boolean; wallMs: number }

/** One row of an import file. */
export interface ImportRow {
  /** The record's value: the row's bytes (see each reader for what they are). Computed on first use. */
  readonly value: Buffer
  /** Whether the row is an object (has named fields); a JSON array element may be a number, a string, ... */
  readonly isObject: boolean
  /** The row's top-level field names in order; empty when it is not an object. */
  fieldNames(): string[]
  /** Field `name`, or undefined when the row has no such field (or is not an object). */
  field(name: string): FieldValue | undefined
}

/**
 * The record key a field gives: null for JSON null, else its text as UTF-8 (a string's characters,
 * a number as written, `true`, an object's JSON text, a time's ISO form).
 */
export function fieldKeyText(value: FieldValue): string | null {
  return value.kind === 'null' ? null : value.text
}

/** Short form of a field's value for messages: its text, at most 80 characters. */
export function fieldShown(value: FieldValue): string {
  const t = value.kind === 'null' ? 'null' : value.kind === 'string' ? JSON.stringify(value.text) : value.text
  return t.length > 80 ? `${t.slice(0, 77)}...` : t
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text.charCodeAt(i))) i++
  return i
}

/** Index just past the JSON string starting at `i` (a quote). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 0x5c) j++
    else if (c === 0x22) return j + 1
  }
  return text.length
}

/** Index just past the JSON value starting at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c === 0x22) return stringEnd(text, i)
  if (c === 0x7b || c === 0x5b) {
    let depth = 0
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j)
      if (d === 0x22) j = stringEnd(text, j) - 1
      else if (d === 0x7b || d === 0x5b) depth++
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1
    }
    return text.length
  }
  let j = i
  while (j < text.length) {
    const d = text.charCodeAt(j)
    if (d === 0x2c || d === 0x7d || d === 0x5d || WS.has(d)) break
    j++
  }
  return j
}

/**
 * The source text of member `name` of the JSON object `text` (valid JSON, as JSON.parse accepted
 * it), or undefined when it has none. Linear in the text; no recursion.
 */
export function jsonMemberText(text: string, name: string): string | undefined {
  let i = skipWs(text, 0)
  if (text.charCodeAt(i) !== 0x7b) return undefined
  i = skipWs(text, i + 1)
  let found: string | undefined
  while (i < text.length && text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i)
    const raw = text.slice(i, keyEnd)
    const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)
    i = skipWs(text, skipWs(text, keyEnd) + 1) // past the colon
    const end = valueEnd(text, i)
    if (key === name) found = text.slice(i, end)
    i = skipWs(text, end)
    if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1)
  }
  return found
}

/**
 * A row read from JSON text (a JSON array element or an NDJSON line): `bytes` are the source bytes
 * (the record's value), `text` their UTF-8 text and `parsed` what JSON.parse gave for it.
 */
export function jsonRow(bytes: Buffer, text: string, parsed: unknown): ImportRow {
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
  const obj = isObject ? (parsed as Record<string, unknown>) : null
  return {
    value: bytes,
    isObject,
    fieldNames: () => (obj ? Object.keys(obj) : []),
    field(name: string): FieldValue | undefined {
      if (!obj || !Object.prototype.hasOwnProperty.call(obj, name)) return undefined
      const v = obj[name]
      if (v === null) return { kind: 'null' }
      if (typeof v === 'string') return { kind: 'string', text: v }
      if (typeof v === 'boolean') return { kind: 'boolean', text: v ? 'true' : 'false' }
      // Numbers and containers as written in the source (JSON.parse would round 2^53 + 1).
      const source = jsonMemberText(text, name) ?? JSON.stringify(v)
      return typeof v === 'number' ? { kind: 'number', text: source } : { kind: 'json', text: source }
    }
  }
}
