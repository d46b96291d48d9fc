/**
 * What tests/clients/kafkajs-codecs.ts uses of lz4js 0.2.0 beyond src/broker/codec/codec-libraries.d.ts
 * (the library ships no types): its frame-level functions, as lz4.js defines them.
 */
declare module 'lz4js' {
  /** Bytes to one LZ4 frame (independent blocks, content checksum). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array
  /** One LZ4 frame to bytes. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array
}
