/**
 * Garbage checkpoint files never stop a log or a log directory from opening (issue 7, point 7):
 * each is logged naming the file and the problem, then treated as absent, recovering from offset 0
 * where the checkpoint's offsets mattered.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import {
  CLEAN_SHUTDOWN_FILE,
  CLEANER_OFFSET_CHECKPOINT,
  LOG_START_OFFSET_CHECKPOINT,
  LogManager,
  RECOVERY_POINT_CHECKPOINT
} from '../../../../src/broker/storage/log-manager'
import { LOG_STATE_CHECKPOINT } from '../../../../src/broker/storage/log-state-checkpoint-file'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import type { LogConfig, StorageBackend } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: { close(): void }[] = []
afterEach(() => {
  for (const c of toClose.splice(0)) c.close()
  dirs.cleanup()
})

const GARBAGE = ['not a checkpoint\n', '0\nhighWatermark banana\nlogStartOffset 0\nrecoveryPoint 0\n', '', '\u0000\u0001\u0002\u00ff']
const cfg: LogConfig = config({ segmentBytes: 1000 })

/** A log dir with log `t-0` of 60 records (several segments), high watermark 60, closed cleanly. */
function logDir(backend: StorageBackend): string {
  const dir = dirs.make()
  const mgr = LogManager.open(dir, { backend, clock: () => 0, configFor: () => cfg, log: () => {} })
  const log = mgr.getOrCreateLog('t', 0, cfg)
  for (let i = 0; i < 60; i += 10) log.appendAsLeader(records(10, i), 0)
  log.updateHighWatermark(60)
  mgr.close()
  return dir
}

const values = (log: UnifiedLog): string[] => log.readRecords(0, { maxRecords: 1000 }).map((r) => r.value!.toString())
const expected = Array.from({ length: 60 }, (_, i) => `value-${i}`)

