/**
 * Metadata snapshots (KRaft's `<20-digit end offset>-<10-digit epoch>.checkpoint` files in
 * `__cluster_metadata-0/`): the whole metadata image at a log offset, as a file of record batches v2
 * (CRC-32C each) holding a SnapshotHeaderRecord, the image's records (MetadataImage.records) and a
 * SnapshotFooterRecord. The end offset is exclusive: the snapshot holds the effect of every log
 * record below it, so replay continues at that offset.
 *
 * Must stay true: a snapshot file appears complete or not at all (written to `<name>.tmp`, fsynced,
 * renamed, the directory fsynced: Kafka's FileRawSnapshotWriter and Utils.atomicMoveWithFallback), so
 * a crash leaves at most a `.tmp` file (deleted when the log opens). Reading checks every batch's
 * CRC-32C, every record, the header first and the footer last: a damaged or cut snapshot is an error
 * naming the file and the problem, never a partial image.
 */
import fs from 'node:fs'
import path from 'node:path'
import { StorageError } from '../model/errors'
import { RecordBatchBuilder, decodeRecordBatches } from '../codec/record-batch'
import type { RecordInput } from '../storage/storage-types'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataLogRecord, type MetadataRecord } from './metadata-records'

/** Suffix of Kafka's snapshot files (Snapshots.SUFFIX). */
export const SNAPSHOT_SUFFIX = '.checkpoint'
/** Records per batch in a snapshot file. */
const RECORDS_PER_BATCH = 1000

/** A snapshot found in the log directory. */
export interface SnapshotFile {
  /** Offset the snapshot holds the log up to (exclusive). */
  endOffset: number
  epoch: number
  file: string
}

/** `<20-digit end offset>-<10-digit epoch>.checkpoint` (Kafka's Snapshots.filenameFromSnapshotId). */
export function snapshotFileName(endOffset: number, epoch: number): string {
  return `${String(endOffset).padStart(20, '0')}-${String(epoch).padStart(10, '0')}${SNAPSHOT_SUFFIX}`
}

/** The snapshots in `dir`, newest (highest end offset, then epoch) first. A missing directory has none. */
export function listSnapshots(dir: string): SnapshotFile[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new StorageError('KAFKA_STORAGE_ERROR', dir, `cannot list the metadata snapshots: ${(e as Error).message}`)
  }
  const out: SnapshotFile[] = []
  for (const name of names) {
    const m = /^(\d{20})-(\d{10})\.checkpoint$/.exec(name)
    if (m) out.push({ endOffset: Number(m[1]), epoch: Number(m[2]), file: path.join(dir, name) })
  }
  return out.sort((a, b) => b.endOffset - a.endOffset || b.epoch - a.epoch)
}

/** fsync a directory so a rename in it is durable; platforms that cannot open a directory (Windows) skip it. */
export function fsyncDirectory(dir: string): void {
  let fd: number
  try {
    fd = fs.openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fs.fsyncSync(fd)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw e
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Writes the snapshot of `records` (an image's records) at `endOffset` / `epoch` into `dir` durably
 * (see the module header); `lastContainedLogTimestamp` (ms) goes into its header, `now` (ms) is the
 * batches' timestamp. Returns the file written.
 * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written (the temp
 *   file is removed again).
 */
export function writeSnapshot(dir: string, endOffset: number, epoch: number, records: readonly MetadataRecord[], lastContainedLogTimestamp: number, now: number): string {
  const file = path.join(dir, snapshotFileName(endOffset, epoch))
  const tmp = `${file}.tmp`
  const all: MetadataLogRecord[] = [
    { type: 'SnapshotHeaderRecord', version: 0, data: { Version: 0, LastContainedLogTimestamp: lastContainedLogTimestamp } },
    ...records,
    { type: 'SnapshotFooterRecord', version: 0, data: { Version: 0 } }
  ]
  const builder = new RecordBatchBuilder()
  const parts: Buffer[] = []
  for (let i = 0; i < all.length; i += RECORDS_PER_BATCH) {
    const inputs: RecordInput[] = all.slice(i, i + RECORDS_PER_BATCH).map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp: now }))
    parts.push(Buffer.from(builder.encode(i, inputs, epoch)))
  }
  try {
    const fd = fs.openSync(tmp, 'w')
    try {
      fs.writeSync(fd, Buffer.concat(parts))
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
    fsyncDirectory(dir)
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true })
    } catch {
      // the write's own failure is the one reported
    }
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot write the metadata snapshot: ${(e as Error).message}`)
  }
  return file
}

/**
 * Reads the snapshot `file`: its image records (header and footer checked and left out) and the
 * header's LastContainedLogTimestamp (ms).
 * @throws StorageError CORRUPT_MESSAGE naming the file when a batch fails its CRC-32C or does not
 *   decode, a record is not a metadata record, or the header or footer is missing (a cut file);
 *   KAFKA_STORAGE_ERROR when it cannot be read.
 */
export function readSnapshot(file: string): { records: MetadataRecord[]; lastContainedLogTimestamp: number } {
  let buf: Buffer
  try {
    buf = fs.readFileSync(file)
  } catch (e) {
    throw new StorageError('KAFKA_STORAGE_ERROR', file, `cannot read the metadata snapshot: ${(e as Error).message}`)
  }
  const corrupt = (why: string): StorageError => new StorageError('CORRUPT_MESSAGE', file, `metadata snapshot is damaged: ${why}`)
  let all: MetadataLogRecord[]
  try {
    all = decodeRecordBatches(buf).flatMap((b) => b.records.map((r) => decodeMetadataRecord(r)))
  } catch (e) {
    throw corrupt((e as Error).message)
  }
  const header = all[0]
  if (header?.type !== 'SnapshotHeaderRecord') throw corrupt('it does not start with a SnapshotHeaderRecord')
  if (all.length < 2 || all[all.length - 1].type !== 'SnapshotFooterRecord') throw corrupt('it does not end with a SnapshotFooterRecord (the file is cut)')
  const records = all.slice(1, -1)
  const misplaced = records.find((r) => r.type === 'SnapshotHeaderRecord' || r.type === 'SnapshotFooterRecord')
  if (misplaced) throw corrupt(`a ${misplaced.type} inside the snapshot`)
  return { records: records as MetadataRecord[], lastContainedLogTimestamp: header.data.LastContainedLogTimestamp }
}
