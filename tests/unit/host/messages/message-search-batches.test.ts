/**
 * The search's in-place scan of record batches on a real cluster, against a reference filter over
 * the decoded records: header keys and values ignoring case (ASCII and not), batches ruled out by
 * their header's timestamps without their records being scanned (CreateTime and LogAppendTime),
 * compressed batches between uncompressed ones, and byte sequences that lie across two fields, two
 * records or two batches, which match nothing while real occurrences after them are still found.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ProducerRecord } from '../../../../src/broker/cluster/cluster-api'
import type { CompressionName } from '../../../../src/broker/codec/compression'
import type { SearchQuery } from '../../../../src/shared/contract'
import { MessageSearch } from '../../../../src/host/messages/message-search'
import type { ConsumerRecord } from '../../../../src/host/messages/engine-records'
import { openTestCluster, type TestCluster } from '../test-cluster'

let tc: TestCluster

beforeEach(() => {
  tc = openTestCluster(1)
})

afterEach(async () => {
  await tc.cleanup()
})

const b = (s: string) => Buffer.from(s, 'utf8')

/** Appends `records` to partition 0 of `topic` in one produce call (one batch). */
async function batch(topic: string, records: Omit<ProducerRecord, 'partition'>[], compression?: CompressionName): Promise<void> {
  await tc.cluster.produce(topic, records.map((r) => ({ ...r, partition: 0 })), { acks: 1, compression })
}

/** Every record of partition 0, decoded by the engine's fetch. */
function all(topic: string): ConsumerRecord[] {
  return tc.cluster.fetch(topic, 0, 0, { maxRecords: 100_000, maxBytes: 1 << 26 }).records
}

/** Runs a search to its end (polling), with scan turns on setImmediate. */
async function search(topic: string, q: Omit<SearchQuery, 'topic' | 'partitions'>) {
  const s = new MessageSearch(tc.cluster, { topic, partitions: null, ...q }, () => tc.clock.now)
  const matches: ConsumerRecord[] = []
  for (;;) {
    const res = await s.poll(200)
    matches.push(...res.matches.map((m) => ({ offset: m.offset }) as ConsumerRecord))
    if (res.done) return { offsets: matches.map((m) => m.offset), progress: res.progress, stopReason: res.stopReason, error: res.error }
  }
}

const offsets = (rs: ConsumerRecord[]) => rs.map((r) => r.offset)
const lower = (s: string) => s.toLowerCase()

