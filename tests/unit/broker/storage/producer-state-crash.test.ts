/**
 * Crash test of the idempotent producers' state: a child appends idempotent batches (flush.messages=1,
 * small segments, so snapshots are taken at rolls) and is killed with SIGKILL at random moments, 8
 * times; after each kill the log is reopened as after an unclean shutdown and its producer state,
 * rebuilt from the last snapshot plus the log, must answer the last acknowledged batch, retried, with
 * its original offsets, and accept the next sequence; the next child goes on from the state it finds.
 */
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import { tempDirs } from './helpers'
import { idempotentBatch } from './fixtures/idempotent-batches'
import { childQueue, spawnKillableChild } from '../../support/killable-child'

const dirs = tempDirs()
afterAll(() => dirs.cleanup())

const CHILD = path.join(__dirname, 'fixtures', 'idempotent-crash-child.ts')
const KILLS = 8

describe('idempotent producer state after kill -9', () => {
  it(
    'answers the last acknowledged batch as a duplicate after every crash and goes on from its sequence',
    async () => {
      const dir = path.join(dirs.make(), 'idem-0')
      let seed = 777
      let expectedNextSeq = 0
      // Child n gets seed n; two load ahead while one works and its kill is checked.
      const children = childQueue((n) => spawnKillableChild(CHILD, [dir, String(n)], { armed: (out) => /\nack \d+ \d+ \d+\n/.test(out), guardMs: 20_000 }), 2)
      try {
        for (let k = 0; k < KILLS; k++) {
          const child = children.next()
          seed = (seed * 1103515245 + 12345) & 0x7fffffff
          const lines = await child.go(5 + (seed % 80))
          const ready = lines.find((l) => l.startsWith('ready '))!
          expect(Number(ready.split(' ')[1])).toBe(expectedNextSeq)
          const acks = lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' ').slice(1).map(Number))
          const [baseSeq, count, firstOffset] = acks[acks.length - 1]
          const log = UnifiedLog.open(dir, { ...DEFAULT_LOG_CONFIG, flushMessages: 1, segmentBytes: 4096 }, { backend: new FileBackend(), clock: () => 1_700_000_100_000, hadCleanShutdown: false, log: () => {} })
          try {
            const state = log.activeProducers().find((p) => p.producerId === 7)!
            const last = state.batches[state.batches.length - 1]
            // The child may have appended a batch it did not get to acknowledge: at most one after the last ack.
            expect(last.lastSeq).toBeGreaterThanOrEqual(baseSeq + count - 1)
            expect(log.appendAsLeader(idempotentBatch(7, 0, baseSeq, count), 0)).toMatchObject({ firstOffset, lastOffset: firstOffset + count - 1, duplicate: true })
            expect(log.logEndOffset).toBe(last.lastOffset + 1)
            expectedNextSeq = last.lastSeq + 1
          } finally {
            log.close()
          }
        }
      } finally {
        children.stopAll()
      }
      expect(expectedNextSeq).toBeGreaterThan(KILLS)
    },
    120_000
  )
})
