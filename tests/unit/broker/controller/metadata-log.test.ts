/**
 * The cluster metadata log: what is persisted is what replays (brokers, topics with ids and configs,
 * partitions, leader and ISR changes, removals), after a clean close and after a crash; the records
 * on disk are Kafka's record types; persist returns typed change events; snapshots are written,
 * pruned and replayed with the log's tail; damaged snapshots and torn tails are handled as storage
 * does, and said; failures of appends and fsyncs are reported and healed by the next persist; a
 * durable persist that fails leaves none of its records in the log.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClusterMetadata } from '../../../../src/broker/cluster/cluster-metadata'
import { validateTopicConfigs } from '../../../../src/broker/cluster/topic-config'
import { MetadataLog, METADATA_LOG_DIR, type MetadataLogOptions } from '../../../../src/broker/controller/metadata-log'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataLogRecord } from '../../../../src/broker/controller/metadata-records'
import { KafkaError } from '../../../../src/broker/model/errors'
import { encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { CLUSTER_ID, newImage, newTopic, topicId } from './fixtures/cluster-images'

const dirs: string[] = []
const logs: MetadataLog[] = []
afterEach(() => {
  for (const l of logs.splice(0)) l.release()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function newDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-metadata-log-'))
  dirs.push(dir)
  return dir
}

/** Opens the metadata log of `dir`; its lines go to `lines`. */
function open(dir: string, lines: string[] = [], opts: MetadataLogOptions = {}): { image: ClusterMetadata | null; log: MetadataLog } {
  const res = MetadataLog.open(dir, { clock: () => 1_700_000_000_000, log: (l) => lines.push(l), ...opts })
  logs.push(res.log)
  return res
}

/** Closes files as a crash would leave them: no snapshot, no clean-shutdown marker. */
function crash(log: MetadataLog): void {
  log.release()
}

/** Every record in the metadata log's segments, decoded. */
function recordsOnDisk(dir: string): { offset: number; record: MetadataLogRecord }[] {
  const plog = UnifiedLog.open(path.join(dir, METADATA_LOG_DIR), DEFAULT_LOG_CONFIG, { backend: new FileBackend(), clock: Date.now, log: () => {} })
  try {
    return plog.readRecords(plog.logStartOffset, { maxRecords: 1_000_000 }).map((r) => ({ offset: r.offset, record: decodeMetadataRecord(r) }))
  } finally {
    plog.close()
  }
}

const snapshotsIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(dir, METADATA_LOG_DIR))
    .filter((f) => f.endsWith('.checkpoint') && f !== 'log-state.checkpoint')
    .sort()
const segmentsIn = (dir: string): string[] =>
  fs
    .readdirSync(path.join(dir, METADATA_LOG_DIR))
    .filter((f) => f.endsWith('.log'))
    .sort()
const activeSegment = (dir: string): string => path.join(dir, METADATA_LOG_DIR, segmentsIn(dir).at(-1)!)

/** The changes of a step-by-step history, each one persisted on its own. */
function history(): ((m: ClusterMetadata) => void)[] {
  return [
    (m) => m.topics.push(newTopic('orders', 1, 3, 3, 3, { 'retention.ms': 86400000, 'retention.bytes': 1099511627776, 'min.insync.replicas': 2 })),
    (m) => (m.topics[0].partitions[1].isr = [2, 3]),
    (m) => Object.assign(m.topics[0].partitions[1], { leader: 3, leaderEpoch: 1, isr: [3] }),
    (m) => (m.brokers[1].alive = false),
    (m) => (m.topics[0].configs = validateTopicConfigs({ 'cleanup.policy': 'compact', 'retention.ms': 604800000 }, m.topics[0].configs)),
    (m) => m.topics[0].partitions.push({ replicas: [1, 3, 2], leader: 1, leaderEpoch: 0, isr: [1, 3, 2] }),
    (m) => m.topics.push(newTopic('payments', 2, 1, 1, 3, { 'message.timestamp.type': 'LogAppendTime' })),
    (m) => (m.topics = m.topics.filter((t) => t.name !== 'orders')),
    (m) => m.topics.push(newTopic('orders', 3, 2, 2, 3)),
    (m) => (m.brokers[1].alive = true),
    (m) => Object.assign(m.topics[0].partitions[0], { leader: -1, leaderEpoch: 1 }),
    (m) => Object.assign(m.topics[1].partitions[1], { leader: 3, leaderEpoch: 4, isr: [3, 1], replicas: [3, 1] })
  ]
}

