/**
 * The cluster's metadata as the Cluster holds it in memory (ClusterMetadata: cluster id, brokers and
 * whether each runs, topics with their configs, replica assignment, leaders, leader epochs and
 * ISRs), and `<dataDir>/cluster.json`, the single JSON document in which earlier versions kept it.
 * The metadata is now persisted as a log (../controller/metadata-log.ts); cluster.json is only read,
 * once, when a data directory written by an earlier version is migrated.
 *
 * Must stay true: reading checks the whole document's shape (a zod schema, plus the
 * cross-references: known brokers, ISR within the replicas, valid topic configs) before anything
 * uses it, so a damaged or hand-edited file fails with KAFKA_STORAGE_ERROR naming the file and what
 * is wrong, never with a TypeError later. The same check applies to the image a metadata log replays.
 * LONG config values are held exactly (bigint); a metadata log stores them as decimal strings.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { KafkaError } from '../model/errors'
import type { TopicConfigs } from '../model/topic-configs'
import { topicConfigsFromJson } from './topic-config'

/** Format version of cluster.json. */
export const METADATA_VERSION = 1
export const METADATA_FILE = 'cluster.json'

/** A broker of the cluster: its id and whether it runs (stopBroker / startBroker persist it). */
export interface BrokerMeta {
  id: number
  alive: boolean
}

/** One partition's replication state (Kafka's PartitionRegistration). */
export interface PartitionMeta {
  replicas: number[]
  /** -1 when offline. */
  leader: number
  leaderEpoch: number
  isr: number[]
  /**
   * The leader epoch of the last unclean election (a leader from outside the ISR), if any: a replica
   * whose log's latest epoch is older may truncate below its own high watermark to agree with the
   * leader (the records cut are those the records-lost event reported). Persisted in the metadata
   * log (PartitionRecord / PartitionChangeRecord UncleanEpoch), so it holds across restarts.
   */
  uncleanEpoch?: number
}

/** A topic's registration: name, id, whether it is internal (__consumer_offsets), configs, partitions. */
export interface TopicMeta {
  name: string
  /** Kafka topic id (22-character base64url UUID). */
  topicId: string
  internal: boolean
  configs: TopicConfigs
  partitions: PartitionMeta[]
}

/**
 * The cluster's metadata (cluster.json's document, format version METADATA_VERSION). `cleanShutdown`:
 * whether the engine that last had the directory open closed it cleanly (false while a Cluster has it
 * open).
 */
export interface ClusterMetadata {
  version: number
  clusterId: string
  cleanShutdown: boolean
  brokers: BrokerMeta[]
  topics: TopicMeta[]
  /**
   * The first producer id not yet handed out in a block (Kafka's ProducerIdsRecord.NextProducerId),
   * absent before the first InitProducerId; ids below it are never handed out again.
   */
  nextProducerId?: number
  /** The broker the last producer id block went to (the ProducerIdsRecord's BrokerId). */
  producerIdBlockBroker?: number
}

/** Problems listed in a malformed-metadata message before "and N more". */
const MAX_LISTED_PROBLEMS = 3

const brokerId = z.int().min(0, 'a broker id is a non-negative integer')

