/**
 * Kafka's record batch v2 (magic 2), the unit written to `.log` files and sent on the wire:
 * encoding (RecordBatchBuilder, into a reused buffer), header accessors that read a batch's
 * offsets, timestamps and count without decoding its records, CRC-32C validation, and decoding
 * (decodeRecordsInto, readBatchRecords; the records section reader itself is record-decoder.ts).
 *
 * Layout (https://kafka.apache.org/documentation/#recordbatch), byte positions within a batch:
 *   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
 *   16 magic int8 (2) | 17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16
 *   23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64
 *   51 producerEpoch int16 | 53 baseSequence int32 | 57 records count int32 | 61 records...
 * Record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
 *   headers count varint | per header: keyLength varint, key (UTF-8), valueLength varint (-1 = null), value.
 *
 * Timestamp type (attributes bit 3): CreateTime batches carry each record's own timestamp
 * (baseTimestamp + timestampDelta). LogAppendTime batches (topic config message.timestamp.type)
 * carry the broker's append time as baseTimestamp and maxTimestamp, every timestampDelta 0, and
 * readers report maxTimestamp as every record's timestamp (Kafka's DefaultRecordBatch /
 * LogValidator; the Java and kafkajs consumers do the same).
 *
 * Compression (attributes bits 0-2): the records section (61..end) of a compressed batch is one
 * compressed stream of the records (compression.ts); decoding decompresses it, bounded.
 *
 * Must stay true: the builder writes uncompressed batches with producerId/epoch/sequence -1 (not
 * idempotent), offsets inside a batch contiguous; compressBatch and setBatchProducer derive
 * compressed / idempotent batches from them. The CRC always covers attributes..end, so the
 * setters that change a batch in place (LogValidator's stamping) leave it valid: baseOffset and
 * partitionLeaderEpoch lie outside the CRC, setBatchMaxTimestamp and setBatchProducer recompute it.
 */
import { KafkaError, StorageError } from '../model/errors'
import { ByteReader } from './byte-reader'
import * as byteWriter from './byte-writer'
import { ByteWriter, readInt64BE } from './byte-writer'
import { crc32c } from './crc32c'
import { DEFAULT_MAX_DECOMPRESSED_BYTES, compressRecords, decompressRecords } from './compression'
import { RecordsReader } from './record-decoder'
import type { RecordInput, StoredHeader, StoredRecord } from '../storage/storage-types'

// The encoder's per-record helpers, bound once: when this module runs as CommonJS transpiled from
// TypeScript (tsx, which runs the CLI and `brokerlab start`; vitest), every call of an imported
// function goes through the exporting module's property getter, which cost ~5% of an acks=all
// produce (measured with --cpu-prof). Local bindings are plain calls.
const putVarint = byteWriter.putVarint
const putBytes = byteWriter.putBytes
const sizeOfVarint = byteWriter.sizeOfVarint
const sizeOfVarlong = byteWriter.sizeOfVarlong
const writeInt64BE = byteWriter.writeInt64BE

/** Bytes before batchLength's payload: baseOffset (8) + batchLength (4). Kafka's LOG_OVERHEAD. */
export const LOG_OVERHEAD = 12
/** Size of the v2 batch header, records start here. Kafka's RECORD_BATCH_OVERHEAD. */
export const BATCH_HEADER_SIZE = 61
/** The only magic we read and write. */
export const MAGIC_V2 = 2

export const BASE_OFFSET_POS = 0
export const BATCH_LENGTH_POS = 8
export const PARTITION_LEADER_EPOCH_POS = 12
export const MAGIC_POS = 16
export const CRC_POS = 17
export const ATTRIBUTES_POS = 21
export const LAST_OFFSET_DELTA_POS = 23
export const BASE_TIMESTAMP_POS = 27
export const MAX_TIMESTAMP_POS = 35
export const PRODUCER_ID_POS = 43
export const PRODUCER_EPOCH_POS = 51
export const BASE_SEQUENCE_POS = 53
export const RECORDS_COUNT_POS = 57

