/**
 * The readers' bounds on one row: an endless single line (a Readable that yields the same
 * characters forever, as /dev/zero does) ends with an error naming the line, row or element and
 * the limit, for every format, after reading little more than the limit; a row of exactly the
 * limit in UTF-8 bytes is read and one byte more is not; JSON nested deeper than the limit fails
 * naming the limit and where, never with "Maximum call stack size exceeded".
 */
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ImportFormatError, parseRecordSource, readRecordRows, type ImportFormat } from '../../../../src/host/import/record-source'
import { MAX_IMPORT_NESTING_DEPTH, MAX_IMPORT_ROW_BYTES } from '../../../../src/host/import/import-limits'
import { rowToRecord } from '../../../../src/host/import/importer'

const MAX = MAX_IMPORT_ROW_BYTES
const LIMIT_TEXT = 'longer than 16 MiB (16777216 bytes), the most one row may hold'
/** What a reader may read of an endless source before it must have stopped: the limit and a few chunks. */
const READ_BOUND = MAX + 4 * 1024 * 1024
/** An endless source gives up here, so a reader without bounds fails the test instead of eating memory. */
const SOURCE_CAP = 4 * MAX

/**
 * A Readable yielding `prefix`, then `fill` repeated forever in 1 MiB chunks, as a file stream reads (until SOURCE_CAP,
 * where it fails the read). `read()` tells how many characters were handed out.
 */
function endless(prefix: string, fill: string): { stream: Readable; read(): number } {
  const chunk = fill.repeat(Math.ceil((1 << 20) / fill.length))
  let handed = 0
  let started = false
  const stream = new Readable({
    encoding: 'utf8',
    read() {
      if (!started) {
        started = true
        handed += prefix.length
        if (prefix.length > 0) {
          this.push(prefix)
          return
        }
      }
      if (handed > SOURCE_CAP) {
        this.destroy(new Error(`the reader read past ${SOURCE_CAP} characters of an endless source`))
        return
      }
      handed += chunk.length
      this.push(chunk)
    }
  })
  return { stream, read: () => handed }
}

async function drain(rows: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const row of rows) void row
  } catch (e) {
    return e
  }
  return null
}

describe('an endless single line', () => {
  const cases: [ImportFormat, string, string, string][] = [
    ['ndjson', '', '\0', `NDJSON line 1 is ${LIMIT_TEXT}`],
    ['ndjson', '{"a":1}\n\n', 'x', `NDJSON line 3 is ${LIMIT_TEXT}`],
    ['csv', '', '\0', `CSV row 1 is ${LIMIT_TEXT}`],
    ['csv', 'id,name\n1,a\n', '0', `CSV row 3 is ${LIMIT_TEXT}`],
    ['csv', 'id,name\n1,"open\n', 'quote\n', `CSV row 2 is ${LIMIT_TEXT} (a quote left open makes the rest of the file one field)`],
    ['csv', 'id,name\r\n', 'a\n', `CSV row 2 is ${LIMIT_TEXT}`], // \r\n rows: a bare \n does not end one
    ['json', '[1', '0', `JSON element 1 is ${LIMIT_TEXT}`],
    ['json', '[{"a":1},"', 'x', `JSON element 2 is ${LIMIT_TEXT}`],
    ['json', '[{"a":1},{"b":[', `"${'x'.repeat(30)}",`, `JSON element 2 is ${LIMIT_TEXT}`],
    ['json', '[1, 2', ' ', `JSON element 2 is ${LIMIT_TEXT}`], // an element runs to the comma after it
    ['json', '[1, 2,', ' ', `JSON element 3 is ${LIMIT_TEXT}`],
    ['json', '', ' ', 'Not valid JSON: no array starts within the first 16 MiB (16777216 bytes) of the file']
  ]
  for (const [format, prefix, fill, message] of cases) {
    it(`${format} ${JSON.stringify(prefix)} then ${JSON.stringify(fill)} forever: "${message}"`, { timeout: 60_000 }, async () => {
      const src = endless(prefix, fill)
      const e = await drain(readRecordRows(src.stream, format))
      expect(e).toBeInstanceOf(ImportFormatError)
      expect((e as Error).message).toBe(message)
      expect(src.read()).toBeLessThan(READ_BOUND)
      await new Promise((r) => setImmediate(r))
      expect(src.stream.destroyed).toBe(true)
    })
  }

  it('json: zeros from the start fail at once (a JSON import is an array)', async () => {
    const src = endless('', '\0')
    const e = await drain(readRecordRows(src.stream, 'json'))
    expect((e as Error).message).toBe('A JSON import file must hold an array of records, got a single value')
    expect(src.read()).toBeLessThanOrEqual(2 * 1024 * 1024) // a chunk or two
  })
})

