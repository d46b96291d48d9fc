/**
 * ImportUploads: the files staged on the host for the UI's imports. The renderer cannot hand the
 * host a path (browser mode has none), so it sends a file in chunks (import/upload, then
 * import/upload-chunk) into a temporary directory of this host; import/inspect and import/run read
 * it from there in bounded memory, as the CLI reads a file. A sample dataset is staged by path,
 * without a copy.
 *
 * Must stay true: chunks arrive in order (each at the offset of the bytes received so far) and
 * never past the size announced; a staged file is readable only once complete; at most
 * MAX_STAGED_UPLOADS are kept (beginning one more forgets the least recently used that no import is
 * reading); `close()` removes every file it wrote. Upload ids are random and unguessable.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IMPORT_UPLOAD_MAX_BYTES, type ImportUpload } from '../../shared/contract'
import { HostError } from '../host-error'

/** Staged files kept at once. */
export const MAX_STAGED_UPLOADS = 8

interface Staged extends ImportUpload {
  path: string
  /** Bytes received; equals size once complete. */
  received: number
  /** Written by this host (removed on discard), not a sample read in place. */
  owned: boolean
  handle: FileHandle | null
  /** Imports reading it now. */
  readers: number
  lastUsed: number
}

/** A staged file that is complete: where to read it. */
export interface StagedFile extends ImportUpload {
  path: string
}

/** Files staged for import on this host. */
export class ImportUploads {
  private readonly staged = new Map<string, Staged>()
  private dir: string | null = null
  private uses = 0

  /** @param parent where the temporary directory is made (default: the OS's). */
  constructor(private readonly parent: string = tmpdir()) {}

  private async stageDir(): Promise<string> {
    this.dir ??= await mkdtemp(join(this.parent, 'brokerlab-uploads-'))
    return this.dir
  }

  private unknown(uploadId: string): HostError {
    return new HostError(
      'UNKNOWN_IMPORT_UPLOAD',
      `No staged file ${uploadId}: it was imported, discarded, or dropped to keep at most ${MAX_STAGED_UPLOADS} staged; choose the file again`
    )
  }

  /** Makes room for one more, forgetting the least recently used file no import reads. */
  private async evict(): Promise<void> {
    while (this.staged.size >= MAX_STAGED_UPLOADS) {
      const idle = [...this.staged.values()].filter((s) => s.readers === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0]
      if (!idle) throw new HostError('UNKNOWN_IMPORT_UPLOAD', `${MAX_STAGED_UPLOADS} files are being imported; wait for one to finish`)
      await this.discard(idle.uploadId)
    }
  }

  /**
   * Begins staging `fileName` of `size` bytes; its bytes follow with `append`.
   * @throws HostError INVALID_REQUEST for a size over IMPORT_UPLOAD_MAX_BYTES.
   */
  async begin(fileName: string, size: number): Promise<ImportUpload> {
    if (size > IMPORT_UPLOAD_MAX_BYTES) throw new HostError('INVALID_REQUEST', `${fileName} is ${size} bytes; the most an import may stage is ${IMPORT_UPLOAD_MAX_BYTES} bytes (4 GiB)`)
    await this.evict()
    const uploadId = randomBytes(16).toString('base64url')
    const path = join(await this.stageDir(), uploadId)
    const handle = await open(path, 'wx', 0o600)
    this.staged.set(uploadId, { uploadId, fileName, size, path, received: 0, owned: true, handle, readers: 0, lastUsed: ++this.uses })
    if (size === 0) await this.complete(this.staged.get(uploadId) as Staged)
    return { uploadId, fileName, size }
  }

  /**
   * Writes the next `bytes` of a staged file at `offset`, which must be the bytes received so far.
   * @returns the bytes received after it.
   * @throws HostError UNKNOWN_IMPORT_UPLOAD, or INVALID_REQUEST for an offset out of order or bytes past the size.
   */
  async append(uploadId: string, offset: number, bytes: Buffer): Promise<number> {
    const s = this.staged.get(uploadId)
    if (!s) throw this.unknown(uploadId)
    if (offset !== s.received) throw new HostError('INVALID_REQUEST', `Chunk of ${s.fileName} at offset ${offset}, but ${s.received} bytes were received: chunks go in order`)
    if (s.received + bytes.length > s.size) throw new HostError('INVALID_REQUEST', `Chunk of ${s.fileName} goes past its size of ${s.size} bytes`)
    if (!s.handle) throw new HostError('INVALID_REQUEST', `${s.fileName} is complete`)
    s.lastUsed = ++this.uses
    try {
      await s.handle.write(bytes, 0, bytes.length, offset)
    } catch (e) {
      await this.discard(uploadId)
      throw new HostError('UNKNOWN_SERVER_ERROR', `Cannot stage ${s.fileName} in ${this.dir}: ${(e as Error).message}`)
    }
    s.received += bytes.length
    if (s.received === s.size) await this.complete(s)
    return s.received
  }

  private async complete(s: Staged): Promise<void> {
    const h = s.handle
    s.handle = null
    await h?.close()
  }

  /** Stages a file already on this host (a sample dataset), read in place. */
  stageFile(fileName: string, path: string, size: number): ImportUpload {
    const uploadId = randomBytes(16).toString('base64url')
    for (const s of [...this.staged.values()].filter((x) => !x.owned && x.path === path && x.readers === 0)) this.staged.delete(s.uploadId)
    this.staged.set(uploadId, { uploadId, fileName, size, path, received: size, owned: false, handle: null, readers: 0, lastUsed: ++this.uses })
    return { uploadId, fileName, size }
  }

  /**
   * The complete staged file `uploadId`.
   * @throws HostError UNKNOWN_IMPORT_UPLOAD, or INVALID_REQUEST while bytes are missing.
   */
  get(uploadId: string): StagedFile {
    const s = this.staged.get(uploadId)
    if (!s) throw this.unknown(uploadId)
    if (s.received < s.size) throw new HostError('INVALID_REQUEST', `${s.fileName} is not staged whole yet: ${s.received} of ${s.size} bytes received`)
    s.lastUsed = ++this.uses
    return { uploadId, fileName: s.fileName, size: s.size, path: s.path }
  }

  /** Runs `work` on the staged file, which is not dropped meanwhile to make room. */
  async reading<T>(uploadId: string, work: (file: StagedFile) => Promise<T>): Promise<T> {
    const file = this.get(uploadId)
    const s = this.staged.get(uploadId) as Staged
    s.readers++
    try {
      return await work(file)
    } finally {
      s.readers--
    }
  }

  /** Forgets a staged file (removing it when this host wrote it). Unknown ids are ignored. */
  async discard(uploadId: string): Promise<void> {
    const s = this.staged.get(uploadId)
    if (!s) return
    this.staged.delete(uploadId)
    await s.handle?.close().catch(() => undefined)
    if (s.owned) await rm(s.path, { force: true })
  }

  /** How many files are staged. */
  get size(): number {
    return this.staged.size
  }

  /** Forgets every staged file and removes the directory. */
  async close(): Promise<void> {
    for (const id of [...this.staged.keys()]) await this.discard(id)
    if (this.dir) await rm(this.dir, { recursive: true, force: true })
    this.dir = null
  }
}