/** attributes bits 0-2: compression codec (0 = none). */
export const COMPRESSION_MASK = 0x07
/** attributes bit 3: timestamp type (0 CreateTime, 1 LogAppendTime). */
export const TIMESTAMP_TYPE_MASK = 0x08
/** attributes bit 4: transactional; bit 5: control batch. */
export const TRANSACTIONAL_MASK = 0x10
export const CONTROL_MASK = 0x20

/** Kafka's TimestampType of a v2 batch (attributes bit 3). */
export type TimestampType = 'CreateTime' | 'LogAppendTime'

/** Timestamp type of the batch at `pos`, from its attributes. */
export function batchTimestampType(buf: Uint8Array, pos = 0): TimestampType {
  return (buf[pos + ATTRIBUTES_POS + 1] & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime'
}

/** baseOffset of the batch at `pos`. */
export function batchBaseOffset(buf: Uint8Array, pos = 0): number {
  return readInt64BE(buf, pos)
}

/** Whole size in bytes of the batch at `pos` (batchLength + 12). */
export function batchSize(buf: Uint8Array, pos = 0): number {
  return ((buf[pos + 8] << 24) | (buf[pos + 9] << 16) | (buf[pos + 10] << 8) | buf[pos + 11]) + LOG_OVERHEAD
}

function int32At(buf: Uint8Array, pos: number): number {
  return (buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]
}

/** lastOffset = baseOffset + lastOffsetDelta of the batch at `pos`. */
export function batchLastOffset(buf: Uint8Array, pos = 0): number {
  return readInt64BE(buf, pos) + int32At(buf, pos + LAST_OFFSET_DELTA_POS)
}

/** maxTimestamp (ms) of the batch at `pos`. */
export function batchMaxTimestamp(buf: Uint8Array, pos = 0): number {
  return readInt64BE(buf, pos + MAX_TIMESTAMP_POS)
}

/** baseTimestamp (ms) of the batch at `pos`. */
export function batchBaseTimestamp(buf: Uint8Array, pos = 0): number {
  return readInt64BE(buf, pos + BASE_TIMESTAMP_POS)
}

/** Records count of the batch at `pos`. */
export function batchRecordCount(buf: Uint8Array, pos = 0): number {
  return int32At(buf, pos + RECORDS_COUNT_POS)
}

/** partitionLeaderEpoch of the batch at `pos`. */
export function batchPartitionLeaderEpoch(buf: Uint8Array, pos = 0): number {
  return int32At(buf, pos + PARTITION_LEADER_EPOCH_POS)
}

/** attributes of the batch at `pos`. */
export function batchAttributes(buf: Uint8Array, pos = 0): number {
  return ((buf[pos + ATTRIBUTES_POS] << 8) | buf[pos + ATTRIBUTES_POS + 1]) << 16 >> 16
}

/**
 * The smallest record timestamp the header of the batch at `pos` tells of: the append time
 * (maxTimestamp) of a LogAppendTime batch, whose records all carry it, else baseTimestamp.
 */
export function batchMinTimestamp(buf: Uint8Array, pos = 0): number {
  return (buf[pos + ATTRIBUTES_POS + 1] & TIMESTAMP_TYPE_MASK) !== 0 ? batchMaxTimestamp(buf, pos) : batchBaseTimestamp(buf, pos)
}

/** producerId of the batch at `pos` (-1: not idempotent). */
export function batchProducerId(buf: Uint8Array, pos = 0): number {
  return readInt64BE(buf, pos + PRODUCER_ID_POS)
}

/** baseSequence of the batch at `pos` (-1: none). */
export function batchBaseSequence(buf: Uint8Array, pos = 0): number {
  return int32At(buf, pos + BASE_SEQUENCE_POS)
}

/** lastOffsetDelta of the batch at `pos`. */
export function batchLastOffsetDelta(buf: Uint8Array, pos = 0): number {
  return int32At(buf, pos + LAST_OFFSET_DELTA_POS)
}

/**
 * Sets the base offset of the batch at `pos` so that its last offset is `lastOffset` (Kafka's
 * DefaultRecordBatch.setLastOffset). The base offset lies outside the CRC: the CRC stays valid.
 */
export function setBatchLastOffset(buf: Buffer, pos: number, lastOffset: number): void {
  writeInt64BE(buf, lastOffset - int32At(buf, pos + LAST_OFFSET_DELTA_POS), pos + BASE_OFFSET_POS)
}

/** Sets partitionLeaderEpoch of the batch at `pos` (outside the CRC: it stays valid). Kafka's setPartitionLeaderEpoch. */
export function setBatchPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_POS)
}

