/**
 * LogValidator: what a leader checks in the record batches a producer sends before they are stored,
 * and the offsets and leader epoch it stamps on them (Kafka's
 * org.apache.kafka.storage.internals.log.LogValidator, its in-place path for uncompressed v2 batches,
 * with the batch checks of UnifiedLog.analyzeAndValidateRecords and ProduceRequest.validateRecords).
 *
 * Rules, checked for every batch before anything is changed, with Kafka's errors and messages:
 * - whole batches only (CORRUPT_MESSAGE: a length below the 61-byte header, or past the end of what
 *   was sent; Kafka drops such a trailing partial batch silently, here it is refused), magic 2
 *   (INVALID_RECORD), base offset 0 from a client (INVALID_RECORD), the batch size at most
 *   max.message.bytes (RECORD_TOO_LARGE), CRC-32C (CORRUPT_MESSAGE), a known compression codec
 *   (CORRUPT_MESSAGE for ids 5-7); a compressed batch's records are decompressed to check them,
 *   bounded by 16 x max.message.bytes (at least 1 MiB): RECORD_TOO_LARGE past it, CORRUPT_MESSAGE
 *   when they do not decompress;
 * - from a client: a non-negative offset range whose length equals the records count and is not 0,
 *   no control batch, a base sequence >= 0 when a producer id is set (INVALID_RECORD);
 * - each record parses within its length and the batch (INVALID_RECORD, DefaultRecord's messages),
 *   its offset delta is its index in the batch (INVALID_RECORD: offsets are assigned in place, so they
 *   must be 0..count-1), and the batch ends after the declared count (INVALID_RECORD);
 * - a record without a key on a compacted topic (INVALID_RECORD) and a LogAppendTime batch on a
 *   LogAppendTime topic (INVALID_TIMESTAMP: the broker sets that) are record errors, reported
 *   together as Kafka's RecordValidationException is (RecordValidationError).
 * compression.type (Kafka's targetCodec rule): `producer` keeps each batch's codec; another value
 * means the batch is rebuilt with that codec when it differs (`uncompressed` decompresses; gzip,
 * snappy, lz4 and zstd recompress). A rebuilt batch keeps
 * its header fields (producer id, epoch, sequence, timestamps) and gets a new length and CRC.
 * Then, in place (the caller's buffer is changed, as Kafka changes its MemoryRecords): the base offset
 * so that the batches take the offsets from `firstOffset` on, and partitionLeaderEpoch, both outside
 * the CRC; with message.timestamp.type LogAppendTime the timestamp-type bit and maxTimestamp become
 * the append time and the CRC is recomputed; with CreateTime maxTimestamp is set to the largest record
 * timestamp (and the type to CreateTime), which changes nothing, CRC included, for a batch a producer
 * built right. So a valid CreateTime batch is stored byte for byte as sent but for its base offset
 * and leader epoch; a compressed one too (its compressed bytes are kept as sent).
 *
 * Must stay true: on any error nothing of `batches` has been changed; the result's offsets and
 * timestamps are those stamped; `output` holds the bytes to store (the input buffer itself unless
 * a batch was rebuilt for compression.type).
 */
import { KafkaError } from '../model/errors'
import {
  ATTRIBUTES_POS,
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  CONTROL_MASK,
  LOG_OVERHEAD,
  MAGIC_POS,
  PRODUCER_EPOCH_POS,
  MAGIC_V2,
  batchAttributes,
  batchBaseOffset,
  batchBaseSequence,
  batchBaseTimestamp,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerId,
  batchRecordCount,
  batchSize,
  batchStoredCrc,
  batchTimestampType,
  setBatchLastOffset,
  setBatchMaxTimestamp,
  setBatchPartitionLeaderEpoch,
  type TimestampType
} from '../codec/record-batch'
import { crc32c } from '../codec/crc32c'
import { CODEC_NAMES, codecName } from '../codec/compression'
import { batchRecordsSection, compressBatch } from '../codec/record-batch'

/** Who appends (Kafka's AppendOrigin): a client's batches get the client-only checks, a coordinator's (the group coordinator writing __consumer_offsets) do not. */
export type AppendOrigin = 'client' | 'coordinator'

