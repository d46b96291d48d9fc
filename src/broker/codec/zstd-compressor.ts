/**
 * The zstd compressor of record batches (codec 4): the Zstandard library compiled to WebAssembly,
 * `@bokuweb/zstd-wasm` (its .wasm ships in the npm package: no native build, no download; it runs in
 * the engine's worker thread). It writes one zstd frame at level 3, Kafka's default
 * (compression.zstd.level, KIP-390), which fzstd, librdkafka, kafkajs' codecs and the Java client
 * read. Reading zstd is fzstd's job (compression.ts).
 *
 * WebAssembly is compiled asynchronously (about 60 ms), and the engine's compression is
 * synchronous, so the module starts loading when this file is first imported (with the engine's
 * codecs) and compressZstd refuses, with a clear error, to work before it is ready. The async
 * entries of writes (the in-process producer's send, the wire Produce handler) first await
 * `zstdCompressorReady()` while `zstdCompressorLoaded()` is false, so no write meets a compressor
 * still loading; tests await it too.
 *
 * Must stay true: compressZstd is synchronous, returns a complete frame of exactly `data`, and
 * throws only KafkaError.
 */
import { compress as zstdCompress, init as zstdInit } from '@bokuweb/zstd-wasm'
import { KafkaError } from '../model/errors'

/** Kafka's default zstd level (compression.zstd.level, KIP-390). */
export const ZSTD_DEFAULT_LEVEL = 3

let loaded = false
let loadError: Error | null = null
const loading: Promise<void> = zstdInit().then(
  () => {
    loaded = true
  },
  (e: unknown) => {
    loadError = e instanceof Error ? e : new Error(String(e))
  }
)

/** True once the compressor has loaded (compressZstd works). */
export function zstdCompressorLoaded(): boolean {
  return loaded
}

/**
 * Resolves once the zstd compressor is loaded.
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE (rejects) when the WebAssembly module did not load.
 */
export async function zstdCompressorReady(): Promise<void> {
  await loading
  if (loadError) throw notLoaded()
}

function notLoaded(): KafkaError {
  return new KafkaError(
    'UNSUPPORTED_COMPRESSION_TYPE',
    loadError
      ? `the zstd compressor (@bokuweb/zstd-wasm) did not load: ${loadError.message}`
      : 'the zstd compressor (@bokuweb/zstd-wasm) is still loading; retry the write'
  )
}

/**
 * `data` compressed as one zstd frame at `level` (default 3).
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE before the compressor has loaded (or when it
 *   failed to load); CORRUPT_MESSAGE if the compressor fails.
 */
export function compressZstd(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!loaded) throw notLoaded()
  let out: Uint8Array
  try {
    out = zstdCompress(data, level)
  } catch (e) {
    throw new KafkaError('CORRUPT_MESSAGE', `zstd compression of ${data.length} bytes failed: ${(e as Error).message}`)
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}
