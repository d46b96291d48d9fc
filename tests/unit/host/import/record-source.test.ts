/**
 * Import file parsing: JSON arrays, NDJSON, CSV, format from the file name, located errors, and
 * reading as a stream (any chunking gives the same rows; reading stops when the consumer stops).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatFromFileName, ImportFormatError, parseRecordSource, readRecordRows, type ImportFormat } from '../../../../src/host/import/record-source'
import { rowToRecord } from '../../../../src/host/import/importer'

/** All rows of `chunks` read as `format`. */
async function rowsOf(chunks: string[], format: ImportFormat): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const r of readRecordRows(chunks, format)) out.push(r)
  return out
}

/** `text` cut into chunks of `size` characters. */
function chunked(text: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

describe('parseRecordSource', () => {
  it('reads a JSON array, skipping a byte order mark', async () => {
    expect(await parseRecordSource('\ufeff[{"a":1},{"a":2}]', 'json')).toEqual([{ a: 1 }, { a: 2 }])
    expect(await parseRecordSource(' [ ] ', 'json')).toEqual([])
  })

  it('refuses JSON that is not an array, is cut short, is empty or has something after the array', async () => {
    await expect(parseRecordSource('{"a":1}', 'json')).rejects.toThrow(/must hold an array of records, got object/)
    await expect(parseRecordSource('  42', 'json')).rejects.toThrow(/must hold an array of records, got a single value/)
    await expect(parseRecordSource('[1,', 'json')).rejects.toThrow(ImportFormatError)
    await expect(parseRecordSource('[{"a":1},{"a":}]', 'json')).rejects.toThrow(/^Not valid JSON: /)
    await expect(parseRecordSource('', 'json')).rejects.toThrow(/Not valid JSON: the file is empty/)
    await expect(parseRecordSource('[1] [2]', 'json')).rejects.toThrow(ImportFormatError)
  })

  it('gives JSON values exactly as JSON.parse does', async () => {
    const text = '[{"s":"é\\u00e9\\n\\"","n":-1.5e3,"big":12345678901234567890,"t":true,"z":null,"a":[1,{"b":[]}],"__proto__":{"x":1}}, "str", 7]'
    expect(await parseRecordSource(text, 'json')).toEqual(JSON.parse(text))
  })

  it('reads NDJSON, skipping blank lines, and names the bad line', async () => {
    expect(await parseRecordSource('{"a":1}\r\n\n{"a":2}\n', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }])
    expect(await parseRecordSource('{"a":1}\n{"a":2}', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }]) // no newline at the end
    await expect(parseRecordSource('{"a":1}\n\n{oops}\n', 'ndjson')).rejects.toThrow(/NDJSON line 3 is not valid JSON/)
    await expect(parseRecordSource('{"a":1}\n{"b":', 'ndjson')).rejects.toThrow(/NDJSON line 2 is not valid JSON/)
  })

  it('reads CSV with a header row and quoted fields, keeping values as text', async () => {
    expect(await parseRecordSource('id,name\n007,"Bond, James"\n', 'csv')).toEqual([{ id: '007', name: 'Bond, James' }])
    expect(await parseRecordSource('\ufeffid,note\r\n1,"two\nlines"\r\n', 'csv')).toEqual([{ id: '1', note: 'two\nlines' }])
  })

  it('names the CSV row that does not match the header', async () => {
    await expect(parseRecordSource('a,b\n1,2\n3\n', 'csv')).rejects.toThrow(/CSV row 3: Too few fields: expected 2 fields but parsed 1/)
  })
})

describe('readRecordRows as a stream', () => {
  const records = Array.from({ length: 300 }, (_, i) => ({ id: i, origin: ['SFO', 'JFK', 'ÖRE'][i % 3], note: `a "quoted", multi\nline ${i}` }))
  const texts: Record<ImportFormat, string> = {
    json: `\ufeff[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`,
    ndjson: `\ufeff${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
    csv: `\ufeffid,origin,note\r\n${records.map((r) => `${r.id},${r.origin},"${r.note.replace(/"/g, '""')}"`).join('\r\n')}\r\n`
  }
  const expected = (format: ImportFormat): unknown[] =>
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
          got.push(r)
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
          expect(r).toEqual(expected(format)[n % records.length])
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
    expect(formatFromFileName('x.txt')).toBeNull()
  })
})

describe('rowToRecord', () => {
  it('keys by the field as UTF-8 text and carries the row as JSON', () => {
    const r = rowToRecord({ origin: 'SFO', n: 1 }, 1, 'origin')
    expect(r.key?.toString('utf8')).toBe('SFO')
    expect(r.value?.toString('utf8')).toBe('{"origin":"SFO","n":1}')
    expect(rowToRecord({ id: 42 }, 1, 'id').key?.toString()).toBe('42')
    expect(rowToRecord({ id: 1 }, 1, null).key).toBeNull()
  })

  it('gives a null key for a key field holding JSON null, and refuses a row without the field, naming the row', () => {
    expect(rowToRecord({ id: null, n: 1 }, 7, 'id').key).toBeNull()
    expect(() => rowToRecord({ other: 1, n: 2 }, 7, 'id')).toThrow(
      'Row 7 has no key field "id" (its fields: other, n); every row must have it, with null for a null key'
    )
    expect(() => rowToRecord({}, 2, 'toString')).toThrow(/Row 2 has no key field "toString" \(its fields: none\)/)
  })

  it('refuses a key field on a row that is not an object, naming the row', () => {
    expect(() => rowToRecord(5, 3, 'id')).toThrow(/Row 3 is not an object/)
  })
})