/** The topic configs and context validation depends on. */
export interface LogValidatorConfig {
  /** `<topic>-<partition>`, for messages. */
  topicPartition: string
  /** cleanup.policy includes compact: every record needs a key. */
  compacted: boolean
  /** message.timestamp.type. */
  messageTimestampType: TimestampType
  /** max.message.bytes: the largest batch accepted, in bytes. */
  maxMessageBytes: number
  /**
   * compression.type: 'producer' (default) keeps each batch's codec; 'uncompressed', 'gzip',
   * 'snappy', 'lz4' or 'zstd' rebuilds batches of another codec with it (see the module header).
   */
  compressionType?: CompressionType
  origin: AppendOrigin
}

/** Kafka's compression.type topic config values. */
export type CompressionType = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** How far a batch's records may inflate on a leader append: 16 x max.message.bytes, at least 1 MiB (bytes). */
export function maxDecompressedBytes(maxMessageBytes: number): number {
  return Math.max(16 * maxMessageBytes, 1024 * 1024)
}

/** What validateMessagesAndAssignOffsets stamped (Kafka's ValidationResult plus the offsets). */
export interface ValidationResult {
  firstOffset: number
  lastOffset: number
  /** Largest record timestamp (ms) after stamping: the append time under LogAppendTime. */
  maxTimestamp: number
  /** Last offset of the batch holding maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  shallowOffsetOfMaxTimestamp: number
  /** The append time (ms) under LogAppendTime, -1 (Kafka's NO_TIMESTAMP) under CreateTime. */
  logAppendTime: number
  /** Records in all batches. */
  records: number
  batches: number
  /** Bytes of all batches (of `output`). */
  bytes: number
  /** The stamped batches to store: the input buffer, or a new one when a batch was rebuilt for compression.type. */
  output: Buffer
}

/** One rejected record (Kafka's ProduceResponse RecordError). */
export interface RecordError {
  /** Index of the batch in what was sent (0-based). */
  batch: number
  /** Index of the record in its batch (Kafka's batch_index). */
  batchIndex: number
  message: string
}

/**
 * Records of a batch were rejected (Kafka's RecordValidationException): code INVALID_TIMESTAMP when
 * any record's timestamp was at fault, else INVALID_RECORD; `recordErrors` lists every rejected record.
 */
export class RecordValidationError extends KafkaError {
  readonly recordErrors: readonly RecordError[]
  constructor(code: 'INVALID_RECORD' | 'INVALID_TIMESTAMP', message: string, recordErrors: RecordError[]) {
    super(code, message)
    this.name = 'RecordValidationError'
    this.recordErrors = recordErrors
  }
}

/** Kafka's NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1
/** Kafka's RecordBatch.NO_PARTITION_LEADER_EPOCH. */
export const NO_PARTITION_LEADER_EPOCH = -1

/** What checkBatches learnt of one batch (positions in the buffer it was given). */
export interface CheckedBatch {
  pos: number
  size: number
  count: number
  /** Compression codec id (attributes bits 0-2). */
  codec: number
  /** Producer id (-1: none), epoch and base sequence (KIP-98). */
  producerId: number
  producerEpoch: number
  baseSequence: number
  /** Largest record timestamp as the batch reports them (-1 when none). */
  maxRecordTimestamp: number
}

/**
 * Validates `batches` (record batches v2 as a producer sends them, one or more) against the rules
 * in the module header, then stamps them in place: offsets from `firstOffset`, `leaderEpoch`, and
 * timestamps per message.timestamp.type with `now` (ms) as the append time.
 * @throws KafkaError CORRUPT_MESSAGE, INVALID_RECORD, RECORD_TOO_LARGE or UNSUPPORTED_COMPRESSION_TYPE
 *   (an unknown compression.type, or zstd before its compressor has loaded) naming the batch and the rule; RecordValidationError (INVALID_RECORD / INVALID_TIMESTAMP) listing
 *   the rejected records. `batches` is unchanged then.
 */
export function validateMessagesAndAssignOffsets(
  batches: Buffer,
  firstOffset: number,
  leaderEpoch: number,
  now: number,
  cfg: LogValidatorConfig
): ValidationResult {
  return assignOffsets(batches, checkBatches(batches, cfg), firstOffset, leaderEpoch, now, cfg)
}

/** The codec id a batch of codec `source` is stored with under compression.type `type` (Kafka's targetCodec). */
function targetCodec(type: CompressionType | undefined, source: number): number {
  switch (type ?? 'producer') {
    case 'producer':
      return source
    case 'uncompressed':
      return 0
    default:
      return CODEC_NAMES.indexOf(type as (typeof CODEC_NAMES)[number])
  }
}

