/**
 * produce/send against a running cluster over the wire, as Kafka's producer sends it: records
 * expanded from the request (produce-records.ts, `{{i}}` templating), partitioned as the Java
 * client does (explicit partition; murmur2 of the key, src/broker/client/partitioner.ts; the sticky
 * partitioner for records without a key, one partition per chunk), encoded as record batch v2
 * (src/broker/codec/record-batch.ts, one batch per partition per chunk) and sent in Produce requests
 * to each partition's leader with the acks asked for. The answer has the in-process engine's shape
 * (ProduceResult: per-record acks with the partitioner's reason, per-partition summaries).
 *
 * Must stay true: a chunk is sent only after the previous one was acknowledged; a failed chunk after
 * earlier ones were written gives `failed` (what was written stays reported), a failure before
 * anything was written is the error itself; NOT_LEADER_OR_FOLLOWER refreshes the metadata and
 * resends the partitions not yet written, a bounded number of times; with acks=0 nothing is
 * awaited and offsets are -1 (not known), as for Kafka's producer.
 */
import { partitionForKey, murmur2, toPositive, StickyPartitioner } from '../../broker/client/partitioner'
import { RecordBatchBuilder } from '../../broker/codec/record-batch'
import type { ProduceResponse } from '../../broker/protocol/messages/produce-response'
import type { ProduceAck, ProduceFailure, ProducePartitionSummary, RequestOf, ResponseOf } from '../../shared/contract'
import { toContractError } from '../contract-error'
import { expandedRecordCount, expandProduceRange } from '../produce-records'
import { PRODUCE_CHUNK_RECORDS } from '../produce-sender'
import { NOT_LEADER_OR_FOLLOWER, type KafkaWireClient } from './kafka-wire-client'
import { RemoteClusterError } from './remote-cluster-error'

/** Produce's request timeout, ms (the broker waits up to this for acks=all). */
const PRODUCE_TIMEOUT_MS = 10_000

/** One record routed to its partition, with its request index and the partitioner's reason. */
interface Routed {
  index: number
  partition: number
  reason: ProduceAck['reason']
  key: Buffer | null
  value: Buffer | null
  headers: { key: string; value: Buffer | null }[]
  timestamp: number
}

/**
 * Sends `req` (already validated with the shared schemas) to the cluster.
 * @throws RemoteClusterError with Kafka's error name (UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, ...) when nothing was written.
 */
export async function remoteProduce(client: KafkaWireClient, req: RequestOf<'produce/send'>, clock: () => number = Date.now): Promise<ResponseOf<'produce/send'>> {
  const started = clock()
  const partitionCount = (await client.partitions(req.topic)).length
  const total = expandedRecordCount(req.records, req.count)
  const sticky = new StickyPartitioner()
  const acks: ProduceAck[] = []
  const summaries = new Map<number, ProducePartitionSummary>()
  let written = 0
  let failed: ProduceFailure | null = null
  for (let from = 0; from < total && !failed; from += PRODUCE_CHUNK_RECORDS) {
    const to = Math.min(total, from + PRODUCE_CHUNK_RECORDS)
    const routed = expandProduceRange(req.records, req.count, from, to).map((r, i): Routed => {
      let partition: number
      let reason: ProduceAck['reason']
      if (r.partition !== undefined) {
        if (r.partition >= partitionCount)
          throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${r.partition} of topic ${req.topic} does not exist (topic has ${partitionCount} partitions)`)
        partition = r.partition
        reason = { kind: 'explicit' }
      } else if (r.key !== null) {
        const h = murmur2(r.key)
        partition = partitionForKey(r.key, partitionCount)
        reason = { kind: 'key', murmur2: h, positive: toPositive(h), partitions: partitionCount }
      } else {
        partition = sticky.partition(req.topic, partitionCount)
        reason = { kind: 'no-key', strategy: 'sticky' }
      }
      return { index: from + i, partition, reason, key: r.key, value: r.value, headers: r.headers ?? [], timestamp: r.timestamp ?? clock() }
    })
    sticky.onNewBatch(req.topic, partitionCount)
    try {
      const offsets = await sendChunk(client, req, routed)
      for (const r of routed) {
        const offset = offsets.get(r.index) ?? -1
        if (acks.length < 1000) acks.push({ partition: r.partition, offset, timestamp: r.timestamp, reason: r.reason })
        const s = summaries.get(r.partition) ?? { partition: r.partition, firstOffset: offset, lastOffset: offset, records: 0 }
        s.records++
        s.firstOffset = s.firstOffset < 0 || offset < 0 ? -1 : Math.min(s.firstOffset, offset)
        s.lastOffset = s.lastOffset < 0 || offset < 0 ? -1 : Math.max(s.lastOffset, offset)
        summaries.set(r.partition, s)
      }
      written += routed.length
    } catch (e) {
      if (written === 0) throw e
      const err = toContractError(e)
      failed = { fromIndex: from, toIndex: total - 1, code: err.code, message: err.message, unacknowledged: null }
    }
  }
  return {
    requested: total,
    written,
    partitions: [...summaries.values()].sort((a, b) => a.partition - b.partition),
    acks,
    failed,
    elapsedMs: clock() - started,
    ackWait: null
  }
}

/** Sends one chunk to the leaders; resolves with each record's offset by request index (-1 with acks=0). */
async function sendChunk(client: KafkaWireClient, req: RequestOf<'produce/send'>, routed: Routed[]): Promise<Map<number, number>> {
  const byPartition = new Map<number, Routed[]>()
  for (const r of routed) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r])
  const offsets = new Map<number, number>()
  const pending = new Set(byPartition.keys())
  const acks = req.acks === 'all' ? -1 : req.acks
  const builder = new RecordBatchBuilder()
  const batches = new Map<number, Buffer>()
  for (const [p, rs] of byPartition) batches.set(p, Buffer.from(builder.encode(0, rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })))))
  await client.withLeaderRetry(`topic ${req.topic}`, async () => {
    const meta = await client.partitions(req.topic)
    const byLeader = new Map<number, number[]>()
    for (const p of pending) {
      const leader = meta.find((m) => m.partitionIndex === p)?.leaderId ?? -1
      if (leader < 0) throw new RemoteClusterError('LEADER_NOT_AVAILABLE', `Partition ${req.topic}-${p} has no leader`)
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
    }
    let moved = false
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const build = () => ({
          transactionalId: null,
          acks,
          timeoutMs: PRODUCE_TIMEOUT_MS,
          topicData: [{ name: req.topic, partitionData: ps.map((p) => ({ index: p, records: batches.get(p)! })) }]
        })
        if (acks === 0) {
          await client.sendOneWayTo(await client.brokerAddress(leader), 'Produce', build)
          for (const p of ps) pending.delete(p)
          return
        }
        const res = await client.sendToBroker<ProduceResponse>(leader, 'Produce', build)
        for (const t of res.responses)
          for (const pr of t.partitionResponses) {
            if (pr.errorCode === NOT_LEADER_OR_FOLLOWER) {
              moved = true
              continue
            }
            if (pr.errorCode !== 0) throw RemoteClusterError.fromCode(pr.errorCode, pr.errorMessage, pr.errorMessage ? '' : `partition ${req.topic}-${pr.index}`)
            const base = Number(pr.baseOffset)
            byPartition.get(pr.index)?.forEach((r, i) => offsets.set(r.index, base + i))
            pending.delete(pr.index)
          }
      })
    )
    return moved ? 'not-leader' : true
  })
  return offsets
}
