/**
 * The default way a replica opens its log: the storage layer's PartitionLog on the chosen backend
 * (mmap addon or positional file I/O).
 *
 * Must stay true: every replica of a cluster opens through the same backend and the cluster clock.
 */
import { PartitionLog } from '../storage/partition-log'
import { loadStorageBackend, type StorageBackendKind } from '../storage/storage-backend'
import type { ReplicaLogOpener } from './replica-log'

/** A ReplicaLogOpener over PartitionLog with the `kind` backend; `log` receives backend and recovery lines. */
export function defaultLogOpener(kind: StorageBackendKind, clock: () => number, log?: (line: string) => void): ReplicaLogOpener {
  const backend = loadStorageBackend(kind, log)
  return (dir, config, hadCleanShutdown) => PartitionLog.open(dir, config, { backend, clock, hadCleanShutdown, log })
}