/**
 * The second half of validateMessagesAndAssignOffsets, for batches `checked` by checkBatches:
 * rebuilds the batches whose codec compression.type changes, then stamps offsets from
 * `firstOffset`, `leaderEpoch` and timestamps (see the module header).
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE when compression.type names no codec, or zstd
 *   before its compressor has loaded (`batches` unchanged then).
 */
export function assignOffsets(
  batches: Buffer,
  checked: readonly CheckedBatch[],
  firstOffset: number,
  leaderEpoch: number,
  now: number,
  cfg: LogValidatorConfig
): ValidationResult {
  let output = batches
  let positions = checked.map((b) => b.pos)
  if (checked.some((b) => targetCodec(cfg.compressionType, b.codec) !== b.codec)) {
    const parts: Buffer[] = []
    positions = []
    let at = 0
    for (const b of checked) {
      const target = targetCodec(cfg.compressionType, b.codec)
      const part = target === b.codec ? batches.subarray(b.pos, b.pos + b.size) : rebuild(batches, b, target, cfg)
      positions.push(at)
      at += part.length
      parts.push(part)
    }
    output = Buffer.concat(parts, at)
  }
  const logAppendTime = cfg.messageTimestampType === 'LogAppendTime'
  let offset = firstOffset
  let maxTimestamp = NO_TIMESTAMP
  let shallowOffsetOfMaxTimestamp = -1
  let records = 0
  checked.forEach((b, i) => {
    const pos = positions[i]
    offset += b.count
    records += b.count
    setBatchLastOffset(output, pos, offset - 1)
    setBatchPartitionLeaderEpoch(output, pos, leaderEpoch)
    const batchMax = logAppendTime ? now : b.maxRecordTimestamp
    setBatchMaxTimestamp(output, pos, cfg.messageTimestampType, batchMax)
    if (batchMax > maxTimestamp) {
      maxTimestamp = batchMax
      shallowOffsetOfMaxTimestamp = offset - 1
    }
  })
  if (logAppendTime) shallowOffsetOfMaxTimestamp = offset - 1
  return {
    firstOffset,
    lastOffset: offset - 1,
    maxTimestamp,
    shallowOffsetOfMaxTimestamp,
    logAppendTime: logAppendTime ? now : NO_TIMESTAMP,
    records,
    batches: checked.length,
    bytes: output.length,
    output
  }
}

function rebuild(batches: Buffer, b: CheckedBatch, target: number, cfg: LogValidatorConfig): Buffer {
  if (target < 0) {
    throw new KafkaError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `Topic partition ${cfg.topicPartition} has compression.type ${cfg.compressionType}, which names no codec (Kafka's are producer, uncompressed, gzip, snappy, lz4 and zstd)`
    )
  }
  return compressBatch(batches, b.pos, target)
}

