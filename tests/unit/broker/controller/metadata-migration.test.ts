/**
 * A data directory written before the metadata log (tests/fixtures/data-dirs/v1: cluster.json and
 * the brokers' logs, made by the brokerlab CLI at b02c710) opens, migrates once, and keeps every
 * topic (with its topic id), partition, config, record and committed offset; the next open does not
 * migrate again. An interrupted migration is completed or redone; a malformed cluster.json refuses
 * the open and stays.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clusterJson } from '../../support/metadata-files'
import { afterEach, describe, expect, it } from 'vitest'
import { readClusterMetadata } from '../../../../src/broker/cluster/cluster-metadata'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import type { ClusterMetadata } from '../../../../src/broker/cluster/cluster-metadata'
import { MetadataLog, METADATA_LOG_DIR } from '../../../../src/broker/controller/metadata-log'
import { encodeMetadataRecord } from '../../../../src/broker/controller/metadata-records'
import { encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { KafkaError } from '../../../../src/broker/model/errors'

const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'data-dirs')
const V1 = path.join(FIXTURES, 'v1')

interface V1Content {
  topics: Record<string, { partition: number; logStartOffset: number; highWatermark: number; records: { offset: number; timestamp: number; key: string | null; value: string | null }[] }[]>
  groups: Record<string, Record<string, Record<string, number>>>
}
const content = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'v1-content.json'), 'utf8')) as V1Content
/** The fixture's cluster.json as the engine reads it (LONG configs exact, as bigint). */
const v1Doc = (): ClusterMetadata => readClusterMetadata(V1)!

