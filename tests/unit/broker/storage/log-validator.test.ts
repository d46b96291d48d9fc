/**
 * LogValidator and the bytes-first leader append (Kafka's LogValidator, in-place path for
 * uncompressed v2 batches): every rule with Kafka's error and message, nothing written and the sent
 * bytes unchanged on a refusal, a valid CreateTime batch stored byte for byte but for its base
 * offset and leader epoch, and LogAppendTime re-stamping with a CRC that validates.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import { crc32c } from '../../../../src/broker/codec/crc32c'
import {
  ATTRIBUTES_POS,
  BASE_SEQUENCE_POS,
  CRC_POS,
  LAST_OFFSET_DELTA_POS,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  PRODUCER_ID_POS,
  RECORDS_COUNT_POS,
  batchCrcMatches,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch
} from '../../../../src/broker/codec/record-batch'
import { RecordValidationError, validateMessagesAndAssignOffsets, type LogValidatorConfig } from '../../../../src/broker/storage/log-validator'
import type { LogConfig, RecordInput } from '../../../../src/broker/storage/storage-types'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { backends } from './backends'
import { ManualClock, config, records, tempDirs } from './helpers'

const dirs = tempDirs()
const open: UnifiedLog[] = []
afterEach(() => {
  for (const l of open.splice(0)) l.close()
  dirs.cleanup()
})

const CFG: LogValidatorConfig = { topicPartition: 't-0', compacted: false, messageTimestampType: 'CreateTime', maxMessageBytes: 1048588, origin: 'client' }
const NOW = 1_750_000_000_000

/** Small records (bodies under 64 bytes, so every varint length is one byte), timestamps ts0 + 10 i. */
function small(n: number, ts0 = 1_700_000_000_000): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: ts0 + 10 * i }))
}
/** A batch as a producer sends it: base offset 0, no leader epoch (-1), CreateTime. */
const producerBatch = (recs: RecordInput[] = small(3)): Buffer => encodeRecordBatch(0, recs)
/** Recomputes the CRC of the batch at `pos` after a test changed bytes it covers. */
function recrc(b: Buffer, pos = 0): Buffer {
  b.writeUInt32BE(crc32c(b, pos + ATTRIBUTES_POS, pos + b.readInt32BE(pos + 8) + 12), pos + CRC_POS)
  return b
}
/** Position of record `i`'s first byte (its length varint) in a batch of small records. */
function recordPos(b: Buffer, i: number): number {
  let p = 61
  for (let k = 0; k < i; k++) p += 1 + (b[p] >> 1) // one-byte zigzag varint length
  return p
}

/** The KafkaError `f` throws. */
function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(KafkaError)
    return e as KafkaError
  }
  throw new Error('expected a KafkaError')
}

