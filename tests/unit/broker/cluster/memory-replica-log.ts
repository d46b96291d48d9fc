/**
 * Test helper: an in-memory ReplicaLog honouring UnifiedLog's contract (whole batches, contiguous
 * offsets, follower appends keep offsets and leader epochs, HW bounds, a leader-epoch cache kept in
 * step), storing record batches v2 as the real log does.
 * A shared `MemoryLogStore` survives "reopen", so cluster tests can close and reopen without the disk.
 */
import fs from 'node:fs'
import path from 'node:path'
import { KafkaError } from '../../../../src/broker/model/errors'
import type { ReplicaLog, ReplicaLogStore } from '../../../../src/broker/cluster/replica-log'
import { batchBaseOffset, batchPartitionLeaderEpoch, batchSize, decodeRecordBatches, decodeRecordsInto, encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { LeaderEpochFileCache, type EpochEndOffset, type EpochEntry } from '../../../../src/broker/storage/leader-epoch-file-cache'
import type { LogAppendInfo } from '../../../../src/broker/storage/unified-log'
import type { RecordInput, StoredRecord } from '../../../../src/broker/storage/storage-types'

interface Batch {
  base: number
  epoch: number
  records: StoredRecord[]
  bytes: Buffer
}
interface LogData {
  batches: Batch[]
  hw: number
  /** In memory only (no checkpoint file). */
  epochs: LeaderEpochFileCache
}
export type MemoryLogStore = Map<string, LogData>

/** Record batches v2 with their leader epoch, as the real log stores them (readers decode them with the codec). */
function encode(base: number, epoch: number, records: StoredRecord[]): Buffer {
  return encodeRecordBatch(
    base,
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
    epoch
  )
}

function decode(buf: Buffer): Batch[] {
  const out: Batch[] = []
  let pos = 0
  while (pos < buf.length) {
    const size = batchSize(buf, pos)
    const records: StoredRecord[] = []
    decodeRecordsInto(buf, pos, records)
    out.push({ base: batchBaseOffset(buf, pos), epoch: batchPartitionLeaderEpoch(buf, pos), records, bytes: Buffer.from(buf.subarray(pos, pos + size)) })
    pos += size
  }
  return out
}

class MemoryReplicaLog implements ReplicaLog {
  constructor(private readonly d: LogData) {}
  get logStartOffset(): number {
    return 0
  }
  get logEndOffset(): number {
    const last = this.d.batches[this.d.batches.length - 1]
    return last ? last.base + last.records.length : 0
  }
  get highWatermark(): number {
    return this.d.hw
  }
  get sizeInBytes(): number {
    return this.d.batches.reduce((a, b) => a + b.bytes.length, 0)
  }
  get recordCount(): number {
    return this.readRecords(0, { maxOffset: this.d.hw }).length
  }
  get latestEpoch(): number | null {
    return this.d.epochs.latestEpoch
  }
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.d.epochs.endOffsetFor(epoch, this.logEndOffset)
  }
  assignEpochStartOffset(epoch: number, startOffset: number): void {
    this.d.epochs.assign(epoch, startOffset)
  }
  epochEntries(): EpochEntry[] {
    return this.d.epochs.epochEntries()
  }
  appendAsLeader(input: Buffer | RecordInput[], leaderEpoch: number): LogAppendInfo {
    const records: RecordInput[] = Buffer.isBuffer(input) ? decodeRecordBatches(input).flatMap((b) => b.records) : input
    const base = this.logEndOffset
    const stored = records.map((r, i) => ({ offset: base + i, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers ?? [] }))
    const bytes = encode(base, leaderEpoch, stored)
    this.d.epochs.assign(leaderEpoch, base)
    this.d.batches.push({ base, epoch: leaderEpoch, records: stored, bytes })
    const maxTimestamp = Math.max(...records.map((r) => r.timestamp))
    return { firstOffset: base, lastOffset: base + records.length - 1, batchBytes: bytes.length, maxTimestamp, logAppendTime: -1, records: records.length }
  }
  appendAsFollower(buf: Buffer) {
    let n = 0
    for (const b of decode(buf)) {
      if (b.base !== this.logEndOffset) throw new Error(`follower append at ${b.base} but LEO ${this.logEndOffset}`)
      if (b.epoch >= 0) this.d.epochs.assign(b.epoch, b.base)
      this.d.batches.push(b)
      n += b.records.length
    }
    return { lastOffset: this.logEndOffset - 1, records: n }
  }
  readBatches(start: number, maxBytes: number, maxOffset = this.logEndOffset): Buffer {
    if (start < 0 || start > this.logEndOffset) throw new KafkaError('OFFSET_OUT_OF_RANGE', `offset ${start}`)
    const parts: Buffer[] = []
    let size = 0
    for (const b of this.d.batches) {
      if (b.base + b.records.length <= start) continue
      if (b.base + b.records.length > maxOffset) break
      if (parts.length > 0 && size + b.bytes.length > maxBytes) break
      parts.push(b.bytes)
      size += b.bytes.length
    }
    return Buffer.concat(parts)
  }
  readRecords(start: number, opts: { maxRecords?: number; maxBytes?: number; maxOffset?: number }): StoredRecord[] {
    const max = opts.maxOffset ?? this.logEndOffset
    const out: StoredRecord[] = []
    for (const b of this.d.batches)
      for (const r of b.records) if (r.offset >= start && r.offset < max && out.length < (opts.maxRecords ?? Infinity)) out.push(r)
    return out
  }
  updateHighWatermark(o: number): void {
    if (o > this.logEndOffset || o < 0) throw new Error(`HW ${o} outside [0, ${this.logEndOffset}]`)
    this.d.hw = o
  }
  offsetForTimestamp(ts: number): number | null {
    for (const b of this.d.batches) for (const r of b.records) if (r.timestamp >= ts) return r.offset
    return null
  }
  truncateTo(o: number): void {
    this.d.batches = this.d.batches.filter((b) => b.base < o)
    const last = this.d.batches[this.d.batches.length - 1]
    if (last && last.base + last.records.length > o) throw new Error('truncation inside a batch')
    if (this.d.hw > o) this.d.hw = o
    this.d.epochs.truncateFromEnd(this.logEndOffset)
  }
  truncateFullyAndStartAt(o: number): void {
    if (o !== 0) throw new Error('memory log starts at 0 only')
    this.d.batches = []
    this.d.hw = 0
    this.d.epochs.clearAndFlush()
  }
  maybeIncrementLogStartOffset(o: number): void {
    if (o > 0) throw new Error('memory log starts at 0 only')
  }
  segments() {
    return []
  }
  updateConfig(): void {}
  recoverFrom(): number {
    return this.logEndOffset
  }
}

/** A ReplicaLogStore keeping logs in `store` (keyed by directory); directories are created and removed under `dataDir` as the real store does. */
export function memoryLogStore(store: MemoryLogStore, dataDir: string): ReplicaLogStore {
  const dirOf = (b: number, t: string, p: number): string => path.join(dataDir, `broker-${b}`, `${t}-${p}`)
  return {
    hadCleanShutdown: true,
    open(b, t, p, _config, create) {
      const dir = dirOf(b, t, p)
      let d = store.get(dir)
      if (!d) {
        if (!create) return null
        fs.mkdirSync(dir, { recursive: true })
        store.set(dir, (d = { batches: [], hw: 0, epochs: new LeaderEpochFileCache(null, [], () => {}) }))
      }
      return new MemoryReplicaLog(d)
    },
    evict() {},
    offlineError() {
      return null // memory never fails
    },
    delete(b, t, p) {
      store.delete(dirOf(b, t, p))
      fs.rmSync(dirOf(b, t, p), { recursive: true, force: true })
    },
    tick() {
      return false
    },
    close() {}
  }
}
