/**
 * LogManagerStore: the default ReplicaLogStore, one storage LogManager per broker log directory
 * `<dataDir>/broker-<id>/` (Kafka's log.dirs of each broker), holding `<topic>-<partition>` logs.
 *
 * Must stay true: logs found on disk that the metadata does not know (a topic deleted while the
 * engine crashed, a partition past the topic's count) are deleted at open, as Kafka deletes stray
 * partitions; only live brokers do periodic storage work.
 */
import fs from 'node:fs'
import path from 'node:path'
import { LogManager } from '../storage/log-manager'
import { DEFAULT_LOG_CONFIG } from '../storage/partition-log'
import { loadStorageBackend, type StorageBackendKind } from '../storage/storage-backend'
import type { LogConfig } from '../storage/storage-types'
import type { ReplicaLog, ReplicaLogStore } from './replica-log'

export interface LogManagerStoreOptions {
  dataDir: string
  brokerIds: readonly number[]
  storage: StorageBackendKind
  clock: () => number
  /** Config of a log found on disk, or null when the metadata has no such topic-partition (stray). */
  configFor(topic: string, partition: number): LogConfig | null
  /** Diagnostic lines (backend choice, recovery, retention, cleaning). */
  log?: (line: string) => void
}

/** One LogManager per broker. */
export class LogManagerStore implements ReplicaLogStore {
  private readonly managers = new Map<number, LogManager>()
  readonly hadCleanShutdown: boolean

  /**
   * Open every broker's log directory (recovering logs after an unclean shutdown).
   * @throws StorageError naming the file when a log cannot be opened; KAFKA_STORAGE_ERROR when the backend is unavailable.
   */
  constructor(private readonly opts: LogManagerStoreOptions) {
    const backend = loadStorageBackend(opts.storage, opts.log)
    try {
      for (const id of opts.brokerIds) {
        const mgr = LogManager.open(this.brokerDir(id), {
          backend,
          clock: opts.clock,
          configFor: (t, p) => opts.configFor(t, p) ?? strayConfig,
          log: opts.log
        })
        this.managers.set(id, mgr)
        for (const { topic, partition } of mgr.allLogs()) if (opts.configFor(topic, partition) === null) mgr.deleteLog(topic, partition)
      }
    } catch (e) {
      for (const m of this.managers.values()) m.close()
      throw e
    }
    this.hadCleanShutdown = [...this.managers.values()].every((m) => m.hadCleanShutdown)
  }

  private brokerDir(id: number): string {
    return path.join(this.opts.dataDir, `broker-${id}`)
  }

  private manager(brokerId: number): LogManager {
    const m = this.managers.get(brokerId)
    if (!m) throw new Error(`no log directory for broker ${brokerId}`)
    return m
  }

  open(brokerId: number, topic: string, partition: number, config: LogConfig, create: boolean): ReplicaLog | null {
    const m = this.manager(brokerId)
    if (create) return m.getOrCreateLog(topic, partition, config)
    return m.getLog(topic, partition) ?? null
  }

  evict(brokerId: number, topic: string, partition: number): void {
    this.managers.get(brokerId)?.forgetLog(topic, partition)
  }

  delete(brokerId: number, topic: string, partition: number): void {
    this.manager(brokerId).deleteLog(topic, partition)
    fs.rmSync(path.join(this.brokerDir(brokerId), `${topic}-${partition}`), { recursive: true, force: true })
  }

  tick(now: number, liveBrokers: readonly number[]): boolean {
    let cleaning = false
    for (const id of liveBrokers) if (this.managers.get(id)?.tick(now).cleaning) cleaning = true
    return cleaning
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

/** Config for a stray log opened only to be deleted: Kafka's defaults. */
const strayConfig: LogConfig = DEFAULT_LOG_CONFIG