describe('LogValidator refuses what Kafka refuses, with its error and message, changing nothing', () => {
  const cases: [string, () => Buffer, Partial<LogValidatorConfig>, string, string][] = [
    ['nothing at all', () => Buffer.alloc(0), {}, 'INVALID_RECORD', 'must have at least one record batch per partition'],
    ['fewer bytes than a batch length field', () => Buffer.alloc(5), {}, 'CORRUPT_MESSAGE', '5 bytes left, less than a batch\'s 12-byte offset and length'],
    ['a batch length below the header size', () => {
      const b = producerBatch()
      b.writeInt32BE(40, 8)
      return b
    }, {}, 'CORRUPT_MESSAGE', 'Record batch is corrupt (the size 52 is smaller than the minimum allowed overhead 61)'],
    ['a batch cut short', () => producerBatch().subarray(0, -3), {}, 'CORRUPT_MESSAGE', 'Record batch is truncated: it declares'],
    ['magic 1', () => {
      const b = producerBatch()
      b[MAGIC_POS] = 1
      return b
    }, {}, 'INVALID_RECORD', 'only allowed to contain record batches with magic version 2, not 1'],
    ['a base offset other than 0', () => {
      const b = producerBatch()
      b.writeInt32BE(7, 4)
      return b
    }, {}, 'INVALID_RECORD', 'The baseOffset of the record batch in the append to t-0 should be 0, but it is 7'],
    ['a batch above max.message.bytes', () => producerBatch(records(20, 0, NOW, 100)), { maxMessageBytes: 1000 }, 'RECORD_TOO_LARGE', 'The record batch size in the append to t-0 is'],
    ['a CRC that does not match', () => {
      const b = producerBatch()
      b[b.length - 1] ^= 0x55
      return b
    }, {}, 'CORRUPT_MESSAGE', 'Record is corrupt (stored crc = '],
    ['an unknown compression codec (5)', () => recrc(((b) => (b.writeInt16BE(5, ATTRIBUTES_POS), b))(producerBatch())), {}, 'CORRUPT_MESSAGE', 'Record batch uses unknown compression codec 5'],
    ['gzip bits on records that are not gzip', () => recrc(((b) => (b.writeInt16BE(1, ATTRIBUTES_POS), b))(producerBatch())), {}, 'CORRUPT_MESSAGE', 'gzip records do not decompress'],
    ['an offset range longer than the count', () => recrc(((b) => (b.writeInt32BE(5, LAST_OFFSET_DELTA_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Inconsistent batch offset range [0, 5] and count of records 3 in topic partition t-0'],
    ['a negative offset range', () => recrc(((b) => (b.writeInt32BE(-1, LAST_OFFSET_DELTA_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Batch has an invalid offset range: [0, -1]'],
    ['a count of 0', () => recrc(((b) => (b.writeInt32BE(0, LAST_OFFSET_DELTA_POS), b.writeInt32BE(0, RECORDS_COUNT_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Invalid reported count for record batch: 0'],
    ['a control batch', () => recrc(((b) => (b.writeInt16BE(0x20, ATTRIBUTES_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Clients are not allowed to write control records in topic partition t-0'],
    ['a producer id without a base sequence', () => recrc(((b) => (b.writeInt32BE(0, PRODUCER_ID_POS), b.writeInt32BE(5, PRODUCER_ID_POS + 4), b.writeInt32BE(-1, BASE_SEQUENCE_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Invalid sequence number -1 in record batch with producerId 5'],
    ['records out of sequence (offset delta 5 at index 1)', () => {
      const b = producerBatch()
      b[recordPos(b, 1) + 3] = 10 // zigzag(5): length, attributes, timestamp delta, then the offset delta
      return recrc(b)
    }, {}, 'INVALID_RECORD', "Record offset delta 5 is not the record's index 1"],
    ['a record longer than the batch', () => {
      const b = producerBatch()
      b[recordPos(b, 2)] = 120 // zigzag(60)
      return recrc(b)
    }, {}, 'INVALID_RECORD', 'Invalid record size: expected 60 bytes in record payload, but instead the buffer has only'],
    ['a record of length 0', () => {
      const b = producerBatch()
      b[recordPos(b, 0)] = 0
      return recrc(b)
    }, {}, 'INVALID_RECORD', 'Found invalid record structure'],
    ['more records declared than present', () => recrc(((b) => (b.writeInt32BE(3, LAST_OFFSET_DELTA_POS), b.writeInt32BE(4, RECORDS_COUNT_POS), b))(producerBatch())), {}, 'INVALID_RECORD', 'Incorrect declared batch size, premature EOF reached'],
    ['bytes after the declared records', () => {
      const b = Buffer.concat([producerBatch(), Buffer.from([1, 2, 3])])
      b.writeInt32BE(b.length - 12, 8)
      return recrc(b)
    }, {}, 'INVALID_RECORD', 'Incorrect declared batch size, records still remaining in file']
  ]

  it.each(cases)('%s', (_what, make, cfg, code, message) => {
    const b = make()
    const before = Buffer.from(b)
    const err = errorOf(() => validateMessagesAndAssignOffsets(b, 100, 3, NOW, { ...CFG, ...cfg }))
    expect(err.code).toBe(code)
    expect(err.message).toContain(message)
    expect(b.equals(before)).toBe(true)
  })

  it('a record without a key on a compacted topic is a record error (INVALID_RECORD) naming each rejected record', () => {
    const recs = small(4)
    recs[1].key = null
    recs[3].key = null
    const err = errorOf(() => validateMessagesAndAssignOffsets(producerBatch(recs), 0, 0, NOW, { ...CFG, compacted: true }))
    expect(err).toBeInstanceOf(RecordValidationError)
    expect(err.code).toBe('INVALID_RECORD')
    expect(err.message).toContain('One or more records have been rejected due to 2 record errors in total')
    expect(err.message).toContain("RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition t-0.')")
    expect((err as RecordValidationError).recordErrors.map((e) => [e.batch, e.batchIndex])).toEqual([
      [0, 1],
      [0, 3]
    ])
  })

  it('a LogAppendTime batch sent to a LogAppendTime topic is refused with INVALID_TIMESTAMP: the broker sets that time', () => {
    const b = encodeRecordBatch(0, small(2), -1, 5)
    const err = errorOf(() => validateMessagesAndAssignOffsets(b, 0, 0, NOW, { ...CFG, messageTimestampType: 'LogAppendTime' }))
    expect(err).toBeInstanceOf(RecordValidationError)
    expect(err.code).toBe('INVALID_TIMESTAMP')
    expect(err.message).toContain('Producer should not set timestamp type to LogAppendTime')
  })

  it('names the batch when several were sent, and stamps none of them when a later one is bad', () => {
    const good = producerBatch()
    const bad = producerBatch()
    bad[bad.length - 1] ^= 1
    const both = Buffer.concat([good, bad])
    const before = Buffer.from(both)
    const err = errorOf(() => validateMessagesAndAssignOffsets(both, 10, 2, NOW, CFG))
    expect(err.code).toBe('CORRUPT_MESSAGE')
    expect(err.message).toContain(`(batch 1, at byte ${good.length})`)
    expect(both.equals(before)).toBe(true)
  })

  it("a coordinator's batches skip the client-only rules (base offset 0), as Kafka's AppendOrigin.COORDINATOR", () => {
    const b = encodeRecordBatch(40, small(2))
    expect(errorOf(() => validateMessagesAndAssignOffsets(Buffer.from(b), 0, 0, NOW, CFG)).code).toBe('INVALID_RECORD')
    expect(validateMessagesAndAssignOffsets(b, 7, 1, NOW, { ...CFG, origin: 'coordinator' })).toMatchObject({ firstOffset: 7, lastOffset: 8 })
  })
})

describe('LogValidator stamping', () => {
  it('assigns offsets from the first offset across several batches and stamps the leader epoch, both outside the CRC', () => {
    const a = producerBatch(small(3))
    const b = producerBatch(small(2, 1_700_000_001_000))
    const both = Buffer.concat([a, b])
    const r = validateMessagesAndAssignOffsets(both, 100, 9, NOW, CFG)
    expect(r).toEqual({
      firstOffset: 100,
      lastOffset: 104,
      maxTimestamp: 1_700_000_001_010,
      shallowOffsetOfMaxTimestamp: 104,
      logAppendTime: -1,
      records: 5,
      batches: 2,
      bytes: a.length + b.length,
      output: both
    })
    const decoded = decodeRecordBatches(both)
    expect(decoded.map((d) => [d.baseOffset, d.lastOffset, d.partitionLeaderEpoch])).toEqual([
      [100, 102, 9],
      [103, 104, 9]
    ])
    expect(decoded[0].records.map((x) => x.offset)).toEqual([100, 101, 102])
    // Only base offset and leader epoch changed: every byte the CRC covers is as sent.
    expect(both.subarray(CRC_POS, a.length).equals(a.subarray(CRC_POS))).toBe(true)
  })

  it("CreateTime sets maxTimestamp to the records' largest when a producer got it wrong, recomputing the CRC (Kafka's setMaxTimestamp)", () => {
    const b = producerBatch(small(3))
    b.writeInt32BE(0, MAX_TIMESTAMP_POS)
    b.writeInt32BE(5, MAX_TIMESTAMP_POS + 4)
    recrc(b)
    const r = validateMessagesAndAssignOffsets(b, 0, 0, NOW, CFG)
    expect(r.maxTimestamp).toBe(1_700_000_000_020)
    expect(decodeRecordBatch(b).maxTimestamp).toBe(1_700_000_000_020)
    expect(batchCrcMatches(b)).toBe(true)
  })

  it('LogAppendTime stamps the append time as maxTimestamp with the type bit, keeps baseTimestamp and the deltas, and the new CRC validates', () => {
    const sent = producerBatch(small(3))
    const b = Buffer.from(sent)
    const r = validateMessagesAndAssignOffsets(b, 50, 4, NOW, { ...CFG, messageTimestampType: 'LogAppendTime' })
    expect(r).toMatchObject({ firstOffset: 50, lastOffset: 52, maxTimestamp: NOW, logAppendTime: NOW, shallowOffsetOfMaxTimestamp: 52 })
    const d = decodeRecordBatch(b) // checks the CRC
    expect(d.timestampType).toBe('LogAppendTime')
    expect([d.baseTimestamp, d.maxTimestamp]).toEqual([1_700_000_000_000, NOW])
    expect(d.records.map((x) => x.timestamp)).toEqual([NOW, NOW, NOW])
    // The records themselves are untouched.
    expect(b.subarray(61).equals(sent.subarray(61))).toBe(true)
  })

  it('a CreateTime topic stores a LogAppendTime batch from a producer as CreateTime, as Kafka does', () => {
    const b = encodeRecordBatch(0, small(2), -1, 1_700_000_000_500)
    validateMessagesAndAssignOffsets(b, 0, 0, NOW, CFG)
    const d = decodeRecordBatch(b)
    expect(d.timestampType).toBe('CreateTime')
    expect(d.maxTimestamp).toBe(1_700_000_000_500)
  })
})

describe.each(backends)('bytes-first appendAsLeader on the $name backend', ({ create }) => {
  function openLog(c: Partial<LogConfig> = {}, clock = new ManualClock(NOW)): UnifiedLog {
    const log = UnifiedLog.open(path.join(dirs.make(), 't-0'), config(c), { backend: create(), clock: clock.fn, log: () => {} })
    open.push(log)
    return log
  }
  const segmentBytes = (log: UnifiedLog): Buffer => fs.readFileSync(path.join(log.dir, '00000000000000000000.log'))

  it('stores a valid CreateTime batch byte for byte as the producer sent it, but for its base offset and leader epoch', () => {
    const log = openLog()
    log.appendAsLeader(records(5), 2)
    const sent = producerBatch([
      { key: Buffer.from('a'), value: Buffer.from('x'.repeat(300)), timestamp: 1_700_000_000_000, headers: [{ key: 'h', value: Buffer.from('1') }, { key: 'n', value: null }] },
      { key: null, value: null, timestamp: 1_699_999_999_000 },
      { key: Buffer.from('é'), value: Buffer.alloc(0), timestamp: 1_700_000_000_007 }
    ])
    const copy = Buffer.from(sent)
    const r = log.appendAsLeader(copy, 7)
    expect(r).toEqual({ firstOffset: 5, lastOffset: 7, maxTimestamp: 1_700_000_000_007, logAppendTime: -1, batchBytes: sent.length, records: 3 })
    log.flush()
    // The segment's bytes up to its logical size (a memory-mapped file may be longer on disk until closed).
    const onDisk = segmentBytes(log).subarray(0, log.sizeInBytes).subarray(-sent.length)
    expect(log.readBatches(5, 1 << 20).equals(onDisk)).toBe(true)
    expect(onDisk.readInt32BE(4)).toBe(5) // base offset
    expect(onDisk.readInt32BE(12)).toBe(7) // partitionLeaderEpoch
    const strip = (b: Buffer): Buffer => {
      const c = Buffer.from(b)
      c.fill(0, 0, 8)
      c.fill(0, 12, 16)
      return c
    }
    expect(strip(onDisk).equals(strip(sent))).toBe(true)
    expect(log.readRecords(5, {}).map((x) => [x.offset, x.timestamp])).toEqual([
      [5, 1_700_000_000_000],
      [6, 1_699_999_999_000],
      [7, 1_700_000_000_007]
    ])
  })

  it('appends several batches of one send with contiguous offsets', () => {
    const log = openLog()
    const r = log.appendAsLeader(Buffer.concat([producerBatch(small(2)), producerBatch(small(3)), producerBatch(small(1))]), 0)
    expect(r).toMatchObject({ firstOffset: 0, lastOffset: 5, records: 6 })
    expect(log.readRecords(0, {}).map((x) => x.key!.toString())).toEqual(['k0', 'k1', 'k0', 'k1', 'k2', 'k0'])
  })

  it('under LogAppendTime re-stamps with the log clock; what is stored passes its CRC-32C check and reads back at the append time', () => {
    const clock = new ManualClock(NOW)
    const log = openLog({ messageTimestampType: 'LogAppendTime' }, clock)
    clock.advance(1234)
    const r = log.appendAsLeader(producerBatch(small(3)), 1)
    expect(r).toMatchObject({ maxTimestamp: NOW + 1234, logAppendTime: NOW + 1234 })
    const stored = log.readBatches(0, 1 << 20)
    expect(batchCrcMatches(stored)).toBe(true)
    expect(log.readRecords(0, {}).map((x) => x.timestamp)).toEqual([NOW + 1234, NOW + 1234, NOW + 1234])
  })

  it('refuses a bad send with nothing written, and the next good one gets the offsets', () => {
    const log = openLog({ cleanupPolicy: 'compact' })
    log.appendAsLeader(records(2), 0)
    const recs = small(2)
    recs[0].key = null
    expect(() => log.appendAsLeader(producerBatch(recs), 0)).toThrow(RecordValidationError)
    const corrupt = producerBatch()
    corrupt[70] ^= 1
    expect(() => log.appendAsLeader(corrupt, 0)).toThrow(/Record is corrupt/)
    expect(() => log.appendAsLeader(producerBatch(records(30, 0, NOW, 1000)), 0)).not.toThrow()
    expect(() => log.appendAsLeader(producerBatch(records(3, 0, NOW, 600_000)), 0)).toThrow(/exceeds the maximum configured value of 1048588/)
    expect(log.logEndOffset).toBe(32)
    expect(log.appendAsLeader(producerBatch(small(1)), 0).firstOffset).toBe(32)
  })

  it('the records convenience encodes one batch and takes the same path (the epoch it is given is stamped)', () => {
    const log = openLog({ maxMessageBytes: 500 })
    expect(() => log.appendAsLeader(records(10, 0, NOW, 100), 0)).toThrow(/RECORD_TOO_LARGE|exceeds the maximum configured value of 500/)
    expect(log.appendAsLeader(records(2), 6)).toMatchObject({ firstOffset: 0, lastOffset: 1, records: 2 })
    expect(decodeRecordBatch(log.readBatches(0, 1 << 20)).partitionLeaderEpoch).toBe(6)
    expect(() => log.appendAsLeader([], 0)).toThrow(/at least one record/)
  })
})
