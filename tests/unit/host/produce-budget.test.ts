/**
 * The produce/send budget arithmetic: sizes computed from the request as received equal the sizes
 * of the records it expands to, record by record and in total, and the first record above a
 * max.message.bytes is found exactly without expanding.
 */
import { describe, expect, it } from 'vitest'
import type { ProduceRecordInput } from '../../../src/shared/contract'
import { recordSize, singleRecordBatchSize } from '../../../src/broker/cluster/record-size'
import { batchBytesAt, firstRecordAbove, measureProduceSend, recordBytesAt } from '../../../src/host/produce-budget'
import { expandProduceRange, expandProduceRecord } from '../../../src/host/produce-records'

const inputs: ProduceRecordInput[] = [
  { key: 'user-{{i}}', value: '{"n": {{i}}, "again": {{i}}}', headers: [{ key: 'trace', value: 't{{i}}' }, { key: 'ünï', value: 'fixed' }] },
  { key: null, value: 'ünïcødé {{i}} ✓' },
  { key: 'plain', value: null, partition: 0 },
  { key: '{{i}}{{i}}{{i}}', value: 'x'.repeat(200), timestamp: 5 }
]

describe('measureProduceSend', () => {
  it('gives every record its exact encoded size and the exact total, for templated and plain sends', () => {
    for (const count of [undefined, 1, 9, 10, 11, 99, 100, 1234]) {
      const m = measureProduceSend(inputs, count)
      const expanded = expandProduceRange(inputs, count, 0, m.records)
      expect(m.records).toBe(inputs.length * (count ?? 1))
      expect(m.bytes).toBe(expanded.reduce((sum, r) => sum + recordSize(r), 0))
      expanded.forEach((r, n) => {
        expect(recordBytesAt(m, n)).toBe(recordSize(r))
        expect(batchBytesAt(m, n)).toBe(singleRecordBatchSize(r))
      })
    }
  })

  it('finds the first record above a batch limit by request index, as checking every expanded record would', () => {
    const count = 1234
    const m = measureProduceSend(inputs, count)
    const sizes = expandProduceRange(inputs, count, 0, m.records).map((r) => singleRecordBatchSize(r))
    for (const limit of [0, 60, 80, 100, 120, 280, 290, 300, 10_000]) {
      const first = sizes.findIndex((s) => s > limit)
      expect(firstRecordAbove(m, limit), `limit ${limit}`).toBe(first < 0 ? null : first)
    }
  })

  it('leaves {{i}} as text without a count and refuses more than 1,000,000 records before measuring', () => {
    expect(expandProduceRecord([{ key: 'k{{i}}', value: null }], undefined, 0).key?.toString()).toBe('k{{i}}')
    expect(() => measureProduceSend(Array.from({ length: 2 }, () => ({ key: null, value: 'v' })), 500_001)).toThrow(
      /at most 1000000 records .*2 × 500001 = 1000002/
    )
  })
})
