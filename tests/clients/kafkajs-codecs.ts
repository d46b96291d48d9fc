/**
 * Snappy and LZ4 codecs for kafkajs 2.2.4, which ships only gzip and takes the others as plug-ins
 * (`CompressionCodecs[type] = () => ({ compress(encoder), decompress(buffer) })`, the shape of the
 * kafkajs-snappy and kafkajs-lz4 packages). No such package is installed here, so the suite plugs in
 * the pure-JS libraries already in node_modules: `snappyjs` (raw snappy blocks, as kafkajs-snappy
 * writes them; xerial-framed input, as the Java client writes it, is read too) and `lz4js` (the LZ4
 * frame format, as kafkajs-lz4 writes it). They are independent of the broker's codec code
 * (src/broker/codec/compression.ts uses the same libraries but its own framing).
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs'
import * as lz4 from 'lz4js'
import * as snappy from 'snappyjs'

/** xerial snappy-java's stream magic, `82 'SNAPPY' 00`. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])

/** Decodes raw snappy, or xerial framing (16-byte header, then blocks of int32 length + raw snappy). */
function snappyDecompress(buf: Buffer): Buffer {
  if (buf.length < 16 || !buf.subarray(0, 8).equals(XERIAL_MAGIC)) return Buffer.from(snappy.uncompress(buf))
  const parts: Buffer[] = []
  for (let pos = 16; pos < buf.length; ) {
    const len = buf.readInt32BE(pos)
    parts.push(Buffer.from(snappy.uncompress(buf.subarray(pos + 4, pos + 4 + len))))
    pos += 4 + len
  }
  return Buffer.concat(parts)
}

/** Registers the snappy and LZ4 codecs with kafkajs (process-wide, idempotent). */
export function registerKafkajsCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(snappy.compress(encoder.buffer)),
    decompress: async (buffer: Buffer) => snappyDecompress(buffer)
  })
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(lz4.compress(encoder.buffer)),
    decompress: async (buffer: Buffer) => Buffer.from(lz4.decompress(buffer))
  })
}
