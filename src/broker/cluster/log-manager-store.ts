/**
 * LogManagerStore: the default ReplicaLogStore, one storage LogManager per broker log directory
 * `<dataDir>/broker-<id>/` (Kafka's log.dirs of each broker), holding `<topic>-<partition>` logs.
 *
 * Must stay true:
 * - Logs found on disk that the metadata does not know (a topic deleted while the engine crashed, a
 *   partition past the topic's count) are deleted at open without being opened, as Kafka deletes
 *   stray partitions; only live brokers do periodic storage work.
 * - A storage failure never stops the store from opening: a log that cannot open is offline
 *   (offlineError says why, KAFKA_STORAGE_ERROR naming the file) and is retried by the next open();
 *   a broker directory that cannot be used (it is a file, unreadable) makes every replica of that
 *   broker offline until the store is opened again (a structural fault, not one that clears alone).
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError, StorageError } from '../model/errors'
import { LogManager } from '../storage/log-manager'
import { loadStorageBackend, type StorageBackendKind } from '../storage/storage-backend'
import type { LogConfig, StorageBackend } from '../storage/storage-types'
import type { ReplicaLog, ReplicaLogStore } from './replica-log'

export interface LogManagerStoreOptions {
  dataDir: string
  brokerIds: readonly number[]
  storage: StorageBackendKind
  /** A backend to use instead of loading `storage`'s (tests: a FaultInjectingBackend). */
  backend?: StorageBackend
  clock: () => number
  /** Config of a log found on disk, or null when the metadata has no such topic-partition (stray). */
  configFor(topic: string, partition: number): LogConfig | null
  /** Diagnostic lines (backend choice, recovery, retention, cleaning, offline logs). */
  log?: (line: string) => void
  /**
   * A replica's log failed during a broker's periodic work (flush, retention, cleaning, checkpoint):
   * its owner takes it offline (then evicts it). Without it the log is only evicted.
   */
  onLogFailure?: (brokerId: number, topic: string, partition: number, error: StorageError) => void
}

/** One LogManager per broker. */
export class LogManagerStore implements ReplicaLogStore {
  private readonly managers = new Map<number, LogManager>()
  private readonly backend: StorageBackend
  readonly hadCleanShutdown: boolean

  /**
   * Open every broker's log directory (recovering logs after an unclean shutdown, deleting strays
   * unopened). Logs or directories that fail are offline, not fatal (see offlineError).
   * @throws StorageError KAFKA_STORAGE_ERROR when the backend is unavailable (storage 'mmap' without the addon).
   */
  constructor(private readonly opts: LogManagerStoreOptions) {
    this.backend = opts.backend ?? loadStorageBackend(opts.storage, opts.log)
    try {
      for (const id of opts.brokerIds) this.managers.set(id, this.openManager(id))
    } catch (e) {
      for (const m of this.managers.values()) m.close()
      throw e
    }
    this.hadCleanShutdown = [...this.managers.values()].every((m) => m.hadCleanShutdown)
  }

  private openManager(id: number): LogManager {
    return LogManager.open(this.brokerDir(id), {
      backend: this.backend,
      clock: this.opts.clock,
      configFor: (t, p) => this.opts.configFor(t, p) ?? this.unknownLog(t, p),
      isStray: (t, p) => this.opts.configFor(t, p) === null,
      log: this.opts.log,
      onLogFailure: this.opts.onLogFailure && ((t, p, e) => this.opts.onLogFailure!(id, t, p, e))
    })
  }

  /** Strays are deleted before opening, so no log without a config is ever opened. */
  private unknownLog(topic: string, partition: number): never {
    throw new Error(`log ${topic}-${partition} has no config: the metadata does not know it`)
  }

  private brokerDir(id: number): string {
    return path.join(this.opts.dataDir, `broker-${id}`)
  }

  private manager(brokerId: number): LogManager {
    const m = this.managers.get(brokerId)
    if (!m) throw new Error(`no log directory for broker ${brokerId}`)
    return m
  }

  /**
   * See ReplicaLogStore.open. An offline log is retried whether or not `create`: it is returned once
   * it opens.
   * @throws StorageError KAFKA_STORAGE_ERROR naming the file while the log (or its directory) still
   *   fails to open, or when creating a new log fails (nothing of it is left on disk).
   */
  open(brokerId: number, topic: string, partition: number, config: LogConfig, create: boolean, opts?: { recover?: boolean }): ReplicaLog | null {
    const m = this.manager(brokerId)
    if (m.offlineDirError) throw m.offlineDirError
    if (m.offlineError(topic, partition)) return m.reopenOfflineLog(topic, partition, config, opts?.recover === true)
    if (create) return m.getOrCreateLog(topic, partition, config)
    return m.getLog(topic, partition) ?? null
  }

  evict(brokerId: number, topic: string, partition: number, error: KafkaError): void {
    const err = error instanceof StorageError ? error : new StorageError('KAFKA_STORAGE_ERROR', path.join(this.brokerDir(brokerId), `${topic}-${partition}`), error.message)
    this.managers.get(brokerId)?.forgetLog(topic, partition, err)
  }

  /** See ReplicaLogStore.offlineError: the log's own open failure, else its directory's, else null. */
  offlineError(brokerId: number, topic: string, partition: number): StorageError | null {
    return this.managers.get(brokerId)?.offlineError(topic, partition) ?? null
  }

  delete(brokerId: number, topic: string, partition: number): void {
    // A killed broker's log is a stray when its directory opens again at restart, deleted then.
    if (!this.managers.has(brokerId) && this.opts.brokerIds.includes(brokerId)) return
    const m = this.manager(brokerId)
    m.deleteLog(topic, partition)
    if (m.offlineDirError === null) fs.rmSync(path.join(this.brokerDir(brokerId), `${topic}-${partition}`), { recursive: true, force: true })
  }

  tick(now: number, liveBrokers: readonly number[]): boolean {
    let cleaning = false
    for (const id of liveBrokers) if (this.managers.get(id)?.tick(now).cleaning) cleaning = true
    return cleaning
  }

  /** See ReplicaLogStore.crashBroker. */
  crashBroker(brokerId: number): void {
    this.managers.get(brokerId)?.crash()
    this.managers.delete(brokerId)
  }

  /** See ReplicaLogStore.restartBroker: the directory opens as at a cluster's open after a crash (recovery, strays deleted). */
  restartBroker(brokerId: number): void {
    if (!this.managers.has(brokerId)) this.managers.set(brokerId, this.openManager(brokerId))
  }

  close(): void {
    let first: unknown = null
    for (const m of this.managers.values()) {
      try {
        m.close()
      } catch (e) {
        first ??= e
      }
    }
    if (first) throw first
  }
}
