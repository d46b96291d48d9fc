/**
 * The records section reader of record batch v2 (Kafka's DefaultRecord.readFrom over the bytes
 * after a batch's 61-byte header): a reusable cursor that steps through the records of one batch
 * and exposes the current one in [minOffset, maxOffset) as plain fields (offset, timestamp, key,
 * value, headers, payload bytes), so that callers build the record object they need in one step
 * (StoredRecord in storage, ConsumerRecord in the consumer) instead of copying one into another.
 * Varints are read inline on the reader's own position, so stepping allocates nothing but the key,
 * value and header views and the headers array.
 *
 * Layout of a record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint (negative = null) | key | valueLength varint (negative = null) | value |
 *   headers count varint | per header: keyLength varint, key (UTF-8), valueLength varint (negative = null), value.
 *
 * Must stay true: every read is bounded by the section's end (a record's key, value and headers by
 * the record's own length); a record or section that does not add up throws KafkaError
 * CORRUPT_MESSAGE "record batch at offset B does not decode: ..." (or "... has N bytes after its C
 * records"), as decodeRecordsInto always has; keys, values and header values are views into the
 * section's buffer (no copy), made with bufferView from the section's ArrayBuffer read once per batch.
 */
import { KafkaError } from '../model/errors'
import { bufferView } from './buffer-view'
import type { StoredHeader } from '../storage/storage-types'

/** The headers of every decoded record that has none: one frozen empty array, not one per record. */
export const NO_HEADERS: readonly StoredHeader[] = Object.freeze([])

/**
 * Steps through the records of one batch's records section (see reset and next). After next()
 * returns true, the fields below describe the current record. Not thread-safe; one per reader.
 */
export class RecordsReader {
  /** The current record's offset. */
  offset = 0
  /** The current record's timestamp (ms): the batch's append time for a LogAppendTime batch. */
  timestamp = 0
  /** The current record's key and value: views into the section, null for a Kafka null. */
  key: Buffer | null = null
  value: Buffer | null = null
  /** The current record's headers (values are views): a fresh array per record that has headers, the one frozen NO_HEADERS for those that have none. */
  headers: readonly StoredHeader[] = NO_HEADERS
  /** key + value + header key (UTF-8) and value bytes of the current record, as record-size.ts payloadSize counts them. */
  payloadBytes = 0

  private data: Buffer = Buffer.alloc(0)
  /** data.buffer and data.byteOffset, read once per batch (reading them per view costs as much as the view). */
  private arrayBuffer: ArrayBufferLike = this.data.buffer
  private arrayOffset = 0
  private at = 0
  private end = 0
  private count = 0
  private index = 0
  private baseOffset = 0
  private baseTimestamp = 0
  private appendTime: number | null = null
  private minOffset = 0
  private maxOffset = 0

  /**
   * Starts on the `count` records of `data[start, end)` (a batch's records section, decompressed).
   * Offsets are `baseOffset` + offsetDelta; timestamps `appendTime` when not null (a LogAppendTime
   * batch), else `baseTimestamp` + timestampDelta; next() yields only records with minOffset <=
   * offset < maxOffset.
   */
  reset(data: Buffer, start: number, end: number, count: number, baseOffset: number, baseTimestamp: number, appendTime: number | null, minOffset: number, maxOffset: number): this {
    this.data = data
    this.arrayBuffer = data.buffer
    this.arrayOffset = data.byteOffset
    this.at = start
    this.end = end
    this.count = count
    this.index = 0
    this.baseOffset = baseOffset
    this.baseTimestamp = baseTimestamp
    this.appendTime = appendTime
    this.minOffset = minOffset
    this.maxOffset = maxOffset
    return this
  }

