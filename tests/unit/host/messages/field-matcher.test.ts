/**
 * FieldMatcher: text filters tested on fields where they lie in a buffer answer exactly what
 * compileTextFilter's matchers answer on each field alone (case-sensitive, ASCII and non-ASCII
 * case-insensitive, regex, header keys as text), an occurrence that spans two fields matches
 * neither, and the list of non-ASCII characters that lower-case to ASCII is complete.
 */
import { describe, expect, it } from 'vitest'
import type { TextFilter } from '../../../../src/shared/contract'
import { NON_ASCII_LOWERING_TO_ASCII, compileFieldMatcher } from '../../../../src/host/messages/field-matcher'
import { compileTextFilter } from '../../../../src/host/messages/text-filter'

/** Lays `fields` out back to back with a separator byte between two (as record bytes lie in a batch). */
function layout(fields: Buffer[], separator = 0x0a): { data: Buffer; spans: [number, number][] } {
  const parts: Buffer[] = []
  const spans: [number, number][] = []
  let at = 0
  for (const f of fields) {
    spans.push([at, at + f.length])
    parts.push(f, Buffer.from([separator]))
    at += f.length + 1
  }
  return { data: Buffer.concat(parts), spans }
}

/** What the field matcher answers for each field, in order, after one prepare over the whole buffer. */
function inPlace(filter: TextFilter, fields: Buffer[], kind: 'bytes' | 'text' = 'bytes'): boolean[] {
  const { data, spans } = layout(fields)
  const m = compileFieldMatcher(filter, 'value filter', kind)
  m.begin(data)
  const any = m.prepare(0, data.length)
  const answers = spans.map(([s, e]) => m.test(s, e))
  if (!any) expect(answers.every((a) => !a)).toBe(true)
  return answers
}

/** What compileTextFilter answers for each field on its own. */
function reference(filter: TextFilter, fields: Buffer[], kind: 'bytes' | 'text' = 'bytes'): boolean[] {
  const m = compileTextFilter(filter, 'value filter')
  return fields.map((f) => (kind === 'bytes' ? m.bytes(f) : m.text(f.toString('utf8'))))
}

const FIELDS = [
  'Dallas Fort Worth',
  'DALLAS',
  'dallas-',
  'no match here',
  'Kelvin: \u212a at the start of "kelvin"',
  '\u212aelvin',
  'Istanbul \u0130STANBUL',
  '\u0130d',
  'caf\u00e9 CAF\u00c9 Caf\u00c9',
  '\u00c4PFEL und \u00e4pfel',
  'mixed \u00df STRASSE stra\u00dfe',
  '"ID":77777, "id":77777,',
  '',
  'dal',
  'las',
  '---A and --x'
].map((s) => Buffer.from(s, 'utf8'))
// Bytes that are not UTF-8 (a lone continuation byte, a truncated sequence) around ASCII text.
const INVALID = [Buffer.from([0x80, 0x44, 0x41, 0x4c, 0x4c, 0x41, 0x53, 0xe2, 0x84]), Buffer.from([0xc3, 0x64, 0x61, 0x6c, 0x6c, 0x61, 0x73])]

