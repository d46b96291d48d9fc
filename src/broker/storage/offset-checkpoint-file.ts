/**
 * OffsetCheckpointFile: Kafka's per-log-dir offsets checkpoint (kafka's OffsetCheckpointFile, format
 * version 0): one `topic partition offset` line per log, used for the log dir's
 * `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and `cleaner-offset-checkpoint`.
 *
 * Must stay true: the file is read and written through CheckpointFile (durable writes; a file that
 * does not parse is a StorageError naming the file and the line, never a partial map); offsets are
 * non-negative safe integers.
 */
import { CheckpointFile, parseNonNegativeInteger, type EntryFormat } from './checkpoint-file'

/** One entry: a log's topic, partition and an offset. */
export interface TopicPartitionOffset {
  topic: string
  partition: number
  offset: number
}

/** Kafka's OffsetCheckpointFile.CURRENT_VERSION. */
export const OFFSET_CHECKPOINT_VERSION = 0

const FORMAT: EntryFormat<TopicPartitionOffset> = {
  shape: 'topic partition offset',
  toLine: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  fromLine(line) {
    const parts = line.split(/\s+/)
    if (parts.length !== 3 || parts[0] === '') return null
    const partition = parseNonNegativeInteger(parts[1])
    const offset = parseNonNegativeInteger(parts[2])
    return partition === null || offset === null ? null : { topic: parts[0], partition, offset }
  }
}

/** A log dir's offsets checkpoint file. */
export class OffsetCheckpointFile {
  private readonly checkpoint: CheckpointFile<TopicPartitionOffset>

  /** @param file the checkpoint's path (e.g. `<log dir>/recovery-point-offset-checkpoint`). */
  constructor(readonly file: string) {
    this.checkpoint = new CheckpointFile(file, OFFSET_CHECKPOINT_VERSION, FORMAT)
  }

  /**
   * `<topic>-<partition>` -> offset for every line, or null when the file does not exist.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file and the line when it does not parse or
   *   cannot be read.
   */
  read(): Map<string, number> | null {
    const entries = this.checkpoint.read()
    if (entries === null) return null
    return new Map(entries.map((e) => [`${e.topic}-${e.partition}`, e.offset]))
  }

  /** Writes `entries` durably. @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written. */
  write(entries: readonly TopicPartitionOffset[]): void {
    this.checkpoint.write(entries)
  }
}
