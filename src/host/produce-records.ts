/**
 * Turns the contract's produce input (UTF-8 text keys, values and header values, an optional
 * repeat count with a `{{i}}` template) into the engine's ProducerRecords (Buffers), one range of
 * the request at a time, so a send of a million records never holds more than one chunk of them.
 *
 * A send's records are numbered by their request index: for repetition r = 0..count-1, each input
 * record j in order, so record (r, j) has index r × records.length + j.
 *
 * Must stay true: a null key or value stays null (a Kafka null, not an empty string); `{{i}}` is
 * replaced by the 0-based repetition index in key, value and header values, every occurrence;
 * header keys are never templated; without `count` nothing is templated.
 */
import type { ProduceRecordInput } from '../shared/contract'
import type { ProducerRecord } from '../broker/cluster/cluster-api'

/** Most records one produce/send may expand to (records × count). */
export const MAX_RECORDS_PER_SEND = 1_000_000

/** The template placeholder: `{{i}}`, 5 bytes of ASCII. */
export const TEMPLATE_PLACEHOLDER = '{{i}}'
const TEMPLATE = /\{\{i\}\}/g

/** `text` with every `{{i}}` replaced by `i`; unchanged when `i` is null (no count given). */
export function fillTemplate(text: string, i: number | null): string
export function fillTemplate(text: string | null, i: number | null): string | null
export function fillTemplate(text: string | null, i: number | null): string | null {
  if (text === null || i === null) return text
  return text.replace(TEMPLATE, String(i))
}

/** How many `{{i}}` placeholders `text` holds (0 for null). */
export function placeholderCount(text: string | null): number {
  if (text === null) return 0
  let n = 0
  for (let at = text.indexOf(TEMPLATE_PLACEHOLDER); at >= 0; at = text.indexOf(TEMPLATE_PLACEHOLDER, at + TEMPLATE_PLACEHOLDER.length)) n++
  return n
}

function toBuffer(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'utf8')
}

/** Records a send expands to: records.length × (count ?? 1). */
export function expandedRecordCount(records: readonly ProduceRecordInput[], count?: number): number {
  return records.length * (count ?? 1)
}

/** The record at request index `index` of a send, as the engine takes it. */
export function expandProduceRecord(records: readonly ProduceRecordInput[], count: number | undefined, index: number): ProducerRecord {
  const rec = records[index % records.length]
  const i = count === undefined ? null : Math.floor(index / records.length)
  const p: ProducerRecord = { key: toBuffer(fillTemplate(rec.key, i)), value: toBuffer(fillTemplate(rec.value, i)) }
  if (rec.headers) p.headers = rec.headers.map((h) => ({ key: h.key, value: toBuffer(fillTemplate(h.value, i)) }))
  if (rec.partition !== undefined) p.partition = rec.partition
  if (rec.timestamp !== undefined) p.timestamp = rec.timestamp
  return p
}

/**
 * The records with request indexes `from` (inclusive) to `to` (exclusive) of a send of `records`
 * repeated `count` times (default once, without templating), in request order.
 * @throws RangeError when the range is not within 0..records × count.
 */
export function expandProduceRange(records: readonly ProduceRecordInput[], count: number | undefined, from: number, to: number): ProducerRecord[] {
  const total = expandedRecordCount(records, count)
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > total || from > to)
    throw new RangeError(`Record range ${from}..${to} is outside the send's ${total} records`)
  const out: ProducerRecord[] = new Array(to - from)
  for (let n = from; n < to; n++) out[n - from] = expandProduceRecord(records, count, n)
  return out
}
