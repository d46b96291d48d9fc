/**
 * LogStateCheckpointFile: each log's own `log-state.checkpoint` (Brokerlab's, not Kafka's: Kafka
 * keeps these offsets in the log dir's checkpoint files and its replication-offset-checkpoint): the
 * high watermark, log start offset and recovery point (offsets) and, when the last cleaning kept a
 * tombstone, when it becomes removable (ms). Written through CheckpointFile, version 1:
 *
 *     1\n3\nhighWatermark 60\nlogStartOffset 0\nrecoveryPoint 60\n
 *
 * Must stay true:
 * - The three offsets are always written; `tombstoneDeadline` only when set. Unknown keys are
 *   ignored when read (a later version may add some); a missing required key, a value that is not a
 *   non-negative integer or a line that is not `key value` makes the file garbage (StorageError
 *   naming the file and the line).
 * - Files written before version 1 (version line `0`, then `key value` lines without a count line)
 *   are still read, so a data directory written by an older Brokerlab opens with its high watermark.
 */
import * as path from 'node:path'
import { StorageError } from '../model/errors'
import { CheckpointFile, parseNonNegativeInteger, readTextOrNull, splitLines, type EntryFormat } from './checkpoint-file'

/** Name of the per-log checkpoint file (high watermark, log start offset, recovery point). */
export const LOG_STATE_CHECKPOINT = 'log-state.checkpoint'
/** The version written; version 0 (no count line) is read too. */
export const LOG_STATE_CHECKPOINT_VERSION = 1

/** What `log-state.checkpoint` holds. */
export interface LogState {
  /** Offset. */
  highWatermark: number
  /** Offset. */
  logStartOffset: number
  /** Offset: everything below it was flushed. */
  recoveryPoint: number
  /** ms since the epoch: when a tombstone kept by the last cleaning becomes removable; absent: none. */
  tombstoneDeadline?: number
}

type Entry = [key: string, value: number]
const KEYS = ['highWatermark', 'logStartOffset', 'recoveryPoint', 'tombstoneDeadline'] as const

const FORMAT: EntryFormat<Entry> = {
  shape: 'key non-negative-integer',
  toLine: ([k, v]) => `${k} ${v}`,
  fromLine(line) {
    const parts = line.split(' ')
    if (parts.length !== 2 || parts[0] === '') return null
    const v = parseNonNegativeInteger(parts[1])
    return v === null ? null : [parts[0], v]
  }
}

/** The `log-state.checkpoint` of one log directory. */
export class LogStateCheckpointFile {
  readonly file: string
  private readonly checkpoint: CheckpointFile<Entry>

  /** @param dir the log's `<topic>-<partition>` directory. */
  constructor(dir: string) {
    this.file = path.join(dir, LOG_STATE_CHECKPOINT)
    this.checkpoint = new CheckpointFile(this.file, LOG_STATE_CHECKPOINT_VERSION, FORMAT)
  }

  /**
   * The state, or null when the file does not exist.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file and the problem (its line where one
   *   is at fault) when it cannot be read or does not parse.
   */
  read(): LogState | null {
    const text = readTextOrNull(this.file)
    if (text === null) return null
    const entries = splitLines(text)[0] === '0' ? this.parseVersion0(text) : this.checkpoint.parse(text)
    const state: Partial<Record<(typeof KEYS)[number], number>> = {}
    for (const [k, v] of entries) if ((KEYS as readonly string[]).includes(k)) state[k as (typeof KEYS)[number]] = v
    if (state.highWatermark === undefined || state.logStartOffset === undefined || state.recoveryPoint === undefined) {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.file, 'checkpoint lacks highWatermark, logStartOffset or recoveryPoint')
    }
    return state as LogState
  }

  /** Writes `state` durably. @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written. */
  write(state: LogState): void {
    const entries: Entry[] = [
      ['highWatermark', state.highWatermark],
      ['logStartOffset', state.logStartOffset],
      ['recoveryPoint', state.recoveryPoint]
    ]
    if (state.tombstoneDeadline !== undefined) entries.push(['tombstoneDeadline', state.tombstoneDeadline])
    this.checkpoint.write(entries)
  }

  /** Version 0: `0`, then `key value` lines (no count line); the known keys must hold non-negative integers. */
  private parseVersion0(text: string): Entry[] {
    const lines = splitLines(text)
    const out: Entry[] = []
    for (let i = 1; i < lines.length; i++) {
      const [k, v] = lines[i].split(' ')
      if (!(KEYS as readonly string[]).includes(k)) continue
      const n = parseNonNegativeInteger(v)
      if (n === null) {
        throw new StorageError('KAFKA_STORAGE_ERROR', this.file, `bad line ${i + 1} ${JSON.stringify(lines[i].slice(0, 80))}: ${k} must be a non-negative integer`)
      }
      out.push([k, n])
    }
    return out
  }
}
