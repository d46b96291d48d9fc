/**
 * The compression codecs of record batches v2 (attributes bits 0-2, Kafka's CompressionType):
 * 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. A compressed batch's records section (bytes 61..end)
 * is one compressed stream of the records; the header stays plain. This module compresses and
 * decompresses that section; the batch logic is in record-batch.ts.
 *
 * Formats (what real clients write and read):
 * - gzip: RFC 1952, Node's zlib (Kafka's GZIPInputStream; kafkajs, librdkafka and the Java client).
 * - snappy: written in xerial snappy-java's block framing, as the Java client writes it (magic
 *   `82 53 4e 41 50 50 59 00`, version 1, compatible version 1, then blocks of int32 length +
 *   raw snappy); read in that framing or as one plain raw snappy block, as librdkafka may send.
 *   Raw snappy blocks by `snappyjs` (pure JS).
 * - lz4: the LZ4 frame format (KIP-57: the header checksum is xxHash32 of the descriptor, >> 8),
 *   written as Kafka's KafkaLZ4BlockOutputStream does (version 01, independent blocks, 64 KiB
 *   blocks, no block or content checksum); read with any block size, block and content checksums
 *   verified when present. The frame is parsed here; LZ4 blocks and xxHash32 by `lz4js` (pure JS).
 * - zstd: read by `fzstd` (pure JS, streaming); written as one zstd frame at level 3 by
 *   zstd-compressor.ts (Zstandard compiled to WebAssembly; Node 20's zlib has no zstd).
 * The libraries are pure JS or WebAssembly (no native build), so they run in the engine's worker thread.
 *
 * Must stay true: decompression never produces more than the `maxBytes` bound it is given (a
 * stream that would inflate past it is refused with RECORD_TOO_LARGE before more memory is
 * taken); a stream that does not decode is CORRUPT_MESSAGE; nothing here throws anything else.
 */
import * as zlib from 'node:zlib'
import * as snappy from 'snappyjs'
import * as lz4 from 'lz4js'
import { hash as xxh32 } from 'lz4js/xxh32.js'
import { Decompress as ZstdDecompress } from 'fzstd'
import { KafkaError } from '../model/errors'
import { compressZstd } from './zstd-compressor'

/** Kafka's CompressionType ids (record batch attributes bits 0-2). */
export const CODEC_NONE = 0
export const CODEC_GZIP = 1
export const CODEC_SNAPPY = 2
export const CODEC_LZ4 = 3
export const CODEC_ZSTD = 4

/** Kafka's CompressionType names, by id. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
export const CODEC_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** The codec ids this broker can write (compressRecords): all of Kafka's. */
export const WRITABLE_CODECS: readonly number[] = [CODEC_NONE, CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4, CODEC_ZSTD]

/**
 * The default bound (bytes) on what one batch's records may inflate to when read back (the
 * message browser, the cleaner, fetches decoded by the engine): 256 MiB. Leader appends use a
 * tighter bound derived from max.message.bytes (see log-validator.ts).
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024

/** Name of codec `id` for messages ('codec 6' when unknown). */
export function codecName(id: number): string {
  return CODEC_NAMES[id] ?? `codec ${id}`
}

function tooLarge(codec: string, maxBytes: number): KafkaError {
  return new KafkaError('RECORD_TOO_LARGE', `${codec} records inflate past ${maxBytes} bytes, the most a batch may decompress to`)
}

function corrupt(codec: string, why: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', `${codec} records do not decompress: ${why}`)
}

/**
 * Decompresses the records section `data` of a batch compressed with codec `codec` (1-4).
 * @param maxBytes bound (bytes) on the result; inflating past it is refused.
 * @throws KafkaError RECORD_TOO_LARGE past `maxBytes`; CORRUPT_MESSAGE when `data` does not decode
 *   or the codec id is unknown.
 */