/** Every rule of the module header, batch by batch; nothing is changed. Returns what stamping needs. */
export function checkBatches(buf: Buffer, cfg: LogValidatorConfig): CheckedBatch[] {
  const tp = cfg.topicPartition
  if (buf.length === 0) throw new KafkaError('INVALID_RECORD', `Produce requests must have at least one record batch per partition (${tp})`)
  const out: CheckedBatch[] = []
  for (let pos = 0, i = 0; pos < buf.length; i++) {
    const left = buf.length - pos
    // Messages name the batch when more than one was sent.
    const where = pos === 0 && left >= LOG_OVERHEAD && batchSize(buf, 0) === buf.length ? '' : ` (batch ${i}, at byte ${pos})`
    if (left < LOG_OVERHEAD) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch is truncated: ${left} bytes left, less than a batch's 12-byte offset and length, in topic partition ${tp}${where}`)
    }
    const size = batchSize(buf, pos)
    if (size < BATCH_HEADER_SIZE) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${BATCH_HEADER_SIZE}) in topic partition ${tp}${where}`)
    }
    if (size > left) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch is truncated: it declares ${size} bytes but ${left} are left in the request, in topic partition ${tp}${where}`)
    }
    const magic = buf[pos + MAGIC_POS]
    if (magic !== MAGIC_V2) {
      throw new KafkaError('INVALID_RECORD', `Produce requests are only allowed to contain record batches with magic version 2, not ${magic}, in topic partition ${tp}${where}`)
    }
    const baseOffset = batchBaseOffset(buf, pos)
    if (cfg.origin === 'client' && baseOffset !== 0) {
      throw new KafkaError('INVALID_RECORD', `The baseOffset of the record batch in the append to ${tp} should be 0, but it is ${baseOffset}${where}`)
    }
    if (size > cfg.maxMessageBytes) {
      throw new KafkaError('RECORD_TOO_LARGE', `The record batch size in the append to ${tp} is ${size} bytes which exceeds the maximum configured value of ${cfg.maxMessageBytes}.${where}`)
    }
    const computed = crc32c(buf, pos + ATTRIBUTES_POS, pos + size)
    if (computed !== batchStoredCrc(buf, pos)) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record is corrupt (stored crc = ${batchStoredCrc(buf, pos)}, computed crc = ${computed}) in topic partition ${tp}.${where}`)
    }
    const attributes = batchAttributes(buf, pos)
    const codec = attributes & COMPRESSION_MASK
    if (codec > 4) {
      throw new KafkaError('CORRUPT_MESSAGE', `Record batch uses unknown compression ${codecName(codec)} (Kafka's codecs are 0 none to 4 zstd) in topic partition ${tp}${where}`)
    }
    const count = batchRecordCount(buf, pos)
    const lastOffsetDelta = batchLastOffsetDelta(buf, pos)
    if (cfg.origin === 'client') {
      const countFromOffsets = lastOffsetDelta + 1
      if (countFromOffsets <= 0) throw new KafkaError('INVALID_RECORD', `Batch has an invalid offset range: [${baseOffset}, ${baseOffset + lastOffsetDelta}] in topic partition ${tp}${where}`)
      if (count <= 0) throw new KafkaError('INVALID_RECORD', `Invalid reported count for record batch: ${count} in topic partition ${tp}${where}`)
      if (countFromOffsets !== count) {
        throw new KafkaError('INVALID_RECORD', `Inconsistent batch offset range [${baseOffset}, ${baseOffset + lastOffsetDelta}] and count of records ${count} in topic partition ${tp}${where}`)
      }
      if ((attributes & CONTROL_MASK) !== 0) throw new KafkaError('INVALID_RECORD', `Clients are not allowed to write control records in topic partition ${tp}${where}`)
      const producerId = batchProducerId(buf, pos)
      const baseSequence = batchBaseSequence(buf, pos)
      if (producerId >= 0 && baseSequence < 0) {
        throw new KafkaError('INVALID_RECORD', `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId} in topic partition ${tp}${where}`)
      }
    } else if (count <= 0 || lastOffsetDelta + 1 !== count) {
      // Offsets are assigned in place, which needs them contiguous whoever appends.
      throw new KafkaError('INVALID_RECORD', `Inconsistent batch offset range [${baseOffset}, ${baseOffset + lastOffsetDelta}] and count of records ${count} in topic partition ${tp}${where}`)
    }
    const maxRecordTimestamp = checkRecords(buf, pos, count, i, cfg, where)
    out.push({
      pos,
      size,
      count,
      codec,
      producerId: batchProducerId(buf, pos),
      producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_POS),
      baseSequence: batchBaseSequence(buf, pos),
      maxRecordTimestamp
    })
    pos += size
  }
  return out
}

/** Thrown by the varint readers below when a record's bytes end early; becomes "Found invalid record structure". */
class Overrun extends Error {}

/** Position after the last varint read by readVarint / skipVarlong (module state: the validator is synchronous). */
let vpos = 0

/** Zigzag varint (int32) at `pos`, bounded by `end`; sets vpos. Kafka's ByteUtils.readVarint. */
function readVarint(buf: Buffer, pos: number, end: number): number {
  let z = 0
  for (let shift = 0; ; shift += 7) {
    if (pos >= end || shift > 28) throw new Overrun()
    const b = buf[pos++]
    z |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) break
  }
  vpos = pos
  return (z >>> 1) ^ -(z & 1)
}

