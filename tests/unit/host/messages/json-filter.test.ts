/**
 * The search's JSON filter language: paths, comparisons without coercion, logic, functions, the
 * `missing` value, refusals that name the problem, and the byte pre-check that must never drop a
 * record the expression accepts (escaped strings).
 */
import { describe, expect, it } from 'vitest'
import { compileJsonFilter } from '../../../../src/host/messages/json-filter'

const flight = { origin: 'DFW', destination: 'ORD', delay: 75, distance: 1000, legs: [{ carrier: 'AA' }], 'odd key': 3, note: 'Late departure', cancelled: null }
const t = (expr: string, value: unknown = flight) => compileJsonFilter(expr).test(value)
const bytes = (expr: string, text: string) => compileJsonFilter(expr).testBytes(Buffer.from(text, 'utf8'))

describe('the JSON filter language', () => {
  it('compares fields of the value with ==, !=, <, <=, >, >= and joins conditions with && and ||', () => {
    expect(t('$.origin == "DFW"')).toBe(true)
    expect(t("$.origin == 'ORD'")).toBe(false)
    expect(t('$.delay > 60')).toBe(true)
    expect(t('$.delay > 75')).toBe(false)
    expect(t('$.delay >= 75 && $.distance <= 1000')).toBe(true)
    expect(t('$.origin != "DFW" || $.delay < 0')).toBe(false)
    expect(t('!($.origin == "DFW")')).toBe(false)
    expect(t('$.destination > "A"')).toBe(true)
    expect(t('$.delay * 2 - 50 == 100')).toBe(true)
    expect(t('$.origin + "-" + $.destination == "DFW-ORD"')).toBe(true)
  })

  it('steps into arrays and odd keys, and gives missing for absent steps, which equals and compares with nothing', () => {
    expect(t('$.legs[0].carrier == "AA"')).toBe(true)
    expect(t('$["odd key"] == 3')).toBe(true)
    expect(t('$.legs[5].carrier == "AA"')).toBe(false)
    expect(t('$.nope == null')).toBe(false)
    expect(t('$.cancelled == null')).toBe(true)
    expect(t('$.nope != 1')).toBe(true)
    expect(t('$.nope > 0 || $.nope <= 0')).toBe(false)
    expect(t('exists($.cancelled) && !exists($.nope)')).toBe(true)
    expect(t('$.origin.length == 3')).toBe(false)
  })

  it('does not coerce: a number never equals its text, and a bare non-boolean value is no match', () => {
    expect(t('$.delay == "75"')).toBe(false)
    expect(t('$.delay > "60"')).toBe(false)
    expect(t('number("75") == $.delay')).toBe(true)
    expect(t('string($.delay) == "75"')).toBe(true)
    expect(t('$.delay')).toBe(false)
    expect(t('$.flag', { flag: true })).toBe(true)
    expect(t('$.a == $.b', { a: [1, { x: 2 }], b: [1, { x: 2 }] })).toBe(true)
    expect(t('$.a == $.b', { a: [1, { x: 2 }], b: [1, { x: 3 }] })).toBe(false)
  })

  it('has contains, startsWith, endsWith, lower, upper, len and matches', () => {
    expect(t('contains(lower($.note), "late")')).toBe(true)
    expect(t('contains($.legs, $.legs[0])')).toBe(true)
    expect(t('startsWith($.note, "Late") && endsWith($.note, "ure")')).toBe(true)
    expect(t('upper($.origin) == "DFW" && len($.legs) == 1 && len($.origin) == 3')).toBe(true)
    expect(t('matches($.note, "^L[a-z]+ d")')).toBe(true)
  })

  it('refuses what it does not know, naming it and the rule', () => {
    expect(() => compileJsonFilter('$.origin == ')).toThrow(/JSON filter "\$.origin == ": Expected expression/)
    expect(() => compileJsonFilter('origin == "DFW"')).toThrow(/unknown name "origin": paths start at \$ \(e.g. \$.origin\)/)
    expect(() => compileJsonFilter('eval("1")')).toThrow(/unknown function "eval": the functions are contains, /)
    expect(() => compileJsonFilter('len($.a, 2)')).toThrow(/len\(\) takes 1 argument, got 2/)
    expect(() => compileJsonFilter('$.a = 1')).toThrow(/JSON filter/)
    expect(() => compileJsonFilter('$.a & 1')).toThrow(/operator "&" is not supported/)
    expect(() => compileJsonFilter('matches($.a, "(a+)+$")')).toThrow(/nested quantifiers/)
    expect(() => compileJsonFilter('matches($.a, "(")')).toThrow(/is not a valid regular expression/)
    expect(() => compileJsonFilter('exists("x")')).toThrow(/exists\(\) takes a path from \$/)
    for (const bad of ['$.a == 1', '$.b']) expect(() => compileJsonFilter(bad)).not.toThrow()
  })

  it('reads the value bytes as JSON: not JSON or not UTF-8 is no match, and escaped strings still match', () => {
    expect(bytes('$.origin == "DFW"', '{"origin":"DFW","delay":1}')).toBe(true)
    expect(bytes('$.origin == "DFW"', '{"origin":"\\u0044FW"}')).toBe(true)
    expect(bytes('$.origin == "DFW" && $.delay > 0', '{"origin":"DFX","delay":1}')).toBe(false)
    expect(bytes('$.delay > 0', 'not json')).toBe(false)
    expect(compileJsonFilter('$ == "a"').testBytes(Buffer.from([0x22, 0xff, 0x22]))).toBe(false)
    expect(bytes('$ == 5', '5')).toBe(true)
  })

  it('rules out bytes that lack a literal the filter requires, unless an escape could spell it', () => {
    const f = compileJsonFilter('$.origin == "DFW" && $.delay > 0')
    const some = (...values: string[]) => Buffer.from(values.join('\u0000\u0007'))
    expect(f.mayMatchIn(some('{"origin":"ORD","delay":1}', '{"origin":"ATL"}'))).toBe(false)
    expect(f.mayMatchIn(some('{"origin":"ORD"}', '{"origin":"DFW","delay":1}'))).toBe(true)
    expect(f.mayMatchIn(some('{"origin":"ORD"}', '{"origin":"\\u0044FW","delay":1}'))).toBe(true)
    expect(compileJsonFilter('$.path == "a/b"').mayMatchIn(some('{"path":"a\\/b"}'))).toBe(true)
    // A backslash that no escape of the literal can start does not keep the bytes in.
    expect(f.mayMatchIn(some('{"origin":"ORD","note":"C:\\\\temp"}'))).toBe(false)
    expect(compileJsonFilter('$.delay > 0').mayMatchIn(some('{"origin":"ORD"}'))).toBe(true)
  })
})
