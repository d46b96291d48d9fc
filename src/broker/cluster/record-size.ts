/**
 * Sizes of records in Kafka's record batch v2 encoding, used to enforce max.message.bytes before an
 * append (Kafka checks the batch size against max.message.bytes: RECORD_TOO_LARGE).
 *
 * Must stay true: `recordBatchSizeOf([r])` is the exact size of a v2 batch holding only r with
 * offset and timestamp deltas 0 (the smallest batch r can travel in).
 */

import { BATCH_HEADER_SIZE } from '../codec/record-batch'
import { sizeOfVarlong } from '../codec/byte-writer'
import { NO_HEADERS } from '../codec/record-decoder'

/** Bytes of the v2 batch header (baseOffset .. recordsCount). */
export const RECORD_BATCH_OVERHEAD = BATCH_HEADER_SIZE

export interface SizedRecord {
  key: Buffer | null
  value: Buffer | null
  headers?: readonly { key: string; value: Buffer | null }[]
}

/** Bytes of a zigzag varint / varlong of the protocol (the storage codec's own size function). */
const varintSize = sizeOfVarlong

/** Bytes of one header inside a record: its key and value with their varint lengths (-1 for a null value). */
export function headerSize(keyBytes: number, valueBytes: number | null): number {
  return varintSize(keyBytes) + keyBytes + (valueBytes === null ? varintSize(-1) : varintSize(valueBytes) + valueBytes)
}

/**
 * Bytes of one record inside a batch (length prefix included), from the lengths of its parts:
 * key and value byte lengths (null for a Kafka null), the number of headers and the sum of their
 * `headerSize`s, and the record's offset and timestamp deltas. Lets a caller size a record it has
 * not built yet.
 */
export function recordSizeOf(
  keyBytes: number | null,
  valueBytes: number | null,
  headerCount: number,
  headerBytes: number,
  offsetDelta = 0,
  timestampDelta = 0
): number {
  let body = 1 + varintSize(timestampDelta) + varintSize(offsetDelta)
  body += keyBytes === null ? varintSize(-1) : varintSize(keyBytes) + keyBytes
  body += valueBytes === null ? varintSize(-1) : varintSize(valueBytes) + valueBytes
  body += varintSize(headerCount) + headerBytes
  return varintSize(body) + body
}

/** Bytes of one record inside a batch (length prefix included), with the given deltas. */
export function recordSize(r: SizedRecord, offsetDelta = 0, timestampDelta = 0): number {
  const headers = r.headers ?? NO_HEADERS
  let headerBytes = 0
  for (const h of headers) headerBytes += headerSize(Buffer.byteLength(h.key, 'utf8'), h.value === null ? null : h.value.length)
  return recordSizeOf(r.key === null ? null : r.key.length, r.value === null ? null : r.value.length, headers.length, headerBytes, offsetDelta, timestampDelta)
}

/** Size of a v2 batch holding just `r`. */
export function singleRecordBatchSize(r: SizedRecord): number {
  return RECORD_BATCH_OVERHEAD + recordSize(r)
}

/** key + value + header key/value bytes: the "size" users see for a record. */
export function payloadSize(r: SizedRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0)
  for (const h of r.headers ?? NO_HEADERS) n += Buffer.byteLength(h.key, 'utf8') + (h.value?.length ?? 0)
  return n
}
