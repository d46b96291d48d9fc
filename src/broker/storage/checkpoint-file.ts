/**
 * CheckpointFile: Kafka's checkpoint file format (org.apache.kafka.server.common.CheckpointFile),
 * the one helper behind every checkpoint the storage layer keeps: the log dir's
 * `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and `cleaner-offset-checkpoint`
 * (OffsetCheckpointFile), each log's `leader-epoch-checkpoint` (LeaderEpochCheckpointFile) and its
 * `log-state.checkpoint` (LogStateCheckpointFile). The text is
 *
 *     <version>\n<entry count>\n<entry line>\n...
 *
 * with one entry per line, as an EntryFormat renders it.
 *
 * Must stay true:
 * - A write is durable and atomic: the text goes to `<file>.tmp`, is fsynced, then renamed over the
 *   file (and the directory is fsynced where the platform allows), so a crash leaves the old file or
 *   the new one, never a mix. LogLoader deletes a leftover `.tmp`.
 * - A CheckpointFile skips a write whose text is the text it last wrote durably itself: the file
 *   holds exactly that already (a log's checkpoints are written only by the log's own objects while
 *   it is open; a clean shutdown wrote each log's state checkpoint three times and its
 *   leader-epoch checkpoint once per flush, each time with an fsync of the file and of its directory).
 *   A new object (every open) writes at its first write whatever the file holds.
 * - read() never returns part of a file: a file that does not parse (wrong version, bad count, a bad
 *   entry line, fewer or more lines than the count) throws StorageError KAFKA_STORAGE_ERROR naming the
 *   file and the line; a missing file reads as null, which callers tell apart from an empty checkpoint.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { StorageError } from '../model/errors'

/** How one entry of a checkpoint is written as a line and read back (Kafka's EntryFormatter). */
export interface EntryFormat<T> {
  /** The shape of a line, for error messages, e.g. `topic partition offset`. */
  readonly shape: string
  /** The entry as one line (no newline; it must not contain one). */
  toLine(entry: T): string
  /** The entry a line holds, or null when the line is not one. */
  fromLine(line: string): T | null
}

/**
 * Writes `text` (a string as UTF-8, or bytes) to `file` durably: `<file>.tmp`, fsync, rename over `file`, then fsync of the
 * directory (skipped where the platform cannot fsync a directory). Kafka's CheckpointFile.write with
 * Utils.atomicMoveWithFallback.
 * @throws StorageError KAFKA_STORAGE_ERROR naming `file` and the errno text when any step fails (the
 *   old file, if any, is then left as it was).
 */
export function writeFileDurably(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp`
  try {
    const fd = fs.openSync(tmp, 'w')
    try {
      if (typeof text === 'string') fs.writeSync(fd, text)
      else fs.writeSync(fd, text)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
  } catch (e) {
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot write: ${(e as Error).message}`)
  }
  try {
    const dirFd = fs.openSync(path.dirname(file), 'r')
    try {
      fs.fsyncSync(dirFd)
    } finally {
      fs.closeSync(dirFd)
    }
  } catch {
    // Not every platform can fsync a directory (Windows); the rename itself has happened.
  }
}

/** A checkpoint file of entries of type T in Kafka's format (see the module header). */
export class CheckpointFile<T> {
  /**
   * @param file the checkpoint's path.
   * @param version the version this checkpoint writes and accepts (Kafka's are all 0).
   * @param format how an entry is a line.
   */
  constructor(
    readonly file: string,
    readonly version: number,
    private readonly format: EntryFormat<T>
  ) {}

  /** The file's text for `entries`: version line, count line, one line per entry. */
  render(entries: readonly T[]): string {
    let text = `${this.version}\n${entries.length}\n`
    for (const e of entries) text += `${this.format.toLine(e)}\n`
    return text
  }

  /** The text this object last wrote durably; null before its first write and after a failed one. */
  private lastWritten: string | null = null

  /**
   * Writes `entries` durably (see writeFileDurably), unless their text is what this object last
   * wrote (see the module header).
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written.
   */
  write(entries: readonly T[]): void {
    const text = this.render(entries)
    if (text === this.lastWritten) return
    this.lastWritten = null
    writeFileDurably(this.file, text)
    this.lastWritten = text
  }

  /**
   * The entries of the file, in file order, or null when the file does not exist.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be read (the errno text)
   *   or does not parse (see parse).
   */
  read(): T[] | null {
    const text = readTextOrNull(this.file)
    return text === null ? null : this.parse(text)
  }

  /**
   * The entries of a checkpoint's `text`. Lines end with `\n` (a `\r` before it is dropped).
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file and what is wrong: `unknown checkpoint
   *   version "X"`, `bad entry count "X"`, `bad line N "text" (want "<shape>")` (N counted from 1,
   *   the version being line 1), `N entry lines where the count says M`.
   */
  parse(text: string): T[] {
    const lines = splitLines(text)
    const fail = (problem: string): never => {
      throw new StorageError('KAFKA_STORAGE_ERROR', this.file, problem)
    }
    if (lines[0] !== String(this.version)) fail(`unknown checkpoint version ${quote(lines[0] ?? '', 40)}`)
    const n = /^\d+$/.test(lines[1] ?? '') ? Number(lines[1]) : NaN
    if (!Number.isSafeInteger(n)) fail(`bad entry count ${quote(lines[1] ?? '', 40)}`)
    const out: T[] = []
    for (let i = 2; i < lines.length; i++) {
      const entry = this.format.fromLine(lines[i])
      if (entry === null) fail(`bad line ${i + 1} ${quote(lines[i], 80)} (want "${this.format.shape}")`)
      out.push(entry as T)
    }
    if (out.length !== n) fail(`${out.length} entry lines where the count says ${n}`)
    return out
  }
}

/** The file's text, or null when it does not exist. @throws StorageError KAFKA_STORAGE_ERROR when it cannot be read. */
export function readTextOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return null
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot be read: ${(e as Error).message}`)
  }
}

/** The lines of `text` without their `\n` (or `\r\n`); a final newline ends the last line, it does not start an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

function quote(s: string, max: number): string {
  return JSON.stringify(s.slice(0, max))
}

/** A non-negative safe integer written in decimal digits, or null. */
export function parseNonNegativeInteger(s: string | undefined): number | null {
  if (s === undefined || !/^\d+$/.test(s)) return null
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : null
}
