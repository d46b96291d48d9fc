/**
 * The records of the cluster metadata log (KRaft's `__cluster_metadata`): Kafka's metadata record
 * types, with Kafka's names and field names (`../shared/kafka-protocol/metadata/*.json`), limited to
 * the fields this engine has, and their encoding as a record value.
 *
 * Encoding (until the protocol code generator of issue 10 exists): each record is the value of one
 * Kafka record (null key) in a record batch v2, as the UTF-8 JSON text
 * `{"type":"TopicRecord","version":0,"data":{"Name":"orders","TopicId":"..."}}` (`type` the Kafka
 * record name, `version` the Kafka record version whose fields `data` uses, `data` the fields by their
 * Kafka names). Uuids are Kafka's 22-character base64url form (Uuid.toString).
 *
 * Where this differs from Kafka's specs (every difference is the engine's own, documented here):
 * - PartitionChangeRecord also carries `LeaderEpoch` and `PartitionEpoch`, the values after the
 *   change. Kafka derives them on replay (leader epoch + 1 when `Leader` is set, partition epoch + 1
 *   always); one record here may sum up several elections of one engine step, so it says the
 *   result. Without them, replay applies Kafka's rule.
 * - SnapshotHeaderRecord / SnapshotFooterRecord (Kafka's control records opening and closing a
 *   snapshot) are ordinary records of their own batches here: the storage writes data batches only.
 * - PartitionRecord and PartitionChangeRecord carry `UncleanEpoch` (absent: none), the leader epoch
 *   of the partition's last unclean election (registration.uncleanEpoch, see
 *   ../controller/replication-control.ts): a returning replica whose log stops at an older epoch may
 *   truncate below its own high watermark to agree with that leader. Kafka records the state after
 *   an unclean election as LeaderRecoveryState (KIP-704) instead; this engine keeps the epoch, so a
 *   replica that returns after a restart still truncates.
 * - ProducerIdsRecord has no BrokerEpoch.
 * - Fields the engine does not have are left out: broker epochs, incarnation ids, endpoints,
 *   features, racks, log dirs, adding/removing replicas, leader recovery state, ELR.
 *
 * Must stay true: decodeMetadataRecord accepts exactly what encodeMetadataRecord writes (a zod
 * schema per type checks every field), so a value that is not such a record is an error naming the
 * problem, never a half-applied record.
 */
import { z } from 'zod'
import type { StoredRecord } from '../storage/storage-types'

/** Kafka's ConfigResource.Type.TOPIC, the ResourceType of a topic's ConfigRecord. */
export const CONFIG_RESOURCE_TOPIC = 2

/** A broker joins the cluster (Kafka's RegisterBrokerRecord, apiKey 0). Fenced: it does not run. */
export interface RegisterBrokerRecord {
  type: 'RegisterBrokerRecord'
  version: 0
  data: { BrokerId: number; Fenced: boolean }
}

/**
 * A broker's registration changes (Kafka's BrokerRegistrationChangeRecord, apiKey 17). Fenced: 1 the
 * broker was fenced (stopped, after its controlled shutdown), -1 unfenced (started again), 0 no change.
 */
export interface BrokerRegistrationChangeRecord {
  type: 'BrokerRegistrationChangeRecord'
  version: 0
  data: { BrokerId: number; Fenced: -1 | 0 | 1 }
}

/** A topic is created (Kafka's TopicRecord, apiKey 2). */
export interface TopicRecord {
  type: 'TopicRecord'
  version: 0
  data: { Name: string; TopicId: string }
}

/**
 * A partition is created (Kafka's PartitionRecord, apiKey 3): replicas in preferred order, ISR,
 * leader (-1: none), leader epoch, partition epoch.
 */
export interface PartitionRecord {
  type: 'PartitionRecord'
  version: 0
  data: { PartitionId: number; TopicId: string; Replicas: number[]; Isr: number[]; Leader: number; LeaderEpoch: number; PartitionEpoch: number; UncleanEpoch?: number }
}

