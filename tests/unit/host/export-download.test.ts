/**
 * Browser mode's export download (/export/<id> on the web host): it needs the run's token and an
 * allowed Host, and streams the whole export as an attachment whose records equal the export's.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Reply } from '../../../src/shared/contract'
import { EngineService } from '../../../src/host/engine-service'
import { startWebHost, type WebHost } from '../../../src/host/web-host'
import { parseExport } from '../../../src/host/messages/export-format'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster
let service: EngineService
let host: WebHost
let rendererDir: string

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

beforeEach(async () => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-renderer-'))
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Brokerlab</title>')
  host = await startWebHost({ engine: service, rendererDir, port: 0 })
  await ok(service.handle('topic/create', { topic: 'dl', partitions: 2, replicationFactor: 1 }))
  await ok(service.handle('produce/send', { topic: 'dl', acks: 1, records: [{ key: 'k{{i}}', value: `{"i":{{i}},"pad":"${'x'.repeat(500)}"}` }], count: 3000 }))
})

afterEach(async () => {
  await host.close()
  await service.close()
  await tc.cleanup()
  fs.rmSync(rendererDir, { recursive: true, force: true })
})

/** GET with a chosen Host header (fetch cannot set it). */
function get(pathAndQuery: string, hostHeader?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers: hostHeader ? { host: hostHeader } : {} }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (d) => (body += d))
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }))
      r.on('error', rej)
    })
    req.on('error', rej)
  })
}

describe('export download', () => {
  it('streams a whole export as an attachment with the token, and refuses without it, for another Host, or an unknown id', async () => {
    const query = { topic: 'dl', partitions: null, json: '$.i % 3 == 0' }
    const { exportId, fileName } = await ok(service.handle('messages/export-start', { format: 'ndjson', source: { kind: 'search', query } }))
    const q = `?token=${host.token}&name=${encodeURIComponent(fileName)}`
    expect((await get(`/export/${exportId}?name=${fileName}`)).status).toBe(401)
    expect((await get(`/export/${exportId}?token=wrong-token-wrong-token`)).status).toBe(401)
    expect((await get(`/export/${exportId}${q}`, `evil.example:${host.port}`)).status).toBe(403)
    expect((await get(`/export/AAAAAAAAAAAAAAAA${q}`)).status).toBe(404)
    const res = await get(`/export/${exportId}${q}`)
    expect(res.status).toBe(200)
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`)
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    const records = parseExport('ndjson', res.body)
    expect(records.map((r) => JSON.parse(r.value as string).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i * 3))
    const status = await ok(service.handle('messages/export-status', { exportId }))
    expect(status).toMatchObject({ done: true, progress: { records: 1000, fraction: 1 } })
  })
})
