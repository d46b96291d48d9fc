/**
 * Crash test: a child process appends keyed records with flush.messages=1 to 8 KiB segments and is
 * killed with SIGKILL at random moments, 30 times per backend; after each kill the log is reopened
 * (unclean: no marker) and every acknowledged record must be there and readable, offsets contiguous
 * from 0, and every record exactly what was written (no torn record visible); the log has rolled
 * several segments by the end. The backends run one after the other: a check running while the
 * other backend's child works would hold back its kill timer (one thread), the child would append
 * for seconds instead of milliseconds, and each later check would read an ever larger log.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LogManager } from '../../../../src/broker/storage/log-manager'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import { backends } from './backends'
import { CRASH_CONFIG, crashRecord } from './fixtures/crash-records'
import { tempDirs } from './helpers'
import { childQueue, spawnKillableChild } from '../../support/killable-child'

const dirs = tempDirs()
afterAll(() => dirs.cleanup())

const CHILD = path.join(__dirname, 'fixtures', 'crash-child.ts')
const KILLS = 30

/**
 * Spawns the child (it loads modules, prints `loaded`, then waits). go() lets it open the log and
 * append; once it acknowledged something and `delayMs` passed it is SIGKILLed; resolves with the
 * last acknowledged offset (-1 if none) and the log end offset it started from.
 */
function spawnChild(logDir: string, backend: string, seed: number): { go(delayMs: number): Promise<{ lastAck: number; startLeo: number }>; stop(): void } {
  const child = spawnKillableChild(CHILD, [logDir, backend, String(seed)], {
    armed: (out) => /\nready \d+\n(.|\n)*\d+\n/.test(out),
    guardMs: 20_000
  })
  return {
    stop: () => child.stop(),
    go: async (delayMs) => {
      const lines = await child.go(delayMs)
      const ready = lines.find((l) => l.startsWith('ready '))
      if (!ready) throw new Error('child never got ready')
      const acks = lines.filter((l) => /^\d+$/.test(l)).map(Number)
      return { lastAck: acks.length ? acks[acks.length - 1] : -1, startLeo: Number(ready.split(' ')[1]) }
    }
  }
}

describe.each(backends)('crash recovery on the $name backend', ({ name, create }) => {
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
      // Child n has seed n; two load ahead while one works and its kill is checked.
      const children = childQueue((n) => spawnChild(logDir, name, n), 2)
      try {
        for (let k = 0; k < KILLS; k++) {
          const { lastAck, startLeo } = await children.next().go(5 + rand(60))
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
        children.stopAll() // the children spawned last (or after a failure) are never used
      }
      expect(expectedMin).toBeGreaterThan(KILLS)
      // The kills spanned segment rolls (8 KiB segments), not one segment's appends only.
      expect(fs.readdirSync(path.join(logDir, 'crash-0')).filter((f) => f.endsWith('.log')).length).toBeGreaterThanOrEqual(5)
    },
    200_000
  )
})
