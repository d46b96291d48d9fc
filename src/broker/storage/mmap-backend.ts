/**
 * The memory-mapped storage backend: StorageBackend / StorageFile over the native addon in native/
 * (brokerlab_mmap.node, a context-aware Node-API addon). Owns finding and loading the addon, and
 * wrapping its MappedFile so every failure becomes a StorageError naming the file.
 *
 * Must stay true:
 * - Writes copy into the page cache (under 4 KiB through the mapping, larger ones, record batches,
 *   with pwrite, which costs about half the CPU of faulting fresh pages of the mapping in); reads copy
 *   into JS-owned buffers (under 16 KiB from the mapping, larger ones with pread from the same page
 *   cache, which avoids faulting whole folios into the process). JavaScript never holds a pointer into a mapping (the addon is built with
 *   NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED), so a remap or close can never leave a dangling view. This
 *   is what Electron's V8 sandbox requires.
 * - The file-backed RSS of each mapping stays bounded (~32 MiB): past that much copying the addon
 *   releases the mapping's pages from the process (MADV_DONTNEED; they stay in the page cache).
 * - The addon is found both from the source tree (tsx, vitest) and from the electron-vite bundle in
 *   out/main: `native/build/Release/brokerlab_mmap.node` under the nearest ancestor directory holding
 *   a package.json; BROKERLAB_NATIVE_PATH (a path to the .node file) overrides the search.
 * - While a file is open its on-disk length is the mapped capacity (reserved, zero-filled past the
 *   logical size): what `preallocate` asked for, then growth steps of at most 4 MiB
 *   (native/src/mapped_file.cc kMaxGrowth), so an open file reserves at most a few MiB beyond its
 *   data; close() trims it to the logical size, as Kafka trims its indexes.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StorageError } from '../model/errors'
import type { StorageBackend, StorageFile } from './storage-types'

/** The addon's file name without `.node`. */
export const MMAP_ADDON_NAME = 'brokerlab_mmap'

/** The native MappedFile object (native/src/mapped_file.h). Sizes and positions in bytes. */
export interface NativeMappedFile {
  size(): number
  capacity(): number
  write(position: number, data: Uint8Array): void
  read(position: number, length: number): Buffer
  readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number
  truncate(size: number): void
  flush(): void
  close(): void
  isClosed(): boolean
}

/** What the addon exports. */
export interface MmapAddon {
  /** Opens (creating when `create`) and maps `path`; the file grows to at least `capacity` bytes. */
  MappedFile: new (path: string, create: boolean, capacity: number) => NativeMappedFile
  pageSize: number
  abiVersion: number
}

/** Result of trying to load the addon: the addon and where it came from, or why it did not load. */
export type MmapAddonLoad = { ok: true; addon: MmapAddon; path: string } | { ok: false; path: string | null; reason: string }

function moduleDir(): string {
  // CJS (electron-vite's main/worker bundle, tsx) has __dirname; ESM (vitest) has import.meta.url.
  if (typeof __dirname === 'string') return __dirname
  return dirname(fileURLToPath(import.meta.url))
}

/**
 * Where the addon should be: BROKERLAB_NATIVE_PATH when set, else
 * `<dir>/native/build/Release/brokerlab_mmap.node` for the nearest ancestor `<dir>` of `startDir`
 * (default: this module's directory) that contains a package.json. Null when no such ancestor exists.
 */
export function resolveMmapAddonPath(startDir: string = moduleDir()): string | null {
  const override = process.env.BROKERLAB_NATIVE_PATH
  if (override) return resolve(override)
  let dir = resolve(startDir)
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      return join(dir, 'native', 'build', 'Release', `${MMAP_ADDON_NAME}.node`)
    }
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

let cached: MmapAddonLoad | undefined

/**
 * Loads the addon once per JS realm (each worker thread loads its own instance; the addon is
 * context-aware). Never throws: a missing or unloadable addon is reported as `{ ok: false, reason }`.
 */
export function loadMmapAddon(): MmapAddonLoad {
  if (cached) return cached
  const path = resolveMmapAddonPath()
  if (path === null) {
    cached = { ok: false, path: null, reason: `no package.json above ${moduleDir()}, cannot locate native/` }
  } else if (!existsSync(path)) {
    cached = { ok: false, path, reason: `${path} not found (the addon was not built)` }
  } else {
    try {
      const req = createRequire(join(dirname(path), 'loader.js'))
      const addon = req(path) as MmapAddon
      if (typeof addon.MappedFile !== 'function') throw new Error('MappedFile export missing')
      cached = { ok: true, addon, path }
    } catch (e) {
      cached = { ok: false, path, reason: `${path} did not load: ${(e as Error).message}` }
    }
  }
  return cached
}

