/**
 * ByteWriter: a growable big-endian byte buffer with Kafka's primitive encodings (int8..int64,
 * unsigned varint, zigzag varint / varlong as in org.apache.kafka.common.utils.ByteUtils) and the
 * wire protocol's types (uint16, float64, int64 and varlong as bigint, uuid, length prefixes of
 * classic and compact strings / bytes / arrays, KIP-482).
 * Meant to be reused: `reset()` keeps the allocated buffer, so steady-state encoding allocates nothing.
 *
 * Must stay true: `buf[0, pos)` holds exactly what was written; int64 and varlong take JS numbers
 * int64 is exact for |v| <= 2^53, varlong for |v| < 2^52 (its zigzag form must stay below 2^53);
 * Kafka offsets, timestamps and timestamp deltas fit.
 */

const TWO_32 = 4294967296

/** Writes a signed int64 (exact for |v| <= 2^53) big-endian at `pos`. */
export function writeInt64BE(buf: Buffer, v: number, pos: number): void {
  const hi = Math.floor(v / TWO_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4)
}

/** Reads a signed int64 big-endian at `pos` as a JS number (exact for |v| <= 2^53). */
export function readInt64BE(buf: Uint8Array, pos: number): number {
  const hi = ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) | 0
  const lo = ((buf[pos + 4] << 24) | (buf[pos + 5] << 16) | (buf[pos + 6] << 8) | buf[pos + 7]) >>> 0
  return hi * TWO_32 + lo
}

/** Bytes taken by the zigzag varint (int32) encoding of `v`. */
export function sizeOfVarint(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0
  let n = 1
  while (z >= 0x80) {
    z >>>= 7
    n++
  }
  return n
}

/** Bytes taken by the zigzag varlong encoding of `v` (|v| < 2^52). */
export function sizeOfVarlong(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return sizeOfVarint(v)
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  let n = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

/**
 * Writes the zigzag varint of int32 `v` at `pos` without bounds checks (the caller ensured 5
 * bytes); returns the position after it. The encoder's hot path.
 */
export function putVarint(buf: Uint8Array, pos: number, v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0
  while (z >= 0x80) {
    buf[pos++] = (z & 0x7f) | 0x80
    z >>>= 7
  }
  buf[pos++] = z
  return pos
}

/** Copies `src` to `buf` at `pos` (caller ensured room); returns the position after it. */
export function putBytes(buf: Uint8Array, pos: number, src: Uint8Array): number {
  const n = src.length
  if (n < 96) {
    for (let i = 0; i < n; i++) buf[pos + i] = src[i]
  } else buf.set(src, pos)
  return pos + n
}

/**
 * The most UTF-8 bytes a string with an int16 length holds (Kafka's STRING type, in the classic
 * protocol versions and in the coordinator's record schemas).
 */
export const MAX_INT16_STRING_BYTES = 0x7fff

/** A growable write buffer. Not thread-safe; reuse it with reset(). */
export class ByteWriter {
  buf: Buffer
  pos = 0

  /** `initialCapacity` in bytes; the buffer doubles as needed. */
  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity)
  }

  /** Forget the contents, keep the allocation. */
  reset(): void {
    this.pos = 0
  }

  /** Make room for `n` more bytes (grows by doubling, keeping the contents). */
  ensure(n: number): void {
    const need = this.pos + n
    if (need <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < need) cap *= 2
    const next = Buffer.allocUnsafe(cap)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  int8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v & 0xff
  }

  int16(v: number): void {
    this.ensure(2)
    this.buf.writeInt16BE(v, this.pos)
    this.pos += 2
  }

  int32(v: number): void {
    this.ensure(4)
    this.buf.writeInt32BE(v, this.pos)
    this.pos += 4
  }

  uint32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v, this.pos)
    this.pos += 4
  }

  /** Signed int64 from a JS number (exact for |v| <= 2^53). */
  int64(v: number): void {
    this.ensure(8)
    writeInt64BE(this.buf, v, this.pos)
    this.pos += 8
  }

  /** Unsigned varint of a uint32. */
  uvarint(v: number): void {
    this.ensure(5)
    let z = v >>> 0
    const b = this.buf
    while (z >= 0x80) {
      b[this.pos++] = (z & 0x7f) | 0x80
      z >>>= 7
    }
    b[this.pos++] = z
  }

  /** Zigzag varint of an int32 (Kafka's ByteUtils.writeVarint). */
  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31))
  }

  /** Zigzag varlong (Kafka's ByteUtils.writeVarlong), exact for |v| < 2^52. */
  varlong(v: number): void {
    if (v >= -0x40000000 && v < 0x40000000) {
      this.varint(v)
      return
    }
    this.ensure(10)
    let z = v >= 0 ? v * 2 : -v * 2 - 1
    const b = this.buf
    while (z >= 128) {
      b[this.pos++] = (z % 128) | 0x80
      z = Math.floor(z / 128)
    }
    b[this.pos++] = z
  }

  /** Raw bytes. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length)
    this.buf.set(src, this.pos)
    this.pos += src.length
  }

  /** UTF-8 string without a length prefix; returns bytes written. */
  utf8(s: string): number {
    const n = Buffer.byteLength(s)
    this.ensure(n)
    this.buf.write(s, this.pos, n, 'utf8')
    this.pos += n
    return n
  }

  /** A copy of what was written. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos))
  }

  /** Unsigned int16 (the protocol's uint16, 0..65535). */
  uint16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
  }

  /** Signed int64 from a bigint (the protocol's int64, whole range). */
  int64n(v: bigint): void {
    this.ensure(8)
    this.buf.writeBigInt64BE(v, this.pos)
    this.pos += 8
  }

  /** IEEE 754 double (the protocol's float64). */
  float64(v: number): void {
    this.ensure(8)
    this.buf.writeDoubleBE(v, this.pos)
    this.pos += 8
  }

  /** Bool as one byte, 1 or 0 (Kafka's BOOLEAN). */
  bool(v: boolean): void {
    this.int8(v ? 1 : 0)
  }

  /**
   * A uuid given as Kafka's Uuid.toString prints it (22 characters of base64url, no padding).
   * @throws RangeError when `s` is not 22 base64url characters decoding to 16 bytes.
   */
  uuid(s: string, field?: string): void {
    const b = /^[A-Za-z0-9_-]{22}$/.test(s) ? Buffer.from(s, 'base64url') : null
    if (!b || b.length !== 16 || b.toString('base64url') !== s) {
      throw new RangeError(`${field ?? 'uuid'}: ${JSON.stringify(s)} is not a uuid (22 base64url characters, as Kafka's Uuid.toString)`)
    }
    this.bytes(b)
  }

  /** Zigzag varlong from a bigint (whole int64 range). */
  varlongn(v: bigint): void {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.ensure(10)
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80
      z >>= 7n
    }
    this.buf[this.pos++] = Number(z)
  }

  /**
   * A length prefix: `compact` = unsigned varint of n + 1 (null = -1 gives 0, KIP-482), else
   * int16 for strings and int32 for bytes and arrays (-1 = null).
   */
  length(n: number, kind: 'string' | 'bytes' | 'array', compact: boolean): void {
    if (compact) this.uvarint(n + 1)
    else if (kind === 'string') this.int16(n)
    else this.int32(n)
  }
}
