/**
 * Runs a Python client driver of tests/clients/ (confluent_kafka_driver.py, kafka_python_driver.py)
 * with /usr/bin/python3, whatever python3 is first on PATH (Debian's python3-confluent-kafka and
 * python3-kafka live there), and speaks driver_io.py's JSON-lines protocol: `request` writes one
 * command and resolves with its answer; every other line (records, assignments) goes to `onLine`.
 * Each request is bounded in time; `stop` asks a consumer to stop and waits for it to exit; `kill`
 * ends the process. Must stay true: every process started is killed by `kill` (idempotent).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import path from 'node:path'

export const PYTHON = '/usr/bin/python3'

/** Why `module` cannot be used (no /usr/bin/python3, or it cannot import it), or null when it can. */
export function pythonModuleMissing(module: string, debianPackage: string): string | null {
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 10_000 })
  if (r.error) return `${PYTHON} cannot be run (${r.error.message})`
  return r.status === 0 ? null : `${PYTHON} cannot import ${module} (Debian's ${debianPackage} is not installed)`
}

/**
 * One line a driver printed that is not an answer: a consumed record, an assignment, a commit retry,
 * `stopped`; from confluent_kafka_driver.py's chaos_producer also a delivery report (delivered at
 * partition and offset, the offset null when librdkafka acknowledged it implicitly, without one;
 * or failed with the client's error name), a client error (librdkafka's
 * error_cb), and the final count of records produced and left undelivered.
 */
export type DriverLine =
  | { record: { partition: number; offset: number; key: string; value: string } }
  | { assigned: number[] }
  | { commit_retry: string }
  | { stopped: true }
  | { delivered: { partition: number; offset: number | null; value: string } }
  | { failed: { partition: number; value: string; error: string } }
  | { client_error: { error: string; fatal: boolean; reason: string } }
  | { produced: { sent: number; undelivered: number } }

/** A running driver process. */
export interface PythonDriver {
  /** Sends `{cmd, ...args}`; resolves with the answer's fields, rejects with its error or after `timeoutMs`. */
  request<T = Record<string, unknown>>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>
  /** Asks a consumer driver to stop (close, leave the group) and resolves once it exited with 0. */
  stop(timeoutMs?: number): Promise<void>
  /** Kills the process if it still runs. */
  kill(): void
  /** Its stderr so far (the clients' logs), for failure messages. */
  stderr(): string
}

/** Starts `script` (a file beside this one) with `args`; `onLine` sees each line that is not an answer. */
export function startDriver(script: string, args: string[], onLine: (line: DriverLine) => void = () => {}): PythonDriver {
  const p: ChildProcess = spawn(PYTHON, [path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
  let err = ''
  let buf = ''
  const waiting: ((answer: { ok: boolean; error?: string }) => void)[] = []
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)))
  p.stderr!.on('data', (d) => (err = (err + d).slice(-20_000)))
  p.stdout!.on('data', (d) => {
    buf += d
    for (let n = buf.indexOf('\n'); n >= 0; n = buf.indexOf('\n')) {
      const obj = JSON.parse(buf.slice(0, n))
      buf = buf.slice(n + 1)
      if ('ok' in obj) waiting.shift()?.(obj)
      else onLine(obj)
    }
  })
  const bounded = <T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${script} ${what}: no answer within ${timeoutMs} ms\n${err}`)), timeoutMs)
      promise.then(
        (v) => (clearTimeout(t), resolve(v)),
        (e) => (clearTimeout(t), reject(e))
      )
    })
  return {
    request(cmd, args = {}, timeoutMs = 30_000) {
      const answer = new Promise<any>((resolve, reject) => {
        waiting.push((a) => (a.ok ? resolve(a) : reject(new Error(`${script} ${cmd}: ${a.error}`))))
        exited.then((code) => reject(new Error(`${script} exited (${code}) before answering ${cmd}\n${err}`)))
      })
      p.stdin!.write(JSON.stringify({ cmd, ...args }) + '\n')
      return bounded(cmd, answer, timeoutMs)
    },
    async stop(timeoutMs = 20_000) {
      p.stdin!.write(JSON.stringify({ cmd: 'stop' }) + '\n')
      const code = await bounded('stop', exited, timeoutMs)
      if (code !== 0) throw new Error(`${script} exited with ${code}\n${err}`)
    },
    kill() {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    },
    stderr: () => err
  }
}
