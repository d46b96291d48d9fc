/**
 * Storage failures as the log manager records them: which thrown errors mean "this log (or log
 * directory) cannot be used" and the one StorageError (KAFKA_STORAGE_ERROR, as Kafka marks a failed
 * log dir) that stands for each.
 *
 * Must stay true: only storage failures are converted (a StorageError, or an errno error of Node's
 * fs such as ENOSPC, EIO, EACCES, ENOTDIR); anything else (a programming error) is not, so callers
 * rethrow it. The converted error names the file and keeps the original text (errno code and text).
 */
import { StorageError } from '../model/errors'

/** True for an error carrying an errno code, as Node's fs errors (SystemError) do: `code` like 'ENOSPC'. */
export function isErrnoError(e: unknown): e is Error & { code: string; path?: string } {
  if (!(e instanceof Error)) return false
  const code = (e as { code?: unknown }).code
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)
}

/** The text of a StorageError without the " (file …, position …)" its constructor appended. */
function bareMessage(e: StorageError): string {
  const suffix = ` (file ${e.file}${e.position !== undefined ? `, position ${e.position}` : ''})`
  return e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message
}

/**
 * The StorageError with code KAFKA_STORAGE_ERROR standing for storage failure `e`, or null when `e`
 * is not one. A KAFKA_STORAGE_ERROR StorageError is returned as it is; a CORRUPT_MESSAGE one is
 * restated ("corrupt log data: …", same file and position); an errno error becomes one naming its
 * `path` (else `file`) with Node's message, e.g. "ENOSPC: no space left on device, mkdir '/d/t-0'".
 */
export function toStorageError(e: unknown, file: string): StorageError | null {
  if (e instanceof StorageError) {
    return e.code === 'KAFKA_STORAGE_ERROR' ? e : new StorageError('KAFKA_STORAGE_ERROR', e.file, `corrupt log data: ${bareMessage(e)}`, e.position)
  }
  if (isErrnoError(e)) return new StorageError('KAFKA_STORAGE_ERROR', e.path ?? file, e.message)
  return null
}
