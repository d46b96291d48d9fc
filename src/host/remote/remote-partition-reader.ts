/**
 * Reading records of a running cluster over the wire: Fetch (API key 1) to each partition's leader
 * from given offsets, record batches decoded with src/broker/codec/record-batch.ts; and
 * RemotePartitionReader, the wire twin of PartitionReader (`consume` without --group: chosen
 * partitions from earliest, latest or an offset, committing nothing).
 *
 * Must stay true: records are handed out once, in offset order per partition, never at or past the
 * high watermark the fetch reported and never below the offset asked for (a batch may start before
 * it); an offset outside [log start offset, high watermark] is refused with OFFSET_OUT_OF_RANGE
 * naming both ends; NOT_LEADER_OR_FOLLOWER refreshes the metadata and retries (bounded).
 */
import { decodeRecordBatches } from '../../broker/codec/record-batch'
import type { FetchResponse } from '../../broker/protocol/messages/fetch-response'
import type { ConsumerRecord, RecordReader, ReaderStart } from '../cluster-backend'
import { NOT_LEADER_OR_FOLLOWER, type KafkaWireClient } from './kafka-wire-client'
import { partitionRanges } from './remote-offsets'
import { RemoteClusterError } from './remote-cluster-error'

/** Bytes one fetch asks for per partition (max.partition.fetch.bytes' default, 1 MiB). */
const PARTITION_FETCH_BYTES = 1024 * 1024
/** Bytes one fetch asks for in all (fetch.max.bytes' default, 50 MiB). */
const FETCH_MAX_BYTES = 50 * 1024 * 1024

/** What one fetch of a partition returned: its records from the offset asked for, and its high watermark. */
export interface FetchedPartition {
  records: ConsumerRecord[]
  highWatermark: number
  /** The offset after the last complete batch returned (a compacted batch may end past its last record), or -1 when none came. */
  nextOffset: number
}

/**
 * Fetches `topic`'s partitions from `positions` (partition -> next offset) without waiting
 * (max.wait.ms 0), each from its leader.
 * @throws RemoteClusterError with the Kafka error name (OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, ...).
 */
export async function fetchPartitions(client: KafkaWireClient, topic: string, positions: ReadonlyMap<number, number>): Promise<Map<number, FetchedPartition>> {
  return client.withLeaderRetry(`topic ${topic}`, async () => {
    const meta = await client.partitions(topic)
    const byLeader = new Map<number, number[]>()
    for (const p of positions.keys()) {
      const leader = meta.find((m) => m.partitionIndex === p)?.leaderId ?? -1
      if (leader < 0) throw new RemoteClusterError('LEADER_NOT_AVAILABLE', `Partition ${topic}-${p} has no leader`)
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
    }
    const out = new Map<number, FetchedPartition>()
    let moved = false
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const res = await client.sendToBroker<FetchResponse>(leader, 'Fetch', () => ({
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: FETCH_MAX_BYTES,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{ topic, partitions: ps.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(positions.get(p)!), logStartOffset: -1n, partitionMaxBytes: PARTITION_FETCH_BYTES })) }],
          forgottenTopicsData: [],
          rackId: ''
        }))
        if (res.errorCode !== 0) throw RemoteClusterError.fromCode(res.errorCode, null, `fetch of topic ${topic}`)
        for (const t of res.responses)
          for (const pd of t.partitions) {
            if (pd.errorCode === NOT_LEADER_OR_FOLLOWER) {
              moved = true
              continue
            }
            if (pd.errorCode !== 0) throw RemoteClusterError.fromCode(pd.errorCode, null, `partition ${topic}-${pd.partitionIndex} at offset ${positions.get(pd.partitionIndex)}`)
            const from = positions.get(pd.partitionIndex)!
            const hw = Number(pd.highWatermark)
            const records: ConsumerRecord[] = []
            let nextOffset = -1
            for (const b of decodeCompleteBatches(pd.records)) {
              nextOffset = Math.max(nextOffset, b.lastOffset + 1)
              for (const r of b.records) {
                if (r.offset < from || r.offset >= hw) continue
                const headersBytes = r.headers.reduce((n, h) => n + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0)
                records.push({
                  topic,
                  partition: pd.partitionIndex,
                  offset: r.offset,
                  timestamp: r.timestamp,
                  key: r.key ? Buffer.from(r.key) : null,
                  value: r.value ? Buffer.from(r.value) : null,
                  headers: r.headers.map((h) => ({ key: h.key, value: h.value ? Buffer.from(h.value) : null })),
                  sizeBytes: (r.key?.length ?? 0) + (r.value?.length ?? 0) + headersBytes
                })
              }
            }
            out.set(pd.partitionIndex, { records, highWatermark: hw, nextOffset })
          }
      })
    )
    return moved ? 'not-leader' : out
  })
}

