/**
 * The desktop app's export save with a stand-in save dialog: the chosen file receives the whole
 * export; a cancelled dialog writes nothing and cancels the export; an unknown export never opens
 * the dialog; the IPC adapter answers messages/export-save in the main process after validation.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IPC_REQUEST_CHANNEL, type Reply } from '../../../src/shared/contract'
import { EngineService } from '../../../src/host/engine-service'
import { parseExport } from '../../../src/host/messages/export-format'
import { saveExport, type ShowSaveDialog } from '../../../src/main/export-save'
import { setupIpc, type IpcInvokeEventLike } from '../../../src/main/ipc'
import { openTestCluster, type TestCluster } from '../host/test-cluster'

let tc: TestCluster
let service: EngineService
let dir: string

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

beforeEach(async () => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-save-'))
  await ok(service.handle('topic/create', { topic: 's', partitions: 1, replicationFactor: 1 }))
  await ok(service.handle('produce/send', { topic: 's', acks: 1, records: [{ key: 'k{{i}}', value: 'v{{i}}', headers: [{ key: 'h', value: '{{i}}' }] }], count: 2500 }))
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
  fs.rmSync(dir, { recursive: true, force: true })
})

const startExport = () => ok(service.handle('messages/export-start', { format: 'csv', source: { kind: 'search', query: { topic: 's', partitions: null } } }))

describe('export save (desktop app)', () => {
  it('writes the whole export to the file the dialog returns', async () => {
    const { exportId, fileName } = await startExport()
    const asked: Parameters<ShowSaveDialog>[0][] = []
    const target = path.join(dir, 'chosen.csv')
    const res = await saveExport(service, async (o) => (asked.push(o), { canceled: false, filePath: target }), dir, { exportId, fileName })
    expect(res).toEqual({ ok: true, data: { saved: true, path: target } })
    expect(asked[0]).toMatchObject({ defaultPath: path.join(dir, fileName), filters: [{ name: 'CSV', extensions: ['csv'] }] })
    const records = parseExport('csv', fs.readFileSync(target, 'utf8'))
    expect(records.map((r) => r.key)).toEqual(Array.from({ length: 2500 }, (_, i) => `k${i}`))
  })

  it('writes nothing and cancels the export when the dialog is cancelled; never opens it for an unknown export', async () => {
    const { exportId, fileName } = await startExport()
    const res = await saveExport(service, async () => ({ canceled: true }), dir, { exportId, fileName })
    expect(res).toEqual({ ok: true, data: { saved: false, path: null } })
    expect(fs.readdirSync(dir)).toEqual([])
    expect(await service.handle('messages/export-status', { exportId })).toMatchObject({ ok: false, error: { code: 'EXPORT_NOT_FOUND' } })
    let opened = false
    const unknown = await saveExport(service, async () => ((opened = true), { canceled: true }), dir, { exportId: 'AAAAAAAAAAAAAAAA', fileName })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'EXPORT_NOT_FOUND' } })
    expect(opened).toBe(false)
  })

  it('is answered by the IPC adapter in the main process, after the sender and payload checks', async () => {
    const handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>()
    const wc = { send: () => undefined, isDestroyed: () => false }
    const calls: unknown[] = []
    setupIpc({
      ipcMain: { handle: (c, l) => void handlers.set(c, l), removeHandler: () => undefined },
      engine: service,
      getWebContents: () => wc,
      rendererOrigin: 'app://brokerlab',
      local: { 'messages/export-save': async (_e, req) => (calls.push(req), { ok: true, data: { saved: false, path: null } }) }
    })
    const handler = handlers.get(IPC_REQUEST_CHANNEL)!
    const event = { sender: wc, senderFrame: { parent: null, origin: 'app://brokerlab' } }
    expect(await handler(event, 'messages/export-save', { exportId: 'AAAAAAAAAAAAAAAA', fileName: 'x.csv' })).toEqual({ ok: true, data: { saved: false, path: null } })
    expect(await handler(event, 'messages/export-save', { exportId: 'AAAAAAAAAAAAAAAA', fileName: '../x.csv' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(await handler({ sender: {}, senderFrame: null }, 'messages/export-save', { exportId: 'AAAAAAAAAAAAAAAA', fileName: 'x.csv' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
    expect(calls).toHaveLength(1)
  })
})
