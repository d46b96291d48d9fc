/**
 * Turns the contract's produce input (UTF-8 text keys, values and header values, an optional
 * repeat count with a `{{i}}` template) into the engine's ProducerRecords (Buffers).
 *
 * Must stay true: a null key or value stays null (a Kafka null, not an empty string); `{{i}}` is
 * replaced by the 0-based repetition index in key, value and header values, every occurrence.
 */
import type { ProduceRecordInput } from '../shared/contract'
import type { ProducerRecord } from '../broker/cluster/cluster-api'
import { KafkaError } from '../broker/errors'

/** Most records one produce/send may expand to (records × count). */
export const MAX_RECORDS_PER_SEND = 1_000_000

const TEMPLATE = /\{\{i\}\}/g

function fill(text: string | null, i: number | null): string | null {
  if (text === null || i === null) return text
  return text.replace(TEMPLATE, String(i))
}

function toBuffer(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'utf8')
}

/**
 * Expands `records` `count` times (default once, without templating) into ProducerRecords.
 * Order: for i = 0..count-1, every input record in order.
 * @throws KafkaError INVALID_REQUEST when records × count exceeds MAX_RECORDS_PER_SEND.
 */
export function expandProduceRecords(records: ProduceRecordInput[], count?: number): ProducerRecord[] {
  const repeat = count ?? 1
  if (records.length * repeat > MAX_RECORDS_PER_SEND)
    throw new KafkaError(
      'INVALID_REQUEST',
      `A send may produce at most ${MAX_RECORDS_PER_SEND} records (records × count = ${records.length * repeat})`
    )
  const out: ProducerRecord[] = []
  for (let r = 0; r < repeat; r++) {
    const i = count === undefined ? null : r
    for (const rec of records) {
      const p: ProducerRecord = { key: toBuffer(fill(rec.key, i)), value: toBuffer(fill(rec.value, i)) }
      if (rec.headers) p.headers = rec.headers.map((h) => ({ key: h.key, value: toBuffer(fill(h.value, i)) }))
      if (rec.partition !== undefined) p.partition = rec.partition
      if (rec.timestamp !== undefined) p.timestamp = rec.timestamp
      out.push(p)
    }
  }
  return out
}
