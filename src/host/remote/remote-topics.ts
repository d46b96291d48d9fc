/**
 * The topic requests of the CLI (topic/list, topic/describe, topic/create, topic/alter,
 * topic/delete, offsets/list) against a running cluster over the wire, answered with the same views
 * as the in-process engine (contract-views.ts toTopicSummary / toTopicDetail over a TopicState
 * built from the wire): Metadata for partitions, leaders, replicas and ISR; ListOffsets for the log
 * start offsets and high watermarks; DescribeLogDirs for the leaders' log sizes; DescribeConfigs
 * for the configs; CreateTopics, CreatePartitions, IncrementalAlterConfigs and DeleteTopics to
 * change them (kafka-topics and kafka-configs send the same).
 *
 * Must stay true: what the wire cannot tell is said here, not invented elsewhere: a partition's
 * record count is its span of offsets (high watermark - log start offset; a compacted topic's exact
 * count needs the engine), and the leader's log end offset is shown as the high watermark
 * (ListOffsets serves a consumer's view).
 */
import type { ReplicaState, TopicState } from '../../broker/cluster/cluster-api'
import { DEFAULT_TOPIC_CONFIGS, parseTopicConfigValue, topicConfigDef } from '../../broker/model/topic-config-values'
import type { TopicConfigs } from '../../broker/model/topic-configs'
import type { CreatePartitionsResponse } from '../../broker/protocol/messages/create-partitions-response'
import type { CreateTopicsResponse } from '../../broker/protocol/messages/create-topics-response'
import type { DeleteTopicsResponse } from '../../broker/protocol/messages/delete-topics-response'
import type { DescribeConfigsResponse } from '../../broker/protocol/messages/describe-configs-response'
import type { DescribeLogDirsResponse } from '../../broker/protocol/messages/describe-log-dirs-response'
import type { IncrementalAlterConfigsResponse } from '../../broker/protocol/messages/incremental-alter-configs-response'
import type { RequestOf, ResponseOf, TopicConfigOverridesJson } from '../../shared/contract'
import { toTopicDetail, toTopicSummary } from '../contract-views'
import type { KafkaWireClient } from './kafka-wire-client'
import { partitionRanges } from './remote-offsets'
import { RemoteClusterError } from './remote-cluster-error'

/** ConfigResource.Type.TOPIC. */
const TOPIC_RESOURCE = 2
/** IncrementalAlterConfigs' SET operation. */
const OP_SET = 0
/** How long the controller may take for a topic change, ms (the tools' default timeout is 30 s; ours is in-process fast). */
const ADMIN_TIMEOUT_MS = 10_000

/** Bytes of each partition's log on each broker (DescribeLogDirs to every broker), keyed "brokerId/partition". */
async function logDirSizes(client: KafkaWireClient, topic: string, partitions: number[]): Promise<Map<string, { size: number; lag: number }>> {
  const meta = await client.metadata()
  const out = new Map<string, { size: number; lag: number }>()
  await Promise.all(
    [...meta.brokers.keys()].map(async (id) => {
      try {
        const res = await client.sendToBroker<DescribeLogDirsResponse>(id, 'DescribeLogDirs', () => ({ topics: [{ topic, partitions }] }))
        for (const d of res.results)
          for (const t of d.topics)
            for (const p of t.partitions) if (!p.isFutureKey) out.set(`${id}/${p.partitionIndex}`, { size: Number(p.partitionSize), lag: Number(p.offsetLag) })
      } catch {
        // a broker that does not answer: its replicas' sizes stay unknown (0), as an offline replica's
      }
    })
  )
  return out
}

