/**
 * cluster.json of an earlier version, read back to be migrated: a document of the wrong shape (null,
 * a number, an array, brokers or topics or partition registrations malformed, dangling references)
 * fails the open with KAFKA_STORAGE_ERROR naming the file and what is wrong, never with a TypeError;
 * a valid one opens, and the directory is not locked after a refused open.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { parseClusterMetadata, type ClusterMetadata } from '../../../../src/broker/cluster/cluster-metadata'
import { KafkaError } from '../../../../src/broker/model/errors'
import { readMetadataImage, clusterJson } from '../../support/metadata-files'

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-meta-'))
  file = path.join(dir, 'cluster.json')
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function open(): Cluster {
  return new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {} })
}

/** The error opening the directory gives, or null when it opens (and is closed again). */
async function openError(): Promise<unknown> {
  try {
    await open().close()
    return null
  } catch (e) {
    return e
  }
}

/**
 * A valid document as the engine held it: 3 brokers, one topic of 2 partitions, cleanly shut down.
 * The metadata log is removed again, so the cluster.json a case writes is what the next open migrates.
 */
async function validDoc(): Promise<ClusterMetadata> {
  const c = open()
  c.createTopic('orders', { partitions: 2, replicationFactor: 2 })
  await c.close()
  const doc = readMetadataImage(dir)!
  for (const f of ['__cluster_metadata-0', 'meta.properties', '.kafka_cleanshutdown']) fs.rmSync(path.join(dir, f), { recursive: true, force: true })
  return JSON.parse(clusterJson(doc)) as ClusterMetadata
}

