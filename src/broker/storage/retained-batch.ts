/**
 * What the log cleaner writes for one batch it recopies (Kafka's MemoryRecords.filterTo with the
 * cleaner's RecordFilter): the batch keeps its identity whatever records it loses.
 * - Every record retained: the original bytes, as stored (codec, CRC and all).
 * - Some records retained: a batch rebuilt with the original's header (Kafka's
 *   buildRetainedRecordsInto): base offset and last offset (so its last sequence stays, and the
 *   offsets of the retained records), partitionLeaderEpoch, timestamp type (a LogAppendTime batch
 *   keeps its append time), producer id, producer epoch, base sequence, transactional and control
 *   flags, and the same compression codec (the records are recompressed with it). The leader epoch
 *   kept means the leader-epoch cache rebuilt from the batches after a cleaning is the same.
 * - No record retained (also a batch emptied by an earlier cleaning): dropped
 *   (BatchRetention.DELETE_EMPTY), except the last batch of a producer
 *   the partition still tracks (BatchRetention.RETAIN_EMPTY): its header is kept with no records
 *   (Kafka's DefaultRecordBatch.writeEmptyHeader: records count 0, uncompressed, same offsets,
 *   producer fields and flags, baseTimestamp = maxTimestamp = the original maxTimestamp), so the
 *   producer's state (last sequence, epoch) is rebuilt from the log after a restart and its next
 *   batch is still in sequence.
 *
 * Must stay true: every batch written here has a valid CRC-32C and the original's base offset,
 * last offset and producer fields; retained records keep their offsets and bytes.
 */
import {
  ATTRIBUTES_POS,
  BASE_SEQUENCE_POS,
  BASE_TIMESTAMP_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  COMPRESSION_MASK,
  CONTROL_MASK,
  CRC_POS,
  LOG_OVERHEAD,
  PRODUCER_ID_POS,
  RECORDS_COUNT_POS,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  RecordBatchBuilder,
  batchAttributes,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchRecordCount,
  batchSize,
  batchTimestampType,
  compressBatch
} from '../codec/record-batch'
import { crc32c } from '../codec/crc32c'
import type { StoredRecord } from './storage-types'

/** Kafka's RecordFilter.BatchRetention for a batch whose records may all be removed. */
export type BatchRetention = 'DELETE_EMPTY' | 'RETAIN_EMPTY'

/** A batch to write into the cleaned segment, with what the segment index needs. */
export interface RetainedBatch {
  bytes: Buffer
  lastOffset: number
  /** Largest timestamp of the written batch (ms). */
  maxTimestamp: number
  /** Records in it (0 for a retained empty batch). */
  count: number
}

/**
 * The batch to write for the complete batch at `pos` in `buf` of which `kept` (in offset order,
 * decoded from it) are retained, or null when nothing is written (see the module header).
 * @param retention RETAIN_EMPTY keeps an empty header when `kept` is empty.
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE when the batch's codec cannot be written now
 *   (zstd before its compressor has loaded); INVALID_RECORD for records outside the batch's range.
 */
export function retainedBatch(buf: Buffer, pos: number, kept: readonly StoredRecord[], retention: BatchRetention, builder: RecordBatchBuilder): RetainedBatch | null {
  const size = batchSize(buf, pos)
  const lastOffsetDelta = batchLastOffsetDelta(buf, pos)
  const baseOffset = batchBaseOffset(buf, pos)
  const lastOffset = baseOffset + lastOffsetDelta
  const count = batchRecordCount(buf, pos)
  if (kept.length > 0 && kept.length === count) return { bytes: Buffer.from(buf.subarray(pos, pos + size)), lastOffset, maxTimestamp: batchMaxTimestamp(buf, pos), count }
  if (kept.length === 0) return retention === 'RETAIN_EMPTY' ? { bytes: emptyHeader(buf, pos), lastOffset, maxTimestamp: batchMaxTimestamp(buf, pos), count: 0 } : null
  const appendTime = batchTimestampType(buf, pos) === 'LogAppendTime' ? batchMaxTimestamp(buf, pos) : null
  const plain = builder.encodeWithOffsets(baseOffset, lastOffsetDelta, kept, batchPartitionLeaderEpoch(buf, pos), appendTime)
  const maxTimestamp = builder.maxTimestamp
  copyIdentity(buf, pos, plain)
  const codec = batchAttributes(buf, pos) & COMPRESSION_MASK
  const bytes = codec === 0 ? Buffer.from(plain) : compressBatch(plain, 0, codec)
  bytes.writeUInt32BE(crc32c(bytes, ATTRIBUTES_POS, bytes.length), CRC_POS)
  return { bytes, lastOffset, maxTimestamp, count: kept.length }
}

/** Copies producer id, epoch, base sequence and the transactional / control bits of the batch at `pos` into `to` (CRC not updated). */
function copyIdentity(from: Buffer, pos: number, to: Buffer): void {
  from.copy(to, PRODUCER_ID_POS, pos + PRODUCER_ID_POS, pos + BASE_SEQUENCE_POS + 4)
  const flags = batchAttributes(from, pos) & (TRANSACTIONAL_MASK | CONTROL_MASK)
  to.writeInt16BE(batchAttributes(to, 0) | flags, ATTRIBUTES_POS)
}

/** The 61-byte header of the batch at `pos` with no records (Kafka's writeEmptyHeader). */
function emptyHeader(buf: Buffer, pos: number): Buffer {
  const out = Buffer.from(buf.subarray(pos, pos + BATCH_HEADER_SIZE))
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH_POS)
  const attributes = batchAttributes(buf, pos) & (TIMESTAMP_TYPE_MASK | TRANSACTIONAL_MASK | CONTROL_MASK)
  out.writeInt16BE(attributes, ATTRIBUTES_POS)
  buf.copy(out, BASE_TIMESTAMP_POS, pos + BASE_TIMESTAMP_POS + 8, pos + BASE_TIMESTAMP_POS + 16) // baseTimestamp = maxTimestamp
  out.writeInt32BE(0, RECORDS_COUNT_POS)
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_POS, out.length), CRC_POS)
  return out
}
