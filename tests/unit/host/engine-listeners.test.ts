/**
 * The hosts start the brokers' Kafka listeners: the engine worker (EngineHost with `listeners`, the
 * desktop app's and serve's path) and the in-process engine (startListeners + EngineService, and
 * browser mode's in-process engine). The
 * snapshot's brokers carry the bound address and the listener's state (listening, stopped with its
 * broker, down with the port-in-use message); closing the engine closes the listeners and removes
 * listeners.json. Without the option nothing listens. Ports are picked by the system (0).
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineHost } from '../../../src/host/engine-host'
import { EngineService } from '../../../src/host/engine-service'
import { openCluster } from '../../../src/host/open-cluster'
import { startListeners } from '../../../src/host/open-listeners'
import { startWebHost } from '../../../src/host/web-host'
import { LISTENERS_FILE } from '../../../src/broker/protocol/network/listeners-file'
import type { BrokerView, ClusterSnapshot } from '../../../src/shared/contract'
import type { EngineClient } from '../../../src/host/engine-client'
import { bundledEntry } from '../support/bundled-entry'

/** The worker entry, bundled once per run (as electron-vite bundles it for the app), so no tsx loader starts per worker. */
const WORKER = bundledEntry(path.resolve(__dirname, '../../../src/host/engine-worker.ts'))

let dir: string
const closers: (() => Promise<void>)[] = []
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-host-listeners-'))
})
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
  fs.rmSync(dir, { recursive: true, force: true })
})

function connectOk(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      resolve()
    })
    s.once('error', reject)
  })
}

async function brokers(engine: EngineClient): Promise<BrokerView[]> {
  const r = await engine.handle('cluster/snapshot', {})
  if (!r.ok) throw new Error(r.error.message)
  return (r.data as ClusterSnapshot).brokers
}

/** Polls snapshots until `cond` holds for the brokers (bounded). */
async function brokersUntil(engine: EngineClient, cond: (b: BrokerView[]) => boolean): Promise<BrokerView[]> {
  const until = Date.now() + 10_000
  for (;;) {
    const b = await brokers(engine)
    if (cond(b) || Date.now() > until) return b
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('listeners in the engine worker', { timeout: 60_000 }, () => {
  it('starts a listener per broker, shows bound addresses and states in snapshots, follows a stopped broker, and closes them with the engine', async () => {
    const host = await EngineHost.start({ workerScript: WORKER, dataDir: dir, listeners: { basePort: 0 } })
    closers.push(() => host.close())
    const started = host.brokerListeners
    expect(started.map((l) => [l.brokerId, l.state])).toEqual([
      [1, 'listening'],
      [2, 'listening'],
      [3, 'listening']
    ])
    for (const l of started) await connectOk(l.port)
    expect(fs.existsSync(path.join(dir, LISTENERS_FILE))).toBe(true)
    const views = await brokers(host)
    expect(views.map((b) => [b.address, b.listener])).toEqual(started.map((l) => [`127.0.0.1:${l.port}`, { state: 'listening', error: null }]))
    expect((await host.handle('broker/stop', { brokerId: 2 })).ok).toBe(true)
    const after = await brokersUntil(host, (b) => b[1].listener?.state === 'stopped')
    expect(after[1].listener).toEqual({ state: 'stopped', error: null })
    await expect(connectOk(started[1].port)).rejects.toThrow(/ECONNREFUSED/)
    await host.close()
    expect(fs.existsSync(path.join(dir, LISTENERS_FILE))).toBe(false)
    await expect(connectOk(started[0].port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('starts no listener without the listeners option', async () => {
    const host = await EngineHost.start({ workerScript: WORKER, dataDir: dir })
    closers.push(() => host.close())
    expect(host.brokerListeners).toEqual([])
    expect((await brokers(host)).every((b) => b.listener === undefined && /^127\.0\.0\.1:909[2-4]$/.test(b.address))).toBe(true)
    expect(fs.existsSync(path.join(dir, LISTENERS_FILE))).toBe(false)
  })
})

describe('listeners of the in-process engine', () => {
  it("are started by browser mode's in-process engine and closed with it", async () => {
    const web = await startWebHost({ dataDir: dir, rendererDir: path.join(dir, 'no-renderer'), listeners: { basePort: 0 }, log: () => {} })
    closers.push(() => web.close())
    expect(web.engineMode).toBe('in-process')
    expect(web.brokerListeners.map((l) => l.state)).toEqual(['listening', 'listening', 'listening'])
    for (const l of web.brokerListeners) await connectOk(l.port)
    expect(fs.existsSync(path.join(dir, LISTENERS_FILE))).toBe(true)
    await web.close()
    expect(fs.existsSync(path.join(dir, LISTENERS_FILE))).toBe(false)
    await expect(connectOk(web.brokerListeners[0].port)).rejects.toThrow(/ECONNREFUSED/)
  })

  it("shows a broker whose port is in use as 'down' with the message, the others listening", async () => {
    const blocker = net.createServer()
    await new Promise<void>((res) => blocker.listen({ host: '127.0.0.1', port: 0 }, () => res()))
    closers.push(() => new Promise((r) => blocker.close(() => r())))
    const taken = (blocker.address() as net.AddressInfo).port
    const cluster = openCluster({ dataDir: dir, brokers: 1, log: () => {} })
    const log: string[] = []
    const listeners = await startListeners(cluster, dir, { basePort: taken, portHint: 'use --port BASE' }, (l) => log.push(l))
    const service = new EngineService(cluster, { listeners })
    closers.push(() => service.close())
    const [b] = await brokers(service)
    expect(b.address).toBe(`127.0.0.1:${taken}`)
    expect(b.listener?.state).toBe('down')
    expect(b.listener?.error).toContain(`Broker 1 cannot listen on 127.0.0.1:${taken}: the port is in use (EADDRINUSE)`)
    expect(b.listener?.error).toContain('use --port BASE')
    expect(log).toContain(b.listener?.error)
  })
})
