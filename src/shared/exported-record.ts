/**
 * A record as Brokerlab writes it out: in exports (NDJSON, JSON, CSV), `brokerlab consume --json`
 * and the message browser's "Copy as JSON". Keys, values and header values are UTF-8 text when
 * their bytes are valid UTF-8, else base64 of the exact bytes, with the encoding beside them; a
 * null key or value (a tombstone) is null with a null encoding. So the bytes come back exactly
 * from what was written.
 *
 * Must stay true: this file imports nothing from Node, Electron or the engine (the renderer uses
 * it); toExportedRecordFromView is pure.
 */
import type { RecordView } from './contract'

/** How a payload is written: as its UTF-8 text, or as base64 of its bytes when they are not UTF-8. */
export type PayloadEncoding = 'utf8' | 'base64'

/** A record header as exported. */
export interface ExportedHeader {
  key: string
  value: string | null
  valueEncoding: PayloadEncoding | null
}

/** One exported record; `timestamp` in ms since the epoch. */
export interface ExportedRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: string | null
  keyEncoding: PayloadEncoding | null
  value: string | null
  valueEncoding: PayloadEncoding | null
  headers: ExportedHeader[]
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A base64 payload (the contract's form) as exported: UTF-8 text when it decodes, else the base64 kept. */
export function exportPayloadFromBase64(b64: string | null): { text: string | null; encoding: PayloadEncoding | null } {
  if (b64 === null) return { text: null, encoding: null }
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' }
  } catch {
    return { text: b64, encoding: 'base64' }
  }
}

/** The exported form of a record of the message browser (RecordView: base64 payloads). */
export function toExportedRecordFromView(topic: string, r: RecordView): ExportedRecord {
  const key = exportPayloadFromBase64(r.key)
  const value = exportPayloadFromBase64(r.value)
  return {
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: key.text,
    keyEncoding: key.encoding,
    value: value.text,
    valueEncoding: value.encoding,
    headers: r.headers.map((h) => {
      const v = exportPayloadFromBase64(h.value)
      return { key: h.key, value: v.text, valueEncoding: v.encoding }
    })
  }
}
