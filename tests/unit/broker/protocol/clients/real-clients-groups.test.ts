/**
 * Real clients against the group APIs over the brokers' real listeners (BrokerListeners on
 * 127.0.0.1, ports from 0) serving every API (brokerKafkaApis) over a 3-broker Cluster: a kafkajs
 * 2.2.4 admin and kafka-python 2.0.2's KafkaAdminClient (Debian's, through /usr/bin/python3) list, describe and delete groups and fetch their committed offsets, each
 * client finding the coordinators with FindCoordinator. Groups are set up in-process (a member
 * joined through the coordinator, offsets committed by the host's path). Every client is bounded in time and stopped; the consumer group over the wire is in
 * the client suites under tests/clients/.
 */
import { execFile, spawnSync } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { flush, openGroupTestCluster, startGroupListeners, subscription, type GroupTestCluster } from '../apis/group-wire'

const PYTHON = '/usr/bin/python3'
const kafkaPython = spawnSync(PYTHON, ['-c', 'import kafka'], { encoding: 'utf8' }).status === 0
if (!kafkaPython) console.warn('real-clients-groups: the kafka-python case is skipped, /usr/bin/python3 has no kafka module (python3-kafka)')

let h: GroupTestCluster
let listeners: BrokerListeners
let bootstrap: string

beforeAll(async () => {
  h = openGroupTestCluster({ brokers: 3 })
  listeners = await startGroupListeners(h.cluster)
  bootstrap = listeners.bootstrapServers()
  // 'offsets-only': committed offsets and no members (an admin commit); 'live': one Stable member.
  await h.cluster.commitOffsets('offsets-only', [
    { topic: 't', partition: 0, offset: 5 },
    { topic: 't', partition: 1, offset: 7 }
  ])
  const gc = h.cluster.groupCoordinator()
  const at = { brokerId: gc.findCoordinator('live').nodeId, clientId: 'in-process-member', clientHost: '/127.0.0.1', apiVersion: 9 }
  const req = { groupId: 'live', sessionTimeoutMs: 600000, rebalanceTimeoutMs: 600000, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription(['t']) }] }
  const first = await gc.joinGroup(at, { ...req, memberId: '' })
  const join = gc.joinGroup(at, { ...req, memberId: first.memberId })
  await flush()
  h.clock.now += 3000
  h.cluster.tick()
  const joined = await join
  await gc.syncGroup(at, { groupId: 'live', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }] })
  expect(h.cluster.describeGroup('live').state).toBe('Stable')
})

afterAll(async () => {
  await listeners?.close()
  await h?.cleanup()
})

describe('real clients and the group APIs', () => {
  it('a kafkajs admin lists and describes groups, fetches committed offsets and deletes an Empty group (a Stable one refused NON_EMPTY_GROUP)', async () => {
    const kafka = new Kafka({ clientId: 'kafkajs-admin', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 }, connectionTimeout: 5000, requestTimeout: 10000 })
    const admin = kafka.admin()
    try {
      await admin.connect()
      const listed = await admin.listGroups()
      expect(listed.groups.sort((a, b) => a.groupId.localeCompare(b.groupId))).toEqual([
        { groupId: 'live', protocolType: 'consumer' },
        { groupId: 'offsets-only', protocolType: '' }
      ])
      const described = await admin.describeGroups(['live', 'offsets-only'])
      const live = described.groups.find((g) => g.groupId === 'live')!
      expect(live).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range', errorCode: 0 })
      expect(live.members.map((m) => [m.clientId, m.clientHost])).toEqual([['in-process-member', '/127.0.0.1']])
      expect(described.groups.find((g) => g.groupId === 'offsets-only')).toMatchObject({ state: 'Empty', members: [], errorCode: 0 })

      const offsets = await admin.fetchOffsets({ groupId: 'offsets-only', topics: ['t'] })
      expect(offsets).toEqual([
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: '5' },
            { partition: 1, offset: '7' },
            { partition: 2, offset: '-1' }
          ].map((p) => expect.objectContaining(p))
        }
      ])

      await expect(admin.deleteGroups(['live'])).rejects.toMatchObject({ groups: [expect.objectContaining({ groupId: 'live', errorCode: 68 })] })
      expect(await admin.deleteGroups(['offsets-only'])).toEqual([expect.objectContaining({ groupId: 'offsets-only', errorCode: 0 })])
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).toEqual(['live'])
      expect(h.cluster.fetchOffsets('offsets-only').offsets.size).toBe(0)
    } finally {
      await admin.disconnect()
    }
  }, 60_000)

  it.skipIf(!kafkaPython)("kafka-python's KafkaAdminClient lists and describes groups and lists a group's committed offsets", async () => {
    await h.cluster.commitOffsets('py-offsets', [{ topic: 't', partition: 2, offset: 11 }])
    const script = `
import json, sys
from kafka import KafkaAdminClient
a = KafkaAdminClient(bootstrap_servers=sys.argv[1].split(','), client_id='kafka-python-admin', request_timeout_ms=10000, api_version_auto_timeout_ms=10000)
groups = sorted(a.list_consumer_groups())
d = a.describe_consumer_groups(['live'])[0]
o = a.list_consumer_group_offsets('py-offsets')
print(json.dumps({'groups': groups, 'live': {'state': d.state, 'protocol_type': d.protocol_type, 'protocol': d.protocol, 'members': [[m.client_id, m.client_host] for m in d.members]}, 'offsets': sorted([[tp.topic, tp.partition, om.offset] for tp, om in o.items()])}))
a.close()
`
    const out = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, ['-c', script, bootstrap], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)))
    })
    const res = JSON.parse(out.trim().split('\n').pop()!)
    expect(res.groups).toEqual([
      ['live', 'consumer'],
      ['py-offsets', '']
    ])
    expect(res.live).toEqual({ state: 'Stable', protocol_type: 'consumer', protocol: 'range', members: [['in-process-member', '/127.0.0.1']] })
    expect(res.offsets).toEqual([['t', 2, 11]])
  }, 60_000)
})
