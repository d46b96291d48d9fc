/**
 * Sizes of records in Kafka's record batch v2 encoding, used to enforce max.message.bytes before an
 * append (Kafka checks the batch size against max.message.bytes: RECORD_TOO_LARGE).
 *
 * Must stay true: `recordBatchSizeOf([r])` is the exact size of a v2 batch holding only r with
 * offset and timestamp deltas 0 (the smallest batch r can travel in).
 */

import { BATCH_HEADER_SIZE } from '../storage/record-batch'
import { sizeOfVarlong } from '../storage/byte-writer'

/** Bytes of the v2 batch header (baseOffset .. recordsCount). */
export const RECORD_BATCH_OVERHEAD = BATCH_HEADER_SIZE

export interface SizedRecord {
  key: Buffer | null
  value: Buffer | null
  headers?: { key: string; value: Buffer | null }[]
}

/** Bytes of a zigzag varint / varlong of the protocol (the storage codec's own size function). */
const varintSize = sizeOfVarlong

/** Bytes of one record inside a batch (length prefix included), with the given deltas. */
export function recordSize(r: SizedRecord, offsetDelta = 0, timestampDelta = 0): number {
  let body = 1 + varintSize(timestampDelta) + varintSize(offsetDelta)
  body += r.key === null ? varintSize(-1) : varintSize(r.key.length) + r.key.length
  body += r.value === null ? varintSize(-1) : varintSize(r.value.length) + r.value.length
  const headers = r.headers ?? []
  body += varintSize(headers.length)
  for (const h of headers) {
    const kl = Buffer.byteLength(h.key, 'utf8')
    body += varintSize(kl) + kl
    body += h.value === null ? varintSize(-1) : varintSize(h.value.length) + h.value.length
  }
  return varintSize(body) + body
}

/** Size of a v2 batch holding just `r`. */
export function singleRecordBatchSize(r: SizedRecord): number {
  return RECORD_BATCH_OVERHEAD + recordSize(r)
}

/** key + value + header key/value bytes: the "size" users see for a record. */
export function payloadSize(r: SizedRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0)
  for (const h of r.headers ?? []) n += Buffer.byteLength(h.key, 'utf8') + (h.value?.length ?? 0)
  return n
}