describe('the metadata log replays what was persisted', () => {
  it('gives back every persisted image, after each crash and after a clean close', () => {
    const dir = newDir()
    let { image, log } = open(dir)
    expect(image).toBeNull()
    const meta = newImage(3)
    log.persist(meta)
    for (const change of history()) {
      change(meta)
      log.persist(meta)
      crash(log)
      ;({ image, log } = open(dir))
      expect(image).toEqual({ ...meta, cleanShutdown: false })
    }
    log.close(meta)
    ;({ image, log } = open(dir))
    expect(image).toEqual({ ...meta, cleanShutdown: true })
    expect(image!.topics.map((t) => [t.name, t.topicId])).toEqual([
      ['payments', topicId(2)],
      ['orders', topicId(3)]
    ])
  })

  it("writes Kafka's record types with Kafka's field names, config values as text, nothing when nothing changed", () => {
    const dir = newDir()
    const { log } = open(dir)
    const meta = newImage(2)
    log.persist(meta)
    meta.topics.push(newTopic('orders', 1, 1, 2, 2, { 'retention.bytes': 1099511627776 }))
    log.persist(meta)
    Object.assign(meta.topics[0].partitions[0], { leader: 2, leaderEpoch: 1, isr: [2] })
    meta.brokers[0].alive = false
    log.persist(meta)
    const end = log.logEndOffset
    expect(log.persist(meta)).toEqual([])
    expect(log.logEndOffset).toBe(end)
    meta.topics = []
    log.persist(meta)
    const id = topicId(1)
    expect(recordsOnDisk(dir).map((r) => [r.offset, r.record])).toEqual([
      [0, { type: 'RegisterBrokerRecord', version: 0, data: { BrokerId: 1, Fenced: false } }],
      [1, { type: 'RegisterBrokerRecord', version: 0, data: { BrokerId: 2, Fenced: false } }],
      [2, { type: 'TopicRecord', version: 0, data: { Name: 'orders', TopicId: id } }],
      [3, { type: 'ConfigRecord', version: 0, data: { ResourceType: 2, ResourceName: 'orders', Name: 'retention.bytes', Value: '1099511627776' } }],
      [4, { type: 'PartitionRecord', version: 0, data: { PartitionId: 0, TopicId: id, Replicas: [1, 2], Isr: [1, 2], Leader: 1, LeaderEpoch: 0, PartitionEpoch: 0 } }],
      [5, { type: 'BrokerRegistrationChangeRecord', version: 0, data: { BrokerId: 1, Fenced: 1 } }],
      [6, { type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: id, Isr: [2], Leader: 2, LeaderEpoch: 1, PartitionEpoch: 1 } }],
      [7, { type: 'RemoveTopicRecord', version: 0, data: { TopicId: id } }]
    ])
  })

  it('returns what each persist changed as typed events naming the record offsets', () => {
    const dir = newDir()
    const { log } = open(dir)
    const meta = newImage(3)
    expect(log.persist(meta)).toEqual([1, 2, 3].map((b, i) => ({ kind: 'broker-registered', offset: i, brokerId: b, alive: true })))
    meta.topics.push(newTopic('orders', 1, 2, 3, 3, { 'cleanup.policy': 'compact' }))
    const id = topicId(1)
    expect(log.persist(meta)).toEqual([
      { kind: 'topic-created', offset: 3, topic: 'orders', topicId: id, partitions: 2, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } }
    ])
    meta.topics[0].partitions.push({ replicas: [3, 1, 2], leader: 3, leaderEpoch: 0, isr: [3, 1, 2] }, { replicas: [1, 2, 3], leader: 1, leaderEpoch: 0, isr: [1, 2, 3] })
    meta.topics[0].configs = validateTopicConfigs({ 'cleanup.policy': 'delete', 'retention.ms': 1000 }, meta.topics[0].configs)
    expect(log.persist(meta)).toEqual([
      { kind: 'configs-changed', offset: 7, topic: 'orders', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: null }] },
      { kind: 'partitions-added', offset: 9, topic: 'orders', topicId: id, from: 2, to: 4 }
    ])
    meta.brokers[0].alive = false
    Object.assign(meta.topics[0].partitions[0], { leader: 2, leaderEpoch: 1, isr: [2, 3] })
    expect(log.persist(meta)).toEqual([
      { kind: 'broker-stopped', offset: 11, brokerId: 1 },
      { kind: 'leader-elected', offset: 12, topic: 'orders', topicId: id, partition: 0, leader: 2, previousLeader: 1, leaderEpoch: 1 },
      { kind: 'isr-changed', offset: 12, topic: 'orders', topicId: id, partition: 0, isr: [2, 3], previousIsr: [1, 2, 3], added: [], removed: [1] }
    ])
    meta.brokers[0].alive = true
    meta.topics = []
    expect(log.persist(meta)).toEqual([
      { kind: 'broker-started', offset: 13, brokerId: 1 },
      { kind: 'topic-deleted', offset: 14, topic: 'orders', topicId: id }
    ])
  })

  it('refuses a change no record can express, writing nothing', () => {
    const dir = newDir()
    const { log } = open(dir)
    const meta = newImage(3)
    meta.topics.push(newTopic('orders', 1, 2, 1, 3))
    log.persist(meta)
    const end = log.logEndOffset
    expect(() => log.persist({ ...meta, brokers: meta.brokers.slice(1) })).toThrow('broker 1 cannot be removed from the cluster')
    expect(() => log.persist({ ...meta, topics: [{ ...meta.topics[0], partitions: meta.topics[0].partitions.slice(1) }] })).toThrow(
      'partitions of topic orders cannot be removed (2 -> 1)'
    )
    expect(() => log.persist({ ...meta, topics: [{ ...meta.topics[0], name: 'renamed' }] })).toThrow(`topic orders (${topicId(1)}) cannot be renamed to renamed`)
    expect(log.logEndOffset).toBe(end)
  })
})

