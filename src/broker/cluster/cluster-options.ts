/**
 * The Cluster's options beyond ClusterApi's ClusterOptions (ClusterTestOptions: deterministic tests,
 * injected storage, log sinks, budgets) and the defaults and bounds it opens with.
 *
 * Must stay true: these are re-exported by ./cluster.ts (and ../index.ts) under the same names; a
 * default here is the one the Cluster uses when the option is absent.
 */
import type { GroupConfig } from '../group/group-membership'
import type { StorageBackend } from '../storage/storage-types'
import type { ReplicaLogStore } from './replica-log'

/** Brokers allowed in a cluster. */
export const MIN_BROKERS = 1
export const MAX_BROKERS = 9
export const DEFAULT_BROKERS = 3
/** Kafka's replica.lag.time.max.ms default. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30000
/**
 * How often (ms) the log of an offline replica (a storage error, e.g. a full disk) is tried again.
 * Kafka keeps a failed log dir offline until the broker restarts; an embedded cluster on a laptop
 * should heal by itself once space is back.
 */
export const DEFAULT_OFFLINE_RETRY_MS = 10000

/** Options beyond ClusterApi's: deterministic tests. */
export interface ClusterTestOptions {
  /** Run replication and ISR checks automatically on the event loop (default true). */
  autoReplicate?: boolean
  /** Random source of the sticky partitioner, floats in [0, 1) (default Math.random). */
  random?: () => number
  /** Where replica logs live (default: a storage LogManager per broker directory on the chosen backend). */
  logStore?: ReplicaLogStore
  /**
   * The storage backend of the default log store, instead of loading `storage`'s (tests and the
   * failure playground: a FaultInjectingBackend wrapping a real one). Ignored with `logStore`.
   */
  storageBackend?: StorageBackend
  /** Log line sink for the storage backend choice (default console.info). */
  log?: (line: string) => void
  /** Errors of background replication rounds (which must not crash the host); default console.error. */
  onBackgroundError?: (err: unknown) => void
  /** Where cluster events are written as lines (default: warnings and errors to console.warn). */
  eventLog?: (line: string) => void
  /** How often (ms) an offline replica's log is tried again (default DEFAULT_OFFLINE_RETRY_MS). */
  offlineRetryMs?: number
  /** Most replicas (partitions x replication factor, internal topics included) the cluster may hold (default: defaultReplicaBudget()). */
  maxReplicas?: number
  /** The group coordinator's settings (Kafka's group.* broker configs), over Kafka's defaults. */
  groupConfig?: Partial<GroupConfig>
}
