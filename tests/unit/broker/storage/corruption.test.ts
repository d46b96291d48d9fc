/**
 * Corruption test: bytes flipped in the middle of a closed segment, at the tail of the active one,
 * and in an index. The log either recovers (truncating what is corrupt, rebuilding indexes) or
 * refuses with a StorageError naming the file and position; it never returns wrong data.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../src/broker/model/errors'
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../../../src/broker/storage/log-manager'
import type { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { batchSize } from '../../../../src/broker/codec/record-batch'
import type { LogConfig, StorageBackend } from '../../../../src/broker/storage/storage-types'
import { backends } from './backends'
import { crashRecord } from './fixtures/crash-records'
import { config, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: LogManager[] = []
afterEach(() => {
  for (const m of toClose.splice(0)) m.close()
  dirs.cleanup()
})

const CFG: LogConfig = config({ segmentBytes: 6000, indexIntervalBytes: 300, retentionMs: -1 })
const N = 400

/** Writes N records (crashRecord contents) in batches of 1..7, closes cleanly. Returns the log dir. */
function writeLog(backend: StorageBackend): string {
  const logDir = dirs.make()
  const m = LogManager.open(logDir, { backend, clock: () => 0, configFor: () => CFG, log: () => {} })
  const log = m.getOrCreateLog('t', 0, CFG)
  let o = 0
  while (o < N) {
    const n = Math.min(1 + (o % 7), N - o)
    log.appendAsLeader(Array.from({ length: n }, (_, k) => crashRecord(o + k)), 0)
    o += n
  }
  log.updateHighWatermark(N)
  m.close()
  return logDir
}

function segFiles(logDir: string, sfx: string): string[] {
  const d = path.join(logDir, 't-0')
  return fs.readdirSync(d).filter((f) => f.endsWith(sfx)).sort().map((f) => path.join(d, f))
}

/** Batch start positions in a .log file. */
function batchPositions(file: string): number[] {
  const b = fs.readFileSync(file)
  const out: number[] = []
  for (let p = 0; p < b.length; p += batchSize(b, p)) out.push(p)
  return out
}

function flip(file: string, position: number): void {
  const b = fs.readFileSync(file)
  b[position] ^= 0x5a
  fs.writeFileSync(file, b)
}

/**
 * Reads every offset one record at a time: each read returns exactly what was written or throws a
 * StorageError naming a file of the log with a position. Returns the offsets that were refused.
 */
function checkNeverWrong(log: UnifiedLog): number[] {
  const refused: number[] = []
  for (let o = log.logStartOffset; o < log.logEndOffset; o++) {
    let recs
    try {
      recs = log.readRecords(o, { maxRecords: 1 })
    } catch (e) {
      expect(e).toBeInstanceOf(StorageError)
      const se = e as StorageError
      expect(se.file.startsWith(log.dir)).toBe(true)
      expect(se.message).toContain(path.basename(se.file))
      expect(se.message).toMatch(/position \d+/)
      refused.push(o)
      continue
    }
    expect(recs.length).toBe(1)
    const want = crashRecord(o)
    expect(recs[0].offset).toBe(o)
    expect(recs[0].value).toEqual(want.value)
    expect(recs[0].key).toEqual(want.key)
    expect(recs[0].timestamp).toBe(want.timestamp)
  }
  return refused
}