/**
 * Sets the timestamp type bit and maxTimestamp of the complete batch at `pos` and recomputes its
 * CRC-32C; leaves the batch untouched when both already hold those values (Kafka's
 * DefaultRecordBatch.setMaxTimestamp).
 * @returns true when the batch changed.
 */
export function setBatchMaxTimestamp(buf: Buffer, pos: number, type: TimestampType, maxTimestamp: number): boolean {
  if (batchTimestampType(buf, pos) === type && batchMaxTimestamp(buf, pos) === maxTimestamp) return false
  const attributes = (batchAttributes(buf, pos) & ~TIMESTAMP_TYPE_MASK) | (type === 'LogAppendTime' ? TIMESTAMP_TYPE_MASK : 0)
  buf.writeInt16BE(attributes, pos + ATTRIBUTES_POS)
  writeInt64BE(buf, maxTimestamp, pos + MAX_TIMESTAMP_POS)
  buf.writeUInt32BE(crc32c(buf, pos + ATTRIBUTES_POS, pos + batchSize(buf, pos)), pos + CRC_POS)
  return true
}

/**
 * Sets the producer id, epoch and base sequence of the complete batch at `pos` (Kafka's
 * idempotent producer fields, KIP-98) and recomputes its CRC-32C.
 */
export function setBatchProducer(buf: Buffer, pos: number, producerId: number, producerEpoch: number, baseSequence: number): void {
  writeInt64BE(buf, producerId, pos + PRODUCER_ID_POS)
  buf.writeInt16BE(producerEpoch, pos + PRODUCER_EPOCH_POS)
  buf.writeInt32BE(baseSequence, pos + BASE_SEQUENCE_POS)
  buf.writeUInt32BE(crc32c(buf, pos + ATTRIBUTES_POS, pos + batchSize(buf, pos)), pos + CRC_POS)
}

/**
 * A copy of the complete batch at `pos` whose records section is compressed with `codec` (or
 * decompressed, for codec 0): same header fields, attributes' codec bits set, batch length and
 * CRC-32C recomputed. A compressed input is decompressed first (bounded by
 * DEFAULT_MAX_DECOMPRESSED_BYTES). Used by the broker's recompression (compression.type) and tests.
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE for an unknown codec, or zstd before its compressor has loaded;
 *   CORRUPT_MESSAGE / RECORD_TOO_LARGE when a compressed input does not decompress.
 */
export function compressBatch(buf: Buffer, pos: number, codec: number): Buffer {
  const { data, start, end } = batchRecordsSection(buf, pos)
  const records = compressRecords(codec, data.subarray(start, end))
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + records.length)
  buf.copy(out, 0, pos, pos + BATCH_HEADER_SIZE)
  records.copy(out, BATCH_HEADER_SIZE)
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_POS)
  out.writeInt16BE((batchAttributes(buf, pos) & ~COMPRESSION_MASK) | codec, ATTRIBUTES_POS)
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_POS, out.length), CRC_POS)
  return out
}

/**
 * How many records of the complete, sane batch at `pos` have minOffset <= offset <
 * maxOffset. Reads only each record's length and offset delta (keys and values are skipped), and
 * only when the bounds cut the batch (a compressed one is decompressed then); a batch whose offsets
 * have no gaps (records count = lastOffsetDelta + 1) is counted from its header alone.
 * @throws KafkaError CORRUPT_MESSAGE when the records do not parse or decompress; RECORD_TOO_LARGE
 *   when they inflate past DEFAULT_MAX_DECOMPRESSED_BYTES.
 */