describe('the row bound in UTF-8 bytes', () => {
  /** A JSON string of exactly `bytes` UTF-8 bytes (quotes included), of 2-byte é and one-byte a. */
  const jsonString = (bytes: number): string => `"${'é'.repeat((bytes - 2) >> 1)}${'a'.repeat((bytes - 2) & 1)}"`

  it('ndjson: a line of exactly the limit is read, one byte more is refused', async () => {
    const line = `{"v":${jsonString(MAX - 6)}}`
    expect(Buffer.byteLength(line)).toBe(MAX)
    expect(line.length).toBeLessThan(MAX / 2 + 10) // counted in bytes, not characters
    expect(await parseRecordSource(`{"a":1}\n${line}\n`, 'ndjson')).toHaveLength(2)
    await expect(parseRecordSource(`{"a":1}\n${line} \n`, 'ndjson')).rejects.toThrow(`NDJSON line 2 is ${LIMIT_TEXT}`)
  })

  it('json: an element of exactly the limit is read, one byte more is refused', async () => {
    const element = jsonString(MAX)
    const rows = await parseRecordSource(`[1,${element}]`, 'json')
    expect(rows).toHaveLength(2)
    expect(rows[1].value.length).toBe(MAX)
    expect(rows[1].value.toString('utf8')).toBe(element)
    await expect(parseRecordSource(`[1,${jsonString(MAX + 1)}]`, 'json')).rejects.toThrow(`JSON element 2 is ${LIMIT_TEXT}`)
  })

  it('csv: a row of exactly the limit is read, one byte more is refused', async () => {
    const field = 'é'.repeat((MAX - 2) >> 1) // 2 bytes each, plus "1," before it
    expect(Buffer.byteLength(`1,${field}`)).toBe(MAX)
    expect(await parseRecordSource(`id,v\n1,${field}\n2,b\n`, 'csv')).toHaveLength(2)
    await expect(parseRecordSource(`id,v\n1,${field}a\n2,b\n`, 'csv')).rejects.toThrow(`CSV row 2 is ${LIMIT_TEXT}`)
  })
})

describe('JSON nesting', () => {
  const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

  it('a 200,000-deep JSON element fails naming the limit and where, for json and ndjson', async () => {
    const deep = nested(200_000)
    await expect(parseRecordSource(`[{"ok":1},${deep}]`, 'json')).rejects.toThrow(
      `JSON element 2 nests deeper than ${MAX_IMPORT_NESTING_DEPTH} levels, the most one row may nest (at byte ${10 + MAX_IMPORT_NESTING_DEPTH} of the file)`
    )
    await expect(parseRecordSource(`{"ok":1}\n${deep}\n`, 'ndjson')).rejects.toThrow(
      `NDJSON line 2 nests deeper than ${MAX_IMPORT_NESTING_DEPTH} levels, the most one row may nest`
    )
  })

  it('a row nested exactly to the limit is read and becomes a record; brackets inside strings do not count', async () => {
    const text = `{"v":${nested(MAX_IMPORT_NESTING_DEPTH - 1)},"s":"${'['.repeat(5000)}\\"["}`
    for (const [format, content] of [['json', `[${text}]`], ['ndjson', text]] as const) {
      const [row] = await parseRecordSource(content, format)
      expect(rowToRecord(row, 1, { keyField: null }).value!.toString()).toBe(text)
    }
  })
})
