/**
 * Crash test: a child process appends keyed records with flush.messages=1 and is killed with
 * SIGKILL at random moments, 30 times per backend; after each kill the log is reopened (unclean:
 * no marker) and every acknowledged record must be there and readable, offsets contiguous from 0,
 * and every record exactly what was written (no torn record visible).
 */
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LogManager } from '../../../../src/broker/storage/log-manager'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/partition-log'
import { backends } from './backends'
import { CRASH_CONFIG, crashRecord } from './fixtures/crash-records'
import { tempDirs } from './helpers'

const dirs = tempDirs()
afterAll(() => dirs.cleanup())

const CHILD = path.join(__dirname, 'fixtures', 'crash-child.ts')
const KILLS = 30

/** The child's error line from its stderr (not its stack: the reporter would try to map it). */
function errorLine(stderr: string): string {
  return stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? stderr.slice(0, 200)
}

/** A spawned child, loaded and waiting for `go`. */
interface Child {
  go(delayMs: number): Promise<{ lastAck: number; startLeo: number }>
  stop(): void
}

/**
 * Spawns the child (it loads modules, prints `loaded`, then waits). go() lets it open the log and
 * append; once it acknowledged something and `delayMs` passed it is SIGKILLed; resolves with the
 * last acknowledged offset (-1 if none) and the log end offset it started from.
 */
function spawnChild(logDir: string, backend: string, seed: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, logDir, backend, String(seed)], { stdio: ['pipe', 'pipe', 'pipe'] })
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
        const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
        onData = () => {
          if (timer === undefined && /\nready \d+\n(.|\n)*\d+\n/.test(out)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
        }
        child.stdin.write('g')
        void exited.then((signal) => {
          clearTimeout(guard)
          if (timer) clearTimeout(timer)
          if (signal !== 'SIGKILL') return reject(new Error(`child exited without being killed: ${errorLine(err)}`))
          const lines = out.split('\n')
          lines.pop() // a possibly partial last line
          const ready = lines.find((l) => l.startsWith('ready '))
          if (!ready) return reject(new Error(`child never got ready: ${errorLine(err)}`))
          const acks = lines.filter((l) => /^\d+$/.test(l)).map(Number)
          resolve({ lastAck: acks.length ? acks[acks.length - 1] : -1, startLeo: Number(ready.split(' ')[1]) })
        })
      })
  }
}

describe.concurrent.each(backends)('crash recovery on the $name backend', ({ name, create }) => {
  it(
    'keeps every acknowledged record after 30 SIGKILLs at random moments, contiguous and untorn',
    async () => {
      const logDir = dirs.make()
      let seed = 12345 + name.length
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed % n
      }
      let expectedMin = 0
      let next = spawnChild(logDir, name, 1)
      try {
        for (let k = 0; k < KILLS; k++) {
          const { lastAck, startLeo } = await next.go(5 + rand(60))
          next = spawnChild(logDir, name, k + 2) // loads while this kill is checked
          expect(startLeo).toBeGreaterThanOrEqual(expectedMin)
          const m = LogManager.open(logDir, { backend: create(), clock: Date.now, configFor: () => ({ ...DEFAULT_LOG_CONFIG, ...CRASH_CONFIG }), log: () => {} })
          try {
            expect(m.hadCleanShutdown).toBe(false)
            const log = m.getLog('crash', 0)!
            expect(log.logEndOffset).toBeGreaterThan(lastAck)
            const recs = log.readRecords(0, {})
            expect(recs.length).toBe(log.logEndOffset)
            recs.forEach((r, i) => {
              expect(r.offset).toBe(i)
              const want = crashRecord(i)
              if (!r.key!.equals(want.key!) || !r.value!.equals(want.value!) || r.timestamp !== want.timestamp) {
                throw new Error(`record at offset ${i} differs from what was written`)
              }
              expect(r.headers).toEqual(want.headers)
            })
            expectedMin = log.logEndOffset
          } finally {
            m.close()
          }
        }
      } finally {
        next.stop() // the child spawned last (or after a failure) is never used
      }
      expect(expectedMin).toBeGreaterThan(KILLS)
    },
    200_000
  )
})
