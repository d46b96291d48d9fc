/**
 * The byte budget of a produce/send, computed from the request as received (its records and
 * count), before a single record is expanded: how many records it expands to, how many bytes each
 * takes in Kafka's record encoding (key, value, header keys and values and their varint framing,
 * record-size.ts), and the total, refused above PRODUCE_SEND_MAX_BYTES.
 *
 * `{{i}}` (5 bytes) becomes the digits of the repetition index i, so the records of one input
 * record differ only by the number of digits of i: sizes are kept per digit count (1 for i < 10,
 * 2 below 100, ...), which makes every size and the total exact arithmetic, whatever the count.
 *
 * Must stay true: nothing here allocates in proportion to records × count or to the expanded
 * bytes; `recordBytesAt` and `batchBytesAt` equal the sizes of the records produce-records.ts builds.
 */
import type { ProduceRecordInput } from '../shared/contract'
import { KafkaError } from '../broker/model/errors'
import { RECORD_BATCH_OVERHEAD, headerSize, recordSizeOf } from '../broker/cluster/record-size'
import { MAX_RECORDS_PER_SEND, TEMPLATE_PLACEHOLDER, placeholderCount } from './produce-records'

/**
 * Most bytes one produce/send may expand to, in Kafka's record encoding: 100 MiB, the default of
 * Kafka's socket.request.max.bytes (the largest request a broker reads). A send is one request
 * from its caller's point of view; it is written in chunks, but its records all land in the logs
 * (times the replication factor), so the budget bounds what one click or command can add.
 */
export const PRODUCE_SEND_MAX_BYTES = 100 * 1024 * 1024

/** Digits of the largest repetition index a send can have (count ≤ MAX_RECORDS_PER_SEND). */
const MAX_DIGITS = String(MAX_RECORDS_PER_SEND - 1).length

/** Sizes of the records one input record expands to, per digit count of the repetition index. */
export interface TemplateSize {
  /** recordBytes[d]: bytes of the record inside a batch (offset and timestamp deltas 0) when i has d digits (d = 1..7). */
  recordBytes: number[]
  /** batchBytes[d]: bytes of the smallest record batch v2 holding only that record (what max.message.bytes limits). */
  batchBytes: number[]
  /** Headers of each record. */
  headers: number
}

/** What a send expands to, measured without expanding it. */
export interface ProduceMeasure {
  /** Input records (records.length). */
  inputs: number
  /** The repeat count, undefined without templating. */
  count: number | undefined
  /** Records the send expands to: inputs × (count ?? 1). */
  records: number
  /** Bytes of all of them in Kafka's record encoding. */
  bytes: number
  /** Per input record. */
  templates: TemplateSize[]
}

/** Digits of the repetition index of request index `index` (1 without templating). */
function digitsAt(m: ProduceMeasure, index: number): number {
  if (m.count === undefined) return 1
  const r = Math.floor(index / m.inputs)
  return r < 10 ? 1 : String(r).length
}

/** How many repetition indexes 0..count-1 have `d` digits. */
function indexesWithDigits(d: number, count: number): number {
  const lo = d === 1 ? 0 : 10 ** (d - 1)
  return Math.max(0, Math.min(count, 10 ** d) - lo)
}

/** The first repetition index with `d` digits. */
function firstIndexWithDigits(d: number): number {
  return d === 1 ? 0 : 10 ** (d - 1)
}

/** Byte length of `text` once each of its placeholders became `d` digits (unchanged when not templating). */
function filledLength(text: string, d: number, templating: boolean): number {
  const base = Buffer.byteLength(text, 'utf8')
  return templating ? base + placeholderCount(text) * (d - TEMPLATE_PLACEHOLDER.length) : base
}

/**
 * Measures a send: records × count, each record's size per digit count, and the total bytes.
 * Cost: O(input records × headers × 7); nothing proportional to count is built.
 * @throws KafkaError INVALID_REQUEST when records × count exceeds MAX_RECORDS_PER_SEND.
 */
export function measureProduceSend(records: readonly ProduceRecordInput[], count?: number): ProduceMeasure {
  const repeat = count ?? 1
  const total = records.length * repeat
  if (total > MAX_RECORDS_PER_SEND)
    throw new KafkaError(
      'INVALID_REQUEST',
      `A send may produce at most ${MAX_RECORDS_PER_SEND} records (MAX_RECORDS_PER_SEND); records × count = ${records.length} × ${repeat} = ${total}`
    )
  const templating = count !== undefined
  const templates: TemplateSize[] = []
  let bytes = 0
  for (const rec of records) {
    const t: TemplateSize = { recordBytes: [0], batchBytes: [0], headers: rec.headers?.length ?? 0 }
    for (let d = 1; d <= MAX_DIGITS; d++) {
      let headerBytes = 0
      for (const h of rec.headers ?? []) headerBytes += headerSize(Buffer.byteLength(h.key, 'utf8'), filledLength(h.value, d, templating))
      const size = recordSizeOf(
        rec.key === null ? null : filledLength(rec.key, d, templating),
        rec.value === null ? null : filledLength(rec.value, d, templating),
        t.headers,
        headerBytes
      )
      t.recordBytes.push(size)
      t.batchBytes.push(RECORD_BATCH_OVERHEAD + size)
      bytes += size * (templating ? indexesWithDigits(d, repeat) : d === 1 ? 1 : 0)
    }
    templates.push(t)
  }
  return { inputs: records.length, count, records: total, bytes, templates }
}

/** Bytes (Kafka's record encoding, deltas 0) of the record at request index `index`. */
export function recordBytesAt(m: ProduceMeasure, index: number): number {
  return m.templates[index % m.inputs].recordBytes[digitsAt(m, index)]
}

/** Size of the smallest record batch holding only the record at request index `index`. */
export function batchBytesAt(m: ProduceMeasure, index: number): number {
  return m.templates[index % m.inputs].batchBytes[digitsAt(m, index)]
}

/** Headers of the record at request index `index`. */
export function headersAt(m: ProduceMeasure, index: number): number {
  return m.templates[index % m.inputs].headers
}

/**
 * The request index of the first record whose smallest batch exceeds `maxBatchBytes`
 * (max.message.bytes), or null when every record fits. Exact, without expanding: a record grows
 * with the digits of i, so for each input record only the first index of each digit count matters.
 */
export function firstRecordAbove(m: ProduceMeasure, maxBatchBytes: number): number | null {
  let first: number | null = null
  const digits = m.count === undefined ? 1 : String(m.count - 1).length
  m.templates.forEach((t, j) => {
    for (let d = 1; d <= digits; d++) {
      if (t.batchBytes[d] <= maxBatchBytes) continue
      const index = (m.count === undefined ? 0 : firstIndexWithDigits(d)) * m.inputs + j
      if (first === null || index < first) first = index
      break
    }
  })
  return first
}

/**
 * Refuses a send above PRODUCE_SEND_MAX_BYTES.
 * @throws KafkaError INVALID_REQUEST naming the send's records and bytes and the budget.
 */
export function checkProduceBudget(m: ProduceMeasure): void {
  if (m.bytes > PRODUCE_SEND_MAX_BYTES)
    throw new KafkaError(
      'INVALID_REQUEST',
      `This send expands to ${m.records} records of ${m.bytes} bytes in total (Kafka's record encoding), more than the ${PRODUCE_SEND_MAX_BYTES} bytes (100 MiB) one produce/send may carry (PRODUCE_SEND_MAX_BYTES, Kafka's socket.request.max.bytes default): send fewer or smaller records`
    )
}
