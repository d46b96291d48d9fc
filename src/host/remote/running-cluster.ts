/**
 * Where the CLI finds a running cluster: from `--bootstrap-server` (Kafka's tools' flag), or from
 * the listeners a running Brokerlab process recorded in the data directory (listeners.json, valid
 * only while that process still runs and holds the directory's lock: readListenersFile decides, as
 * for runningClusterHint).
 *
 * Must stay true: a stale listeners.json (a crashed or finished process) never sends a command to
 * the wire: the directory is then opened in-process as before.
 */
import { readListenersFile } from '../../broker/protocol/network/listeners-file'
import type { BrokerAddress } from './kafka-connection'
import { parseBootstrapServers } from './kafka-wire-client'

export { parseBootstrapServers }

/**
 * The listening brokers of the cluster that runs on `dataDir`, or null when none runs there (no
 * listeners.json, a stale one, or no listener up).
 */
export function runningClusterAddresses(dataDir: string): BrokerAddress[] | null {
  const found = readListenersFile(dataDir)
  if (!found.ok) return null
  const up = found.record.brokers.filter((b) => b.state === 'listening').map((b) => ({ host: b.host, port: b.port }))
  return up.length > 0 ? up : null
}
