/**
 * Real clients against the dispatcher: `kcat -L` (librdkafka) and a kafkajs 2.2.4 admin, through a
 * test-only TCP server (127.0.0.1, a port picked by the OS, Kafka's 4-byte framing) handing each
 * frame to KafkaApis with ApiVersions and Metadata over a stand-in facade. The kcat case is skipped,
 * saying why, when kcat is not installed. Bounded in time; servers and clients are stopped.
 */
import { execFile, spawnSync } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { StandInBrokerFacade } from './stand-in-broker-facade'
import { startTestFrameServer, type TestFrameServer } from './test-frame-server'

const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()
if (!kcat) console.warn('real-clients-metadata: the kcat case is skipped, kcat is not installed')

describe('real clients against KafkaApis (ApiVersions + Metadata)', () => {
  let server: TestFrameServer
  let apis: KafkaApis

  beforeAll(async () => {
    server = await startTestFrameServer(() => apis)
    const facade = new StandInBrokerFacade(1, [{ nodeId: 1, host: '127.0.0.1', port: server.port, rack: null }], [
      {
        name: 'orders',
        partitions: [0, 1, 2].map((i) => ({ partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }))
      }
    ])
    apis = new KafkaApis({ handlers: createApiHandlers({ broker: facade }) })
  })

  afterAll(async () => {
    await server.close()
  })

  it.skipIf(!kcat)('kcat -L lists the broker and the topic with its partitions, and announces librdkafka (ApiVersions v3)', async () => {
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(kcat, ['-b', `127.0.0.1:${server.port}`, '-L', '-m', '10', '-X', 'client.id=kcat-test'], { timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr })
      )
    })
    expect(out.stdout).toContain(`broker 1 at 127.0.0.1:${server.port}`)
    expect(out.stdout).toMatch(/topic "orders" with 3 partitions/)
    expect(out.stdout).toMatch(/partition 2, leader 1, replicas: 1, isrs: 1/)
    await server.drained()
    expect(server.seen.some((c) => c.clientId === 'kcat-test' && c.softwareName === 'librdkafka' && /^v?\d+\.\d+/.test(c.softwareVersion ?? ''))).toBe(true)
  })

  it('a kafkajs admin describes the cluster and the topic\'s metadata', async () => {
    const kafka = new Kafka({ clientId: 'kafkajs-test', brokers: [`127.0.0.1:${server.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5000, requestTimeout: 5000 })
    const admin = kafka.admin()
    try {
      await admin.connect()
      const cluster = await admin.describeCluster()
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: server.port }])
      expect(cluster.controller).toBe(1)
      expect(cluster.clusterId).toBe('brokerlab-test-cluster')
      const meta = await admin.fetchTopicMetadata({ topics: ['orders'] })
      expect(meta.topics[0].partitions.map((p) => [p.partitionId, p.leader]).sort()).toEqual([
        [0, 1],
        [1, 1],
        [2, 1]
      ])
    } finally {
      await admin.disconnect()
    }
  })
})
