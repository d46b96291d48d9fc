/** Import file parsing: JSON arrays, NDJSON, CSV, format from the file name, and located errors. */
import { describe, expect, it } from 'vitest'
import { formatFromFileName, ImportFormatError, parseRecordSource } from '../../../../src/main/import/record-source'
import { rowToRecord } from '../../../../src/main/import/importer'

describe('parseRecordSource', () => {
  it('reads a JSON array, skipping a byte order mark', () => {
    expect(parseRecordSource('\ufeff[{"a":1},{"a":2}]', 'json')).toEqual([{ a: 1 }, { a: 2 }])
  })

  it('refuses JSON that is not an array', () => {
    expect(() => parseRecordSource('{"a":1}', 'json')).toThrow(/must hold an array of records, got object/)
    expect(() => parseRecordSource('[1,', 'json')).toThrow(ImportFormatError)
  })

  it('reads NDJSON, skipping blank lines, and names the bad line', () => {
    expect(parseRecordSource('{"a":1}\r\n\n{"a":2}\n', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }])
    expect(() => parseRecordSource('{"a":1}\n\n{oops}\n', 'ndjson')).toThrow(/NDJSON line 3 is not valid JSON/)
  })

  it('reads CSV with a header row and quoted fields, keeping values as text', () => {
    expect(parseRecordSource('id,name\n007,"Bond, James"\n', 'csv')).toEqual([{ id: '007', name: 'Bond, James' }])
  })

  it('infers the format from the extension', () => {
    expect(formatFromFileName('a/flights.JSON')).toBe('json')
    expect(formatFromFileName('x.ndjson')).toBe('ndjson')
    expect(formatFromFileName('x.jsonl')).toBe('ndjson')
    expect(formatFromFileName('x.csv')).toBe('csv')
    expect(formatFromFileName('x.txt')).toBeNull()
  })
})

describe('rowToRecord', () => {
  it('keys by the field as UTF-8 text and carries the row as JSON', () => {
    const r = rowToRecord({ origin: 'SFO', n: 1 }, 0, 'origin')
    expect(r.key?.toString('utf8')).toBe('SFO')
    expect(r.value?.toString('utf8')).toBe('{"origin":"SFO","n":1}')
    expect(rowToRecord({ id: 42 }, 0, 'id').key?.toString()).toBe('42')
    expect(rowToRecord({ other: 1 }, 0, 'id').key).toBeNull()
    expect(rowToRecord({ id: 1 }, 0, null).key).toBeNull()
  })

  it('refuses a key field on a row that is not an object', () => {
    expect(() => rowToRecord(5, 3, 'id')).toThrow(/Record 3 is not an object/)
  })
})
