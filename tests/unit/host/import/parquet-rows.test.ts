/**
 * Parquet import: a small file this test writes (hyparquet-writer) reads back row by row, each row
 * a JSON object of its columns (INT64 exact, NaN as null, bytes as base64, times in ISO 8601),
 * across row groups; a timestamp column gives each record its timestamp; the two-pass import puts
 * every row into the topic; a file that is not Parquet is refused naming the problem.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readRecordRows, parseRecordSource } from '../../../../src/host/import/record-source'
import { importFile, inspectImportFile } from '../../../../src/host/import/import-job'
import type { ImportRow } from '../../../../src/host/import/import-row'
import { openTestCluster, type TestCluster } from '../test-cluster'
import { SMALL_PARQUET_DATES, SMALL_PARQUET_VALUES, writeSmallParquet } from './small-parquet'

let dir: string
let file: string
let tc: TestCluster | null = null

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-parquet-'))
  file = path.join(dir, 'small.parquet')
  writeSmallParquet(file)
})

afterEach(async () => {
  await tc?.cleanup()
  tc = null
  fs.rmSync(dir, { recursive: true, force: true })
})

async function rowsOf(input: { path: string } | { bytes: Uint8Array }): Promise<ImportRow[]> {
  const rows: ImportRow[] = []
  for await (const r of readRecordRows(input, 'parquet')) rows.push(r)
  return rows
}

describe('Parquet rows', () => {
  it('reads every row, across row groups, as a JSON object of its columns with INT64 exact', async () => {
    const rows = await rowsOf({ path: file })
    expect(rows.map((r) => r.value.toString('utf8'))).toEqual(SMALL_PARQUET_VALUES)
    expect(rows[0].fieldNames()).toEqual(['id', 'delay', 'origin', 'raw', 'date', 'at'])
    expect(rows[0].field('id')).toEqual({ kind: 'number', text: '9223372036854775807' })
    expect(rows[1].field('origin')).toEqual({ kind: 'null' })
    expect(rows[0].field('nope')).toBeUndefined()
    expect((await rowsOf({ bytes: fs.readFileSync(file) })).map((r) => r.value.toString())).toEqual(SMALL_PARQUET_VALUES)
  })

  it('tells the row count and columns from the footer when inspected', async () => {
    expect(await inspectImportFile({ path: file }, 'parquet')).toEqual({
      records: 3,
      fields: ['id', 'delay', 'origin', 'raw', 'date', 'at'],
      preview: SMALL_PARQUET_VALUES
    })
  })

  it('refuses a file that is not Parquet, naming the problem', async () => {
    await expect(parseRecordSource('[{"a":1}]', 'parquet')).rejects.toThrow(/^Not a Parquet file: /)
  })

  it('imports every row in two passes, keyed by a column, timestamped by a TIMESTAMP column', async () => {
    tc = openTestCluster(1)
    const progress: string[] = []
    const res = await importFile(tc.cluster, {
      input: { path: file },
      format: 'parquet',
      topic: 'pq',
      keyField: 'id',
      timestamp: { field: 'date', format: 'iso', timeZone: 'UTC' },
      createTopic: { partitions: 1, replicationFactor: 1 },
      onProgress: (phase, done, total) => progress.push(`${phase} ${done}/${total}`)
    })
    expect(res.imported).toBe(3)
    expect(progress[0]).toBe('checking 0/0')
    expect(progress).toContain('checking 3/3')
    expect(progress[progress.length - 1]).toBe('importing 3/3')
    const records = tc.cluster.fetch('pq', 0, 0, { maxRecords: 10 }).records
    expect(records.map((r) => r.value?.toString('utf8'))).toEqual(SMALL_PARQUET_VALUES)
    expect(records.map((r) => r.key?.toString())).toEqual(['9223372036854775807', '1', '-3'])
    expect(records.slice(0, 2).map((r) => r.timestamp)).toEqual(SMALL_PARQUET_DATES.slice(0, 2))
    expect(records[2].timestamp).toBe(tc.clock.now) // a null time: CreateTime now
  })
})
