/**
 * The message search's predicate: a SearchQuery's filters (key, value, header key / value, JSON
 * field filter, timestamp range) compiled once into one function over a record. Every given filter
 * must hold; a null key or value matches no text filter; a record without headers matches no header
 * filter. Cheap checks run first (timestamp, then key, headers, value substring, JSON last).
 *
 * Must stay true: compiling throws only KafkaError INVALID_REQUEST (a bad regex or JSON filter,
 * named); the predicate never throws.
 */
import type { SearchQuery } from '../../shared/contract'
import type { ConsumerRecord } from './engine-records'
import { compileTextFilter, type TextMatcher } from './text-filter'
import { compileJsonFilter } from './json-filter'

/** A compiled query: the predicate, and whether it runs a regex (whose time is budgeted). */
export interface RecordMatcher {
  matches(r: ConsumerRecord): boolean
  usesRegex: boolean
}

/**
 * Compiles the filters of `q`.
 * @throws KafkaError INVALID_REQUEST for a refused regex or JSON filter.
 */
export function compileRecordMatcher(q: SearchQuery): RecordMatcher {
  const tests: ((r: ConsumerRecord) => boolean)[] = []
  const from = q.timestampFrom
  const to = q.timestampTo
  if (from !== undefined) tests.push((r) => r.timestamp >= from)
  if (to !== undefined) tests.push((r) => r.timestamp < to)
  const compiled: TextMatcher[] = []
  const text = (f: SearchQuery['key'], what: string) => {
    if (!f) return null
    const m = compileTextFilter(f, what)
    compiled.push(m)
    return m
  }
  const key = text(q.key, 'key filter')
  const headerKey = text(q.headerKey, 'header key filter')
  const headerValue = text(q.headerValue, 'header value filter')
  const value = text(q.value, 'value filter')
  if (key) tests.push((r) => r.key !== null && key.bytes(r.key))
  if (headerKey || headerValue)
    tests.push((r) =>
      r.headers.some(
        (h) => (!headerKey || headerKey.text(h.key)) && (!headerValue || (h.value !== null && headerValue.bytes(h.value)))
      )
    )
  if (value) tests.push((r) => r.value !== null && value.bytes(r.value))
  if (q.json !== undefined) {
    const json = compileJsonFilter(q.json)
    tests.push((r) => r.value !== null && json.testBytes(r.value))
  }
  const usesRegex = compiled.some((m) => m.regex) || (q.json?.includes('matches(') ?? false)
  if (tests.length === 0) return { usesRegex, matches: () => true }
  if (tests.length === 1) return { usesRegex, matches: tests[0] }
  return {
    usesRegex,
    matches(r) {
      for (const t of tests) if (!t(r)) return false
      return true
    }
  }
}
