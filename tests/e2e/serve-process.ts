/**
 * What the end-to-end run needs to drive `brokerlab serve` as a user does: run the CLI on a data
 * dir, pick a free port, start `serve` as a child process and read the URL it prints (which carries
 * the run's token), send one contract request over the WebSocket with that token, and stop the child.
 *
 * Must stay true: every child is on 127.0.0.1, is waited for with a bound, and is killed (SIGKILL
 * after a bounded SIGTERM) by `stop()`; a child that exits early or prints no URL fails with its log.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'

export const ROOT = resolve(__dirname, '../..')
const BIN = join(ROOT, 'bin/brokerlab.mjs')

/** Runs `brokerlab ARGS --data-dir DIR` to completion; throws with its stderr when it fails. */
export function cli(args: string[], dataDir: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 256 * 1024 * 1024
  })
  if (r.status !== 0) throw new Error(`brokerlab ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

/** A running `brokerlab serve`. */
export interface ServeProcess {
  /** The URL it printed, with the token: http://127.0.0.1:PORT/?token=... */
  appUrl: string
  /** The token in that URL. */
  token: string
  /** ws://127.0.0.1:PORT/ws?token=... */
  wsUrl: string
  /** The Kafka bootstrap string it printed (its brokers' listeners), e.g. "127.0.0.1:40001,127.0.0.1:40002". */
  bootstrap: string
  /** What it printed so far (stdout and stderr). */
  log(): string
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>
}

/**
 * Starts `brokerlab serve --host 127.0.0.1 --port PORT --data-dir DIR` (plus `--token` when given)
 * and resolves once it printed its URL and answers on it.
 * @throws when it exits or prints no URL within `ms` (default 60 s), with its output.
 */
export async function startServe(opts: { dataDir: string; port: number; token?: string; ms?: number; brokerPort?: number }): Promise<ServeProcess> {
  // The brokers' listeners on ports the system picks unless a spec asks for a base.
  const args = ['serve', '--port', String(opts.port), '--host', '127.0.0.1', '--broker-port', String(opts.brokerPort ?? 0), '--data-dir', opts.dataDir]
  if (opts.token) args.push('--token', opts.token)
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(t)
  }
  const until = Date.now() + (opts.ms ?? 60_000)
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`brokerlab serve exited with ${child.exitCode}`)
      const m = /Brokerlab is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))\n/.exec(out)
      const b = /Kafka bootstrap servers: (.*)\n/.exec(out)
      if (m && b) {
        if ((await fetch(m[1]).catch(() => null))?.ok) {
          return { appUrl: m[1], token: m[3], wsUrl: `ws://127.0.0.1:${m[2]}/ws?token=${m[3]}`, bootstrap: b[1], log: () => out, stop }
        }
      }
      if (Date.now() > until) throw new Error(`brokerlab serve printed no URL it answers on within ${opts.ms ?? 60_000} ms`)
      await new Promise((r) => setTimeout(r, 200))
    }
  } catch (e) {
    child.kill('SIGKILL')
    throw new Error(`${(e as Error).message}\n${out}`)
  }
}

/** The URL (with its token) of the shared `serve` global-setup started, as BROKERLAB_URL holds it. @throws when global-setup did not run. */
export function baseUrl(): string {
  const url = process.env.BROKERLAB_URL
  if (!url) throw new Error('BROKERLAB_URL is not set: global-setup did not start browser mode')
  return url
}

/** The WebSocket URL of that shared host (the page's URL carries the token), for contractRequest. */
export function wsUrl(): string {
  const u = new URL(baseUrl())
  return `ws://${u.host}/ws?token=${u.searchParams.get('token')}`
}

/** Sends one contract request over `wsUrl` (with its token) and returns the reply's data; throws on an error reply. */
export async function contractRequest(wsUrl: string, name: string, payload: unknown): Promise<unknown> {
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
