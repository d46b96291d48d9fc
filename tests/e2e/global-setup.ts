/**
 * Starts browser mode for the end-to-end run: a fresh data dir, the flights dataset imported through
 * the CLI (topic `flights`, 6 partitions, RF 3, keyed by origin), then `brokerlab serve` on 127.0.0.1
 * and a free port, and a consumer group that consumes part of the flights through the running host
 * (over its WebSocket contract, in steps a few seconds apart, so throughput and lag charts have a
 * history). Exposes the URL as BROKERLAB_URL and stops the server (and removes the data dir) in teardown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { FLIGHTS_20K } from '../fixtures/datasets'

const root = resolve(__dirname, '../..')
const bin = join(root, 'bin/brokerlab.mjs')
export const FLIGHTS = FLIGHTS_20K
export const FLIGHTS_GROUP = 'flights-dashboard'
export const FLIGHTS_CONSUMED = 8000

function cli(args: string[], dataDir: string): void {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 256 * 1024 * 1024
  })
  if (r.status !== 0) throw new Error(`brokerlab ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

/** Sends one contract request over the host's WebSocket and returns the reply's data. */
async function request(wsUrl: string, name: string, payload: unknown): Promise<unknown> {
  const ws = new WebSocket(wsUrl)
  try {
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res())
      ws.once('error', rej)
    })
    ws.send(JSON.stringify({ id: 1, name, payload }))
    const msg = await new Promise<{ id: number; reply: { ok: boolean; data?: unknown; error?: { code: string; message: string } } }>(
      (res, rej) => {
        const t = setTimeout(() => rej(new Error(`${name}: no reply within 60 s`)), 60_000)
        ws.on('message', (d) => {
          const m = JSON.parse(String(d))
          if (m.id === 1) {
            clearTimeout(t)
            res(m)
          }
        })
      }
    )
    if (!msg.reply.ok) throw new Error(`${name}: ${msg.reply.error?.code} ${msg.reply.error?.message}`)
    return msg.reply.data
  } finally {
    ws.close()
  }
}

async function waitFor(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`brokerlab serve exited with ${child.exitCode}`)
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`brokerlab serve did not answer at ${url} within ${ms} ms`)
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-'))
  cli(['import', FLIGHTS, '--topic', 'flights', '--key-field', 'origin', '--partitions', '6', '--replication-factor', '3'], dataDir)

  const port = await freePort()
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout?.on('data', (d) => (log += d))
  child.stderr?.on('data', (d) => (log += d))
  const url = `http://127.0.0.1:${port}/`
  try {
    await waitFor(url, child, 60_000)
    // The group consumes FLIGHTS_CONSUMED records in steps 2 s apart: the lag chart falls in steps.
    const wsUrl = `ws://127.0.0.1:${port}/ws`
    const steps = 4
    for (let i = 0; i < steps; i++) {
      await request(wsUrl, 'group/consume', {
        groupId: FLIGHTS_GROUP,
        topic: 'flights',
        maxRecords: FLIGHTS_CONSUMED / steps,
        fromBeginning: true
      })
      await new Promise((r) => setTimeout(r, 2000))
    }
  } catch (e) {
    child.kill('SIGKILL')
    throw new Error(`${(e as Error).message}\n${log}`)
  }
  process.env.BROKERLAB_URL = url
  process.env.BROKERLAB_E2E_DATA_DIR = dataDir

  return async () => {
    child.kill('SIGTERM')
    await new Promise<void>((res) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL')
        res()
      }, 10_000)
      child.once('exit', () => {
        clearTimeout(t)
        res()
      })
    })
    rmSync(dataDir, { recursive: true, force: true })
  }
}
