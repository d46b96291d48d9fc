/**
 * The bounds an import file's rows must keep, so that reading any file, even an endless one
 * (`/dev/zero`) or a hostile one, ends quickly in bounded memory with an error naming the row and
 * the limit instead of growing until the host dies or overflowing the stack.
 *
 * Must stay true: the limits are far above what a real row needs (a row becomes one record, and a
 * record larger than the topic's max.message.bytes, 1 MiB by default, is refused anyway); the
 * checks here are pure functions of their input.
 */

/**
 * The most one row may hold, in UTF-8 bytes: one NDJSON line (without its line break), one CSV row
 * (its fields, delimiters and quotes), one element of a JSON array (from its first to its last
 * byte, and the white space before it). 16 MiB is 16 times Kafka's default max.message.bytes
 * (1048588), so a topic whose limit was raised can still take large rows, while a reader never
 * buffers more than this (plus one chunk) for a row it has not finished.
 */
export const MAX_IMPORT_ROW_BYTES = 16 * 1024 * 1024

/**
 * The deepest a row's JSON may nest: `{}` and `[]` are 1 level, `{"a":[1]}` 2. Code that walks a
 * parsed row (JSON.stringify, structured clones, the UI's viewers) recurses once per level and
 * overflows V8's stack ("Maximum call stack size exceeded") a few thousand levels down; 1,000 is far
 * more than real data uses (JSON.parse and the tokenizer themselves do not recurse).
 */
export const MAX_IMPORT_NESTING_DEPTH = 1000

/** `16 MiB (16777216 bytes)`: a byte limit as the messages show it. */
export function describeByteLimit(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  return Number.isInteger(mib) ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`
}

/**
 * Whether the JSON text `text` nests containers (`[`, `{`) deeper than `limit` levels, counting
 * only brackets outside strings. Linear in the text, no recursion; well-formedness is not checked
 * (JSON.parse does that).
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  if (text.length <= limit) return false // fewer characters than levels: cannot nest that deep
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}
