/**
 * The importer's key field rule: every row must hold the key field (JSON null gives a null key);
 * a row without it, at any position, fails the import naming the row (1-based) and the field, and
 * nothing is created or written: for rows in an array (the UI's import/run, through the engine
 * service) and for the CLI, whose first pass reads the whole file. And the CLI on an endless
 * file (/dev/zero) ends with the readers' row bound for every format.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importRecords } from '../../../../src/host/import/importer'
import { ImportFormatError } from '../../../../src/host/import/record-source'
import { jsonRow, type ImportRow } from '../../../../src/host/import/import-row'
import { EngineService } from '../../../../src/host/engine-service'
import { stageFile } from './stage-file'
import { openTestCluster, type TestCluster } from '../test-cluster'
import { runBrokerlab } from '../../cli/run-cli'

let tc: TestCluster

beforeEach(() => {
  tc = openTestCluster()
})

afterEach(async () => {
  await tc.cleanup()
})

const create = { partitions: 2, replicationFactor: 1 }

/** A row from a JSON value, as the readers make it. */
function row(value: unknown): ImportRow {
  const text = JSON.stringify(value)
  return jsonRow(Buffer.from(text), text, JSON.parse(text))
}

/** 2,500 objects keyed by `city`, the one at `missingAt` (0-based) without it. */
function objectsMissingAt(missingAt: number): Record<string, unknown>[] {
  return Array.from({ length: 2500 }, (_, i) => (i === missingAt ? { id: i, town: 'AMS' } : { id: i, city: ['AMS', 'BER'][i % 2] }))
}

/** The same as rows. */
function rowsMissingAt(missingAt: number): ImportRow[] {
  return objectsMissingAt(missingAt).map(row)
}

describe('importRecords and the key field', () => {
  it('refuses a row without the key field after the first, naming it, before creating or writing anything', async () => {
    const imported = importRecords(tc.cluster, { topic: 'cities', rows: rowsMissingAt(2100), keyField: 'city', createTopic: create, batchSize: 1000 })
    await expect(imported).rejects.toThrow(ImportFormatError)
    await expect(imported).rejects.toThrow('Row 2101 has no key field "city" (its fields: id, town); every row must have it, with null for a null key')
    expect(tc.cluster.listTopics().map((t) => t.name)).toEqual([])
  })

  it('writes nothing into an existing topic when a row lacks the key field', async () => {
    tc.cluster.createTopic('cities', create)
    await expect(importRecords(tc.cluster, { topic: 'cities', rows: rowsMissingAt(1500), keyField: 'city', batchSize: 1000 })).rejects.toThrow(
      /^Row 1501 has no key field "city"/
    )
    expect(tc.cluster.describeTopic('cities').partitions.map((p) => p.logEndOffset)).toEqual([0, 0])
  })

  it('gives a null key to a row whose key field holds null', async () => {
    tc.cluster.createTopic('cities', { partitions: 1, replicationFactor: 1 })
    const res = await importRecords(tc.cluster, { topic: 'cities', rows: [row({ city: 'AMS' }), row({ city: null })], keyField: 'city' })
    expect(res.imported).toBe(2)
    const records = tc.cluster.fetch('cities', 0, 0, { maxRecords: 10 }).records
    expect(records.map((r) => r.key?.toString() ?? null)).toEqual(['AMS', null])
    expect(records[1].value!.toString()).toBe('{"city":null}')
  })

  it('refuses a stream whose first row lacks the key field before creating the topic', async () => {
    async function* rows(): AsyncGenerator<ImportRow> {
      yield row({ town: 'AMS' })
      yield row({ city: 'BER' })
    }
    await expect(importRecords(tc.cluster, { topic: 'cities', rows: rows(), keyField: 'city', createTopic: create })).rejects.toThrow(
      /^Row 1 has no key field "city" \(its fields: town\)/
    )
    expect(tc.cluster.listTopics()).toEqual([])
  })
})

describe('import/run (the UI) and the key field', () => {
  it('refuses a file with a row lacking the key field after the first, creating nothing', async () => {
    const service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
    try {
      const content = objectsMissingAt(1999).map((r) => JSON.stringify(r)).join('\n')
      const uploadId = await stageFile(service, 'cities.ndjson', content)
      const reply = await service.handle('import/run', { uploadId, topic: 'cities', format: 'ndjson', keyField: 'city', createTopic: create })
      expect(reply).toEqual({
        ok: false,
        error: { code: 'INVALID_IMPORT_FILE', message: 'Row 2000 has no key field "city" (its fields: id, town); every row must have it, with null for a null key' }
      })
      expect(tc.cluster.listTopics()).toEqual([])
    } finally {
      await service.close()
    }
  })
})

describe('brokerlab import and the key field', { timeout: 120_000 }, () => {
  it('refuses a file with a row lacking the key field, exit 1, leaving the data directory without the topic', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-import-key-'))
    try {
      const file = path.join(dir, 'cities.json')
      fs.writeFileSync(file, JSON.stringify(objectsMissingAt(2400)))
      const data = path.join(dir, 'data')
      const r = runBrokerlab(['import', file, '--topic', 'cities', '--key-field', 'city', '--partitions', '2', '--data-dir', data])
      expect(r.status).toBe(1)
      expect(r.stderr).toBe(
        `brokerlab: ${file}: Row 2401 has no key field "city" (its fields: id, town); every row must have it, with null for a null key\n`
      )
      expect(fs.existsSync(data)).toBe(false) // the file is checked before the data directory is opened
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('brokerlab import of an endless file', { timeout: 120_000 }, () => {
  // The child's heap is capped, so a reader that buffers without bound fails the test instead of
  // taking the machine's memory (it reached 3.2 GB before the bound).
  const capped = { NODE_OPTIONS: '--max-old-space-size=768' }
  const cases: [string, string][] = [
    ['ndjson', 'NDJSON line 1 is longer than 16 MiB (16777216 bytes), the most one row may hold'],
    ['csv', 'CSV row 1 is longer than 16 MiB (16777216 bytes), the most one row may hold'],
    ['json', 'A JSON import file must hold an array of records, got a single value']
  ]
  for (const [format, message] of cases) {
    it.skipIf(!fs.existsSync('/dev/zero'))(`/dev/zero as ${format} ends with "${message}", exit 1`, () => {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-import-zero-'))
      try {
        const r = runBrokerlab(['import', '/dev/zero', '--format', format, '--topic', 'z', '--data-dir', path.join(data, 'd')], capped)
        expect(r.stderr).toBe(`brokerlab: /dev/zero: ${message}\n`)
        expect(r.status).toBe(1)
      } finally {
        fs.rmSync(data, { recursive: true, force: true })
      }
    })
  }
})
