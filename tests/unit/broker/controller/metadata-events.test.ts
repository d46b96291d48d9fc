/**
 * Metadata changes feed the event stream (issue 9 sections 3 and 4): the event of a metadata change
 * is made from the record appended to the metadata log, names that record's offset (read back from
 * the log and compared), carries the reason the controller gave, and exists only once the record
 * is in the log (a metadata log that cannot be written holds the event back until the record is
 * appended); a change that came with no reason still gets one event, with a generic reason.
 * Injected clock, no sleeps; faults are injected into the storage backend.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import { ClusterEventLog, type ClusterEvent } from '../../../../src/broker/cluster/cluster-events'
import { MetadataEvents } from '../../../../src/broker/controller/metadata-events'
import { MetadataLog, METADATA_LOG_DIR } from '../../../../src/broker/controller/metadata-log'
import { decodeMetadataRecord, type MetadataLogRecord } from '../../../../src/broker/controller/metadata-records'
import { FaultInjectingBackend } from '../../../../src/broker/storage/fault-injecting-backend'
import { FileBackend } from '../../../../src/broker/storage/file-backend'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import { UnifiedLog } from '../../../../src/broker/storage/unified-log'
import { newImage, newTopic } from './fixtures/cluster-images'
import { clockClusters } from '../../support/clock-cluster'

const clusters = clockClusters('brokerlab-metadata-events-')
const logs: MetadataLog[] = []
// Registered after clockClusters' cleanup, so it runs before it (vitest runs after-hooks as a stack):
// the metadata logs are released before their directories are removed.
afterEach(() => {
  for (const l of logs.splice(0)) l.release()
})

const newDir = (): string => clusters.tempDir()

const makeCluster = (dir: string, backend?: FaultInjectingBackend): Cluster => clusters({ dataDir: dir, storageBackend: backend, eventLog: () => {} }).cluster

/**
 * The records of `dir`'s metadata log, by offset, read from a copy of its directory while it is open
 * (a clean close snapshots and moves the log start past them).
 */
function recordsOnDisk(dir: string): Map<number, MetadataLogRecord> {
  const copy = path.join(newDir(), METADATA_LOG_DIR)
  fs.cpSync(path.join(dir, METADATA_LOG_DIR), copy, { recursive: true })
  const plog = UnifiedLog.open(copy, DEFAULT_LOG_CONFIG, { backend: new FileBackend(), clock: Date.now, log: () => {} })
  try {
    return new Map(plog.readRecords(plog.logStartOffset, { maxRecords: 1_000_000 }).map((r) => [r.offset, decodeMetadataRecord(r)]))
  } finally {
    plog.close()
  }
}

const ofKind = (events: ClusterEvent[], kind: ClusterEvent['kind']): ClusterEvent[] => events.filter((e) => e.kind === kind)

