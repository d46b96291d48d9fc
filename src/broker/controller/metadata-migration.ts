/**
 * Migration of a data directory written before the metadata log: `<dataDir>/cluster.json` (format
 * version 1, see ../cluster/cluster-metadata.ts) becomes the metadata log `__cluster_metadata-0/`
 * with its records and a first snapshot, once.
 *
 * Must stay true:
 * - All or nothing: the new log is built in `__cluster_metadata-0.migrating/` and renamed into place
 *   only when complete (records and snapshot fsynced); `cluster.json` is renamed to
 *   `cluster.json.migrated` only after that, and never read again. A crash at any point leaves either
 *   the old directory (the migration runs again at the next open: a leftover `.migrating` is
 *   deleted first) or the migrated one (a `cluster.json` still there is renamed at the next open).
 * - A malformed cluster.json fails the open with KAFKA_STORAGE_ERROR naming the file (nothing is
 *   written); every broker, topic (with its topic id), partition (replicas, leader, leader epoch,
 *   ISR) and config override is carried over; whether the old engine shut down cleanly is kept, so
 *   replica logs are recovered as they would have been.
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError } from '../model/errors'
import { METADATA_FILE, readClusterMetadata, type ClusterMetadata } from '../cluster/cluster-metadata'
import { writeFileDurably } from '../storage/checkpoint-file'
import { fsyncDirectory } from './metadata-snapshot'

/** Suffix of the directory a migration builds the metadata log in. */
export const MIGRATING_SUFFIX = '.migrating'
/** What cluster.json is renamed to once migrated. */
export const MIGRATED_FILE = `${METADATA_FILE}.migrated`

/** What building the migrated log wrote, for the log line. */
export interface MigratedLog {
  records: number
  snapshot: string
}

/** How a migration writes the new log and where its lines go. */
export interface MigrationEnv {
  /** The metadata log directory (`<dataDir>/__cluster_metadata-0`). */
  logDir: string
  /** Kafka's clean-shutdown marker of the metadata log (`<dataDir>/.kafka_cleanshutdown`). */
  cleanShutdownMarker: string
  /**
   * Writes `doc` as a complete, closed metadata log (records, snapshot, meta.properties) into
   * `dir`, which does not exist yet.
   */
  writeLog(dir: string, doc: ClusterMetadata): MigratedLog
  log: (line: string) => void
}

/**
 * Whether the metadata log directory holds anything: a snapshot, or a segment with bytes.
 * @throws KafkaError KAFKA_STORAGE_ERROR naming the directory when it cannot be listed.
 */
export function metadataLogHasContent(logDir: string): boolean {
  let names: string[]
  try {
    names = fs.readdirSync(logDir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return false
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot list the cluster metadata log ${logDir}: ${(e as Error).message}`)
  }
  return names.some((n) => /^\d{20}-\d{10}\.checkpoint$/.test(n) || (/^\d{20}\.log$/.test(n) && fs.statSync(path.join(logDir, n)).size > 0))
}

/**
 * Migrates `<dataDir>/cluster.json` when the directory has one and its metadata log holds nothing;
 * finishes an interrupted migration (renames a cluster.json left next to a migrated log); does
 * nothing otherwise. Logs one line when it migrates or finishes one.
 * @returns whether it migrated now.
 * @throws KafkaError KAFKA_STORAGE_ERROR naming the file: cluster.json unreadable or malformed
 *   (nothing written), or the new log cannot be written (what was built is removed again, and
 *   cluster.json stays for the next open).
 */
export function migrateLegacyMetadata(dataDir: string, env: MigrationEnv): boolean {
  const legacy = path.join(dataDir, METADATA_FILE)
  const building = `${env.logDir}${MIGRATING_SUFFIX}`
  const fail = (what: string, e: unknown): never => {
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot migrate ${legacy} to the metadata log ${env.logDir}: ${what}: ${(e as Error).message}`)
  }
  try {
    fs.rmSync(building, { recursive: true, force: true }) // an interrupted migration: built again below
  } catch (e) {
    fail(`the unfinished ${building} cannot be removed`, e)
  }
  if (!fs.existsSync(legacy)) return false
  if (metadataLogHasContent(env.logDir)) {
    try {
      fs.renameSync(legacy, path.join(dataDir, MIGRATED_FILE))
      fsyncDirectory(dataDir)
    } catch (e) {
      fail(`cannot rename it to ${MIGRATED_FILE}`, e)
    }
    env.log(`brokerlab metadata: ${legacy} was migrated already (the metadata log ${env.logDir} holds the metadata); renamed it to ${MIGRATED_FILE}`)
    return false
  }
  const doc = readClusterMetadata(dataDir)
  if (doc === null) return false
  let built: MigratedLog
  try {
    built = env.writeLog(building, doc)
    if (doc.cleanShutdown) writeFileDurably(env.cleanShutdownMarker, '')
    else fs.rmSync(env.cleanShutdownMarker, { force: true })
    fs.rmSync(env.logDir, { recursive: true, force: true }) // an empty log made by an earlier open
    fs.renameSync(building, env.logDir)
    fsyncDirectory(dataDir)
  } catch (e) {
    try {
      fs.rmSync(building, { recursive: true, force: true })
    } catch {
      // removed at the next open
    }
    return fail('the new log cannot be written', e)
  }
  try {
    fs.renameSync(legacy, path.join(dataDir, MIGRATED_FILE))
    fsyncDirectory(dataDir)
  } catch (e) {
    // The log is complete: the next open finishes the rename.
    fail(`the metadata log is written, but cluster.json cannot be renamed to ${MIGRATED_FILE}`, e)
  }
  const partitions = doc.topics.reduce((n, t) => n + t.partitions.length, 0)
  env.log(
    `brokerlab metadata: migrated ${legacy} (format version ${doc.version}: ${doc.brokers.length} brokers, ${doc.topics.length} topics, ${partitions} partitions) ` +
      `to the metadata log ${env.logDir} (${built.records} records, snapshot ${path.basename(built.snapshot)}); kept the old file as ${MIGRATED_FILE}`
  )
  return true
}
