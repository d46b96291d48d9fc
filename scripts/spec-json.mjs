/**
 * Kafka's message specs (../shared/kafka-protocol/messages/*.json) are JSON with // comments: the one
 * reader of that dialect, shared by the protocol code generator (generate-protocol.mjs) and the
 * request fuzzer (tests/unit/broker/protocol/fuzz-requests.ts), so both read the specs alike.
 * Importing this module has no side effect.
 */

/** Strips // comments (whole-line and trailing, outside strings) from the specs' JSON. */
export function stripComments(text) {
  let out = ''
  let inStr = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inStr) {
      out += c
      if (c === '\\') out += text[++i]
      else if (c === '"') inStr = false
    } else if (c === '"') {
      inStr = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else out += c
  }
  return out
}
