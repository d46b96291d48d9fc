/**
 * Test helpers: run bin/brokerlab.mjs as a user would (a child Node process from the project
 * root), or the same runCli in this process (much faster per command), and return the exit code
 * and output.
 */
import { spawnSync } from 'node:child_process'
import { Readable } from 'node:stream'
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

/**
 * Runs `brokerlab ...args` in this process through runCli (src/cli/main.ts), as bin/brokerlab.mjs
 * does, with captured output: the same exit code and text as the child process gives, without the
 * ~1 s of a Node + tsx start per command. `env` is added to this process's environment (with
 * BROKERLAB_DATA_DIR cleared first, as runBrokerlab does); `input` is its standard input.
 */
export async function runBrokerlabInProcess(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun & { status: number }> {
  const { runCli } = await import('../../../src/cli/main')
  const out: string[] = []
  const err: string[] = []
  const status = await runCli(args, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { isTTY: false, write: (t: string) => err.push(t) },
    env: { ...process.env, BROKERLAB_DATA_DIR: '', ...env },
    root: ROOT,
    stopSignal: new Promise<void>(() => {}),
    ...(input !== undefined ? { stdin: Readable.from([input]) } : {})
  })
  return { status, stdout: out.join(''), stderr: err.join('') }
}