/** Zigzag varlong at `pos` as a JS number (exact for |v| < 2^52), bounded by `end`; sets vpos. */
function readVarlong(buf: Buffer, pos: number, end: number): number {
  let z = 0
  let mul = 1
  for (let i = 0; ; i++) {
    if (pos >= end || i >= 10) throw new Overrun()
    const b = buf[pos++]
    z += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
  }
  vpos = pos
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

/**
 * Walks the `count` records of the batch at `pos` (DefaultRecord.readFrom's checks) and the record
 * errors of the module header. Returns the largest record timestamp as the batch reports it. Reads
 * varints in place, allocating nothing per record (this runs for every record a leader appends).
 */
function checkRecords(batchBuf: Buffer, pos: number, count: number, batch: number, cfg: LogValidatorConfig, where: string): number {
  const tp = cfg.topicPartition
  const type = batchTimestampType(batchBuf, pos)
  const baseTimestamp = batchBaseTimestamp(batchBuf, pos)
  const appendTime = type === 'LogAppendTime' ? batchMaxTimestamp(batchBuf, pos) : null
  let section: { data: Buffer; start: number; end: number }
  try {
    section = batchRecordsSection(batchBuf, pos, maxDecompressedBytes(cfg.maxMessageBytes))
  } catch (e) {
    if (e instanceof KafkaError) throw new KafkaError(e.code, `${e.message} in topic partition ${tp}${where}`)
    throw e
  }
  const buf = section.data
  const end = section.end
  const keyRequired = cfg.compacted
  const noLogAppendTime = cfg.messageTimestampType === 'LogAppendTime' && type === 'LogAppendTime'
  let errors: RecordError[] | null = null
  const invalid = (i: number, message: string): never => {
    throw new KafkaError('INVALID_RECORD', `${message} (record ${i}) in topic partition ${tp}${where}`)
  }
  let p = section.start
  let maxTs = NO_TIMESTAMP
  for (let i = 0; i < count; i++) {
    if (p >= end) invalid(i, 'Incorrect declared batch size, premature EOF reached')
    let bodySize: number
    try {
      bodySize = readVarint(buf, p, end)
    } catch {
      return invalid(i, 'Found invalid record structure')
    }
    const start = vpos
    if (bodySize < 0 || end - start < bodySize) {
      invalid(i, `Invalid record size: expected ${bodySize} bytes in record payload, but instead the buffer has only ${end - start} remaining bytes.`)
    }
    const recEnd = start + bodySize
    let keyLen: number
    try {
      let q = start + 1 // attributes (none defined for v2 records)
      if (q > recEnd) throw new Overrun()
      const delta = readVarlong(buf, q, recEnd)
      const offsetDelta = readVarint(buf, vpos, recEnd)
      if (offsetDelta !== i) invalid(i, `Record offset delta ${offsetDelta} is not the record's index ${i}: a batch's records must carry offset deltas 0 to ${count - 1} in order`)
      keyLen = readVarint(buf, vpos, recEnd)
      q = vpos + (keyLen > 0 ? keyLen : 0)
      if (q > recEnd) throw new Overrun()
      const valueLen = readVarint(buf, q, recEnd)
      q = vpos + (valueLen > 0 ? valueLen : 0)
      if (q > recEnd) throw new Overrun()
      const numHeaders = readVarint(buf, q, recEnd)
      q = vpos
      if (numHeaders < 0) invalid(i, `Found invalid number of record headers ${numHeaders}`)
      if (numHeaders > recEnd - q) invalid(i, `Found invalid number of record headers. ${numHeaders} is larger than the remaining size of the buffer`)
      for (let h = 0; h < numHeaders; h++) {
        const hk = readVarint(buf, q, recEnd)
        if (hk < 0) invalid(i, `Invalid negative header key size ${hk}`)
        q = vpos + hk
        if (q > recEnd) throw new Overrun()
        const hv = readVarint(buf, q, recEnd)
        q = vpos + (hv > 0 ? hv : 0)
        if (q > recEnd) throw new Overrun()
      }
      if (q !== recEnd) invalid(i, `Invalid record size: expected to read ${bodySize} bytes in record payload, but instead read ${q - start}`)
      const ts = appendTime ?? baseTimestamp + delta
      if (ts > maxTs) maxTs = ts
    } catch (e) {
      if (e instanceof KafkaError) throw e
      return invalid(i, 'Found invalid record structure')
    }
    if (keyRequired && keyLen < 0) (errors ??= []).push({ batch, batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${tp}.` })
    else if (noLogAppendTime) {
      // Kafka's validateTimestamp: under CreateTime a LogAppendTime batch is stamped CreateTime like any other.
      ;(errors ??= []).push({ batch, batchIndex: i, message: 'Invalid timestamp type in message: Producer should not set timestamp type to LogAppendTime.' })
    }
    p = recEnd
  }
  if (p !== end) invalid(count - 1, 'Incorrect declared batch size, records still remaining in file')
  if (errors !== null) {
    const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ')
    if (errors.some((e) => e.message.startsWith('Invalid timestamp type'))) {
      throw new RecordValidationError('INVALID_TIMESTAMP', `One or more records have been rejected due to invalid timestamp: [${shown}]${where}`, errors)
    }
    throw new RecordValidationError(
      'INVALID_RECORD',
      `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]${where}`,
      errors
    )
  }
  return maxTs
}