/** A topic's configs from DescribeConfigs, in the engine's form (values the table does not know are left out). */
async function topicConfigs(client: KafkaWireClient, topic: string): Promise<TopicConfigs> {
  const res = await client.sendToAny<DescribeConfigsResponse>('DescribeConfigs', () => ({
    resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: null }],
    includeSynonyms: false
  }))
  const r = res.results[0]
  if (!r) throw new RemoteClusterError('UNKNOWN_SERVER_ERROR', `DescribeConfigs answered no result for topic ${topic}`)
  if (r.errorCode !== 0) throw RemoteClusterError.fromCode(r.errorCode, r.errorMessage, `topic ${topic}`)
  const configs: Record<string, unknown> = { ...DEFAULT_TOPIC_CONFIGS }
  for (const c of r.configs) {
    if (!topicConfigDef(c.name) || c.value === null) continue
    const v = parseTopicConfigValue(c.name, c.value)
    if (v.ok) configs[c.name] = v.value
  }
  return configs as TopicConfigs
}

/**
 * A topic's state as the wire shows it (see the module comment for what it cannot show).
 * @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION (no such topic) or another Kafka error name.
 */
export async function remoteTopicState(client: KafkaWireClient, topic: string, withConfigs: boolean): Promise<TopicState> {
  const t = await client.topic(topic)
  const parts = [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex)
  const ids = parts.map((p) => p.partitionIndex)
  const [ranges, sizes, configs] = await Promise.all([
    partitionRanges(client, topic, ids),
    logDirSizes(client, topic, ids),
    withConfigs ? topicConfigs(client, topic) : Promise.resolve({ ...DEFAULT_TOPIC_CONFIGS } as TopicConfigs)
  ])
  return {
    name: topic,
    internal: t.isInternal,
    replicationFactor: parts[0]?.replicaNodes.length ?? 0,
    configs,
    partitions: parts.map((p) => {
      const r = ranges.get(p.partitionIndex) ?? { logStartOffset: 0, highWatermark: 0 }
      const replicaStates: ReplicaState[] = p.replicaNodes.map((b) => {
        const logEndOffset = Math.max(r.logStartOffset, r.highWatermark - (sizes.get(`${b}/${p.partitionIndex}`)?.lag ?? 0))
        return {
          brokerId: b,
          logEndOffset,
          inSync: p.isrNodes.includes(b),
          offline: p.offlineReplicas.includes(b),
          storageError: null,
          ...remoteLag(p.leaderId, r.highWatermark - logEndOffset)
        }
      })
      return {
        topic,
        partition: p.partitionIndex,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: [...p.replicaNodes],
        isr: [...p.isrNodes],
        logStartOffset: r.logStartOffset,
        logEndOffset: r.highWatermark,
        highWatermark: r.highWatermark,
        recordCount: Math.max(0, r.highWatermark - r.logStartOffset),
        sizeBytes: sizes.get(`${p.leaderId}/${p.partitionIndex}`)?.size ?? 0,
        replicaStates
      }
    })
  }
}

/**
 * A replica's lag over the wire: records from DescribeLogDirs' OffsetLag; ms only when caught up (0,
 * by definition), since the leader's lastCaughtUpTimeMs is not on the wire; both null without a leader.
 */
function remoteLag(leaderId: number, lagRecords: number): { lagRecords: number | null; lagMs: number | null } {
  if (leaderId < 0) return { lagRecords: null, lagMs: null }
  return { lagRecords, lagMs: lagRecords === 0 ? 0 : null }
}

/** topic/list over the wire. */
export async function remoteListTopics(client: KafkaWireClient, req: RequestOf<'topic/list'>): Promise<ResponseOf<'topic/list'>> {
  const meta = await client.metadata(true)
  const names = [...meta.topics.values()].filter((t) => t.errorCode === 0 && (req.includeInternal || !t.isInternal)).map((t) => t.name as string).sort()
  const states = await Promise.all(names.map((n) => remoteTopicState(client, n, false)))
  return states.map(toTopicSummary)
}

/** topic/describe over the wire. */
export async function remoteDescribeTopic(client: KafkaWireClient, topic: string): Promise<ResponseOf<'topic/describe'>> {
  return toTopicDetail(await remoteTopicState(client, topic, true))
}

