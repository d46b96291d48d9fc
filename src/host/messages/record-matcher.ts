/**
 * The message search's predicate: a SearchQuery's filters (key, value, header key / value, JSON
 * field filter, timestamp range) compiled once, and applied to record batches in three steps so
 * that most records are never decoded:
 * 1. `skipsBatch`: the batch header alone rules the batch out by the timestamp range (its
 *    maxTimestamp is below timestampFrom; or, LogAppendTime, its one timestamp is outside the range;
 *    a CreateTime batch's baseTimestamp is its first record's, not its smallest, so it bounds nothing).
 * 2. `prepare`: the records section rules itself out when a substring filter, or a JSON filter's
 *    required literal, occurs nowhere in it (FieldMatcher.prepare, JsonFilter.mayMatchIn).
 * 3. `matches`: per record (a RecordCursor), cheap checks first: timestamp, key, headers, value,
 *    then the JSON filter, which parses the value only of records that passed the others.
 *
 * Every given filter must hold; a null key or value matches no text filter; a record without
 * headers matches no header filter; header key and value filters must hold for one same header.
 *
 * Must stay true: `matches` answers what the filters answer on the decoded record (text-filter.ts,
 * json-filter.ts), and steps 1 and 2 rule out only batches none of whose records matches; compiling
 * throws only KafkaError INVALID_REQUEST (a bad regex or JSON filter, named); the predicate never
 * throws.
 */
import type { SearchQuery } from '../../shared/contract'
import { TIMESTAMP_TYPE_MASK, batchAttributes, batchMaxTimestamp } from '../../broker/codec/record-batch'
import { compileFieldMatcher, type FieldMatcher } from './field-matcher'
import { compileJsonFilter } from './json-filter'
import type { RecordCursor } from './record-cursor'

/** A compiled query; see the module comment. */
export interface RecordMatcher {
  /** Whether a regex runs (its time is budgeted). */
  readonly usesRegex: boolean
  /** True when no record of the complete batch at `pos` in `buf` can match, from its header alone. */
  skipsBatch(buf: Buffer, pos: number): boolean
  /** The records sections that follow lie in `data` (a new read, or a decompressed batch). */
  begin(data: Buffer): void
  /** False when no record of the records section data[start, end) can match. */
  prepare(start: number, end: number): boolean
  /** Whether the cursor's current record matches (records asked in order after begin / prepare). */
  matches(r: RecordCursor): boolean
}

/**
 * Compiles the filters of `q`.
 * @throws KafkaError INVALID_REQUEST for a refused regex or JSON filter.
 */
export function compileRecordMatcher(q: SearchQuery): RecordMatcher {
  const from = q.timestampFrom
  const to = q.timestampTo
  const fields: FieldMatcher[] = []
  const field = (f: SearchQuery['key'], what: string, kind: 'bytes' | 'text') => {
    if (!f) return null
    const m = compileFieldMatcher(f, what, kind)
    fields.push(m)
    return m
  }
  const key = field(q.key, 'key filter', 'bytes')
  const headerKey = field(q.headerKey, 'header key filter', 'text')
  const headerValue = field(q.headerValue, 'header value filter', 'bytes')
  const value = field(q.value, 'value filter', 'bytes')
  const json = q.json === undefined ? null : compileJsonFilter(q.json)
  const usesRegex = fields.some((m) => m.regex) || (q.json?.includes('matches(') ?? false)
  let data: Buffer = Buffer.alloc(0)

  const headersMatch = (r: RecordCursor): boolean => {
    for (let h = 0; h < r.headerCount; h++) {
      if (headerKey && !headerKey.test(r.headerKeyStart[h], r.headerKeyStart[h] + r.headerKeyLength[h])) continue
      if (!headerValue) return true
      const vl = r.headerValueLength[h]
      if (vl >= 0 && headerValue.test(r.headerValueStart[h], r.headerValueStart[h] + vl)) return true
    }
    return false
  }

  return {
    usesRegex,
    skipsBatch(buf, pos) {
      if (from === undefined && to === undefined) return false
      const max = batchMaxTimestamp(buf, pos)
      if (from !== undefined && max < from) return true
      // LogAppendTime: every record carries maxTimestamp.
      return to !== undefined && (batchAttributes(buf, pos) & TIMESTAMP_TYPE_MASK) !== 0 && max >= to
    },
    begin(d) {
      data = d
      for (const m of fields) m.begin(d)
    },
    prepare(start, end) {
      for (const m of fields) if (!m.prepare(start, end)) return false
      return json === null || json.mayMatchIn(data.subarray(start, end))
    },
    matches(r) {
      if (from !== undefined && r.timestamp < from) return false
      if (to !== undefined && r.timestamp >= to) return false
      if (key && (r.keyLength < 0 || !key.test(r.keyStart, r.keyStart + r.keyLength))) return false
      if ((headerKey || headerValue) && !headersMatch(r)) return false
      if (value && (r.valueLength < 0 || !value.test(r.valueStart, r.valueStart + r.valueLength))) return false
      if (json && (r.valueLength < 0 || !json.testBytes(r.data.subarray(r.valueStart, r.valueStart + r.valueLength)))) return false
      return true
    }
  }
}
