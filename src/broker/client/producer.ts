/**
 * Producer: the in-process producer the hosts, the CLI and tests use (after Kafka's KafkaProducer):
 * it chooses each record's partition (explicit, else the Java client's murmur2 of the key, else the
 * sticky partition of the call, KIP-480, skipping partitions that cannot take the records with
 * these acks, KIP-794), validates every record before anything is sent (produce-validation.ts),
 * groups records per partition into record batches v2 (encoded here, as a client encodes them,
 * compressed with the send's `compression` codec: none, gzip, snappy, lz4 or zstd) no larger than
 * max.message.bytes uncompressed, sends each batch's bytes to the partition leader's ReplicaManager
 * (as the client sends to the leader the metadata names; the leader validates them, stamps offsets
 * and its epoch, and stores them as sent), and for acks=all waits until the ISR holds them.
 *
 * Must stay true: nothing is appended unless every record of the call passed validation; messages
 * name a record by `recordIndexBase` + its index; acks=0 reports offset -1, as the Java producer does;
 * LogAppendTime topics report the batch's append time.
 */
import { KafkaError } from '../model/errors'
import type { Acks, PartitionChoice, ProduceOptions, ProducerRecord, RecordMetadata } from '../cluster/cluster-api'
import type { TopicMeta } from '../cluster/cluster-metadata'
import type { Partition } from '../cluster/partition'
import * as validation from '../cluster/produce-validation'
import { checkAcks, checkMinInsyncReplicas, checkPartitionExists, partitionWritable, type ProduceTarget } from '../cluster/produce-validation'
import * as recordSizes from '../cluster/record-size'
import { RECORD_BATCH_OVERHEAD } from '../cluster/record-size'
import type { DelayedProducePurgatory } from '../server/delayed-produce'
import type { ReplicaManager } from '../server/replica-manager'
import * as partitioner from './partitioner'
import { StickyPartitioner } from './partitioner'
import { RecordBatchBuilder, compressBatch } from '../codec/record-batch'
import { CODEC_NAMES, CODEC_NONE, CODEC_ZSTD } from '../codec/compression'
import { zstdCompressorLoaded, zstdCompressorReady } from '../codec/zstd-compressor'
import { NO_HEADERS } from '../codec/record-decoder'

// The per-record helpers, bound once (as in record-batch.ts): when this module runs as CommonJS
// transpiled from TypeScript (tsx: the CLI, `brokerlab start`, the benchmarks; vitest), every call
// of an imported function goes through two export getters, which --cpu-prof showed costing ~8% of
// an acks=all produce. Local bindings are plain calls.
const murmur2 = partitioner.murmur2
const toPositive = partitioner.toPositive
const checkRecordShape = validation.checkRecordShape
const checkRecordSize = validation.checkRecordSize
const checkLeaderAvailable = validation.checkLeaderAvailable
const recordSize = recordSizes.recordSize
const singleRecordBatchSize = recordSizes.singleRecordBatchSize

/**
 * The most bytes a record's encoding can grow by from its single-record batch (offset and
 * timestamp deltas 0) to any place in a batch: offsetDelta varint 1 -> 5 bytes, timestampDelta
 * varlong 1 -> 10 bytes, and the record's length varint by 1.
 */
const MAX_RECORD_GROWTH = 4 + 9 + 1

/**
 * A header-less record's single-record batch is at most this many bytes over its key and value
 * bytes: the batch header, then length varint (5), attributes (1), timestampDelta and offsetDelta
 * (1 each: both 0), key and value length varints (5 each), header count (1). A record whose bound is
 * within max.message.bytes needs no exact sizing.
 */
const MAX_HEADERLESS_OVERHEAD = RECORD_BATCH_OVERHEAD + 5 + 1 + 1 + 1 + 5 + 5 + 1

/** Kafka's producer request.timeout.ms default. */
export const DEFAULT_PRODUCE_TIMEOUT_MS = 30000

/** What the producer needs from the cluster. */
export interface ProducerEnv {
  clock(): number
  /** The topic's metadata. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  topic(name: string): TopicMeta
  /** The ReplicaManager of the running broker `id`. */
  replicaManager(id: number): ReplicaManager
  purgatory: DelayedProducePurgatory
  /** Appended records wait for the followers' next fetch: replication runs soon. */
  scheduleReplication(): void
}

/** The in-process producer. */
export class Producer {
  private readonly sticky: StickyPartitioner
  private readonly builder = new RecordBatchBuilder()

  constructor(
    private readonly env: ProducerEnv,
    random?: () => number
  ) {
    this.sticky = new StickyPartitioner(random)
  }

  /** Forgets a deleted topic's sticky partition. */
  forget(topic: string): void {
    this.sticky.forget(topic)
  }

