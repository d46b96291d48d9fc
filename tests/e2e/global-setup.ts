/**
 * Starts browser mode for the end-to-end run: a fresh data dir, the flights dataset imported through
 * the CLI (topic `flights`, 6 partitions, RF 3, keyed by origin), then `brokerlab serve` on 127.0.0.1
 * and a free port, and a consumer group that consumes part of the flights through the running host
 * (over its WebSocket contract, with the run's token, in steps a few seconds apart, so throughput and
 * lag charts have a history). Exposes the URL serve printed (it carries the token) as BROKERLAB_URL
 * and stops the server (and removes the data dir) in teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FLIGHTS_20K } from '../fixtures/datasets'
import { cli, contractRequest, freePort, startServe } from './serve-process'

export const FLIGHTS = FLIGHTS_20K
export const FLIGHTS_GROUP = 'flights-dashboard'
export const FLIGHTS_CONSUMED = 8000

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-'))
  cli(['import', FLIGHTS, '--topic', 'flights', '--key-field', 'origin', '--partitions', '6', '--replication-factor', '3'], dataDir)

  const serve = await startServe({ dataDir, port: await freePort() })
  try {
    // The group consumes FLIGHTS_CONSUMED records in steps 2 s apart: the lag chart falls in steps.
    const steps = 4
    for (let i = 0; i < steps; i++) {
      await contractRequest(serve.wsUrl, 'group/consume', {
        groupId: FLIGHTS_GROUP,
        topic: 'flights',
        maxRecords: FLIGHTS_CONSUMED / steps,
        fromBeginning: true
      })
      await new Promise((r) => setTimeout(r, 2000))
    }
  } catch (e) {
    await serve.stop()
    throw new Error(`${(e as Error).message}\n${serve.log()}`)
  }
  // Specs append a hash route: `${BROKERLAB_URL}#/topics` is http://127.0.0.1:PORT/?token=...#/topics.
  process.env.BROKERLAB_URL = serve.appUrl
  process.env.BROKERLAB_E2E_DATA_DIR = dataDir
  process.env.BROKERLAB_BOOTSTRAP = serve.bootstrap

  return async () => {
    await serve.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