  /**
   * Moves to the next record in range (skipping the others by their length): true when there is
   * one, false after the last record (having checked that the section ends there).
   * @throws KafkaError CORRUPT_MESSAGE when a record overruns the section or its own length,
   *   disagrees with its length, has a negative header key length, or bytes follow the last record.
   */
  next(): boolean {
    const data = this.data
    while (this.index < this.count) {
      const i = this.index++
      const len = this.varint(this.end)
      const recEnd = this.at + len
      if (len < 0 || recEnd > this.end) this.corrupt(`record ${i} length ${len} overruns the batch`)
      this.at++ // attributes
      const delta = this.varlong(recEnd)
      const offset = this.baseOffset + this.varint(recEnd)
      if (offset < this.minOffset || offset >= this.maxOffset) {
        this.at = recEnd
        continue
      }
      const keyLen = this.varint(recEnd)
      const key = keyLen < 0 ? null : this.bytes(keyLen, recEnd, 'key')
      const valueLen = this.varint(recEnd)
      const value = valueLen < 0 ? null : this.bytes(valueLen, recEnd, 'value')
      let payload = (keyLen > 0 ? keyLen : 0) + (valueLen > 0 ? valueLen : 0)
      const hn = this.varint(recEnd)
      const headers: StoredHeader[] | readonly StoredHeader[] = hn === 0 ? NO_HEADERS : []
      for (let h = 0; h < hn; h++) {
        const hkLen = this.varint(recEnd)
        if (hkLen < 0) this.corrupt(`record ${i} header ${h} has a negative key length ${hkLen}`)
        if (this.at + hkLen > recEnd) this.corrupt(`cannot read header key of ${hkLen} bytes: need ${hkLen} bytes at ${this.at}, only ${recEnd - this.at} left in the record`)
        const hk = data.toString('utf8', this.at, this.at + hkLen)
        this.at += hkLen
        const hvLen = this.varint(recEnd)
        const hv = hvLen < 0 ? null : this.bytes(hvLen, recEnd, 'header value')
        payload += Buffer.byteLength(hk, 'utf8') + (hv === null ? 0 : hvLen)
        ;(headers as StoredHeader[]).push({ key: hk, value: hv })
      }
      if (this.at !== recEnd) this.corrupt(`record ${i} length ${len} disagrees with its contents`)
      this.offset = offset
      this.timestamp = this.appendTime ?? this.baseTimestamp + delta
      this.key = key
      this.value = value
      this.headers = headers
      this.payloadBytes = payload
      return true
    }
    if (this.at !== this.end) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${this.baseOffset} has ${this.end - this.at} bytes after its ${this.count} records`)
    }
    return false
  }

  private corrupt(why: string): never {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${this.baseOffset} does not decode: ${why}`)
  }

  /** Zigzag varint (int32, at most 5 bytes) within `end`, as ByteReader.varint reads it. */
  private varint(end: number): number {
    const buf = this.data
    if (this.at >= end) this.corrupt(`cannot read varint: input ends at ${this.at}`)
    let b = buf[this.at++]
    if (b < 0x80) return (b >>> 1) ^ -(b & 1)
    let v = b & 0x7f
    for (let shift = 7; ; shift += 7) {
      if (shift > 28) this.corrupt(`varint longer than 5 bytes at ${this.at}`)
      if (this.at >= end) this.corrupt(`cannot read varint: input ends at ${this.at}`)
      b = buf[this.at++]
      v |= (b & 0x7f) << shift
      if (b < 0x80) break
    }
    v >>>= 0
    return (v >>> 1) ^ -(v & 1)
  }

  /** Zigzag varlong (at most 10 bytes) within `end` as a JS number (exact for |v| < 2^52), as ByteReader.varlong reads it. */
  private varlong(end: number): number {
    const buf = this.data
    // Up to 4 bytes (28 bits) in int32 arithmetic, beyond that in doubles.
    let z = 0
    for (let i = 0; i < 4; i++) {
      if (this.at >= end) this.corrupt(`cannot read varlong: input ends at ${this.at}`)
      const b = buf[this.at++]
      z |= (b & 0x7f) << (7 * i)
      if (b < 0x80) return (z >>> 1) ^ -(z & 1)
    }
    let mul = 268435456
    for (let i = 4; ; i++) {
      if (this.at >= end) this.corrupt(`cannot read varlong: input ends at ${this.at}`)
      if (i >= 10) this.corrupt(`varlong longer than 10 bytes at ${this.at}`)
      const b = buf[this.at++]
      z += (b & 0x7f) * mul
      if (b < 0x80) break
      mul *= 128
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }

  /** `n` (>= 0) bytes as a view, within `end`. */
  private bytes(n: number, end: number, what: string): Buffer {
    const at = this.at
    if (at + n > end) this.corrupt(`cannot read ${what} of ${n} bytes: need ${n} bytes at ${at}, only ${end - at} left in the record`)
    this.at = at + n
    return bufferView(this.arrayBuffer, this.arrayOffset + at, n)
  }
}
