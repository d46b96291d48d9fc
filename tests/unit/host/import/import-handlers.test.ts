/**
 * The import requests as the import view uses them, against a real cluster: a file staged in
 * chunks, inspected (format from the extension, fields, record count, first values; an unknown
 * extension refused naming the formats), imported in two passes with progress events for both, and
 * discarded once imported (the same upload cannot be imported twice); the sample dataset staged
 * from vega-datasets; chunks out of order refused; staged files removed when the service closes.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { partitionForKey } from '../../../../src/broker/client/partitioner'
import { EngineService, type EngineEvent } from '../../../../src/host/engine-service'
import { importHandlers } from '../../../../src/host/handlers/import-handlers'
import { ImportUploads } from '../../../../src/host/import/import-uploads'
import type { HandlerContext } from '../../../../src/host/handlers/handler-context'
import { FLIGHTS_20K } from '../../../fixtures/datasets'
import { openTestCluster, type TestCluster } from '../test-cluster'
import { SMALL_PARQUET_VALUES, writeSmallParquet } from './small-parquet'
import { stageFile } from './stage-file'

let tc: TestCluster
let service: EngineService

beforeEach(() => {
  tc = openTestCluster()
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

const text = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64').toString('utf8'))

describe('import/upload, import/inspect and import/run', () => {
  it('imports NDJSON staged in chunks, keyed by a field, creating the topic, with progress for both passes', async () => {
    const events: EngineEvent[] = []
    const unsubscribe = service.subscribe((e) => events.push(e))
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i, city: ['AMS', 'BER', 'CDG'][i % 3], v: 0.0 }))
    const content = rows.map((r) => JSON.stringify(r).replace('"v":0', '"v":0.0')).join('\n') + '\n'
    const uploadId = await stageFile(service, 'cities.ndjson', content, 1000)
    const seen = await ok(service.handle('import/inspect', { uploadId }))
    expect(seen).toMatchObject({ format: 'ndjson', fields: ['id', 'city', 'v'], records: 2500, size: Buffer.byteLength(content) })
    expect(seen.preview[0]).toBe('{"id":0,"city":"AMS","v":0.0}')
    const res = await ok(service.handle('import/run', { uploadId, topic: 'cities', format: 'ndjson', keyField: 'city', createTopic: { partitions: 4, replicationFactor: 2 } }))
    unsubscribe()
    expect(res.imported).toBe(2500)
    const expected: Record<number, number> = {}
    for (const r of rows) {
      const p = partitionForKey(Buffer.from(r.city), 4)
      expected[p] = (expected[p] ?? 0) + 1
    }
    expect(res.perPartition).toEqual(expected)
    const progress = events.filter((e) => e.event === 'import/progress').map((e) => e.payload)
    expect(progress[0]).toEqual({ topic: 'cities', phase: 'checking', done: 0, total: 0 })
    expect(progress).toContainEqual({ topic: 'cities', phase: 'checking', done: 2500, total: 2500 })
    expect(progress[progress.length - 1]).toEqual({ topic: 'cities', phase: 'importing', done: 2500, total: 2500 })
    const p0 = partitionForKey(Buffer.from('AMS'), 4)
    const page = await ok(service.handle('messages/fetch', { topic: 'cities', partition: p0, start: { kind: 'earliest' }, limit: 1 }))
    expect(text(page.records[0].value)).toBe('{"id":0,"city":"AMS","v":0.0}') // the line's bytes, 0.0 kept
  })

  it('discards the staged file once imported, so the same upload is not imported twice', async () => {
    const uploadId = await stageFile(service, 'a.json', '[{"a":1}]')
    await ok(service.handle('import/run', { uploadId, topic: 'once', format: 'json', keyField: null, createTopic: { partitions: 1, replicationFactor: 1 } }))
    const again = await service.handle('import/run', { uploadId, topic: 'once', format: 'json', keyField: null })
    expect(again.ok || again.error.code).toBe('UNKNOWN_IMPORT_UPLOAD')
    expect(tc.cluster.describeTopic('once').partitions[0].logEndOffset).toBe(1)
  })

  it('imports CSV rows as JSON objects of strings, or typed', async () => {
    tc.cluster.createTopic('csv', { partitions: 1, replicationFactor: 1 })
    const content = 'name,qty\n"a, b",1.0\nc,\n'
    await ok(service.handle('import/run', { uploadId: await stageFile(service, 'q.csv', content), topic: 'csv', format: 'csv', keyField: 'name' }))
    await ok(service.handle('import/run', { uploadId: await stageFile(service, 'q.csv', content), topic: 'csv', format: 'csv', keyField: 'name', csvTypedColumns: true }))
    const page = await ok(service.handle('messages/fetch', { topic: 'csv', partition: 0, start: { kind: 'earliest' }, limit: 10 }))
    expect(page.records.map((r) => [text(r.key), text(r.value)])).toEqual([
      ['a, b', '{"name":"a, b","qty":"1.0"}'],
      ['c', '{"name":"c","qty":""}'],
      ['a, b', '{"name":"a, b","qty":1.0}'],
      ['c', '{"name":"c","qty":null}']
    ])
  })

  it('imports a Parquet file with record timestamps from a column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-pq-'))
    try {
      const file = path.join(dir, 'small.parquet')
      writeSmallParquet(file)
      const uploadId = await stageFile(service, 'small.parquet', fs.readFileSync(file), 100)
      expect(await ok(service.handle('import/inspect', { uploadId }))).toMatchObject({ format: 'parquet', records: 3, fields: ['id', 'delay', 'origin', 'raw', 'date', 'at'] })
      const res = await ok(
        service.handle('import/run', { uploadId, topic: 'pq', format: 'parquet', keyField: 'origin', timestamp: { field: 'at', format: 'iso' }, createTopic: { partitions: 1, replicationFactor: 1 } })
      )
      expect(res.imported).toBe(3)
      const page = await ok(service.handle('messages/fetch', { topic: 'pq', partition: 0, start: { kind: 'earliest' }, limit: 10 }))
      expect(page.records.map((r) => text(r.value))).toEqual(SMALL_PARQUET_VALUES)
      expect(page.records.map((r) => r.timestamp)).toEqual([1000, 2500, tc.clock.now])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a file whose extension names no format unless the format is chosen', async () => {
    const uploadId = await stageFile(service, 'notes.txt', 'a,b\n1,2\n')
    const refused = await service.handle('import/inspect', { uploadId })
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'INVALID_IMPORT_FILE',
        message:
          'Cannot tell the format of notes.txt from its extension .txt: the formats are json (.json), ndjson (.ndjson, .jsonl), csv (.csv), parquet (.parquet); choose the format to import it as one of them.'
      }
    })
    expect(await ok(service.handle('import/inspect', { uploadId, format: 'csv' }))).toMatchObject({ format: 'csv', fields: ['a', 'b'], records: 1 })
  })

  it('refuses a malformed file, an unknown key field, a bad timestamp and a missing topic without creating anything', async () => {
    const run = async (content: string, req: Record<string, unknown>) =>
      service.handle('import/run', { uploadId: await stageFile(service, 'x.json', content), topic: 'x', format: 'json', keyField: null, ...req })
    const create = { createTopic: { partitions: 1, replicationFactor: 1 } }
    const bad = await run('[{"a":1},', create)
    expect(bad.ok || bad.error.code).toBe('INVALID_IMPORT_FILE')
    const field = await run('[{"a":1}]', { keyField: 'b', ...create })
    expect(field.ok || field.error.message).toMatch(/Row 1 has no key field "b" \(its fields: a\)/)
    const ts = await run('[{"at":"2026-01-01T00:00:00Z"},{"at":"yesterday"}]', { timestamp: { field: 'at', format: 'iso' }, ...create })
    expect(ts.ok || ts.error.message).toMatch(/^Row 2: timestamp field "at" holds "yesterday", which is not an ISO 8601 date-time/)
    const missing = await run('[{"a":1}]', {})
    expect(missing.ok || missing.error.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(await ok(service.handle('topic/list', {}))).toEqual([])
  })

  it('refuses chunks out of order or past the size, and a file not staged whole', async () => {
    const { uploadId } = await ok(service.handle('import/upload', { fileName: 'a.json', size: 4 }))
    const gap = await service.handle('import/upload-chunk', { uploadId, offset: 2, data: Buffer.from('ab').toString('base64') })
    expect(gap.ok || gap.error.message).toBe('Chunk of a.json at offset 2, but 0 bytes were received: chunks go in order')
    await ok(service.handle('import/upload-chunk', { uploadId, offset: 0, data: Buffer.from('[1').toString('base64') }))
    const early = await service.handle('import/inspect', { uploadId })
    expect(early.ok || early.error.message).toBe('a.json is not staged whole yet: 2 of 4 bytes received')
    const past = await service.handle('import/upload-chunk', { uploadId, offset: 2, data: Buffer.from('] ]').toString('base64') })
    expect(past.ok || past.error.message).toBe('Chunk of a.json goes past its size of 4 bytes')
  })

  it('stages the flights sample from vega-datasets and imports it through the same path', async () => {
    const staged = await ok(service.handle('import/sample', { sample: 'flights' }))
    expect(staged).toMatchObject({ fileName: 'flights-20k.json', size: fs.statSync(FLIGHTS_20K).size })
    const res = await ok(
      service.handle('import/run', {
        uploadId: staged.uploadId,
        topic: 'flights-sample',
        format: 'json',
        keyField: 'origin',
        timestamp: { field: 'date', format: 'pattern', pattern: 'yyyy/MM/dd HH:mm', timeZone: 'UTC' },
        createTopic: { partitions: 2, replicationFactor: 1 }
      })
    )
    expect(res.imported).toBe(20_000)
    expect(fs.existsSync(FLIGHTS_20K)).toBe(true) // read in place, never removed
  })
})

describe('staged files', () => {
  it('are removed when the service closes', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-stage-'))
    const uploads = new ImportUploads(parent)
    const closers: (() => Promise<void> | void)[] = []
    const ctx = { cluster: tc.cluster, clock: () => 0, emit: () => undefined, onClose: (w: () => Promise<void> | void) => closers.push(w) } as unknown as HandlerContext
    const h = importHandlers(ctx, uploads)
    const { uploadId } = await h['import/upload']({ fileName: 'a.json', size: 2 })
    await h['import/upload-chunk']({ uploadId, offset: 0, data: Buffer.from('[]').toString('base64') })
    expect(fs.readdirSync(parent)).toHaveLength(1)
    for (const c of closers) await c()
    expect(fs.readdirSync(parent)).toEqual([])
    fs.rmSync(parent, { recursive: true, force: true })
  })
})
