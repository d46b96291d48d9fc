/**
 * What every CLI command shares: its streams and paths (CliIo), argument parsers that name the
 * rule they enforce, validation of a request before any data is touched, and choosing the cluster a
 * command runs against (withBackend): a running cluster over the Kafka wire protocol when
 * `--bootstrap-server` is given or the data directory is held by a running Brokerlab cluster
 * (its listeners.json), else an in-process engine opened on the data directory (closed
 * afterwards, flushing the logs). The commands are written once, against ClusterBackend.
 *
 * Must stay true: arguments are validated with the shared schemas BEFORE the data directory is
 * opened or a broker contacted, so bad input leaves existing data untouched (and creates nothing);
 * every backend opened here is closed, whatever happens.
 */
import { InvalidArgumentError } from 'commander'
import type { Reply, RequestName, RequestOf, ResponseOf } from '../shared/contract'
import { validateRequest } from '../shared/schemas'
import { toContractError } from '../host/engine-service'
import { LocalEngine } from '../host/local-engine'
import type { ClusterBackend } from '../host/cluster-backend'
import { RemoteCluster } from '../host/remote/remote-cluster'
import { parseBootstrapServers, runningClusterAddresses } from '../host/remote/running-cluster'
import { CliError, EXIT_FAILURE, fromContractError, usageError } from './cli-error'
import type { ProgressStream } from './progress-bar'
import { runningClusterHint } from '../host/open-listeners'

/** The CLI's outside world. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: ProgressStream
  env: NodeJS.ProcessEnv
  /** The checkout's root (holds out/ after `npm run build`). */
  root: string
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` and `consume --follow` wait on it. */
  stopSignal: Promise<void>
  /** Standard input (`produce --value-file -` reads records from it); absent: none. */
  stdin?: NodeJS.ReadableStream
}

/** A commander parser for an integer option; the message names the rule. */
export function intArg(what: string): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be an integer, got "${value}".`)
    return Number(value)
  }
}

/** A commander collector for repeatable `key=value` options. */
export function keyValueArg(what: string): (value: string, previous: [string, string][] | undefined) => [string, string][] {
  return (value, previous) => {
    const eq = value.indexOf('=')
    if (eq <= 0) throw new InvalidArgumentError(`${what} expects key=value, got "${value}".`)
    return [...(previous ?? []), [value.slice(0, eq), value.slice(eq + 1)]]
  }
}

/**
 * Validates `payload` as request `name` with the shared schemas.
 * @throws CliError (usage, exit 2) naming each broken rule.
 */
export function validated<N extends RequestName>(name: N, payload: unknown): RequestOf<N> {
  const v = validateRequest(name, payload)
  if (!v.ok) throw usageError(withFlagNames(v.message.replace(/^Invalid [a-z/]+ request: /, '')))
  return v.value
}

/** Request fields as the CLI's options name them. */
const FLAG_FOR_FIELD: Record<string, string> = {
  partitions: '--partitions',
  replicationFactor: '--replication-factor',
  groupId: '--group',
  maxRecords: '--max',
  acks: '--acks',
  count: '--count',
  'records.0.key': '--key',
  'records.0.value': '--value',
  'records.0.partition': '--partition',
  'records.0.headers': '--header'
}

/**
 * Rewrites "field: problem; ..." (the schemas' message shape) with the CLI's option names, e.g.
 * "replicationFactor: ..." becomes "--replication-factor: ..." and "configs.x: ..." "--config x: ...".
 */
export function withFlagNames(message: string): string {
  return message
    .split('; ')
    .map((part) => {
      const colon = part.indexOf(': ')
      if (colon < 0) return part
      const field = part.slice(0, colon)
      const rest = part.slice(colon)
      if (field.startsWith('configs.')) return `--config ${field.slice('configs.'.length)}${rest}`
      if (field === 'configs') return `--config${rest}`
      const flag = FLAG_FOR_FIELD[field] ?? Object.entries(FLAG_FOR_FIELD).find(([f]) => field.startsWith(`${f}.`))?.[1]
      return flag ? `${flag}${rest}` : part
    })
    .join('; ')
}

