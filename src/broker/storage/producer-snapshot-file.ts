/**
 * Producer state snapshot files: `<20-digit offset>.snapshot` in a partition's directory, Kafka's
 * ProducerSnapshot format version 1 (org.apache.kafka.storage.internals.log.ProducerStateManager
 * readSnapshot / writeSnapshot), byte for byte, big-endian:
 *
 *     version int16 (1) | crc uint32 (CRC-32C of every byte after it) | entries count int32 |
 *     per entry (46 bytes): producer_id int64 | epoch int16 | last_sequence int32 |
 *       last_offset int64 | offset_delta int32 (last_sequence - first sequence of the last batch) |
 *       timestamp int64 (max timestamp of the last batch, ms) | coordinator_epoch int32 |
 *       current_txn_first_offset int64 (-1: no transaction)
 *
 * The file's offset is the log end offset the state covers: replaying the log from that offset on
 * rebuilds the state after it.
 *
 * Must stay true: a write is durable and atomic (`.tmp`, fsync, rename: LogLoader deletes a
 * leftover `.tmp`); a read returns every entry or throws StorageError CORRUPT_MESSAGE naming the
 * file (wrong version, CRC mismatch, a count that disagrees with the size).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { StorageError } from '../model/errors'
import { readInt64BE, writeInt64BE } from '../codec/byte-writer'
import { crc32c } from '../codec/crc32c'
import { writeFileDurably } from './checkpoint-file'

/** Kafka's PRODUCER_SNAPSHOT_VERSION. */
export const PRODUCER_SNAPSHOT_VERSION = 1
/** Kafka's LogFileUtils.PRODUCER_SNAPSHOT_FILE_SUFFIX. */
export const PRODUCER_SNAPSHOT_SUFFIX = '.snapshot'
const ENTRIES_OFFSET = 6
const ENTRY_SIZE = 46

/** One producer's entry in a snapshot (Kafka's ProducerStateEntry as the snapshot keeps it). */
export interface ProducerSnapshotEntry {
  producerId: number
  producerEpoch: number
  /** Last sequence of the last batch (-1: none). */
  lastSequence: number
  /** Last offset of the last batch (-1: none). */
  lastOffset: number
  /** lastSequence - first sequence of the last batch. */
  offsetDelta: number
  /** Max timestamp (ms) of the last batch. */
  timestamp: number
  /** -1: no transaction coordinator seen (idempotent producers). */
  coordinatorEpoch: number
  /** -1: no ongoing transaction. */
  currentTxnFirstOffset: number
}

/** `<dir>/<20-digit offset>.snapshot` (Kafka's LogFileUtils.producerSnapshotFile). */
export function producerSnapshotPath(dir: string, offset: number): string {
  return path.join(dir, `${String(offset).padStart(20, '0')}${PRODUCER_SNAPSHOT_SUFFIX}`)
}

/** Offsets of the snapshot files in `dir`, ascending (none when the directory is missing). */
export function listProducerSnapshots(dir: string): number[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const out: number[] = []
  for (const n of names) {
    const m = /^(\d{20})\.snapshot$/.exec(n)
    if (m) out.push(Number(m[1]))
  }
  return out.sort((a, b) => a - b)
}

/** The bytes of a snapshot of `entries` (format in the module header). */
export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE)
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0)
  buf.writeInt32BE(entries.length, ENTRIES_OFFSET)
  let p = ENTRIES_OFFSET + 4
  for (const e of entries) {
    writeInt64BE(buf, e.producerId, p)
    buf.writeInt16BE(e.producerEpoch, p + 8)
    buf.writeInt32BE(e.lastSequence, p + 10)
    writeInt64BE(buf, e.lastOffset, p + 14)
    buf.writeInt32BE(e.offsetDelta, p + 22)
    writeInt64BE(buf, e.timestamp, p + 26)
    buf.writeInt32BE(e.coordinatorEpoch, p + 34)
    writeInt64BE(buf, e.currentTxnFirstOffset, p + 38)
    p += ENTRY_SIZE
  }
  buf.writeUInt32BE(crc32c(buf, ENTRIES_OFFSET, buf.length), 2)
  return buf
}

/**
 * The entries of snapshot bytes `buf` read from `file` (named in errors).
 * @throws StorageError CORRUPT_MESSAGE for a version other than 1, a CRC-32C mismatch, or a size
 *   that disagrees with the entry count.
 */
export function decodeProducerSnapshot(buf: Buffer, file: string): ProducerSnapshotEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new StorageError('CORRUPT_MESSAGE', file, `producer snapshot of ${buf.length} bytes is shorter than its 10-byte header`)
  const version = buf.readInt16BE(0)
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new StorageError('CORRUPT_MESSAGE', file, `Snapshot contained an unknown file version ${version}`)
  const stored = buf.readUInt32BE(2)
  const computed = crc32c(buf, ENTRIES_OFFSET, buf.length)
  if (stored !== computed) throw new StorageError('CORRUPT_MESSAGE', file, `Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${computed}`)
  const count = buf.readInt32BE(ENTRIES_OFFSET)
  if (count < 0 || buf.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) {
    throw new StorageError('CORRUPT_MESSAGE', file, `Snapshot failed schema validation: ${count} entries do not fill ${buf.length} bytes`)
  }
  const out: ProducerSnapshotEntry[] = []
  for (let i = 0, p = ENTRIES_OFFSET + 4; i < count; i++, p += ENTRY_SIZE) {
    out.push({
      producerId: readInt64BE(buf, p),
      producerEpoch: buf.readInt16BE(p + 8),
      lastSequence: buf.readInt32BE(p + 10),
      lastOffset: readInt64BE(buf, p + 14),
      offsetDelta: buf.readInt32BE(p + 22),
      timestamp: readInt64BE(buf, p + 26),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: readInt64BE(buf, p + 38)
    })
  }
  return out
}

/**
 * Writes the snapshot of `entries` at `offset` in `dir` durably (`.tmp`, fsync, rename).
 * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written.
 */
export function writeProducerSnapshot(dir: string, offset: number, entries: readonly ProducerSnapshotEntry[]): void {
  writeFileDurably(producerSnapshotPath(dir, offset), encodeProducerSnapshot(entries))
}

/**
 * The entries of the snapshot at `offset` in `dir`.
 * @throws StorageError CORRUPT_MESSAGE (see decodeProducerSnapshot) or KAFKA_STORAGE_ERROR when unreadable.
 */
export function readProducerSnapshot(dir: string, offset: number): ProducerSnapshotEntry[] {
  const file = producerSnapshotPath(dir, offset)
  let buf: Buffer
  try {
    buf = fs.readFileSync(file)
  } catch (e) {
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot read: ${(e as Error).message}`)
  }
  return decodeProducerSnapshot(buf, file)
}

/** Deletes the snapshot at `offset` in `dir` (no error when already gone). */
export function deleteProducerSnapshot(dir: string, offset: number): void {
  fs.rmSync(producerSnapshotPath(dir, offset), { force: true })
}