export function decompressRecords(codec: number, data: Uint8Array, maxBytes: number): Buffer {
  switch (codec) {
    case CODEC_GZIP:
      return gunzipBounded(data, maxBytes)
    case CODEC_SNAPPY:
      return snappyDecompress(data, maxBytes)
    case CODEC_LZ4:
      return lz4Decompress(data, maxBytes)
    case CODEC_ZSTD:
      return zstdDecompress(data, maxBytes)
    default:
      throw new KafkaError('CORRUPT_MESSAGE', `record batch uses unknown compression codec ${codec} (Kafka's are 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)`)
  }
}

/**
 * Compresses a records section with codec `codec` (0 returns a copy, 1 gzip, 2 snappy in xerial
 * framing, 3 lz4 frame, 4 one zstd frame at level 3).
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE for an unknown id, or zstd before its compressor
 *   has loaded (see zstd-compressor.ts).
 */
export function compressRecords(codec: number, data: Uint8Array): Buffer {
  switch (codec) {
    case CODEC_NONE:
      return Buffer.from(data)
    case CODEC_GZIP:
      return zlib.gzipSync(data)
    case CODEC_SNAPPY:
      return snappyXerialCompress(data)
    case CODEC_LZ4:
      return lz4Compress(data)
    case CODEC_ZSTD:
      return compressZstd(data)
    default:
      throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `this broker does not write ${codecName(codec)}-compressed batches (it writes none, gzip, snappy, lz4 and zstd)`)
  }
}

// ---- gzip ----------------------------------------------------------------------------------------

function gunzipBounded(data: Uint8Array, maxBytes: number): Buffer {
  try {
    // maxOutputLength makes zlib stop with ERR_BUFFER_TOO_LARGE instead of growing past the bound.
    return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) })
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge('gzip', maxBytes)
    throw corrupt('gzip', err.message)
  }
}

// ---- snappy --------------------------------------------------------------------------------------

/** xerial snappy-java's stream header: magic (8 bytes), version 1, compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16
/** snappy-java's default block size (SnappyOutputStream.DEFAULT_BLOCK_SIZE), 32 KiB. */
const XERIAL_BLOCK_SIZE = 32 * 1024

function isXerial(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false
  return true
}

function snappyRaw(block: Uint8Array, room: number, maxBytes: number): Uint8Array {
  try {
    return snappy.uncompress(block, room)
  } catch (e) {
    const msg = (e as Error).message
    if (msg.includes('too big')) throw tooLarge('snappy', maxBytes)
    throw corrupt('snappy', msg)
  }
}

function snappyDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (!isXerial(data)) return Buffer.from(snappyRaw(data, maxBytes, maxBytes))
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const parts: Uint8Array[] = []
  let total = 0
  for (let p = XERIAL_HEADER_SIZE; p < view.length; ) {
    if (view.length - p < 4) throw corrupt('snappy', `xerial block length cut at byte ${p}`)
    const len = view.readInt32BE(p)
    p += 4
    if (len < 0 || len > view.length - p) throw corrupt('snappy', `xerial block of ${len} bytes at byte ${p - 4} overruns the ${view.length}-byte stream`)
    const out = snappyRaw(view.subarray(p, p + len), maxBytes - total, maxBytes)
    total += out.length
    parts.push(out)
    p += len
  }
  return Buffer.concat(parts, total)
}

function snappyXerialCompress(data: Uint8Array): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]
  for (let p = 0; p < data.length; p += XERIAL_BLOCK_SIZE) {
    const c = snappy.compress(data.subarray(p, Math.min(p + XERIAL_BLOCK_SIZE, data.length)))
    const len = Buffer.alloc(4)
    len.writeInt32BE(c.length)
    parts.push(len, Buffer.from(c.buffer, c.byteOffset, c.byteLength))
  }
  return Buffer.concat(parts)
}

// ---- lz4 -----------------------------------------------------------------------------------------

