/**
 * EngineHost: the engine in a worker thread (the TypeScript entry bundled once per run by
 * bundledEntry, as electron-vite bundles it for the app; a tsx loader per worker cost ~1 s each): requests
 * correlated by id, events forwarded, clean close that flushes (a reopen sees the data), start
 * failures reported, and replies after close.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../src/host/engine-host'
import type { EngineEvent } from '../../../src/host/engine-service'
import { bundledEntry } from '../support/bundled-entry'

const WORKER = bundledEntry(path.resolve(__dirname, '../../../src/host/engine-worker.ts'))
const start = (dataDir: string) => EngineHost.start({ workerScript: WORKER, dataDir })

let dir: string
const hosts: EngineHost[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-host-'))
})

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('EngineHost', { timeout: 60_000 }, () => {
  it('serves requests in the worker, matching each reply to its request', async () => {
    const host = await start(dir)
    hosts.push(host)
    expect((await host.handle('topic/create', { topic: 'w', partitions: 3, replicationFactor: 3 })).ok).toBe(true)
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        host.handle('produce/send', { topic: 'w', acks: 'all', records: [{ key: `k${i}`, value: `v${i}` }] })
      )
    )
    expect(replies.every((r) => r.ok)).toBe(true)
    const describe = await host.handle('topic/describe', { topic: 'w' })
    expect(describe.ok && (describe.data as { records: number }).records).toBe(20)
    const bad = await host.handle('topic/describe', { topic: 'nope' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TOPIC_OR_PARTITION' } })
  })

  it('forwards pushed snapshots from the worker', async () => {
    const host = await start(dir)
    hosts.push(host)
    const snapshot = await new Promise<EngineEvent>((res) => {
      const off = host.subscribe((e) => {
        if (e.event === 'snapshot') {
          off()
          res(e)
        }
      })
    })
    expect(snapshot.event === 'snapshot' && snapshot.payload.brokers).toHaveLength(3)
  })

  it('closes cleanly, answers ENGINE_STOPPED afterwards, and a reopen sees the data', async () => {
    const host = await start(dir)
    await host.handle('topic/create', { topic: 'kept', partitions: 1, replicationFactor: 1 })
    await host.handle('produce/send', { topic: 'kept', acks: 1, records: [{ key: null, value: 'x' }] })
    await host.close()
    await host.close()
    expect(await host.handle('topic/list', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED' } })
    const again = await start(dir)
    hosts.push(again)
    const offsets = await again.handle('offsets/list', { topic: 'kept' })
    expect(offsets).toMatchObject({ ok: true, data: [{ partition: 0, earliest: 0, latest: 1, highWatermark: 1 }] })
  })

  it('starts the engine again on the same data directory when its worker dies, recovering what was acknowledged', async () => {
    const host = await start(dir)
    hosts.push(host)
    await host.handle('topic/create', { topic: 'survives', partitions: 2, replicationFactor: 3 })
    await host.handle('produce/send', { topic: 'survives', acks: 'all', records: [{ key: 'k{{i}}', value: 'v{{i}}' }], count: 50 })
    const running = new Promise<EngineEvent>((res) => host.subscribe((e) => e.event === 'engine/status' && e.payload.state === 'running' && res(e)))
    // The worker dies as after an out-of-memory kill: no close, no flush.
    await (host as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
    await running
    const topic = await host.handle('topic/describe', { topic: 'survives' })
    expect(topic.ok && (topic.data as { records: number }).records).toBe(50)
  })

  it('rejects start with the reason when the data directory cannot be opened', async () => {
    const file = path.join(dir, 'not-a-dir')
    fs.writeFileSync(file, 'x')
    await expect(start(file)).rejects.toThrow(/The engine could not open .*not-a-dir/)
  })
})
