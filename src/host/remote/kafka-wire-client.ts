/**
 * KafkaWireClient: the CLI's small Kafka client over KafkaConnection, as Kafka's clients bootstrap:
 * it connects to the first bootstrap address that answers, sends ApiVersions first on every
 * connection to pick, per API, the highest version both it and the broker serve (capped at the
 * versions whose request shapes this client builds), learns the brokers and partition leaders from
 * Metadata, and sends each request to the broker it is addressed to (a partition's leader, a
 * group's coordinator, any broker for cluster-wide requests).
 *
 * Must stay true: one connection per broker address, opened lazily and closed by `close`; a
 * NOT_LEADER_OR_FOLLOWER answer refreshes the metadata and retries at most MAX_LEADER_RETRIES
 * times (`withLeaderRetry`); every failure names the broker address it came from.
 */
import type { MessageInput } from '../../broker/protocol/message-codec-support'
import type { ApiVersionsResponse } from '../../broker/protocol/messages/api-versions-response'
import type { MetadataResponse, MetadataResponsePartition, MetadataResponseTopic } from '../../broker/protocol/messages/metadata-response'
import { addressText, DEFAULT_REQUEST_TIMEOUT_MS, KafkaConnection, type BrokerAddress } from './kafka-connection'
import { RemoteClusterError } from './remote-cluster-error'

/** The APIs this client sends: API key and the newest version whose request it builds. */
export const CLIENT_APIS = {
  Produce: { key: 0, min: 3, max: 9 },
  Fetch: { key: 1, min: 4, max: 12 },
  ListOffsets: { key: 2, min: 1, max: 7 },
  Metadata: { key: 3, min: 1, max: 9 },
  OffsetCommit: { key: 8, min: 2, max: 8 },
  OffsetFetch: { key: 9, min: 1, max: 7 },
  FindCoordinator: { key: 10, min: 0, max: 3 },
  JoinGroup: { key: 11, min: 4, max: 9 },
  Heartbeat: { key: 12, min: 0, max: 4 },
  LeaveGroup: { key: 13, min: 3, max: 5 },
  SyncGroup: { key: 14, min: 0, max: 5 },
  DescribeGroups: { key: 15, min: 0, max: 5 },
  ListGroups: { key: 16, min: 0, max: 4 },
  ApiVersions: { key: 18, min: 0, max: 3 },
  CreateTopics: { key: 19, min: 2, max: 5 },
  DeleteTopics: { key: 20, min: 1, max: 5 },
  DescribeConfigs: { key: 32, min: 1, max: 4 },
  DescribeLogDirs: { key: 35, min: 1, max: 4 },
  CreatePartitions: { key: 37, min: 0, max: 3 },
  DeleteGroups: { key: 42, min: 1, max: 2 },
  ElectLeaders: { key: 43, min: 1, max: 2 },
  IncrementalAlterConfigs: { key: 44, min: 0, max: 1 }
} as const

/** A name of CLIENT_APIS. */
export type ClientApi = keyof typeof CLIENT_APIS

/** How often a request refused with NOT_LEADER_OR_FOLLOWER is retried after a metadata refresh. */
export const MAX_LEADER_RETRIES = 3

/** Wire error code of NOT_LEADER_OR_FOLLOWER. */
export const NOT_LEADER_OR_FOLLOWER = 6

/** A connection with the versions negotiated on it. */
interface Negotiated {
  conn: KafkaConnection
  versions: Map<number, { min: number; max: number }>
}

/** The cluster as the last Metadata response described it. */
export interface ClusterMetadata {
  clusterId: string | null
  controllerId: number
  brokers: Map<number, BrokerAddress>
  topics: Map<string, MetadataResponseTopic>
}

/**
 * Parses a bootstrap list "host:port[,host:port...]" (Kafka's bootstrap.servers).
 * @throws RemoteClusterError INVALID_REQUEST naming the entry that is not host:port with a port 1-65535.
 */
export function parseBootstrapServers(text: string): BrokerAddress[] {
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (entries.length === 0) throw new RemoteClusterError('INVALID_REQUEST', `--bootstrap-server needs HOST:PORT[,HOST:PORT...], got "${text}"`)
  return entries.map((e) => {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(e)
    const port = m ? Number(m[3]) : NaN
    if (!m || !(port >= 1 && port <= 65535))
      throw new RemoteClusterError('INVALID_REQUEST', `--bootstrap-server entry "${e}" is not HOST:PORT with a port from 1 to 65535`)
    return { host: m[1] ?? m[2], port }
  })
}

