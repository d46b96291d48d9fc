/**
 * Test helper: writes a small Parquet file with hyparquet-writer (the reader's companion library):
 * INT64 up to 2^63 - 1, DOUBLE with a NaN, UTF-8 strings and nulls, raw bytes, a TIMESTAMP in
 * microseconds not adjusted to UTC (a wall-clock time, like flights-3m.parquet's `date`) and a
 * legacy TIMESTAMP_MILLIS (an instant), in row groups of 2 rows.
 */
import fs from 'node:fs'
import { parquetWriteBuffer } from 'hyparquet-writer'

/** The rows written, as the values the importer must give them (JSON text, in column order). */
export const SMALL_PARQUET_VALUES = [
  '{"id":9223372036854775807,"delay":0.5,"origin":"SFO","raw":"AP8=","date":"2001-01-01T00:47:00","at":"1970-01-01T00:00:01Z"}',
  '{"id":1,"delay":-1.25,"origin":null,"raw":null,"date":"2001-01-01T00:47:00.123456","at":"1970-01-01T00:00:02.500Z"}',
  '{"id":-3,"delay":null,"origin":"ÖRE","raw":"AQ==","date":null,"at":null}'
]

/** The wall-clock times of `date` read as UTC, in ms (null where the row has none). */
export const SMALL_PARQUET_DATES = [Date.UTC(2001, 0, 1, 0, 47), Date.UTC(2001, 0, 1, 0, 47, 0, 123), null]

/** Writes the file to `path`. */
export function writeSmallParquet(path: string): void {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: [9223372036854775807n, 1n, -3n] },
      { name: 'delay', data: [0.5, -1.25, NaN] },
      { name: 'origin', data: ['SFO', null, 'ÖRE'] },
      { name: 'raw', data: [new Uint8Array([0, 255]), null, new Uint8Array([1])] },
      { name: 'date', data: [978310020000000n, 978310020123456n, null] },
      { name: 'at', data: [new Date(1000), new Date(2500), null] }
    ],
    schema: [
      { name: 'root', num_children: 6 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'delay', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      { name: 'origin', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'raw', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'date', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' }, repetition_type: 'OPTIONAL' },
      { name: 'at', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' }
    ],
    rowGroupSize: 2
  })
  fs.writeFileSync(path, Buffer.from(buf))
}
