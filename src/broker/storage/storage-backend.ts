/**
 * Chooses the storage backend the engine runs on: the memory-mapped addon when it loads, else
 * positional file I/O. Owns the one log line saying which backend runs.
 *
 * Must stay true: 'auto' never fails (the addon is optional: `npm install` succeeds without it);
 * 'mmap' fails loudly when the addon is missing; the choice is logged once per JS realm (the
 * engine's worker thread logs its own).
 */
import { StorageError } from '../model/errors'
import { crc32cImplementation } from '../codec/crc32c'
import { FileBackend } from './file-backend'
import { MmapBackend, loadMmapAddon } from './mmap-backend'
import type { StorageBackend } from './storage-types'

/** Which backend to run: 'auto' = mmap when the addon loads, else file. */
export type StorageBackendKind = 'auto' | 'mmap' | 'file'

let logged = false

/**
 * Returns a StorageBackend of the requested kind. 'auto' picks mmap when the native addon loads,
 * else the file backend; 'mmap' throws StorageError (KAFKA_STORAGE_ERROR) naming the addon path and
 * the reason when it does not load; 'file' always gives the file backend. Logs once which backend
 * runs and which CRC-32C, through `log` (default console.info), e.g.
 * `brokerlab storage: mmap backend (native addon …); CRC-32C: native, SSE4.2 crc32 instruction`.
 */
export function loadStorageBackend(kind: StorageBackendKind, log: (line: string) => void = console.info): StorageBackend {
  let backend: StorageBackend
  let line: string
  if (kind === 'file') {
    backend = new FileBackend()
    line = 'brokerlab storage: file backend (positional file I/O, requested)'
  } else {
    const load = loadMmapAddon()
    if (load.ok) {
      backend = new MmapBackend(load.addon)
      line = `brokerlab storage: mmap backend (native addon ${load.path})`
    } else if (kind === 'mmap') {
      throw new StorageError('KAFKA_STORAGE_ERROR', load.path ?? 'native addon', `mmap backend requested but unavailable: ${load.reason}`)
    } else {
      backend = new FileBackend()
      line = `brokerlab storage: file backend (positional file I/O; mmap addon unavailable: ${load.reason})`
    }
  }
  if (!logged) {
    logged = true
    log(`${line}; CRC-32C: ${crc32cImplementation()}`)
  }
  return backend
}
