/**
 * The positional-I/O storage backend: StorageBackend / StorageFile over fs.openSync, readSync,
 * writeSync, ftruncateSync and fsyncSync. The fallback when the mmap addon cannot be built, and
 * the reference the mmap backend is tested against.
 *
 * Must stay true (the same contract as the mmap backend):
 * - The logical size is what was written / truncated to; `preallocate` extends the file on disk
 *   (zero-filled) without changing the logical size, and close() trims the file back to the
 *   logical size, as Kafka trims its preallocated indexes.
 * - An existing file opens with logical size = its length on disk (after a crash that may include
 *   a zero-filled preallocated tail; readers must tolerate it).
 * - Every failure is a StorageError (KAFKA_STORAGE_ERROR) naming the file.
 */
import * as fs from 'node:fs'
import { StorageError } from '../model/errors'
import type { StorageBackend, StorageFile } from './storage-types'

/**
 * The StorageError (KAFKA_STORAGE_ERROR) the file backend throws when `op` ('open', 'write', 'read',
 * 'truncate', 'fsync', 'close') on `path` fails with `e` (a Node fs error, whose message carries the
 * errno code and text, e.g. "ENOSPC: no space left on device, write"); `position` in bytes.
 */
export function fileBackendError(path: string, op: string, e: unknown, position?: number): StorageError {
  const msg = e instanceof Error ? e.message : String(e)
  return new StorageError('KAFKA_STORAGE_ERROR', path, `file backend: ${op} failed: ${msg}`, position)
}

/** A file accessed with positional reads and writes. Not thread-safe. */
export class PositionalFile implements StorageFile {
  readonly path: string
  #fd: number
  #size: number
  /** Bytes the file occupies on disk (>= size while preallocated). */
  #physical: number

  /** Use FileBackend.open. */
  constructor(path: string, fd: number, size: number, physical: number) {
    this.path = path
    this.#fd = fd
    this.#size = size
    this.#physical = physical
  }

  private fd(): number {
    if (this.#fd < 0) throw new StorageError('KAFKA_STORAGE_ERROR', this.path, 'file backend: file is closed')
    return this.#fd
  }

  /** Logical size in bytes. */
  size(): number {
    return this.#size
  }

  /** Writes all of `buf` at `position` (bytes); the logical size grows to cover it. */
  write(position: number, buf: Uint8Array): void {
    const fd = this.fd()
    try {
      let done = 0
      while (done < buf.byteLength) {
        done += fs.writeSync(fd, buf, done, buf.byteLength - done, position + done)
      }
    } catch (e) {
      throw fileBackendError(this.path, 'write', e, position)
    }
    const end = position + buf.byteLength
    if (end > this.#size) this.#size = end
    if (end > this.#physical) this.#physical = end
  }

  /** Up to `length` bytes from `position` in a new Buffer; shorter at the logical end, empty past it. */
  read(position: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.#size - position))
    const out = Buffer.allocUnsafe(n)
    const got = this.readInto(position, out, 0, n)
    return got === n ? out : out.subarray(0, got)
  }

  /** Reads up to `length` bytes (bounded by the logical size) into `target`; returns bytes read. */
  readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number {
    const fd = this.fd()
    const want = Math.max(0, Math.min(length, this.#size - position))
    let done = 0
    try {
      while (done < want) {
        const n = fs.readSync(fd, target, targetOffset + done, want - done, position + done)
        if (n === 0) break
        done += n
      }
    } catch (e) {
      throw fileBackendError(this.path, 'read', e, position)
    }
    return done
  }

  /** Sets the logical size: shrinking cuts the file on disk, growing extends it with zeros. */
  truncate(size: number): void {
    const fd = this.fd()
    try {
      if (size < this.#size) {
        // Zero what is cut: the preallocated tail past the logical size must stay zero.
        fs.ftruncateSync(fd, size)
        if (this.#physical > size) fs.ftruncateSync(fd, this.#physical)
      } else if (size > this.#physical) {
        fs.ftruncateSync(fd, size)
        this.#physical = size
      }
    } catch (e) {
      throw fileBackendError(this.path, 'truncate', e, size)
    }
    this.#size = size
  }

  /** fsync: what was written survives a crash. */
  flush(): void {
    try {
      fs.fsyncSync(this.fd())
    } catch (e) {
      throw fileBackendError(this.path, 'fsync', e)
    }
  }

  /** Trims the file to its logical size and closes it. Idempotent. */
  close(): void {
    if (this.#fd < 0) return
    const fd = this.#fd
    this.#fd = -1
    try {
      if (this.#physical !== this.#size) fs.ftruncateSync(fd, this.#size)
      fs.closeSync(fd)
    } catch (e) {
      throw fileBackendError(this.path, 'close', e)
    }
  }
}

/** StorageBackend over positional file I/O. Always available. */
export class FileBackend implements StorageBackend {
  readonly name = 'file' as const

  /**
   * Opens `path` read-write (creating it when `opts.create`). `opts.preallocate` (bytes) extends the
   * file on disk to at least that size with zeros; the logical size stays the current length.
   * Throws StorageError naming the file (missing without create, a directory, permission).
   */
  open(path: string, opts: { create: boolean; preallocate?: number }): PositionalFile {
    let fd: number
    try {
      fd = fs.openSync(path, opts.create ? fs.constants.O_RDWR | fs.constants.O_CREAT : fs.constants.O_RDWR, 0o644)
    } catch (e) {
      throw fileBackendError(path, 'open', e)
    }
    try {
      const size = fs.fstatSync(fd).size
      let physical = size
      if (opts.preallocate !== undefined && opts.preallocate > size) {
        fs.ftruncateSync(fd, opts.preallocate)
        physical = opts.preallocate
      }
      return new PositionalFile(path, fd, size, physical)
    } catch (e) {
      fs.closeSync(fd)
      throw fileBackendError(path, 'open', e)
    }
  }
}