export function countBatchRecordsInRange(buf: Buffer, pos: number, minOffset: number, maxOffset: number): number {
  const base = batchBaseOffset(buf, pos)
  const last = batchLastOffset(buf, pos)
  const count = batchRecordCount(buf, pos)
  if (minOffset <= base && maxOffset > last) return count
  if (maxOffset <= base || minOffset > last) return 0
  if (count === last - base + 1) return Math.min(last, maxOffset - 1) - Math.max(base, minOffset) + 1
  const { data, start, end } = batchRecordsSection(buf, pos, DEFAULT_MAX_DECOMPRESSED_BYTES)
  const r = new ByteReader(data, start, end)
  let n = 0
  try {
    for (let i = 0; i < count; i++) {
      const len = r.varint()
      const recEnd = r.pos + len
      if (len < 0 || recEnd > end) throw new RangeError(`record ${i} length ${len} overruns the batch`)
      r.pos++ // attributes
      r.varlong() // timestamp delta
      const offset = base + r.varint()
      if (offset >= minOffset && offset < maxOffset) n++
      r.pos = recEnd
    }
  } catch (e) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${base} does not decode: ${(e as Error).message}`)
  }
  return n
}

/** Stored CRC of the batch at `pos` (unsigned). */
export function batchStoredCrc(buf: Uint8Array, pos = 0): number {
  return int32At(buf, pos + CRC_POS) >>> 0
}

/**
 * Checks the header of the batch at `pos` when `available` bytes are readable from `pos`: at least
 * a full header, magic 2, a batch length within [61, available] (or `maxSize`), a non-negative
 * lastOffsetDelta and records count. Returns null when sane, else a reason. Does not check the CRC.
 */
export function checkBatchHeader(buf: Uint8Array, pos: number, available: number): string | null {
  if (available < LOG_OVERHEAD) return `${available} bytes left, less than a batch's 12-byte offset and length`
  const size = batchSize(buf, pos)
  if (size < BATCH_HEADER_SIZE) return `batch length ${size - LOG_OVERHEAD} is below the minimum ${BATCH_HEADER_SIZE - LOG_OVERHEAD}`
  if (available < BATCH_HEADER_SIZE) return `${available} bytes left, less than a batch header (61 bytes)`
  if (buf[pos + MAGIC_POS] !== MAGIC_V2) return `magic ${buf[pos + MAGIC_POS]} is not 2`
  if (size > available) return `batch of ${size} bytes extends past the end (${available} bytes left)`
  if (int32At(buf, pos + LAST_OFFSET_DELTA_POS) < 0) return 'negative lastOffsetDelta'
  if (int32At(buf, pos + RECORDS_COUNT_POS) < 0) return 'negative records count'
  return null
}

/** True when the stored CRC of the complete batch at `pos` matches CRC-32C of attributes..end. */
export function batchCrcMatches(buf: Uint8Array, pos = 0): boolean {
  return crc32c(buf, pos + ATTRIBUTES_POS, pos + batchSize(buf, pos)) === batchStoredCrc(buf, pos)
}

/**
 * Throws validateBatches' CORRUPT_MESSAGE for the batch at `pos` of a buffer read from `start`:
 * a StorageError naming `file` and the batch's file position when a file is given, else a KafkaError
 * naming the byte. A module function, not a closure in the loop: the loop runs for every batch a
 * follower appends.
 */
function corruptBatch(msg: string, pos: number, start: number, file: string | undefined, filePosition: number): never {
  if (file !== undefined) throw new StorageError('CORRUPT_MESSAGE', file, msg, filePosition + pos - start)
  throw new KafkaError('CORRUPT_MESSAGE', `${msg} (byte ${pos})`)
}

/**
 * Validates every batch in `buf[start, end)`: header sanity, whole batches only, CRC-32C (unless
 * `checkCrc` is false: bytes whose CRCs the caller knows were just verified).
 * Throws KafkaError CORRUPT_MESSAGE (StorageError naming `file` when given, with the batch's
 * position + `filePosition`) describing the first bad batch. Returns the number of batches.
 */
