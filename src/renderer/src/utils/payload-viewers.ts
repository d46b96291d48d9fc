/**
 * The payload viewer registry: record keys, values and header values arrive as base64 of the exact
 * bytes; a viewer turns bytes into display text. Built in: text (UTF-8), json (pretty-printed) and
 * hex (offset, hex bytes, ASCII, 16 bytes a line). Add a viewer by appending to VIEWERS.
 *
 * Must stay true: viewers never throw; bytes that do not fit a viewer (invalid UTF-8, not JSON) give
 * `ok: false` with a note saying why, and still show something useful.
 */

/** What a viewer shows for a payload. */
export interface ViewerOutput {
  text: string
  /** False when the bytes did not fit this viewer (the text is then a fallback). */
  ok: boolean
  note?: string
}

/** A payload viewer: an id for selection, a label for menus, and the rendering function. */
export interface PayloadViewer {
  id: string
  label: string
  render(bytes: Uint8Array | null): ViewerOutput
}

/** Decodes base64 (standard alphabet, padding optional) into bytes; null stays null. */
export function base64ToBytes(b64: string | null): Uint8Array | null {
  if (b64 === null) return null
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/**
 * Decodes UTF-8. Invalid sequences become U+FFFD and `valid` is false.
 */
export function decodeUtf8(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), valid: true }
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), valid: false }
  }
}

const NULL_OUTPUT: ViewerOutput = { text: 'null', ok: true, note: 'null (no bytes)' }

/** UTF-8 text. */
export const textViewer: PayloadViewer = {
  id: 'text',
  label: 'Text',
  render(bytes) {
    if (bytes === null) return NULL_OUTPUT
    const { text, valid } = decodeUtf8(bytes)
    return valid ? { text, ok: true } : { text, ok: false, note: 'not valid UTF-8: invalid bytes shown as \uFFFD' }
  }
}

/** Pretty JSON (2-space indent); falls back to text when the bytes are not JSON. */
export const jsonViewer: PayloadViewer = {
  id: 'json',
  label: 'JSON',
  render(bytes) {
    if (bytes === null) return NULL_OUTPUT
    const { text, valid } = decodeUtf8(bytes)
    if (!valid) return { text, ok: false, note: 'not valid UTF-8, so not JSON' }
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), ok: true }
    } catch (e) {
      return { text, ok: false, note: `not JSON: ${(e as Error).message}` }
    }
  }
}

/** Hex dump: `00000000  7b 22 61 22 ...  |{"a"...|`, 16 bytes a line. */
export const hexViewer: PayloadViewer = {
  id: 'hex',
  label: 'Hex',
  render(bytes) {
    if (bytes === null) return NULL_OUTPUT
    return { text: hexDump(bytes), ok: true }
  }
}

/** Formats bytes as a hex dump, 16 bytes a line, with printable ASCII on the right. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = []
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16)
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ')
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`)
  }
  return lines.join('\n')
}

/** Every viewer, in menu order. */
export const VIEWERS: readonly PayloadViewer[] = [textViewer, jsonViewer, hexViewer]

/** Finds a viewer by id; unknown ids give the text viewer. */
export function viewerById(id: string): PayloadViewer {
  return VIEWERS.find((v) => v.id === id) ?? textViewer
}

/** Renders a base64 payload with the viewer `id`. Bad base64 gives ok: false with a note. */
export function renderPayload(b64: string | null, id: string): ViewerOutput {
  let bytes: Uint8Array | null
  try {
    bytes = base64ToBytes(b64)
  } catch {
    return { text: String(b64), ok: false, note: 'not valid base64' }
  }
  return viewerById(id).render(bytes)
}

/** One-line preview of a payload for a table cell (whitespace collapsed, cut at maxChars). */
export function previewPayload(b64: string | null, id: string, maxChars = 200): string {
  const out = renderPayload(b64, id)
  const flat = id === 'hex' ? out.text.split('\n').map((l) => l.slice(10, 57).trim()).join(' ') : out.text.replace(/\s+/g, ' ')
  return flat.length > maxChars ? flat.slice(0, maxChars) + '…' : flat
}
