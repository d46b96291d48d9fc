/**
 * RemotePartitionReader against a scripted broker: records of compacted batches (offsets the
 * batch no longer holds) are read across the gaps up to the high watermark, each once, in offset
 * order; an offset outside [log start offset, high watermark] is refused with OFFSET_OUT_OF_RANGE.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RecordBatchBuilder } from '../../../../src/broker/codec/record-batch'
import { KafkaWireClient } from '../../../../src/host/remote/kafka-wire-client'
import { RemotePartitionReader } from '../../../../src/host/remote/remote-partition-reader'
import { apiVersions, metadata, startScriptedBroker, type ScriptedBroker } from './scripted-broker'

const API_VERSIONS = 18
const METADATA = 3
const LIST_OFFSETS = 2
const FETCH = 1

/** A batch covering base..base+delta that holds only the records at `offsets` (as the log cleaner leaves one). */
function compactedBatch(base: number, delta: number, offsets: number[]): Buffer {
  const records = offsets.map((o) => ({ offset: o, timestamp: 1_700_000_000_000 + o, key: Buffer.from(`k${o}`), value: Buffer.from(`v${o}`), headers: [] }))
  return Buffer.from(new RecordBatchBuilder(1024).encodeWithOffsets(base, delta, records))
}

let broker: ScriptedBroker | null = null
let client: KafkaWireClient | null = null
afterEach(async () => {
  await client?.close()
  await broker?.close()
  client = broker = null
})

async function compactedLog(): Promise<void> {
  // Offsets 0-9, high watermark 10; the batches 0-4 and 5-9 keep only offsets 1, 2 and 7.
  const first = compactedBatch(0, 4, [1, 2])
  const second = compactedBatch(5, 4, [7])
  broker = await startScriptedBroker({
    [API_VERSIONS]: apiVersions({ [METADATA]: [0, 9], [LIST_OFFSETS]: [1, 7], [FETCH]: [4, 12] }),
    [METADATA]: metadata({ t: 1 }),
    [LIST_OFFSETS]: (_v, body) => ({
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, offset: body.topics[0].partitions[0].timestamp === -2n ? 0n : 10n, timestamp: -1n }] }]
    }),
    [FETCH]: (_v, body) => {
      const from = Number(body.topics[0].partitions[0].fetchOffset)
      const records = from < 5 ? first : from < 10 ? second : Buffer.alloc(0)
      return { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, records }] }] }
    }
  })
  client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
}

describe('RemotePartitionReader', { timeout: 20_000 }, () => {
  it('reads across the offsets a compacted batch no longer holds, each record once, up to the high watermark', async () => {
    await compactedLog()
    const reader = await RemotePartitionReader.open(client!, 't', null, 'earliest')
    const seen: number[] = []
    expect(await reader.poll(100, (r) => seen.push(r.offset))).toBe(3)
    expect(seen).toEqual([1, 2, 7])
    expect(await reader.poll(100, (r) => seen.push(r.offset))).toBe(0)
  })

  it('starts at an offset inside a batch without handing out the records before it', async () => {
    await compactedLog()
    const reader = await RemotePartitionReader.open(client!, 't', [0], 2)
    const seen: string[] = []
    expect(await reader.poll(100, (r) => seen.push(`${r.offset}:${r.value}`))).toBe(2)
    expect(seen).toEqual(['2:v2', '7:v7'])
  })

  it('refuses an offset past the high watermark with OFFSET_OUT_OF_RANGE naming both ends', async () => {
    await compactedLog()
    const e = await RemotePartitionReader.open(client!, 't', [0], 11).catch((x) => x)
    expect(e.code).toBe('OFFSET_OUT_OF_RANGE')
    expect(e.message).toBe('Offset 11 is out of range for partition t-0: log start offset 0, high watermark 10')
  })
})
