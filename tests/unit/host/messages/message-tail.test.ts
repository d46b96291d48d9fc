/**
 * The live tail (messages/tail): a first poll starts at the high watermarks, later polls return
 * what was produced since, across partitions in time order, each record once; beyond the reply's
 * bound the newest records are shown and the others counted as skipped.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Reply } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
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
  await ok(service.handle('topic/create', { topic: 't', partitions: 3, replicationFactor: 1 }))
  await ok(service.handle('produce/send', { topic: 't', acks: 1, records: [{ key: 'old-{{i}}', value: 'before the tail' }], count: 30 }))
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

describe('messages/tail', () => {
  it('starts at the high watermarks and then returns each new record once, across partitions in time order', async () => {
    const first = await ok(service.handle('messages/tail', { topic: 't', partitions: null, cursors: null }))
    expect(first.records).toEqual([])
    expect(Object.values(first.cursors).reduce((a, b) => a + b, 0)).toBe(30)
    const produced: string[] = []
    for (let i = 0; i < 12; i++) {
      tc.clock.now += 10
      await ok(service.handle('produce/send', { topic: 't', acks: 1, records: [{ key: `new-${i}`, value: `v${i}`, partition: i % 3 }] }))
      produced.push(`new-${i}`)
    }
    const second = await ok(service.handle('messages/tail', { topic: 't', partitions: null, cursors: first.cursors }))
    expect(second.records.map((r) => Buffer.from(r.key!, 'base64').toString())).toEqual(produced)
    expect(second.skipped).toBe(0)
    const third = await ok(service.handle('messages/tail', { topic: 't', partitions: null, cursors: second.cursors }))
    expect(third.records).toEqual([])
    expect(third.partitions.map((p) => p.highWatermark).reduce((a, b) => a + b, 0)).toBe(42)
  })

  it('shows the newest records and counts the others as skipped when more were written than a reply carries', async () => {
    const first = await ok(service.handle('messages/tail', { topic: 't', partitions: [1], cursors: null }))
    await ok(service.handle('produce/send', { topic: 't', acks: 1, records: [{ key: 'k{{i}}', value: 'x', partition: 1 }], count: 100 }))
    const res = await ok(service.handle('messages/tail', { topic: 't', partitions: [1], cursors: first.cursors, maxRecords: 10 }))
    expect(res.records.map((r) => Buffer.from(r.key!, 'base64').toString())).toEqual(Array.from({ length: 10 }, (_, i) => `k${90 + i}`))
    expect(res.skipped).toBe(90)
    expect(res.cursors[1]).toBe(first.cursors[1] + 100)
    expect(Object.keys(res.cursors)).toEqual(['1'])
  })
})
