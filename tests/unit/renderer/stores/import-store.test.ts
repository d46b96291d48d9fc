/**
 * The import form's store: a chosen file is staged on the host in chunks and inspected; an
 * extension that names no format is refused (naming the formats) until one is chosen; import/run
 * gets the key field, the timestamp rule and a new topic, follows only its own progress, and the
 * form resets afterwards so the same file cannot be imported twice; the sample dataset fills the
 * form through the same path.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { IMPORT_UPLOAD_CHUNK_BYTES, type ImportInspection, type RequestOf } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useImportStore } from '../../../../src/renderer/src/stores/import-store'
import { fakeApi, type FakeApi } from '../fake-api'

beforeEach(() => setActivePinia(createPinia()))

/** A File-like object holding `text`. */
function file(name: string, text: string | Uint8Array<ArrayBuffer>): { name: string; size: number; slice(a: number, b: number): Blob } {
  const blob = new Blob([text])
  return { name, size: blob.size, slice: (a, b) => blob.slice(a, b) }
}

/** A fake host that stages uploads and inspects them as `inspection` says. */
const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function stagingHost(extra: Parameters<typeof fakeApi>[0] = {}): { api: FakeApi; staged: Map<string, Uint8Array>; discarded: string[] } {
  const staged = new Map<string, Uint8Array>()
  const discarded: string[] = []
  let n = 0
  const api = fakeApi({
    'import/upload': (req) => {
      const uploadId = `u${++n}`
      staged.set(uploadId, new Uint8Array(0))
      return { uploadId, fileName: req.fileName, size: req.size }
    },
    'import/upload-chunk': (req) => {
      const next = concat(staged.get(req.uploadId) as Uint8Array, fromBase64(req.data))
      staged.set(req.uploadId, next)
      return { received: next.length }
    },
    'import/inspect': (req): ImportInspection => ({
      uploadId: req.uploadId,
      fileName: 'w.csv',
      size: 0,
      format: req.format ?? 'csv',
      fields: ['city', 'temp', 'at'],
      records: 2,
      preview: ['{"city":"Austin","temp":"31","at":"2026-01-01T00:00:00Z"}']
    }),
    'import/discard': (req) => {
      discarded.push(req.uploadId)
      return { ok: true }
    },
    ...extra
  })
  return { api, staged, discarded }
}