/** The shape of cluster.json, version 1 (fields the engine does not know are kept as they are). */
const metadataSchema = z
  .looseObject({
    version: z.literal(METADATA_VERSION),
    clusterId: z.string().min(1, 'the cluster id must not be empty'),
    cleanShutdown: z.boolean(),
    brokers: z.array(z.looseObject({ id: brokerId, alive: z.boolean() })).min(1, 'a cluster has at least one broker'),
    topics: z.array(
      z.looseObject({
        name: z.string().min(1, 'a topic name must not be empty'),
        topicId: z.string(),
        internal: z.boolean(),
        configs: z.record(z.string(), z.union([z.string(), z.number(), z.bigint()])),
        partitions: z
          .array(
            z.looseObject({
              replicas: z.array(brokerId).min(1, 'a partition has at least one replica'),
              leader: z.int().min(-1, 'the leader is a broker id, or -1 when offline'),
              leaderEpoch: z.int().min(0, 'a leader epoch is a non-negative integer'),
              isr: z.array(brokerId)
            })
          )
          .min(1, 'a topic has at least one partition')
      })
    )
  })
  .superRefine((doc, ctx) => {
    const brokers = new Set<number>()
    doc.brokers.forEach((b, i) => {
      if (brokers.has(b.id)) ctx.addIssue({ code: 'custom', path: ['brokers', i, 'id'], message: `broker id ${b.id} appears twice` })
      brokers.add(b.id)
    })
    const names = new Set<string>()
    doc.topics.forEach((t, ti) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['topics', ti, 'name'], message: `topic ${t.name} appears twice` })
      names.add(t.name)
      try {
        topicConfigsFromJson(t.configs)
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['topics', ti, 'configs'], message: (e as Error).message })
      }
      t.partitions.forEach((p, pi) => {
        const at = (field: string): PropertyKey[] => ['topics', ti, 'partitions', pi, field]
        const unknown = p.replicas.filter((r) => !brokers.has(r))
        if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: at('replicas'), message: `replicas ${unknown.join(', ')} are not brokers of the cluster` })
        if (new Set(p.replicas).size !== p.replicas.length) ctx.addIssue({ code: 'custom', path: at('replicas'), message: 'a broker appears twice in the replicas' })
        if (p.leader !== -1 && !p.replicas.includes(p.leader))
          ctx.addIssue({ code: 'custom', path: at('leader'), message: `leader ${p.leader} is not one of the replicas [${p.replicas.join(', ')}]` })
        const outside = p.isr.filter((r) => !p.replicas.includes(r))
        if (outside.length > 0 || new Set(p.isr).size !== p.isr.length)
          ctx.addIssue({ code: 'custom', path: at('isr'), message: `the ISR [${p.isr.join(', ')}] must be distinct replicas of [${p.replicas.join(', ')}]` })
      })
    })
  })

/** `topics[2] (orders).partitions[0].isr`: a zod issue path, with the topic's name when the document has one. */
function describePath(doc: unknown, issuePath: readonly PropertyKey[]): string {
  if (issuePath.length === 0) return 'the document'
  let out = ''
  for (const [i, part] of issuePath.entries()) {
    out += typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`
    if (i === 1 && issuePath[0] === 'topics' && typeof part === 'number') {
      const name = (doc as { topics?: { name?: unknown }[] }).topics?.[part]?.name
      if (typeof name === 'string') out += ` (${name})`
    }
  }
  return out
}

/**
 * Checks that `doc` (cluster.json's parsed JSON, or the image a metadata log replayed) is version-1 cluster metadata: the shapes of the
 * brokers ({id, alive}[]), topics and partition registrations, and their cross-references (replicas
 * and leaders are brokers of the cluster, the ISR lies within the replicas, configs are valid
 * Kafka topic configs).
 * @returns `doc` itself, typed, each topic's configs replaced by the engine's form (LONG values
 *   bigint; the old stand-in 9007199254740991 for Long.MAX_VALUE migrated, see topicConfigsFromJson).
 * @throws KafkaError KAFKA_STORAGE_ERROR naming `file`, the version when it is not 1, or the first
 *   problems found (`path: rule`).
 */
export function parseClusterMetadata(doc: unknown, file: string): ClusterMetadata {
  const version = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as { version?: unknown }).version : undefined
  if (version !== undefined && version !== METADATA_VERSION)
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cluster metadata ${file} has an unknown format (version ${JSON.stringify(version)}; this engine reads version ${METADATA_VERSION})`)
  const res = metadataSchema.safeParse(doc)
  if (!res.success) {
    const problems = res.error.issues.map((i) => `${describePath(doc, i.path)}: ${i.message}`)
    const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : ''
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cluster metadata ${file} is malformed: ${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}${more}`)
  }
  // Configs as the engine holds them: LONG values exact (bigint), older stand-ins migrated.
  const meta = doc as ClusterMetadata
  for (const t of meta.topics) t.configs = topicConfigsFromJson(t.configs as unknown as Record<string, unknown>)
  return meta
}

/**
 * Read and check `<dataDir>/cluster.json`.
 * @returns the metadata, or null when the directory holds no cluster yet (no file).
 * @throws KafkaError KAFKA_STORAGE_ERROR naming the file: unreadable, not JSON, or malformed (see
 *   parseClusterMetadata).
 */
export function readClusterMetadata(dataDir: string): ClusterMetadata | null {
  const file = path.join(dataDir, METADATA_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot read cluster metadata ${file}: ${(e as Error).message}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new KafkaError('KAFKA_STORAGE_ERROR', `Cluster metadata ${file} is not valid JSON: ${(e as Error).message}`)
  }
  return parseClusterMetadata(doc, file)
}
