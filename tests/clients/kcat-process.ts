/**
 * Runs kcat (Debian's, librdkafka) for tests/clients/kcat.test.ts: `kcatPath` finds the binary (null
 * when it is not installed), `startKcat` spawns it with piped stdin/stdout, each line of stdout
 * handed to `onLine`, bounded in time (killed after `timeoutMs`); `runKcat` runs it to the end and
 * resolves with stdout. Must stay true: every process started is ended by `kill` (idempotent) or by
 * its timeout.
 */
import { spawn, spawnSync } from 'node:child_process'

/** kcat's path, or null when it is not on PATH. */
export function kcatPath(): string | null {
  return spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim() || null
}

/** A running kcat. */
export interface KcatProcess {
  /** Writes to its stdin. */
  input(text: string): void
  /** Closes its stdin (a producer then flushes and exits). */
  end(): void
  /** Resolves with its stdout once it exits with 0; rejects (with its stderr) otherwise or after the timeout. */
  done: Promise<string>
  /** Sends `signal` (a consumer closes, commits and leaves its group on SIGTERM). */
  signal(signal: NodeJS.Signals): void
  /** Kills it if it still runs. */
  kill(): void
  /** Its stderr so far (librdkafka's log lines), for failure messages. */
  stderr(): string
}

/** Starts `kcat` with `args`; `onLine` sees each stdout line; killed after `timeoutMs`. */
export function startKcat(kcat: string, args: string[], opts: { timeoutMs?: number; onLine?: (line: string) => void } = {}): KcatProcess {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const p = spawn(kcat, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let pending = ''
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL')
      reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms\n${err}`))
    }, timeoutMs)
    p.stdout.on('data', (d) => {
      out += d
      pending += d
      for (let n = pending.indexOf('\n'); n >= 0; n = pending.indexOf('\n')) {
        opts.onLine?.(pending.slice(0, n))
        pending = pending.slice(n + 1)
      }
    })
    p.stderr.on('data', (d) => (err = (err + d).slice(-20_000)))
    p.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`kcat ${args.join(' ')} exited with ${code ?? signal}\n${err}`))
    })
  })
  done.catch(() => {}) // a caller that only kills it need not await it
  return {
    input: (t) => void p.stdin.write(t),
    end: () => p.stdin.end(),
    done,
    signal: (s) => void p.kill(s),
    kill: () => {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    },
    stderr: () => err
  }
}

/** Runs kcat with `args` (stdin closed at once) and resolves with its stdout. */
export function runKcat(kcat: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const k = startKcat(kcat, args, { timeoutMs })
  k.end()
  return k.done
}
