/**
 * Compaction keeps batches' identity (Kafka's LogCleaner with MemoryRecords.filterTo): compressed
 * idempotent batches keep, after cleaning, their producer id, epoch, base sequence, offset range,
 * leader epoch and codec (the retained records recompressed with it); a batch that loses no record
 * is kept byte for byte; a producer's last batch whose records were all compacted away stays as an
 * empty header (BatchRetention.RETAIN_EMPTY) while an older emptied batch goes; and after a
 * reopen whose producer state is rebuilt from the log alone (snapshots removed), the producers'
 * last batches are still recognised as duplicates and their next sequences are checked.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CODEC_GZIP, CODEC_LZ4, CODEC_ZSTD } from '../../../../src/broker/codec/compression'
import { readBatchInfo, type RecordBatchInfo } from '../../../../src/broker/codec/batch-info'
import { batchCrcMatches, batchLastOffset, batchRecordCount, batchSize, compressBatch, decodeRecordBatch, encodeRecordBatch, setBatchProducer } from '../../../../src/broker/codec/record-batch'
import { zstdCompressorReady } from '../../../../src/broker/codec/zstd-compressor'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { LogCleaner } from '../../../../src/broker/storage/log-cleaner'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { KafkaError } from '../../../../src/broker/model/errors'
import { ManualClock, config, tempDirs } from './helpers'

const dirs = tempDirs()
const toClose: UnifiedLog[] = []
beforeAll(() => zstdCompressorReady())
afterEach(() => {
  for (const l of toClose.splice(0)) if (!l.isClosed) l.close()
  dirs.cleanup()
})

const T0 = 1_700_000_000_000
const cfg = config({ segmentBytes: 600, cleanupPolicy: 'compact', deleteRetentionMs: 60_000, minCleanableDirtyRatio: 0.01 })

function open(dir: string, clock: ManualClock, hadCleanShutdown = true): UnifiedLog {
  const log = UnifiedLog.open(dir, cfg, { backend: new FileBackend(), clock: clock.fn, hadCleanShutdown, log: () => {} })
  toClose.push(log)
  return log
}

/** A client's batch (base offset 0): `keys` with values tagged `tag`, producer fields set, compressed with `codec`. */
function batch(keys: string[], tag: string, producer: { id: number; epoch: number; seq: number } | null, codec: number): Buffer {
  const plain = encodeRecordBatch(
    0,
    keys.map((k, i) => ({ key: Buffer.from(k), value: Buffer.from(`${tag}-${k}-${'x'.repeat(40)}`), timestamp: T0 + i }))
  )
  if (producer) setBatchProducer(plain, 0, producer.id, producer.epoch, producer.seq)
  return codec === 0 ? plain : compressBatch(plain, 0, codec)
}

/** Every stored batch: its header facts, records count, last offset, and its records' offsets and keys. */
interface StoredBatch {
  info: RecordBatchInfo
  count: number
  lastOffset: number
  crcOk: boolean
  records: [number, string][]
  bytes: Buffer
}

function storedBatches(log: UnifiedLog): StoredBatch[] {
  const out: StoredBatch[] = []
  for (const seg of log.segments()) {
    const buf = log.readBatches(seg.baseOffset, 1 << 20)
    for (let p = 0; p < buf.length; p += batchSize(buf, p)) {
      const bytes = Buffer.from(buf.subarray(p, p + batchSize(buf, p)))
      if (out.some((b) => b.info.baseOffset === readBatchInfo(bytes).baseOffset)) continue
      out.push({
        info: readBatchInfo(bytes),
        count: batchRecordCount(bytes),
        lastOffset: batchLastOffset(bytes),
        crcOk: batchCrcMatches(bytes),
        records: decodeRecordBatch(bytes).records.map((r): [number, string] => [r.offset, r.key!.toString()]),
        bytes
      })
    }
  }
  return out.sort((a, b) => a.info.baseOffset - b.info.baseOffset)
}

