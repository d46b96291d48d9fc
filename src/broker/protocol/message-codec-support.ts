/**
 * The runtime the generated message codecs (src/broker/protocol/messages/, written by
 * scripts/generate-protocol.mjs from Kafka's message specs) call into: length-prefixed strings,
 * bytes and arrays in their classic and compact forms (KIP-482), the tagged-field section of
 * flexible versions, the input shape encoders accept, and the error for a field a version cannot
 * carry (Kafka's UnsupportedVersionException).
 *
 * Must stay true: every integer written is checked against its wire type (a clear error naming the
 * field, never a silent wrap); every read is bounded (by the frame, or by a tagged field's declared size) and
 * throws a RangeError naming the field on truncated input, a negative length or a length larger
 * than what is left; a non-nullable field is never decoded or encoded as null; decoded bytes and
 * records are views into the input buffer (no copy), as Kafka's zero-copy fields are.
 */
import { ByteReader } from '../codec/byte-reader'
import { ByteWriter, MAX_INT16_STRING_BYTES } from '../codec/byte-writer'
import { KafkaError } from '../model/errors'

/**
 * The shape an encoder accepts for a message type `T`: every field optional, at any depth; a
 * missing field is encoded as its default (the spec's `default`, else 0, false, "", empty bytes,
 * empty array, zero uuid, null records), as Kafka's generated MessageData objects start out.
 */
export type MessageInput<T> = T extends Buffer
  ? T
  : T extends readonly (infer U)[]
    ? MessageInput<U>[]
    : T extends object
      ? { [K in keyof T]?: MessageInput<T[K]> }
      : T

/**
 * A message cannot be written in the requested version: a field absent from that version holds a
 * non-default value and is not `ignorable` (Kafka's UnsupportedVersionException from the generated
 * `write` methods), or the version is outside the message's valid versions.
 */
export class UnsupportedVersionError extends KafkaError {
  constructor(message: string) {
    super('UNSUPPORTED_VERSION', message)
    this.name = 'UnsupportedVersionError'
  }
}

/**
 * Checks an integer field's value fits its wire type before it is written.
 * @returns `v`. @throws RangeError naming the field when `v` is not an integer in [min, max].
 */
export function checkInt(v: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${field}: ${String(v)} is not an integer in [${min}, ${max}] (its wire type's range)`)
  }
  return v
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Checks an int64 field's value is a bigint within int64 before it is written (int64 fields are
 * bigints everywhere, so offsets and timestamps stay exact).
 * @returns `v`. @throws RangeError naming the field otherwise.
 */
export function checkInt64(v: bigint, field: string): bigint {
  if (typeof v !== 'bigint') throw new RangeError(`${field}: int64 fields take a bigint, got ${typeof v} ${String(v)}`)
  if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`${field}: ${v} is outside int64`)
  return v
}

/**
 * Reads a string (int16 length, or compact: unsigned varint length + 1); -1 / 0 is null.
 * @throws RangeError naming the field for null in a non-nullable field, a length past the input,
 *   or a classic string that is not valid UTF-8 and decodes to more than MAX_INT16_STRING_BYTES
 *   (no value of its type: an answer echoing it could not be written).
 */
export function readString(r: ByteReader, compact: boolean, nullable: boolean, field: string): string | null {
  const n = r.length('string', compact, field)
  if (n < 0) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was null`)
    return null
  }
  const s = r.utf8(n, field)
  // Invalid UTF-8 decodes with each bad byte as U+FFFD (3 bytes written): only past a third of the
  // int16 limit can a classic string grow beyond what its type holds.
  if (!compact && n > MAX_INT16_STRING_BYTES / 3) {
    const written = Buffer.byteLength(s)
    if (written > MAX_INT16_STRING_BYTES)
      throw new RangeError(
        `string ${field} of ${n} bytes is not valid UTF-8: decoded (each invalid byte a 3-byte U+FFFD) it is ${written} bytes, more than the ${MAX_INT16_STRING_BYTES} an int16 length holds`
      )
  }
  return s
}

/**
 * Writes a string (see readString).
 * @throws RangeError when null is written to a non-nullable field, or a classic string exceeds
 * 32767 bytes (int16 length).
 */
export function writeString(w: ByteWriter, s: string | null, compact: boolean, nullable: boolean, field: string): void {
  if (s === null) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was serialized as null`)
    w.length(-1, 'string', compact)
    return
  }
  const n = Buffer.byteLength(s)
  if (!compact && n > MAX_INT16_STRING_BYTES) throw new RangeError(`string field ${field} is ${n} bytes, longer than the ${MAX_INT16_STRING_BYTES} an int16 length allows`)
  w.length(n, 'string', compact)
  w.utf8(s)
}