/** The CLI's Kafka client; see the module comment. Always `close()`. */
export class KafkaWireClient {
  private readonly connections = new Map<string, Promise<Negotiated>>()
  private meta: ClusterMetadata | null = null

  /** @param requestTimeoutMs bound of each connect and each request, ms. */
  constructor(
    readonly bootstrap: readonly BrokerAddress[],
    readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS
  ) {}

  /**
   * Sends `build(version)` as API `api` to the broker at `address` (connecting and negotiating
   * versions first when needed); `timeoutMs` bounds this request instead of the client's request
   * timeout (JoinGroup waits up to the rebalance timeout).
   * @throws RemoteClusterError: UNSUPPORTED_VERSION when the broker serves no version this client
   *   builds; NETWORK_EXCEPTION / REQUEST_TIMED_OUT naming the address.
   */
  async sendTo<Res>(address: BrokerAddress, api: ClientApi, build: (version: number) => MessageInput<unknown>, timeoutMs?: number): Promise<Res> {
    const n = await this.negotiated(address)
    const version = this.versionFor(n, address, api)
    return n.conn.send<Res>(CLIENT_APIS[api].key, version, build(version), timeoutMs)
  }

  /** The highest version of `api` both sides serve. @throws RemoteClusterError UNSUPPORTED_VERSION when there is none. */
  private versionFor(n: Negotiated, address: BrokerAddress, api: ClientApi): number {
    const ours = CLIENT_APIS[api]
    const theirs = n.versions.get(ours.key)
    const version = theirs ? Math.min(ours.max, theirs.max) : -1
    if (!theirs || version < Math.max(ours.min, theirs.min))
      throw new RemoteClusterError(
        'UNSUPPORTED_VERSION',
        `The broker at ${addressText(address)} serves ${api} ${theirs ? `versions ${theirs.min}-${theirs.max}` : 'in no version'}; this client sends versions ${ours.min}-${ours.max}`
      )
    return version
  }

  /** As sendTo for a request the broker does not answer (Produce with acks=0). */
  async sendOneWayTo(address: BrokerAddress, api: ClientApi, build: (version: number) => MessageInput<unknown>): Promise<void> {
    const n = await this.negotiated(address)
    n.conn.sendOneWay(CLIENT_APIS[api].key, this.versionFor(n, address, api), build(this.versionFor(n, address, api)))
  }

  /** The address of broker `brokerId`. @throws RemoteClusterError BROKER_NOT_AVAILABLE for a broker the metadata lacks. */
  async brokerAddress(brokerId: number): Promise<BrokerAddress> {
    const meta = await this.metadata()
    const address = meta.brokers.get(brokerId)
    if (!address) throw new RemoteClusterError('BROKER_NOT_AVAILABLE', `Broker ${brokerId} is not in the cluster's metadata (brokers ${[...meta.brokers.keys()].join(', ')})`)
    return address
  }

  /** Sends to broker `brokerId` (by the metadata), bounded as sendTo. @throws RemoteClusterError BROKER_NOT_AVAILABLE for a broker the metadata lacks. */
  async sendToBroker<Res>(brokerId: number, api: ClientApi, build: (version: number) => MessageInput<unknown>, timeoutMs?: number): Promise<Res> {
    return this.sendTo<Res>(await this.brokerAddress(brokerId), api, build, timeoutMs)
  }

  /**
   * Sends to any broker: the first bootstrap address that answers (then the brokers the metadata names).
   * @throws RemoteClusterError NETWORK_EXCEPTION naming every address tried when none answers.
   */
  async sendToAny<Res>(api: ClientApi, build: (version: number) => MessageInput<unknown>): Promise<Res> {
    return this.sendTo<Res>(await this.anyAddress(), api, build)
  }