export function validateBatches(buf: Uint8Array, start = 0, end = buf.length, file?: string, filePosition = 0, checkCrc = true): number {
  let pos = start
  let n = 0
  while (pos < end) {
    const reason = checkBatchHeader(buf, pos, end - pos)
    if (reason !== null) corruptBatch(`invalid record batch: ${reason}`, pos, start, file, filePosition)
    if (checkCrc && !batchCrcMatches(buf, pos)) {
      corruptBatch(`record batch at offset ${batchBaseOffset(buf, pos)} fails its CRC-32C check (stored ${batchStoredCrc(buf, pos)})`, pos, start, file, filePosition)
    }
    pos += batchSize(buf, pos)
    n++
  }
  return n
}

/**
 * A record as RecordBatchBuilder.encode takes it: a RecordInput, or a producer's record as its
 * caller gave it (no timestamp: encode's defaultTimestamp; an undefined key or value: null).
 */
export interface EncodableRecord {
  key?: Buffer | null
  value?: Buffer | null
  headers?: readonly StoredHeader[]
  /** CreateTime, ms. */
  timestamp?: number
}

/**
 * Encodes record batches v2 into one reused buffer: after `encode`, the batch is
 * `buffer().subarray(0, size)` (valid until the next encode) and the fields below describe it.
 * Not thread-safe; one per writer. Errors: KafkaError INVALID_RECORD for an empty record list, a
 * key or value that is not bytes or null, or a header without key; INVALID_TIMESTAMP for a
 * timestamp that is not an integer.
 */
export class RecordBatchBuilder {
  private readonly w: ByteWriter
  /** Of the last encoded batch: */
  baseOffset = 0
  lastOffset = -1
  maxTimestamp = -1
  count = 0
  size = 0

  constructor(initialCapacity = 64 * 1024) {
    this.w = new ByteWriter(initialCapacity)
  }

  /**
   * Encodes `records` as one batch with offsets baseOffset..baseOffset+n-1; returns a view of the
   * encoded bytes (reused by the next call). CreateTime (logAppendTime null, the default):
   * baseTimestamp is the first record's timestamp, maxTimestamp the largest. LogAppendTime (a
   * logAppendTime in ms given): the timestamp type bit is set, baseTimestamp = maxTimestamp =
   * logAppendTime and every record's own timestamp is replaced by it (timestampDelta 0).
   * `partitionLeaderEpoch` defaults to -1 (unknown). A record without a timestamp gets
   * `defaultTimestamp` (ms; the producer's now), an undefined key or value is a Kafka null: the
   * producer encodes its callers' records as they are, without a normalized copy of each.
   * @throws KafkaError INVALID_TIMESTAMP when logAppendTime, or a record's timestamp (after the
   *   default), is not an integer of ms; INVALID_RECORD when a key or value is not bytes.
   */
  encode(baseOffset: number, records: readonly EncodableRecord[], partitionLeaderEpoch = -1, logAppendTime: number | null = null, defaultTimestamp?: number): Buffer {
    return this.encodeInternal(baseOffset, records, false, records.length - 1, partitionLeaderEpoch, logAppendTime, defaultTimestamp)
  }

  /**
   * Encodes `records` keeping their own offsets (the log cleaner rewriting a batch): baseOffset
   * and lastOffsetDelta are given (Kafka retains the original batch's range), each record's
   * offsetDelta is `offset - baseOffset`. Offsets must increase within [baseOffset,
   * baseOffset + lastOffsetDelta]; KafkaError INVALID_RECORD otherwise. `logAppendTime` as in
   * encode (the cleaner keeps a LogAppendTime batch's type and time).
   */
  encodeWithOffsets(
    baseOffset: number,
    lastOffsetDelta: number,
    records: readonly StoredRecord[],
    partitionLeaderEpoch = -1,
    logAppendTime: number | null = null
  ): Buffer {
    let prev = baseOffset - 1
    for (const r of records) {
      if (r.offset <= prev || r.offset > baseOffset + lastOffsetDelta) {
        throw new KafkaError('INVALID_RECORD', `record offset ${r.offset} is out of order or outside [${baseOffset}, ${baseOffset + lastOffsetDelta}]`)
      }
      prev = r.offset
    }
    return this.encodeInternal(baseOffset, records, true, lastOffsetDelta, partitionLeaderEpoch, logAppendTime)
  }