/** Config overrides as the wire carries them: name -> text (Kafka's tools send every value as a string). */
function configEntries(configs: TopicConfigOverridesJson | undefined): { name: string; value: string }[] {
  return Object.entries(configs ?? {}).map(([name, value]) => ({ name, value: String(value) }))
}

/** topic/create over the wire (CreateTopics), answered with the new topic's detail. @throws RemoteClusterError with the broker's error name and message. */
export async function remoteCreateTopic(client: KafkaWireClient, req: RequestOf<'topic/create'>): Promise<ResponseOf<'topic/create'>> {
  const res = await client.sendToAny<CreateTopicsResponse>('CreateTopics', () => ({
    topics: [{ name: req.topic, numPartitions: req.partitions, replicationFactor: req.replicationFactor, assignments: [], configs: configEntries(req.configs) }],
    timeoutMs: ADMIN_TIMEOUT_MS,
    validateOnly: false
  }))
  const r = res.topics[0]
  if (r && r.errorCode !== 0) throw RemoteClusterError.fromCode(r.errorCode, r.errorMessage, '')
  await client.metadata(true)
  return remoteDescribeTopic(client, req.topic)
}

/** topic/alter over the wire: CreatePartitions for `partitions`, IncrementalAlterConfigs (SET) for `configs`. @throws RemoteClusterError. */
export async function remoteAlterTopic(client: KafkaWireClient, req: RequestOf<'topic/alter'>): Promise<ResponseOf<'topic/alter'>> {
  await client.topic(req.topic)
  if (req.partitions !== undefined) {
    const res = await client.sendToAny<CreatePartitionsResponse>('CreatePartitions', () => ({
      topics: [{ name: req.topic, count: req.partitions, assignments: null }],
      timeoutMs: ADMIN_TIMEOUT_MS,
      validateOnly: false
    }))
    const r = res.results[0]
    if (r && r.errorCode !== 0) throw RemoteClusterError.fromCode(r.errorCode, r.errorMessage, '')
  }
  if (req.configs) {
    const res = await client.sendToAny<IncrementalAlterConfigsResponse>('IncrementalAlterConfigs', () => ({
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: req.topic, configs: configEntries(req.configs).map((c) => ({ ...c, configOperation: OP_SET })) }],
      validateOnly: false
    }))
    const r = res.responses[0]
    if (r && r.errorCode !== 0) throw RemoteClusterError.fromCode(r.errorCode, r.errorMessage, '')
  }
  await client.metadata(true)
  return remoteDescribeTopic(client, req.topic)
}

/** topic/delete over the wire (DeleteTopics by name). @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION, ... */
export async function remoteDeleteTopic(client: KafkaWireClient, topic: string): Promise<ResponseOf<'topic/delete'>> {
  // DeleteTopics names topics in topicNames up to v5 and in topics (name or id) from v6 (KIP-516).
  const res = await client.sendToAny<DeleteTopicsResponse>('DeleteTopics', (v) =>
    v >= 6 ? { topics: [{ name: topic }], timeoutMs: ADMIN_TIMEOUT_MS } : { topicNames: [topic], timeoutMs: ADMIN_TIMEOUT_MS }
  )
  const r = res.responses[0]
  if (r && r.errorCode !== 0) throw RemoteClusterError.fromCode(r.errorCode, r.errorMessage, r.errorMessage ? '' : `topic ${topic}`)
  await client.metadata(true)
  return { ok: true }
}

/** offsets/list over the wire: per partition the earliest offset, the latest (high watermark) and the high watermark. */
export async function remoteListOffsets(client: KafkaWireClient, topic: string): Promise<ResponseOf<'offsets/list'>> {
  const parts = (await client.partitions(topic)).map((p) => p.partitionIndex)
  const ranges = await partitionRanges(client, topic, parts)
  return parts.map((p) => {
    const r = ranges.get(p)!
    return { partition: p, earliest: r.logStartOffset, latest: r.highWatermark, highWatermark: r.highWatermark }
  })
}
