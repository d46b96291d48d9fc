/**
 * KafkaWireClient against a scripted broker: ApiVersions first on a connection, then the highest
 * version both sides serve; request header v1 for non-flexible versions and v2 for flexible ones,
 * with a fresh correlation id each; UNSUPPORTED_VERSION naming the broker when no version fits;
 * NOT_LEADER_OR_FOLLOWER refreshes the metadata and retries, a bounded number of times; bootstrap
 * lists parsed as Kafka's bootstrap.servers.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KafkaWireClient, MAX_LEADER_RETRIES, parseBootstrapServers } from '../../../../src/host/remote/kafka-wire-client'
import { listOffsets, LATEST_TIMESTAMP } from '../../../../src/host/remote/remote-offsets'
import { RemoteClusterError } from '../../../../src/host/remote/remote-cluster-error'
import { apiVersions, metadata, startScriptedBroker, type ScriptedBroker } from './scripted-broker'

const API_VERSIONS = 18
const METADATA = 3
const LIST_OFFSETS = 2

let broker: ScriptedBroker | null = null
let client: KafkaWireClient | null = null
afterEach(async () => {
  await client?.close()
  await broker?.close()
  client = broker = null
})

describe('KafkaWireClient', { timeout: 20_000 }, () => {
  it('sends ApiVersions first, then Metadata in the highest version both sides serve, with header v1 or v2 by flexibility', async () => {
    broker = await startScriptedBroker({ [API_VERSIONS]: apiVersions({ [METADATA]: [0, 8] }), [METADATA]: metadata({ t: 2 }) })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const meta = await client.metadata()
    expect([...meta.topics.keys()]).toEqual(['t'])
    expect(meta.brokers.get(1)).toEqual({ host: '127.0.0.1', port: broker.port })
    expect(broker.seen.map((s) => [s.apiKey, s.version, s.headerVersion])).toEqual([
      [API_VERSIONS, 3, 2],
      [METADATA, 8, 1]
    ])
    expect(broker.seen.map((s) => s.correlationId)).toEqual([1, 2])
    expect(broker.seen[0].clientId).toBe('brokerlab-cli')
    expect(broker.seen[0].body).toEqual({ clientSoftwareName: 'brokerlab-cli', clientSoftwareVersion: '0.1.0' })
  })

  it('uses a flexible Metadata version (request header v2) when the broker serves one', async () => {
    broker = await startScriptedBroker({ [API_VERSIONS]: apiVersions({ [METADATA]: [0, 12] }), [METADATA]: metadata({ t: 1 }) })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    await client.metadata()
    expect(broker.seen[1]).toMatchObject({ apiKey: METADATA, version: 9, headerVersion: 2 })
  })

  it('refuses with UNSUPPORTED_VERSION naming the broker when it serves no version this client builds', async () => {
    broker = await startScriptedBroker({ [API_VERSIONS]: apiVersions({ [METADATA]: [10, 12] }), [METADATA]: metadata({}) })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const e = await client.metadata().catch((x) => x)
    expect(e).toBeInstanceOf(RemoteClusterError)
    expect(e.code).toBe('UNSUPPORTED_VERSION')
    expect(e.message).toBe(`The broker at 127.0.0.1:${broker.port} serves Metadata versions 10-12; this client sends versions 1-9`)
    expect(broker.seen.map((s) => s.apiKey)).toEqual([API_VERSIONS])
  })

  it('refreshes the metadata and retries after NOT_LEADER_OR_FOLLOWER, then answers', async () => {
    let refusals = 1
    broker = await startScriptedBroker({
      [API_VERSIONS]: apiVersions({ [METADATA]: [0, 9], [LIST_OFFSETS]: [1, 7] }),
      [METADATA]: metadata({ t: 1 }),
      [LIST_OFFSETS]: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: refusals-- > 0 ? 6 : 0, offset: 42n, timestamp: -1n }] }] })
    })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const offsets = await listOffsets(client, 't', [0], LATEST_TIMESTAMP)
    expect(offsets.get(0)).toBe(42)
    expect(broker.seen.map((s) => s.apiKey)).toEqual([API_VERSIONS, METADATA, LIST_OFFSETS, METADATA, LIST_OFFSETS])
  })

  it('gives up with NOT_LEADER_OR_FOLLOWER after a bounded number of retries when the leader keeps moving', async () => {
    broker = await startScriptedBroker({
      [API_VERSIONS]: apiVersions({ [METADATA]: [0, 9], [LIST_OFFSETS]: [1, 7] }),
      [METADATA]: metadata({ t: 1 }),
      [LIST_OFFSETS]: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 6 }] }] })
    })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const e = await listOffsets(client, 't', [0], LATEST_TIMESTAMP).catch((x) => x)
    expect(e).toBeInstanceOf(RemoteClusterError)
    expect(e.code).toBe('NOT_LEADER_OR_FOLLOWER')
    expect(broker.seen.filter((s) => s.apiKey === LIST_OFFSETS)).toHaveLength(MAX_LEADER_RETRIES + 1)
  })

  it('maps a wire error code to Kafka\'s error name with its default message', async () => {
    broker = await startScriptedBroker({
      [API_VERSIONS]: apiVersions({ [METADATA]: [0, 9], [LIST_OFFSETS]: [1, 7] }),
      [METADATA]: metadata({ t: 1 }),
      [LIST_OFFSETS]: () => ({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 3 }] }] })
    })
    client = new KafkaWireClient([{ host: '127.0.0.1', port: broker.port }], 5000)
    const e = await listOffsets(client, 't', [0], LATEST_TIMESTAMP).catch((x) => x)
    expect(e.code).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(e.message).toBe('This server does not host this topic-partition: partition t-0')
  })
})

describe('parseBootstrapServers', () => {
  it('reads host:port lists, IPv6 in brackets, and refuses entries that are not host:port', () => {
    expect(parseBootstrapServers('127.0.0.1:9092, localhost:9093,[::1]:9094')).toEqual([
      { host: '127.0.0.1', port: 9092 },
      { host: 'localhost', port: 9093 },
      { host: '::1', port: 9094 }
    ])
    expect(() => parseBootstrapServers('localhost')).toThrow('--bootstrap-server entry "localhost" is not HOST:PORT with a port from 1 to 65535')
    expect(() => parseBootstrapServers('h:70000')).toThrow('is not HOST:PORT')
    expect(() => parseBootstrapServers(' , ')).toThrow('--bootstrap-server needs HOST:PORT[,HOST:PORT...]')
  })
})