  /**
   * The cluster's metadata for every topic (cached; `refresh` sends Metadata again).
   * @throws RemoteClusterError as sendToAny.
   */
  async metadata(refresh = false): Promise<ClusterMetadata> {
    if (this.meta && !refresh) return this.meta
    const res = await this.sendToAny<MetadataResponse>('Metadata', () => ({ topics: null, allowAutoTopicCreation: false }))
    this.meta = {
      clusterId: res.clusterId,
      controllerId: res.controllerId,
      brokers: new Map(res.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }])),
      topics: new Map(res.topics.filter((t) => t.name !== null).map((t) => [t.name as string, t]))
    }
    return this.meta
  }

  /**
   * `topic`'s metadata (refreshed once when the cache lacks it).
   * @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION when the cluster has no such topic.
   */
  async topic(topic: string): Promise<MetadataResponseTopic> {
    let t = (await this.metadata()).topics.get(topic) ?? (await this.metadata(true)).topics.get(topic)
    if (t && t.errorCode !== 0) t = (await this.metadata(true)).topics.get(topic)
    if (!t || t.errorCode === 3) throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: topic ${topic} does not exist`)
    if (t.errorCode !== 0) throw RemoteClusterError.fromCode(t.errorCode, null, `topic ${topic}`)
    return t
  }

  /** `topic`'s partitions in partition order. @throws as `topic`. */
  async partitions(topic: string): Promise<MetadataResponsePartition[]> {
    return [...(await this.topic(topic)).partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
  }

  /**
   * Runs `attempt` (which sends to the leaders it looks up) and, while it reports
   * NOT_LEADER_OR_FOLLOWER (returns 'not-leader'), refreshes the metadata and runs it again, at most
   * MAX_LEADER_RETRIES times (Kafka's clients retry on this retriable error after a metadata update).
   * @throws RemoteClusterError NOT_LEADER_OR_FOLLOWER naming `what` when the leaders keep moving.
   */
  async withLeaderRetry<T>(what: string, attempt: () => Promise<T | 'not-leader'>): Promise<T> {
    for (let i = 0; ; i++) {
      const r = await attempt()
      if (r !== 'not-leader') return r
      if (i >= MAX_LEADER_RETRIES)
        throw new RemoteClusterError('NOT_LEADER_OR_FOLLOWER', `The leader of ${what} moved ${MAX_LEADER_RETRIES + 1} times while the request was retried; try again`)
      await this.metadata(true)
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    const all = [...this.connections.values()]
    this.connections.clear()
    for (const p of all) {
      try {
        ;(await p).conn.close()
      } catch {
        // it never connected
      }
    }
  }

  /** The first address (bootstrap first, then the brokers the metadata knows) that connects. */
  private async anyAddress(): Promise<BrokerAddress> {
    const candidates = [...this.bootstrap, ...(this.meta ? this.meta.brokers.values() : [])]
    const errors: RemoteClusterError[] = []
    for (const a of candidates) {
      try {
        await this.negotiated(a)
        return a
      } catch (e) {
        if (!(e instanceof RemoteClusterError) || (e.code !== 'NETWORK_EXCEPTION' && e.code !== 'REQUEST_TIMED_OUT')) throw e
        errors.push(e)
      }
    }
    if (errors.length === 1) throw errors[0]
    throw new RemoteClusterError(errors[0]?.code ?? 'NETWORK_EXCEPTION', `No broker of ${candidates.map(addressText).join(',')} answered: ${errors.map((e) => e.message).join('; ')}`)
  }

  /** The negotiated connection to `address`, opened (ApiVersions first) when there is none usable. */
  private negotiated(address: BrokerAddress): Promise<Negotiated> {
    const key = addressText(address)
    const cur = this.connections.get(key)
    if (cur) return cur.then((n) => (n.conn.usable ? n : this.reopen(key, address)))
    return this.reopen(key, address)
  }

  private reopen(key: string, address: BrokerAddress): Promise<Negotiated> {
    const p = (async (): Promise<Negotiated> => {
      const conn = await KafkaConnection.connect(address, this.requestTimeoutMs)
      try {
        const v = CLIENT_APIS.ApiVersions
        const res = await conn.send<ApiVersionsResponse>(v.key, v.max, { clientSoftwareName: 'brokerlab-cli', clientSoftwareVersion: '0.1.0' })
        if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, null, `ApiVersions to ${key}`)
        return { conn, versions: new Map(res.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }])) }
      } catch (e) {
        conn.close()
        throw e
      }
    })()
    this.connections.set(key, p)
    p.catch(() => {
      if (this.connections.get(key) === p) this.connections.delete(key)
    })
    return p
  }
}
