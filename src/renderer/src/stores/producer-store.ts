/**
 * useProducerStore: the producer form (key, value, headers, optional partition, acks, count with a
 * {{i}} template) and the last result: where each record landed and why.
 * Must stay true: `result.rows[i]` pairs ack i with the key actually sent for it (template applied),
 * so the explanation names the real key.
 */
import { defineStore } from 'pinia'
import type { Acks, ContractError, ProduceAck, ProduceRecordInput } from '../../../shared/contract'
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
  result: { topic: string; rows: ProducedRow[]; elapsedMs: number } | null
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
    /** Sends the form's record (count times) with produce/send. */
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
        const res = await produceApi.send({ topic: this.topic, acks: this.acks, records: [record], ...(this.count > 1 ? { count: this.count } : {}) })
        this.result = { topic: this.topic, rows: describeAcks(res.acks, key), elapsedMs: res.elapsedMs }
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
