/**
 * Checks a whole produce/send before any of it is expanded or written, so a send is all or
 * nothing wherever Kafka's rules decide it: the rules are the engine's own
 * (broker/cluster/produce-validation.ts), applied to every record the send expands to, by request
 * index, computed from the request as received.
 *
 * Order (each step only if the previous passed): the topic exists; acks; records × count within
 * MAX_RECORDS_PER_SEND; the first record (by request index) whose explicit partition does not
 * exist or whose batch exceeds max.message.bytes; the byte budget (PRODUCE_SEND_MAX_BYTES); then
 * the partitions' state: the first record bound for an offline partition (LEADER_NOT_AVAILABLE),
 * then for acks=all the first bound for a partition whose ISR is below min.insync.replicas
 * (NOT_ENOUGH_REPLICAS), as Cluster.produce orders them.
 *
 * Must stay true: nothing proportional to the expanded bytes is allocated; keys are expanded (one
 * at a time, to hash them) only when some partition cannot take the send; the engine state is
 * only read.
 */
import type { RequestOf } from '../shared/contract'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import { partitionForKey } from '../broker/client/partitioner'
import {
  checkAcks,
  checkLeaderAvailable,
  checkPartitionExists,
  checkPartitionWritable,
  checkRecordSize,
  partitionWritable,
  type ProduceTarget
} from '../broker/cluster/produce-validation'
import { batchBytesAt, checkProduceBudget, firstRecordAbove, measureProduceSend, type ProduceMeasure } from './produce-budget'
import { fillTemplate, placeholderCount } from './produce-records'

type ProduceRequest = RequestOf<'produce/send'>

/** A send that passed every check: its measure (sizes per record) and the topic as checked. */
export interface ProducePlan {
  measure: ProduceMeasure
  target: ProduceTarget
}

/** What the produce rules need of a topic, from the engine's description of it now. */
export function produceTargetOf(cluster: ClusterApi, topic: string): ProduceTarget {
  const t = cluster.describeTopic(topic)
  const partitions: { leader: number; isr: number[] }[] = []
  for (const p of t.partitions) partitions[p.partition] = { leader: p.leader, isr: [...p.isr] }
  return {
    topic: t.name,
    partitions,
    maxMessageBytes: t.configs['max.message.bytes'],
    minInsyncReplicas: t.configs['min.insync.replicas']
  }
}

/**
 * The request index of the first record whose partition satisfies `blocked`, with that partition,
 * or null. Keyed records hash their key (templated keys one repetition at a time); records
 * without a key go to the sticky partition, which avoids partitions that cannot take them while
 * one can: they count only when `nullKeyBlocked` names a partition (the one to report).
 */
function firstRecordBoundFor(
  req: ProduceRequest,
  target: ProduceTarget,
  blocked: (partition: number) => boolean,
  nullKeyBlocked: number | null
): { index: number; partition: number } | null {
  const n = target.partitions.length
  const inputs = req.records.length
  const repeat = req.count ?? 1
  const all = Array.from({ length: n }, (_, p) => p)
  const blockedSet = new Set(all.filter(blocked))
  if (blockedSet.size === 0 && nullKeyBlocked === null) return null
  let first: { index: number; partition: number } | null = null
  const consider = (index: number, partition: number) => {
    if (first === null || index < first.index) first = { index, partition }
  }
  req.records.forEach((rec, j) => {
    if (rec.partition !== undefined) {
      if (blockedSet.has(rec.partition)) consider(j, rec.partition)
    } else if (rec.key === null) {
      if (nullKeyBlocked !== null) consider(j, nullKeyBlocked)
    } else if (req.count === undefined || placeholderCount(rec.key) === 0) {
      const p = partitionForKey(Buffer.from(rec.key, 'utf8'), n)
      if (blockedSet.has(p)) consider(j, p)
    } else {
      for (let r = 0; r < repeat; r++) {
        const index = r * inputs + j
        if (first !== null && index >= (first as { index: number }).index) break
        const p = partitionForKey(Buffer.from(fillTemplate(rec.key, r), 'utf8'), n)
        if (blockedSet.has(p)) {
          consider(index, p)
          break
        }
      }
    }
  })
  return first
}

/**
 * Checks a produce/send as a whole (see the module header for the order).
 * @returns the plan the writer follows.
 * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUIRED_ACKS, INVALID_REQUEST (records
 *   × count or the byte budget), RECORD_TOO_LARGE naming the record's request index,
 *   LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS.
 */
export function preflightProduce(cluster: ClusterApi, req: ProduceRequest): ProducePlan {
  const target = produceTargetOf(cluster, req.topic)
  checkAcks(req.acks)
  const measure = measureProduceSend(req.records, req.count)

  const badPartition = req.records.findIndex((r) => r.partition !== undefined && (r.partition < 0 || r.partition >= target.partitions.length))
  const tooLarge = firstRecordAbove(measure, target.maxMessageBytes)
  if (badPartition >= 0 && (tooLarge === null || badPartition < tooLarge)) checkPartitionExists(target, req.records[badPartition].partition as number)
  if (tooLarge !== null) checkRecordSize(target, batchBytesAt(measure, tooLarge), tooLarge)

  checkProduceBudget(measure)

  const ids = target.partitions.map((_, p) => p)
  const led = ids.find((p) => target.partitions[p].leader >= 0)
  const offline = firstRecordBoundFor(req, target, (p) => target.partitions[p].leader < 0, led === undefined ? 0 : null)
  if (offline) checkLeaderAvailable(target, offline.partition)
  if (req.acks === 'all') {
    const anyWritable = ids.some((p) => partitionWritable(target, p, 'all'))
    const short = firstRecordBoundFor(req, target, (p) => target.partitions[p].isr.length < target.minInsyncReplicas, anyWritable ? null : (led ?? 0))
    if (short) checkPartitionWritable(target, short.partition, req.acks)
  }
  return { measure, target }
}