/**
 * Opens the engine on `dataDir`, runs `fn`, lets the brokers do their background work (retention,
 * log cleaning: no broker runs between commands), and always closes it. Diagnostics go to stderr
 * with BROKERLAB_DEBUG=1.
 * @throws CliError exit 1, `CODE: Cannot open the cluster in DIR: message`, when the engine cannot
 *   open it (KAFKA_STORAGE_ERROR for an unusable directory, a held lock or a malformed cluster.json);
 *   when a running cluster holds it, the message names its process and bootstrap string (listeners.json).
 */
export async function withEngine<T>(io: CliIo, dataDir: string, fn: (service: LocalEngine) => Promise<T>): Promise<T> {
  const debug = io.env.BROKERLAB_DEBUG === '1'
  let service: LocalEngine
  try {
    service = LocalEngine.open({ dataDir, log: (line) => void (debug ? io.stderr.write(`${line}\n`) : undefined) })
  } catch (e) {
    const err = toContractError(e)
    throw new CliError(`${err.code}: Cannot open the cluster in ${dataDir}: ${err.message}${runningClusterHint(dataDir)}`, EXIT_FAILURE)
  }
  try {
    const result = await fn(service)
    // No broker runs between commands: give the background work (retention, log cleaning) its turn.
    service.maintain()
    return result
  } finally {
    await service.close()
  }
}

/** Where a command's cluster is: its data directory, and the `--bootstrap-server` list when given. */
export interface ClusterTarget {
  dataDir: string
  bootstrapServer?: string
}

/**
 * Bound of each connect and request to a remote cluster, in ms: BROKERLAB_REQUEST_TIMEOUT_MS
 * (Kafka's request.timeout.ms), default 10000.
 * @throws CliError (usage) for a value that is not a positive integer.
 */
export function requestTimeoutMs(io: CliIo): number | undefined {
  const raw = io.env.BROKERLAB_REQUEST_TIMEOUT_MS
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw usageError(`BROKERLAB_REQUEST_TIMEOUT_MS must be a positive integer of ms, got "${raw}".`)
  return Number(raw)
}

/**
 * Runs `fn` against the command's cluster and always closes it: over the Kafka wire protocol with
 * `--bootstrap-server`, or when a running Brokerlab cluster holds `target.dataDir` (its recorded
 * listeners); otherwise in-process on the data directory (withEngine).
 * @throws CliError (usage) for a malformed --bootstrap-server; as withEngine for the in-process path.
 */
export async function withBackend<T>(io: CliIo, target: ClusterTarget, fn: (backend: ClusterBackend) => Promise<T>): Promise<T> {
  let addresses = null
  if (target.bootstrapServer !== undefined) {
    try {
      addresses = parseBootstrapServers(target.bootstrapServer)
    } catch (e) {
      throw usageError(toContractError(e).message + '.')
    }
  } else addresses = runningClusterAddresses(target.dataDir)
  if (!addresses) return withEngine(io, target.dataDir, fn)
  if (io.env.BROKERLAB_DEBUG === '1') io.stderr.write(`Using the running cluster at ${addresses.map((a) => `${a.host}:${a.port}`).join(',')} over the Kafka protocol\n`)
  const remote = new RemoteCluster(addresses, requestTimeoutMs(io))
  try {
    return await fn(remote)
  } finally {
    await remote.close()
  }
}

/** What `call` sends through: a backend (ClusterBackend: embedded or remote) or the in-process engine (LocalEngine) for requests only it serves. */
interface RequestTarget<N extends RequestName> {
  handle(name: N, payload: RequestOf<N>): Promise<Reply<ResponseOf<N>>>
}

/**
 * Sends one request and unwraps the reply. A ClusterBackend takes only the requests it serves
 * (BackendRequestName, checked at compile time); a LocalEngine takes any contract request (e.g.
 * `broker`'s faults, which have no Kafka wire API).
 * @throws CliError: usage (2) for INVALID_REQUEST, failure (1) with the Kafka error name otherwise.
 */
export async function call<N extends RequestName>(service: RequestTarget<NoInfer<N>>, name: N, payload: RequestOf<N>): Promise<ResponseOf<N>> {
  const reply = await service.handle(name, payload)
  if (!reply.ok) throw fromContractError(reply.error)
  return reply.data
}

/** Writes `value` as indented JSON plus a newline. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}