  private encodeInternal(
    baseOffset: number,
    records: readonly (EncodableRecord | StoredRecord)[],
    explicitOffsets: boolean,
    lastOffsetDelta: number,
    partitionLeaderEpoch: number,
    logAppendTime: number | null,
    defaultTimestamp?: number
  ): Buffer {
    const n = records.length
    if (n === 0) throw new KafkaError('INVALID_RECORD', 'a record batch needs at least one record')
    if (logAppendTime !== null && !Number.isSafeInteger(logAppendTime))
      throw new KafkaError('INVALID_TIMESTAMP', `log append time ${logAppendTime} is not an integer number of ms`)
    const w = this.w
    w.reset()
    w.ensure(BATCH_HEADER_SIZE)
    // NaN only when record 0 has no timestamp at all, which the loop below refuses before any use.
    const baseTimestamp = logAppendTime ?? records[0].timestamp ?? defaultTimestamp ?? NaN
    let maxTimestamp = baseTimestamp
    w.pos = BATCH_HEADER_SIZE
    for (let i = 0; i < n; i++) {
      const r = records[i]
      const ts = logAppendTime ?? r.timestamp ?? defaultTimestamp
      if (ts === undefined || !Number.isSafeInteger(ts)) throw new KafkaError('INVALID_TIMESTAMP', `record ${i}: timestamp ${ts} is not an integer number of ms`)
      if (ts > maxTimestamp) maxTimestamp = ts
      const tsDelta = ts - baseTimestamp
      const offsetDelta = explicitOffsets ? (r as StoredRecord).offset - baseOffset : i
      const key = r.key ?? null
      const value = r.value ?? null
      const headers = r.headers
      if ((key !== null && !(key instanceof Uint8Array)) || (value !== null && !(value instanceof Uint8Array))) {
        throw new KafkaError('INVALID_RECORD', `record ${i}: key and value must be bytes (Buffer) or null`)
      }
      const keyLen = key === null ? -1 : key.length
      const valueLen = value === null ? -1 : value.length
      let bodySize =
        1 + sizeOfVarlong(tsDelta) + sizeOfVarint(offsetDelta) + sizeOfVarint(keyLen) + (keyLen > 0 ? keyLen : 0) +
        sizeOfVarint(valueLen) + (valueLen > 0 ? valueLen : 0)
      const hn = headers === undefined || headers === null ? 0 : headers.length
      bodySize += sizeOfVarint(hn)
      for (let h = 0; h < hn; h++) {
        const hdr = headers![h]
        if (typeof hdr.key !== 'string') throw new KafkaError('INVALID_RECORD', `record ${i}: header ${h} has no string key`)
        const hk = Buffer.byteLength(hdr.key)
        const hv = hdr.value === null ? -1 : hdr.value.length
        bodySize += sizeOfVarint(hk) + hk + sizeOfVarint(hv) + (hv > 0 ? hv : 0)
      }
      w.ensure(bodySize + 5)
      const b = w.buf
      let p = putVarint(b, w.pos, bodySize)
      b[p++] = 0 // record attributes
      if (tsDelta >= -0x40000000 && tsDelta < 0x40000000) p = putVarint(b, p, tsDelta)
      else {
        w.pos = p
        w.varlong(tsDelta)
        p = w.pos
      }
      p = putVarint(b, p, offsetDelta)
      p = putVarint(b, p, keyLen)
      if (keyLen > 0) p = putBytes(b, p, key!)
      p = putVarint(b, p, valueLen)
      if (valueLen > 0) p = putBytes(b, p, value!)
      p = putVarint(b, p, hn)
      w.pos = p
      for (let h = 0; h < hn; h++) {
        const hdr = headers![h]
        w.varint(Buffer.byteLength(hdr.key))
        w.utf8(hdr.key)
        if (hdr.value === null) w.varint(-1)
        else {
          w.varint(hdr.value.length)
          w.bytes(hdr.value)
        }
      }
    }
    const size = w.pos
    const b = w.buf
    writeInt64BE(b, baseOffset, BASE_OFFSET_POS)
    b.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_POS)
    b.writeInt32BE(partitionLeaderEpoch, PARTITION_LEADER_EPOCH_POS)
    b[MAGIC_POS] = MAGIC_V2
    b.writeInt16BE(logAppendTime === null ? 0 : TIMESTAMP_TYPE_MASK, ATTRIBUTES_POS)
    b.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_POS)
    writeInt64BE(b, baseTimestamp, BASE_TIMESTAMP_POS)
    writeInt64BE(b, maxTimestamp, MAX_TIMESTAMP_POS)
    b.writeInt32BE(-1, PRODUCER_ID_POS)
    b.writeInt32BE(-1, PRODUCER_ID_POS + 4)
    b.writeInt16BE(-1, PRODUCER_EPOCH_POS)
    b.writeInt32BE(-1, BASE_SEQUENCE_POS)
    b.writeInt32BE(n, RECORDS_COUNT_POS)
    b.writeUInt32BE(crc32c(b, ATTRIBUTES_POS, size), CRC_POS)
    this.baseOffset = baseOffset
    this.lastOffset = baseOffset + lastOffsetDelta
    this.maxTimestamp = maxTimestamp
    this.count = n
    this.size = size
    return b.subarray(0, size)
  }
}

