/**
 * The hosts' single place that starts the brokers' Kafka listeners on an open cluster (the engine
 * worker of the desktop app and of `serve`, browser mode's in-process engine, `brokerlab start`),
 * and that chooses each broker's FrameHandler: the broker's KafkaApis over the engine
 * (../broker/cluster/facades/broker-kafka-apis.ts), one per broker for the cluster's lifetime,
 * behind the slow-broker hook (../broker/faults/slow-frame-handler.ts: a slowed broker answers its
 * delay late); a
 * cluster that is not the engine's Cluster (a test stand-in of ClusterApi) gets the stand-in handler
 * that closes connections. The base port is the caller's (a flag such as `serve --broker-port`) when
 * given, else the one stored with the cluster (listener-settings-file.ts, set in the app), else 9092.
 *
 * Must stay true: the listeners are recorded in the data directory (listeners.json) while they
 * run, so a later command given only `--data-dir` finds them; a port that cannot be bound never
 * keeps the cluster from running (that broker's listener is down, with the reason).
 */
import { Cluster } from '../broker/cluster/cluster'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import { brokerKafkaApis, type BrokerKafkaApis } from '../broker/cluster/facades/broker-kafka-apis'
import { basePortProblem, BrokerListeners, DEFAULT_BASE_PORT, DEFAULT_LISTENER_HOST } from '../broker/protocol/network/broker-listeners'
import { readListenersFile } from '../broker/protocol/network/listeners-file'
import { protocolNotServedHandler } from '../broker/protocol/network/protocol-not-served'
import { readListenerSettings } from './listener-settings-file'
import { slowFrameHandler } from '../broker/faults/slow-frame-handler'

// What the CLI needs of the listeners' rules, through src/host (the CLI never imports the engine).
export { basePortProblem, DEFAULT_BASE_PORT, DEFAULT_LISTENER_HOST } from '../broker/protocol/network/broker-listeners'
export { hostPort, type RecordedListener } from '../broker/protocol/network/listeners-file'

/** Where the listeners bind: host (default 127.0.0.1), first broker's port (0: free ports). */
export interface ListenerSettings {
  host?: string
  /** Wins over the base port stored with the cluster for this run; absent: the stored one, else 9092. */
  basePort?: number
  /** How the user changes the ports, for the port-in-use message, e.g. "run `brokerlab start --port BASE`". */
  portHint?: string
}

/**
 * Starts a listener for every running broker of `cluster` (opened on `dataDir`), recorded in
 * `<dataDir>/listeners.json`; resolves once each is listening or down.
 * @throws KafkaError INVALID_REQUEST when the base port cannot serve the cluster's brokers.
 */
export function startListeners(cluster: ClusterApi, dataDir: string, settings: ListenerSettings, log: (line: string) => void): Promise<BrokerListeners> {
  const served = new Map<number, BrokerKafkaApis>()
  return BrokerListeners.start(cluster, {
    host: settings.host ?? DEFAULT_LISTENER_HOST,
    basePort: settings.basePort ?? storedBasePort(dataDir, cluster.brokers().length, log) ?? DEFAULT_BASE_PORT,
    portHint: settings.portHint,
    dataDir,
    log,
    handlerFor: (brokerId, listeners) => {
      if (!(cluster instanceof Cluster)) return protocolNotServedHandler()
      let b = served.get(brokerId)
      if (!b) served.set(brokerId, (b = brokerKafkaApis(cluster, brokerId, () => listeners.addresses(), log)))
      return slowFrameHandler(b.apis, () => cluster.brokerDelayMs(brokerId))
    }
  })
}

/** The base port stored with the cluster in `dataDir`, or null (an unusable file or port is logged and ignored). */
function storedBasePort(dataDir: string, brokers: number, log: (line: string) => void): number | null {
  const stored = readListenerSettings(dataDir)
  if (stored.basePort === null) {
    if (stored.reason) log(`Ignoring the stored listener base port: ${stored.reason}; using ${DEFAULT_BASE_PORT}`)
    return null
  }
  const problem = basePortProblem(stored.basePort, brokers)
  if (problem) {
    log(`Ignoring the stored listener base port ${stored.basePort}: ${problem}; using ${DEFAULT_BASE_PORT}`)
    return null
  }
  return stored.basePort
}

/**
 * When a running cluster recorded its listeners in `dataDir` (listeners.json, and it still holds the
 * lock: see readListenersFile), a sentence naming its process and bootstrap string, else ''. For the
 * message of a command refused by that cluster's lock.
 */
export function runningClusterHint(dataDir: string): string {
  const found = readListenersFile(dataDir)
  if (!found.ok) return ''
  const r = found.record
  return `. A cluster is running on it in process ${r.pid}, its brokers listening at ${r.bootstrapServers || '(no listener up)'}; stop it (Ctrl+C in its terminal, or quit the app) to run this command on the directory`
}
