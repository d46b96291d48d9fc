/**
 * The header facts of a record batch v2 that tell where its records came from (Kafka's
 * RecordBatch interface: baseOffset, partitionLeaderEpoch, compressionType, producerId,
 * producerEpoch, baseSequence, isTransactional, isControlBatch), read from the 61-byte header
 * without decoding the records, and the sequence number of one record of the batch (Kafka's
 * DefaultRecord: baseSequence + offsetDelta, wrapping past Integer.MAX_VALUE as
 * DefaultRecordBatch.incrementSequence does).
 *
 * Must stay true: reading never changes the batch and never decompresses it; a record of a batch
 * without a producer (baseSequence -1, Kafka's NO_SEQUENCE) has sequence -1.
 */
import { CODEC_NAMES, CODEC_ZSTD, type CompressionName } from './compression'
import {
  BATCH_HEADER_SIZE,
  batchSize,
  COMPRESSION_MASK,
  CONTROL_MASK,
  PRODUCER_EPOCH_POS,
  TRANSACTIONAL_MASK,
  batchAttributes,
  batchBaseOffset,
  batchBaseSequence,
  batchPartitionLeaderEpoch,
  batchProducerId
} from './record-batch'

/** Where a record came from: the header fields of its batch (record batch v2, KIP-98 producer fields). */
export interface RecordBatchInfo {
  /** The batch's first offset (baseOffset). */
  baseOffset: number
  /** The leader epoch stamped by the leader that appended the batch (partitionLeaderEpoch; -1 unknown). */
  partitionLeaderEpoch: number
  /** The codec its records section is stored with (attributes bits 0-2, Kafka's CompressionType). */
  compression: CompressionName
  /** The idempotent / transactional producer's id (-1: none, Kafka's NO_PRODUCER_ID). */
  producerId: number
  /** The producer's epoch (-1: none). */
  producerEpoch: number
  /** The sequence number of the batch's first record (-1: none, Kafka's NO_SEQUENCE). */
  baseSequence: number
  /** attributes bit 4: written by a transactional producer. */
  isTransactional: boolean
  /** attributes bit 5: a control batch (transaction markers). */
  isControl: boolean
}

/** The header facts of the complete, sane batch at `pos` in `buf` (no decompression). */
export function readBatchInfo(buf: Buffer, pos = 0): RecordBatchInfo {
  const attributes = batchAttributes(buf, pos)
  const codec = attributes & COMPRESSION_MASK
  return {
    baseOffset: batchBaseOffset(buf, pos),
    partitionLeaderEpoch: batchPartitionLeaderEpoch(buf, pos),
    compression: CODEC_NAMES[codec] ?? 'none',
    producerId: batchProducerId(buf, pos),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_POS),
    baseSequence: batchBaseSequence(buf, pos),
    isTransactional: (attributes & TRANSACTIONAL_MASK) !== 0,
    isControl: (attributes & CONTROL_MASK) !== 0
  }
}

const INT32_MAX = 2147483647

/**
 * The sequence number of the record at `offset` in a batch with `baseSequence` and `baseOffset`:
 * baseSequence + offset delta, wrapping to 0 past 2^31 - 1 (Kafka's
 * DefaultRecordBatch.incrementSequence); -1 when the batch has no sequence (baseSequence < 0).
 */
export function recordSequence(baseSequence: number, baseOffset: number, offset: number): number {
  if (baseSequence < 0) return -1
  const delta = offset - baseOffset
  return baseSequence > INT32_MAX - delta ? delta - (INT32_MAX - baseSequence) - 1 : baseSequence + delta
}

/**
 * Whether any batch header in `records` (record batches v2 back to back, as a Produce request
 * carries them or a Fetch answer serves them; a truncated batch at the end, as a fetch bounded by
 * bytes may end, is ignored) says its records are zstd-compressed. Reads headers only. Clients that
 * predate zstd cannot send or read it: Produce below v7 and Fetch below v10 (KIP-110; Kafka's
 * ProduceRequest.validateRecords and KafkaApis' fetch down-conversion check).
 */
export function usesZstd(records: Uint8Array | null): boolean {
  if (!records) return false
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= records.length; ) {
    if ((batchAttributes(records, pos) & COMPRESSION_MASK) === CODEC_ZSTD) return true
    const size = batchSize(records, pos)
    if (size < BATCH_HEADER_SIZE) return false
    pos += size
  }
  return false
}