/** Encodes one batch into a fresh Buffer (convenience; appends use a RecordBatchBuilder). */
export function encodeRecordBatch(
  baseOffset: number,
  records: readonly RecordInput[],
  partitionLeaderEpoch = -1,
  logAppendTime: number | null = null
): Buffer {
  return Buffer.from(new RecordBatchBuilder(1024).encode(baseOffset, records, partitionLeaderEpoch, logAppendTime))
}

/** A decoded batch header and its records. */
export interface DecodedBatch {
  baseOffset: number
  lastOffset: number
  /** Whole batch size in bytes. */
  sizeBytes: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  /** From attributes bit 3. */
  timestampType: TimestampType
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  records: StoredRecord[]
}

/**
 * Decodes the records of the batch at `pos` (which must be complete and sane; see
 * checkBatchHeader), appending to `out` those with minOffset <= offset < maxOffset. A LogAppendTime
 * batch's records all carry its maxTimestamp. A compressed batch (gzip, snappy, lz4, zstd) is
 * decompressed first, to at most `maxDecompressedBytes` bytes. Does not check the CRC.
 * Keys, values and header values are views into `buf` (into the decompressed bytes for a
 * compressed batch).
 * @throws KafkaError CORRUPT_MESSAGE when the records do not parse or decompress;
 *   RECORD_TOO_LARGE when they inflate past `maxDecompressedBytes`.
 */
export function decodeRecordsInto(
  buf: Buffer,
  pos: number,
  out: StoredRecord[],
  minOffset = 0,
  maxOffset = Number.MAX_SAFE_INTEGER,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES
): void {
  const r = readBatchRecords(buf, pos, intoReader, minOffset, maxOffset, maxDecompressedBytes)
  while (r.next()) out.push({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })
}

/** decodeRecordsInto's reader (it calls nothing else while stepping, so one is enough). */
const intoReader = new RecordsReader()

/**
 * Sets `reader` on the records of the batch at `pos` (complete and sane; see checkBatchHeader)
 * with minOffset <= offset < maxOffset: each `reader.next()` then yields the values
 * decodeRecordsInto would store (a LogAppendTime batch's records carry its maxTimestamp; keys,
 * values and header values are views into `buf`, or into the decompressed bytes of a compressed
 * batch, decompressed to at most `maxDecompressedBytes`) and the record's payload size, so a
 * reader builds its own record objects without an intermediate StoredRecord. Does not check the CRC.
 * @returns `reader`.
 * @throws KafkaError CORRUPT_MESSAGE when the records do not decompress (next() throws it when they
 *   do not parse); RECORD_TOO_LARGE when they inflate past `maxDecompressedBytes`.
 */
