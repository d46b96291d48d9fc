/**
 * FaultInjectingBackend: a StorageBackend wrapping another one (file or mmap) that fails chosen
 * operations with a chosen errno (ENOSPC, EIO, EACCES), for tests and the failure playground:
 * a full disk, a failing device, a permission change, without filling or breaking a real disk.
 *
 * Must stay true:
 * - An injected failure is indistinguishable from the wrapped backend's own: the same StorageError
 *   (KAFKA_STORAGE_ERROR) naming the file, with the message that backend gives for that errno
 *   (e.g. mmap: "mmap backend: grow (fallocate/ftruncate) <path>: No space left on device (ENOSPC)";
 *   file: "file backend: write failed: ENOSPC: no space left on device, write").
 * - A failed operation changes nothing: the wrapped file is not called (no partial write).
 * - With no fault injected it only delegates (same sizes, same bytes, same errors).
 */
import { StorageError } from '../model/errors'
import { fileBackendError } from './file-backend'
import { mmapBackendError } from './mmap-backend'
import type { StorageBackend, StorageFile } from './storage-types'

/** The operations a fault can hit; 'any' is every one of them. */
export type FaultOp = 'open' | 'read' | 'write' | 'truncate' | 'flush' | 'any'

/** The errno a fault raises. */
export type FaultCode = 'ENOSPC' | 'EIO' | 'EACCES'

/** One fault to inject. */
export interface FaultSpec {
  op: FaultOp
  code: FaultCode
  /** Only files whose path contains this string (default: every file). */
  pathIncludes?: string
  /**
   * Let this many bytes be written to the matching files first (counted from when the fault was
   * injected), as a disk with that much free space: the write that would pass it fails (writing
   * nothing), and from then on every matching operation fails. Absent: every matching operation
   * fails at once.
   */
  afterBytes?: number
}

/** errno text as strerror(3) (the mmap addon) and libuv (Node's fs) spell it. */
const ERRNO: Record<FaultCode, { errno: number; strerror: string; uv: string }> = {
  ENOSPC: { errno: 28, strerror: 'No space left on device', uv: 'no space left on device' },
  EIO: { errno: 5, strerror: 'Input/output error', uv: 'i/o error' },
  EACCES: { errno: 13, strerror: 'Permission denied', uv: 'permission denied' }
}

type FileOp = Exclude<FaultOp, 'any'>

/** The syscall each backend reports for a failed operation (file backend label, Node syscall; mmap addon's). */
const FILE_OPS: Record<FileOp, { label: string; syscall: string }> = {
  open: { label: 'open', syscall: 'open' },
  read: { label: 'read', syscall: 'read' },
  write: { label: 'write', syscall: 'write' },
  truncate: { label: 'truncate', syscall: 'ftruncate' },
  flush: { label: 'fsync', syscall: 'fsync' }
}
const MMAP_OPS: Record<FileOp, string> = {
  open: 'open',
  read: 'pread',
  write: 'grow (fallocate/ftruncate)',
  truncate: 'ftruncate',
  flush: 'fsync'
}

interface ActiveFault {
  spec: FaultSpec
  written: number
  tripped: boolean
}

/** A StorageBackend that fails what it is told to; see the module header. */
export class FaultInjectingBackend implements StorageBackend {
  readonly name: 'mmap' | 'file'
  readonly #inner: StorageBackend
  readonly #faults: ActiveFault[] = []

  /** Wraps `inner` (its name is this backend's name, and its error messages are the ones imitated). */
  constructor(inner: StorageBackend) {
    this.#inner = inner
    this.name = inner.name
  }

  /**
   * Injects a fault; returns the function that removes it (idempotent). Throws RangeError for an
   * unknown op or code, or an `afterBytes` that is not a non-negative safe integer.
   */
  inject(spec: FaultSpec): () => void {
    if (!['open', 'read', 'write', 'truncate', 'flush', 'any'].includes(spec.op)) {
      throw new RangeError(`fault op must be open, read, write, truncate, flush or any, got ${JSON.stringify(spec.op)}`)
    }
    if (!(spec.code in ERRNO)) throw new RangeError(`fault code must be ENOSPC, EIO or EACCES, got ${JSON.stringify(spec.code)}`)
    if (spec.afterBytes !== undefined && (!Number.isSafeInteger(spec.afterBytes) || spec.afterBytes < 0)) {
      throw new RangeError(`fault afterBytes must be a non-negative integer (bytes), got ${spec.afterBytes}`)
    }
    const fault: ActiveFault = { spec: { ...spec }, written: 0, tripped: false }
    this.#faults.push(fault)
    return () => {
      const i = this.#faults.indexOf(fault)
      if (i >= 0) this.#faults.splice(i, 1)
    }
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults.length = 0
  }