/**
 * The StorageError (KAFKA_STORAGE_ERROR) the mmap backend throws when the addon fails on `path` with
 * `e` (the addon's Error, whose message names the syscall, the path and the errno text and code,
 * e.g. "grow (fallocate/ftruncate) /d/x.log: No space left on device (ENOSPC)"); `position` in bytes.
 */
export function mmapBackendError(path: string, e: unknown, position?: number): StorageError {
  const msg = e instanceof Error ? e.message : String(e)
  return new StorageError('KAFKA_STORAGE_ERROR', path, `mmap backend: ${msg}`, position)
}

/**
 * A file mapped by the addon. Positional, synchronous, copying (see StorageFile). Every failure,
 * including use after close, is a StorageError (KAFKA_STORAGE_ERROR) naming the file.
 */
export class MmapFile implements StorageFile {
  readonly path: string
  readonly #native: NativeMappedFile
  #size: number

  /** Wraps an open native mapping; use MmapBackend.open. */
  constructor(path: string, native: NativeMappedFile) {
    this.path = path
    this.#native = native
    this.#size = native.size()
  }

  /** Logical size in bytes (mirrors the native size; no native call). */
  size(): number {
    return this.#size
  }

  /** Mapped capacity in bytes (== the on-disk length while open); >= size(). */
  capacity(): number {
    return this.#native.capacity()
  }

  /**
   * Copies `buf` into the file at `position` (bytes; through the mapping under 4 KiB, with pwrite
   * from 4 KiB on, the same page cache either way), growing file and mapping as needed in steps
   * that double but add at most 4 MiB (reserved with fallocate: a full disk is a StorageError naming
   * the file with "No space left on device (ENOSPC)", never a SIGBUS).
   */
  write(position: number, buf: Uint8Array): void {
    try {
      this.#native.write(position, buf)
    } catch (e) {
      throw mmapBackendError(this.path, e, position)
    }
    const end = position + buf.byteLength
    if (end > this.#size) this.#size = end
  }

  /**
   * Copies up to `length` bytes from `position` into a new JS-owned Buffer (shorter at end of file,
   * empty past it); reads of 16 KiB or more use pread, smaller ones copy from the mapping.
   */
  read(position: number, length: number): Buffer {
    try {
      return this.#native.read(position, length)
    } catch (e) {
      throw mmapBackendError(this.path, e, position)
    }
  }

  /** Copies up to `length` bytes from `position` into `target` at `targetOffset`; returns bytes copied. */
  readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number {
    try {
      return this.#native.readInto(position, target, targetOffset, length)
    } catch (e) {
      throw mmapBackendError(this.path, e, position)
    }
  }

  /** Sets the logical size (bytes): shrinking zeroes what is cut, growing exposes zeros. */
  truncate(size: number): void {
    try {
      this.#native.truncate(size)
    } catch (e) {
      throw mmapBackendError(this.path, e, size)
    }
    this.#size = size
  }

  /** msync(MS_SYNC) of the written range, then fsync: what was written survives a crash. */
  flush(): void {
    try {
      this.#native.flush()
    } catch (e) {
      throw mmapBackendError(this.path, e)
    }
  }

  /** munmap, trim the file to its logical size, close. Idempotent. */
  close(): void {
    try {
      this.#native.close()
    } catch (e) {
      throw mmapBackendError(this.path, e)
    }
  }
}

/**
 * StorageBackend over memory-mapped files. Construct with an addon (tests) or let it load the
 * built one; throws StorageError (KAFKA_STORAGE_ERROR) when the addon is not available.
 */
export class MmapBackend implements StorageBackend {
  readonly name = 'mmap' as const
  readonly #addon: MmapAddon

  constructor(addon?: MmapAddon) {
    if (addon) {
      this.#addon = addon
      return
    }
    const load = loadMmapAddon()
    if (!load.ok) {
      throw new StorageError('KAFKA_STORAGE_ERROR', load.path ?? `${MMAP_ADDON_NAME}.node`, `mmap backend unavailable: ${load.reason}`)
    }
    this.#addon = load.addon
  }

  /** True when the native addon loads in this realm. */
  static isAvailable(): boolean {
    return loadMmapAddon().ok
  }

  /**
   * Opens and maps `path` (creating it when `opts.create`). `opts.preallocate` (bytes) sizes the
   * initial mapping and the on-disk file (e.g. segment.index.bytes for indexes); the logical size
   * is the file's current length. Throws StorageError naming the file (missing file without
   * create, a directory, permission, mmap failure).
   */
  open(path: string, opts: { create: boolean; preallocate?: number }): MmapFile {
    let native: NativeMappedFile
    try {
      native = new this.#addon.MappedFile(path, opts.create, opts.preallocate ?? 0)
    } catch (e) {
      throw mmapBackendError(path, e)
    }
    return new MmapFile(path, native)
  }
}
