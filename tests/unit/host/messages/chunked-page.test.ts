/**
 * A page loaded in chunks (loadPage) is exactly the page one request gives: forwards, backwards and
 * latest, for one partition and for a whole topic merged by time, with cursors that continue it;
 * and the page's ends are told apart (atLogStart / atHighWatermark).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RecordView, Reply, RequestOf } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
import { atHighWatermark, atLogStart, loadPage, type PageSoFar } from '../../../../src/shared/page-chunks'
import { pageRanges } from '../../support/page-ranges'
import { openTestCluster, type TestCluster } from '../test-cluster'

let tc: TestCluster
let service: EngineService

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

beforeEach(async () => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  await ok(service.handle('topic/create', { topic: 'm', partitions: 3, replicationFactor: 1 }))
  for (let i = 0; i < 300; i++) {
    tc.clock.now += (i * 7) % 5 // some equal timestamps across partitions
    await ok(service.handle('produce/send', { topic: 'm', acks: 1, records: [{ key: `k${i}`, value: `v${i}`, partition: (i * 5) % 3 }] }))
  }
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

const fetch = (req: RequestOf<'messages/fetch'>) => ok(service.handle('messages/fetch', req))
const ids = (rs: RecordView[]) => rs.map((r) => `${r.partition}:${r.offset}`)

async function chunked(req: Omit<RequestOf<'messages/fetch'>, 'maxBytes'>, chunk: number): Promise<{ last: PageSoFar; yields: number }> {
  let last: PageSoFar | null = null
  let yields = 0
  for await (const p of loadPage(req, fetch, chunk)) {
    last = p
    yields++
  }
  return { last: last as PageSoFar, yields }
}

describe('loadPage', () => {
  for (const partition of [null, 1])
    for (const [start, direction] of [
      [{ kind: 'earliest' }, 'forward'],
      [{ kind: 'latest' }, 'forward'],
      [{ kind: 'offset', offset: 60 }, 'backward'],
      [{ kind: 'offset', offset: 20 }, 'forward']
    ] as const)
      it(`loads ${start.kind} ${direction} (partition ${partition}) in chunks exactly as one request`, async () => {
        const req = { topic: 'm', partition, start, limit: 130, direction }
        const whole = await fetch(req)
        const { last, yields } = await chunked(req, 17)
        expect(yields).toBeGreaterThan(1)
        expect(last.complete).toBe(true)
        expect(ids(last.page.toArray())).toEqual(ids(whole.records))
        expect(last.nextOffsets).toEqual(whole.nextOffsets)
        expect(last.firstOffsets).toEqual(whole.firstOffsets)
      })

  it('says where the page is, and which end it reached', async () => {
    const { last: latest } = await chunked({ topic: 'm', partition: null, start: { kind: 'latest' }, limit: 30 }, 7)
    expect(atHighWatermark(latest.nextOffsets, latest.partitions)).toBe(true)
    expect(atLogStart(latest.firstOffsets, latest.partitions)).toBe(false)
    const { last: earliest } = await chunked({ topic: 'm', partition: null, start: { kind: 'earliest' }, limit: 30 }, 7)
    expect(atLogStart(earliest.firstOffsets, earliest.partitions)).toBe(true)
    expect(atHighWatermark(earliest.nextOffsets, earliest.partitions)).toBe(false)
    const ranges = pageRanges(latest.page.toArray(), latest.partitions)
    expect(latest.page.ranges(latest.partitions)).toEqual(ranges)
    expect(ranges.map((r) => r.highWatermark)).toEqual([100, 100, 100])
    for (const r of ranges) if (r.to !== null) expect(r.to).toBe(99)
  })
})
