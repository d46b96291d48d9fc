/**
 * The bound on the error messages a broker writes into its answers. An error message is
 * diagnostic text that often quotes the request (a topic name, a group id); in the classic
 * (non-flexible) versions it is a string with an int16 length (at most 32767 bytes), and a client
 * may send names as long as that, so a message quoting one could not be encoded at all and the
 * whole answer would become UNKNOWN_SERVER_ERROR. Kafka's own messages are short; here every
 * `errorMessage` longer than MAX_ERROR_MESSAGE_CHARS is cut, and says so.
 *
 * Must stay true: only string properties named `errorMessage` change; an answer without an
 * over-long message is returned as is (the same object), and one with is copied along the path to
 * each shortened message, so nothing the handler's answer shares with the engine is modified.
 */

/**
 * The longest error message written, in UTF-16 code units: at most 3 UTF-8 bytes each, so a
 * shortened message always fits a classic int16-length string (32767 bytes).
 */
export const MAX_ERROR_MESSAGE_CHARS = 2048

/** `m` cut to MAX_ERROR_MESSAGE_CHARS, ending with how much was left out (never splitting a surrogate pair). */
export function shortenErrorMessage(m: string): string {
  if (m.length <= MAX_ERROR_MESSAGE_CHARS) return m
  const note = (n: number): string => `... (${n} more characters)`
  let keep = MAX_ERROR_MESSAGE_CHARS - note(m.length).length
  const code = m.charCodeAt(keep - 1)
  if (code >= 0xd800 && code <= 0xdbff) keep--
  return m.slice(0, keep) + note(m.length - keep)
}

/**
 * `body` (a response message as a handler answered it: plain objects, arrays, Buffers, bigints)
 * with every `errorMessage` longer than MAX_ERROR_MESSAGE_CHARS shortened (see the module header).
 */
export function boundErrorMessages<T>(body: T): T {
  return bound(body, 0) as T
}

function bound(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v) || depth > 32) return v
  if (Array.isArray(v)) {
    let out: unknown[] | null = null
    for (let i = 0; i < v.length; i++) {
      const b = bound(v[i], depth + 1)
      if (b !== v[i]) (out ??= v.slice())[i] = b
    }
    return out ?? v
  }
  let out: Record<string, unknown> | null = null
  for (const [k, x] of Object.entries(v)) {
    const b = k === 'errorMessage' && typeof x === 'string' ? shortenErrorMessage(x) : bound(x, depth + 1)
    if (b !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = b
  }
  return out ?? v
}
