/**
 * Idempotent producers on a partition log (Kafka's ProducerStateManager, KIP-98): duplicates of the
 * last 5 batches answered with their original offsets, gaps and fenced epochs refused with nothing
 * written, followers building the same state, truncation rebuilding it, `.snapshot` files at roll
 * and clean shutdown (Kafka's format v1, checked against hand-built bytes), reload after a clean and
 * an unclean shutdown, retention deleting snapshots, producer.id.expiration.ms.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { KafkaError } from '../../../../src/broker/model/errors'
import { encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  producerSnapshotPath,
  readProducerSnapshot
} from '../../../../src/broker/storage/producer-snapshot-file'
import type { LogConfig } from '../../../../src/broker/storage/storage-types'
import { ManualClock, config, records, tempDirs } from './helpers'
import { idempotentBatch } from './fixtures/idempotent-batches'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

function open(dir: string, clock = new ManualClock(), overrides: Partial<LogConfig> = {}, hadCleanShutdown = true): UnifiedLog {
  return UnifiedLog.open(dir, config(overrides), { backend: new FileBackend(), clock: clock.fn, hadCleanShutdown, log: () => {} })
}

function newDir(): string {
  return path.join(dirs.make(), 'idem-0')
}

function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    return e as KafkaError
  }
  throw new Error('expected an error')
}

const PID = 4000

describe('idempotent producer appends', () => {
  it('answers a duplicate of any of the last 5 batches with its original offsets and appends nothing', () => {
    const log = open(newDir())
    const firsts: number[] = []
    for (let s = 0; s < 7; s++) firsts.push(log.appendAsLeader(idempotentBatch(PID, 0, s * 3, 3), 0).firstOffset)
    expect(firsts).toEqual([0, 3, 6, 9, 12, 15, 18])
    const leo = log.logEndOffset
    for (let s = 2; s < 7; s++) {
      const r = log.appendAsLeader(idempotentBatch(PID, 0, s * 3, 3), 0)
      expect(r).toMatchObject({ firstOffset: s * 3, lastOffset: s * 3 + 2, records: 0, duplicate: true })
    }
    expect(log.logEndOffset).toBe(leo)
    // The 6th batch back is no longer remembered: its sequence is out of order now.
    expect(errorOf(() => log.appendAsLeader(idempotentBatch(PID, 0, 3, 3), 0)).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(log.logEndOffset).toBe(leo)
    log.close()
  })

  it('refuses a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER, writing nothing, then takes the right next sequence', () => {
    const log = open(newDir())
    log.appendAsLeader(idempotentBatch(PID, 0, 0, 5), 0)
    const err = errorOf(() => log.appendAsLeader(idempotentBatch(PID, 0, 6, 2), 0))
    expect(err.code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(err.message).toBe(`Out of order sequence number for producer ${PID} at offset 5 in partition idem-0: 6 (incoming seq. number), 4 (current end sequence number)`)
    expect(log.logEndOffset).toBe(5)
    expect(log.appendAsLeader(idempotentBatch(PID, 0, 5, 2), 0)).toMatchObject({ firstOffset: 5, lastOffset: 6 })
    log.close()
  })

  it('fences an older epoch with INVALID_PRODUCER_EPOCH; a newer epoch must start at sequence 0', () => {
    const log = open(newDir())
    log.appendAsLeader(idempotentBatch(PID, 3, 0, 2), 0)
    const older = errorOf(() => log.appendAsLeader(idempotentBatch(PID, 2, 2, 1), 0))
    expect(older.code).toBe('INVALID_PRODUCER_EPOCH')
    expect(older.message).toContain('is 2, which is smaller than the last seen epoch 3')
    const badNew = errorOf(() => log.appendAsLeader(idempotentBatch(PID, 4, 7, 1), 0))
    expect(badNew.code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(badNew.message).toContain('Invalid sequence number for new epoch')
    expect(log.logEndOffset).toBe(2)
    expect(log.appendAsLeader(idempotentBatch(PID, 4, 0, 1), 0)).toMatchObject({ firstOffset: 2 })
    expect(log.activeProducers()).toEqual([
      { producerId: PID, producerEpoch: 4, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 2, lastOffset: 2, timestamp: 1_700_000_000_000 }], lastTimestamp: 1_700_000_000_000, coordinatorEpoch: -1 }
    ])
    log.close()
  })

  it('accepts a producer it has no state for at any sequence (Kafka 2.5+, KIP-360: no UNKNOWN_PRODUCER_ID)', () => {
    const log = open(newDir())
    expect(log.appendAsLeader(idempotentBatch(PID, 1, 41, 2), 0)).toMatchObject({ firstOffset: 0, lastOffset: 1 })
    expect(log.appendAsLeader(idempotentBatch(PID, 1, 43, 1), 0)).toMatchObject({ firstOffset: 2 })
    log.close()
  })

  it('keeps producers apart and leaves batches without a producer id unchecked', () => {
    const log = open(newDir())
    log.appendAsLeader(idempotentBatch(1, 0, 0, 2), 0)
    log.appendAsLeader(encodeRecordBatch(0, records(2)), 0)
    log.appendAsLeader(idempotentBatch(2, 0, 0, 2), 0)
    log.appendAsLeader(encodeRecordBatch(0, records(2)), 0)
    expect(log.appendAsLeader(idempotentBatch(1, 0, 0, 2), 0)).toMatchObject({ firstOffset: 0, duplicate: true })
    expect(log.appendAsLeader(idempotentBatch(2, 0, 0, 2), 0)).toMatchObject({ firstOffset: 4, duplicate: true })
    expect(log.activeProducers().map((p) => p.producerId)).toEqual([1, 2])
    log.close()
  })
})

describe('producer state on followers and after truncation', () => {
  it('a follower builds the same state from the batches it appends, so it answers duplicates once it leads', () => {
    const leader = open(newDir())
    for (let s = 0; s < 4; s++) leader.appendAsLeader(idempotentBatch(PID, 2, s * 2, 2), 0)
    const follower = open(newDir())
    follower.appendAsFollower(leader.readBatches(0, 1 << 20))
    expect(follower.activeProducers()).toEqual(leader.activeProducers())
    expect(follower.appendAsLeader(idempotentBatch(PID, 2, 6, 2), 1)).toMatchObject({ firstOffset: 6, duplicate: true })
    expect(errorOf(() => follower.appendAsLeader(idempotentBatch(PID, 1, 8, 1), 1)).code).toBe('INVALID_PRODUCER_EPOCH')
    leader.close()
    follower.close()
  })

  it('truncation rebuilds the state from the log that is left: truncated batches are neither duplicates nor the last sequence', () => {
    const log = open(newDir())
    for (let s = 0; s < 5; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    log.truncateTo(6) // keeps sequences 0..5
    expect(log.activeProducers()[0].batches.map((b) => b.lastSeq)).toEqual([1, 3, 5])
    expect(errorOf(() => log.appendAsLeader(idempotentBatch(PID, 0, 8, 2), 0)).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(log.appendAsLeader(idempotentBatch(PID, 0, 6, 2), 0)).toMatchObject({ firstOffset: 6, lastOffset: 7 })
    log.close()
  })

  it('a full truncation forgets every producer and deletes the snapshots', () => {
    const dir = newDir()
    const log = open(dir, new ManualClock(), { segmentBytes: 300 })
    for (let s = 0; s < 6; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    expect(log.producerSnapshotOffsets().length).toBeGreaterThan(0)
    log.truncateFullyAndStartAt(100)
    expect(log.activeProducers()).toEqual([])
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.snapshot'))).toEqual([])
    log.close()
  })
})

describe('producer state snapshots and restarts', () => {
  it('writes Kafka v1 snapshot bytes equal to a hand-built fixture and reads them back', () => {
    // version 1 | crc | count 1 | pid 4000 | epoch 2 | last seq 9 | last offset 19 | offset delta 4 | ts | coordinator epoch -1 | txn first offset -1
    const body = Buffer.from(
      '00000001' + '0000000000000fa0' + '0002' + '00000009' + '0000000000000013' + '00000004' + '0000018bcfe56800' + 'ffffffff' + 'ffffffffffffffff',
      'hex'
    )
    const entry = { producerId: 4000, producerEpoch: 2, lastSequence: 9, lastOffset: 19, offsetDelta: 4, timestamp: 1_700_000_000_000, coordinatorEpoch: -1, currentTxnFirstOffset: -1 }
    const bytes = encodeProducerSnapshot([entry])
    expect(bytes.subarray(0, 2).toString('hex')).toBe('0001')
    expect(bytes.subarray(6).equals(body)).toBe(true)
    // The CRC is CRC-32C (Castagnoli) of the bytes after it; computed independently below.
    expect(bytes.readUInt32BE(2)).toBe(castagnoli(body))
    expect(decodeProducerSnapshot(bytes, 'x.snapshot')).toEqual([entry])
    const bad = Buffer.from(bytes)
    bad[bad.length - 1] ^= 1
    expect(errorOf(() => decodeProducerSnapshot(bad, 'x.snapshot'))).toMatchObject({ code: 'CORRUPT_MESSAGE', message: expect.stringContaining('CRC is no longer valid') })
    const v2 = Buffer.from(bytes)
    v2.writeInt16BE(2, 0)
    expect(errorOf(() => decodeProducerSnapshot(v2, 'x.snapshot')).message).toContain('unknown file version 2')
  })

  it('takes a snapshot at each segment roll and at clean shutdown, named by the 20-digit offset', () => {
    const dir = newDir()
    const log = open(dir, new ManualClock(), { segmentBytes: 400 })
    for (let s = 0; s < 8; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    const segs = log.segments().map((s) => s.baseOffset)
    expect(segs.length).toBeGreaterThan(2)
    expect(log.producerSnapshotOffsets()).toEqual(segs.slice(1))
    log.close()
    expect(fs.existsSync(producerSnapshotPath(dir, 16))).toBe(true)
    expect(path.basename(producerSnapshotPath(dir, 16))).toBe('00000000000000000016.snapshot')
    expect(readProducerSnapshot(dir, 16)).toEqual([
      { producerId: PID, producerEpoch: 0, lastSequence: 15, lastOffset: 15, offsetDelta: 1, timestamp: 1_700_000_000_015, coordinatorEpoch: -1, currentTxnFirstOffset: -1 }
    ])
  })

  it('after a clean restart the last batch is still a duplicate and the sequence goes on', () => {
    const dir = newDir()
    const log = open(dir)
    for (let s = 0; s < 3; s++) log.appendAsLeader(idempotentBatch(PID, 1, s * 2, 2), 0)
    log.close()
    const again = open(dir)
    expect(again.appendAsLeader(idempotentBatch(PID, 1, 4, 2), 0)).toMatchObject({ firstOffset: 4, lastOffset: 5, duplicate: true })
    expect(errorOf(() => again.appendAsLeader(idempotentBatch(PID, 1, 7, 1), 0)).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    expect(again.appendAsLeader(idempotentBatch(PID, 1, 6, 1), 0)).toMatchObject({ firstOffset: 6 })
    again.close()
  })

  it('after an unclean shutdown the state is rebuilt from the last snapshot plus the log after it', () => {
    const dir = newDir()
    const log = open(dir, new ManualClock(), { segmentBytes: 400 })
    for (let s = 0; s < 9; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    log.flush()
    const expected = log.activeProducers()
    const snaps = log.producerSnapshotOffsets()
    expect(snaps[snaps.length - 1]).toBeLessThan(log.logEndOffset) // the tail is only in the log
    // No close: the files stay as a crash leaves them (no snapshot at the log end offset).
    const reopened = open(dir, new ManualClock(), { segmentBytes: 400 }, false)
    // Batches replayed from the log come back whole; the snapshot's producer keeps its last batch.
    const state = reopened.activeProducers()[0]
    expect(state.producerEpoch).toBe(0)
    expect(state.batches.map((b) => b.lastSeq)).toEqual(expected[0].batches.map((b) => b.lastSeq).filter((s) => s >= snaps[snaps.length - 1] - 1))
    for (const b of state.batches) {
      expect(reopened.appendAsLeader(idempotentBatch(PID, 0, b.firstSeq, 2), 0)).toMatchObject({ firstOffset: b.firstOffset, duplicate: true })
    }
    expect(reopened.appendAsLeader(idempotentBatch(PID, 0, 18, 1), 0)).toMatchObject({ firstOffset: 18 })
    reopened.close()
  })

  it('ignores a corrupt snapshot, deletes it and rebuilds from the log', () => {
    const dir = newDir()
    const log = open(dir)
    for (let s = 0; s < 3; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    log.close()
    const file = producerSnapshotPath(dir, 6)
    const bytes = fs.readFileSync(file)
    bytes[bytes.length - 3] ^= 0xff
    fs.writeFileSync(file, bytes)
    const again = open(dir)
    expect(fs.existsSync(file)).toBe(false)
    expect(again.activeProducers()[0].batches.map((b) => b.lastSeq)).toEqual([1, 3, 5])
    again.close()
  })

  it('retention deletes the snapshots of the segments it deletes', () => {
    const dir = newDir()
    const log = open(dir, new ManualClock(), { segmentBytes: 400 })
    for (let s = 0; s < 10; s++) log.appendAsLeader(idempotentBatch(PID, 0, s * 2, 2), 0)
    const before = log.producerSnapshotOffsets()
    log.maybeIncrementLogStartOffset(before[2])
    const first = log.segments()[0].baseOffset
    expect(log.producerSnapshotOffsets()).toEqual(before.filter((o) => o >= first))
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.snapshot')).length).toBe(before.filter((o) => o >= first).length)
    log.close()
  })

  it('expires producers idle for producer.id.expiration.ms, after which any sequence is accepted', () => {
    const clock = new ManualClock(1_700_000_000_000)
    const log = open(newDir(), clock)
    log.appendAsLeader(idempotentBatch(PID, 0, 0, 2), 0)
    clock.advance(86_400_000 - 10)
    expect(log.maybeExpireProducers(clock.now, true)).toBe(0)
    clock.advance(100)
    expect(log.maybeExpireProducers(clock.now, true)).toBe(1)
    expect(log.activeProducers()).toEqual([])
    expect(log.appendAsLeader(idempotentBatch(PID, 0, 30, 1), 0)).toMatchObject({ firstOffset: 2 })
    log.close()
  })
})

/** CRC-32C computed bit by bit (reflected polynomial 0x82F63B78), independent of the codec's table. */
function castagnoli(buf: Buffer): number {
  let crc = 0xffffffff
  for (const byte of buf) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
