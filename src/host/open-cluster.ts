/**
 * The hosts' single place that opens the engine: a Cluster on a data directory, with its
 * diagnostic log lines (e.g. which storage backend it chose) sent where the host wants them (the
 * CLI keeps stdout clean for `--json`).
 *
 * Must stay true: opening is the only step that creates the data directory.
 */
import { Cluster } from '../broker/cluster/cluster'
import type { ClusterApi } from '../broker/cluster/cluster-api'

/** What to open and where diagnostics go. */
export interface OpenClusterOptions {
  dataDir: string
  /** Brokers when the directory holds no cluster yet (1 to 9, default 3). */
  brokers?: number
  /** Diagnostic log lines (default: stderr). */
  log?: (line: string) => void
}

/**
 * Opens (creating if needed) the cluster in `dataDir`.
 * @throws KafkaError INVALID_REQUEST (bad broker count) or KAFKA_STORAGE_ERROR (unreadable directory).
 */
export function openCluster(opts: OpenClusterOptions): ClusterApi {
  return Cluster.open({
    dataDir: opts.dataDir,
    brokers: opts.brokers,
    log: opts.log ?? ((line) => process.stderr.write(`${line}\n`))
  })
}
