/**
 * Import file parsing: JSON arrays, NDJSON, CSV, format from the file name, located errors, and
 * reading as a stream (any chunking gives the same rows; reading stops when the consumer stops).
 * Rows carry the source's bytes: a JSON element's text and an NDJSON line as they are in the file.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ImportFormatError, parseRecordSource, readRecordRows, type ImportFormat } from '../../../../src/host/import/record-source'
import { formatFromFileName, unknownFormatMessage } from '../../../../src/shared/import-format'
import { jsonRow, type ImportRow } from '../../../../src/host/import/import-row'
import { rowToRecord } from '../../../../src/host/import/importer'

/** What JSON.parse makes of each row's value (the value is JSON for every format). */
function parsed(rows: ImportRow[]): unknown[] {
  return rows.map((r) => JSON.parse(r.value.toString('utf8')))
}

/** Every row of `content` as the JSON its value holds. */
async function parse(content: string, format: ImportFormat): Promise<unknown[]> {
  return parsed(await parseRecordSource(content, format))
}

/** All rows of `chunks` read as `format`, as the JSON their values hold. */
async function rowsOf(chunks: (string | Buffer)[], format: ImportFormat): Promise<unknown[]> {
  const out: ImportRow[] = []
  for await (const r of readRecordRows(chunks, format)) out.push(r)
  return parsed(out)
}

/** `text`'s UTF-8 bytes cut into chunks of `size` bytes (a character may be cut in two). */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8')
  const out: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}

describe('parseRecordSource', () => {
  it('reads a JSON array, skipping a byte order mark', async () => {
    expect(await parse('\ufeff[{"a":1},{"a":2}]', 'json')).toEqual([{ a: 1 }, { a: 2 }])
    expect(await parse(' [ ] ', 'json')).toEqual([])
  })

  it('refuses JSON that is not an array, is cut short, is empty or has something after the array', async () => {
    await expect(parse('{"a":1}', 'json')).rejects.toThrow(/must hold an array of records, got object/)
    await expect(parse('  42', 'json')).rejects.toThrow(/must hold an array of records, got a single value/)
    await expect(parse('[1,', 'json')).rejects.toThrow(ImportFormatError)
    await expect(parse('[{"a":1},{"a":}]', 'json')).rejects.toThrow(/^JSON element 2 is not valid JSON: /)
    await expect(parse('', 'json')).rejects.toThrow(/Not valid JSON: the file is empty/)
    await expect(parse('[1] [2]', 'json')).rejects.toThrow(ImportFormatError)
  })

  it('gives JSON values exactly as JSON.parse does', async () => {
    const text = '[{"s":"é\\u00e9\\n\\"","n":-1.5e3,"big":12345678901234567890,"t":true,"z":null,"a":[1,{"b":[]}],"__proto__":{"x":1}}, "str", 7]'
    expect(await parse(text, 'json')).toEqual(JSON.parse(text))
  })

  it("keeps each JSON element's bytes as they are in the file: 0.0 stays 0.0, a large integer exact, spacing kept", async () => {
    const elements = ['{"time":0.0,"n":12345678901234567890}', '{ "x" : [1, 2.50e+3 ] ,"s":"é\\u00e9"}', '-0.0', '"text"', 'null']
    const file = `\ufeff[\n  ${elements.join(' ,\r\n\t')}  \n]\n`
    for (const size of [1, 3, 1 << 20]) {
      const rows: ImportRow[] = []
      for await (const r of readRecordRows(chunked(file, size), 'json')) rows.push(r)
      expect(rows.map((r) => r.value.toString('utf8'))).toEqual(elements)
    }
  })

  it("keeps each NDJSON line's bytes as they are, without its line end", async () => {
    const lines = ['{"time":0.0}', '  {"big": 9007199254740993 }', '[1,2]']
    const rows = await parseRecordSource(`${lines[0]}\r\n\n${lines[1]}\n${lines[2]}`, 'ndjson')
    expect(rows.map((r) => r.value.toString('utf8'))).toEqual(lines)
    expect(rows[1].field('big')).toEqual({ kind: 'number', text: '9007199254740993' })
  })

  it('refuses JSON elements and NDJSON lines that are not valid UTF-8, naming them', async () => {
    const bad = Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')])
    await expect(parseRecordSource(bad, 'json')).rejects.toThrow('Not valid JSON in element 1: The encoded data was not valid for encoding utf-8')
    const line = Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n')])
    await expect(parseRecordSource(line, 'ndjson')).rejects.toThrow('NDJSON line 2 is not valid UTF-8')
  })

  it('names the element that is not valid JSON, and a comma with no value', async () => {
    await expect(parse('[{"a":1} {"b":2}]', 'json')).rejects.toThrow(/^JSON element 1 is not valid JSON: /)
    await expect(parse('[1,,2]', 'json')).rejects.toThrow('Not valid JSON: a value is missing before the comma (at byte 3 of the file)')
    await expect(parse('[1,]', 'json')).rejects.toThrow('Not valid JSON: a value is missing after the comma (at byte 3 of the file)')
    await expect(parse('[1,', 'json')).rejects.toThrow('Not valid JSON: the file ends before the array is closed')
  })

  it('reads NDJSON, skipping blank lines, and names the bad line', async () => {
    expect(await parse('{"a":1}\r\n\n{"a":2}\n', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }])
    expect(await parse('{"a":1}\n{"a":2}', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }]) // no newline at the end
    await expect(parse('{"a":1}\n\n{oops}\n', 'ndjson')).rejects.toThrow(/NDJSON line 3 is not valid JSON/)
    await expect(parse('{"a":1}\n{"b":', 'ndjson')).rejects.toThrow(/NDJSON line 2 is not valid JSON/)
  })

  it('reads CSV with a header row and quoted fields, keeping values as text', async () => {
    expect(await parse('id,name\n007,"Bond, James"\n', 'csv')).toEqual([{ id: '007', name: 'Bond, James' }])
    expect(await parse('\ufeffid,note\r\n1,"two\nlines"\r\n', 'csv')).toEqual([{ id: '1', note: 'two\nlines' }])
  })

  it('makes a CSV row a JSON object of strings in header order, or typed columns when asked', async () => {
    const csv = 'z,1,a,empty,t\n0.0,12345678901234567890,007,,true\n'
    const [plain] = await parseRecordSource(csv, 'csv')
    expect(plain.value.toString()).toBe('{"z":"0.0","1":"12345678901234567890","a":"007","empty":"","t":"true"}')
    const [typed] = await parseRecordSource(csv, 'csv', { csvTypedColumns: true })
    expect(typed.value.toString()).toBe('{"z":0.0,"1":12345678901234567890,"a":"007","empty":null,"t":true}')
    expect(typed.field('1')).toEqual({ kind: 'number', text: '12345678901234567890' })
    expect(typed.field('empty')).toEqual({ kind: 'null' })
  })

  it('names the CSV row that does not match the header', async () => {
    await expect(parse('a,b\n1,2\n3\n', 'csv')).rejects.toThrow(/CSV row 3: Too few fields: expected 2 fields but parsed 1/)
  })
})

