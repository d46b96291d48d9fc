/**
 * Real admin clients against a 3-broker Cluster over the brokers' real listeners (BrokerListeners,
 * 127.0.0.1, free ports), each serving KafkaApis with Metadata, DescribeCluster and the admin APIs
 * over the Cluster's facades: a kafkajs 2.2.4 admin (createTopics incl. validateOnly,
 * createPartitions, describeConfigs with synonyms, alterConfigs, describeCluster, deleteTopics) and
 * kafka-python 2.0.2's KafkaAdminClient through /usr/bin/python3 (create_topics, describe_configs,
 * delete_topics; skipped, saying why, when that interpreter lacks the kafka package). Every client
 * is bounded in time; the listeners and the cluster are stopped.
 */
import { execFile, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterAdminFacade } from '../../../../../src/broker/cluster/facades/cluster-admin-facade'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'

const PYTHON = '/usr/bin/python3'
const pythonKafka = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import kafka'], { timeout: 10_000 }).status === 0
if (!pythonKafka) console.warn('real-clients-admin: the kafka-python case is skipped, /usr/bin/python3 has no kafka package (python3-kafka)')

let dir: string
let cluster: Cluster
let listeners: BrokerListeners
let bootstrap: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-admin-clients-'))
  cluster = new Cluster({ dataDir: dir, brokers: 3, storage: 'file', log: () => {}, eventLog: () => {} })
  listeners = await BrokerListeners.start(cluster, {
    basePort: 0,
    log: () => {},
    handlerFor: (id, l) => {
      const addresses = () => l.addresses()
      return new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, id, { addresses }), admin: new ClusterAdminFacade(cluster, id, { addresses }) }) })
    }
  })
  bootstrap = listeners.bootstrapServers()
})

afterAll(async () => {
  await listeners?.close()
  await cluster?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('a kafkajs admin', () => {
  it('creates topics (validateOnly first), adds partitions, describes and alters configs, describes the cluster and deletes topics', async () => {
    const kafka = new Kafka({ clientId: 'kafkajs-admin-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 1 }, connectionTimeout: 5000, requestTimeout: 10000 })
    const admin = kafka.admin()
    try {
      await admin.connect()
      // waitForLeaders would ask Metadata for the topic validate-only did not create (kafkajs does so against Kafka too)
      expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry', numPartitions: 6, replicationFactor: 3 }] })).toBe(true)
      expect(await admin.listTopics()).not.toContain('dry')

      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }], waitForLeaders: true })).toBe(true)
      expect(cluster.describeTopic('orders').partitions).toHaveLength(6)
      await expect(admin.createTopics({ topics: [{ topic: 'bad', numPartitions: 1, replicationFactor: 4 }] })).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })] })

      await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 8 }] })
      expect(cluster.describeTopic('orders').partitions).toHaveLength(8)
      await expect(admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' })

      const described = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['retention.ms', 'segment.bytes'] }] })
      const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]))
      expect(entries['retention.ms']).toMatchObject({ configValue: '3600000', isDefault: false, readOnly: false })
      expect(entries['retention.ms'].configSynonyms.map((s) => [s.configName, s.configValue, s.configSource])).toEqual([
        ['retention.ms', '3600000', 1],
        ['log.retention.ms', '604800000', 5]
      ])
      expect(entries['segment.bytes']).toMatchObject({ configValue: '1073741824', isDefault: true })

      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
      expect(cluster.describeTopic('orders').configs['cleanup.policy']).toBe('compact')
      expect(cluster.describeTopic('orders').configs['retention.ms']).toBe(604800000n)

      const desc = await admin.describeCluster()
      expect(desc.clusterId).toBe(cluster.clusterId)
      expect(desc.controller).toBe(cluster.controllerId)
      expect(desc.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(bootstrap.split(',').sort())

      await admin.deleteTopics({ topics: ['orders'] })
      expect(cluster.listTopics().map((t) => t.name)).not.toContain('orders')
    } finally {
      await admin.disconnect()
    }
  }, 60_000)
})

describe('kafka-python\'s KafkaAdminClient', () => {
  it.skipIf(!pythonKafka)('creates a topic, describes its configs and deletes it', async () => {
    const script = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, ConfigResource, ConfigResourceType
a = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kafka-python-admin-test', request_timeout_ms=10000)
out = {}
r = a.create_topics([NewTopic('py-topic', 3, 2, topic_configs={'retention.ms': '120000'})])
out['create'] = [list(t[:2]) for t in r.topic_errors]
d = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'py-topic')])
res = d[0].resources[0]
out['describe_error'] = res[0]
out['configs'] = {c[0]: c[1] for c in res[4]}
r = a.delete_topics(['py-topic'])
out['delete'] = [list(t[:2]) for t in r.topic_error_codes]
a.close()
print(json.dumps(out))
`
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, ['-c', script, bootstrap], { timeout: 30_000 }, (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)))
    })
    const out = JSON.parse(stdout.trim().split('\n').pop()!)
    expect(out.create).toEqual([['py-topic', 0]])
    expect(out.describe_error).toBe(0)
    expect(out.configs['retention.ms']).toBe('120000')
    expect(out.configs['cleanup.policy']).toBe('delete')
    expect(out.delete).toEqual([['py-topic', 0]])
    expect(cluster.listTopics().map((t) => t.name)).not.toContain('py-topic')
  }, 60_000)
})
