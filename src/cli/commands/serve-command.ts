/**
 * `brokerlab serve [--port N] [--host H --allowed-hosts NAMES] [--token T] [--broker-port BASE]
 * [--broker-host H]`: browser mode. Serves the built renderer (out/renderer) and the contract over a
 * WebSocket, with the engine in a worker thread (out/main/engine-worker.js), whose brokers listen
 * as Kafka brokers on 127.0.0.1 (or `--broker-host`) at BASE, BASE+1, ... (`--broker-port` wins for
 * this run; without it the "Listener base port" stored with the cluster in the app, else 9092;
 * `--port` stays the browser page's port). Prints the URL carrying the run's token
 * (`http://127.0.0.1:PORT/?token=...`, like Jupyter's) and the Kafka bootstrap string, and runs until SIGINT/SIGTERM (Ctrl+C), then
 * closes the engine cleanly and says so: what it stopped, that the logs and committed offsets were
 * flushed, and where the data stays.
 *
 * Must stay true: options are checked before anything starts (usage errors, exit 2): a `--host`
 * beyond loopback is refused unless `--allowed-hosts` names the hosts browsers use (the Host check
 * stays on), and then a warning says the engine is reachable from the network by anyone holding the
 * token; the token is random per run unless `--token` / BROKERLAB_TOKEN gives one (web-token.ts).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { startWebHost } from '../../host/web-host'
import { allowedHostProblem, hostForUrl, isLoopbackHost } from '../../host/host-allow-list'
import { webTokenProblem } from '../../host/web-token'
import { intArg, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { addDataDir, type DataDirOpts } from './data-dir-option'
import { checkBasePortFlag, checkListenerHost, listenerNetworkWarning } from './listener-options'
import { DEFAULT_BASE_PORT, DEFAULT_LISTENER_HOST, hostPort } from '../../host/open-listeners'

/**
 * Default port of browser mode: 8737, away from the ports dev servers take by default (Vite's 5173,
 * 3000, 8080, 8000) and from the brokers' listeners (9092 and up).
 */
export const DEFAULT_SERVE_PORT = 8737

/** Options of `serve` as commander parses them. */
interface ServeOpts extends DataDirOpts {
  port: number
  host: string
  brokerPort?: number
  brokerHost: string
  allowedHosts?: string
  token?: string
}

/**
 * Splits and checks `--allowed-hosts a,b,c`.
 * @throws CliError (usage) naming the entry and the rule.
 */
function parseAllowedHosts(list: string | undefined): string[] {
  if (list === undefined) return []
  const names = list.split(',').map((n) => n.trim())
  for (const n of names) {
    const problem = allowedHostProblem(n)
    if (problem) throw usageError(`--allowed-hosts: ${problem}.`)
  }
  return names
}

/**
 * The warning `serve` prints when it listens beyond loopback, naming the address, port and the Host
 * names it answers. Exported for tests (which never listen beyond 127.0.0.1).
 */
export function networkWarning(host: string, port: number, allowedHosts: readonly string[]): string {
  return (
    `Warning: listening on ${hostForUrl(host)}:${port}: the engine is reachable from the network by anyone holding the token ` +
    `(browsers may use ${allowedHosts.map((h) => `${hostForUrl(h)}:${port}`).join(', ')} besides the loopback names). ` +
    `Share the URL only with people who may drive this cluster.\n`
  )
}

