/**
 * Test access to a data directory's cluster metadata (the metadata log, meta.properties and the
 * clean-shutdown marker), for tests that used to read or edit cluster.json.
 *
 * Must stay true: readMetadataImage never changes the directory (it replays a copy, so a crashed
 * directory is still found as the crash left it); editMetadata needs the directory closed (no
 * Cluster open on it) and leaves it as cleanly shut down as it found it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ClusterMetadata } from '../../../src/broker/cluster/cluster-metadata'
import { METADATA_LOG_DIR, MetadataLog } from '../../../src/broker/controller/metadata-log'
import { META_PROPERTIES_FILE } from '../../../src/broker/controller/meta-properties'
import { CLEAN_SHUTDOWN_FILE } from '../../../src/broker/storage/log-manager'

/** The metadata files of a data directory: what the metadata log reads. */
const METADATA_FILES = [METADATA_LOG_DIR, META_PROPERTIES_FILE, CLEAN_SHUTDOWN_FILE]

/** The cluster metadata `dataDir` holds (null: no cluster yet), replayed from a temporary copy of its metadata files. */
export function readMetadataImage(dataDir: string): ClusterMetadata | null {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-metadata-copy-'))
  try {
    for (const f of METADATA_FILES) if (fs.existsSync(path.join(dataDir, f))) fs.cpSync(path.join(dataDir, f), path.join(copy, f), { recursive: true })
    const { image, log } = MetadataLog.open(copy, { log: () => {} })
    log.release()
    return image
  } finally {
    fs.rmSync(copy, { recursive: true, force: true })
  }
}

/**
 * Changes the metadata of the closed data directory `dataDir` as a controller would: `edit` changes
 * the image, whose delta is appended to the metadata log.
 */
export function editMetadata(dataDir: string, edit: (meta: ClusterMetadata) => void): void {
  const clean = fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE))
  const { image, log } = MetadataLog.open(dataDir, { log: () => {} })
  if (image === null) {
    log.release()
    throw new Error(`${dataDir} holds no cluster metadata to edit`)
  }
  edit(image)
  if (clean) log.close(image)
  else {
    log.persist(image)
    log.flush()
    log.release()
  }
}

/**
 * `doc` as a cluster.json of an earlier version held it (what the metadata log migrates at open):
 * JSON with LONG config values (bigint) as exact decimal strings.
 */
export function clusterJson(doc: unknown, space?: number): string {
  return JSON.stringify(doc, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), space)
}