  /**
   * Produces `records` to `topic` (see the module header).
   * @throws KafkaError INVALID_REQUEST (a bad timeoutMs, recordIndexBase or compression),
   *   UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUIRED_ACKS, INVALID_RECORD,
   *   INVALID_TIMESTAMP, RECORD_TOO_LARGE, LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS,
   *   KAFKA_STORAGE_ERROR; acks=all: REQUEST_TIMED_OUT after timeoutMs (default 30000),
   *   NOT_LEADER_OR_FOLLOWER when leadership moves first, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the
   *   ISR shrank below min.insync.replicas.
   */
  produce(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    try {
      // zstd batches (the producer's own, or the leader recompressing a compression.type=zstd
      // topic's): the first sends after the engine loaded wait for the zstd compressor's WebAssembly
      // (zstd-compressor.ts), so that nothing fails half way for it.
      if (!zstdCompressorLoaded() && (opts?.compression === 'zstd' || this.env.topic(topic).configs['compression.type'] === 'zstd'))
        return zstdCompressorReady()
          .catch(() => undefined)
          .then(() => this.send(topic, records, opts))
      return this.send(topic, records, opts)
    } catch (e) {
      return Promise.reject(e)
    }
  }

  private send(topic: string, records: ProducerRecord[], opts: ProduceOptions): Promise<RecordMetadata[]> {
    const t = this.env.topic(topic)
    const acks = opts?.acks
    checkAcks(acks)
    if (!Array.isArray(records)) throw new KafkaError('INVALID_REQUEST', 'records must be an array')
    const timeoutMs = opts.timeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new KafkaError('INVALID_REQUEST', `timeoutMs must be an integer >= 0 (ms), got ${timeoutMs}`)
    const indexBase = opts.recordIndexBase ?? 0
    if (!Number.isInteger(indexBase) || indexBase < 0) throw new KafkaError('INVALID_REQUEST', `recordIndexBase must be an integer >= 0, got ${indexBase}`)
    const codec = CODEC_NAMES.indexOf(opts.compression ?? 'none')
    if (codec < 0) throw new KafkaError('INVALID_REQUEST', `compression must be one of ${CODEC_NAMES.join(', ')} (the producer's compression.type), got ${String(opts.compression)}`)
    if (codec === CODEC_ZSTD && !zstdCompressorLoaded()) throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', 'the zstd compressor has not loaded, so this producer cannot write zstd batches')
    const n = t.partitions.length
    const cfg = t.configs
    const target: ProduceTarget = { topic: t.name, partitions: t.partitions, maxMessageBytes: cfg['max.message.bytes'], minInsyncReplicas: cfg['min.insync.replicas'] }
    const now = this.env.clock()
    const logAppendTime = cfg['message.timestamp.type'] === 'LogAppendTime'
    let stickyPartition = -1
    const out: RecordMetadata[] = new Array(records.length)
    // Per partition, in the order partitions first appear: how many records, and an upper bound of
    // their batch's size (MAX_RECORD_GROWTH per record over its single-record size or that size's
    // bound). Each record's partition is kept in `partOf`; the per-partition arrays are filled at
    // their exact sizes afterwards. The records are encoded as the caller gave them (no normalized
    // copy of each: the builder reads a missing timestamp as `now`, a missing key or value as null).
    const slots: (Slot | undefined)[] = new Array(n)
    const order: number[] = []
    const partOf = new Int32Array(records.length)

    for (let i = 0; i < records.length; i++) {
      const r = records[i]
      checkRecordShape(r, indexBase + i)
      const key = r.key ?? null
      const value = r.value ?? null
      const headers = r.headers ?? NO_HEADERS
      let partition: number
      let how: number
      let hash = 0
      if (r.partition !== undefined && r.partition !== null) {
        checkPartitionExists(target, r.partition)
        partition = r.partition
        how = CHOSEN_EXPLICITLY
      } else if (key !== null) {
        hash = murmur2(key)
        partition = toPositive(hash) % n
        how = CHOSEN_BY_KEY
      } else {
        if (stickyPartition < 0) stickyPartition = this.pickSticky(t.name, target, acks)
        partition = stickyPartition
        how = CHOSEN_STICKY
      }
      // Exact sizing only where the bound could exceed max.message.bytes, or with headers.
      let single = headers.length === 0 ? MAX_HEADERLESS_OVERHEAD + (key === null ? 0 : key.length) + (value === null ? 0 : value.length) : -1
      if (single < 0 || single > target.maxMessageBytes) {
        single = singleRecordBatchSize({ key, value, headers })
        checkRecordSize(target, single, indexBase + i)
      }
      checkLeaderAvailable(target, partition)
      let slot = slots[partition]
      if (slot === undefined) {
        slots[partition] = slot = { count: 0, idx: EMPTY_INDEXES, records: EMPTY_RECORDS, sizeBound: RECORD_BATCH_OVERHEAD }
        order.push(partition)
      }
      slot.count++
      slot.sizeBound += single - RECORD_BATCH_OVERHEAD + MAX_RECORD_GROWTH
      partOf[i] = partition
      out[i] = new ProducedRecordMetadata(partition, r.timestamp ?? now, how, hash, n)
    }
    if (acks === 'all') for (const partition of order) checkMinInsyncReplicas(target, partition)
    for (const partition of order) {
      const slot = slots[partition]!
      slot.idx = new Array(slot.count)
      slot.records = new Array(slot.count)
      slot.count = 0
    }
    for (let i = 0; i < records.length; i++) {
      const slot = slots[partOf[i]]!
      slot.idx[slot.count] = i
      slot.records[slot.count++] = records[i]
    }

    // Validated: append to each leader (one synchronous step).
    const waits: { partition: Partition; lastOffset: number }[] = []
    for (const partition of order) {
      const slot = slots[partition]!
      const rm = this.env.replicaManager(t.partitions[partition].leader)
      // All in one batch when even the bound fits (what batchEnd would find, without sizing each record again).
      const whole = slot.sizeBound <= cfg['max.message.bytes']
      let start = 0
      let last = -1
      while (start < slot.records.length) {
        const end = whole ? slot.records.length : batchEnd(slot.records, start, cfg['max.message.bytes'], now)
        // The bytes a client sends: base offset 0, no leader epoch; the leader assigns both.
        const encoded = this.builder.encode(0, start === 0 && end === slot.records.length ? slot.records : slot.records.slice(start, end), -1, null, now)
        const batch = codec === CODEC_NONE ? encoded : compressBatch(encoded, 0, codec)
        const res = rm.appendRecords(topic, partition, batch)
        for (let j = start; j < end; j++) {
          const md = out[slot.idx[j]]
          md.offset = acks === 0 ? -1 : res.firstOffset + (j - start)
          // Kafka's ProduceResponse log_append_time: the batch's append time, which readers report.
          if (logAppendTime && res.logAppendTime >= 0) md.timestamp = res.logAppendTime
        }
        last = res.lastOffset
        start = end
      }
      const p = rm.partition(topic, partition)
      if (p) waits.push({ partition: p, lastOffset: last })
    }
    if (stickyPartition >= 0) this.sticky.onNewBatch(topic, n)
    this.env.scheduleReplication()
    if (acks !== 'all' || waits.length === 0) return Promise.resolve(out)
    return this.env.purgatory.await(waits, timeoutMs, `Records of topic ${topic} were not replicated to the ISR within ${timeoutMs} ms (acks=all)`, opts.onAckWait).then(() => out)
  }

