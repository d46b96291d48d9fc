/**
 * RecordCursor: walks the records of one record batch v2 in place, in the bytes of its records
 * section (the batch's own bytes when uncompressed, the decompressed records otherwise), without
 * building an object per record: after each `next()` it holds the record's offset, timestamp and
 * the positions and lengths of its key, value and headers in `data`, and its payload size. The
 * message search matches those bytes where they lie and materializes a record (`toRecord`, copies)
 * only for a match.
 *
 * Record layout (https://kafka.apache.org/documentation/#record): length varint | attributes int8 |
 * timestampDelta varlong | offsetDelta varint | keyLength varint (-1 = null) | key | valueLength
 * varint (-1 = null) | value | headers count varint | per header: keyLength varint, key (UTF-8),
 * valueLength varint (-1 = null), value. A LogAppendTime batch's records all carry its
 * maxTimestamp (as decodeRecordsInto reports them).
 *
 * Must stay true: the cursor reads exactly what decodeRecordsInto decodes (same offsets,
 * timestamps, keys, values, headers), never reads outside [start, end), and a record that does not
 * parse, or bytes left after the batch's count of records, throw KafkaError CORRUPT_MESSAGE naming
 * the batch's base offset, as decoding does.
 */
import { KafkaError } from '../../broker/model/errors'
import type { RecordBatchInfo } from '../../broker/codec/batch-info'
import { recordSequence } from '../../broker/codec/batch-info'
import { payloadSize } from '../../broker/cluster/record-size'
import type { ConsumerRecord } from './engine-records'

/** The batch facts a cursor needs besides its records section. */
export interface CursorBatch {
  baseOffset: number
  baseTimestamp: number
  /** The batch's maxTimestamp for a LogAppendTime batch (every record's timestamp), else null. */
  appendTime: number | null
  /** The batch's record count (records count field). */
  count: number
}

/** An in-place walk over one batch's records; see the module comment. */
export class RecordCursor {
  /** The bytes the current batch's records lie in. */
  data: Buffer = Buffer.alloc(0)
  /** Of the current record (after a `next()` that returned true). */
  offset = -1
  /** Record timestamp, ms. */
  timestamp = -1
  /** Key position in `data` and length in bytes; keyLength -1 for a null key. */
  keyStart = 0
  keyLength = -1
  /** Value position in `data` and length in bytes; valueLength -1 for a null value. */
  valueStart = 0
  valueLength = -1
  /** Number of headers; header i's key and value are at headerKeyStart[i] etc. (value length -1: null). */
  headerCount = 0
  headerKeyStart = new Int32Array(8)
  headerKeyLength = new Int32Array(8)
  headerValueStart = new Int32Array(8)
  headerValueLength = new Int32Array(8)
  /** Bytes of key, value, header keys and header values of the record (ConsumerRecord.sizeBytes for UTF-8 header keys). */
  payloadBytes = 0

  private pos = 0
  private end = 0
  private left = 0
  private index = 0
  private batch: CursorBatch = { baseOffset: 0, baseTimestamp: 0, appendTime: null, count: 0 }

  /** Starts on the records of a batch: `data[start, end)` holds its `batch.count` records. */
  reset(data: Buffer, start: number, end: number, batch: CursorBatch): void {
    this.data = data
    this.pos = start
    this.end = end
    this.left = batch.count
    this.index = 0
    this.batch = batch
  }

