/**
 * The snapshot's per-broker activity (issue 10): with the host's listeners, each broker view carries
 * its connected clients (client id, software name and version from ApiVersions v3+, address, since
 * when), requests per second by Kafka API name and errors by Kafka error name, filled by a real
 * kafkajs client over the wire; the client list is bounded per broker. Bounded in time; everything
 * started is stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterEach, describe, expect, it } from 'vitest'
import { SNAPSHOT_CLIENTS_PER_BROKER } from '../../../src/shared/contract'
import { SnapshotBuilder, toBrokerActivityView } from '../../../src/host/snapshot-builder'
import { startWireCluster, type WireCluster } from '../../clients/wire-cluster'

const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()
if (!kcat) console.warn('snapshot-broker-activity: the kcat case is skipped, kcat is not installed')

describe('snapshot: broker activity', () => {
  let w: WireCluster | null = null
  let admin: Admin | null = null
  let child: ChildProcess | null = null
  afterEach(async () => {
    child?.kill('SIGKILL')
    child = null
    await admin?.disconnect().catch(() => {})
    admin = null
    await w?.close()
    w = null
  })

  it("shows a kafkajs admin's client id and address on the broker it talks to, with Metadata requests and TOPIC_ALREADY_EXISTS errors", async () => {
    w = await startWireCluster({ brokers: 3 })
    const kafka = new Kafka({ clientId: 'snapshot-admin', brokers: w.bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 2 } })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1, replicationFactor: 1 }] })
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1, replicationFactor: 1 }] }).catch(() => false)
    await admin.fetchTopicMetadata({ topics: ['orders'] })

    const snapshot = new SnapshotBuilder(w.cluster, Date.now, w.listeners).build()
    expect(snapshot.brokers.every((b) => b.activity !== undefined)).toBe(true)
    const withClient = snapshot.brokers.filter((b) => b.activity!.clients.some((c) => c.clientId === 'snapshot-admin'))
    expect(withClient.length).toBeGreaterThan(0)
    const client = withClient[0].activity!.clients.find((c) => c.clientId === 'snapshot-admin')!
    // kafkajs 2.2.4 sends ApiVersions v2 at most: no software name (KIP-511 is v3+)
    expect(client.softwareName).toBeNull()
    expect(client.address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(client.connectedSinceMs).toBeGreaterThan(0)
    const all = snapshot.brokers.flatMap((b) => b.activity!.requests)
    expect(all.filter((r) => r.api === 'Metadata').reduce((s, r) => s + r.total, 0)).toBeGreaterThan(0)
    expect(all.filter((r) => r.api === 'CreateTopics').reduce((s, r) => s + r.total, 0)).toBe(2)
    expect(withClient[0].activity!.requestsPerSec).toBeGreaterThan(0)
    const errors = snapshot.brokers.flatMap((b) => b.activity!.errors)
    expect(errors.find((e) => e.error === 'TOPIC_ALREADY_EXISTS')).toMatchObject({ code: 36, total: 1 })
  })

  it.skipIf(!kcat)('shows the software name and version librdkafka announces in ApiVersions v3 (kcat consuming)', async () => {
    w = await startWireCluster({ brokers: 1 })
    w.cluster.createTopic('orders', { partitions: 1, replicationFactor: 1 })
    child = spawn(kcat, ['-C', '-b', w.bootstrap(), '-t', 'orders', '-X', 'client.id=kcat-snap', '-q'], { stdio: 'ignore' })
    const builder = new SnapshotBuilder(w.cluster, Date.now, w.listeners)
    const deadline = Date.now() + 15_000
    let found: { softwareName: string | null; softwareVersion: string | null } | undefined
    while (!found && Date.now() < deadline) {
      found = builder.build().brokers[0].activity!.clients.find((c) => c.clientId === 'kcat-snap' && c.softwareName !== null)
      if (!found) await new Promise((r) => setTimeout(r, 100))
    }
    expect(found?.softwareName).toBe('librdkafka')
    expect(found?.softwareVersion).toMatch(/^v?\d+\.\d+\.\d+/)
    const fetches = builder.build().brokers[0].activity!.requests.find((r) => r.api === 'Fetch' || r.api === 'ListOffsets')
    expect(fetches?.total).toBeGreaterThan(0)
  }, 30_000)

  it(`lists at most ${SNAPSHOT_CLIENTS_PER_BROKER} clients per broker, oldest first, and counts every connection`, () => {
    const clients = Array.from({ length: SNAPSHOT_CLIENTS_PER_BROKER + 10 }, (_, i) => ({
      connectionId: `9092-${i}`,
      brokerId: 1,
      clientAddress: `127.0.0.1:${40000 + i}`,
      listenerPort: 9092,
      clientId: `c${i}`,
      softwareName: null,
      softwareVersion: null,
      firstSeenMs: 1000 + i,
      lastSeenMs: 2000,
      requests: 1
    }))
    const view = toBrokerActivityView({ clients, requests: [{ api: 'Fetch', apiKey: 1, total: 5, perSec: 0.5 }, { api: 'Metadata', apiKey: 3, total: 1, perSec: 0.25 }], errors: [] })
    expect(view.clients).toHaveLength(SNAPSHOT_CLIENTS_PER_BROKER)
    expect(view.clients[0].clientId).toBe('c0')
    expect(view.connections).toBe(SNAPSHOT_CLIENTS_PER_BROKER + 10)
    expect(view.requestsPerSec).toBe(0.75)
  })
})