describe('readRecordRows as a stream', () => {
  const records = Array.from({ length: 300 }, (_, i) => ({ id: i, origin: ['SFO', 'JFK', 'ÖRE'][i % 3], note: `a "quoted", multi\nline ${i}` }))
  const texts: Record<'json' | 'ndjson' | 'csv', string> = {
    json: `\ufeff[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`,
    ndjson: `\ufeff${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
    csv: `\ufeffid,origin,note\r\n${records.map((r) => `${r.id},${r.origin},"${r.note.replace(/"/g, '""')}"`).join('\r\n')}\r\n`
  }
  const expected = (format: 'json' | 'ndjson' | 'csv'): unknown[] =>
    format === 'csv' ? records.map((r) => ({ id: String(r.id), origin: r.origin, note: r.note })) : records

  for (const format of ['json', 'ndjson', 'csv'] as const) {
    it(`${format}: the same rows whatever the chunk boundaries`, async () => {
      for (const size of [1, 2, 7, 64, 1000, 1 << 20]) expect(await rowsOf(chunked(texts[format], size), format)).toEqual(expected(format))
    })

    it(`${format}: reads a file stream, and stops reading when the consumer stops`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-rows-'))
      try {
        const file = path.join(dir, `rows.${format}`)
        // 11 to 19 MB: far more than what 10 rows need.
        const reps = 1000
        const bodyOf = (f: ImportFormat): string[] =>
          f === 'csv' ? records.map((r) => `${r.id},${r.origin},"${r.note.replace(/"/g, '""')}"`) : records.map((r) => JSON.stringify(r))
        const lines = Array.from({ length: reps }, () => bodyOf(format)).flat()
        const big = format === 'json' ? `[${lines.join(',')}]` : format === 'csv' ? `id,origin,note\n${lines.join('\n')}\n` : `${lines.join('\n')}\n`
        fs.writeFileSync(file, big)
        expect(fs.statSync(file).size).toBeGreaterThan(10_000_000)
        const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })
        const got: unknown[] = []
        for await (const r of readRecordRows(stream, format)) {
          got.push(JSON.parse(r.value.toString()))
          if (got.length === 10) break
        }
        expect(got).toEqual(expected(format).slice(0, 10))
        await new Promise((r) => setImmediate(r))
        expect(stream.destroyed).toBe(true)
        expect(stream.bytesRead).toBeLessThan(4 * 1024 * 1024) // stopped early: a few chunks, not the file

        // A slow consumer: reading keeps only a little ahead of it.
        const slow = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 })
        let n = 0
        for await (const r of readRecordRows(slow, format)) {
          expect(JSON.parse(r.value.toString())).toEqual(expected(format)[n % records.length])
          if (++n === 3000) break
          await new Promise((res) => setImmediate(res))
        }
        expect(slow.bytesRead).toBeLessThan(4 * 1024 * 1024)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    })
  }
})

