/**
 * The one checkpoint-file helper (Kafka's CheckpointFile) and the four checkpoint formats on it:
 * the exact bytes written, durable replacement, and garbage refused with a StorageError naming the
 * file and the line.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../src/broker/model/errors'
import { CheckpointFile, type EntryFormat } from '../../../../src/broker/storage/checkpoint-file'
import { LEADER_EPOCH_CHECKPOINT, LeaderEpochCheckpointFile } from '../../../../src/broker/storage/leader-epoch-checkpoint-file'
import { LOG_STATE_CHECKPOINT, LogStateCheckpointFile } from '../../../../src/broker/storage/log-state-checkpoint-file'
import { OffsetCheckpointFile } from '../../../../src/broker/storage/offset-checkpoint-file'
import { tempDirs } from './helpers'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const PAIRS: EntryFormat<[string, number]> = {
  shape: 'name number',
  toLine: ([k, v]) => `${k} ${v}`,
  fromLine(line) {
    const m = /^(\w+) (\d+)$/.exec(line)
    return m ? [m[1], Number(m[2])] : null
  }
}

/** The StorageError `f` throws (failing the test when it throws nothing or something else). */
function storageErrorOf(f: () => unknown): StorageError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError)
    return e as StorageError
  }
  throw new Error('expected a StorageError')
}

describe('CheckpointFile', () => {
  it("writes Kafka's format byte for byte: version line, entry count line, one line per entry", () => {
    const file = path.join(dirs.make(), 'cp')
    const cp = new CheckpointFile(file, 0, PAIRS)
    cp.write([
      ['a', 1],
      ['b', 22]
    ])
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\na 1\nb 22\n')
    cp.write([])
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n0\n')
    expect(cp.read()).toEqual([])
  })

  it('reads back what it wrote, in order; a missing file reads as null, not as empty', () => {
    const file = path.join(dirs.make(), 'cp')
    const cp = new CheckpointFile(file, 3, PAIRS)
    expect(cp.read()).toBeNull()
    const entries: [string, number][] = [
      ['z', 0],
      ['y', 9007199254740991]
    ]
    cp.write(entries)
    expect(cp.read()).toEqual(entries)
  })

  it('replaces the file through a temp file: nothing is left beside it, and a failed write leaves the old file whole', () => {
    const dir = dirs.make()
    const file = path.join(dir, 'cp')
    const cp = new CheckpointFile(file, 0, PAIRS)
    cp.write([['a', 1]])
    expect(fs.readdirSync(dir)).toEqual(['cp'])
    // The temp file cannot be created (its name is taken by a directory): the write fails before the rename.
    fs.mkdirSync(`${file}.tmp`)
    const err = storageErrorOf(() => cp.write([['b', 2]]))
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.file).toBe(file)
    expect(err.message).toContain('cannot write')
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\na 1\n')
  })

  it.each([
    ['an empty file', '', 'unknown checkpoint version ""'],
    ['another version', '1\n0\n', 'unknown checkpoint version "1"'],
    ['a count that is not a number', '0\nseven\n', 'bad entry count "seven"'],
    ['no count line', '0\n', 'bad entry count ""'],
    ['a bad entry line', '0\n2\na 1\nb -2\n', 'bad line 4 "b -2" (want "name number")'],
    ['fewer lines than the count', '0\n3\na 1\n', '1 entry lines where the count says 3'],
    ['more lines than the count', '0\n1\na 1\nb 2\n', '2 entry lines where the count says 1'],
    ['binary junk', '\u0000\u0001\u00ff', 'unknown checkpoint version']
  ])('refuses %s with a StorageError naming the file and what is wrong', (_what, text, problem) => {
    const file = path.join(dirs.make(), 'cp')
    fs.writeFileSync(file, text)
    const err = storageErrorOf(() => new CheckpointFile(file, 0, PAIRS).read())
    expect(err.code).toBe('KAFKA_STORAGE_ERROR')
    expect(err.file).toBe(file)
    expect(err.message).toContain(problem)
    expect(err.message).toContain(file)
  })

  it('skips a write of the text it last wrote itself (the file is not replaced), writes a different one, and writes again after a failed write', () => {
    const dir = dirs.make()
    const file = path.join(dir, 'cp')
    const cp = new CheckpointFile(file, 0, PAIRS)
    cp.write([['a', 1]])
    const first = fs.statSync(file).ino
    cp.write([['a', 1]])
    expect(fs.statSync(file).ino).toBe(first) // not replaced: a replacing write renames a new file over it
    cp.write([['a', 2]])
    const second = fs.statSync(file).ino
    expect(second).not.toBe(first)
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\na 2\n')
    // A new object (a reopened log) writes at its first write whatever the file holds.
    fs.writeFileSync(file, 'garbage')
    new CheckpointFile(file, 0, PAIRS).write([['a', 2]])
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\na 2\n')
    // A failed write forgets what was written: the same text is written again once it can be.
    fs.mkdirSync(`${file}.tmp`)
    storageErrorOf(() => cp.write([['a', 3]]))
    fs.rmdirSync(`${file}.tmp`)
    fs.writeFileSync(file, 'damaged while the write failed')
    cp.write([['a', 3]])
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\na 3\n')
  })

  it('reads a file whose lines end with CRLF', () => {
    const file = path.join(dirs.make(), 'cp')
    fs.writeFileSync(file, '0\r\n1\r\na 1\r\n')
    expect(new CheckpointFile(file, 0, PAIRS).read()).toEqual([['a', 1]])
  })
})

