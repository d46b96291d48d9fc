/**
 * Serves produce/send: checks the whole send first (produce-preflight.ts), then writes it in
 * chunks, expanding one chunk at a time, and answers a bounded reply (contract ProduceResult):
 * totals, a per-partition summary and the acks of the first PRODUCE_REPLY_MAX_ACKS records.
 *
 * Chunks hold at most PRODUCE_CHUNK_RECORDS records, PRODUCE_CHUNK_BYTES bytes and
 * PRODUCE_CHUNK_HEADERS headers (at least one record), like a producer's batches, so neither the
 * memory of the expanded records nor one synchronous engine step grows with the send; between
 * chunks the engine's loop runs (replication, the wire listeners, other requests).
 *
 * Must stay true: nothing is written unless the whole send passed the preflight; a chunk that
 * fails anyway (the cluster changed between chunks) stops the send, and the reply says exactly
 * which records were written (per partition: first and last offset, count) and which were not
 * (request-relative index range) and why; when nothing was written the reply is the error itself;
 * every message names records by request index. With acks=all the reply says what its longest wait
 * for the ISR waited for (produce-ack-wait.ts).
 */
import { PRODUCE_REPLY_MAX_ACKS, type ProduceAck, type ProduceFailure, type ProducePartitionSummary, type ProduceResult, type RequestOf } from '../shared/contract'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import { KAFKA_ERROR_CODES, KafkaError, type KafkaErrorName } from '../broker/model/errors'
import { toContractError } from './contract-error'
import { toProduceAck } from './contract-views'
import { headersAt, recordBytesAt, type ProduceMeasure } from './produce-budget'
import { preflightProduce } from './produce-preflight'
import { expandProduceRange } from './produce-records'
import { longestAckWait } from './produce-ack-wait'
import type { AckWaitReport } from '../broker/server/ack-wait-report'

/** Most records in one chunk (one Cluster.produce call): the host's batches of 1,000. */
export const PRODUCE_CHUNK_RECORDS = 1000
/** Most bytes (Kafka's record encoding) in one chunk, unless its single record is larger: 1 MiB, Kafka's max.request.size default. */
export const PRODUCE_CHUNK_BYTES = 1024 * 1024
/** Most headers in one chunk, unless its single record has more: each header is an object and a Buffer in memory. */
export const PRODUCE_CHUNK_HEADERS = 10_000

/** acks=all failures that come after the leader appended: the records may be in its log. */
const AFTER_APPEND = new Set(['REQUEST_TIMED_OUT', 'NOT_LEADER_OR_FOLLOWER', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'])

type ProduceRequest = RequestOf<'produce/send'>

/** Options of sendProduce. */
export interface SendProduceOptions {
  /** ms since the epoch, for elapsedMs (default Date.now). */
  clock?: () => number
}

/**
 * End index (exclusive) of the chunk starting at request index `from`: within the chunk limits,
 * at least one record.
 */
export function chunkEnd(m: ProduceMeasure, from: number): number {
  let n = from
  let bytes = 0
  let headers = 0
  while (n < m.records && n - from < PRODUCE_CHUNK_RECORDS) {
    const b = recordBytesAt(m, n)
    const h = headersAt(m, n)
    if (n > from && (bytes + b > PRODUCE_CHUNK_BYTES || headers + h > PRODUCE_CHUNK_HEADERS)) break
    bytes += b
    headers += h
    n++
  }
  return n
}

/** One turn of the event loop (setImmediate), so replication, the listeners and other requests run between chunks. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Checks and writes one produce/send.
 * @returns the ProduceResult; `failed` is set when a chunk failed after earlier chunks were written.
 * @throws KafkaError from the preflight (nothing written), or the first chunk's error when
 *   nothing was written (when its records reached the leader unacknowledged, the message says so).
 */
export async function sendProduce(cluster: ClusterApi, req: ProduceRequest, opts: SendProduceOptions = {}): Promise<ProduceResult> {
  const clock = opts.clock ?? Date.now
  const started = clock()
  const { measure } = preflightProduce(cluster, req)
  const total = measure.records
  const acks: ProduceAck[] = []
  const perPartition = new Map<number, ProducePartitionSummary>()
  let written = 0
  let failed: ProduceFailure | null = null
  let failure: unknown = null
  const waits: AckWaitReport[] = []
  const onAckWait = (r: AckWaitReport): void => {
    waits.push(r)
  }

  for (let from = 0; from < total; ) {
    if (from > 0) await nextTurn()
    const to = chunkEnd(measure, from)
    const records = expandProduceRange(req.records, req.count, from, to)
    let metas
    try {
      metas = await cluster.produce(req.topic, records, { acks: req.acks, recordIndexBase: from, onAckWait })
    } catch (e) {
      failed = failureOf(e, req.acks, from, to, total)
      failure = e
      break
    }
    for (const m of metas) {
      if (acks.length < PRODUCE_REPLY_MAX_ACKS) acks.push(toProduceAck(m))
      const s = perPartition.get(m.partition)
      if (s) {
        s.lastOffset = m.offset
        s.records++
      } else perPartition.set(m.partition, { partition: m.partition, firstOffset: m.offset, lastOffset: m.offset, records: 1 })
    }
    written += metas.length
    from = to
  }

  if (failed && written === 0) {
    // Nothing written: the reply is the error, as for one failed Kafka produce request.
    if (!failed.unacknowledged) throw failure
    const code = failed.code in KAFKA_ERROR_CODES ? (failed.code as KafkaErrorName) : 'UNKNOWN_SERVER_ERROR'
    throw new KafkaError(code, failed.message)
  }
  return {
    requested: total,
    written,
    partitions: [...perPartition.values()].sort((a, b) => a.partition - b.partition),
    acks,
    failed,
    elapsedMs: clock() - started,
    ackWait: longestAckWait(waits)
  }
}

/** The failure report of the chunk [from, to) of a send of `total` records. */
function failureOf(e: unknown, acks: ProduceRequest['acks'], from: number, to: number, total: number): ProduceFailure {
  const err = toContractError(e)
  const appended = acks === 'all' && AFTER_APPEND.has(err.code)
  const last = total - 1
  const range = from === last ? `Record ${from} of this send (${total} records) was` : `Records ${from} to ${last} of this send (${total} records) were`
  const note = appended
    ? ` Records ${from} to ${to - 1} reached the leader's log but were not acknowledged: as after a failed Kafka produce, they may still become readable.`
    : ''
  return {
    fromIndex: from,
    toIndex: last,
    code: err.code,
    message: `${range} not written: ${err.message.replace(/\.$/, '')}.${note}`,
    unacknowledged: appended ? { fromIndex: from, toIndex: to - 1 } : null
  }
}