describe('metadata change events', () => {
  it('a broker stop emits exactly one event per appended record, each naming the offset of the record that holds its change, with the reason the controller gave', async () => {
    const dir = newDir()
    const cluster = makeCluster(dir)
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const topicId = cluster.topicId('orders')
    const { leader, replicas } = cluster.describeTopic('orders').partitions[0]
    const follower = replicas.find((b) => b !== leader)!
    const before = cluster.recentEvents().at(-1)!.seq
    cluster.stopBroker(follower) // leaves the ISR
    cluster.stopBroker(leader) // a new leader is elected
    const events = cluster.recentEvents(before)
    const created = ofKind(cluster.recentEvents(), 'topic-created')
    const stopped = ofKind(events, 'broker-stopped')
    const shrinks = ofKind(events, 'isr-shrink')
    const elected = ofKind(events, 'leader-elected')
    expect(created).toHaveLength(1)
    expect(stopped.map((e) => e.brokerId)).toEqual([follower, leader])
    expect(shrinks.map((e) => e.brokerId)).toEqual([follower])
    expect(elected).toHaveLength(1)
    expect(stopped[0].message).toMatch(/a controlled shutdown/)
    expect(shrinks[0].reason).toBe('controlled-shutdown')
    expect(elected[0].reason).toBe('controlled-shutdown')
    expect(elected[0].message).toMatch(/^Broker \d now leads orders-0 \(leader epoch 1\): its leader, broker \d, stopped$/)
    // Every metadata event names a distinct record; the events that are not metadata changes name none.
    const offsets = [...created, ...events].filter((e) => e.metadataOffset !== undefined).map((e) => e.metadataOffset)
    expect(new Set(offsets).size).toBe(offsets.length)
    expect(ofKind(events, 'controller-moved').every((e) => e.metadataOffset === undefined)).toBe(true)
    const records = recordsOnDisk(dir)
    expect(records.get(created[0].metadataOffset!)).toMatchObject({ type: 'TopicRecord', data: { Name: 'orders', TopicId: topicId } })
    for (const e of stopped) expect(records.get(e.metadataOffset!)).toMatchObject({ type: 'BrokerRegistrationChangeRecord', data: { BrokerId: e.brokerId, Fenced: 1 } })
    expect(records.get(shrinks[0].metadataOffset!)).toMatchObject({ type: 'PartitionChangeRecord', data: { TopicId: topicId, PartitionId: 0, Isr: shrinks[0].isr } })
    expect(shrinks[0].isr).not.toContain(follower)
    expect(records.get(elected[0].metadataOffset!)).toMatchObject({
      type: 'PartitionChangeRecord',
      data: { TopicId: topicId, PartitionId: 0, Leader: elected[0].brokerId, LeaderEpoch: elected[0].leaderEpoch }
    })
  })

  it('keeps the order of the step: the controller stopping gives broker-stopped, leader-elected, then controller-moved, which is no metadata record', () => {
    const cluster = makeCluster(newDir())
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] })
    expect(cluster.controllerId).toBe(1)
    const before = cluster.recentEvents().at(-1)!.seq
    cluster.stopBroker(1)
    const events = cluster.recentEvents(before)
    expect(events.map((e) => [e.kind, e.brokerId])).toEqual([
      ['broker-stopped', 1],
      ['leader-elected', 2],
      ['controller-moved', 2]
    ])
    expect(events.map((e) => e.seq)).toEqual([before + 1, before + 2, before + 3])
    expect(events[0].metadataOffset).toBeLessThan(events[1].metadataOffset!)
    expect(events[2].metadataOffset).toBeUndefined()
  })

  it('a change whose record cannot be appended (ENOSPC) has no event while the log lacks it, and gets it, with its reason, once the record is appended', async () => {
    const dir = newDir()
    const backend = new FaultInjectingBackend(new FileBackend())
    const cluster = makeCluster(dir, backend)
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const { leader, replicas } = cluster.describeTopic('orders').partitions[0]
    const follower = replicas.find((b) => b !== leader)!
    const before = cluster.recentEvents().at(-1)!.seq
    const heal = backend.inject({ op: 'write', code: 'ENOSPC', pathIncludes: METADATA_LOG_DIR })
    cluster.stopBroker(follower)
    const during = cluster.recentEvents(before)
    expect(during.map((e) => e.kind)).toEqual(['metadata-write-failed'])
    expect(cluster.brokers().find((b) => b.id === follower)?.alive).toBe(false) // the cluster still runs the step

    heal()
    cluster.pauseFetching(leader) // the next step persists what is pending
    const after = cluster.recentEvents(during.at(-1)!.seq)
    expect(after.map((e) => e.kind)).toEqual(['metadata-write-failed', 'broker-stopped', 'isr-shrink'])
    const [, stopped, shrink] = after
    expect(stopped).toMatchObject({ brokerId: follower, message: expect.stringMatching(/a controlled shutdown/) })
    expect(shrink).toMatchObject({ brokerId: follower, reason: 'controlled-shutdown', topic: 'orders', partition: 0 })
    const records = recordsOnDisk(dir)
    expect(records.get(stopped.metadataOffset!)).toMatchObject({ type: 'BrokerRegistrationChangeRecord', data: { BrokerId: follower, Fenced: 1 } })
    expect(records.get(shrink.metadataOffset!)).toMatchObject({ type: 'PartitionChangeRecord', data: { PartitionId: 0, Isr: shrink.isr } })
  })

  it('a change persisted with no reason registered gets one event with a generic reason and its record offset; a cause nothing appended matches is dropped', () => {
    const dir = newDir()
    const { log } = MetadataLog.open(dir, { clock: () => 1_700_000_000_000, log: () => {} })
    logs.push(log)
    const meta = newImage(3)
    meta.topics.push(newTopic('orders', 1, 1, 3, 3))
    log.persist(meta)
    const eventLog = new ClusterEventLog(() => 1_700_000_000_000, () => {})
    const events = new MetadataEvents(eventLog)
    // A cause for a change that never reaches the log (the topic is not deleted).
    events.because({ kind: 'topic-deleted', severity: 'info', topic: 'orders', message: 'Topic orders was deleted' })
    meta.topics[0].partitions[0].isr = [1, 3]
    const changes = log.persist(meta)
    events.published(changes)
    expect(eventLog.since()).toEqual([
      {
        seq: 1,
        time: 1_700_000_000_000,
        kind: 'isr-shrink',
        severity: 'warning',
        topic: 'orders',
        partition: 0,
        brokerId: 2,
        isr: [1, 3],
        message: 'Broker 2 left the ISR of orders-0 [1, 3]: a change in the cluster metadata, recorded without a reason',
        metadataOffset: changes[0].offset
      }
    ])
    expect(events.pendingCount).toBe(0)
    expect(recordsOnDisk(dir).get(changes[0].offset)).toMatchObject({ type: 'PartitionChangeRecord', data: { PartitionId: 0, Isr: [1, 3] } })
  })
})

describe('held places in the event order', () => {
  it('events emitted behind a held place wait, and are numbered in emission order once it is released (filled or empty)', () => {
    const log = new ClusterEventLog(() => 7, () => {})
    const first = log.hold()
    const second = log.hold()
    expect(log.emit({ kind: 'controller-moved', severity: 'info', message: 'after both places' })).toBeNull()
    expect(log.since()).toEqual([])
    second.release() // dropped: nothing behind the first place goes out yet
    expect(log.since()).toEqual([])
    first.release([{ kind: 'broker-stopped', severity: 'info', brokerId: 1, message: 'filled' }])
    first.release([{ kind: 'broker-stopped', severity: 'info', brokerId: 9, message: 'a second release counts for nothing' }])
    expect(log.since().map((e) => [e.seq, e.message])).toEqual([
      [1, 'filled'],
      [2, 'after both places']
    ])
    expect(log.emit({ kind: 'broker-started', severity: 'info', message: 'at once' })).toMatchObject({ seq: 3 })
  })
})