describe('the checkpoint formats', () => {
  it('OffsetCheckpointFile writes `topic partition offset` lines and reads files as Kafka writes them', () => {
    const file = path.join(dirs.make(), 'recovery-point-offset-checkpoint')
    const cp = new OffsetCheckpointFile(file)
    cp.write([
      { topic: 'orders', partition: 0, offset: 42 },
      { topic: 'orders-eu', partition: 11, offset: 0 }
    ])
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n2\norders 0 42\norders-eu 11 0\n')
    expect([...cp.read()!]).toEqual([
      ['orders-0', 42],
      ['orders-eu-11', 0]
    ])
    fs.writeFileSync(file, '0\n1\nt zero sixty\n')
    expect(storageErrorOf(() => cp.read()).message).toContain('bad line 3 "t zero sixty" (want "topic partition offset")')
  })

  it('LeaderEpochCheckpointFile writes `epoch startOffset` lines under version 0, as Kafka does', () => {
    const dir = dirs.make()
    const cp = new LeaderEpochCheckpointFile(dir)
    expect(cp.file).toBe(path.join(dir, LEADER_EPOCH_CHECKPOINT))
    expect(LEADER_EPOCH_CHECKPOINT).toBe('leader-epoch-checkpoint')
    cp.write([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 120 }
    ])
    expect(fs.readFileSync(cp.file, 'utf8')).toBe('0\n2\n0 0\n3 120\n')
    // Kafka's formatter splits on any whitespace.
    fs.writeFileSync(cp.file, '0\n2\n0  0\n3\t120\n')
    expect(cp.read()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 120 }
    ])
    fs.writeFileSync(cp.file, '0\n1\n-1 5\n')
    expect(storageErrorOf(() => cp.read()).message).toContain('bad line 3 "-1 5" (want "epoch startOffset")')
  })

  it('LogStateCheckpointFile writes version 1 with a count line and still reads the version 0 files older Brokerlabs wrote', () => {
    const dir = dirs.make()
    const cp = new LogStateCheckpointFile(dir)
    expect(cp.file).toBe(path.join(dir, LOG_STATE_CHECKPOINT))
    cp.write({ highWatermark: 60, logStartOffset: 5, recoveryPoint: 61 })
    expect(fs.readFileSync(cp.file, 'utf8')).toBe('1\n3\nhighWatermark 60\nlogStartOffset 5\nrecoveryPoint 61\n')
    cp.write({ highWatermark: 60, logStartOffset: 5, recoveryPoint: 61, tombstoneDeadline: 1_700_000_000_000 })
    expect(fs.readFileSync(cp.file, 'utf8')).toBe('1\n4\nhighWatermark 60\nlogStartOffset 5\nrecoveryPoint 61\ntombstoneDeadline 1700000000000\n')
    expect(cp.read()).toEqual({ highWatermark: 60, logStartOffset: 5, recoveryPoint: 61, tombstoneDeadline: 1_700_000_000_000 })
    fs.writeFileSync(cp.file, '0\nhighWatermark 7\nlogStartOffset 0\nrecoveryPoint 9\n')
    expect(cp.read()).toEqual({ highWatermark: 7, logStartOffset: 0, recoveryPoint: 9 })
    fs.writeFileSync(cp.file, '0\nhighWatermark banana\nlogStartOffset 0\nrecoveryPoint 0\n')
    expect(storageErrorOf(() => cp.read()).message).toContain('bad line 2 "highWatermark banana"')
    fs.writeFileSync(cp.file, '1\n1\nhighWatermark 7\n')
    expect(storageErrorOf(() => cp.read()).message).toContain('checkpoint lacks highWatermark, logStartOffset or recoveryPoint')
  })
})
