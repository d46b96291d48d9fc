/**
 * `brokerlab start [--port BASE] [--host H] [--brokers N]`: the cluster headless (no UI), as Kafka
 * brokers on the wire: every running broker listens on H (default 127.0.0.1) at BASE + its index
 * (`--port` wins for this run; without it the "Listener base port" stored with the cluster in the app
 * (listener-settings.json), else 9092, 9093, ...; `--port 0` picks free ports). Prints each broker's listener and the
 * bootstrap string, records the listeners in the data directory (listeners.json, so a later
 * command given only `--data-dir` finds them), runs until SIGINT/SIGTERM (Ctrl+C), then closes the
 * listeners and the cluster and says so.
 *
 * Must stay true: options are checked before the data directory is opened (usage errors, exit 2);
 * a port in use takes down only that broker's listener (the message says which port, which broker
 * and how to change it), never the cluster; on a stop signal every listener and connection is
 * closed and the cluster closed cleanly (logs flushed, the lock and listeners.json released)
 * before the command returns 0.
 */
import type { Command } from 'commander'
import { toContractError } from '../../host/engine-service'
import { HeadlessCluster } from '../../host/headless-cluster'
import { DEFAULT_BASE_PORT, DEFAULT_LISTENER_HOST, hostPort } from '../../host/open-listeners'
import { intArg, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { addDataDir, type DataDirOpts } from './data-dir-option'
import { checkBasePortFlag, checkBasePortForBrokers, checkListenerHost, listenerNetworkWarning } from './listener-options'

/** Options of `start` as commander parses them. */
interface StartOpts extends DataDirOpts {
  /** Absent: the base port stored with the cluster (set in the app), else 9092. */
  port?: number
  host: string
  brokers?: number
}

/** Registers `start`. */
export function registerStartCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('start')
      .description('Run the cluster headless, its brokers listening as Kafka brokers, until Ctrl+C')
      .option(
        '--port <base>',
        `port of broker 1; broker n listens on BASE+n-1 (0 picks free ports). Wins for this run over the "Listener base port" stored with the cluster in the app; without either, ${DEFAULT_BASE_PORT}`,
        intArg('--port')
      )
      .option('--host <host>', 'address the brokers listen on', DEFAULT_LISTENER_HOST)
      .option('--brokers <n>', 'brokers of a new cluster, 1 to 9 (default 3; an existing data directory keeps its own)', intArg('--brokers')),
    io
  ).action(async (opts: StartOpts) => {
    if (opts.port !== undefined) checkBasePortFlag('--port', opts.port)
    checkListenerHost('--host', opts.host)
    if (opts.brokers !== undefined && (opts.brokers < 1 || opts.brokers > 9)) throw usageError(`--brokers must be from 1 to 9, got ${opts.brokers}.`)
    const debug = io.env.BROKERLAB_DEBUG === '1'
    const log = (line: string): void => void io.stderr.write(`${line}\n`)
    let cluster: HeadlessCluster
    try {
      cluster = HeadlessCluster.open({ dataDir: opts.dataDir, brokers: opts.brokers, log: (line) => void (debug ? log(line) : undefined) })
    } catch (e) {
      const err = toContractError(e)
      throw new CliError(`${err.code}: Cannot open the cluster in ${opts.dataDir}: ${err.message}`, EXIT_FAILURE)
    }
    try {
      if (opts.port !== undefined) checkBasePortForBrokers('--port', opts.port, cluster.brokerCount)
      await cluster.startListeners({ host: opts.host, basePort: opts.port, portHint: 'run `brokerlab start --port BASE` with another base port' }, log)
    } catch (e) {
      await cluster.close()
      throw e
    }
    const warning = listenerNetworkWarning(opts.host)
    if (warning) io.stderr.write(warning)
    const statuses = cluster.listenerStatuses()
    io.stdout.write(`Brokerlab cluster ${cluster.clusterId}: ${statuses.length} brokers, data in ${opts.dataDir}\n`)
    for (const s of statuses) {
      const state = s.state === 'listening' ? 'listening' : s.state === 'stopped' ? 'stopped (no listener while the broker is stopped)' : 'listener down (see above)'
      io.stdout.write(`  broker ${s.brokerId}  ${hostPort(s.host, s.port)}  ${state}\n`)
    }
    io.stdout.write(`Bootstrap servers: ${cluster.bootstrapServers() || '(none: no broker listens)'}\n`)
    io.stderr.write(`Press Ctrl+C to stop.\n`)
    await io.stopSignal
    io.stderr.write(`\nStopping: closing the brokers' listeners and the cluster...\n`)
    await cluster.close()
    io.stderr.write(
      `Stopped: the listeners are closed and the cluster closed cleanly (logs and committed offsets flushed, lock and listeners.json released); the data stays in ${opts.dataDir}.\n`
    )
  })
}
