/**
 * The in-process producer compresses its batches with the send's `compression` codec (the Java
 * producer's compression.type): gzip, snappy, lz4 and zstd batches are stored as sent (the topic's
 * compression.type is `producer`) and read back whole; an unknown codec is refused before anything
 * is written.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CompressionName } from '../../../../src/broker/codec/compression'
import { zstdCompressorReady } from '../../../../src/broker/codec/zstd-compressor'
import { openTestCluster, type TestCluster } from '../../host/test-cluster'

let tc: TestCluster | null = null
beforeAll(() => zstdCompressorReady())
afterEach(async () => {
  await tc?.cleanup()
  tc = null
})

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(20)), partition: 0 }))

describe('the in-process producer compresses its batches', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as CompressionName[])('writes %s batches, stored as sent and read back whole', async (codec) => {
    tc = openTestCluster(1)
    tc.cluster.createTopic('t', { partitions: 1, replicationFactor: 1 })
    const acks = await tc.cluster.produce('t', records(20), { acks: 1, compression: codec })
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    const { records: read } = tc.cluster.fetch('t', 0, 0, { maxRecords: 100 })
    expect(read.map((r) => r.value!.toString())).toEqual(records(20).map((r) => r.value.toString()))
    expect(new Set(read.map((r) => r.batch?.compression))).toEqual(new Set([codec]))
  })

  it('refuses an unknown codec with INVALID_REQUEST, writing nothing', async () => {
    tc = openTestCluster(1)
    tc.cluster.createTopic('t', { partitions: 1, replicationFactor: 1 })
    await expect(tc.cluster.produce('t', records(1), { acks: 1, compression: 'brotli' as CompressionName })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('none, gzip, snappy, lz4, zstd') })
    expect(tc.cluster.listOffset('t', 0, 'latest')).toBe(0)
  })
})
