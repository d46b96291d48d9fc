/**
 * Metadata log crash test: a child process persists a deterministic sequence of metadata changes
 * (topics created and deleted, partitions added, configs, leaders, ISRs, brokers stopped and
 * started), one step per persist, with snapshots and segment deletion running all the time, and is
 * SIGKILLed at random moments, 8 times. After each kill the directory must open with a prefix of the
 * changes: exactly the image after some step k, with k at least the last step the child printed
 * (its persist had returned) and at most one more (the one in flight). The next child continues
 * from k on the same directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MetadataLog } from '../../../../src/broker/controller/metadata-log'
import { spawnKillableChild } from '../../support/killable-child'
import { sequenceAt, stepOf } from './fixtures/cluster-images'

const CHILD = path.join(__dirname, 'fixtures', 'metadata-log-crash-child.ts')
const KILLS = 8
/** Small, so snapshots, their pruning and segment deletion happen all the time. */
const SNAPSHOT_INTERVAL = 25
const SEGMENT_BYTES = 2048
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('metadata log crash recovery', () => {
  it(
    'opens with a prefix of the persisted changes, none that returned missing, after 8 SIGKILLs',
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-metadata-crash-'))
      dirs.push(dataDir)
      let seed = 977
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed % n
      }
      const spawn = () => spawnKillableChild(CHILD, [dataDir, String(SNAPSHOT_INTERVAL), String(SEGMENT_BYTES)], { armed: (out) => /\np \d+/.test(`\n${out}`), guardMs: 15_000 })
      let lastPrinted = 0
      let snapshotsSeen = 0
      let logStartMoved = false
      let next = spawn()
      try {
        for (let k = 0; k < KILLS; k++) {
          const lines = await next.go(10 + rand(300))
          next = spawn() // loads while this kill is checked
          for (const l of lines) if (l.startsWith('p ')) lastPrinted = Math.max(lastPrinted, Number(l.slice(2)))
          const opened = MetadataLog.open(dataDir, { snapshotIntervalRecords: SNAPSHOT_INTERVAL, segmentBytes: SEGMENT_BYTES, log: () => {} })
          logStartMoved ||= opened.log.logStartOffset > 0
          opened.log.release() // as the crash left it: unclean
          snapshotsSeen = Math.max(snapshotsSeen, fs.readdirSync(path.join(dataDir, '__cluster_metadata-0')).filter((f) => /^\d{20}-\d{10}\.checkpoint$/.test(f)).length)
          expect(opened.image, `after kill ${k + 1}`).not.toBeNull()
          const step = stepOf(opened.image!)
          expect(step, `after kill ${k + 1}: the last persist that returned was step ${lastPrinted}`).toBeGreaterThanOrEqual(lastPrinted)
          expect(step, `after kill ${k + 1}`).toBeLessThanOrEqual(lastPrinted + 1)
          expect(opened.image, `after kill ${k + 1}, at step ${step}`).toEqual({ ...sequenceAt(step), cleanShutdown: false })
          lastPrinted = step
        }
      } finally {
        next.stop()
      }
      expect(lastPrinted).toBeGreaterThan(KILLS * 10)
      expect(snapshotsSeen).toBeGreaterThan(0)
      expect(logStartMoved).toBe(true)
    },
    120_000
  )
})