const dirs: string[] = []
const open: Cluster[] = []
afterEach(async () => {
  for (const c of open.splice(0)) await c.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A copy of the v1 fixture in a temporary directory (the fixture itself is never opened). */
function copyOfV1(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-v1-'))
  dirs.push(dir)
  fs.cpSync(V1, dir, { recursive: true })
  return dir
}

function openCluster(dir: string, lines: string[]): Cluster {
  const c = new Cluster({ dataDir: dir, autoReplicate: false, log: (l) => lines.push(l), eventLog: () => {} })
  open.push(c)
  return c
}

async function closeCluster(c: Cluster): Promise<void> {
  await c.close()
  open.splice(open.indexOf(c), 1)
}

const migrationLines = (lines: string[]): string[] => lines.filter((l) => l.startsWith('brokerlab metadata:'))

/** Every record of topic `name` through the cluster, by partition, as v1-content.json lists them. */
function readTopic(c: Cluster, name: string): V1Content['topics'][string] {
  return c.describeTopic(name).partitions.map((p) => {
    const records: V1Content['topics'][string][number]['records'] = []
    let offset = p.logStartOffset
    for (;;) {
      const r = c.fetch(name, p.partition, offset, { maxRecords: 1000 })
      if (r.records.length === 0) break
      for (const x of r.records) records.push({ offset: x.offset, timestamp: x.timestamp, key: x.key?.toString() ?? null, value: x.value?.toString() ?? null })
      offset = r.nextOffset
    }
    return { partition: p.partition, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark, records }
  })
}

describe('migrating a v1 data directory (cluster.json)', () => {
  it('turns cluster.json into a metadata log holding exactly its brokers, topics with their ids, partitions and configs', () => {
    const dir = copyOfV1()
    const lines: string[] = []
    const { image, log } = MetadataLog.open(dir, { log: (l) => lines.push(l) })
    log.release()
    expect(image).toEqual(v1Doc())
    expect(image!.topics.map((t) => t.name)).toEqual(['orders', 'customers', '__consumer_offsets'])
    expect(image!.topics.find((t) => t.name === 'orders')!.configs['retention.bytes']).toBe(1099511627776n)
    expect(fs.existsSync(path.join(dir, 'cluster.json'))).toBe(false)
    expect(fs.readFileSync(path.join(dir, 'cluster.json.migrated'))).toEqual(fs.readFileSync(path.join(V1, 'cluster.json')))
    expect(fs.readdirSync(path.join(dir, METADATA_LOG_DIR)).filter((f) => /^\d{20}-\d{10}\.checkpoint$/.test(f))).toHaveLength(1)
    expect(fs.readFileSync(path.join(dir, 'meta.properties'), 'utf8')).toContain(`cluster.id=${v1Doc().clusterId}\n`)
    // 3 RegisterBrokerRecords; per topic a TopicRecord, a ConfigRecord per override, a PartitionRecord per partition.
    const records = 3 + (1 + 5 + 3) + (1 + 4 + 1) + (1 + 2 + 50)
    expect(migrationLines(lines)).toEqual([
      `brokerlab metadata: migrated ${path.join(dir, 'cluster.json')} (format version 1: 3 brokers, 3 topics, 54 partitions) to the metadata log ${path.join(dir, METADATA_LOG_DIR)} ` +
        `(${records} records, snapshot ${String(records).padStart(20, '0')}-0000000000.checkpoint); kept the old file as cluster.json.migrated`
    ])
  })

  it('opens the cluster with every topic, config, record and committed offset, and does not migrate again', async () => {
    const dir = copyOfV1()
    const doc = v1Doc()
    const lines: string[] = []
    let c = openCluster(dir, lines)
    expect(migrationLines(lines)).toHaveLength(1)
    expect(c.clusterId).toBe(doc.clusterId)
    expect(c.previousShutdownWasClean).toBe(true)
    expect(c.brokers().map((b) => [b.id, b.alive])).toEqual([
      [1, true],
      [2, true],
      [3, true]
    ])
    const check = (cluster: Cluster): void => {
      expect(cluster.listTopics({ includeInternal: true }).map((t) => t.name)).toEqual(['__consumer_offsets', 'customers', 'orders'])
      for (const t of doc.topics) {
        const state = cluster.describeTopic(t.name)
        expect(state.configs, t.name).toEqual(t.configs)
        expect(state.internal, t.name).toBe(t.internal)
        expect(state.partitions.map((p) => p.replicas)).toEqual(t.partitions.map((p) => p.replicas))
      }
      // The user topics' leaders, epochs and ISRs are as the old engine left them.
      for (const name of ['orders', 'customers']) {
        const t = doc.topics.find((x) => x.name === name)!
        expect(cluster.describeTopic(name).partitions.map((p) => [p.leader, p.leaderEpoch, p.isr])).toEqual(t.partitions.map((p) => [p.leader, p.leaderEpoch, p.isr]))
      }
      for (const [name, partitions] of Object.entries(content.topics)) expect(readTopic(cluster, name), name).toEqual(partitions)
      for (const [group, topics] of Object.entries(content.groups))
        for (const [topic, offsets] of Object.entries(topics))
          expect(Object.fromEntries(cluster.fetchOffsets(group).offsets.get(topic) ?? []), `${group} ${topic}`).toEqual(offsets)
    }
    check(c)
    await closeCluster(c)
    // Not read again: cluster.json.migrated could hold anything.
    fs.writeFileSync(path.join(dir, 'cluster.json.migrated'), 'not read again')
    lines.length = 0
    c = openCluster(dir, lines)
    expect(migrationLines(lines)).toEqual([])
    expect(c.clusterId).toBe(doc.clusterId)
    check(c)
  })

  it('carries over stopped brokers, shrunk ISRs, offline partitions and an unclean shutdown', async () => {
    const dir = copyOfV1()
    const doc = v1Doc()
    doc.cleanShutdown = false
    doc.brokers[2].alive = false
    const orders = doc.topics.find((t) => t.name === 'orders')!
    Object.assign(orders.partitions[2], { leader: 1, leaderEpoch: 1, isr: [1, 2] })
    Object.assign(orders.partitions[1], { leader: -1, leaderEpoch: 3, isr: [2] })
    fs.writeFileSync(path.join(dir, 'cluster.json'), clusterJson(doc))
    const { image, log } = MetadataLog.open(dir, { log: () => {} })
    log.release()
    expect(image).toEqual(doc)
  })

  it('completes a migration interrupted after the log was written, without reading cluster.json again', () => {
    const dir = copyOfV1()
    MetadataLog.open(dir, { log: () => {} }).log.release()
    // As if the process died before renaming cluster.json: what is there now is not read.
    fs.writeFileSync(path.join(dir, 'cluster.json'), 'null')
    const lines: string[] = []
    const { image, log } = MetadataLog.open(dir, { log: (l) => lines.push(l) })
    log.release()
    expect(image).toEqual({ ...v1Doc(), cleanShutdown: false })
    expect(fs.readFileSync(path.join(dir, 'cluster.json.migrated'), 'utf8')).toBe('null')
    expect(migrationLines(lines)[0]).toBe(
      `brokerlab metadata: ${path.join(dir, 'cluster.json')} was migrated already (the metadata log ${path.join(dir, METADATA_LOG_DIR)} holds the metadata); renamed it to cluster.json.migrated`
    )
  })

  it('redoes a migration interrupted while the new log was being built', () => {
    const dir = copyOfV1()
    const building = path.join(dir, `${METADATA_LOG_DIR}.migrating`)
    fs.mkdirSync(building)
    // What a migration that died had written: a whole batch, whose topic must not appear.
    const ghost = encodeMetadataRecord({ type: 'TopicRecord', version: 0, data: { Name: 'ghost', TopicId: 'ghostghostghostghost12' } })
    fs.writeFileSync(path.join(building, '00000000000000000000.log'), encodeRecordBatch(0, [{ key: null, value: ghost, timestamp: 1 }], 0))
    const { image, log } = MetadataLog.open(dir, { log: () => {} })
    log.release()
    expect(image).toEqual(v1Doc())
    expect(fs.existsSync(building)).toBe(false)
  })

  it('refuses a malformed cluster.json, naming it, and leaves the directory as it was', () => {
    const dir = copyOfV1()
    const doc = v1Doc() as unknown as { topics: { partitions: { isr: number[] }[] }[] }
    doc.topics[0].partitions[0].isr = [1, 7]
    fs.writeFileSync(path.join(dir, 'cluster.json'), clusterJson(doc))
    let err: unknown
    try {
      openCluster(dir, [])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KafkaError)
    expect((err as KafkaError).code).toBe('KAFKA_STORAGE_ERROR')
    expect((err as KafkaError).message).toBe(
      `Cluster metadata ${path.join(dir, 'cluster.json')} is malformed: topics[0] (orders).partitions[0].isr: the ISR [1, 7] must be distinct replicas of [1, 2, 3]`
    )
    expect(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')).toBe(clusterJson(doc))
    expect(fs.existsSync(path.join(dir, METADATA_LOG_DIR))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'meta.properties'))).toBe(false)
  })
})
