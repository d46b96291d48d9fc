/**
 * Test helper: runs bin/brokerlab.mjs as a user would (a child Node process from the project
 * root) and returns its exit code and output.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'

export const ROOT = path.resolve(__dirname, '../../..')
export const BIN = path.join(ROOT, 'bin/brokerlab.mjs')

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs `brokerlab ...args`; `env` is added to the process environment; `input` is its standard input. */
export function runBrokerlab(args: string[], env: Record<string, string> = {}, input?: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    ...(input !== undefined ? { input } : {}),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, BROKERLAB_DATA_DIR: '', ...env }
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