describe('reading cluster.json', () => {
  it('refuses null, a number, an array or a string as the document, naming the file', async () => {
    for (const text of ['null', '42', '[]', '"cluster"']) {
      fs.writeFileSync(file, text)
      const e = await openError()
      expect(e, text).toBeInstanceOf(KafkaError)
      expect((e as KafkaError).code).toBe('KAFKA_STORAGE_ERROR')
      expect((e as KafkaError).message).toContain(`Cluster metadata ${file} is malformed: the document: `)
      expect((e as KafkaError).message).toMatch(/expected object/)
    }
  })

  it('names the broker entry that is not {id, alive}', async () => {
    const doc = await validDoc()
    fs.writeFileSync(file, clusterJson({ ...doc, brokers: [{ id: 1, alive: true }, { id: 'two', alive: true }, null] }))
    const e = (await openError()) as KafkaError
    expect(e.code).toBe('KAFKA_STORAGE_ERROR')
    expect(e.message).toContain(file)
    expect(e.message).toMatch(/brokers\[1\]\.id: .*expected number/)
    expect(e.message).toMatch(/brokers\[2\]: .*expected object, received null/)
  })

  it('names the topic and partition whose registration is malformed', async () => {
    const cases: [string, (d: ClusterMetadata) => unknown, RegExp][] = [
      ['topics not an array', (d) => ({ ...d, topics: { orders: 1 } }), /topics: .*expected array/],
      ['a topic without partitions', (d) => ({ ...d, topics: [{ ...d.topics[0], partitions: [] }] }), /topics\[0\] \(orders\)\.partitions: a topic has at least one partition/],
      ['partitions not an array', (d) => ({ ...d, topics: [{ ...d.topics[0], partitions: 'two' }] }), /topics\[0\] \(orders\)\.partitions: .*expected array/],
      ['a partition that is null', (d) => ({ ...d, topics: [{ ...d.topics[0], partitions: [d.topics[0].partitions[0], null] }] }), /topics\[0\] \(orders\)\.partitions\[1\]: .*expected object/],
      ['replicas not numbers', (d) => withPartition(d, { replicas: ['1'] }), /partitions\[0\]\.replicas\[0\]: .*expected number/],
      ['a negative leader epoch', (d) => withPartition(d, { leaderEpoch: -3 }), /partitions\[0\]\.leaderEpoch: a leader epoch is a non-negative integer/],
      ['an ISR missing', (d) => withPartition(d, { isr: undefined }), /partitions\[0\]\.isr: .*expected array/],
      ['a replica that is no broker', (d) => withPartition(d, { replicas: [1, 7], leader: 1, isr: [1] }), /partitions\[0\]\.replicas: replicas 7 are not brokers of the cluster/],
      ['a leader outside the replicas', (d) => withPartition(d, { replicas: [1, 2], leader: 3, isr: [1, 2] }), /partitions\[0\]\.leader: leader 3 is not one of the replicas \[1, 2\]/],
      ['an ISR outside the replicas', (d) => withPartition(d, { replicas: [1, 2], leader: 1, isr: [1, 3] }), /partitions\[0\]\.isr: the ISR \[1, 3\] must be distinct replicas of \[1, 2\]/],
      ['a bad config value', (d) => ({ ...d, topics: [{ ...d.topics[0], configs: { 'retention.ms': 'soon' } }] }), /topics\[0\] \(orders\)\.configs: Invalid value soon for configuration retention\.ms/],
      ['configs null', (d) => ({ ...d, topics: [{ ...d.topics[0], configs: null }] }), /topics\[0\] \(orders\)\.configs: .*expected record/],
      ['a topic twice', (d) => ({ ...d, topics: [d.topics[0], d.topics[0]] }), /topics\[1\] \(orders\)\.name: topic orders appears twice/],
      ['another version', (d) => ({ ...d, version: 9 }), /has an unknown format \(version 9; this engine reads version 1\)/]
    ]
    const doc = await validDoc()
    for (const [what, edit, expected] of cases) {
      fs.writeFileSync(file, clusterJson(edit(structuredClone(doc))))
      const e = await openError()
      expect(e, what).toBeInstanceOf(KafkaError)
      expect((e as KafkaError).code, what).toBe('KAFKA_STORAGE_ERROR')
      expect((e as KafkaError).message, what).toContain(`Cluster metadata ${file} `)
      expect((e as KafkaError).message, what).toMatch(expected)
    }
    // Each refusal left the directory unlocked and the file as it was: the valid document opens.
    fs.writeFileSync(file, clusterJson(doc))
    expect(await openError()).toBeNull()
  })

  it('accepts what the engine writes, keeping fields it does not know', async () => {
    const doc = await validDoc()
    expect(parseClusterMetadata(doc, file)).toBe(doc)
    const later = { ...doc, addedLater: { x: 1 } }
    expect(parseClusterMetadata(later, file)).toEqual(later)
  })
})

function withPartition(d: ClusterMetadata, patch: Record<string, unknown>): unknown {
  const t = d.topics[0]
  return { ...d, topics: [{ ...t, partitions: [{ ...t.partitions[0], ...patch }, t.partitions[1]] }] }
}

describe('reopening', () => {
  it('keeps every leader and leader epoch, __consumer_offsets included: an open is not an election', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-reopen-epochs-'))
    try {
      let c = Cluster.open({ dataDir: dir, brokers: 3, log: () => {} })
      c.createTopic('t', { partitions: 3, replicationFactor: 3 })
      await c.produce('t', [{ key: null, value: Buffer.from('x') }], { acks: 1 })
      const commit = c.commitOffsets('g', [{ topic: 't', partition: 0, offset: 1 }])
      for (let i = 0; i < 5; i++) c.replicateNow()
      await commit
      c.stopBroker(2)
      c.startBroker(2) // one real election first, so epochs are not all 0
      const leaders = (): string[] =>
        c.listTopics({ includeInternal: true }).flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partition} leader ${p.leader} epoch ${p.leaderEpoch}`))
      const before = leaders()
      expect(before.length).toBe(3 + 50)
      expect(before.some((l) => !l.endsWith('epoch 0'))).toBe(true)
      await c.close()
      c = Cluster.open({ dataDir: dir, brokers: 3, log: () => {} })
      expect(leaders()).toEqual(before)
      await c.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
