/**
 * A file picked in the browser, read in chunks for import/upload-chunk: each chunk's offset and its
 * bytes as base64 (the contract carries bytes as base64).
 *
 * Must stay true: chunks cover the file in order, each at most `chunkBytes` bytes, and only one
 * chunk is in memory at a time.
 */

/** The part of a File (or Blob) read here. */
export interface ChunkableFile {
  size: number
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> }
}

/** Base64 of `bytes` (standard alphabet, padded); the engine's own Uint8Array#toBase64 where it has one. */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64
  if (typeof native === 'function') return native.call(bytes)
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/** The chunks of `file`: `{ offset, data }` with data the base64 of bytes [offset, offset + chunkBytes). */
export async function* fileChunks(file: ChunkableFile, chunkBytes: number): AsyncGenerator<{ offset: number; data: string; bytes: number }, void, void> {
  for (let offset = 0; offset < file.size; offset += chunkBytes) {
    const buf = new Uint8Array(await file.slice(offset, Math.min(file.size, offset + chunkBytes)).arrayBuffer())
    yield { offset, data: bytesToBase64(buf), bytes: buf.length }
  }
}