describe('useImportStore', () => {
  it('stages the file in chunks, runs with the key, timestamp and a new topic, follows only its own progress, then resets the form', async () => {
    const seen: unknown[] = []
    const host = stagingHost({
      'import/run': (req) => {
        host.api.emit('import/progress', { topic: 'other', phase: 'importing', done: 99, total: 99 })
        host.api.emit('import/progress', { topic: req.topic, phase: 'checking', done: 1, total: 2 })
        seen.push({ ...useImportStore().progress })
        return { imported: 2, perPartition: { 0: 1, 2: 1 }, elapsedMs: 5 }
      }
    })
    setApi(host.api)
    const s = useImportStore()
    const content = 'city,temp,at\nAustin,31,2026-01-01T00:00:00Z\nBoston,12,2026-01-02T00:00:00Z\n'
    await s.choose(file('w.csv', content), 32)
    expect(host.api.calls.filter((c) => c.name === 'import/upload-chunk').map((c) => (c.req as RequestOf<'import/upload-chunk'>).offset)).toEqual([0, 32, 64])
    expect(new TextDecoder().decode(host.staged.get('u1'))).toBe(content)
    expect(s.format).toBe('csv')
    expect(s.fields).toEqual(['city', 'temp', 'at'])
    s.keyField = 'city'
    s.timestamp = { field: 'at', format: 'iso', pattern: '', timeZone: 'UTC' }
    s.topic = 'weather'
    s.createNew = true
    s.partitions = 3
    s.replicationFactor = 1
    expect(await s.run()).toBe(true)
    expect(host.api.calls.find((c) => c.name === 'import/run')?.req).toEqual({
      uploadId: 'u1',
      topic: 'weather',
      format: 'csv',
      keyField: 'city',
      timestamp: { field: 'at', format: 'iso', timeZone: 'UTC' },
      csvTypedColumns: false,
      createTopic: { partitions: 3, replicationFactor: 1 }
    })
    expect(seen).toEqual([{ phase: 'checking', done: 1, total: 2 }])
    expect(s.result).toMatchObject({ topic: 'weather', fileName: 'w.csv', imported: 2, perPartition: { 0: 1, 2: 1 } })
    // The form reset: no file, no fields, no choices; nothing left to import again.
    expect([s.fileName, s.uploadId, s.inspection, s.keyField, s.timestamp.field, s.topic, s.createNew]).toEqual([null, null, null, null, null, '', false])
    expect(await s.run()).toBe(false)
    expect(host.api.calls.filter((c) => c.name === 'import/run')).toHaveLength(1)
  })

  it('names why a file whose extension names no format cannot be imported, and inspects it once a format is chosen', async () => {
    const host = stagingHost()
    setApi(host.api)
    const s = useImportStore()
    await s.choose(file('notes.txt', 'city\nAustin\n'))
    expect(s.detectError).toBe(
      'Cannot tell the format of notes.txt from its extension .txt: the formats are json (.json), ndjson (.ndjson, .jsonl), csv (.csv), parquet (.parquet); choose the format to import it as one of them.'
    )
    expect(host.api.calls.some((c) => c.name === 'import/inspect')).toBe(false)
    expect(s.inspection).toBeNull()
    await s.chooseFormat('csv')
    expect(s.detectError).toBeNull()
    expect(host.api.calls.find((c) => c.name === 'import/inspect')?.req).toEqual({ uploadId: 'u1', format: 'csv', csvTypedColumns: false })
    expect(s.inspection?.records).toBe(2)
  })

  it("shows the host's reason when the file cannot be read as its format", async () => {
    const { FakeFailure } = await import('../fake-api')
    const host = stagingHost({
      'import/inspect': () => {
        throw new FakeFailure({ code: 'INVALID_IMPORT_FILE', message: 'Not valid JSON: the file ends before the array is closed' })
      }
    })
    setApi(host.api)
    const s = useImportStore()
    await s.choose(file('x.json', '[{"a":'))
    expect(s.format).toBe('json')
    expect(s.inspection).toBeNull()
    expect(s.detectError).toBe('Not valid JSON: the file ends before the array is closed')
  })

  it('sends a file larger than a chunk in chunks of at most IMPORT_UPLOAD_CHUNK_BYTES', async () => {
    const host = stagingHost()
    setApi(host.api)
    const big = new Uint8Array(IMPORT_UPLOAD_CHUNK_BYTES + 10).fill(0x41)
    await useImportStore().choose(file('big.csv', big), 10 * IMPORT_UPLOAD_CHUNK_BYTES)
    expect(host.api.calls.filter((c) => c.name === 'import/upload-chunk').map((c) => (c.req as RequestOf<'import/upload-chunk'>).offset)).toEqual([0, IMPORT_UPLOAD_CHUNK_BYTES])
    expect(host.staged.get('u1')).toEqual(big)
  }, 60_000)

  it('discards the staged file on the host when another file is chosen', async () => {
    const host = stagingHost()
    setApi(host.api)
    const s = useImportStore()
    await s.choose(file('a.csv', 'x\n1\n'))
    await s.choose(file('b.csv', 'x\n2\n'))
    expect(host.discarded).toEqual(['u1'])
    expect(s.uploadId).toBe('u2')
  })

  it('loads the flights sample through the same path, with its key, timestamp rule and a new topic', async () => {
    const host = stagingHost({ 'import/sample': () => ({ uploadId: 's1', fileName: 'flights-20k.json', size: 1784867 }) })
    setApi(host.api)
    const s = useImportStore()
    expect(await s.loadSample('flights')).toBe(true)
    expect(host.api.calls.find((c) => c.name === 'import/inspect')?.req).toEqual({ uploadId: 's1', format: 'json' })
    expect([s.uploadId, s.keyField, s.topic, s.createNew]).toEqual(['s1', 'origin', 'flights-sample', true])
    expect(s.timestampSpec()).toEqual({ field: 'date', format: 'pattern', pattern: 'yyyy/MM/dd HH:mm' })
  })
})