  /** The faults in force (copies). */
  faults(): FaultSpec[] {
    return this.#faults.map((f) => ({ ...f.spec }))
  }

  /** Opens through the wrapped backend unless an 'open' fault matches `path`; see StorageBackend.open. */
  open(path: string, opts: { create: boolean; preallocate?: number }): StorageFile {
    this.check('open', path, 0)
    return new FaultyFile(this, this.#inner.open(path, opts))
  }

  /**
   * Throws the wrapped backend's StorageError for `op` on `path` when a fault matches; `bytes` is
   * what a write would add (counted against `afterBytes`). Used by the files it opened.
   */
  check(op: FileOp, path: string, bytes: number, position?: number): void {
    for (const f of this.#faults) {
      if (f.spec.op !== op && f.spec.op !== 'any') continue
      if (f.spec.pathIncludes !== undefined && !path.includes(f.spec.pathIncludes)) continue
      if (f.spec.afterBytes !== undefined && !f.tripped) {
        if (op !== 'write' || f.written + bytes <= f.spec.afterBytes) {
          if (op === 'write') f.written += bytes
          continue
        }
        f.tripped = true
      }
      throw this.failure(op, f.spec.code, path, position)
    }
  }

  /** The error the wrapped backend gives when `op` fails with `code` on `path`. */
  private failure(op: FileOp, code: FaultCode, path: string, position?: number): StorageError {
    const e = ERRNO[code]
    if (this.name === 'mmap') {
      const native = Object.assign(new Error(`${MMAP_OPS[op]} ${path}: ${e.strerror} (${code})`), { errno: e.errno, code, syscall: MMAP_OPS[op], path })
      return mmapBackendError(path, native, position)
    }
    const { label, syscall } = FILE_OPS[op]
    // Node's fs error: "<CODE>: <libuv text>, <syscall>" (and " '<path>'" for calls taking a path).
    const text = `${code}: ${e.uv}, ${syscall}${op === 'open' ? ` '${path}'` : ''}`
    const nodeError = Object.assign(new Error(text), { errno: -e.errno, code, syscall, ...(op === 'open' ? { path } : {}) })
    return fileBackendError(path, label, nodeError, position)
  }
}

/** A file of the wrapped backend whose operations are checked against the faults first. */
class FaultyFile implements StorageFile {
  readonly path: string

  constructor(
    private readonly backend: FaultInjectingBackend,
    private readonly inner: StorageFile
  ) {
    this.path = inner.path
  }

  /** Logical size in bytes (never fails). */
  size(): number {
    return this.inner.size()
  }

  /** See StorageFile.write; a matching 'write' fault throws before anything is written. */
  write(position: number, buf: Uint8Array): void {
    this.backend.check('write', this.path, buf.byteLength, position)
    this.inner.write(position, buf)
  }

  /** See StorageFile.read; a matching 'read' fault throws. */
  read(position: number, length: number): Buffer {
    this.backend.check('read', this.path, 0, position)
    return this.inner.read(position, length)
  }

  /** See StorageFile.readInto; a matching 'read' fault throws. */
  readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number {
    this.backend.check('read', this.path, 0, position)
    return this.inner.readInto(position, target, targetOffset, length)
  }

  /** See StorageFile.truncate; a matching 'truncate' fault throws before the size changes. */
  truncate(size: number): void {
    this.backend.check('truncate', this.path, 0, size)
    this.inner.truncate(size)
  }

  /** See StorageFile.flush; a matching 'flush' fault throws. */
  flush(): void {
    this.backend.check('flush', this.path, 0)
    this.inner.flush()
  }

  /** Closes the wrapped file (never injected: a close must always release the file). */
  close(): void {
    this.inner.close()
  }
}