/** Reads bytes or records (int32 length, or compact); a view into the input, or null. */
export function readBytes(r: ByteReader, compact: boolean, nullable: boolean, field: string): Buffer | null {
  const n = r.length('bytes', compact, field)
  if (n < 0) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was null`)
    return null
  }
  return r.bytes(n, field)
}

/** Writes bytes or records (see readBytes). @throws RangeError for null in a non-nullable field. */
export function writeBytes(w: ByteWriter, b: Uint8Array | null, compact: boolean, nullable: boolean, field: string): void {
  if (b === null) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was serialized as null`)
    w.length(-1, 'bytes', compact)
    return
  }
  w.length(b.length, 'bytes', compact)
  w.bytes(b)
}

/**
 * Reads an array (int32 count, or compact: unsigned varint count + 1); each element with `elem`.
 * @throws RangeError when the count is negative (and not a null of a nullable field) or larger than
 * the bytes left (Kafka's "Tried to allocate a collection of size N" check).
 */
export function readArray<T>(r: ByteReader, compact: boolean, nullable: boolean, field: string, elem: (r: ByteReader) => T): T[] | null {
  const n = r.length('array', compact, field)
  if (n < 0) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was null`)
    return null
  }
  const out: T[] = new Array(n)
  for (let i = 0; i < n; i++) out[i] = elem(r)
  return out
}

/** Writes an array (see readArray). @throws RangeError for null in a non-nullable field. */
export function writeArray<T>(w: ByteWriter, a: readonly T[] | null, compact: boolean, nullable: boolean, field: string, elem: (w: ByteWriter, e: T) => void): void {
  if (a === null) {
    if (!nullable) throw new RangeError(`non-nullable field ${field} was serialized as null`)
    w.length(-1, 'array', compact)
    return
  }
  w.length(a.length, 'array', compact)
  for (const e of a) elem(w, e)
}

/**
 * Reads a tagged-field section (unsigned varint count, then per field: unsigned varint tag,
 * unsigned varint size, the value). `onTag` gets a reader bounded to the field's bytes and returns
 * false for a tag it does not know, which is skipped (Kafka keeps those as unknown tagged fields;
 * here they are dropped).
 * @throws RangeError when tags are not strictly ascending, or a size passes the end.
 */
export function readTaggedFields(r: ByteReader, field: string, onTag: (tag: number, tr: ByteReader) => boolean): void {
  const count = r.uvarint(`${field} tagged fields`)
  let last = -1
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint(`${field} tag`)
    if (tag <= last) throw new RangeError(`${field}: tagged field ${tag} after ${last} (tags must be ascending)`)
    last = tag
    const size = r.uvarint(`${field} tagged field ${tag} size`)
    if (size > r.remaining()) {
      throw new RangeError(`${field}: tagged field ${tag} of ${size} bytes exceeds the ${r.remaining()} bytes left`)
    }
    const tr = new ByteReader(r.buf, r.pos, r.pos + size)
    onTag(tag, tr)
    r.pos += size
  }
}

/** One tagged field to write: its tag and a function writing its value. */
export type TaggedWrite = readonly [tag: number, write: (w: ByteWriter) => void]

/** Writes a tagged-field section from `fields` (already in ascending tag order, defaults left out). */
export function writeTaggedFields(w: ByteWriter, fields: readonly TaggedWrite[]): void {
  w.uvarint(fields.length)
  for (const [tag, write] of fields) {
    const tw = new ByteWriter(64)
    write(tw)
    w.uvarint(tag)
    w.uvarint(tw.pos)
    w.bytes(tw.buf.subarray(0, tw.pos))
  }
}

/** Reads a nullable struct's presence byte (KIP-893): -1 is null, anything else present. */
export function readStructPresence(r: ByteReader, field: string): boolean {
  return r.int8(field) >= 0
}

/** The reader for a decode input: a Buffer is read whole, a ByteReader from its position. */
export function readerOf(input: Buffer | ByteReader): ByteReader {
  return input instanceof ByteReader ? input : new ByteReader(input)
}

/**
 * Checks `version` is one of a message's valid versions before encoding or decoding it.
 * @throws UnsupportedVersionError naming the message and its range.
 */
export function checkVersion(name: string, version: number, min: number, max: number): void {
  if (!Number.isInteger(version) || version < min || version > max) {
    throw new UnsupportedVersionError(`${name} has no version ${version} (valid versions ${min}-${max})`)
  }
}
