/**
 * ByteReader: a cursor over a byte buffer with Kafka's primitive decodings (int8..int64, unsigned
 * varint, zigzag varint / varlong as in org.apache.kafka.common.utils.ByteUtils).
 *
 * Must stay true: every read checks bounds against `end` and throws a RangeError naming what was
 * being read, so a truncated or corrupt input never yields garbage silently.
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

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new RangeError(`cannot read ${what}: need ${n} bytes at ${this.pos}, only ${this.end - this.pos} left`)
    }
  }

  int8(): number {
    this.need(1, 'int8')
    return (this.buf[this.pos++] << 24) >> 24
  }

  int16(): number {
    this.need(2, 'int16')
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }

  int32(): number {
    this.need(4, 'int32')
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  uint32(): number {
    this.need(4, 'uint32')
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  /** Signed int64 as a JS number (exact for |v| <= 2^53). */
  int64(): number {
    this.need(8, 'int64')
    const v = readInt64BE(this.buf, this.pos)
    this.pos += 8
    return v
  }

  /** Unsigned varint up to 32 bits. */
  uvarint(): number {
    let v = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) throw new RangeError(`cannot read varint: input ends at ${this.pos}`)
      const b = this.buf[this.pos++]
      v |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return v >>> 0
      shift += 7
      if (shift > 28) throw new RangeError(`varint longer than 5 bytes at ${this.pos}`)
    }
  }

  /** Zigzag varint (int32). */
  varint(): number {
    const z = this.uvarint()
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
  bytes(n: number): Buffer {
    this.need(n, `${n} bytes`)
    const v = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }

  /** `n` bytes decoded as UTF-8. */
  utf8(n: number): string {
    this.need(n, `${n}-byte string`)
    const s = this.buf.toString('utf8', this.pos, this.pos + n)
    this.pos += n
    return s
  }
}