describe('search over record batches in place', () => {
  it('finds header keys and values ignoring case, for ASCII and non-ASCII patterns, as a reference filter does', async () => {
    await tc.cluster.createTopic('h', { partitions: 1, replicationFactor: 1 })
    const headerSets = [
      [{ key: 'SOURCE', value: b('RADAR') }],
      [{ key: 'Source', value: b('manual') }, { key: 'seen-by', value: b('Radar') }],
      [{ key: 'source', value: b('R\u00c4DAR station') }],
      [{ key: 'unit', value: b('\u212aelvin') }],
      [{ key: 'source', value: null }],
      [],
      [{ key: 'Stra\u00dfe', value: b('x') }]
    ]
    for (let round = 0; round < 3; round++)
      await batch(
        'h',
        Array.from({ length: 70 }, (_, i) => ({ key: b(`k${i}`), value: b(`v${i}`), headers: headerSets[i % headerSets.length].map((h) => ({ ...h })) }))
      )
    const records = all('h')
    const cases: { q: Omit<SearchQuery, 'topic' | 'partitions'>; ref: (r: ConsumerRecord) => boolean }[] = [
      {
        q: { headerKey: { mode: 'substring', pattern: 'source', caseInsensitive: true }, headerValue: { mode: 'substring', pattern: 'radar', caseInsensitive: true } },
        ref: (r) => r.headers.some((h) => lower(h.key).includes('source') && h.value !== null && lower(h.value.toString()).includes('radar'))
      },
      { q: { headerValue: { mode: 'substring', pattern: 'r\u00e4dar', caseInsensitive: true } }, ref: (r) => r.headers.some((h) => h.value !== null && lower(h.value.toString()).includes('r\u00e4dar')) },
      { q: { headerValue: { mode: 'substring', pattern: 'KELVIN', caseInsensitive: true } }, ref: (r) => r.headers.some((h) => h.value !== null && lower(h.value.toString()).includes('kelvin')) },
      { q: { headerKey: { mode: 'substring', pattern: 'STRA', caseInsensitive: true } }, ref: (r) => r.headers.some((h) => lower(h.key).includes('stra')) },
      { q: { headerKey: { mode: 'substring', pattern: 'STRA\u00dfE', caseInsensitive: true } }, ref: (r) => r.headers.some((h) => lower(h.key).includes('stra\u00dfe')) },
      { q: { headerKey: { mode: 'substring', pattern: 'Source' } }, ref: (r) => r.headers.some((h) => h.key.includes('Source')) }
    ]
    for (const { q, ref } of cases) {
      const expected = offsets(records.filter(ref))
      expect(expected.length).toBeGreaterThan(0)
      const res = await search('h', q)
      expect({ q, offsets: res.offsets }).toEqual({ q, offsets: expected })
      expect(res.progress.scannedRecords).toBe(210)
      expect(res.progress.scannedBytes).toBe(records.reduce((n, r) => n + r.sizeBytes, 0))
    }
  })

  it('passes over CreateTime batches whose max timestamp is below timestampFrom without scanning their records', async () => {
    await tc.cluster.createTopic('c', { partitions: 1, replicationFactor: 1 })
    const at = (t0: number) => Array.from({ length: 10 }, (_, i) => ({ key: b(`k${t0 + i}`), value: b('v'), timestamp: t0 + i }))
    await batch('c', at(1000)) // offsets 0-9
    await batch('c', at(100)) // offsets 10-19: older than the batch before
    await batch('c', at(2000)) // offsets 20-29
    const res = await search('c', { timestampFrom: 1005 })
    const expected = offsets(all('c').filter((r) => r.timestamp >= 1005))
    expect(res.offsets).toEqual(expected)
    expect(expected).toHaveLength(15)
    // ListOffsets starts the scan at offset 5; the second batch is ruled out by its header.
    expect(res.progress.scannedRecords).toBe(15)
  })

  it('passes over LogAppendTime batches outside the timestamp range without scanning their records', async () => {
    await tc.cluster.createTopic('l', { partitions: 1, replicationFactor: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } })
    const times: number[] = []
    for (let i = 0; i < 4; i++) {
      tc.clock.now += 60_000
      times.push(tc.clock.now)
      await batch('l', Array.from({ length: 10 }, (_, j) => ({ key: b(`k${i}-${j}`), value: b('v'), timestamp: 1 })))
    }
    expect(new Set(all('l').map((r) => r.timestamp))).toEqual(new Set(times))
    const before = await search('l', { timestampTo: times[1] })
    expect(before.offsets).toEqual(offsets(all('l').filter((r) => r.timestamp < times[1])))
    expect(before.progress.scannedRecords).toBe(10)
    const middle = await search('l', { timestampFrom: times[1], timestampTo: times[3] })
    expect(middle.offsets).toEqual(offsets(all('l').filter((r) => r.timestamp >= times[1] && r.timestamp < times[3])))
    expect(middle.progress.scannedRecords).toBe(20)
  })

  it('finds matches in gzip, lz4 and snappy batches between uncompressed ones', async () => {
    await tc.cluster.createTopic('z', { partitions: 1, replicationFactor: 1 })
    const codecs: (CompressionName | undefined)[] = [undefined, 'gzip', undefined, 'lz4', 'snappy', undefined]
    for (const [n, codec] of codecs.entries())
      await batch(
        'z',
        Array.from({ length: 50 }, (_, i) => ({ key: b(`${codec ?? 'plain'}-${i}`), value: b(i % 7 === 0 && n !== 2 ? `{"city":"Dallas","n":${n}}` : `{"city":"Austin","n":${n}}`) })),
        codec
      )
    const records = all('z')
    expect(new Set(records.map((r) => r.batch?.compression))).toEqual(new Set(['none', 'gzip', 'lz4', 'snappy']))
    const cs = await search('z', { value: { mode: 'substring', pattern: '"Dallas"' } })
    expect(cs.offsets).toEqual(offsets(records.filter((r) => r.value!.toString().includes('"Dallas"'))))
    const ci = await search('z', { value: { mode: 'substring', pattern: 'DALLAS', caseInsensitive: true }, key: { mode: 'substring', pattern: 'Z4-', caseInsensitive: true } })
    expect(ci.offsets).toEqual(offsets(records.filter((r) => r.value!.toString().includes('Dallas') && r.key!.toString().startsWith('lz4-'))))
    expect(ci.offsets.length).toBeGreaterThan(0)
    expect(cs.progress.scannedBytes).toBe(records.reduce((n, r) => n + r.sizeBytes, 0))
    // A JSON equality's literal rules out sections without it; the values that hold it are parsed.
    const json = await search('z', { json: '$.city == "Dallas" && $.n >= 3' })
    expect(json.offsets).toEqual(offsets(records.filter((r) => JSON.parse(r.value!.toString()).city === 'Dallas' && JSON.parse(r.value!.toString()).n >= 3)))
    expect(json.offsets.length).toBeGreaterThan(0)
  })

  it('matches no bytes that lie across two fields, two records or two batches, and still finds the occurrences after them', async () => {
    await tc.cluster.createTopic('x', { partitions: 1, replicationFactor: 1 })
    // A value ending in "zz" with no headers is followed by a 0 byte (header count); the batch after
    // starts with its 8-byte base offset, zeros first: "zz\0\0\0\0" lies across the batch boundary.
    await batch('x', [{ key: b('a'), value: b('first') }, { key: b('AB'), value: b('CD') }, { key: b('b'), value: b('ends in zz') }])
    await batch('x', [{ key: b('c'), value: b('second') }, { key: b('d'), value: b('holds zz\0\0\0\0 inside') }])
    await batch('x', [{ key: b('e'), value: b('AB\u0004CD') }, { key: b('f'), value: b('ends in zz') }])
    await batch('x', [{ key: b('g'), value: b('last') }])
    const records = all('x')
    expect(new Set(records.map((r) => r.batch?.baseOffset)).size).toBe(4)
    const across = await search('x', { value: { mode: 'substring', pattern: 'zz\0\0\0\0' } })
    expect(across.offsets).toEqual([4])
    // Key "AB", then the value's length (2, zigzag 4), then value "CD": "AB\u0004CD" lies across key and value.
    const keyValue = await search('x', { value: { mode: 'substring', pattern: 'AB\u0004CD' } })
    expect(keyValue.offsets).toEqual([5])
    const keyOnly = await search('x', { key: { mode: 'substring', pattern: 'AB\u0004' } })
    expect(keyOnly.offsets).toEqual([])
    const ci = await search('x', { value: { mode: 'substring', pattern: 'ZZ\0\0\0\0', caseInsensitive: true } })
    expect(ci.offsets).toEqual([4])
  })
})