export function readBatchRecords(
  buf: Buffer,
  pos: number,
  reader: RecordsReader,
  minOffset = 0,
  maxOffset = Number.MAX_SAFE_INTEGER,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES
): RecordsReader {
  const appendTime = (buf[pos + ATTRIBUTES_POS + 1] & TIMESTAMP_TYPE_MASK) !== 0 ? batchMaxTimestamp(buf, pos) : null
  const { data, start, end } = batchRecordsSection(buf, pos, maxDecompressedBytes)
  return reader.reset(data, start, end, batchRecordCount(buf, pos), batchBaseOffset(buf, pos), batchBaseTimestamp(buf, pos), appendTime, minOffset, maxOffset)
}

/**
 * The records section of the complete batch at `pos`: for an uncompressed batch a view of `buf`
 * (bytes 61..end of the batch), for a compressed one (attributes bits 0-2) the decompressed
 * records, at most `maxDecompressedBytes` bytes.
 * @throws KafkaError CORRUPT_MESSAGE when the records do not decompress or the codec is unknown;
 *   RECORD_TOO_LARGE past `maxDecompressedBytes`.
 */
export function batchRecordsSection(buf: Buffer, pos: number, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): { data: Buffer; start: number; end: number } {
  const codec = batchAttributes(buf, pos) & COMPRESSION_MASK
  const start = pos + BATCH_HEADER_SIZE
  const end = pos + batchSize(buf, pos)
  if (codec === 0) return { data: buf, start, end }
  let data: Buffer
  try {
    data = decompressRecords(codec, buf.subarray(start, end), maxDecompressedBytes)
  } catch (e) {
    if (e instanceof KafkaError) throw new KafkaError(e.code, `record batch at offset ${batchBaseOffset(buf, pos)}: ${e.message}`)
    throw e
  }
  return { data, start: 0, end: data.length }
}

/**
 * Decodes the complete batch at `pos`: header fields and all records. Throws KafkaError
 * CORRUPT_MESSAGE when the header is not sane, the CRC-32C does not match (unless `verifyCrc`
 * is false) or the records do not parse.
 */
export function decodeRecordBatch(buf: Buffer, pos = 0, verifyCrc = true): DecodedBatch {
  const reason = checkBatchHeader(buf, pos, buf.length - pos)
  if (reason !== null) throw new KafkaError('CORRUPT_MESSAGE', `invalid record batch at byte ${pos}: ${reason}`)
  if (verifyCrc && !batchCrcMatches(buf, pos)) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${batchBaseOffset(buf, pos)} fails its CRC-32C check`)
  }
  const records: StoredRecord[] = []
  decodeRecordsInto(buf, pos, records)
  return {
    baseOffset: batchBaseOffset(buf, pos),
    lastOffset: batchLastOffset(buf, pos),
    sizeBytes: batchSize(buf, pos),
    partitionLeaderEpoch: batchPartitionLeaderEpoch(buf, pos),
    magic: buf[pos + MAGIC_POS],
    crc: batchStoredCrc(buf, pos),
    attributes: batchAttributes(buf, pos),
    timestampType: batchTimestampType(buf, pos),
    baseTimestamp: batchBaseTimestamp(buf, pos),
    maxTimestamp: batchMaxTimestamp(buf, pos),
    producerId: readInt64BE(buf, pos + PRODUCER_ID_POS),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_POS),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_POS),
    records
  }
}

/** Decodes every batch in `buf` (validating each CRC). */
export function decodeRecordBatches(buf: Buffer, verifyCrc = true): DecodedBatch[] {
  const out: DecodedBatch[] = []
  let pos = 0
  while (pos < buf.length) {
    const b = decodeRecordBatch(buf, pos, verifyCrc)
    out.push(b)
    pos += b.sizeBytes
  }
  return out
}
