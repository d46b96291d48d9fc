/**
 * Type declarations for the pure-JS compression libraries compression.ts uses, which ship no
 * types of their own: only the functions used, with the shapes their sources have
 * (snappyjs 0.7.0 index.js; lz4js 0.2.0 lz4.js and xxh32.js).
 */
declare module 'snappyjs' {
  /** Raw snappy block to bytes; throws Error "... too big ..." past `maxLength`, "Invalid Snappy bitstream" when it does not decode. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array
  /** Bytes to one raw snappy block. */
  export function compress(uncompressed: Uint8Array): Uint8Array
}

declare module 'lz4js/xxh32.js' {
  /** xxHash32 of `src[index, index + length)` with `seed`. */
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number
}

declare module 'lz4js' {
  /** Upper bound (bytes) of one block's compressed size for `n` input bytes. */
  export function compressBound(n: number): number
  /**
   * Decodes the LZ4 block `src[sIndex, sIndex + sLength)` into `dst` from `dIndex`; returns the
   * end index in `dst` (writes past dst's end are dropped by the typed array but still counted).
   */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number
  /** Encodes `src[sIndex, sIndex + sLength)` as one LZ4 block into `dst`; returns its size (0: incompressible). */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number
}