const LZ4_MAGIC = 0x184d2204
/** Block maximum sizes by the BD byte's bits 4-6 (4: 64 KiB .. 7: 4 MiB). */
const LZ4_BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 }
const LZ4_WRITE_BLOCK = 64 * 1024
let lz4HashTable: Uint32Array | null = null

function lz4Decompress(data: Uint8Array, maxBytes: number): Buffer {
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  if (src.length < 7) throw corrupt('lz4', `a ${src.length}-byte stream is shorter than an LZ4 frame header`)
  if (src.readUInt32LE(0) !== LZ4_MAGIC) throw corrupt('lz4', `magic ${src.readUInt32LE(0).toString(16)} is not the LZ4 frame magic 184d2204`)
  const flg = src[4]
  const bd = src[5]
  if (flg >> 6 !== 1) throw corrupt('lz4', `frame version ${flg >> 6} is not 1`)
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) throw corrupt('lz4', 'reserved frame descriptor bits are set')
  const blockMax = LZ4_BLOCK_SIZES[(bd >> 4) & 7]
  if (blockMax === undefined) throw corrupt('lz4', `block maximum size id ${(bd >> 4) & 7} is not 4-7`)
  const blockChecksum = (flg & 0x10) !== 0
  const contentSize = (flg & 0x08) !== 0
  const contentChecksum = (flg & 0x04) !== 0
  const hcPos = 6 + (contentSize ? 8 : 0)
  if (src.length <= hcPos) throw corrupt('lz4', 'frame header cut')
  // KIP-57: the header checksum is the second byte of xxHash32 over the descriptor (FLG .. content size).
  const hc = (xxh32(0, src, 4, hcPos - 4) >>> 8) & 0xff
  if (hc !== src[hcPos]) throw corrupt('lz4', `frame header checksum ${src[hcPos]} is not ${hc} (KIP-57)`)
  if (contentSize) {
    const size = Number(src.readBigUInt64LE(6))
    if (size > maxBytes) throw tooLarge('lz4', maxBytes)
  }
  let p = hcPos + 1
  // Blocks decode into one buffer (so dependent blocks may refer back); its size is bounded by maxBytes.
  let sum = 0
  for (let q = p; ; ) {
    if (src.length - q < 4) throw corrupt('lz4', `block header cut at byte ${q}`)
    const word = src.readUInt32LE(q)
    if (word === 0) break
    const len = word & 0x7fffffff
    if (len > blockMax) throw corrupt('lz4', `block of ${len} bytes exceeds the frame's block maximum ${blockMax}`)
    sum += (word & 0x80000000) !== 0 ? len : blockMax
    q += 4 + len + (blockChecksum ? 4 : 0)
    if (q > src.length) throw corrupt('lz4', 'block overruns the stream')
  }
  const out = Buffer.alloc(Math.min(sum, maxBytes + 1))
  let o = 0
  for (;;) {
    const word = src.readUInt32LE(p)
    p += 4
    if (word === 0) break
    const len = word & 0x7fffffff
    const block = src.subarray(p, p + len)
    if (blockChecksum) {
      const want = src.readUInt32LE(p + len)
      if ((xxh32(0, src, p, len) >>> 0) !== want) throw corrupt('lz4', `block checksum mismatch at byte ${p - 4}`)
    }
    if ((word & 0x80000000) !== 0) {
      if (o + len > maxBytes) throw tooLarge('lz4', maxBytes)
      out.set(block, o)
      o += len
    } else {
      // lz4js drops writes past the end of `out` but still counts them, so an overrun shows in the result.
      const end = lz4.decompressBlock(src, out, p, len, o)
      if (!Number.isInteger(end) || end < o) throw corrupt('lz4', `block at byte ${p - 4} does not decode`)
      if (end > maxBytes) throw tooLarge('lz4', maxBytes)
      if (end > out.length || end - o > blockMax) throw corrupt('lz4', `block at byte ${p - 4} inflates past the frame's block maximum ${blockMax}`)
      o = end
    }
    p += len + (blockChecksum ? 4 : 0)
  }
  if (contentChecksum) {
    if (src.length - p < 4) throw corrupt('lz4', 'content checksum cut')
    if ((xxh32(0, out, 0, o) >>> 0) !== src.readUInt32LE(p)) throw corrupt('lz4', 'content checksum mismatch')
  }
  return out.subarray(0, o)
}

