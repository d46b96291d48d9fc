/** Text filters of the search: substring on bytes, case-insensitive, regex, and the regex checks. */
import { describe, expect, it } from 'vitest'
import { RegexBudget, compileTextFilter, regexProblem } from '../../../../src/host/messages/text-filter'

const b = (s: string) => Buffer.from(s, 'utf8')

describe('text filters', () => {
  it('finds a substring in the bytes, case-sensitively unless asked', () => {
    const exact = compileTextFilter({ mode: 'substring', pattern: 'Dallas' }, 'value filter')
    expect(exact.bytes(b('to Dallas/Fort Worth'))).toBe(true)
    expect(exact.bytes(b('to dallas'))).toBe(false)
    const ci = compileTextFilter({ mode: 'substring', pattern: 'DALLAS', caseInsensitive: true }, 'value filter')
    expect(ci.bytes(b('to dallas'))).toBe(true)
    expect(ci.text('Dallas')).toBe(true)
    expect(compileTextFilter({ mode: 'substring', pattern: 'é' }, 'key filter').bytes(b('café'))).toBe(true)
  })

  it('tests a regular expression on the UTF-8 text, with i when case-insensitive', () => {
    const re = compileTextFilter({ mode: 'regex', pattern: '"delay":\\s*\\d{3}' }, 'value filter')
    expect(re.bytes(b('{"delay": 120}'))).toBe(true)
    expect(re.bytes(b('{"delay": 12}'))).toBe(false)
    expect(compileTextFilter({ mode: 'regex', pattern: '^dfw$', caseInsensitive: true }, 'key filter').text('DFW')).toBe(true)
  })

  it('refuses a regex that does not compile and one with nested quantifiers, naming the filter', () => {
    expect(() => compileTextFilter({ mode: 'regex', pattern: '(unclosed' }, 'value filter')).toThrow(
      /The value filter \/\(unclosed\/ is not a valid regular expression: .*Unterminated group/
    )
    expect(() => compileTextFilter({ mode: 'regex', pattern: '(a+)+$' }, 'header value filter')).toThrow(
      /The header value filter \/\(a\+\)\+\$\/ has nested quantifiers .* refused as catastrophic/
    )
    expect(regexProblem('^(\\w+\\s?)*$')).toMatch(/nested quantifiers/)
    expect(regexProblem('foo.*bar|ba[rz]+')).toBeNull()
  })

  it('stops a search whose regex takes longer than its budget per chunk', () => {
    const budget = new RegexBudget(100)
    expect(() => budget.check(99, 'partition 0 offsets 0 to 9')).not.toThrow()
    expect(() => budget.check(250, 'partition 0 offsets 0 to 9')).toThrow(/took 250 ms on partition 0 offsets 0 to 9 \(more than 100 ms per chunk\)/)
  })
})