/** The complete batches of a fetched records section (a fetch may end with a partial batch, which the next fetch returns whole). */
function decodeCompleteBatches(records: Buffer | null): ReturnType<typeof decodeRecordBatches> {
  if (!records || records.length < 12) return []
  let end = 0
  while (end + 12 <= records.length) {
    const size = 12 + records.readInt32BE(end + 8)
    if (end + size > records.length) break
    end += size
  }
  return decodeRecordBatches(records.subarray(0, end))
}

/** The wire twin of PartitionReader; see the module comment. Create with `RemotePartitionReader.open`. */
export class RemotePartitionReader implements RecordReader {
  private constructor(
    private readonly client: KafkaWireClient,
    private readonly topic: string,
    private readonly positions: Map<number, number>
  ) {}

  /**
   * A reader of `partitions` (null: all) of `topic` from `start`.
   * @throws RemoteClusterError UNKNOWN_TOPIC_OR_PARTITION; OFFSET_OUT_OF_RANGE for an offset outside a partition's range.
   */
  static async open(client: KafkaWireClient, topic: string, partitions: number[] | null, start: ReaderStart): Promise<RemotePartitionReader> {
    const all = (await client.partitions(topic)).map((p) => p.partitionIndex)
    for (const p of partitions ?? [])
      if (!all.includes(p)) throw new RemoteClusterError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${p} of topic ${topic} does not exist (topic has ${all.length} partitions)`)
    const chosen = partitions ?? all
    const ranges = await partitionRanges(client, topic, chosen)
    const positions = new Map<number, number>()
    for (const p of chosen) {
      const r = ranges.get(p)!
      if (typeof start === 'number' && (start < r.logStartOffset || start > r.highWatermark))
        throw new RemoteClusterError(
          'OFFSET_OUT_OF_RANGE',
          `Offset ${start} is out of range for partition ${topic}-${p}: log start offset ${r.logStartOffset}, high watermark ${r.highWatermark}`
        )
      positions.set(p, start === 'earliest' ? r.logStartOffset : start === 'latest' ? r.highWatermark : start)
    }
    return new RemotePartitionReader(client, topic, positions)
  }

  /** Hands `onRecord` the records below the high watermarks now, at most `max`. @returns how many. */
  async poll(max: number, onRecord: (r: ConsumerRecord) => void): Promise<number> {
    return readFrom(this.client, this.topic, this.positions, max, onRecord)
  }
}

/**
 * Reads from `positions` (advanced as records are handed out) until every partition reached its
 * high watermark or `max` records were handed out, round-robin by fetch. A position below the log
 * start offset (retention deleted it) continues at the log start, as a consumer resets. `stop`,
 * asked before each fetch, ends the read early when it says true (a group member that must rejoin).
 * @returns how many records `onRecord` was given.
 */
export async function readFrom(
  client: KafkaWireClient,
  topic: string,
  positions: Map<number, number>,
  max: number,
  onRecord: (r: ConsumerRecord) => void,
  stop: () => boolean = () => false
): Promise<number> {
  let n = 0
  for (;;) {
    if (n >= max || positions.size === 0 || stop()) return n
    let fetched: Map<number, FetchedPartition>
    try {
      fetched = await fetchPartitions(client, topic, positions)
    } catch (e) {
      if (!(e instanceof RemoteClusterError) || e.code !== 'OFFSET_OUT_OF_RANGE') throw e
      const ranges = await partitionRanges(client, topic, [...positions.keys()])
      for (const [p, r] of ranges) positions.set(p, Math.min(Math.max(positions.get(p)!, r.logStartOffset), r.highWatermark))
      fetched = await fetchPartitions(client, topic, positions)
    }
    let progressed = false
    for (const [p, f] of [...fetched].sort((a, b) => a[0] - b[0])) {
      for (const r of f.records) {
        if (n >= max) return n
        onRecord(r)
        n++
        positions.set(p, r.offset + 1)
        progressed = true
      }
      // Every record of the fetch was handed out: continue after its last batch (offsets a compacted
      // batch no longer holds are skipped, as a consumer skips them), never past the high watermark.
      const after = Math.min(f.nextOffset, f.highWatermark)
      if (after > positions.get(p)!) {
        positions.set(p, after)
        progressed = true
      }
    }
    if (!progressed) return n
  }
}
