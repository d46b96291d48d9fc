/**
 * The zstd compressor of record batches (codec 4): Zstandard 1.5 compiled to WebAssembly by
 * `@hpcc-js/wasm-zstd` (the wasm is inlined in the package: no native build, no download, runs in
 * the engine's worker thread). It writes one zstd frame at level 3, Kafka's default
 * (compression.zstd.level, KIP-390), which fzstd, librdkafka, kafkajs' codecs and the Java client
 * read. Reading zstd is fzstd's job (compression.ts).
 *
 * WebAssembly is compiled asynchronously, and the engine's compression is synchronous, so the
 * module starts loading when this file is first imported (the engine imports it with its codecs,
 * long before a client can send a request) and compressZstd refuses, with a clear error, to work
 * before it is ready; `zstdCompressorReady()` resolves once it is (await it where the first write
 * may come before the loop has turned, as in tests).
 *
 * Must stay true: compressZstd is synchronous, returns a complete frame of exactly `data`, and
 * throws only KafkaError.
 */
import { KafkaError } from '../model/errors'

/** Kafka's default zstd level (compression.zstd.level, KIP-390). */
export const ZSTD_DEFAULT_LEVEL = 3

interface ZstdWasm {
  compress(data: Uint8Array, level?: number): Uint8Array
}

let zstd: ZstdWasm | null = null
let loadError: Error | null = null
const loading: Promise<void> = import('@hpcc-js/wasm-zstd')
  .then((m) => m.Zstd.load())
  .then(
    (z) => {
      zstd = z
    },
    (e: unknown) => {
      loadError = e instanceof Error ? e : new Error(String(e))
    }
  )

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
      ? `the zstd compressor (@hpcc-js/wasm-zstd) did not load: ${loadError.message}`
      : 'the zstd compressor (@hpcc-js/wasm-zstd) is still loading; retry the write'
  )
}

/**
 * `data` compressed as one zstd frame at `level` (default 3).
 * @throws KafkaError UNSUPPORTED_COMPRESSION_TYPE before the compressor has loaded (or when it
 *   failed to load); CORRUPT_MESSAGE if the compressor fails.
 */
export function compressZstd(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!zstd) throw notLoaded()
  let out: Uint8Array
  try {
    out = zstd.compress(data, level)
  } catch (e) {
    throw new KafkaError('CORRUPT_MESSAGE', `zstd compression of ${data.length} bytes failed: ${(e as Error).message}`)
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength)
}
