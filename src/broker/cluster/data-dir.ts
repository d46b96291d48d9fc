/**
 * The directories a Cluster opens: its data directory and the brokers' log directories under it
 * (Kafka's `log.dirs`). Creates them when missing and turns every way that can fail into Kafka's
 * KAFKA_STORAGE_ERROR, as a broker reports a log directory it cannot use.
 *
 * Must stay true: a path that is a file, sits under a file, or cannot be created gives
 * KAFKA_STORAGE_ERROR naming the directory and the system's errno text (e.g. "ENOTDIR: not a
 * directory, mkdir '...'"), never a bare Node error; nothing is created or removed when it fails.
 * (Writability is proven by the first write, the `.lock` file: see DataDirLock.)
 */
import fs from 'node:fs'
import { KafkaError } from '../model/errors'

/**
 * Make sure `dir` exists and is a directory, creating it and its parents when missing.
 * @param what how the message names it: 'Data directory' or 'Log directory'.
 * @throws KafkaError KAFKA_STORAGE_ERROR naming `dir` and the errno text: the path is a file
 *   (EEXIST), a parent is a file (ENOTDIR), or it cannot be created (EACCES, EROFS, ENOSPC, ...).
 */
export function ensureDirectory(dir: string, what: 'Data directory' | 'Log directory'): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why =
      err.code === 'EEXIST'
        ? 'is a file, not a directory'
        : err.code === 'ENOTDIR'
          ? 'cannot be created: part of its path is a file'
          : 'cannot be created'
    throw new KafkaError('KAFKA_STORAGE_ERROR', `${what} ${dir} ${why} (${err.message})`)
  }
  let stat: fs.Stats
  try {
    stat = fs.statSync(dir)
  } catch (e) {
    throw new KafkaError('KAFKA_STORAGE_ERROR', `${what} ${dir} cannot be read (${(e as Error).message})`)
  }
  if (!stat.isDirectory()) throw new KafkaError('KAFKA_STORAGE_ERROR', `${what} ${dir} is not a directory`)
}