function errorOf(f: () => unknown): KafkaError {
  try {
    f()
  } catch (e) {
    return e as KafkaError
  }
  throw new Error('expected an error')
}

describe('the log cleaner keeps batches identity', () => {
  it('keeps codec, producer fields and leader epoch of compacted idempotent batches, keeps a producer last batch empty, and the rebuilt producer state still dedupes', () => {
    const clock = new ManualClock(T0)
    const dir = path.join(dirs.make(), 'c-0')
    const log = open(dir, clock)
    const sent = {
      // producer 100 (gzip): its first batch is overwritten entirely by its second
      a1: batch(['a0', 'a1', 'a2'], 'a1', { id: 100, epoch: 2, seq: 0 }, CODEC_GZIP),
      a2: batch(['a0', 'a1', 'a2'], 'a2', { id: 100, epoch: 2, seq: 3 }, CODEC_GZIP),
      // producer 200 (lz4): its only batch is overwritten entirely by plain writes
      b1: batch(['b0', 'b1'], 'b1', { id: 200, epoch: 0, seq: 0 }, CODEC_LZ4),
      // producer 300 (zstd): one record of its only batch is overwritten
      c1: batch(['c0', 'c1', 'c2'], 'c1', { id: 300, epoch: 5, seq: 7 }, CODEC_ZSTD),
      // producer 400 (zstd): nothing of it is overwritten
      d1: batch(['d0', 'd1'], 'd1', { id: 400, epoch: 1, seq: 0 }, CODEC_ZSTD)
    }
    const copies = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, Buffer.from(v)])) as typeof sent
    const at: Record<string, { firstOffset: number; lastOffset: number }> = {}
    at.a1 = log.appendAsLeader(sent.a1, 3)
    at.b1 = log.appendAsLeader(sent.b1, 3)
    at.c1 = log.appendAsLeader(sent.c1, 3)
    at.d1 = log.appendAsLeader(sent.d1, 4)
    at.a2 = log.appendAsLeader(sent.a2, 4)
    log.appendAsLeader(batch(['b0', 'b1', 'c1'], 'plain', null, 0), 4)
    for (let i = 0; i < 12; i++) log.appendAsLeader(batch([`f${i}`], 'filler', null, 0), 4)
    log.updateHighWatermark(log.logEndOffset)
    const before = storedBatches(log)
    const active = log.segments()[log.segments().length - 1].baseOffset
    expect(active).toBeGreaterThan(at.a2.lastOffset + 1) // everything of interest is in closed segments

    const res = new LogCleaner({ clock: clock.fn, log: () => {} }).cleanNow(log)
    expect(res).not.toBeNull()
    const after = storedBatches(log)
    const byBase = (base: number) => after.find((b) => b.info.baseOffset === base)
    expect(after.every((b) => b.crcOk)).toBe(true)

    // a1: emptied, and not its producer's last batch: gone.
    expect(byBase(at.a1.firstOffset)).toBeUndefined()
    // a2: untouched, byte for byte.
    expect(byBase(at.a2.firstOffset)!.bytes.equals(before.find((b) => b.info.baseOffset === at.a2.firstOffset)!.bytes)).toBe(true)
    // b1: emptied, but producer 200's last batch: its header stays, no records, same offsets and producer fields.
    expect(byBase(at.b1.firstOffset)).toMatchObject({
      count: 0,
      lastOffset: at.b1.lastOffset,
      records: [],
      info: { producerId: 200, producerEpoch: 0, baseSequence: 0, partitionLeaderEpoch: 3, compression: 'none' }
    })
    // c1: thinned, rebuilt with its identity and its codec.
    expect(byBase(at.c1.firstOffset)).toMatchObject({
      count: 2,
      lastOffset: at.c1.lastOffset,
      records: [
        [at.c1.firstOffset, 'c0'],
        [at.c1.firstOffset + 2, 'c2']
      ],
      info: { producerId: 300, producerEpoch: 5, baseSequence: 7, partitionLeaderEpoch: 3, compression: 'zstd', isTransactional: false }
    })
    // d1: untouched, still zstd, still producer 400.
    expect(byBase(at.d1.firstOffset)!.info).toMatchObject({ producerId: 400, producerEpoch: 1, baseSequence: 0, partitionLeaderEpoch: 4, compression: 'zstd' })

    // Reopen with the producer state rebuilt from the log only (no snapshot files).
    log.close()
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.snapshot')) fs.rmSync(path.join(dir, f))
    const reopened = open(dir, clock, false)
    const producers = new Map(reopened.activeProducers().map((e) => [e.producerId, e]))
    expect([...producers.keys()].sort((x, y) => x - y)).toEqual([100, 200, 300, 400])
    expect(producers.get(300)!.batches.at(-1)).toMatchObject({ firstSeq: 7, lastSeq: 9, firstOffset: at.c1.firstOffset, lastOffset: at.c1.lastOffset })
    expect(producers.get(200)!.batches.at(-1)).toMatchObject({ firstSeq: 0, lastSeq: 1, lastOffset: at.b1.lastOffset })
    // The producers' last batches, sent again (a retry), are answered with their original offsets.
    expect(reopened.appendAsLeader(Buffer.from(copies.b1), 4)).toMatchObject({ firstOffset: at.b1.firstOffset, lastOffset: at.b1.lastOffset, duplicate: true })
    expect(reopened.appendAsLeader(Buffer.from(copies.c1), 4)).toMatchObject({ firstOffset: at.c1.firstOffset, lastOffset: at.c1.lastOffset, duplicate: true })
    expect(reopened.appendAsLeader(Buffer.from(copies.a2), 4)).toMatchObject({ firstOffset: at.a2.firstOffset, duplicate: true })
    // Their next sequences are checked against the kept state.
    expect(errorOf(() => reopened.appendAsLeader(batch(['b9'], 'gap', { id: 200, epoch: 0, seq: 5 }, 0), 4)).code).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER')
    const end = reopened.logEndOffset
    expect(reopened.appendAsLeader(batch(['c9'], 'next', { id: 300, epoch: 5, seq: 10 }, CODEC_ZSTD), 4)).toMatchObject({ firstOffset: end })
  })

  it("drops a producer's empty last batch at a later cleaning once the producer has expired (producer.id.expiration.ms)", () => {
    const clock = new ManualClock(T0)
    const log = open(path.join(dirs.make(), 'c-0'), clock)
    const b1 = log.appendAsLeader(batch(['b0', 'b1'], 'b1', { id: 200, epoch: 0, seq: 0 }, CODEC_LZ4), 3)
    log.appendAsLeader(batch(['b0', 'b1'], 'plain', null, 0), 3)
    for (let i = 0; i < 12; i++) log.appendAsLeader(batch([`f${i}`], 'filler', null, 0), 3)
    log.updateHighWatermark(log.logEndOffset)
    const cleaner = new LogCleaner({ clock: clock.fn, log: () => {} })
    expect(cleaner.cleanNow(log)).not.toBeNull()
    expect(storedBatches(log).find((b) => b.info.baseOffset === b1.firstOffset)).toMatchObject({ count: 0, info: { producerId: 200 } })
    // A day later producer 200 has expired; new writes make the log dirty again.
    clock.advance(86_400_001)
    expect(log.maybeExpireProducers(clock.now, true)).toBe(1)
    for (let i = 0; i < 12; i++) log.appendAsLeader(batch([`f${i}`], 'filler-again', null, 0), 3)
    log.updateHighWatermark(log.logEndOffset)
    expect(cleaner.cleanNow(log)).not.toBeNull()
    expect(storedBatches(log).find((b) => b.info.baseOffset === b1.firstOffset)).toBeUndefined()
  })
})
