/**
 * EngineHost's resource limits and restarts, with a stand-in worker speaking the worker protocol
 * (fixtures/stand-in-engine-worker.mjs) so no test needs gigabytes: a worker that exhausts a tiny
 * heap limit ends alone, its pending requests settle ENGINE_STOPPED naming the cause and the
 * limit, the host survives and starts the worker again on the same data directory, pushing
 * engine/status; restarts are bounded within a window.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EngineStatus, Reply } from '../../../src/shared/contract'
import { EngineHost, defaultEngineResourceLimits, type EngineHostOptions } from '../../../src/host/engine-host'

const STAND_IN = path.resolve(__dirname, 'fixtures/stand-in-engine-worker.mjs')
const GiB = 1024 * 1024 * 1024

let dir: string
const hosts: EngineHost[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-host-restart-'))
})

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function start(options: Partial<EngineHostOptions> = {}): Promise<{ host: EngineHost; statuses: EngineStatus[] }> {
  const host = await EngineHost.start({ workerScript: STAND_IN, dataDir: dir, resourceLimits: { maxOldGenerationSizeMb: 16 }, ...options })
  hosts.push(host)
  const statuses: EngineStatus[] = []
  host.subscribe((e) => {
    if (e.event === 'engine/status') statuses.push(e.payload)
  })
  return { host, statuses }
}

/** Resolves once the host pushed engine/status with `state` (bounded: rejects after 20 s). */
function nextStatus(host: EngineHost, state: EngineStatus['state']): Promise<EngineStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no engine/status ${state} within 20 s`)), 20_000)
    const off = host.subscribe((e) => {
      if (e.event === 'engine/status' && e.payload.state === state) {
        clearTimeout(timer)
        off()
        resolve(e.payload)
      }
    })
  })
}

const starts = () => fs.readFileSync(path.join(dir, 'starts.log'), 'utf8').trim().split('\n')

describe('EngineHost resource limits', { timeout: 60_000 }, () => {
  it('derives the worker heap limit from the machine memory: a quarter, within 512 MiB .. 4 GiB', () => {
    expect(defaultEngineResourceLimits(8 * GiB)).toEqual({ maxOldGenerationSizeMb: 2048, maxYoungGenerationSizeMb: 96 })
    expect(defaultEngineResourceLimits(1 * GiB)).toEqual({ maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 96 })
    expect(defaultEngineResourceLimits(64 * GiB)).toEqual({ maxOldGenerationSizeMb: 4096, maxYoungGenerationSizeMb: 96 })
  })

  it('starts the worker with the given resource limits', async () => {
    const { host } = await start({ resourceLimits: { maxOldGenerationSizeMb: 48 } })
    const limits = await host.handle('test/limits', {})
    expect(limits).toMatchObject({ ok: true, data: { maxOldGenerationSizeMb: 48 } })
  })

  it('survives a worker that runs out of memory: pending requests get ENGINE_STOPPED naming the limit, the engine restarts on the same data directory', async () => {
    const { host, statuses } = await start()
    expect(await host.handle('test/echo', { n: 1 })).toEqual({ ok: true, data: { n: 1 } })
    const running = nextStatus(host, 'running')
    const held = host.handle('test/hold', {})
    const oom = await host.handle('test/allocate', {})
    expect(oom).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED' } })
    const message = (oom as Extract<Reply<unknown>, { ok: false }>).error.message
    expect(message).toBe('The engine ran out of memory (limit 16 MiB) before answering this request; the engine is restarting on the same data directory')
    expect(await held).toEqual(oom)
    // While it restarts, requests fail at once instead of waiting for the next worker.
    expect(await host.handle('test/echo', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED', message: expect.stringContaining('restarting') } })
    await running
    expect(statuses.map((s) => [s.state, s.cause])).toEqual([
      ['restarting', 'the engine ran out of memory (limit 16 MiB)'],
      ['running', 'the engine ran out of memory (limit 16 MiB)']
    ])
    expect(await host.handle('test/echo', { n: 2 })).toEqual({ ok: true, data: { n: 2 } })
    expect(starts()).toEqual([dir, dir])
  })

  it('restarts at most maxRestarts times within the window, then stays stopped and says why', async () => {
    const clock = { now: 1_000_000 }
    const { host, statuses } = await start({ maxRestarts: 2, restartWindowMs: 60_000, clock: () => clock.now })
    for (let i = 0; i < 2; i++) {
      const running = nextStatus(host, 'running')
      expect(await host.handle('test/exit', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED', message: expect.stringContaining('exited (code 3)') } })
      await running
      clock.now += 1000
    }
    const gaveUp = nextStatus(host, 'stopped')
    const last = await host.handle('test/exit', {})
    expect(last).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED' } })
    expect((last as Extract<Reply<unknown>, { ok: false }>).error.message).not.toContain('restarting')
    expect((await gaveUp).cause).toBe('the engine worker exited (code 3) (not restarted: 2 restarts within 60 s already)')
    expect(await host.handle('test/echo', {})).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED', message: expect.stringContaining('not restarted') } })
    expect(statuses.map((s) => s.state)).toEqual(['restarting', 'running', 'restarting', 'running', 'stopped'])
    expect(starts()).toHaveLength(3)
  })

  it('restarts again once earlier restarts left the window', async () => {
    const clock = { now: 1_000_000 }
    const { host } = await start({ maxRestarts: 1, restartWindowMs: 60_000, clock: () => clock.now })
    let running = nextStatus(host, 'running')
    await host.handle('test/exit', {})
    await running
    clock.now += 60_000
    running = nextStatus(host, 'running')
    await host.handle('test/exit', {})
    await running
    expect(await host.handle('test/echo', 'ok')).toEqual({ ok: true, data: 'ok' })
  })
})
