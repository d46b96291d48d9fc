/**
 * BatchScanner: walks the record batches of a log file (or a byte range of it) in file order,
 * reading in chunks so a scan costs one read per chunk, not one per batch. Yields each batch's
 * position, size and header fields; in `wholeBatches` mode the complete batch bytes are in
 * `buf[bufPos, bufPos + size)` (overwritten by the next call, copy what you keep).
 *
 * Must stay true: a scan stops at the first batch that is not sane (see checkBatchHeader), that
 * runs past `end`, or whose base offset is not above the previous batch's last offset, and reports why in `error` with its `position`, so recovery can truncate there
 * and readers can refuse with the file and position. Never yields a partial batch.
 */
import {
  BATCH_HEADER_SIZE,
  PRODUCER_EPOCH_POS,
  batchBaseSequence,
  batchProducerId,
  TIMESTAMP_TYPE_MASK,
  batchAttributes,
  batchBaseOffset,
  batchBaseTimestamp,
  batchCrcMatches,
  batchLastOffset,
  batchMaxTimestamp,
  batchPartitionLeaderEpoch,
  batchRecordCount,
  batchSize,
  checkBatchHeader
} from '../codec/record-batch'
import type { StorageFile } from './storage-types'

export class BatchScanner {
  private readonly file: StorageFile
  private readonly end: number
  private readonly whole: boolean
  private readonly chunkSize: number
  /** File position the chunk in `buf` starts at, and how many bytes of it are valid. */
  private chunkStart = 0
  private chunkLen = 0
  private nextPosition: number

  buf: Buffer
  /** Of the current batch: position in the file, position in `buf`, header fields. */
  position = -1
  bufPos = 0
  size = 0
  baseOffset = -1
  lastOffset = -1
  baseTimestamp = -1
  maxTimestamp = -1
  count = 0
  /** The batch's partitionLeaderEpoch (-1: none recorded) and attributes. */
  partitionLeaderEpoch = -1
  attributes = 0
  /** The batch's producer id (-1: not idempotent), producer epoch and base sequence (KIP-98). */
  producerId = -1
  producerEpoch = -1
  baseSequence = -1
  /** Why the scan stopped early (null at a clean end). `position` is then the bad batch's position. */
  error: string | null = null

  /**
   * Scans `file` from `start` to `end` (bytes; default its logical size). `wholeBatches` keeps each
   * complete batch in `buf`; else only headers are guaranteed. `chunkSize` bytes per read.
   */
  constructor(file: StorageFile, start = 0, end = file.size(), opts: { wholeBatches?: boolean; chunkSize?: number } = {}) {
    this.file = file
    this.end = end
    this.whole = opts.wholeBatches ?? false
    this.chunkSize = opts.chunkSize ?? 64 * 1024
    this.buf = Buffer.allocUnsafe(this.chunkSize)
    this.nextPosition = start
    this.chunkStart = start
  }

  /**
   * Makes `need` bytes from file position `pos` available in `buf` (fewer at `end`). In header
   * mode, once batches turn out larger than an eighth of a chunk, only the header is read, so a
   * scan of big batches reads about 61 bytes per batch instead of the whole file.
   */
  private ensure(pos: number, need: number): number {
    const avail = Math.min(need, this.end - pos)
    if (pos >= this.chunkStart && pos + avail <= this.chunkStart + this.chunkLen) return avail
    const want = !this.whole && this.size > this.chunkSize / 8 ? need : Math.max(this.chunkSize, need)
    const len = Math.min(want, this.end - pos)
    if (this.buf.length < len) this.buf = Buffer.allocUnsafe(len)
    this.chunkStart = pos
    this.chunkLen = this.file.readInto(pos, this.buf, 0, len)
    return Math.min(avail, this.chunkLen)
  }

  /** Advances to the next batch; false at the end or at a bad batch (then `error` is set). */
  next(): boolean {
    const pos = this.nextPosition
    if (pos >= this.end || this.error !== null) return false
    this.position = pos
    const remaining = this.end - pos
    this.ensure(pos, BATCH_HEADER_SIZE)
    let bp = pos - this.chunkStart
    // checkBatchHeader needs the header bytes in buf; `remaining` bounds the size check.
    const headerAvail = Math.min(remaining, this.chunkLen - bp)
    const reason = checkBatchHeader(this.buf, bp, headerAvail < BATCH_HEADER_SIZE ? headerAvail : remaining)
    if (reason !== null) {
      this.error = reason
      return false
    }
    const size = batchSize(this.buf, bp)
    const base = batchBaseOffset(this.buf, bp)
    if (this.lastOffset >= 0 && base <= this.lastOffset) {
      this.error = `batch offsets go backwards: base offset ${base} after last offset ${this.lastOffset}`
      return false
    }
    if (this.whole) {
      this.ensure(pos, size)
      bp = pos - this.chunkStart
      if (this.chunkLen - bp < size) {
        this.error = `batch of ${size} bytes could not be read whole`
        return false
      }
    }
    this.bufPos = bp
    this.size = size
    this.baseOffset = batchBaseOffset(this.buf, bp)
    this.lastOffset = batchLastOffset(this.buf, bp)
    this.baseTimestamp = batchBaseTimestamp(this.buf, bp)
    this.maxTimestamp = batchMaxTimestamp(this.buf, bp)
    this.count = batchRecordCount(this.buf, bp)
    this.partitionLeaderEpoch = batchPartitionLeaderEpoch(this.buf, bp)
    this.attributes = batchAttributes(this.buf, bp)
    this.producerId = batchProducerId(this.buf, bp)
    this.producerEpoch = this.buf.readInt16BE(bp + PRODUCER_EPOCH_POS)
    this.baseSequence = batchBaseSequence(this.buf, bp)
    this.nextPosition = pos + size
    return true
  }

  /**
   * The smallest timestamp the batch reports for a record, as far as its header tells: the append
   * time (maxTimestamp) of a LogAppendTime batch, else its baseTimestamp.
   */
  get minTimestamp(): number {
    return (this.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? this.maxTimestamp : this.baseTimestamp
  }

  /** In wholeBatches mode: true when the current batch's CRC-32C matches. */
  crcMatches(): boolean {
    return batchCrcMatches(this.buf, this.bufPos)
  }

  /** A copy of the current batch (wholeBatches mode). */
  copyBatch(): Buffer {
    return Buffer.from(this.buf.subarray(this.bufPos, this.bufPos + this.size))
  }
}