/**
 * The PartitionRecord of partition `partitionId` of topic `topicId` in state `p` (copies of its
 * replicas and ISR; `UncleanEpoch` only when it had an unclean election), at `partitionEpoch`: 0 for
 * a partition the delta creates, the image's epoch in a snapshot.
 */
export function partitionRecord(
  topicId: string,
  partitionId: number,
  p: { replicas: readonly number[]; isr: readonly number[]; leader: number; leaderEpoch: number; uncleanEpoch?: number },
  partitionEpoch: number
): PartitionRecord {
  return {
    type: 'PartitionRecord',
    version: 0,
    data: {
      PartitionId: partitionId,
      TopicId: topicId,
      Replicas: [...p.replicas],
      Isr: [...p.isr],
      Leader: p.leader,
      LeaderEpoch: p.leaderEpoch,
      PartitionEpoch: partitionEpoch,
      ...(p.uncleanEpoch !== undefined ? { UncleanEpoch: p.uncleanEpoch } : {})
    }
  }
}

/**
 * A partition changes (Kafka's PartitionChangeRecord, apiKey 5): only the fields that changed are
 * present (Kafka's tagged fields with their "no change" defaults: Isr / Replicas absent, Leader
 * absent or -2). Leader -1: no leader now. LeaderEpoch / PartitionEpoch / UncleanEpoch: see the
 * module header.
 */
export interface PartitionChangeRecord {
  type: 'PartitionChangeRecord'
  version: 0
  data: {
    PartitionId: number
    TopicId: string
    Isr?: number[]
    Leader?: number
    Replicas?: number[]
    LeaderEpoch?: number
    PartitionEpoch?: number
    UncleanEpoch?: number
  }
}

/**
 * A config of a resource is set (Kafka's ConfigRecord, apiKey 4): ResourceType 2 (topic),
 * ResourceName the topic name, Name the config key, Value the value as text (exact for Long
 * values), or null when the key returns to its default (the record deletes the override).
 */
export interface ConfigRecord {
  type: 'ConfigRecord'
  version: 0
  data: { ResourceType: number; ResourceName: string; Name: string; Value: string | null }
}

/** A topic is deleted, with its partitions and configs (Kafka's RemoveTopicRecord, apiKey 9). */
export interface RemoveTopicRecord {
  type: 'RemoveTopicRecord'
  version: 0
  data: { TopicId: string }
}

/**
 * A block of producer ids was handed out (Kafka's ProducerIdsRecord, apiKey 15): NextProducerId is
 * the first id not yet handed out, so ids below it are never handed out again, across restarts.
 * BrokerId: the broker the block went to. (Kafka's BrokerEpoch is left out: the engine has none.)
 */
export interface ProducerIdsRecord {
  type: 'ProducerIdsRecord'
  version: 0
  data: { BrokerId: number; NextProducerId: number }
}

/** First record of a snapshot (Kafka's SnapshotHeaderRecord): LastContainedLogTimestamp in ms. */
export interface SnapshotHeaderRecord {
  type: 'SnapshotHeaderRecord'
  version: 0
  data: { Version: 0; LastContainedLogTimestamp: number }
}

/** Last record of a complete snapshot (Kafka's SnapshotFooterRecord). */
export interface SnapshotFooterRecord {
  type: 'SnapshotFooterRecord'
  version: 0
  data: { Version: 0 }
}

/** A record that changes the metadata image. */
export type MetadataRecord =
  | RegisterBrokerRecord
  | BrokerRegistrationChangeRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | ConfigRecord
  | RemoveTopicRecord
  | ProducerIdsRecord

/** Any record of the metadata log or a snapshot. */
export type MetadataLogRecord = MetadataRecord | SnapshotHeaderRecord | SnapshotFooterRecord