function lz4Compress(data: Uint8Array): Buffer {
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0])
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff
  const parts: Buffer[] = [header]
  const table = (lz4HashTable ??= new Uint32Array(1 << 16))
  const dst = Buffer.alloc(lz4.compressBound(LZ4_WRITE_BLOCK))
  for (let p = 0; p < data.length; p += LZ4_WRITE_BLOCK) {
    const block = data.subarray(p, Math.min(p + LZ4_WRITE_BLOCK, data.length))
    table.fill(0)
    const n = lz4.compressBlock(block, dst, 0, block.length, table)
    const len = Buffer.alloc(4)
    if (n === 0 || n >= block.length) {
      len.writeUInt32LE((0x80000000 | block.length) >>> 0)
      parts.push(len, Buffer.from(block))
    } else {
      len.writeUInt32LE(n)
      parts.push(len, Buffer.from(dst.subarray(0, n)))
    }
  }
  parts.push(Buffer.alloc(4))
  return Buffer.concat(parts)
}

// ---- zstd ----------------------------------------------------------------------------------------

/** Windows up to 8 MiB (the zstd format's recommended decoder support) are accepted whatever the bound. */
const ZSTD_MIN_WINDOW_ALLOWED = 8 * 1024 * 1024

/**
 * The window size (bytes) the zstd frame at the start of `data` asks the decoder to allocate (RFC
 * 8878 section 3.1.1.1), or null when `data` does not start with a zstd frame header.
 */
function zstdWindowSize(data: Uint8Array): number | null {
  if (data.length < 6 || data[0] !== 0x28 || data[1] !== 0xb5 || data[2] !== 0x2f || data[3] !== 0xfd) return null
  const fhd = data[4]
  const singleSegment = (fhd & 0x20) !== 0
  if (!singleSegment) {
    const wd = data[5]
    const base = 2 ** (10 + (wd >> 3))
    return base + (base / 8) * (wd & 7)
  }
  const dictBytes = [0, 1, 2, 4][fhd & 3]
  const fcsBytes = [1, 2, 4, 8][fhd >> 6]
  let p = 5 + dictBytes
  if (data.length < p + fcsBytes) return null
  let size = 0
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + data[p + i]
  return fcsBytes === 2 ? size + 256 : size
}

function zstdDecompress(data: Uint8Array, maxBytes: number): Buffer {
  const window = zstdWindowSize(data)
  if (window === null) throw corrupt('zstd', 'the stream does not start with a zstd frame header (magic 28 b5 2f fd)')
  // fzstd allocates the frame's window up front: a window past the bound is refused before that.
  if (window > Math.max(maxBytes, ZSTD_MIN_WINDOW_ALLOWED)) throw tooLarge('zstd', maxBytes)
  const parts: Uint8Array[] = []
  let total = 0
  let over = false
  const d = new ZstdDecompress((chunk) => {
    total += chunk.length
    if (total > maxBytes) over = true
    else parts.push(chunk.slice())
  })
  try {
    // Fed in slices so that a stream past the bound stops early instead of inflating whole.
    for (let p = 0; p < data.length && !over; p += 16 * 1024) d.push(data.subarray(p, Math.min(p + 16 * 1024, data.length)), p + 16 * 1024 >= data.length)
  } catch (e) {
    if (over) throw tooLarge('zstd', maxBytes)
    throw corrupt('zstd', (e as Error).message)
  }
  if (over) throw tooLarge('zstd', maxBytes)
  return Buffer.concat(parts, total)
}