describe('snapshots', () => {
  /** Persists `n` ISR flips of a 2-partition topic, fsyncing after each as the step after it would. */
  function flips(log: MetadataLog, meta: ClusterMetadata, n: number): void {
    for (let i = 0; i < n; i++) {
      const p = meta.topics[0].partitions[i % 2]
      p.isr = p.isr.length === 3 ? [p.leader] : [...p.replicas]
      log.persist(meta)
      log.flush()
    }
  }

  function withTopic(): ClusterMetadata {
    const meta = newImage(3)
    meta.topics.push(newTopic('orders', 1, 2, 3, 3))
    return meta
  }

  it('writes one every N records, keeps the newest two, and deletes the log segments below the older one', () => {
    const dir = newDir()
    const { log } = open(dir, [], { snapshotIntervalRecords: 10, segmentBytes: 1024 })
    const meta = withTopic()
    log.persist(meta)
    log.flush()
    expect(snapshotsIn(dir)).toEqual([])
    flips(log, meta, 60)
    const snaps = snapshotsIn(dir)
    expect(snaps).toHaveLength(2)
    for (const s of snaps) expect(s).toMatch(/^\d{20}-0000000000\.checkpoint$/)
    const [older, newer] = snaps.map((s) => Number(s.slice(0, 20)))
    expect(newer).toBeGreaterThan(older)
    expect(newer).toBeLessThanOrEqual(log.logEndOffset)
    // The log starts at the older snapshot: every segment wholly below it is gone.
    expect(log.logStartOffset).toBe(older)
    const bases = segmentsIn(dir).map((s) => Number(s.slice(0, 20)))
    expect(bases[0]).toBeLessThanOrEqual(older)
    expect(bases.length).toBeGreaterThan(1)
    expect(bases[1]).toBeGreaterThan(older)
    expect(recordsOnDisk(dir)[0].offset).toBeLessThanOrEqual(older)
  })

  it('replays the newest snapshot and then the log after it', () => {
    const dir = newDir()
    let { log } = open(dir, [], { snapshotIntervalRecords: 10, segmentBytes: 1024 })
    const meta = withTopic()
    log.persist(meta)
    flips(log, meta, 37)
    const newest = Number(snapshotsIn(dir).at(-1)!.slice(0, 20))
    expect(log.logEndOffset).toBeGreaterThan(newest) // a tail after the snapshot
    crash(log)
    const lines: string[] = []
    const reopened = open(dir, lines, { snapshotIntervalRecords: 10, segmentBytes: 1024 })
    log = reopened.log
    expect(reopened.image).toEqual({ ...meta, cleanShutdown: false })
    expect(lines).toContain(
      `brokerlab metadata: recovered the metadata log ${path.join(dir, METADATA_LOG_DIR)}: snapshot at offset ${newest} and ${log.logEndOffset - newest} records after it, up to offset ${log.logEndOffset}`
    )
  })

  it('writes one at clean close, from which the next open replays', () => {
    const dir = newDir()
    let { log } = open(dir)
    const meta = withTopic()
    log.persist(meta)
    flips(log, meta, 3)
    expect(snapshotsIn(dir)).toEqual([])
    log.close(meta)
    const end = 6 + 3 // 3 brokers, a topic and its 2 partitions, 3 flips
    expect(snapshotsIn(dir)).toEqual([`${String(end).padStart(20, '0')}-0000000000.checkpoint`])
    // The snapshot alone rebuilds the image: emptying the segment below it changes nothing.
    fs.truncateSync(activeSegment(dir), 0)
    let image
    ;({ image, log } = open(dir))
    expect(image).toEqual({ ...meta, cleanShutdown: true })
    expect(log.logEndOffset).toBe(end)
  })

  it('falls back to the older snapshot when the newest is damaged (a flipped byte, a cut file), and says so', () => {
    for (const damage of ['flip', 'cut'] as const) {
      const dir = newDir()
      const { log } = open(dir, [], { snapshotIntervalRecords: 10 })
      const meta = withTopic()
      log.persist(meta)
      flips(log, meta, 30)
      crash(log)
      const newest = path.join(dir, METADATA_LOG_DIR, snapshotsIn(dir).at(-1)!)
      const bytes = fs.readFileSync(newest)
      if (damage === 'flip') bytes[bytes.length >> 1] ^= 0x10
      fs.writeFileSync(newest, damage === 'flip' ? bytes : bytes.subarray(0, bytes.length >> 1))
      const lines: string[] = []
      const { image } = open(dir, lines)
      expect(image, damage).toEqual({ ...meta, cleanShutdown: false })
      expect(lines.find((l) => l.includes(`ignoring the metadata snapshot ${newest}`)), damage).toMatch(
        damage === 'flip' ? /fails its CRC-32C check \(file .*\); falling back to an older snapshot or the log$/ : /; falling back to an older snapshot or the log$/
      )
    }
  })

  it('refuses to open when every snapshot is damaged and the log no longer starts at offset 0, naming them', () => {
    const dir = newDir()
    const { log } = open(dir, [], { snapshotIntervalRecords: 10 })
    const meta = withTopic()
    log.persist(meta)
    flips(log, meta, 30)
    expect(log.logStartOffset).toBeGreaterThan(0)
    crash(log)
    for (const s of snapshotsIn(dir)) fs.writeFileSync(path.join(dir, METADATA_LOG_DIR, s), 'garbage')
    let err: unknown
    try {
      open(dir)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KafkaError)
    expect((err as KafkaError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((err as KafkaError).message).toMatch(
      new RegExp(`^The cluster metadata log ${path.join(dir, METADATA_LOG_DIR)} starts at offset \\d+, and no valid snapshot holds the metadata before it \\(.*metadata snapshot is damaged.*\\); refusing to open a cluster without those topics$`)
    )
  })

  it('continues after a snapshot newer than the log end (the log lost its tail)', () => {
    const dir = newDir()
    let { log } = open(dir)
    const meta = withTopic()
    log.persist(meta)
    log.close(meta)
    fs.truncateSync(activeSegment(dir), 0)
    fs.rmSync(path.join(dir, METADATA_LOG_DIR, 'log-state.checkpoint'))
    const lines: string[] = []
    let image
    ;({ image, log } = open(dir, lines))
    expect(image).toEqual({ ...meta, cleanShutdown: true })
    expect(log.logEndOffset).toBe(6)
    expect(lines.some((l) => /ends at offset 0, before its snapshot at 6 \(its tail was lost\); it continues after the snapshot$/.test(l))).toBe(true)
    meta.brokers[2].alive = false
    log.persist(meta)
    crash(log)
    ;({ image } = open(dir))
    expect(image).toEqual(meta)
  })
})

describe('crashes and damage', () => {
  it('cuts a torn tail: a crash in the middle of the last append leaves the persists before it', () => {
    const dir = newDir()
    let { log } = open(dir)
    const meta = newImage(3)
    meta.topics.push(newTopic('orders', 1, 3, 3, 3))
    log.persist(meta)
    const before = structuredClone(meta)
    const end = log.logEndOffset
    meta.topics.push(newTopic('payments', 2, 3, 3, 3))
    log.persist(meta)
    crash(log)
    const segment = activeSegment(dir)
    fs.truncateSync(segment, fs.statSync(segment).size - 40)
    const lines: string[] = []
    let image
    ;({ image, log } = open(dir, lines))
    expect(image).toEqual(before)
    expect(log.logEndOffset).toBe(end)
    expect(lines.some((l) => l.startsWith(`brokerlab storage: recovered ${segment}`))).toBe(true)
    // The next persist writes the lost change again, at the offset where the torn batch was.
    const changes = log.persist(meta)
    expect(changes).toEqual([expect.objectContaining({ kind: 'topic-created', topic: 'payments', offset: end })])
    crash(log)
    expect(open(dir).image).toEqual(meta)
  })

  it('cuts a zero-filled tail (a file grown ahead of its data)', () => {
    const dir = newDir()
    const { log } = open(dir)
    const meta = newImage(3)
    log.persist(meta)
    crash(log)
    fs.appendFileSync(activeSegment(dir), Buffer.alloc(300))
    expect(open(dir).image).toEqual(meta)
  })

  it('refuses a record that does not apply, naming the offset, rather than opening without it', () => {
    const dir = newDir()
    const { log } = open(dir)
    log.persist(newImage(3))
    crash(log)
    const plog = UnifiedLog.open(path.join(dir, METADATA_LOG_DIR), DEFAULT_LOG_CONFIG, { backend: new FileBackend(), clock: Date.now, log: () => {} })
    const bad: MetadataLogRecord = { type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: topicId(9), Isr: [1] } }
    plog.appendAsFollower(encodeRecordBatch(3, [{ key: null, value: encodeMetadataRecord(bad), timestamp: 1 }]))
    plog.appendAsFollower(encodeRecordBatch(4, [{ key: null, value: Buffer.from('{"type":"TopicRecord"}'), timestamp: 1 }]))
    plog.close()
    expect(() => open(dir)).toThrow(
      new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `The cluster metadata log ${path.join(dir, METADATA_LOG_DIR)} has a bad record at offset 3: PartitionChangeRecord at offset 3 {"PartitionId":0,"TopicId":"${topicId(9)}","Isr":[1]} does not apply: no topic has id ${topicId(9)}`
      )
    )
  })

  it('refuses a log whose cluster id (meta.properties) is gone', () => {
    const dir = newDir()
    const { log } = open(dir)
    log.persist(newImage(1))
    crash(log)
    fs.rmSync(path.join(dir, 'meta.properties'))
    expect(() => open(dir)).toThrow(/holds records, but .*meta\.properties \(the cluster id\) is missing/)
    fs.writeFileSync(path.join(dir, 'meta.properties'), 'version=1\ncluster.id=short\n')
    expect(() => open(dir)).toThrow(/meta\.properties has no valid cluster\.id/)
    fs.writeFileSync(path.join(dir, 'meta.properties'), `version=1\ncluster.id=${CLUSTER_ID}\n`)
    expect(open(dir).image).toEqual(newImage(1))
  })
})

