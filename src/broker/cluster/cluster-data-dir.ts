/**
 * ClusterDataDir: the open and close of a cluster's data directory, everything on disk a Cluster
 * holds while it runs: the directory itself (created when missing), its `.lock` (DataDirLock), the
 * metadata log `__cluster_metadata-0/` with `meta.properties` and `.kafka_cleanshutdown`
 * (../controller/metadata-log.ts; a `cluster.json` of an earlier version is migrated there), the
 * in-memory ClusterMetadata it replays (a new cluster's when the directory holds none), and the
 * brokers' log directories `broker-<id>/` behind a ReplicaLogStore (a storage LogManager each, or
 * the store the caller injects).
 *
 * Must stay true: a failed open leaves nothing open or locked (each part opened so far is closed
 * or released, in reverse order); `abandon` does the same for a Cluster whose open failed after
 * this (no clean-shutdown marker is written, so the next open recovers); `close` closes the logs,
 * then the metadata log cleanly (its last image, a snapshot, the marker), and releases the lock
 * even when a close before it throws. Opening a log directory that cannot be made makes that
 * broker's replicas offline, never the open fail (LogManagerStore).
 */
import crypto from 'node:crypto'
import { KafkaError, type StorageError } from '../model/errors'
import { toLogConfig } from '../model/log-config'
import { MetadataLog } from '../controller/metadata-log'
import type { ClusterMetadata } from './cluster-metadata'
import { DEFAULT_BROKERS, MAX_BROKERS, MIN_BROKERS, type ClusterTestOptions } from './cluster-options'
import type { ClusterOptions } from './cluster-api'
import { ensureDirectory } from './data-dir'
import { DataDirLock } from './data-dir-lock'
import { LogManagerStore } from './log-manager-store'
import type { ReplicaLogStore } from './replica-log'

/** A Kafka-style id (cluster id, topic id): 16 random bytes as 22 characters of base64url (Uuid.randomUuid().toString()). */
export function newKafkaUuid(): string {
  return crypto.randomBytes(16).toString('base64url')
}

/**
 * Metadata of a new cluster of `brokers` brokers (ids 1..n, all running).
 * @throws KafkaError INVALID_REQUEST for a broker count outside 1..9.
 */
export function newClusterMetadata(brokers: number): ClusterMetadata {
  if (!Number.isInteger(brokers) || brokers < MIN_BROKERS || brokers > MAX_BROKERS)
    throw new KafkaError('INVALID_REQUEST', `A cluster has ${MIN_BROKERS} to ${MAX_BROKERS} brokers, got ${brokers}`)
  return {
    version: 1,
    clusterId: newKafkaUuid(),
    cleanShutdown: true,
    brokers: Array.from({ length: brokers }, (_, i) => ({ id: i + 1, alive: true })),
    topics: []
  }
}

/** What the data directory calls back into its Cluster (both only after the open). */
export interface ClusterDataDirHooks {
  /** The fsync after a step failed (see MetadataLogOptions.onFlushFailure). */
  onMetadataFlushFailure(error: KafkaError): void
  /** A replica's log failed during a broker's periodic work (see LogManagerStoreOptions.onLogFailure). */
  onLogFailure(brokerId: number, topic: string, partition: number, error: StorageError): void
}

/** A cluster's open data directory; see the module header. */
export class ClusterDataDir {
  private constructor(
    /** The data directory, an absolute path. */
    readonly dataDir: string,
    private readonly lock: DataDirLock,
    /** The cluster metadata log. */
    readonly metadataLog: MetadataLog,
    /** The cluster's in-memory metadata, as replayed (or new). */
    readonly meta: ClusterMetadata,
    /** The brokers' replica logs. */
    readonly store: ReplicaLogStore,
    /** Whether the previous session closed cleanly (the metadata log's marker and every log directory's). */
    readonly hadCleanShutdown: boolean
  ) {}

  /**
   * Opens `dataDir` (an absolute path), creating it and a cluster of `opts.brokers` (default 3)
   * brokers when it holds none: locks it, opens (migrating, recovering) the metadata log, then the
   * brokers' log directories.
   * @throws KafkaError INVALID_REQUEST for a broker count outside 1..9; KAFKA_STORAGE_ERROR naming the
   *   directory or file for a data directory that is a file, under a file, cannot be created or written,
   *   is locked by a running process, holds a metadata log that cannot be replayed, or a malformed
   *   cluster.json. Nothing stays open or locked then.
   */
  static open(dataDir: string, opts: ClusterOptions & ClusterTestOptions & { clock: () => number }, hooks: ClusterDataDirHooks): ClusterDataDir {
    ensureDirectory(dataDir, 'Data directory')
    const lock = DataDirLock.acquire(dataDir, { log: opts.log })
    let metadataLog: MetadataLog | undefined
    try {
      const opened = MetadataLog.open(dataDir, {
        backend: opts.storageBackend,
        clock: opts.clock,
        log: opts.log,
        onFlushFailure: (e) => hooks.onMetadataFlushFailure(e)
      })
      metadataLog = opened.log
      const meta = opened.image ?? newClusterMetadata(opts.brokers ?? DEFAULT_BROKERS)
      // Each broker's log dir is made by its LogManager: one that cannot be made is offline, not fatal.
      const store =
        opts.logStore ??
        new LogManagerStore({
          dataDir,
          brokerIds: meta.brokers.map((b) => b.id),
          storage: opts.storage ?? 'auto',
          backend: opts.storageBackend,
          clock: opts.clock,
          log: opts.log,
          onLogFailure: (b, topic, partition, error) => hooks.onLogFailure(b, topic, partition, error),
          configFor: (topic, partition) => {
            const t = meta.topics.find((m) => m.name === topic)
            return t && partition < t.partitions.length ? toLogConfig(t.configs) : null
          }
        })
      return new ClusterDataDir(dataDir, lock, metadataLog, meta, store, meta.cleanShutdown && store.hadCleanShutdown)
    } catch (e) {
      metadataLog?.release()
      lock.release()
      throw e
    }
  }

  /**
   * The Cluster's open failed after this open: closes the logs, releases the metadata log without
   * a clean-shutdown marker (the next open recovers) and the lock. Never throws past the store's close.
   */
  abandon(): void {
    try {
      this.store.close()
    } finally {
      this.metadataLog.release()
      this.lock.release()
    }
  }

  /**
   * Clean close: the logs flush and close, the metadata log is closed cleanly with `meta`'s last
   * image (MetadataLog.close: snapshot, clean-shutdown marker), and the lock is released (also when
   * a close before it throws, which is rethrown).
   */
  close(): void {
    try {
      this.store.close()
    } finally {
      try {
        this.metadataLog.close(this.meta)
      } finally {
        this.lock.release()
      }
    }
  }
}
