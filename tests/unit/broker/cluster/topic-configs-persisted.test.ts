/**
 * LONG topic configs persisted: stored exactly (the metadata log's ConfigRecord values are text),
 * read back exactly after a reopen; a cluster.json written before LONG configs were exact, which
 * holds Kafka's Long.MAX_VALUE as the JSON number 9007199254740991, migrates to 9223372036854775807.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { clusterJson, readMetadataImage } from '../../support/metadata-files'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-long-'))
  file = path.join(dir, 'cluster.json')
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

function open(): Cluster {
  return new Cluster({ dataDir: dir, storage: 'file', autoReplicate: false, log: () => {} })
}

type Doc = { topics: { name: string; configs: Record<string, unknown> }[] }

/** Every byte of the metadata log's segments and snapshots, as text (its records are JSON). */
function metadataLogText(dataDir: string): string {
  const d = path.join(dataDir, '__cluster_metadata-0')
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.log') || f.endsWith('.checkpoint'))
    .map((f) => fs.readFileSync(path.join(d, f)).toString('latin1'))
    .join('\n')
}

/** The configs of a topic as the engine before exact LONG configs wrote them (brokerlab at b02c710, `--config flush.ms=9223372036854775807 --config retention.ms=86400000`). */
const LEGACY_CONFIGS = {
  'retention.ms': 86400000,
  'retention.bytes': -1,
  'segment.bytes': 1073741824,
  'segment.ms': 604800000,
  'segment.index.bytes': 10485760,
  'index.interval.bytes': 4096,
  'cleanup.policy': 'delete',
  'min.insync.replicas': 1,
  'max.message.bytes': 1048588,
  'delete.retention.ms': 86400000,
  'min.cleanable.dirty.ratio': 0.5,
  'flush.messages': 9007199254740991,
  'flush.ms': 9007199254740991,
  'message.timestamp.type': 'CreateTime'
}

describe('LONG configs persisted', () => {
  it('are stored exactly (ConfigRecord values as text) and read back exactly after a reopen', async () => {
    const c = open()
    c.createTopic('exact', {
      partitions: 1,
      replicationFactor: 1,
      configs: { 'flush.ms': '9223372036854775806', 'retention.bytes': 9007199254740993n, 'segment.ms': '9223372036854775807' }
    })
    await c.close()
    const stored = metadataLogText(dir)
    expect(stored).toContain('"Name":"flush.ms","Value":"9223372036854775806"')
    expect(stored).toContain('"Name":"retention.bytes","Value":"9007199254740993"')

    const again = open()
    try {
      const cfg = again.describeTopic('exact').configs
      expect(cfg['flush.ms']).toBe(9223372036854775806n)
      expect(cfg['retention.bytes']).toBe(9007199254740993n)
      expect(cfg['segment.ms']).toBe(9223372036854775807n)
      expect(cfg['flush.messages']).toBe(9223372036854775807n)
    } finally {
      await again.close()
    }
  })

  it('migrate 9007199254740991, the old stand-in for Long.MAX_VALUE in cluster.json, to 9223372036854775807 on open', async () => {
    const c = open()
    c.createTopic('legacy', { partitions: 1, replicationFactor: 1 })
    await c.close()
    const doc = JSON.parse(clusterJson(readMetadataImage(dir))) as Doc
    for (const f of ['__cluster_metadata-0', 'meta.properties', '.kafka_cleanshutdown']) fs.rmSync(path.join(dir, f), { recursive: true, force: true })
    doc.topics.find((t) => t.name === 'legacy')!.configs = { ...LEGACY_CONFIGS }
    fs.writeFileSync(file, clusterJson(doc, 1))

    const opened = open()
    try {
      const cfg = opened.describeTopic('legacy').configs
      expect(cfg['flush.ms']).toBe(9223372036854775807n)
      expect(cfg['flush.messages']).toBe(9223372036854775807n)
      expect(cfg['retention.ms']).toBe(86400000n)
      expect(cfg['segment.ms']).toBe(604800000n)
    } finally {
      await opened.close()
    }
    expect(metadataLogText(dir)).not.toContain('9007199254740991')
  })

  it('keep a value that only looks like the old stand-in when it is written as text', async () => {
    const c = open()
    c.createTopic('text', { partitions: 1, replicationFactor: 1, configs: { 'flush.ms': '9007199254740991' } })
    await c.close()
    const opened = open()
    try {
      expect(opened.describeTopic('text').configs['flush.ms']).toBe(9007199254740991n)
    } finally {
      await opened.close()
    }
  })
})
