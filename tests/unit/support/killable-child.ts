/**
 * The harness the crash tests share: a child process (a TypeScript fixture, bundled once per test
 * process by bundledEntry and run as plain Node, so each of the many spawns is cheap) that loads,
 * waits for a go byte on stdin, works while printing what it acknowledged, and is SIGKILLed at a
 * chosen moment; and, for the child side, a synchronous line writer. Each test parses the child's
 * output itself.
 *
 * Must stay true: a child that exits in any way other than our SIGKILL is a test failure, and every
 * child is killed within its guard time.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import { bundledEntry } from './bundled-entry'

/** The child's error line from its stderr (not its stack: the reporter would try to map it). */
export function errorLine(stderr: string, max = 300): string {
  return stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? stderr.slice(0, max)
}

/** A spawned child, loaded and waiting for `go`. */
export interface KillableChild {
  /**
   * Sends the go byte; once `armed(stdout)` first holds, waits `delayMs` and SIGKILLs the child.
   * Resolves with the complete lines it printed (a partial last line dropped).
   * Rejects when it exited by itself or was never armed before the guard time.
   */
  go(delayMs: number): Promise<string[]>
  /** SIGKILL (for a child that will not be used). */
  stop(): void
}

/**
 * Spawns `node <bundle of script> ...args` (the TypeScript `script` bundled from the current
 * sources at its first spawn in this process).
 * @param opts.armed when the output shows the child acknowledged something, so a kill can test it.
 * @param opts.guardMs the child is killed after this long in any case (ms).
 */
export function spawnKillableChild(
  script: string,
  args: string[],
  opts: { armed: (stdout: string) => boolean; guardMs: number }
): KillableChild {
  const child = spawn(process.execPath, [bundledEntry(script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let onData: (() => void) | null = null
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
    onData?.()
  })
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  child.stdin.on('error', (e) => (err += `stdin: ${e.message}`)) // EPIPE when a child died early
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  return {
    stop: () => child.kill('SIGKILL'),
    go: (delayMs) =>
      new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined
        const guard = setTimeout(() => child.kill('SIGKILL'), opts.guardMs)
        onData = () => {
          if (timer === undefined && opts.armed(out)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
        }
        child.stdin.write('g')
        void exited.then((signal) => {
          clearTimeout(guard)
          if (timer) clearTimeout(timer)
          if (signal !== 'SIGKILL') return reject(new Error(`child exited without being killed: ${errorLine(err)}`))
          if (timer === undefined) return reject(new Error(`child acknowledged nothing within ${opts.guardMs} ms: ${errorLine(err)}`))
          const lines = out.split('\n')
          lines.pop() // a possibly partial last line
          resolve(lines)
        })
      })
  }
}

/**
 * Child side: writes a whole line to stdout synchronously, so a printed acknowledgement means the
 * work before it was done. The stdout pipe may be non-blocking: when the parent reads slowly and the
 * pipe is full, writeSync throws EAGAIN; wait 1 ms and retry the rest.
 */
export function writeLine(line: string): void {
  let buf = Buffer.from(line)
  while (buf.length > 0) {
    try {
      buf = buf.subarray(fs.writeSync(1, buf))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1)
    }
  }
}

/**
 * Children spawned ahead of use: `spawn(n)` makes the n-th child (n from 1), and `depth` of them are
 * always loading while the current one works and its kill is checked, so a kill rarely waits for a
 * child's start. Safe because a child touches nothing before its go byte.
 */
export interface ChildQueue<C extends { stop(): void }> {
  /** The next child in order (1, 2, ...); spawns the one `depth` ahead of it. */
  next(): C
  /** Stops every spawned child not yet handed out (call in a finally). */
  stopAll(): void
}

/** A ChildQueue over `spawn` keeping `depth` (>= 1) children loading ahead. */
export function childQueue<C extends { stop(): void }>(spawn: (n: number) => C, depth: number): ChildQueue<C> {
  const ahead: C[] = []
  let spawned = 0
  const fill = () => {
    while (ahead.length < depth) ahead.push(spawn(++spawned))
  }
  fill()
  return {
    next: () => {
      const c = ahead.shift()!
      fill()
      return c
    },
    stopAll: () => {
      for (const c of ahead.splice(0)) c.stop()
    }
  }
}
