/**
 * ClusterBrokerFacade (Metadata's view of a real Cluster) through KafkaApis: the live brokers with
 * the listeners' bound addresses, the controller id, topic ids from the metadata log (the same after
 * a restart), leaders, epochs, replicas, ISR and offline replicas of a stopped broker.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { ClusterBrokerFacade } from '../../../../../src/broker/cluster/facades/broker-facade-impl'
import { createApiHandlers } from '../../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../../src/broker/protocol/kafka-apis'
import type { MetadataResponse } from '../../../../../src/broker/protocol/messages/metadata-response'
import { call } from '../../protocol/apis/cluster-apis'

const dirs: string[] = []
const open: Cluster[] = []
afterEach(async () => {
  for (const c of open.splice(0)) await c.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function openCluster(dir: string): Cluster {
  const c = new Cluster({ dataDir: dir, brokers: 3, autoReplicate: false, storage: 'file', log: () => {}, eventLog: () => {} })
  open.push(c)
  return c
}

async function metadata(k: KafkaApis): Promise<MetadataResponse> {
  return (await call<MetadataResponse>(k, 3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }))!
}

describe('ClusterBrokerFacade', () => {
  it('answers Metadata with the bound addresses, the controller, and the topic ids the metadata log keeps across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-broker-facade-'))
    dirs.push(dir)
    let cluster = openCluster(dir)
    cluster.createTopic('orders', { partitions: 2, replicationFactor: 3 })
    const bound = new Map([
      [1, { host: '127.0.0.1', port: 40001 }],
      [3, { host: '127.0.0.1', port: 40003 }]
    ])
    const k = new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, 1, { addresses: () => bound }) }) })
    const md = await metadata(k)
    expect(md.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([
      [1, '127.0.0.1', 40001],
      [3, '127.0.0.1', 40003]
    ])
    expect(md.controllerId).toBe(cluster.controllerId)
    expect(md.clusterId).toBe(cluster.clusterId)
    const t = md.topics.find((x) => x.name === 'orders')!
    expect(t.topicId).toBe(cluster.topicRegistration('orders')!.topicId)
    const state = cluster.describeTopic('orders')
    expect(t.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch, p.replicaNodes, p.isrNodes])).toEqual(
      state.partitions.map((p) => [p.partition, p.leader, p.leaderEpoch, p.replicas, p.isr])
    )
    const id = t.topicId
    await cluster.close()
    open.splice(0)
    cluster = openCluster(dir)
    const again = await metadata(new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, 1) }) }))
    expect(again.topics.find((x) => x.name === 'orders')!.topicId).toBe(id)
    expect(again.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(cluster.brokers().map((b) => b.address))
  })

  it('leaves a stopped broker out of the brokers and lists its replicas as offline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-broker-facade-'))
    dirs.push(dir)
    const cluster = openCluster(dir)
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    cluster.stopBroker(2)
    const md = await metadata(new KafkaApis({ handlers: createApiHandlers({ broker: new ClusterBrokerFacade(cluster, 1) }) }))
    expect(md.brokers.map((b) => b.nodeId)).toEqual([1, 3])
    const p = md.topics.find((x) => x.name === 'orders')!.partitions[0]
    expect(p.offlineReplicas).toEqual([2])
    expect(p.isrNodes).not.toContain(2)
    expect(p.leaderId).not.toBe(2)
  })
})
