/**
 * `<dataDir>/meta.properties`: the cluster id of the data directory, in Kafka's meta.properties
 * format (version 1: `version=1`, `cluster.id=<22-character base64url uuid>`; Kafka's
 * MetaProperties / `kafka-storage format` writes it into each log directory). The metadata log does
 * not carry the cluster id, as in KRaft, so it lives here.
 *
 * Must stay true: written durably (temp file, fsync, rename) before the first metadata record; a
 * file that does not parse is an error naming the file and the problem, never a silently new id.
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError } from '../model/errors'
import { writeFileDurably } from '../storage/checkpoint-file'

export const META_PROPERTIES_FILE = 'meta.properties'

/**
 * The cluster id in `<dataDir>/meta.properties`, or null when the file does not exist.
 * @throws KafkaError KAFKA_STORAGE_ERROR naming the file when it cannot be read, is not version 1,
 *   or has no valid cluster.id.
 */
export function readClusterId(dataDir: string): string | null {
  const file = path.join(dataDir, META_PROPERTIES_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot read ${file}: ${(e as Error).message}`)
  }
  const props = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim())
  }
  if (props.get('version') !== '1') throw new KafkaError('KAFKA_STORAGE_ERROR', `${file} has version ${JSON.stringify(props.get('version') ?? null)}; this engine reads version 1`)
  const id = props.get('cluster.id')
  if (id === undefined || !/^[A-Za-z0-9_-]{22}$/.test(id))
    throw new KafkaError('KAFKA_STORAGE_ERROR', `${file} has no valid cluster.id (a 22-character base64url uuid), got ${JSON.stringify(id ?? null)}`)
  return id
}

/**
 * Writes `<dataDir>/meta.properties` with `clusterId` durably.
 * @throws StorageError KAFKA_STORAGE_ERROR naming the file when it cannot be written.
 */
export function writeClusterId(dataDir: string, clusterId: string): void {
  writeFileDurably(path.join(dataDir, META_PROPERTIES_FILE), `#\n#Written by Brokerlab\nversion=1\ncluster.id=${clusterId}\n`)
}
