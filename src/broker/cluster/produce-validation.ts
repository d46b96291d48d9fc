/**
 * Kafka's produce-time rules, in one place: the checks a leader makes before it appends a produce
 * request (Kafka's ReplicaManager.appendRecords / Partition.appendRecordsToLeader / LogValidator),
 * shared by the engine's own produce (Cluster.produce) and by hosts that check a whole request
 * before they write any of it in chunks (src/host/produce-preflight.ts).
 *
 * Each check throws a KafkaError with Kafka's error name and a message naming the record by its
 * `index` (the caller decides what the index counts: the records of one call, or of a whole
 * request) and the rule it broke.
 *
 * Must stay true: pure functions of their arguments (no engine state is read or changed here); the
 * engine and the hosts throw the same error name and wording for the same rule.
 */
import { KafkaError } from '../model/errors'
import { isAcks, type Acks } from '../model/acks'

/** Buffer.isBuffer, read once: Node's global `Buffer` is a getter, which every record's check would call twice. */
const isBuffer = Buffer.isBuffer

/** What the produce rules need to know of a topic. */
export interface ProduceTarget {
  topic: string
  /** The topic's partitions, indexed by partition id: the leader's broker id (-1 when offline) and the ISR. */
  partitions: readonly { leader: number; isr: readonly number[] }[]
  /** The topic's max.message.bytes: the largest record batch, in bytes, it accepts. */
  maxMessageBytes: number
  /** The topic's min.insync.replicas: the ISR size an acks=all produce needs. */
  minInsyncReplicas: number
}

/**
 * Checks the producer's `acks` (Kafka's ProduceRequest acks: 0, 1 or -1 = all).
 * @throws KafkaError INVALID_REQUIRED_ACKS for anything else.
 */
export function checkAcks(acks: unknown): asserts acks is Acks {
  if (!isAcks(acks))
    throw new KafkaError('INVALID_REQUIRED_ACKS', `acks must be 0, 1 or 'all', got ${String(acks)}`)
}

/**
 * Checks the shape of one record: a Buffer or null key and value, headers with a string key and a
 * Buffer or null value, and a timestamp that is a non-negative integer of ms when given.
 * @param index the record's index, as the caller counts records (used in messages)
 * @throws KafkaError INVALID_RECORD or INVALID_TIMESTAMP.
 */
export function checkRecordShape(r: unknown, index: number): void {
  if (!r || typeof r !== 'object') throw new KafkaError('INVALID_RECORD', `Record ${index} is not an object`)
  const rec = r as { key?: unknown; value?: unknown; headers?: unknown; timestamp?: unknown }
  const key = rec.key ?? null
  const value = rec.value ?? null
  if (key !== null && !isBuffer(key)) throw new KafkaError('INVALID_RECORD', `Record ${index}: key must be a Buffer or null`)
  if (value !== null && !isBuffer(value)) throw new KafkaError('INVALID_RECORD', `Record ${index}: value must be a Buffer or null`)
  const headers = rec.headers
  if (headers !== undefined && headers !== null) {
    if (!Array.isArray(headers)) throw new KafkaError('INVALID_RECORD', `Record ${index}: headers must be an array`)
    for (const h of headers as { key?: unknown; value?: unknown }[])
      if (typeof h?.key !== 'string' || (h.value !== null && !isBuffer(h.value)))
        throw new KafkaError('INVALID_RECORD', `Record ${index}: a header needs a string key and a Buffer or null value`)
  }
  if (rec.timestamp !== undefined && (!Number.isInteger(rec.timestamp) || (rec.timestamp as number) < 0))
    throw new KafkaError('INVALID_TIMESTAMP', `Record ${index}: timestamp must be a non-negative integer of ms, got ${String(rec.timestamp)}`)
}

/**
 * Checks that an explicit partition exists.
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION naming the partition count.
 */
export function checkPartitionExists(target: ProduceTarget, partition: number): void {
  const n = target.partitions.length
  if (!Number.isInteger(partition) || partition < 0 || partition >= n)
    throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic ${target.topic} does not exist (topic has ${n} partitions)`)
}

/**
 * Checks a record's size against max.message.bytes (Kafka's RecordTooLargeException: the record
 * batch a record travels in may not exceed the topic's max.message.bytes).
 * @param batchBytes the size of the smallest record batch v2 holding only this record (record-size.ts)
 * @param index the record's index, as the caller counts records
 * @throws KafkaError RECORD_TOO_LARGE.
 */
export function checkRecordSize(target: ProduceTarget, batchBytes: number, index: number): void {
  if (batchBytes > target.maxMessageBytes)
    throw new KafkaError(
      'RECORD_TOO_LARGE',
      `Record ${index} is ${batchBytes} bytes when serialized in a record batch, which is larger than max.message.bytes ${target.maxMessageBytes} of topic ${target.topic}`
    )
}

/**
 * Checks that a partition has a leader to append to.
 * @throws KafkaError LEADER_NOT_AVAILABLE when it is offline.
 */
export function checkLeaderAvailable(target: ProduceTarget, partition: number): void {
  if (target.partitions[partition].leader < 0)
    throw new KafkaError('LEADER_NOT_AVAILABLE', `Partition ${target.topic}-${partition} is offline: no live in-sync replica to lead it`)
}

/**
 * acks=all only: checks that the partition's ISR holds at least min.insync.replicas members (Kafka's
 * Partition.appendRecordsToLeader refuses before appending otherwise).
 * @throws KafkaError NOT_ENOUGH_REPLICAS with Kafka's wording.
 */
export function checkMinInsyncReplicas(target: ProduceTarget, partition: number): void {
  const isr = target.partitions[partition].isr
  if (isr.length < target.minInsyncReplicas)
    throw new KafkaError(
      'NOT_ENOUGH_REPLICAS',
      `The size of the current ISR [${isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${target.minInsyncReplicas} for partition ${target.topic}-${partition}`
    )
}

/**
 * Whether a produce with `acks` to `partition` would pass the partition checks now: it has a leader,
 * and for acks=all its ISR holds min.insync.replicas members. The sticky partitioner uses it to
 * steer records without a key away from partitions that cannot take them.
 */
export function partitionWritable(target: ProduceTarget, partition: number, acks: Acks): boolean {
  const p = target.partitions[partition]
  return p.leader >= 0 && (acks !== 'all' || p.isr.length >= target.minInsyncReplicas)
}

/**
 * Checks that `partition` can take a produce with `acks` now: its leader, then (acks=all) its ISR.
 * @throws KafkaError LEADER_NOT_AVAILABLE or NOT_ENOUGH_REPLICAS.
 */
export function checkPartitionWritable(target: ProduceTarget, partition: number, acks: Acks): void {
  checkLeaderAvailable(target, partition)
  if (acks === 'all') checkMinInsyncReplicas(target, partition)
}