describe('field matcher', () => {
  it('answers what the decoded matcher answers, case-sensitively and ignoring case for ASCII patterns', () => {
    for (const pattern of ['dallas', 'DALLAS', 'Dallas', 'as', 'k', 'kelvin', 'i', 'id', '"id":77777,', '"ID":77777,', 'dallas fort', '--a', 'x', ''])
      for (const caseInsensitive of [false, true]) {
        const f: TextFilter = { mode: 'substring', pattern, caseInsensitive }
        const fields = [...FIELDS, ...INVALID]
        expect({ pattern, caseInsensitive, answers: inPlace(f, fields) }).toEqual({ pattern, caseInsensitive, answers: reference(f, fields) })
      }
  })

  it('finds an ASCII pattern ignoring case through characters that lower-case to ASCII (KELVIN SIGN, dotted capital I)', () => {
    const kelvin = inPlace({ mode: 'substring', pattern: 'KELVIN', caseInsensitive: true }, FIELDS)
    expect(kelvin[5]).toBe(true) // "\u212aelvin" lower-cases to "kelvin"
    const dotted = inPlace({ mode: 'substring', pattern: 'i', caseInsensitive: true }, [Buffer.from('\u0130d', 'utf8'), Buffer.from('ABC', 'utf8')])
    expect(dotted).toEqual([true, false])
  })

  it('answers what the decoded matcher answers for patterns that are not ASCII once lower-cased', () => {
    for (const pattern of ['\u00c4pfel', '\u00e4PFEL', 'CAF\u00c9', '\u00df', 'STRA\u00dfE', '\u212a', '\u0130STANBUL'])
      for (const caseInsensitive of [false, true]) {
        const f: TextFilter = { mode: 'substring', pattern, caseInsensitive }
        expect({ pattern, caseInsensitive, answers: inPlace(f, FIELDS) }).toEqual({ pattern, caseInsensitive, answers: reference(f, FIELDS) })
      }
    expect(inPlace({ mode: 'substring', pattern: '\u00e4PFEL', caseInsensitive: true }, FIELDS)[9]).toBe(true)
  })

  it('answers what the decoded matcher answers for regular expressions and for header keys as text', () => {
    for (const f of [
      { mode: 'regex', pattern: '^dal', caseInsensitive: true },
      { mode: 'regex', pattern: '\\d{5},' },
      { mode: 'substring', pattern: 'DAL' },
      { mode: 'substring', pattern: '\ufffdDAL' },
      { mode: 'substring', pattern: '\ud800' }
    ] as TextFilter[]) {
      const fields = [...FIELDS, ...INVALID]
      expect({ f, answers: inPlace(f, fields, 'text') }).toEqual({ f, answers: reference(f, fields, 'text') })
    }
    // The decoded key of invalid bytes holds U+FFFD where they were: a header-key pattern with it matches.
    expect(inPlace({ mode: 'substring', pattern: '\ufffdDAL' }, INVALID, 'text')[0]).toBe(true)
  })

  it('matches no field with an occurrence that spans the end of one field and the start of the next', () => {
    const fields = [Buffer.from('left ab'), Buffer.from('cd right'), Buffer.from('xx abcd')]
    // The bytes hold "ab\ncd" across the first two fields: neither contains it; the third holds "abcd".
    expect(inPlace({ mode: 'substring', pattern: 'ab\ncd' }, fields)).toEqual([false, false, false])
    expect(inPlace({ mode: 'substring', pattern: 'abcd' }, fields)).toEqual([false, false, true])
    expect(inPlace({ mode: 'substring', pattern: 'AB\nCD', caseInsensitive: true }, fields)).toEqual([false, false, false])
    expect(inPlace({ mode: 'substring', pattern: 'ABCD', caseInsensitive: true }, fields)).toEqual([false, false, true])
    // prepare over a section ending inside an occurrence: nothing in the section matches.
    const { data } = layout(fields)
    const m = compileFieldMatcher({ mode: 'substring', pattern: 'ab\ncd' }, 'value filter', 'bytes')
    m.begin(data)
    expect(m.prepare(0, 8)).toBe(false)
    expect(m.prepare(0, 11)).toBe(true)
  })

  it('knows every non-ASCII character whose lower case holds an ASCII character', () => {
    const found: string[] = []
    for (let c = 0x80; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue
      const ch = String.fromCodePoint(c)
      if (/[\x00-\x7f]/.test(ch.toLowerCase())) found.push(ch)
    }
    expect(found.sort()).toEqual(NON_ASCII_LOWERING_TO_ASCII.map((f) => f.char).sort())
    for (const f of NON_ASCII_LOWERING_TO_ASCII) expect(f.char.toLowerCase()).toContain(f.ascii)
  })
})