/** Registers `serve`. */
export function registerServeCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('serve')
      .description('Browser mode: serve the app on http://127.0.0.1 (needs `npm run build` first)')
      .option('--port <n>', `port (0 picks a free one)`, intArg('--port'), DEFAULT_SERVE_PORT)
      .option('--host <host>', 'interface to listen on; beyond loopback (e.g. 0.0.0.0) needs --allowed-hosts', '127.0.0.1')
      .option(
        '--allowed-hosts <names>',
        'comma-separated host names or addresses browsers use to reach this machine (checked against the Host header)'
      )
      .option('--token <token>', "this run's secret instead of a random one (env BROKERLAB_TOKEN), 16+ base64url characters", io.env.BROKERLAB_TOKEN)
      .option(
        '--broker-port <base>',
        `port of broker 1's Kafka listener; broker n listens on BASE+n-1 (0 picks free ports). Wins for this run over the "Listener base port" stored with the cluster in the app; without either, ${DEFAULT_BASE_PORT}`,
        intArg('--broker-port')
      )
      .option('--broker-host <host>', "address the brokers' Kafka listeners bind", DEFAULT_LISTENER_HOST),
    io
  ).action(async (opts: ServeOpts) => {
    if (opts.port < 0 || opts.port > 65535) throw usageError('--port must be from 0 to 65535.')
    if (opts.brokerPort !== undefined) checkBasePortFlag('--broker-port', opts.brokerPort)
    checkListenerHost('--broker-host', opts.brokerHost)
    const allowedHosts = parseAllowedHosts(opts.allowedHosts)
    const beyondLoopback = !isLoopbackHost(opts.host)
    if (beyondLoopback && allowedHosts.length === 0)
      throw usageError(
        `--host ${opts.host} makes the engine reachable from the network. Add --allowed-hosts with the host names or addresses browsers use to reach this machine (e.g. --allowed-hosts myhost.local,192.168.1.5), so requests with any other Host header are refused; the token is still required.`
      )
    if (opts.token !== undefined) {
      const problem = webTokenProblem(opts.token)
      if (problem) throw usageError(`--token (or BROKERLAB_TOKEN): ${problem}.`)
    }
    const rendererDir = join(io.root, 'out/renderer')
    if (!existsSync(join(rendererDir, 'index.html')))
      throw new CliError(
        `Browser mode serves the built app, but ${join(rendererDir, 'index.html')} does not exist. Run \`npm run build\` first (or \`npm run serve\`, which builds).`,
        EXIT_FAILURE
      )
    let host
    try {
      host = await startWebHost({
        dataDir: opts.dataDir,
        host: opts.host,
        allowedHosts,
        port: opts.port,
        rendererDir,
        workerScript: join(io.root, 'out/main/engine-worker.js'),
        token: opts.token,
        log: (line) => void io.stderr.write(`${line}\n`),
        listeners: { host: opts.brokerHost, basePort: opts.brokerPort, portHint: 'set another "Listener base port" in the app (Connect a client), or run `brokerlab serve --broker-port BASE` with another base port' }
      })
    } catch (e) {
      throw new CliError(`Cannot start browser mode: ${(e as Error).message}`, EXIT_FAILURE)
    }
    io.stdout.write(`Brokerlab is running at ${host.appUrl}\n`)
    const bootstrap = host.brokerListeners
      .filter((l) => l.state === 'listening')
      .map((l) => hostPort(l.host, l.port))
      .join(',')
    io.stdout.write(`Kafka bootstrap servers: ${bootstrap || '(none: no broker listens)'}\n`)
    for (const l of host.brokerListeners) if (l.state === 'down' && l.error) io.stderr.write(`${l.error}\n`)
    const brokerWarning = listenerNetworkWarning(opts.brokerHost)
    if (brokerWarning) io.stderr.write(brokerWarning)
    if (beyondLoopback) {
      for (const name of allowedHosts) io.stdout.write(`  from the network: http://${hostForUrl(name)}:${host.port}/?token=${host.token}\n`)
      io.stderr.write(networkWarning(opts.host, host.port, allowedHosts))
    }
    io.stderr.write(
      `Data directory: ${opts.dataDir} (engine ${host.engineMode}). The URL carries this run's token; the page keeps it. Press Ctrl+C to stop.\n`
    )
    await io.stopSignal
    io.stderr.write(`\nStopping browser mode on ${host.url}: closing the engine...\n`)
    await host.close()
    io.stderr.write(
      `Stopped: the engine closed cleanly (logs and committed offsets flushed); the data stays in ${opts.dataDir}. Run \`brokerlab serve\` again to go on (it prints a new token).\n`
    )
  })
}