describe('failures while running', () => {
  it('an append that fails (ENOSPC) throws KAFKA_STORAGE_ERROR; the next persist after the disk is back writes the change', () => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    let { log } = open(dir, [], { backend })
    const meta = newImage(3)
    log.persist(meta)
    const heal = backend.inject({ op: 'write', code: 'ENOSPC', pathIncludes: METADATA_LOG_DIR })
    meta.topics.push(newTopic('orders', 1, 1, 3, 3))
    let err: unknown
    try {
      log.persist(meta)
    } catch (e) {
      err = e
    }
    expect((err as KafkaError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((err as KafkaError).message).toMatch(new RegExp(`^Cannot write the cluster metadata log ${path.join(dir, METADATA_LOG_DIR)}: .*ENOSPC`))
    expect(() => log.persist(meta)).toThrow(/ENOSPC/) // still full: tried again, still refused
    heal()
    expect(log.persist(meta).map((c) => c.kind)).toEqual(['topic-created'])
    crash(log)
    let image
    ;({ image, log } = open(dir))
    expect(image).toEqual(meta)
  })

  it('an fsync after the step that fails is reported to onFlushFailure; the next persist recovers the log', async () => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const failures: KafkaError[] = []
    const { log } = open(dir, [], { backend, onFlushFailure: (e) => failures.push(e) })
    const meta = newImage(3)
    const heal = backend.inject({ op: 'flush', code: 'EIO', pathIncludes: METADATA_LOG_DIR })
    log.persist(meta)
    expect(failures).toEqual([])
    await new Promise((r) => setImmediate(r))
    expect(failures.map((e) => e.code)).toEqual(['KAFKA_STORAGE_ERROR'])
    expect(failures[0].message).toMatch(new RegExp(`^Cannot flush the cluster metadata log ${path.join(dir, METADATA_LOG_DIR)}: .*EIO`))
    heal()
    meta.topics.push(newTopic('orders', 1, 1, 3, 3))
    log.persist(meta)
    log.flush()
    crash(log)
    expect(open(dir).image).toEqual(meta)
  })

  it('a durable persist whose fsync fails (EIO) leaves none of its records in the log, the earlier persist\'s stay, and the rolled-back image persists after it', () => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const lines: string[] = []
    let { log } = open(dir, lines, { backend })
    const meta = newImage(3)
    meta.topics.push(newTopic('orders', 1, 2, 3, 3))
    log.persistDurably(meta)
    meta.brokers[2].alive = false // persisted, its fsync still pending
    log.persist(meta)
    const before = recordsOnDisk(dir)
    const heal = backend.inject({ op: 'flush', code: 'EIO', pathIncludes: METADATA_LOG_DIR })
    const grown = structuredClone(meta)
    grown.topics[0].partitions.push(...newTopic('orders', 1, 4, 3, 3).partitions.slice(2))
    expect(() => log.persistDurably(grown)).toThrow(/^Cannot flush the cluster metadata log .*EIO/)
    // Cut at once (the fault is on fsync only): the disk holds what it held before this write.
    expect(recordsOnDisk(dir)).toEqual(before)
    expect(lines.some((l) => l.startsWith(`brokerlab metadata: cut the metadata log ${path.join(dir, METADATA_LOG_DIR)} at offset ${before.length}`))).toBe(true)
    heal()
    // The caller rolled the partitions back: the next persist writes the image without them, no record needed.
    expect(log.persist(meta)).toEqual([])
    log.flush()
    crash(log)
    let image
    ;({ image, log } = open(dir))
    expect(image).toEqual(meta)
  })

  it('a snapshot that cannot be written is logged and tried again; the log keeps every record', () => {
    const dir = newDir()
    const lines: string[] = []
    let { log } = open(dir, lines, { snapshotIntervalRecords: 2 })
    const meta = newImage(3)
    log.persist(meta)
    const blocked = path.join(dir, METADATA_LOG_DIR, `${String(log.logEndOffset).padStart(20, '0')}-0000000000.checkpoint.tmp`)
    fs.mkdirSync(blocked)
    log.flush()
    expect(snapshotsIn(dir)).toEqual([])
    expect(lines.some((l) => l.includes('cannot write the metadata snapshot') && l.endsWith('the snapshot is tried again at the next flush'))).toBe(true)
    fs.rmdirSync(blocked)
    meta.brokers[0].alive = false
    log.persist(meta)
    log.flush()
    expect(snapshotsIn(dir)).toHaveLength(1)
    crash(log)
    let image
    ;({ image, log } = open(dir))
    expect(image).toEqual(meta)
  })
})
