/**
 * messages/fetch pages bounded in bytes as well as records: a page stops before
 * MESSAGES_PAGE_MAX_BYTES of payload and says so, and the next page continues exactly where it
 * stopped, forwards and backwards, for one partition and for a whole topic merged by time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RecordView, Reply } from '../../../src/shared/contract'
import { EngineService } from '../../../src/host/engine-service'
import { MESSAGES_PAGE_MAX_BYTES, fetchMessages } from '../../../src/host/message-fetcher'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster
let service: EngineService

beforeEach(() => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

const id = (r: RecordView) => `${r.partition}:${r.offset}`

describe('messages/fetch pages are bounded in bytes', () => {
  it('stops a page of 1 MB records before 32 MiB of payload, says so, and the next page continues where it stopped', async () => {
    await ok(service.handle('topic/create', { topic: 'big', partitions: 1, replicationFactor: 1 }))
    await ok(service.handle('produce/send', { topic: 'big', acks: 1, records: [{ key: 'k{{i}}', value: `${'x'.repeat(1_000_000)}{{i}}` }], count: 40 }))
    const first = await ok(service.handle('messages/fetch', { topic: 'big', partition: 0, start: { kind: 'earliest' }, limit: 100 }))
    const payload = first.records.reduce((n, r) => n + r.sizeBytes, 0)
    expect(first.byteLimitReached).toBe(true)
    expect(payload).toBeLessThanOrEqual(MESSAGES_PAGE_MAX_BYTES)
    expect(first.records.length).toBe(Math.floor(MESSAGES_PAGE_MAX_BYTES / first.records[0].sizeBytes))
    const second = await ok(service.handle('messages/fetch', { topic: 'big', partition: 0, start: { kind: 'offset', offset: first.nextOffsets[0] }, limit: 100 }))
    expect(second.byteLimitReached).toBe(false)
    expect([...first.records, ...second.records].map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i))

    const last = await ok(service.handle('messages/fetch', { topic: 'big', partition: 0, start: { kind: 'latest' }, limit: 100, direction: 'backward' }))
    expect(last.byteLimitReached).toBe(true)
    expect(last.records.map((r) => r.offset)).toEqual(Array.from({ length: first.records.length }, (_, i) => 40 - first.records.length + i))
    const before = await ok(
      service.handle('messages/fetch', { topic: 'big', partition: 0, start: { kind: 'offset', offset: last.firstOffsets[0] }, limit: 100, direction: 'backward' })
    )
    expect([...before.records, ...last.records].map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i))
  })

  it('pages a whole topic merged by time under a small byte bound without gaps or repeats, forwards and backwards, with a key filter', async () => {
    await ok(service.handle('topic/create', { topic: 'mix', partitions: 3, replicationFactor: 1 }))
    for (let i = 0; i < 90; i++) {
      tc.clock.now += 1
      const value = 'v'.repeat(100 + ((i * 37) % 400))
      await ok(service.handle('produce/send', { topic: 'mix', acks: 1, records: [{ key: `${i % 3 === 0 ? 'even' : 'odd'}-${i}`, value, partition: i % 3 }] }))
    }
    const bound = 2000
    for (const keyContains of [undefined, 'odd']) {
      const expected = tc.cluster
        .describeTopic('mix')
        .partitions.flatMap((p) => tc.cluster.fetch('mix', p.partition, 0, { maxRecords: 100, maxBytes: 1 << 24 }).records)
        .filter((r) => !keyContains || r.key?.toString().includes(keyContains))
        .sort((a, b) => a.timestamp - b.timestamp)
        .map((r) => `${r.partition}:${r.offset}`)
      // Forwards: each page from the previous page's nextOffsets, merged again.
      const seen: string[] = []
      let starts: Record<number, number> = { 0: 0, 1: 0, 2: 0 }
      for (let guard = 0; guard < 100 && seen.length < expected.length; guard++) {
        const pages = [0, 1, 2].map((p) => fetchMessages(tc.cluster, { topic: 'mix', partition: p, start: { kind: 'offset', offset: starts[p] }, limit: 1000, keyContains }, bound))
        for (const page of pages) {
          expect(page.records.reduce((n, r) => n + r.sizeBytes, 0)).toBeLessThanOrEqual(bound)
          seen.push(...page.records.map(id))
        }
        starts = Object.assign({}, ...pages.map((page) => page.nextOffsets))
      }
      expect([...seen].sort()).toEqual([...expected].sort())
      // The merged page is the first records in time order, within the bound.
      const merged = fetchMessages(tc.cluster, { topic: 'mix', partition: null, start: { kind: 'earliest' }, limit: 1000, keyContains }, bound)
      expect(merged.byteLimitReached).toBe(true)
      expect(merged.records.map(id)).toEqual(expected.slice(0, merged.records.length))
      // Backwards from the end, page by page, per partition.
      const back: string[] = []
      let ends: Record<number, number> = Object.fromEntries([0, 1, 2].map((p) => [p, tc.cluster.listOffset('mix', p, 'latest') as number]))
      for (let guard = 0; guard < 100 && back.length < expected.length; guard++) {
        const pages = [0, 1, 2].map((p) =>
          fetchMessages(tc.cluster, { topic: 'mix', partition: p, start: { kind: 'offset', offset: ends[p] }, limit: 1000, keyContains, direction: 'backward' }, bound)
        )
        for (const page of pages) back.push(...page.records.map(id))
        ends = Object.assign({}, ...pages.map((page) => page.firstOffsets))
      }
      expect([...back].sort()).toEqual([...expected].sort())
      const mergedBack = fetchMessages(tc.cluster, { topic: 'mix', partition: null, start: { kind: 'latest' }, limit: 1000, keyContains, direction: 'backward' }, bound)
      expect(mergedBack.byteLimitReached).toBe(true)
      expect(mergedBack.records.map(id)).toEqual(expected.slice(expected.length - mergedBack.records.length))
    }
  })

  it('latest is the page of the last records before the high watermarks, and the page says each partition\'s range', async () => {
    await ok(service.handle('topic/create', { topic: 'tail', partitions: 2, replicationFactor: 1 }))
    for (let i = 0; i < 30; i++) {
      tc.clock.now += 1
      await ok(service.handle('produce/send', { topic: 'tail', acks: 1, records: [{ key: `k${i}`, value: `v${i}`, partition: i % 2 }] }))
    }
    for (const direction of [undefined, 'forward', 'backward'] as const) {
      const one = await ok(service.handle('messages/fetch', { topic: 'tail', partition: 1, start: { kind: 'latest' }, limit: 4, ...(direction ? { direction } : {}) }))
      expect(one.records.map((r) => r.offset)).toEqual([11, 12, 13, 14])
      expect(one.partitions).toEqual([{ partition: 1, logStartOffset: 0, highWatermark: 15 }])
      expect(one.nextOffsets[1]).toBe(15)
    }
    const all = await ok(service.handle('messages/fetch', { topic: 'tail', partition: null, start: { kind: 'latest' }, limit: 6 }))
    expect(all.records.map((r) => Buffer.from(r.key!, 'base64').toString())).toEqual(['k24', 'k25', 'k26', 'k27', 'k28', 'k29'])
    expect(all.partitions.map((p) => p.highWatermark)).toEqual([15, 15])
    // Continuing backwards from the page's first offsets, per partition.
    const before = await ok(service.handle('messages/fetch', { topic: 'tail', partition: null, start: { kind: 'offsets', offsets: all.firstOffsets }, limit: 6, direction: 'backward' }))
    expect(before.records.map((r) => Buffer.from(r.key!, 'base64').toString())).toEqual(['k18', 'k19', 'k20', 'k21', 'k22', 'k23'])
  })
})