describe.each(backends)('corruption on the $name backend', ({ create }) => {
  function reopen(logDir: string, clean: boolean): UnifiedLog {
    if (!clean) fs.rmSync(path.join(logDir, CLEAN_SHUTDOWN_FILE), { force: true })
    const m = LogManager.open(logDir, { backend: create(), clock: () => 0, configFor: () => CFG, log: () => {} })
    toClose.push(m)
    return m.getLog('t', 0)!
  }

  it('a flipped byte mid-segment: a clean open refuses exactly that batch with the file and position', () => {
    const logDir = writeLog(create())
    const logs = segFiles(logDir, '.log')
    expect(logs.length).toBeGreaterThan(3)
    const target = logs[1]
    const positions = batchPositions(target)
    const mid = positions[Math.floor(positions.length / 2)]
    flip(target, mid + 70) // inside the first record of a middle batch
    const log = reopen(logDir, true)
    expect(log.logEndOffset).toBe(N)
    const refused = checkNeverWrong(log)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.length).toBeLessThanOrEqual(7)
    try {
      log.readRecords(refused[0], {})
      expect.unreachable()
    } catch (e) {
      expect((e as StorageError).file).toBe(target)
      expect((e as StorageError).position).toBe(mid)
      expect((e as StorageError).code).toBe('CORRUPT_MESSAGE')
    }
  })

  it('a flipped byte mid-segment after the recovery point: an unclean open truncates there and serves only what is whole', () => {
    const logDir = writeLog(create())
    const logs = segFiles(logDir, '.log')
    // recovery point 0 in the checkpoints: everything gets re-validated
    for (const f of [path.join(logDir, 'recovery-point-offset-checkpoint')]) fs.writeFileSync(f, '0\n1\nt 0 0\n')
    const positions = batchPositions(logs[2])
    const mid = positions[Math.floor(positions.length / 2)]
    flip(logs[2], mid + 30)
    const log = reopen(logDir, false)
    expect(log.recovery.bytesTruncated).toBeGreaterThan(0)
    expect(log.logEndOffset).toBeLessThan(N)
    expect(log.highWatermark).toBeLessThanOrEqual(log.logEndOffset)
    expect(checkNeverWrong(log)).toEqual([])
    expect(log.appendAsLeader([crashRecord(log.logEndOffset)], 0).firstOffset).toBe(log.logEndOffset - 1)
  })

  it('a corrupt tail of the active segment is truncated at an unclean open; a clean open refuses it when only the body is hit', () => {
    const logDir = writeLog(create())
    const active = segFiles(logDir, '.log').pop()!
    const positions = batchPositions(active)
    const last = positions[positions.length - 1]
    flip(active, fs.statSync(active).size - 3)
    const clean = reopen(logDir, true)
    const refused = checkNeverWrong(clean)
    expect(refused.length).toBeGreaterThan(0)
    expect(Math.min(...refused)).toBeGreaterThan(N - 8)
    toClose.pop()!.close()
    const unclean = reopen(logDir, false)
    expect(unclean.logEndOffset).toBeLessThan(N)
    expect(unclean.logEndOffset).toBeGreaterThan(N - 8)
    expect(unclean.segments().pop()!.sizeBytes).toBe(last)
    expect(checkNeverWrong(unclean)).toEqual([])
  })

  it('a torn batch length at the tail is cut even at a clean open', () => {
    const logDir = writeLog(create())
    const active = segFiles(logDir, '.log').pop()!
    const positions = batchPositions(active)
    const last = positions[positions.length - 1]
    flip(active, last + 9) // batchLength now runs past the end
    const log = reopen(logDir, true)
    expect(log.segments().pop()!.sizeBytes).toBe(last)
    expect(checkNeverWrong(log)).toEqual([])
  })

  it('flipped bytes in an offset index and a time index: lookups verify entries, rebuild, and return the right data', () => {
    const logDir = writeLog(create())
    const idx = segFiles(logDir, '.index')[1]
    const n = fs.statSync(idx).size / 8
    expect(n).toBeGreaterThan(3)
    flip(idx, Math.floor(n / 2) * 8 + 6) // a position in the middle entry
    flip(idx, 1 * 8 + 3) // a relative offset in entry 1
    const tidx = segFiles(logDir, '.timeindex')[1]
    const tn = fs.statSync(tidx).size / 12
    flip(tidx, Math.floor(tn / 2) * 12 + 7) // a timestamp
    const log = reopen(logDir, true)
    expect(checkNeverWrong(log)).toEqual([])
    for (let o = 0; o < N; o += 13) expect(log.offsetForTimestamp(crashRecord(o).timestamp)).toBe(o)
  })
})
