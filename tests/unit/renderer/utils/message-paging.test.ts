import { describe, expect, it } from 'vitest'
import type { RecordView } from '../../../../src/shared/contract'
import { mergePages } from '../../../../src/renderer/src/utils/message-paging'

const rec = (partition: number, offset: number, timestamp: number): RecordView => ({
  partition,
  offset,
  timestamp,
  key: null,
  value: null,
  headers: [],
  sizeBytes: 0
})

describe('mergePages', () => {
  it('merges partitions by timestamp and keeps the earliest records of a forward page', () => {
    const p0 = [rec(0, 10, 100), rec(0, 11, 300), rec(0, 12, 500)]
    const p1 = [rec(1, 4, 200), rec(1, 5, 400)]
    const out = mergePages([p0, p1], 3, 'forward', { nextOffsets: { 0: 10, 1: 4 }, firstOffsets: { 0: 7, 1: 2 } })
    expect(out.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:10', '1:4', '0:11'])
    expect(out.nextOffsets).toEqual({ 0: 12, 1: 5 })
    expect(out.firstOffsets).toEqual({ 0: 10, 1: 4 })
  })

  it('keeps the latest records of a backward page and continues forwards from where the page began', () => {
    const p0 = [rec(0, 7, 100), rec(0, 8, 300), rec(0, 9, 500)]
    const p1 = [rec(1, 2, 50)]
    const out = mergePages([p0, p1], 2, 'backward', { nextOffsets: { 0: 13, 1: 6 }, firstOffsets: { 0: 10, 1: 3 } })
    expect(out.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:8', '0:9'])
    expect(out.firstOffsets).toEqual({ 0: 8, 1: 3 })
    expect(out.nextOffsets).toEqual({ 0: 10, 1: 3 })
  })

  it('orders equal timestamps by partition, then offset', () => {
    const out = mergePages([[rec(1, 0, 5)], [rec(0, 1, 5), rec(0, 0, 5)]], 10, 'forward', { nextOffsets: {}, firstOffsets: {} })
    expect(out.records.map((r) => `${r.partition}:${r.offset}`)).toEqual(['0:0', '0:1', '1:0'])
  })
})
