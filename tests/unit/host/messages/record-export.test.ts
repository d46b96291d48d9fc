/**
 * Exports through the contract (messages/export-start|read|status): the text read piece by piece is
 * one file of the format holding exactly the search's matches, or the records asked for in the
 * order asked; progress reaches 1 and the id is refused after a cancel.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExportFormat, Reply } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
import { exportedBytes, parseExport } from '../../../../src/host/messages/export-format'
import { openTestCluster, type TestCluster } from '../test-cluster'

let tc: TestCluster
let service: EngineService

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

beforeEach(async () => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  await ok(service.handle('topic/create', { topic: 'x', partitions: 2, replicationFactor: 1 }))
  // 4,000 records of ~700 bytes (several 1 MiB pieces), every 7th carrying "needle".
  const pad = 'p'.repeat(650)
  await ok(
    service.handle('produce/send', {
      topic: 'x',
      acks: 1,
      records: [{ key: 'k{{i}}', value: `{"i":{{i}},"pad":"${pad}"}`, headers: [{ key: 'h', value: 'v{{i}}' }] }],
      count: 4000
    })
  )
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

async function readAll(exportId: string): Promise<{ text: string; pieces: number; longest: number }> {
  let text = ''
  let pieces = 0
  let longest = 0
  for (;;) {
    const piece = await ok(service.handle('messages/export-read', { exportId }))
    text += piece.text
    pieces++
    longest = Math.max(longest, piece.text.length)
    if (piece.done) return { text, pieces, longest }
  }
}

describe('messages/export', () => {
  for (const format of ['ndjson', 'json', 'csv'] as ExportFormat[]) {
    it(`${format}: an export of a search holds exactly its matches, streamed in pieces`, async () => {
      const query = { topic: 'x', partitions: null, json: '$.i % 7 == 0' }
      const { exportId, fileName } = await ok(service.handle('messages/export-start', { format, source: { kind: 'search', query } }))
      expect(fileName).toMatch(new RegExp(`^x-\\d{8}-\\d{6}\\.${format}$`))
      const { text, pieces } = await readAll(exportId)
      const records = parseExport(format, text)
      expect(records.map((r) => Number(exportedBytes(r.key, r.keyEncoding)!.toString().slice(1))).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 572 }, (_, i) => i * 7)
      )
      expect(records[0].headers[0].key).toBe('h')
      if (format !== 'csv') expect(pieces).toBeGreaterThan(0)
      const status = await ok(service.handle('messages/export-status', { exportId }))
      expect(status).toMatchObject({ done: true, error: null, progress: { records: 572, fraction: 1, bytes: Buffer.byteLength(text) } })
    })
  }

  it('exports all records of a topic in pieces of bounded size (1 MiB of text plus at most one 1 MiB read)', async () => {
    const { exportId } = await ok(service.handle('messages/export-start', { format: 'ndjson', source: { kind: 'search', query: { topic: 'x', partitions: null } } }))
    const { text, pieces, longest } = await readAll(exportId)
    // ~2.9 MB of text: however fast the scan, a piece stops once it holds 1 MiB (or after 50 ms).
    expect(text.length).toBeGreaterThan(2.5 * 1024 * 1024)
    expect(pieces).toBeGreaterThan(1)
    expect(longest).toBeLessThanOrEqual(2.25 * 1024 * 1024)
    expect(parseExport('ndjson', text)).toHaveLength(4000)
  })

  it('exports given records in the order given, leaving out offsets that hold none', async () => {
    const pairs = [
      { partition: 1, offset: 5 },
      { partition: 0, offset: 2 },
      { partition: 1, offset: 1 },
      { partition: 0, offset: 1_000_000 }
    ]
    const { exportId } = await ok(service.handle('messages/export-start', { format: 'json', source: { kind: 'records', topic: 'x', records: pairs } }))
    const records = parseExport('json', (await readAll(exportId)).text)
    expect(records.map((r) => [r.partition, r.offset])).toEqual([
      [1, 5],
      [0, 2],
      [1, 1]
    ])
    const direct = tc.cluster.fetch('x', 1, 5, { maxRecords: 1 }).records[0]
    expect(exportedBytes(records[0].value, records[0].valueEncoding)).toEqual(direct.value)
  })

  it('refuses an export of a partition the topic lacks, and forgets a cancelled export', async () => {
    const bad = await service.handle('messages/export-start', { format: 'csv', source: { kind: 'records', topic: 'x', records: [{ partition: 9, offset: 0 }] } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TOPIC_OR_PARTITION' } })
    const { exportId } = await ok(service.handle('messages/export-start', { format: 'csv', source: { kind: 'search', query: { topic: 'x', partitions: [0] } } }))
    await ok(service.handle('messages/export-cancel', { exportId }))
    expect(await service.handle('messages/export-read', { exportId })).toMatchObject({ ok: false, error: { code: 'EXPORT_NOT_FOUND' } })
  })
})