  /** The sticky partition of a topic, skipping partitions that cannot take a produce with `acks` now when another can. */
  private pickSticky(topic: string, target: ProduceTarget, acks: Acks): number {
    const n = target.partitions.length
    let p = this.sticky.partition(topic, n)
    for (let tries = 0; tries < n * 4 && !partitionWritable(target, p, acks); tries++) {
      this.sticky.onNewBatch(topic, n)
      p = this.sticky.partition(topic, n)
    }
    return p
  }
}

const CHOSEN_EXPLICITLY = 0
const CHOSEN_BY_KEY = 1
const CHOSEN_STICKY = 2

/**
 * A produced record's RecordMetadata. Its `choice` (why this partition: the UI's explanation) is
 * built when read, from what the partitioner used (the key's murmur2, the partition count), so that
 * a produce allocates one object per record, not two: the second object cost ~10% of an RF 3
 * acks=all produce of 100-byte records in garbage collection. Reading `choice` twice gives equal,
 * separate objects. Own enumerable properties are partition, offset and timestamp (a spread or
 * structured clone has no choice: read it explicitly, as toProduceAck does).
 */
class ProducedRecordMetadata implements RecordMetadata {
  offset = -1
  readonly #how: number
  readonly #hash: number
  readonly #partitions: number

  constructor(
    public partition: number,
    public timestamp: number,
    how: number,
    hash: number,
    partitions: number
  ) {
    this.#how = how
    this.#hash = hash
    this.#partitions = partitions
  }

  get choice(): PartitionChoice {
    if (this.#how === CHOSEN_BY_KEY) return { kind: 'key', murmur2: this.#hash, positive: toPositive(this.#hash), partitions: this.#partitions }
    return this.#how === CHOSEN_EXPLICITLY ? { kind: 'explicit' } : { kind: 'no-key', strategy: 'sticky' }
  }
}

/** The records of one produce() call bound for one partition. */
interface Slot {
  /** How many records (while counting), then how many are filled in. */
  count: number
  /** Indexes of the records in the call. */
  idx: number[]
  /** The records, as the caller gave them. */
  records: ProducerRecord[]
  /** An upper bound (bytes) of the size of one batch holding all of `records`. */
  sizeBound: number
}

const EMPTY_INDEXES: number[] = []
const EMPTY_RECORDS: ProducerRecord[] = []

/** End index (exclusive) of the batch starting at `start` that stays within `maxBytes` (at least one record); `now` is the timestamp of a record without one. */
function batchEnd(records: ProducerRecord[], start: number, maxBytes: number, now: number): number {
  let size = RECORD_BATCH_OVERHEAD
  const firstTs = records[start].timestamp ?? now
  let i = start
  while (i < records.length) {
    const r = records[i]
    const s = recordSize({ key: r.key ?? null, value: r.value ?? null, headers: r.headers }, i - start, (r.timestamp ?? now) - firstTs)
    if (i > start && size + s > maxBytes) break
    size += s
    i++
  }
  return i
}
