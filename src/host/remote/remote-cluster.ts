/**
 * RemoteCluster: the ClusterBackend (../cluster-backend.ts) of a cluster running elsewhere
 * (`brokerlab start`, `serve`, the app, or any Kafka cluster), reached over the Kafka wire
 * protocol through KafkaWireClient: each contract request the CLI sends is validated with the
 * shared schemas as the embedded engine validates it, then answered by remote-topics.ts,
 * remote-producer.ts and remote-groups.ts; consuming runs on remote-partition-reader.ts, and
 * consuming as a group on a RemoteGroupMember (remote-group-member.ts), one per group and topic,
 * kept between polls (a `--follow` stays one member of its group) until `close`.
 *
 * Must stay true: `handle` never rejects and reports every failure with Kafka's error name, as
 * EngineService.handle does; `close` makes every member leave its group, then closes every connection.
 */
import { remoteElectLeaders } from './remote-elections'
import type { Reply, RequestOf, ResponseOf } from '../../shared/contract'
import { validateRequest } from '../../shared/schemas'
import type { BackendRequestName, ClusterBackend, ConsumerRecord, ReaderStart, RecordReader } from '../cluster-backend'
import { toContractError } from '../contract-error'
import type { BrokerAddress } from './kafka-connection'
import { KafkaWireClient } from './kafka-wire-client'
import { remoteConsumeAsGroup, remoteDeleteGroup, remoteDescribeGroup, remoteGroupMembership, remoteListGroups, remoteResetGroup } from './remote-groups'
import { RemoteGroupMember } from './remote-group-member'
import { RemotePartitionReader } from './remote-partition-reader'
import { partitionRanges } from './remote-offsets'
import { remoteProduce } from './remote-producer'
import { remoteAlterTopic, remoteCreateTopic, remoteDeleteTopic, remoteDescribeTopic, remoteListOffsets, remoteListTopics } from './remote-topics'

type Handlers = { [N in BackendRequestName]: (req: RequestOf<N>) => Promise<ResponseOf<N>> }

/** A running cluster over the wire; see the module comment. Always `close()`. */
export class RemoteCluster implements ClusterBackend {
  readonly kind = 'remote' as const
  private readonly client: KafkaWireClient
  private readonly handlers: Handlers
  /** The group members of consumeAsGroup, by group id and topic. */
  private readonly members = new Map<string, RemoteGroupMember>()

  /**
   * @param bootstrap the addresses to bootstrap from (Kafka's bootstrap.servers).
   * @param requestTimeoutMs bound of each connect and request, ms.
   */
  constructor(bootstrap: readonly BrokerAddress[], requestTimeoutMs?: number) {
    const c = (this.client = new KafkaWireClient(bootstrap, requestTimeoutMs))
    this.handlers = {
      'topic/list': (req) => remoteListTopics(c, req),
      'topic/describe': (req) => remoteDescribeTopic(c, req.topic),
      'topic/create': (req) => remoteCreateTopic(c, req),
      'topic/alter': (req) => remoteAlterTopic(c, req),
      'topic/delete': (req) => remoteDeleteTopic(c, req.topic),
      'produce/send': (req) => remoteProduce(c, req),
      'offsets/list': (req) => remoteListOffsets(c, req.topic),
      'group/list': () => remoteListGroups(c),
      'group/describe': (req) => remoteDescribeGroup(c, req.groupId),
      'group/membership': (req) => remoteGroupMembership(c, req.groupId),
      'group/delete': (req) => remoteDeleteGroup(c, req.groupId),
      'group/reset': (req) => remoteResetGroup(c, req),
      'cluster/elect-leaders': (req) => remoteElectLeaders(c, req)
    }
  }

  /** Validates and serves one request over the wire; never rejects. */
  async handle<N extends BackendRequestName>(name: N, payload: RequestOf<N>): Promise<Reply<ResponseOf<N>>> {
    const v = validateRequest(name, payload)
    if (!v.ok) return { ok: false, error: { code: v.code, message: v.message } }
    try {
      const handler = this.handlers[name] as (req: unknown) => Promise<ResponseOf<N>>
      return { ok: true, data: await handler(v.value) }
    } catch (e) {
      return { ok: false, error: toContractError(e) }
    }
  }

  /** Σ of `topic`'s high watermarks (ListOffsets latest). @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION. */
  async committedEnd(topic: string): Promise<number> {
    const parts = (await this.client.partitions(topic)).map((p) => p.partitionIndex)
    const ranges = await partitionRanges(this.client, topic, parts)
    return [...ranges.values()].reduce((n, r) => n + r.highWatermark, 0)
  }

  /**
   * One poll as a member of req.groupId (joining it on the first call; the same member on later
   * calls for the group and topic, whose auto.offset.reset is the first call's) and commits.
   */
  consumeAsGroup(req: RequestOf<'group/consume'>, onRecord?: (record: ConsumerRecord) => void): Promise<ResponseOf<'group/consume'>> {
    const key = JSON.stringify([req.groupId, req.topic])
    let member = this.members.get(key)
    if (!member) this.members.set(key, (member = new RemoteGroupMember(this.client, req.groupId, req.topic, req.fromBeginning ? 'earliest' : 'latest')))
    return remoteConsumeAsGroup(this.client, member, req, onRecord)
  }

  /** A reader over Fetch (see RemotePartitionReader). */
  partitionReader(topic: string, partitions: number[] | null, start: ReaderStart): Promise<RecordReader> {
    return RemotePartitionReader.open(this.client, topic, partitions, start)
  }

  /** Nothing to do: the running cluster's brokers do their own background work. */
  maintain(): void {}

  /** Makes every group member leave its group (LeaveGroup), then closes the connections. */
  async close(): Promise<void> {
    const members = [...this.members.values()]
    this.members.clear()
    await Promise.all(members.map((m) => m.leave()))
    await this.client.close()
  }
}
