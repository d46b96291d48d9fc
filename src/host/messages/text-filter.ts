/**
 * Text filters of the message search (contract TextFilter), compiled once per search into matchers
 * over record bytes (keys, values, header values) and strings (header keys):
 * - substring: the pattern's UTF-8 bytes occur in the bytes (Buffer.indexOf, no decoding); with
 *   caseInsensitive, the bytes are decoded as UTF-8 and compared lower-cased.
 * - regex: a JavaScript regular expression (flags: `i` with caseInsensitive), tested on the bytes
 *   decoded as UTF-8 (invalid sequences become U+FFFD).
 *
 * A regex is checked before anything runs: one that does not compile is refused naming the
 * problem, and one with nested quantifiers (star height above 1, e.g. `(a+)+`, `(\w+\s?)*`, the
 * patterns whose backtracking is exponential; checked with safe-regex2) is refused as catastrophic.
 * JavaScript cannot interrupt a running regex, so the search also measures what the regex costs
 * per chunk of records and stops a search whose regex is this slow anyway (RegexBudget).
 *
 * Must stay true: compiling throws only KafkaError INVALID_REQUEST, with a message naming the
 * filter (`what`) and the rule; matchers never throw and never keep state between records.
 */
import safeRegex from 'safe-regex2'
import type { TextFilter } from '../../shared/contract'
import { KafkaError } from '../../broker/model/errors'

/** A compiled filter: over bytes (keys, values, header values) and over text (header keys). */
export interface TextMatcher {
  bytes(b: Buffer): boolean
  text(s: string): boolean
  /** True for regex filters (their time is budgeted, see RegexBudget). */
  regex: boolean
}

/**
 * Longest a regex may take over one chunk of records, in ms, before the search is stopped as too
 * slow for a regex (a backtracking blow-up the static check did not catch).
 */
export const REGEX_CHUNK_BUDGET_MS = 2000

/**
 * Why `pattern` is refused as a regular expression (it does not compile, or it has nested
 * quantifiers), or null when it may run. Shared by the search and by the JSON filter's matches().
 */
export function regexProblem(pattern: string, flags = ''): string | null {
  try {
    new RegExp(pattern, flags)
  } catch (e) {
    return `is not a valid regular expression: ${(e as Error).message}`
  }
  if (!safeRegex(pattern))
    return `has nested quantifiers (e.g. (a+)+ or (\\w+\\s?)*), whose backtracking can take exponential time; refused as catastrophic: rewrite it without a quantifier inside a quantified group`
  return null
}

/**
 * Compiles a text filter.
 * @param what names the filter in errors, e.g. "value filter".
 * @throws KafkaError INVALID_REQUEST for a regex that does not compile or is catastrophic.
 */
export function compileTextFilter(filter: TextFilter, what: string): TextMatcher {
  const ci = filter.caseInsensitive === true
  if (filter.mode === 'regex') {
    const problem = regexProblem(filter.pattern, ci ? 'i' : '')
    if (problem) throw new KafkaError('INVALID_REQUEST', `The ${what} /${filter.pattern}/ ${problem}`)
    const re = new RegExp(filter.pattern, ci ? 'i' : '')
    return { regex: true, text: (s) => re.test(s), bytes: (b) => re.test(b.toString('utf8')) }
  }
  if (ci) {
    const needle = filter.pattern.toLowerCase()
    const text = (s: string) => s.toLowerCase().includes(needle)
    return { regex: false, text, bytes: (b) => text(b.toString('utf8')) }
  }
  const needle = Buffer.from(filter.pattern, 'utf8')
  return { regex: false, text: (s) => s.includes(filter.pattern), bytes: (b) => b.indexOf(needle) >= 0 }
}

/**
 * Watches the time a search's regex filters take per chunk, since a JavaScript regex cannot be
 * interrupted: `check` after each chunk throws once a chunk took longer than the budget.
 */
export class RegexBudget {
  constructor(private readonly budgetMs = REGEX_CHUNK_BUDGET_MS) {}

  /**
   * @param elapsedMs the time the chunk's matching took.
   * @throws KafkaError INVALID_REQUEST naming the records when it exceeds the budget.
   */
  check(elapsedMs: number, where: string): void {
    if (elapsedMs > this.budgetMs)
      throw new KafkaError(
        'INVALID_REQUEST',
        `The regular expression took ${Math.round(elapsedMs)} ms on ${where} (more than ${this.budgetMs} ms per chunk): stopped as too slow; simplify the pattern`
      )
  }
}
