/**
 * A Produce request that arrives while the zstd compressor's WebAssembly is still loading (the
 * engine's first moments) waits for it before appending, so a compression.type=zstd topic never
 * refuses a client's batch for that; once loaded, requests go straight through. The compressor's
 * loading state is injected (the module is replaced by a stand-in whose load the test completes).
 */
import { describe, expect, it, vi } from 'vitest'

const zstd = vi.hoisted(() => {
  let finish: () => void = () => {}
  const state = { loaded: false, ready: new Promise<void>((r) => (finish = r)) }
  return { state, finish: () => ((state.loaded = true), finish()) }
})
vi.mock('../../../../../src/broker/codec/zstd-compressor', () => ({
  zstdCompressorLoaded: () => zstd.state.loaded,
  zstdCompressorReady: () => zstd.state.ready
}))

import { produceHandler } from '../../../../../src/broker/protocol/apis/00-produce'
import type { ApiCallContext } from '../../../../../src/broker/protocol/api-handler'
import type { ProducePartitionInput, ProducePartitionResult, ReplicaFacade } from '../../../../../src/broker/protocol/replica-facade'

function facade(calls: ProducePartitionInput[][]): ReplicaFacade {
  return {
    brokerId: 1,
    async produce(partitions: ProducePartitionInput[]): Promise<ProducePartitionResult[]> {
      calls.push(partitions)
      return partitions.map((p) => ({ topic: p.topic, partition: p.partition, error: null, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], currentLeader: { leaderId: -1, leaderEpoch: -1 } }))
    }
  } as unknown as ReplicaFacade
}

const ctx = { header: { apiVersion: 9 } } as unknown as ApiCallContext
const req = { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'zt', partitionData: [{ index: 0, records: Buffer.alloc(0) }] }] }

describe('Produce while the zstd compressor loads', () => {
  it('waits for the compressor before appending, then answers; later requests do not wait', async () => {
    const calls: ProducePartitionInput[][] = []
    const handler = produceHandler(facade(calls))
    const first = Promise.resolve(handler.handle(req as never, ctx))
    for (let i = 0; i < 5; i++) await Promise.resolve() // let the handler run up to its wait
    expect(calls.length).toBe(0)
    zstd.finish()
    const res = await first
    expect(calls.length).toBe(1)
    expect(res).toMatchObject({ responses: [{ name: 'zt', partitionResponses: [{ index: 0, errorCode: 0 }] }] })
    await handler.handle(req as never, ctx)
    expect(calls.length).toBe(2)
  })
})
