/**
 * LeaderEpochCheckpointFile: Kafka's `leader-epoch-checkpoint` in each partition directory
 * (org.apache.kafka.storage.internals.checkpoint.LeaderEpochCheckpointFile, KIP-101): version 0, the
 * entry count, then one `epoch startOffset` line per leader epoch, oldest first:
 *
 *     0\n2\n0 0\n3 120\n
 *
 * Must stay true: written and read through CheckpointFile (durable writes; a file that does not
 * parse is a StorageError naming the file and the line); epochs are int32 >= 0 and start offsets
 * non-negative safe integers.
 */
import * as path from 'node:path'
import { CheckpointFile, parseNonNegativeInteger, type EntryFormat } from './checkpoint-file'

/** Kafka's file name (LeaderEpochCheckpointFile.LEADER_EPOCH_CHECKPOINT_FILENAME). */
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint'
/** Kafka's LeaderEpochCheckpointFile.CURRENT_VERSION. */
export const LEADER_EPOCH_CHECKPOINT_VERSION = 0

/** A leader epoch and the first offset written in it (Kafka's EpochEntry). */
export interface EpochEntry {
  /** The leader epoch, int32 >= 0. */
  epoch: number
  /** The offset of the first record written in that epoch. */
  startOffset: number
}

const FORMAT: EntryFormat<EpochEntry> = {
  shape: 'epoch startOffset',
  toLine: (e) => `${e.epoch} ${e.startOffset}`,
  fromLine(line) {
    // Kafka's Formatter splits on any whitespace.
    const parts = line.trim().split(/\s+/)
    if (parts.length !== 2) return null
    const epoch = parseNonNegativeInteger(parts[0])
    const startOffset = parseNonNegativeInteger(parts[1])
    if (epoch === null || epoch > 0x7fffffff || startOffset === null) return null
    return { epoch, startOffset }
  }
}

/** The `leader-epoch-checkpoint` of one log directory. */
export class LeaderEpochCheckpointFile {
  readonly file: string
  private readonly checkpoint: CheckpointFile<EpochEntry>

  /** @param dir the log's `<topic>-<partition>` directory. */
  constructor(dir: string) {
    this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT)
    this.checkpoint = new CheckpointFile(this.file, LEADER_EPOCH_CHECKPOINT_VERSION, FORMAT)
  }

  /**
   * The entries in file order, or null when the file does not exist.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file and the line when it does not parse.
   */
  read(): EpochEntry[] | null {
    return this.checkpoint.read()
  }

  /** Writes `entries` durably. @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written. */
  write(entries: readonly EpochEntry[]): void {
    this.checkpoint.write(entries)
  }
}
