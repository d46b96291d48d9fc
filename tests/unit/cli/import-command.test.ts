/**
 * `brokerlab import` as a user runs it: an extension that names no format is refused (exit 2,
 * naming the formats and --format) and --format reads it anyway; each record's value is the source
 * element's bytes (0.0 and integers above 2^53 as written); timestamps from a field (epoch seconds,
 * a date pattern in a time zone) and a bad one refused before anything is written; a Parquet file
 * imported in two passes, keyed and timestamped by its columns.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openCluster } from '../../../src/host/open-cluster'
import type { ConsumerRecord } from '../../../src/broker/cluster/cluster-api'
import { SMALL_PARQUET_DATES, SMALL_PARQUET_VALUES, writeSmallParquet } from '../host/import/small-parquet'
import { runBrokerlabInProcess } from './run-cli'

let dir: string
let data: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-import-cli-'))
  data = path.join(dir, 'data')
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runBrokerlabInProcess([...args, '--data-dir', data])

/** Every record of partition 0 of `topic`, read from the data directory after the CLI exited. */
async function records(topic: string): Promise<ConsumerRecord[]> {
  const c = openCluster({ dataDir: data, log: () => undefined })
  try {
    return c.fetch(topic, 0, 0, { maxRecords: 1000 }).records
  } finally {
    await c.close()
  }
}

function write(name: string, content: string): string {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return p
}

describe('brokerlab import', { timeout: 120_000 }, () => {
  it('refuses a file whose extension names no format, naming the formats and --format, and reads it with --format', async () => {
    const txt = write('notes.txt', 'id,v\n1,a\n')
    const r = (await cli('import', txt, '--topic', 'n', '--partitions', '1'))
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      'brokerlab: Cannot tell the format of notes.txt from its extension .txt: the formats are json (.json), ndjson (.ndjson, .jsonl), csv (.csv), parquet (.parquet); pass --format json|ndjson|csv|parquet to import it as one of them.\n'
    )
    expect(fs.existsSync(data)).toBe(false)
    const ok = (await cli('import', txt, '--format', 'csv', '--topic', 'n', '--partitions', '1'))
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toMatch(/^Imported 1 records into n in [\d,]+ ms \(per partition: 0: 1\)\.\n$/)
  })

  it("stores each JSON element's bytes as its value: 0.0 stays 0.0 and a large integer stays exact", async () => {
    const elements = ['{"time":0.0,"id":12345678901234567890}', '{ "time" : 1.50e3, "id":9007199254740993 }']
    const file = write('exact.json', `[${elements.join(',\n')}]`)
    expect((await cli('import', file, '--topic', 'exact', '--key-field', 'id', '--partitions', '1')).status).toBe(0)
    const got = await records('exact')
    expect(got.map((r) => r.value?.toString('utf8'))).toEqual(elements)
    expect(got.map((r) => r.key?.toString('utf8'))).toEqual(['12345678901234567890', '9007199254740993'])
  })

  it('gives records the timestamp a field holds, as epoch seconds or a date pattern in a time zone', async () => {
    const nd = write('t.ndjson', '{"at":1700000000}\n{"at":"1700000001.5"}\n{"at":null}\n')
    expect((await cli('import', nd, '--topic', 'ts', '--partitions', '1', '--timestamp-field', 'at', '--timestamp-format', 'epoch-s')).status).toBe(0)
    const csv = write('t.csv', 'date,v\n2001/01/14 21:55,1\n')
    expect((await cli('import', csv, '--topic', 'ts2', '--partitions', '1', '--timestamp-field', 'date', '--timestamp-pattern', 'yyyy/MM/dd HH:mm', '--time-zone', 'Asia/Tokyo')).status).toBe(0)
    const ts = await records('ts')
    expect(ts.slice(0, 2).map((r) => r.timestamp)).toEqual([1_700_000_000_000, 1_700_000_001_500])
    expect(Math.abs(ts[2].timestamp - Date.now())).toBeLessThan(120_000) // null: CreateTime now
    expect((await records('ts2'))[0].timestamp).toBe(Date.UTC(2001, 0, 14, 12, 55))
  })

  it('refuses a row whose timestamp is not in the format before opening the data directory', async () => {
    const nd = write('bad.ndjson', '{"at":"2026-01-01T00:00:00Z"}\n{"at":"yesterday"}\n')
    const r = (await cli('import', nd, '--topic', 'ts', '--partitions', '1', '--timestamp-field', 'at'))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^brokerlab: .*bad\.ndjson: Row 2: timestamp field "at" holds "yesterday", which is not an ISO 8601 date-time/)
    expect(fs.existsSync(data)).toBe(false)
    const both = (await cli('import', nd, '--topic', 'ts', '--timestamp-field', 'at', '--timestamp-format', 'iso', '--timestamp-pattern', 'yyyy'))
    expect(both.status).toBe(2)
    expect(both.stderr).toBe('brokerlab: Give --timestamp-format or --timestamp-pattern, not both.\n')
  })

  it('imports a Parquet file keyed and timestamped by its columns', async () => {
    const file = path.join(dir, 'small.parquet')
    writeSmallParquet(file)
    const r = (await cli('import', file, '--topic', 'pq', '--partitions', '1', '--key-field', 'origin', '--timestamp-field', 'date', '--time-zone', 'UTC'))
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const got = await records('pq')
    expect(got.map((x) => x.value?.toString('utf8'))).toEqual(SMALL_PARQUET_VALUES)
    expect(got.map((x) => x.key?.toString() ?? null)).toEqual(['SFO', null, 'ÖRE'])
    expect(got.slice(0, 2).map((x) => x.timestamp)).toEqual(SMALL_PARQUET_DATES.slice(0, 2))
  })
})