const int32 = z.int().min(-2147483648).max(2147483647)
const brokerId = z.int().min(0).max(2147483647)
const uuid = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a Kafka uuid is 22 base64url characters')
const epoch = z.int().min(0).max(2147483647)
const brokers = z.array(brokerId)

const recordSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('RegisterBrokerRecord'), version: z.literal(0), data: z.strictObject({ BrokerId: brokerId, Fenced: z.boolean() }) }),
  z.strictObject({
    type: z.literal('BrokerRegistrationChangeRecord'),
    version: z.literal(0),
    data: z.strictObject({ BrokerId: brokerId, Fenced: z.union([z.literal(-1), z.literal(0), z.literal(1)]) })
  }),
  z.strictObject({ type: z.literal('TopicRecord'), version: z.literal(0), data: z.strictObject({ Name: z.string().min(1), TopicId: uuid }) }),
  z.strictObject({
    type: z.literal('PartitionRecord'),
    version: z.literal(0),
    data: z.strictObject({
      PartitionId: z.int().min(0).max(2147483647),
      TopicId: uuid,
      Replicas: brokers.min(1),
      Isr: brokers,
      Leader: int32.min(-1),
      LeaderEpoch: epoch,
      PartitionEpoch: epoch,
      UncleanEpoch: epoch.optional()
    })
  }),
  z.strictObject({
    type: z.literal('PartitionChangeRecord'),
    version: z.literal(0),
    data: z.strictObject({
      PartitionId: z.int().min(0).max(2147483647),
      TopicId: uuid,
      Isr: brokers.optional(),
      Leader: int32.min(-2).optional(),
      Replicas: brokers.min(1).optional(),
      LeaderEpoch: epoch.optional(),
      PartitionEpoch: epoch.optional(),
      UncleanEpoch: epoch.optional()
    })
  }),
  z.strictObject({
    type: z.literal('ConfigRecord'),
    version: z.literal(0),
    data: z.strictObject({ ResourceType: z.int().min(-128).max(127), ResourceName: z.string(), Name: z.string().min(1), Value: z.string().nullable() })
  }),
  z.strictObject({ type: z.literal('RemoveTopicRecord'), version: z.literal(0), data: z.strictObject({ TopicId: uuid }) }),
  z.strictObject({
    type: z.literal('ProducerIdsRecord'),
    version: z.literal(0),
    data: z.strictObject({ BrokerId: brokerId, NextProducerId: z.int().min(0).max(Number.MAX_SAFE_INTEGER) })
  }),
  z.strictObject({
    type: z.literal('SnapshotHeaderRecord'),
    version: z.literal(0),
    data: z.strictObject({ Version: z.literal(0), LastContainedLogTimestamp: z.int() })
  }),
  z.strictObject({ type: z.literal('SnapshotFooterRecord'), version: z.literal(0), data: z.strictObject({ Version: z.literal(0) }) })
])

/** The record value of `record`: its JSON text in UTF-8 (see the module header). */
export function encodeMetadataRecord(record: MetadataLogRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8')
}

/**
 * The metadata record a stored record's value holds.
 * @throws Error naming the problem (no value, not JSON, not a known record type, a field of the
 *   wrong shape: `data.Replicas[1]: ...`); callers add where it was read.
 */
export function decodeMetadataRecord(stored: Pick<StoredRecord, 'value'>): MetadataLogRecord {
  if (stored.value === null) throw new Error('the record has no value')
  let doc: unknown
  try {
    doc = JSON.parse(stored.value.toString('utf8'))
  } catch (e) {
    throw new Error(`the record value is not JSON: ${(e as Error).message}`)
  }
  const res = recordSchema.safeParse(doc)
  if (!res.success) {
    const issue = res.error.issues[0]
    const where = issue.path.length === 0 ? 'the record' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').slice(1)
    throw new Error(`the record value is not a metadata record (${where}: ${issue.message})`)
  }
  return res.data as MetadataLogRecord
}
