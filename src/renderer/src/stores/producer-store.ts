/**
 * useProducerStore: the producer form (key, value, headers, optional partition, acks, count with a
 * {{i}} template) and the last result: how many records were written where (per partition: first
 * and last offset, records), where each of the first records landed and why, and, when a later
 * chunk of the send failed, which records were not written; with acks=all, what the longest wait
 * for the ISR waited for (explained by ../utils/ack-wait-text.ts).
 * Must stay true: `result.rows[i]` pairs ack i (the record at request index i) with the key
 * actually sent for it (template applied), so the explanation names the real key; the reply
 * carries at most PRODUCE_REPLY_MAX_ACKS acks, so rows stop there while `written` counts all.
 */
import { defineStore } from 'pinia'
import type {
  Acks,
  ContractError,
  ProduceAck,
  ProduceAckWait,
  ProduceFailure,
  ProducePartitionSummary,
  ProduceRecordInput
} from '../../../shared/contract'
import { produceApi } from '../api/client'
import { applyTemplate, explainPartition } from '../utils/partition-reason'
import { useNoticeStore } from './notice-store'

/** A row of the result table. */
export interface ProducedRow {
  index: number
  key: string | null
  partition: number
  offset: number
  timestamp: number
  why: string
}

/** The last send's outcome, as the result panel shows it. */
export interface ProducerResult {
  topic: string
  /** Records the send expanded to, and how many were written. */
  requested: number
  written: number
  /** Per partition written to, by partition. */
  partitions: ProducePartitionSummary[]
  /** The first records (at most PRODUCE_REPLY_MAX_ACKS), explained. */
  rows: ProducedRow[]
  /** Records not written (a later chunk failed), or null. */
  failed: ProduceFailure | null
  elapsedMs: number
  /** acks=all: what the longest wait for the ISR waited for, or null. */
  ackWait: ProduceAckWait | null
}

export interface ProducerState {
  topic: string | null
  key: string
  /** Send a null key (records then spread by the sticky partitioner). */
  nullKey: boolean
  value: string
  /** Send a null value: a tombstone, which log compaction uses to delete the key. */
  nullValue: boolean
  headers: { key: string; value: string }[]
  partition: number | null
  acks: Acks
  count: number
  sending: boolean
  error: ContractError | null
  result: ProducerResult | null
}

/** Pairs acks with the keys sent (template applied) and explains each. */
export function describeAcks(acks: ProduceAck[], keyTemplate: string | null): ProducedRow[] {
  return acks.map((a, i) => {
    const key = applyTemplate(keyTemplate, i)
    return { index: i, key, partition: a.partition, offset: a.offset, timestamp: a.timestamp, why: explainPartition(a.reason, key, a.partition) }
  })
}

export const useProducerStore = defineStore('producer', {
  state: (): ProducerState => ({
    topic: null,
    key: '',
    nullKey: false,
    value: '',
    nullValue: false,
    headers: [],
    partition: null,
    acks: 'all',
    count: 1,
    sending: false,
    error: null,
    result: null
  }),
  actions: {
    /**
     * Fills the form with a record to edit and send again (the message browser's "Produce again"):
     * topic, key (null: the null-key box), value (null: a tombstone), headers and partition; count 1.
     */
    prefill(r: { topic: string; key: string | null; value: string | null; headers: { key: string; value: string }[]; partition: number | null }): void {
      this.topic = r.topic
      this.nullKey = r.key === null
      this.key = r.key ?? ''
      this.nullValue = r.value === null
      this.value = r.value ?? ''
      this.headers = r.headers.map((h) => ({ ...h }))
      this.partition = r.partition
      this.count = 1
      this.result = null
      this.error = null
    },
    /**
     * Sends the form's record (count times) with produce/send.
     * @returns true when every record was written; false on an error or a partly written send
     *   (then `error` holds the failure and `result` what was written).
     */
    async send(): Promise<boolean> {
      if (!this.topic) {
        this.error = { code: 'INVALID_REQUEST', message: 'Choose a topic first' }
        useNoticeStore().push('error', 'INVALID_REQUEST: Choose a topic first')
        return false
      }
      const key = this.nullKey ? null : this.key
      const record: ProduceRecordInput = {
        key,
        value: this.nullValue ? null : this.value,
        ...(this.headers.length ? { headers: this.headers.filter((h) => h.key !== '') } : {}),
        ...(this.partition !== null ? { partition: this.partition } : {})
      }
      this.sending = true
      try {
        const topic = this.topic
        const res = await produceApi.send({ topic, acks: this.acks, records: [record], ...(this.count > 1 ? { count: this.count } : {}) })
        this.result = {
          topic,
          requested: res.requested,
          written: res.written,
          partitions: res.partitions,
          rows: describeAcks(res.acks, key),
          failed: res.failed,
          elapsedMs: res.elapsedMs,
          ackWait: res.ackWait ?? null
        }
        if (res.failed) {
          this.error = { code: res.failed.code, message: res.failed.message }
          useNoticeStore().push('error', `Produce: ${res.written} of ${res.requested} records written. ${res.failed.code}: ${res.failed.message}`)
          return false
        }
        this.error = null
        return true
      } catch (e) {
        this.error = useNoticeStore().error(e, 'Produce')
        return false
      } finally {
        this.sending = false
      }
    }
  }
})