  /**
   * Moves to the next record; false after the last one.
   * @throws KafkaError CORRUPT_MESSAGE when a record does not parse or bytes follow the last record.
   */
  next(): boolean {
    if (this.left === 0) {
      if (this.pos !== this.end) this.corrupt(`has ${this.end - this.pos} bytes after its ${this.batch.count} records`)
      return false
    }
    this.left--
    const len = this.varint()
    const recEnd = this.pos + len
    if (len < 0 || recEnd > this.end) this.corrupt(`record ${this.index} length ${len} overruns the batch`)
    this.pos++ // attributes
    const delta = this.varlong()
    this.timestamp = this.batch.appendTime ?? this.batch.baseTimestamp + delta
    this.offset = this.batch.baseOffset + this.varint()
    let payload = 0
    const keyLength = this.varint()
    this.keyStart = this.pos
    this.keyLength = keyLength < 0 ? -1 : keyLength
    if (keyLength > 0) {
      this.skip(keyLength, recEnd)
      payload += keyLength
    }
    const valueLength = this.varint()
    this.valueStart = this.pos
    this.valueLength = valueLength < 0 ? -1 : valueLength
    if (valueLength > 0) {
      this.skip(valueLength, recEnd)
      payload += valueLength
    }
    const hn = this.varint()
    if (hn < 0) this.corrupt(`record ${this.index} has ${hn} headers`)
    if (hn > this.headerKeyStart.length) this.growHeaders(hn)
    for (let h = 0; h < hn; h++) {
      const kl = this.varint()
      if (kl < 0) this.corrupt(`record ${this.index} header ${h} has key length ${kl}`)
      this.headerKeyStart[h] = this.pos
      this.headerKeyLength[h] = kl
      this.skip(kl, recEnd)
      const vl = this.varint()
      this.headerValueStart[h] = this.pos
      this.headerValueLength[h] = vl < 0 ? -1 : vl
      if (vl > 0) this.skip(vl, recEnd)
      payload += kl + (vl > 0 ? vl : 0)
    }
    this.headerCount = hn
    if (this.pos !== recEnd) this.corrupt(`record ${this.index} length ${len} disagrees with its contents`)
    this.payloadBytes = payload
    this.index++
    return true
  }

  /**
   * The current record as a ConsumerRecord of `topic`-`partition`, as ClusterApi.fetch returns it,
   * with its own copies of key, value and header values (so it does not keep the read's buffer alive).
   */
  toRecord(topic: string, partition: number, batch: RecordBatchInfo): ConsumerRecord {
    const copy = (start: number, length: number) => (length < 0 ? null : Buffer.from(this.data.subarray(start, start + length)))
    const headers = []
    for (let h = 0; h < this.headerCount; h++)
      headers.push({
        key: this.data.toString('utf8', this.headerKeyStart[h], this.headerKeyStart[h] + this.headerKeyLength[h]),
        value: copy(this.headerValueStart[h], this.headerValueLength[h])
      })
    const r = { offset: this.offset, timestamp: this.timestamp, key: copy(this.keyStart, this.keyLength), value: copy(this.valueStart, this.valueLength), headers }
    return {
      topic,
      partition,
      ...r,
      sizeBytes: payloadSize(r),
      batch,
      sequence: recordSequence(batch.baseSequence, batch.baseOffset, r.offset)
    }
  }

  private growHeaders(n: number): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(Math.max(n, a.length * 2))
      b.set(a)
      return b
    }
    this.headerKeyStart = grow(this.headerKeyStart)
    this.headerKeyLength = grow(this.headerKeyLength)
    this.headerValueStart = grow(this.headerValueStart)
    this.headerValueLength = grow(this.headerValueLength)
  }

  private skip(n: number, limit: number): void {
    if (this.pos + n > limit) this.corrupt(`record ${this.index} field of ${n} bytes overruns the record`)
    this.pos += n
  }

  /** Zigzag varint (int32), bounded by `end`. */
  private varint(): number {
    const d = this.data
    let v = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) this.corrupt(`record ${this.index}: varint runs past the batch`)
      const b = d[this.pos++]
      v |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) break
      shift += 7
      if (shift > 28) this.corrupt(`record ${this.index}: varint longer than 5 bytes`)
    }
    return (v >>> 1) ^ -(v & 1)
  }

  /** Zigzag varlong as a number (exact for |v| < 2^52), bounded by `end`. */
  private varlong(): number {
    const d = this.data
    let z = 0
    let mul = 1
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.corrupt(`record ${this.index}: varlong runs past the batch`)
      if (i >= 10) this.corrupt(`record ${this.index}: varlong longer than 10 bytes`)
      const b = d[this.pos++]
      z += (b & 0x7f) * mul
      if ((b & 0x80) === 0) break
      mul *= 128
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }

  private corrupt(why: string): never {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${this.batch.baseOffset} does not decode: ${why}`)
  }
}
