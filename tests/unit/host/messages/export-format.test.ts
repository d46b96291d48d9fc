/**
 * The export formats round trip: NDJSON, JSON and CSV written piece by piece parse back to the same
 * records, with the exact bytes of keys, values and header values (UTF-8 text, or base64 when the
 * bytes are not UTF-8), nulls as null, and CSV's special characters quoted.
 */
import { describe, expect, it } from 'vitest'
import type { ExportFormat } from '../../../../src/shared/contract'
import { toExportedRecordFromView } from '../../../../src/shared/exported-record'
import { toRecordView } from '../../../../src/host/contract-views'
import {
  exportFooter,
  exportHeader,
  exportRecordText,
  exportedBytes,
  parseExport,
  toExportedRecord
} from '../../../../src/host/messages/export-format'
import type { ConsumerRecord } from '../../../../src/host/messages/engine-records'

const rec = (offset: number, key: Buffer | null, value: Buffer | null, headers: ConsumerRecord['headers'] = []): ConsumerRecord => ({
  topic: 'flights',
  partition: offset % 3,
  offset,
  timestamp: 1_700_000_000_000 + offset,
  key,
  value,
  headers,
  sizeBytes: (key?.length ?? 0) + (value?.length ?? 0)
})

const RECORDS: ConsumerRecord[] = [
  rec(0, Buffer.from('DFW'), Buffer.from('{"origin":"DFW","delay":75}'), [{ key: 'trace', value: Buffer.from('abc') }]),
  rec(1, null, null),
  rec(2, Buffer.from([0xff, 0x00, 0xfe]), Buffer.from([0xc3, 0x28, 0x0a, 0x2c]), [
    { key: 'bin', value: Buffer.from([0x80]) },
    { key: 'none', value: null }
  ]),
  rec(3, Buffer.from(''), Buffer.from('a,b "quoted"\r\nnext line, and ü')),
  rec(4, Buffer.from('null'), Buffer.from('null'))
]

function write(format: ExportFormat, records: ConsumerRecord[]): string {
  return exportHeader(format) + records.map((r, i) => exportRecordText(format, toExportedRecord(r), i)).join('') + exportFooter(format, records.length)
}

describe('export formats', () => {
  for (const format of ['ndjson', 'json', 'csv'] as const) {
    it(`${format}: a file of records parses back to the same records and the exact bytes`, () => {
      const back = parseExport(format, write(format, RECORDS))
      expect(back).toEqual(RECORDS.map(toExportedRecord))
      back.forEach((e, i) => {
        const r = RECORDS[i]
        expect(exportedBytes(e.key, e.keyEncoding)).toEqual(r.key)
        expect(exportedBytes(e.value, e.valueEncoding)).toEqual(r.value)
        expect(e.headers.map((h) => exportedBytes(h.value, h.valueEncoding))).toEqual(r.headers.map((h) => h.value))
      })
    })

    it(`${format}: an export of no records is a valid empty file`, () => {
      expect(parseExport(format, write(format, []))).toEqual([])
    })
  }

  it('writes UTF-8 payloads as text, others as base64, nulls as null, and "null" text apart from null', () => {
    const [ok, tomb, bin, , nullText] = RECORDS.map(toExportedRecord)
    expect(ok).toMatchObject({ key: 'DFW', keyEncoding: 'utf8', value: '{"origin":"DFW","delay":75}', valueEncoding: 'utf8' })
    expect(tomb).toMatchObject({ key: null, keyEncoding: null, value: null, valueEncoding: null })
    expect(bin).toMatchObject({ key: '/wD+', keyEncoding: 'base64', valueEncoding: 'base64' })
    expect(bin.headers).toEqual([
      { key: 'bin', value: 'gA==', valueEncoding: 'base64' },
      { key: 'none', value: null, valueEncoding: null }
    ])
    expect(nullText).toMatchObject({ key: 'null', keyEncoding: 'utf8' })
    expect(write('csv', RECORDS).split('\r\n')[0]).toBe('topic,partition,offset,timestamp,key,key_encoding,value,value_encoding,headers')
  })

  it('gives the renderer the same exported record from the contract view (Copy as JSON)', () => {
    for (const r of RECORDS) expect(toExportedRecordFromView('flights', toRecordView(r))).toEqual(toExportedRecord(r))
  })
})
