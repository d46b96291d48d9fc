/**
 * The cluster's metadata as persisted in `<dataDir>/cluster.json`: cluster id, brokers (and whether
 * each runs), topics with their configs, replica assignment, leaders, leader epochs and ISRs. Plays
 * the part of Kafka's metadata log (KRaft __cluster_metadata) in a single JSON document.
 *
 * Must stay true: the file is replaced atomically (write a temp file, fsync, rename), so a crash
 * leaves either the old or the new document, never a torn one; `cleanShutdown` is false while a
 * Cluster has the directory open and true after close.
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError } from '../errors'
import type { TopicConfigs } from './cluster-api'

/** Format version of cluster.json. */
export const METADATA_VERSION = 1
export const METADATA_FILE = 'cluster.json'

export interface BrokerMeta {
  id: number
  alive: boolean
}

/** One partition's replication state (Kafka's PartitionRegistration). */
export interface PartitionMeta {
  replicas: number[]
  /** -1 when offline. */
  leader: number
  leaderEpoch: number
  isr: number[]
}

export interface TopicMeta {
  name: string
  /** Kafka topic id (22-character base64url UUID). */
  topicId: string
  internal: boolean
  configs: TopicConfigs
  partitions: PartitionMeta[]
}

export interface ClusterMetadata {
  version: number
  clusterId: string
  cleanShutdown: boolean
  brokers: BrokerMeta[]
  topics: TopicMeta[]
}

/** Read `<dataDir>/cluster.json`, or null when the directory holds no cluster yet. */
export function readClusterMetadata(dataDir: string): ClusterMetadata | null {
  const file = path.join(dataDir, METADATA_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot read cluster metadata ${file}: ${(e as Error).message}`)
  }
  let doc: ClusterMetadata
  try {
    doc = JSON.parse(text) as ClusterMetadata
  } catch (e) {
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cluster metadata ${file} is not valid JSON: ${(e as Error).message}`)
  }
  if (doc.version !== METADATA_VERSION || typeof doc.clusterId !== 'string' || !Array.isArray(doc.brokers) || !Array.isArray(doc.topics))
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cluster metadata ${file} has an unknown format (version ${String(doc.version)})`)
  return doc
}

/** Atomically replace `<dataDir>/cluster.json` with `doc`. */
export function writeClusterMetadata(dataDir: string, doc: ClusterMetadata): void {
  const file = path.join(dataDir, METADATA_FILE)
  const tmp = `${file}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeSync(fd, JSON.stringify(doc, null, 1))
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}
