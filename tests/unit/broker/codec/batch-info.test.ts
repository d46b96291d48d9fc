/**
 * The header facts of a record batch (batch-info.ts): producer id/epoch, base sequence, codec,
 * leader epoch, transactional/control flags and base offset read from the header, and a record's
 * sequence number (base sequence + offset delta, wrapping as Kafka's incrementSequence).
 */
import { describe, expect, it } from 'vitest'
import { CODEC_LZ4, CODEC_ZSTD } from '../../../../src/broker/codec/compression'
import { CONTROL_MASK, TRANSACTIONAL_MASK, compressBatch, encodeRecordBatch, setBatchLastOffset, setBatchProducer } from '../../../../src/broker/codec/record-batch'
import { crc32c } from '../../../../src/broker/codec/crc32c'
import { readBatchInfo, recordSequence } from '../../../../src/broker/codec/batch-info'
import { zstdCompressorReady } from '../../../../src/broker/codec/zstd-compressor'

const recs = (n: number) => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1_700_000_000_000 + i }))

describe('readBatchInfo', () => {
  it('reads producer id, epoch, base sequence, codec, leader epoch and base offset from the header', () => {
    const plain = encodeRecordBatch(0, recs(4), 7)
    setBatchProducer(plain, 0, 4242, 3, 96)
    const b = compressBatch(plain, 0, CODEC_LZ4)
    setBatchLastOffset(b, 0, 123)
    expect(readBatchInfo(b)).toEqual({
      baseOffset: 120,
      partitionLeaderEpoch: 7,
      compression: 'lz4',
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 96,
      isTransactional: false,
      isControl: false
    })
  })

  it('names zstd, and reads the transactional and control bits', async () => {
    await zstdCompressorReady()
    const b = compressBatch(encodeRecordBatch(0, recs(2)), 0, CODEC_ZSTD)
    b.writeInt16BE(b.readInt16BE(21) | TRANSACTIONAL_MASK | CONTROL_MASK, 21)
    b.writeUInt32BE(crc32c(b, 21, b.length), 17)
    expect(readBatchInfo(b)).toMatchObject({ compression: 'zstd', isTransactional: true, isControl: true, producerId: -1, producerEpoch: -1, baseSequence: -1 })
  })
})

describe('recordSequence', () => {
  it('is the base sequence plus the offset delta', () => {
    expect(recordSequence(10, 500, 503)).toBe(13)
  })

  it('wraps to 0 past 2^31 - 1 as Kafka increments sequences', () => {
    expect(recordSequence(2147483646, 0, 1)).toBe(2147483647)
    expect(recordSequence(2147483646, 0, 2)).toBe(0)
    expect(recordSequence(2147483646, 0, 4)).toBe(2)
  })

  it('is -1 for a batch without a sequence', () => {
    expect(recordSequence(-1, 0, 3)).toBe(-1)
  })
})
