/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's record batch v2
 * (org.apache.kafka.common.utils.Crc32C). `crc32cJs` is table-driven slicing-by-8 in JavaScript
 * (eight 256-entry tables, eight bytes per step: ~1.7 GB/s here). `crc32c` hands ranges of
 * NATIVE_MIN_BYTES or more to the native addon when it is built (the CPU's SSE4.2 crc32
 * instruction, several times faster), and runs `crc32cJs` otherwise.
 *
 * Must stay true: results are unsigned 32-bit numbers (0..2^32-1), equal to Java's Crc32C for the
 * same bytes, whichever implementation ran; `crc32c(b)` equals `crc32c(b2, 0, n, crc32c(b1))` when
 * b = b1 ++ b2 (streaming).
 */
import { loadMmapAddon } from '../storage/mmap-backend'

const POLY = 0x82f63b78
/** Word reads assume little-endian memory order (x86, ARM); otherwise the byte loop runs. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** T[k][n]: CRC of byte n followed by k zero bytes (slicing-by-8 tables, flat: 8 x 256). */
const T = new Int32Array(8 * 256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1
  T[n] = c
}
for (let n = 0; n < 256; n++) {
  let c = T[n]
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff] ^ (c >>> 8)
    T[k * 256 + n] = c
  }
}

/**
 * CRC-32C of `buf[start, end)` in JavaScript (the reference implementation), continuing from `crc`
 * (the result of a previous call; 0 to start).
 * Returns an unsigned 32-bit number. Throws RangeError when the range lies outside `buf`.
 */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  if (start < 0 || end > buf.length || start > end) {
    throw new RangeError(`crc32c: range [${start}, ${end}) outside buffer of ${buf.length} bytes`)
  }
  let c = ~crc
  let i = start
  if (LITTLE_ENDIAN && end - start >= 64) {
    // Align to 4 bytes, then read two little-endian words per step through an Int32Array view.
    while (((buf.byteOffset + i) & 3) !== 0) c = T[(c ^ buf[i++]) & 0xff] ^ (c >>> 8)
    const words = ((end - i) >>> 3) << 1
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, words)
    for (let j = 0; j < words; j += 2) {
      const lo = c ^ w[j]
      const hi = w[j + 1]
      c =
        T[1792 + (lo & 0xff)] ^
        T[1536 + ((lo >>> 8) & 0xff)] ^
        T[1280 + ((lo >>> 16) & 0xff)] ^
        T[1024 + (lo >>> 24)] ^
        T[768 + (hi & 0xff)] ^
        T[512 + ((hi >>> 8) & 0xff)] ^
        T[256 + ((hi >>> 16) & 0xff)] ^
        T[hi >>> 24]
    }
    i += words << 2
  }
  const end8 = i + ((end - i) & ~7)
  while (i < end8) {
    const lo = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))
    c =
      T[1792 + (lo & 0xff)] ^
      T[1536 + ((lo >>> 8) & 0xff)] ^
      T[1280 + ((lo >>> 16) & 0xff)] ^
      T[1024 + (lo >>> 24)] ^
      T[768 + buf[i + 4]] ^
      T[512 + buf[i + 5]] ^
      T[256 + buf[i + 6]] ^
      T[buf[i + 7]]
    i += 8
  }
  while (i < end) c = T[(c ^ buf[i++]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

/** Ranges shorter than this stay in JavaScript (a native call costs about as much as this many bytes). */
export const NATIVE_MIN_BYTES = 256

type NativeCrc = (buf: Uint8Array, start: number, end: number, crc: number) => number
let nativeCrc: NativeCrc | null | undefined

/**
 * The addon's crc32c when the addon loads and has one (abiVersion 2 and later), else null.
 * Looked up once per JS realm.
 */
export function nativeCrc32c(): NativeCrc | null {
  if (nativeCrc === undefined) {
    const load = loadMmapAddon()
    const fn = load.ok ? (load.addon as { crc32c?: unknown }).crc32c : undefined
    nativeCrc = typeof fn === 'function' ? (fn as NativeCrc) : null
  }
  return nativeCrc
}

/**
 * CRC-32C of `buf[start, end)`, continuing from `crc` (the result of a previous call; 0 to start).
 * Returns an unsigned 32-bit number. Throws RangeError when the range lies outside `buf`.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  if (end - start >= NATIVE_MIN_BYTES) {
    const native = nativeCrc === undefined ? nativeCrc32c() : nativeCrc
    if (native !== null) {
      if (start < 0 || end > buf.length) throw new RangeError(`crc32c: range [${start}, ${end}) outside buffer of ${buf.length} bytes`)
      return native(buf, start, end, crc)
    }
  }
  return crc32cJs(buf, start, end, crc)
}

/** Which CRC-32C runs for large ranges, for the engine's startup log line. */
export function crc32cImplementation(): string {
  if (nativeCrc32c() === null) return 'JavaScript slicing-by-8'
  const load = loadMmapAddon()
  return load.ok && (load.addon as { crc32cHardware?: boolean }).crc32cHardware ? 'native, SSE4.2 crc32 instruction' : 'native, slicing-by-8'
}
