/**
 * ByteReader: a cursor over a byte buffer with Kafka's primitive decodings (int8..int64, unsigned
 * varint, zigzag varint / varlong as in org.apache.kafka.common.utils.ByteUtils) and the wire
 * protocol's types (org.apache.kafka.common.protocol.types: uint16, float64, int64 as bigint, uuid,
 * unsigned varint lengths of compact strings / bytes / arrays, KIP-482).
 *
 * Must stay true: every read checks bounds against `end` and throws a RangeError naming what was
 * being read (and the field, when the caller names one), so a truncated or corrupt input never
 * yields garbage silently.
 */
import { readInt64BE } from './byte-writer'

/** A bounded read cursor. `pos` is the next byte to read; reads never pass `end`. */
export class ByteReader {
  readonly buf: Buffer
  pos: number
  readonly end: number

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  /** Bytes left before `end`. */
  remaining(): number {
    return this.end - this.pos
  }

  private need(n: number, what: string, field?: string): void {
    if (this.pos + n > this.end) {
      throw new RangeError(
        `cannot read ${what}${field ? ` ${field}` : ''}: need ${n} bytes at ${this.pos}, only ${this.end - this.pos} left`
      )
    }
  }

  /** Reads a int8; `field` names what is read in the error. */
  int8(field?: string): number {
    this.need(1, 'int8', field)
    return (this.buf[this.pos++] << 24) >> 24
  }

  /** Reads a int16; `field` names what is read in the error. */
  int16(field?: string): number {
    this.need(2, 'int16', field)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  /** Reads a int32; `field` names what is read in the error. */
  int32(field?: string): number {
    this.need(4, 'int32', field)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** Reads a uint32; `field` names what is read in the error. */
  uint32(field?: string): number {
    this.need(4, 'uint32', field)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** Signed int64 as a JS number (exact for |v| <= 2^53). */
  int64(field?: string): number {
    this.need(8, 'int64', field)
    const v = readInt64BE(this.buf, this.pos)
    this.pos += 8
    return v
  }

  /** Unsigned varint up to 32 bits. */
  uvarint(field?: string): number {
    let v = 0
    let shift = 0
    const of = field ? ` ${field}` : ''
    for (;;) {
      if (this.pos >= this.end) throw new RangeError(`cannot read varint${of}: input ends at ${this.pos}`)
      const b = this.buf[this.pos++]
      v |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return v >>> 0
      shift += 7
      if (shift > 28) throw new RangeError(`varint${of} longer than 5 bytes at ${this.pos}`)
    }
  }

  /** Zigzag varint (int32). */
  varint(field?: string): number {
    const z = this.uvarint(field)
    return (z >>> 1) ^ -(z & 1)
  }

  /** Zigzag varlong as a JS number (exact for |v| < 2^52). */
  varlong(): number {
    let z = 0
    let mul = 1
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw new RangeError(`cannot read varlong: input ends at ${this.pos}`)
      if (i >= 10) throw new RangeError(`varlong longer than 10 bytes at ${this.pos}`)
      const b = this.buf[this.pos++]
      z += (b & 0x7f) * mul
      if ((b & 0x80) === 0) break
      mul *= 128
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }

  /** `n` bytes as a view into the underlying buffer (no copy). */
  bytes(n: number, field?: string): Buffer {
    this.need(n, `${n} bytes`, field)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  /** `n` bytes decoded as UTF-8. */
  utf8(n: number, field?: string): string {
    this.need(n, `${n}-byte string`, field)
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }

  /** Moves past `n` bytes (an unknown tagged field); throws like a read when fewer are left. */
  skip(n: number, field?: string): void {
    this.need(n, `${n} bytes`, field)
    this.pos += n
  }

  /** Reads an unsigned int16 (the protocol's uint16). */
  uint16(field?: string): number {
    this.need(2, 'uint16', field)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  /** Reads a signed int64 as a bigint (exact over the whole range; the protocol's int64). */
  int64n(field?: string): bigint {
    this.need(8, 'int64', field)
    const v = this.buf.readBigInt64BE(this.pos)
    this.pos += 8
    return v
  }

  /** Reads an IEEE 754 double (the protocol's float64). */
  float64(field?: string): number {
    this.need(8, 'float64', field)
    const v = this.buf.readDoubleBE(this.pos)
    this.pos += 8
    return v
  }

  /** Reads a bool: one byte, non-zero is true (Kafka's BOOLEAN). */
  bool(field?: string): boolean {
    return this.int8(field) !== 0
  }

  /**
   * Reads a 16-byte uuid as Kafka's Uuid.toString prints it: 22 characters of base64url without
   * padding (the zero uuid is "AAAAAAAAAAAAAAAAAAAAAA").
   */
  uuid(field?: string): string {
    this.need(16, 'uuid', field)
    const s = this.buf.toString('base64url', this.pos, this.pos + 16)
    this.pos += 16
    return s
  }

  /** Zigzag varlong as a bigint (exact over the whole int64 range). */
  varlongn(field?: string): bigint {
    let z = 0n
    let shift = 0n
    const of = field ? ` ${field}` : ''
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw new RangeError(`cannot read varlong${of}: input ends at ${this.pos}`)
      if (i >= 10) throw new RangeError(`varlong${of} longer than 10 bytes at ${this.pos}`)
      const b = this.buf[this.pos++]
      z |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) break
      shift += 7n
    }
    z = BigInt.asUintN(64, z)
    return (z >> 1n) ^ -(z & 1n)
  }

  /**
   * Reads a length prefix and checks it against what is left: `compact` = unsigned varint of
   * length + 1 (0 = null, KIP-482), else int16 (strings) or int32 (bytes, arrays) with -1 = null.
   * `unit` is the least bytes one element takes (1 for strings/bytes; 1 for arrays, as Kafka's
   * "Tried to allocate a collection of size N, but there are only M bytes remaining" check).
   * @returns the length, or -1 for null.
   * @throws RangeError when the prefix is truncated, below -1, or larger than the bytes left.
   */
  length(kind: 'string' | 'bytes' | 'array', compact: boolean, field?: string): number {
    const of = field ? ` ${field}` : ''
    let n: number
    if (compact) n = this.uvarint(field) - 1
    else n = kind === 'string' ? this.int16(field) : this.int32(field)
    if (n < -1) throw new RangeError(`negative length ${n} of ${kind}${of} at ${this.pos}`)
    if (n > this.end - this.pos) {
      throw new RangeError(`${kind}${of} of length ${n} at ${this.pos} exceeds the ${this.end - this.pos} bytes left`)
    }
    return n
  }
}
