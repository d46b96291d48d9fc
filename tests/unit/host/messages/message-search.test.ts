/**
 * Server-side search through the contract (messages/search-start|poll|stop) on a real cluster:
 * value, header, key, JSON and timestamp filters find exactly what a reference filter over every
 * record finds; matches stream over several polls, the scan runs in turns of the loop, and stops at
 * its bounds (matches, bytes, time), when asked, and when its poller goes away.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RecordView, Reply, SearchQuery } from '../../../../src/shared/contract'
import { EngineService } from '../../../../src/host/engine-service'
import { MessageSearch } from '../../../../src/host/messages/message-search'
import type { ConsumerRecord } from '../../../../src/host/messages/engine-records'
import { openTestCluster, type TestCluster } from '../test-cluster'

let tc: TestCluster
let service: EngineService

async function ok<T>(p: Promise<Reply<T>>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`)
  return r.data
}

const ORIGINS = ['DFW', 'ORD', 'ATL', 'lax']
const N = 3000

beforeEach(async () => {
  tc = openTestCluster(1)
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
  await ok(service.handle('topic/create', { topic: 'flights', partitions: 3, replicationFactor: 1 }))
  const records = Array.from({ length: N }, (_, i) => ({
    key: `${ORIGINS[i % 4]}-${i}`,
    value: JSON.stringify({ origin: ORIGINS[i % 4], delay: (i * 7) % 120, note: i % 10 === 0 ? 'Late crew' : 'ok' }),
    // A second header whose value is "radar" where the source is not: header key and value must match in one header.
    headers: i % 5 === 0 ? [{ key: 'source', value: i % 3 === 0 ? 'radar' : 'manual' }, { key: 'seen-by', value: i % 3 === 0 ? 'tower' : 'radar' }] : [],
    // Timestamps out of offset order (CreateTime is the producer's), so a timestamp range needs more than a seek.
    timestamp: 1_700_000_000_000 + ((i * 7919) % N) * 1000
  }))
  await ok(service.handle('produce/send', { topic: 'flights', acks: 1, records }))
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

/** Every record of the topic, read directly from the engine. */
function all(): ConsumerRecord[] {
  return [0, 1, 2].flatMap((p) => tc.cluster.fetch('flights', p, 0, { maxRecords: N, maxBytes: 1 << 26 }).records)
}

const ids = (rs: { partition: number; offset: number }[]) => rs.map((r) => `${r.partition}:${r.offset}`).sort()

/** Runs a search to its end through the contract, polling, and returns the matches and the last poll. */
async function search(q: Omit<SearchQuery, 'topic' | 'partitions'> & { partitions?: number[] | null }) {
  const { searchId } = await ok(service.handle('messages/search-start', { topic: 'flights', partitions: null, ...q }))
  const matches: RecordView[] = []
  let polls = 0
  for (;;) {
    const res = await ok(service.handle('messages/search-poll', { searchId, waitMs: 200 }))
    polls++
    matches.push(...res.matches)
    if (res.done) return { matches, last: res, polls }
  }
}

