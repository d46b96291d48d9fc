/**
 * The app's "Listener base port" (issue 10) through the contract: `listener/base-port` refuses a
 * port outside 1024..65535-(brokers-1) naming the rule, before anything is stored or moved; a valid
 * one is stored with the cluster (listener-settings.json) and the listeners move there now (old
 * ports closed, new ones answering); the next open of the cluster uses the stored port, unless the
 * caller gives one (as `serve --broker-port`), which wins for that run. A port taken at the move
 * leaves that broker's listener down with the reason, not retried when another broker restarts,
 * retried by the next move. Ports are found free by the system first; everything started is closed.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/host/engine-service'
import { openCluster } from '../../../src/host/open-cluster'
import { startListeners } from '../../../src/host/open-listeners'
import { LISTENER_SETTINGS_FILE, readListenerSettings } from '../../../src/host/listener-settings-file'
import { listenerBasePortProblem } from '../../../src/shared/listener-port'
import type { ClusterApi } from '../../../src/broker/cluster/cluster-api'

let dir: string
const closers: (() => Promise<void>)[] = []
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-base-port-'))
})
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
  fs.rmSync(dir, { recursive: true, force: true })
})

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(s))
  })
}
const closeServer = (s: net.Server) => new Promise((r) => s.close(r))

/** A base port P >= 1024 with P, P+1, P+2 free just now. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const held: net.Server[] = []
    try {
      held.push(await listen(0))
      const base = (held[0].address() as net.AddressInfo).port
      if (base < 1024 || base + 2 > 65535) continue
      held.push(await listen(base + 1), await listen(base + 2))
      return base
    } catch {
      /* try others */
    } finally {
      for (const s of held) await closeServer(s)
    }
  }
  throw new Error('no three consecutive free ports found')
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Opens the cluster in `dir` with its listeners (base port from `basePort`, else the stored one) and the contract over it. */
async function open(basePort?: number): Promise<{ cluster: ClusterApi; service: EngineService }> {
  const cluster = openCluster({ dataDir: dir, brokers: 3, log: () => {} })
  const listeners = await startListeners(cluster, dir, { host: '127.0.0.1', basePort }, () => {})
  const service = new EngineService(cluster, { listeners })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await service.close()
  }
  closers.push(close)
  return { cluster, service }
}

const ports = (s: EngineService) => s.brokerListeners!.statuses().map((l) => [l.brokerId, l.port, l.state])

describe('listener base port', () => {
  it('names the rule: 1024 to 65535-(brokers-1)', () => {
    expect(listenerBasePortProblem(1024, 3)).toBeNull()
    expect(listenerBasePortProblem(65533, 3)).toBeNull()
    expect(listenerBasePortProblem(65534, 3)).toBe(
      'The listener base port must be a whole number from 1024 to 65533 (its 3 brokers listen on ports base to base+2, and 65535 is the highest port); ports below 1024 need root. Got 65534.'
    )
    expect(listenerBasePortProblem(80, 1)).toBe('The listener base port must be a whole number from 1024 to 65535; ports below 1024 need root. Got 80.')
    expect(listenerBasePortProblem(9092.5, 3)).toMatch(/whole number from 1024 to 65533/)
  })

  it('reads an unusable listener-settings.json as nothing stored, with the reason', () => {
    expect(readListenerSettings(dir)).toEqual({ basePort: null, reason: null })
    fs.writeFileSync(path.join(dir, LISTENER_SETTINGS_FILE), '{"basePort": 9')
    expect(readListenerSettings(dir)).toEqual({ basePort: null, reason: expect.stringMatching(/listener-settings\.json is not JSON$/) })
    fs.writeFileSync(path.join(dir, LISTENER_SETTINGS_FILE), '{"basePort": 70000}')
    expect(readListenerSettings(dir)).toEqual({ basePort: null, reason: expect.stringContaining('holds no base port from 1 to 65535') })
  })

  it('refuses a base port breaking the rule with INVALID_REQUEST, storing and moving nothing', async () => {
    const { service } = await open(0)
    const before = ports(service)
    const reply = await service.handle('listener/base-port', { basePort: 65534 })
    expect(reply).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('from 1024 to 65533') } })
    expect(fs.existsSync(path.join(dir, LISTENER_SETTINGS_FILE))).toBe(false)
    expect(ports(service)).toEqual(before)
  })

  it('stores a valid base port and moves the listeners there now; the next open uses it; a caller-given port wins for its run', async () => {
    const first = await open(0)
    const old = first.service.brokerListeners!.statuses()[0].port
    expect(await first.service.handle('listener/settings', {})).toEqual({ ok: true, data: { running: true, basePort: 0, storedBasePort: null, brokers: 3 } })
    const base = await freeBase()
    const reply = await first.service.handle('listener/base-port', { basePort: base })
    expect(reply).toEqual({ ok: true, data: { running: true, basePort: base, storedBasePort: base, brokers: 3 } })
    expect(ports(first.service)).toEqual([
      [1, base, 'listening'],
      [2, base + 1, 'listening'],
      [3, base + 2, 'listening']
    ])
    expect(await connects(base + 2)).toBe(true)
    expect(await connects(old)).toBe(false)
    expect(readListenerSettings(dir)).toEqual({ basePort: base })
    await first.service.close()

    const second = await open() // no port given: the stored one
    expect(ports(second.service).map(([, p]) => p)).toEqual([base, base + 1, base + 2])
    await second.service.close()

    const third = await open(0) // as `serve --broker-port 0`: wins for this run, the stored value stays
    expect(ports(third.service).map(([, p]) => p)).not.toContain(base)
    expect(await third.service.handle('listener/settings', {})).toMatchObject({ ok: true, data: { basePort: 0, storedBasePort: base } })
  })

  it('leaves a listener whose new port is taken down with the reason; another broker restarting does not retry it, the next move does', async () => {
    const { cluster, service } = await open(0)
    const base = await freeBase()
    const blocker = await listen(base + 1)
    closers.push(() => closeServer(blocker).then(() => undefined))
    await service.handle('listener/base-port', { basePort: base })
    const down = service.brokerListeners!.statuses()[1]
    expect(down).toMatchObject({ brokerId: 2, port: base + 1, state: 'down' })
    expect(down.error).toMatch(new RegExp(`Broker 2 cannot listen on 127\\.0\\.0\\.1:${base + 1}: the port is in use \\(EADDRINUSE\\)`))

    await closeServer(blocker)
    cluster.stopBroker(3)
    cluster.startBroker(3)
    await service.brokerListeners!.settled()
    expect(service.brokerListeners!.statuses()[1].state).toBe('down')

    await service.handle('listener/base-port', { basePort: base })
    expect(service.brokerListeners!.statuses()[1]).toMatchObject({ port: base + 1, state: 'listening', error: null })
  })
})
