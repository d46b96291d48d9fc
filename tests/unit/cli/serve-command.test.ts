/**
 * `brokerlab serve`, run in-process through runCli: a clear message when the app is not built, the
 * checks of --host / --allowed-hosts / --token before anything starts, and (with a build) the URL
 * carrying the token printed, the app served, the WebSocket requiring the token, and a clean stop on
 * the stop signal. Every listener is on 127.0.0.1 (a wildcard --host is only checked, never bound).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { runCli } from '../../../src/cli/main'
import { networkWarning } from '../../../src/cli/commands/serve-command'
import type { CliIo } from '../../../src/cli/cli-context'

const ROOT = path.resolve(__dirname, '../../..')
let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-serve-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function io(root: string, env: NodeJS.ProcessEnv = {}): { io: CliIo; out: string[]; err: string[]; stop: () => void } {
  const out: string[] = []
  const err: string[] = []
  let stop = () => {}
  const stopSignal = new Promise<void>((res) => (stop = res))
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) }, env, root, stopSignal },
    out,
    err,
    stop
  }
}

describe('brokerlab serve', { timeout: 60_000 }, () => {
  it('explains that browser mode needs `npm run build` when the renderer is not built', async () => {
    const t = io(dir)
    const code = await runCli(['serve', '--port', '0', '--data-dir', path.join(dir, 'data')], t.io)
    expect(code).toBe(1)
    expect(t.err.join('')).toMatch(/out\/renderer\/index\.html does not exist\. Run `npm run build` first/)
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  it('refuses --host beyond loopback without --allowed-hosts (exit 2), saying what to add, before touching anything', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5']) {
      const t = io(dir)
      const code = await runCli(['serve', '--port', '0', '--host', host, '--data-dir', path.join(dir, 'data')], t.io)
      expect(code).toBe(2)
      expect(t.err.join('')).toContain(
        `brokerlab: --host ${host} makes the engine reachable from the network. Add --allowed-hosts with the host names or addresses browsers use to reach this machine (e.g. --allowed-hosts myhost.local,192.168.1.5)`
      )
      expect(t.out.join('')).toBe('')
    }
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  it('refuses a bad --allowed-hosts entry or --token (exit 2), naming the rule', async () => {
    const bad = [
      [['--host', '0.0.0.0', '--allowed-hosts', 'myhost.local,'], /--allowed-hosts: an allowed host is empty/],
      [['--allowed-hosts', 'myhost.local:5173'], /--allowed-hosts: "myhost\.local:5173" is not a host name or IP address \(give it without scheme, port/],
      [['--allowed-hosts', '*'], /--allowed-hosts: "\*" is not a host name/],
      [['--token', 'short'], /--token \(or BROKERLAB_TOKEN\): the token must be 16 to 256 characters of A-Z, a-z, 0-9, - and _ \(base64url\); got 5 characters\./]
    ] as const
    for (const [args, message] of bad) {
      const t = io(dir)
      expect(await runCli(['serve', '--port', '0', ...args, '--data-dir', path.join(dir, 'data')], t.io)).toBe(2)
      expect(t.err.join('')).toMatch(message)
    }
    const fromEnv = io(dir, { BROKERLAB_TOKEN: 'x y' })
    expect(await runCli(['serve', '--port', '0', '--data-dir', path.join(dir, 'data')], fromEnv.io)).toBe(2)
    expect(fromEnv.err.join('')).toMatch(/--token \(or BROKERLAB_TOKEN\): the token must be/)
  })

  it('warns that a server beyond loopback is reachable from the network by anyone holding the token', () => {
    expect(networkWarning('0.0.0.0', 5173, ['myhost.local', 'fe80::1'])).toBe(
      'Warning: listening on 0.0.0.0:5173: the engine is reachable from the network by anyone holding the token ' +
        '(browsers may use myhost.local:5173, [fe80::1]:5173 besides the loopback names). Share the URL only with people who may drive this cluster.\n'
    )
  })

  it("refuses a --broker-port outside 0..65535 or a --broker-host that is no address (exit 2) before touching anything", async () => {
    for (const [args, message] of [
      [['--broker-port', '65536'], 'brokerlab: --broker-port: the base port must be an integer from 0 to 65535, got 65536.'],
      [['--broker-host', 'my host'], 'brokerlab: --broker-host must be an IP address the brokers listen on']
    ] as const) {
      const t = io(dir)
      expect(await runCli(['serve', '--port', '0', ...args, '--data-dir', path.join(dir, 'data')], t.io)).toBe(2)
      expect(t.err.join('')).toContain(message)
    }
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  const built = fs.existsSync(path.join(ROOT, 'out/renderer/index.html'))

  /** Runs serve until `stop()`; resolves once it printed its URL. */
  async function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
    const t = io(ROOT, env)
    const running = runCli(['serve', '--port', '0', '--broker-port', '0', ...args, '--data-dir', path.join(dir, 'data')], t.io)
    const until = Date.now() + 30_000
    while (!t.out.join('').includes('http://') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    const printed = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)\n/.exec(t.out.join(''))
    expect(printed, t.out.join('') + t.err.join('')).not.toBeNull()
    return { t, running, url: `http://127.0.0.1:${printed![1]}/`, port: Number(printed![1]), token: printed![2] }
  }

  function upgrade(port: number, token: string | null, headers: Record<string, string> = {}): Promise<WebSocket> {
    return new Promise((res, rej) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${token === null ? '' : `?token=${token}`}`, { headers })
      ws.once('open', () => res(ws))
      ws.once('error', rej)
    })
  }

  it.skipIf(!built)('prints the URL with a random token, serves the built app, requires the token on the WebSocket and stops cleanly', async () => {
    const s = await serve([])
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(s.t.err.join('')).not.toMatch(/Warning/)
    const page = await fetch(s.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
    await expect(upgrade(s.port, null)).rejects.toThrow(/401/)
    await expect(upgrade(s.port, 'A'.repeat(43))).rejects.toThrow(/401/)
    const ws = await upgrade(s.port, s.token)
    const reply = new Promise<any>((res) => ws.once('message', (d) => res(JSON.parse(String(d)))))
    ws.send(JSON.stringify({ id: 1, name: 'topic/defaults', payload: {} }))
    expect(await reply).toMatchObject({ id: 1, reply: { ok: true } })
    ws.close()
    s.t.stop()
    expect(await s.running).toBe(0)
    await expect(fetch(s.url)).rejects.toThrow()
    expect(s.t.err.join('')).toContain(`\nStopping browser mode on ${s.url}: closing the engine...\nStopped: the engine closed cleanly (logs and committed offsets flushed); the data stays in ${path.join(dir, 'data')}.`)
  })

  it('listens on port 8737 by default, not on the port of a Vite dev server (5173)', async () => {
    const t = io(dir)
    expect(await runCli(['serve', '--help'], t.io)).toBe(0)
    expect(t.out.join('')).toMatch(/--port <n>\s+port \(0 picks a free one\) \(default: 8737\)/)
  })

  it.skipIf(!built)('uses the token given by --token or BROKERLAB_TOKEN, and answers allowed hosts on loopback', async () => {
    const token = 'serve-test-token-0123456789'
    const s = await serve(['--token', token, '--allowed-hosts', 'myhost.local'])
    try {
      expect(s.token).toBe(token)
      const ws = await upgrade(s.port, token, { Host: `myhost.local:${s.port}` })
      ws.close()
      await expect(upgrade(s.port, token, { Host: `evil.example:${s.port}` })).rejects.toThrow(/403/)
    } finally {
      s.t.stop()
      expect(await s.running).toBe(0)
    }
    const e = await serve([], { BROKERLAB_TOKEN: token })
    try {
      expect(e.token).toBe(token)
    } finally {
      e.t.stop()
      expect(await e.running).toBe(0)
    }
  })
})
