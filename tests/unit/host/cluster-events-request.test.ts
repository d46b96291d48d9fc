/**
 * cluster/events through EngineService: the oldest events after a sequence number, oldest first,
 * at most `limit`, so a reader walks the event log past a burst larger than a snapshot's
 * SNAPSHOT_EVENTS (what the timeline does after a fence); a limit outside 1..1000 is refused
 * naming the rule.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/host/engine-service'
import { SNAPSHOT_EVENTS } from '../../../src/shared/contract'
import { openTestCluster, type TestCluster } from './test-cluster'

describe('cluster/events', () => {
  let tc: TestCluster
  let service: EngineService
  beforeEach(() => {
    tc = openTestCluster()
    service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  })
  afterEach(async () => {
    await service.close()
    await tc.cleanup()
  })

  it('returns the oldest events after afterSeq, oldest first, and walks the log past what a snapshot carries', async () => {
    for (let i = 0; i < 60; i++) tc.cluster.createTopic(`t${i}`, { partitions: 1, replicationFactor: 1 })
    tc.cluster.stopBroker(2)
    const all = tc.cluster.recentEvents()
    expect(all.length).toBeGreaterThan(SNAPSHOT_EVENTS)
    const page = await service.handle('cluster/events', { afterSeq: all[0].seq, limit: 3 })
    expect(page.ok && page.data.map((e) => e.seq)).toEqual(all.slice(1, 4).map((e) => e.seq))
    const walked: number[] = []
    let after = 0
    for (;;) {
      const r = await service.handle('cluster/events', { afterSeq: after, limit: 7 })
      if (!r.ok || r.data.length === 0) break
      walked.push(...r.data.map((e) => e.seq))
      after = r.data[r.data.length - 1].seq
    }
    expect(walked).toEqual(all.map((e) => e.seq))
    const snap = await service.handle('cluster/snapshot', {})
    expect(snap.ok && snap.data.events.length).toBe(SNAPSHOT_EVENTS)
  })

  it('refuses a limit outside 1..1000 or a negative afterSeq, naming the rule', async () => {
    const big = await service.handle('cluster/events', { afterSeq: 0, limit: 1001 })
    expect(big.ok ? 'ok' : big.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('limit must be at most 1000') })
    const neg = await service.handle('cluster/events', { afterSeq: -1 })
    expect(neg.ok ? 'ok' : neg.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('afterSeq is an event sequence number, 0 or more') })
  })
})