describe('messages/search', () => {
  it('finds exactly the records whose value contains a text, case-insensitively when asked', async () => {
    const res = await search({ value: { mode: 'substring', pattern: 'late crew', caseInsensitive: true } })
    const expected = all().filter((r) => r.value!.toString().toLowerCase().includes('late crew'))
    expect(expected.length).toBe(300)
    expect(ids(res.matches)).toEqual(ids(expected))
    expect(res.last.stopReason).toBe('completed')
    expect(res.last.progress).toMatchObject({ scannedRecords: N, matches: 300 })
    expect(res.last.progress.scannedBytes).toBe(all().reduce((n, r) => n + r.sizeBytes, 0))
    expect((await search({ value: { mode: 'substring', pattern: 'late crew' } })).matches).toHaveLength(0)
  })

  it('finds exactly the records with a header of that key and value', async () => {
    const res = await search({ headerKey: { mode: 'substring', pattern: 'source' }, headerValue: { mode: 'regex', pattern: '^rad' } })
    const expected = all().filter((r) => r.headers.some((h) => h.key === 'source' && h.value?.toString() === 'radar'))
    expect(expected.length).toBe(200)
    expect(ids(res.matches)).toEqual(ids(expected))
    const anyHeader = await search({ headerValue: { mode: 'substring', pattern: 'manual' } })
    expect(anyHeader.matches).toHaveLength(400)
  })

  it('combines a key regex, a JSON field filter, a timestamp range and a partition set', async () => {
    const from = 1_700_000_000_000 + 500_000
    const to = 1_700_000_000_000 + 2_500_000
    const res = await search({
      partitions: [0, 2],
      key: { mode: 'regex', pattern: '^(DFW|lax)-' },
      json: '$.delay > 60 && $.origin != "DFW"',
      timestampFrom: from,
      timestampTo: to
    })
    const expected = all().filter((r) => {
      const v = JSON.parse(r.value!.toString())
      return r.partition !== 1 && /^(DFW|lax)-/.test(r.key!.toString()) && v.delay > 60 && v.origin !== 'DFW' && r.timestamp >= from && r.timestamp < to
    })
    expect(expected.length).toBeGreaterThan(10)
    expect(ids(res.matches)).toEqual(ids(expected))
    expect(res.last.progress.partitions.map((p) => p.partition)).toEqual([0, 2])
  })

  it('streams matches over several polls and stops at maxMatches', async () => {
    const res = await search({ value: { mode: 'substring', pattern: 'origin' }, maxMatches: 2500 })
    expect(res.matches).toHaveLength(2500)
    expect(new Set(ids(res.matches)).size).toBe(2500)
    expect(res.polls).toBeGreaterThan(1) // a poll carries at most 2,000 matches
    expect(res.last.stopReason).toBe('match-limit')
    const exact = await search({ value: { mode: 'substring', pattern: 'origin' }, maxMatches: N })
    expect(exact.last.stopReason).toBe('completed')
  })

  it('stops at maxScanBytes and at maxDurationMs on the engine clock', async () => {
    const bytes = await search({ value: { mode: 'substring', pattern: 'zzz' }, maxScanBytes: 1000 })
    expect(bytes.last.stopReason).toBe('byte-limit')
    expect(bytes.last.progress.scannedBytes).toBeLessThan(all().reduce((n, r) => n + r.sizeBytes, 0))
    const { searchId } = await ok(service.handle('messages/search-start', { topic: 'flights', partitions: null, json: '$.delay > 1000', maxDurationMs: 5000 }))
    tc.clock.now += 5000
    let res
    do res = await ok(service.handle('messages/search-poll', { searchId, waitMs: 100 }))
    while (!res.done)
    expect(res.stopReason).toBe('time-limit')
    expect(res.progress.scannedRecords).toBeLessThan(N)
  })

  it('scans in turns of the loop, so a stop between two turns ends it with what was found', async () => {
    let turns = 0
    let release: (() => void) | null = null
    const yieldTurn = () => new Promise<void>((res) => ((release = res), turns++))
    const s = new MessageSearch(tc.cluster, { topic: 'flights', partitions: null, value: { mode: 'substring', pattern: 'o' } }, () => tc.clock.now, {
      yieldTurn,
      turnBytes: 10_000
    })
    expect(turns).toBe(1)
    expect((await s.poll()).progress.scannedRecords).toBe(0)
    ;(release as unknown as () => void)()
    await new Promise((r) => setImmediate(r))
    const first = await s.poll()
    expect(first.progress.scannedRecords).toBeGreaterThan(0)
    s.stop()
    ;(release as unknown as () => void)()
    await new Promise((r) => setImmediate(r))
    const end = await s.poll()
    expect(end.done).toBe(true)
    expect(end.stopReason).toBe('stopped')
  })

  it('refuses a bad filter before starting, and forgets a search nobody polls for 30 s', async () => {
    const bad = await service.handle('messages/search-start', { topic: 'flights', partitions: null, value: { mode: 'regex', pattern: '(x+x+)+y' } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/nested quantifiers/) } })
    const missing = await service.handle('messages/search-start', { topic: 'flights', partitions: [7], value: { mode: 'substring', pattern: 'x' } })
    expect(missing).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TOPIC_OR_PARTITION' } })
    const json = await service.handle('messages/search-start', { topic: 'flights', partitions: null, json: 'delay > 1' })
    expect(json).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/unknown name "delay"/) } })
    const { searchId } = await ok(service.handle('messages/search-start', { topic: 'flights', partitions: null, json: '$.delay > 1000' }))
    await ok(service.handle('messages/search-poll', { searchId }))
    tc.clock.now += 31_000
    // Another search's start sweeps the idle one.
    await ok(service.handle('messages/search-start', { topic: 'flights', partitions: null, json: '$.delay > 1000' }))
    const gone = await service.handle('messages/search-poll', { searchId })
    expect(gone).toMatchObject({ ok: false, error: { code: 'SEARCH_NOT_FOUND' } })
  })
})