describe.each(backends)('garbage checkpoints on the $name backend', ({ create }) => {
  it.each(GARBAGE.map((g) => [JSON.stringify(g).slice(0, 30), g]))(
    'a log-state.checkpoint that does not parse (%s) is logged and ignored: the log recovers from offset 0, high watermark unknown',
    (_label, garbage) => {
      const dir = logDir(create())
      const file = path.join(dir, 't-0', LOG_STATE_CHECKPOINT)
      fs.writeFileSync(file, garbage)
      const lines: string[] = []
      const log = UnifiedLog.open(path.join(dir, 't-0'), cfg, { backend: create(), clock: () => 0, hadCleanShutdown: true, log: (l) => lines.push(l) })
      toClose.push(log)
      expect(lines.some((l) => l.includes(file) && l.includes('recovering the log from offset 0'))).toBe(true)
      // Every segment re-validated, as after an unclean shutdown.
      expect(log.recovery.segmentsRecovered).toBe(log.numberOfSegments)
      expect(log.numberOfSegments).toBeGreaterThan(1)
      expect(values(log)).toEqual(expected)
      expect(log.highWatermark).toBe(0)
      expect(log.checkpointedHighWatermark).toBeNull()
      expect(log.logStartOffset).toBe(0)
      expect(log.recoveryPoint).toBe(60)
      log.close()
      // The next close wrote a good checkpoint again.
      expect(fs.readFileSync(file, 'utf8')).toBe('1\n3\nhighWatermark 0\nlogStartOffset 0\nrecoveryPoint 60\n')
    }
  )

  it('a garbage recovery-point-offset-checkpoint after an unclean shutdown is logged and every log recovers from offset 0', () => {
    const dir = logDir(create())
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE)) // as after a crash
    const baseline = LogManager.open(dir, { backend: create(), clock: () => 0, configFor: () => cfg, log: () => {} })
    // With a good recovery point only the active segment is re-validated.
    expect(baseline.getLog('t', 0)!.recovery.segmentsRecovered).toBe(1)
    baseline.close()
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE))
    const file = path.join(dir, RECOVERY_POINT_CHECKPOINT)
    fs.writeFileSync(file, '0\n1\nt zero sixty\n')
    const lines: string[] = []
    const mgr = LogManager.open(dir, { backend: create(), clock: () => 0, configFor: () => cfg, log: (l) => lines.push(l) })
    toClose.push(mgr)
    expect(lines.some((l) => l.includes(file) && l.includes('bad line 3') && l.includes('recovers from offset 0'))).toBe(true)
    const log = mgr.getLog('t', 0)!
    expect(log.recovery.segmentsRecovered).toBe(log.numberOfSegments)
    expect(values(log)).toEqual(expected)
    expect(log.highWatermark).toBe(60) // the log's own checkpoint still holds it
  })

  it('a garbage log-start-offset-checkpoint is logged and ignored', () => {
    const dir = logDir(create())
    const file = path.join(dir, LOG_START_OFFSET_CHECKPOINT)
    fs.writeFileSync(file, '0\n7\n')
    const lines: string[] = []
    const mgr = LogManager.open(dir, { backend: create(), clock: () => 0, configFor: () => cfg, log: (l) => lines.push(l) })
    toClose.push(mgr)
    expect(lines.some((l) => l.includes(file) && l.includes('0 entry lines where the count says 7'))).toBe(true)
    expect(values(mgr.getLog('t', 0)!)).toEqual(expected)
    expect(mgr.offlineLogs().size).toBe(0)
  })

  it('a garbage cleaner-offset-checkpoint is logged and ignored: cleaning starts again from the log start', () => {
    const clock = new ManualClock(1_000_000)
    const dir = dirs.make()
    const compact = config({ segmentBytes: 700, cleanupPolicy: 'compact' })
    const m = LogManager.open(dir, { backend: create(), clock: clock.fn, configFor: () => compact, log: () => {} })
    const log = m.getOrCreateLog('c', 0, compact)
    for (let i = 0; i < 60; i++) log.appendAsLeader([{ key: Buffer.from(`k${i % 5}`), value: Buffer.from(`v${i}`), timestamp: 1_000_000 + i }], 0)
    log.updateHighWatermark(log.logEndOffset)
    while (m.tick().cleaning) {
      /* clean */
    }
    expect(log.firstDirtyOffset).toBeGreaterThan(0)
    m.close()
    const file = path.join(dir, CLEANER_OFFSET_CHECKPOINT)
    fs.writeFileSync(file, '1\n1\nc 0 5\n')
    const lines: string[] = []
    const again = LogManager.open(dir, { backend: create(), clock: clock.fn, configFor: () => compact, log: (l) => lines.push(l) })
    toClose.push(again)
    expect(lines.some((l) => l.includes(file) && l.includes('unknown checkpoint version "1"'))).toBe(true)
    expect(again.getLog('c', 0)!.firstDirtyOffset).toBe(0)
  })
})

describe.each(backends.map((b) => b.name as 'file' | 'mmap'))('a cluster with a garbage checkpoint on the %s backend', (storage) => {
  it('opens, with every acknowledged record of the partition readable', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-garbage-'))
    const now = 1_700_000_000_000
    const open = (): Cluster => new Cluster({ dataDir, brokers: 3, clock: () => now, autoReplicate: false, storage, log: () => {} })
    try {
      const c = open()
      c.createTopic('orders', { partitions: 2, replicationFactor: 3 })
      await c.produce('orders', Array.from({ length: 20 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), partition: 0 })), { acks: 1 })
      c.replicateNow()
      const leader = c.describeTopic('orders').partitions[0].leader
      await c.close()
      fs.writeFileSync(path.join(dataDir, `broker-${leader}`, 'orders-0', LOG_STATE_CHECKPOINT), 'garbage')
      fs.writeFileSync(path.join(dataDir, `broker-${leader}`, RECOVERY_POINT_CHECKPOINT), 'garbage')
      const again = open()
      try {
        again.replicateNow()
        const p0 = again.describeTopic('orders').partitions[0]
        expect(p0.logEndOffset).toBe(20)
        expect(again.fetch('orders', 0, 0, { maxRecords: 100 }).records.map((r) => r.value?.toString())).toEqual(
          Array.from({ length: 20 }, (_, i) => `v${i}`)
        )
      } finally {
        await again.close()
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
