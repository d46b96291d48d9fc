/**
 * `brokerlab start`: as a child process (prints the bootstrap string, every broker accepts TCP
 * connections, listeners.json names them, SIGINT shuts it down with exit 0 within a bound and
 * releases the lock and listeners.json), and in-process through runCli (usage errors for the base
 * port and host before anything starts; a port in use takes down only that broker's listener).
 * Every listener is on 127.0.0.1; ports are picked by the system (--port 0) or found free first.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main'
import type { CliIo } from '../../../src/cli/cli-context'
import { LISTENERS_FILE, readListenersFile } from '../../../src/broker/protocol/network/listeners-file'
import { writeListenerSettings } from '../../../src/host/listener-settings-file'
import { BIN, ROOT, runBrokerlab } from './run-cli'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-start-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function io(): { io: CliIo; out: string[]; err: string[]; stop: () => void } {
  const out: string[] = []
  const err: string[] = []
  let stop = () => {}
  const stopSignal = new Promise<void>((res) => (stop = res))
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { isTTY: false, write: (t: string) => err.push(t) }, env: {}, root: ROOT, stopSignal }, out, err, stop }
}

function connectOk(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy()
      resolve()
    })
    s.once('error', reject)
  })
}

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(s))
  })
}

describe('brokerlab start (child process)', { timeout: 90_000 }, () => {
  it('prints the bootstrap string, accepts TCP connections on every broker, and shuts down cleanly on SIGINT', async () => {
    const dataDir = path.join(dir, 'data')
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--brokers', '3', '--data-dir', dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROKERLAB_DATA_DIR: '' }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += String(d)))
    child.stderr.on('data', (d) => (stderr += String(d)))
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 80_000)
    try {
      await new Promise<void>((res, rej) => {
        const check = (): void => {
          if (/Bootstrap servers: .*\n/.test(stdout)) res()
          else if (child.exitCode !== null) rej(new Error(`start exited early (${child.exitCode}): ${stderr}`))
          else setTimeout(check, 50)
        }
        check()
      })
      const bootstrap = /Bootstrap servers: (.*)\n/.exec(stdout)![1]
      const addresses = bootstrap.split(',')
      expect(addresses).toHaveLength(3)
      for (const a of addresses) expect(a).toMatch(/^127\.0\.0\.1:\d+$/)
      for (const a of addresses) await connectOk(Number(a.split(':')[1]))
      expect(stdout).toMatch(/ {2}broker 1 {2}127\.0\.0\.1:\d+ {2}listening\n/)
      const found = readListenersFile(dataDir)
      expect(found.ok ? found.record.bootstrapServers : found.reason).toBe(bootstrap)
      expect(found.ok && found.record.pid).toBe(child.pid)
      // Another command given only the directory meanwhile finds the running cluster's listeners and uses them.
      const made = runBrokerlab(['topic', 'create', 'while-running', '--partitions', '2', '--data-dir', dataDir])
      expect(made.stderr).toBe('')
      expect(made.status).toBe(0)
      const other = runBrokerlab(['topic', 'list', '--data-dir', dataDir])
      expect(other.status).toBe(0)
      expect(other.stdout).toMatch(/^while-running\s+2\s+1\s+0\s+/m)
      // import still opens the directory in-process, and is told where the running cluster listens.
      fs.writeFileSync(path.join(dir, 'one.ndjson'), '{"a":1}\n')
      const imported = runBrokerlab(['import', path.join(dir, 'one.ndjson'), '--topic', 'x', '--data-dir', dataDir])
      expect(imported.status).toBe(1)
      expect(imported.stderr).toContain(`A cluster is running on it in process ${child.pid}, its brokers listening at ${bootstrap}; stop it`)
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    } finally {
      clearTimeout(killTimer)
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    expect(stderr).toContain("Stopping: closing the brokers' listeners and the cluster...")
    expect(stderr).toContain(`Stopped: the listeners are closed and the cluster closed cleanly (logs and committed offsets flushed, lock and listeners.json released); the data stays in ${dataDir}.`)
    expect(fs.existsSync(path.join(dataDir, LISTENERS_FILE))).toBe(false)
    expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false)
    // A clean close, as Kafka marks it: the metadata log's and every broker's log dir's marker.
    expect(fs.existsSync(path.join(dataDir, '.kafka_cleanshutdown'))).toBe(true)
    for (const b of [1, 2, 3]) expect(fs.existsSync(path.join(dataDir, `broker-${b}`, '.kafka_cleanshutdown'))).toBe(true)
  })
})

describe('brokerlab start (in-process)', { timeout: 60_000 }, () => {
  it('refuses a base port outside 0..65535 or a host that is no address (exit 2) before creating the data directory', async () => {
    const dataDir = path.join(dir, 'data')
    for (const [args, message] of [
      [['--port', '70000'], '--port: the base port must be an integer from 0 to 65535, got 70000.'],
      [['--port', '-1'], '--port: the base port must be an integer from 0 to 65535, got -1.'],
      [['--host', 'not a host'], '--host must be an IP address the brokers listen on'],
      [['--brokers', '10'], '--brokers must be from 1 to 9, got 10.']
    ] as const) {
      const t = io()
      expect(await runCli(['start', ...args, '--data-dir', dataDir], t.io)).toBe(2)
      expect(t.err.join('')).toContain(message)
    }
    expect(fs.existsSync(dataDir)).toBe(false)
  })

  it('refuses a base port whose last broker would pass 65535 (exit 2), naming the highest base for the brokers', async () => {
    const t = io()
    expect(await runCli(['start', '--port', '65534', '--brokers', '3', '--data-dir', path.join(dir, 'data')], t.io)).toBe(2)
    expect(t.err.join('')).toContain('--port: the base port must be at most 65533 for 3 brokers')
    expect(fs.existsSync(path.join(dir, 'data', '.lock'))).toBe(false)
  })

  it('listens on the base port stored with the cluster when --port is not given, and --port wins over it', async () => {
    const free = await listen(0)
    const base = (free.address() as net.AddressInfo).port
    await new Promise((r) => free.close(r))
    const dataDir = path.join(dir, 'data')
    fs.mkdirSync(dataDir, { recursive: true })
    writeListenerSettings(dataDir, base)
    const stored = io()
    const running = runCli(['start', '--brokers', '1', '--data-dir', dataDir], stored.io)
    const until = Date.now() + 30_000
    while (!stored.out.join('').includes('Bootstrap servers:') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    expect(stored.out.join('')).toContain(`Bootstrap servers: 127.0.0.1:${base}\n`)
    stored.stop()
    expect(await running).toBe(0)
    const flag = io()
    const again = runCli(['start', '--port', '0', '--data-dir', dataDir], flag.io)
    const until2 = Date.now() + 30_000
    while (!flag.out.join('').includes('Bootstrap servers:') && Date.now() < until2) await new Promise((r) => setTimeout(r, 50))
    expect(flag.out.join('')).toMatch(/Bootstrap servers: 127\.0\.0\.1:\d+\n/)
    expect(flag.out.join('')).not.toContain(`127.0.0.1:${base}\n`)
    flag.stop()
    expect(await again).toBe(0)
  })

  it('reports a port in use (which broker, which port, how to change it) and runs with the other brokers listening', async () => {
    let base = 0
    let blocker: net.Server | null = null
    for (let attempt = 0; attempt < 20 && !blocker; attempt++) {
      const first = await listen(0)
      base = (first.address() as net.AddressInfo).port
      await new Promise((r) => first.close(r))
      try {
        const probe = await listen(base + 2)
        await new Promise((r) => probe.close(r))
        blocker = await listen(base + 1)
      } catch {
        blocker = null
      }
    }
    if (!blocker) throw new Error('no free ports found')
    try {
      const t = io()
      const running = runCli(['start', '--port', String(base), '--brokers', '3', '--data-dir', path.join(dir, 'data')], t.io)
      const until = Date.now() + 30_000
      while (!t.out.join('').includes('Bootstrap servers:') && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      const out = t.out.join('')
      expect(out).toContain(`  broker 1  127.0.0.1:${base}  listening\n`)
      expect(out).toContain(`  broker 2  127.0.0.1:${base + 1}  listener down (see above)\n`)
      expect(out).toContain(`Bootstrap servers: 127.0.0.1:${base},127.0.0.1:${base + 2}\n`)
      expect(t.err.join('')).toContain(
        `Broker 2 cannot listen on 127.0.0.1:${base + 1}: the port is in use (EADDRINUSE). Its listener is down (the broker runs, but clients cannot reach it); the other brokers' listeners are not affected. To change the ports: run \`brokerlab start --port BASE\` with another base port, or stop the program that uses port ${base + 1}.`
      )
      await connectOk(base)
      await connectOk(base + 2)
      t.stop()
      expect(await running).toBe(0)
    } finally {
      await new Promise((r) => blocker!.close(r))
    }
  })
})