describe('formatFromFileName', () => {
  it('infers the format from the extension', () => {
    expect(formatFromFileName('a/flights.JSON')).toBe('json')
    expect(formatFromFileName('x.ndjson')).toBe('ndjson')
    expect(formatFromFileName('x.jsonl')).toBe('ndjson')
    expect(formatFromFileName('x.csv')).toBe('csv')
    expect(formatFromFileName('x.parquet')).toBe('parquet')
    expect(formatFromFileName('x.txt')).toBeNull()
    expect(formatFromFileName('json')).toBeNull()
  })

  it('says why an unknown extension is refused, naming the formats and how to choose one', () => {
    expect(unknownFormatMessage('/data/notes.txt', 'cli')).toBe(
      'Cannot tell the format of notes.txt from its extension .txt: the formats are json (.json), ndjson (.ndjson, .jsonl), csv (.csv), parquet (.parquet); pass --format json|ndjson|csv|parquet to import it as one of them.'
    )
    expect(unknownFormatMessage('README', 'ui')).toMatch(/^Cannot tell the format of README from a name without an extension: .*; choose the format to import it/)
  })
})

describe('rowToRecord', () => {
  const row = async (json: string): Promise<ImportRow> => (await parseRecordSource(`[${json}]`, 'json'))[0]

  it('keys by the field as UTF-8 text and carries the row as it is in the file', async () => {
    const r = rowToRecord(await row('{"origin":"SFO", "n":1.0}'), 1, { keyField: 'origin' })
    expect(r.key?.toString('utf8')).toBe('SFO')
    expect(r.value?.toString('utf8')).toBe('{"origin":"SFO", "n":1.0}')
    expect(r.timestamp).toBeUndefined()
    expect(rowToRecord(await row('{"id":42}'), 1, { keyField: 'id' }).key?.toString()).toBe('42')
    expect(rowToRecord(await row('{"id":1}'), 1, { keyField: null }).key).toBeNull()
  })

  it('keys by a number as written, beyond 2^53 too, and by an object as its text', async () => {
    expect(rowToRecord(await row('{"id":12345678901234567891}'), 1, { keyField: 'id' }).key?.toString()).toBe('12345678901234567891')
    expect(rowToRecord(await row('{"id":1.50}'), 1, { keyField: 'id' }).key?.toString()).toBe('1.50')
    expect(rowToRecord(await row('{"id":{"a" : [1]}, "x":2}'), 1, { keyField: 'id' }).key?.toString()).toBe('{"a" : [1]}')
    expect(rowToRecord(await row('{"id":1,"id":2}'), 1, { keyField: 'id' }).key?.toString()).toBe('2') // as JSON.parse: the last wins
  })

  it('gives a null key for a key field holding JSON null, and refuses a row without the field, naming the row', async () => {
    expect(rowToRecord(await row('{"id":null,"n":1}'), 7, { keyField: 'id' }).key).toBeNull()
    expect(() => rowToRecord(jsonOnly('{"other":1,"n":2}'), 7, { keyField: 'id' })).toThrow(
      'Row 7 has no key field "id" (its fields: other, n); every row must have it, with null for a null key'
    )
    expect(() => rowToRecord(jsonOnly('{}'), 2, { keyField: 'toString' })).toThrow(/Row 2 has no key field "toString" \(its fields: none\)/)
  })

  it('refuses a key field on a row that is not an object, naming the row', async () => {
    expect(() => rowToRecord(jsonOnly('5'), 3, { keyField: 'id' })).toThrow(/Row 3 is not an object/)
  })
})

/** A JSON row from text, as the readers make it. */
function jsonOnly(text: string): ImportRow {
  return jsonRow(Buffer.from(text), text, JSON.parse(text))
}
