/**
 * `brokerlab serve [--port N] [--host H]`: browser mode. Serves the built renderer (out/renderer)
 * and the contract over a WebSocket, with the engine in a worker thread (out/main/engine-worker.js).
 * Prints the URL and runs until SIGINT/SIGTERM, then closes the engine cleanly.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { startWebHost } from '../../main/web-host'
import { intArg, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { addDataDir, type DataDirOpts } from './data-dir-option'

/** Default port of browser mode. */
export const DEFAULT_SERVE_PORT = 5173

/** Registers `serve`. */
export function registerServeCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('serve')
      .description('Browser mode: serve the app on http://127.0.0.1 (needs `npm run build` first)')
      .option('--port <n>', `port (0 picks a free one)`, intArg('--port'), DEFAULT_SERVE_PORT)
      .option('--host <host>', 'interface to listen on', '127.0.0.1'),
    io
  ).action(async (opts: DataDirOpts & { port: number; host: string }) => {
    if (opts.port < 0 || opts.port > 65535) throw usageError('--port must be from 0 to 65535.')
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
        port: opts.port,
        rendererDir,
        workerScript: join(io.root, 'out/main/engine-worker.js')
      })
    } catch (e) {
      throw new CliError(`Cannot start browser mode: ${(e as Error).message}`, EXIT_FAILURE)
    }
    io.stdout.write(`Brokerlab is running at ${host.url}\n`)
    io.stderr.write(`Data directory: ${opts.dataDir} (engine ${host.engineMode}). Press Ctrl+C to stop.\n`)
    await io.stopSignal
    await host.close()
  })
}
