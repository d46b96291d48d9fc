/**
 * `brokerlab groups --list`, `--describe --state`, `--describe --members [--verbose]` and
 * `--delete` on a data directory holding a group with a member (joined through the group
 * coordinator as a wire client joins, then persisted in __consumer_offsets) and a group with only
 * committed offsets, printed as kafka-consumer-groups prints them; option combinations Kafka
 * refuses are usage errors.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cluster } from '../../../src/broker/cluster/cluster'
import { encodeConsumerProtocolAssignment } from '../../../src/broker/protocol/messages/consumer-protocol-assignment'
import { runBrokerlabInProcess } from './run-cli'

let dir: string
let memberId: string
let coordinator: number

/** A ConsumerProtocolAssignment v0 (int16 version, then the v0 body) of `t`'s partitions. */
function assignment(partitions: number[]): Buffer {
  return Buffer.concat([Buffer.from([0, 0]), encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 't', partitions }] }, 0)])
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-groups-members-cli-'))
  const clock = { now: Date.now() }
  const cluster = new Cluster({ dataDir: dir, brokers: 3, clock: () => clock.now, autoReplicate: false, log: () => {}, eventLog: () => {} })
  try {
    cluster.createTopic('t', { partitions: 3, replicationFactor: 3 })
    const gc = cluster.groupCoordinator()
    coordinator = gc.findCoordinator('live').nodeId
    const at = { brokerId: coordinator, clientId: 'wire-consumer', clientHost: '/127.0.0.1', apiVersion: 9 }
    const req = { groupId: 'live', sessionTimeoutMs: 600000, rebalanceTimeoutMs: 600000, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0xff, 0xff, 0xff, 0xff]) }] }
    memberId = (await gc.joinGroup(at, { ...req, memberId: '' })).memberId
    const join = gc.joinGroup(at, { ...req, memberId })
    await new Promise((r) => setImmediate(r))
    clock.now += 3000
    cluster.tick()
    const joined = await join
    await gc.syncGroup(at, { groupId: 'live', generationId: joined.generationId, memberId, groupInstanceId: null, assignments: [{ memberId, assignment: assignment([2, 0]) }] })
    await cluster.commitOffsets('idle', [{ topic: 't', partition: 1, offset: 0 }])
  } finally {
    await cluster.close()
  }
}, 60_000)

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runBrokerlabInProcess([...args, '--data-dir', dir])
const rows = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/))

describe('brokerlab groups, as kafka-consumer-groups', { timeout: 120_000 }, () => {
  it('--list prints one group a line, --list --state a GROUP / STATE table', async () => {
    const list = (await cli('groups', '--list'))
    expect([list.status, list.stdout]).toEqual([0, 'idle\nlive\n'])
    expect(rows((await cli('groups', '--list', '--state')).stdout)).toEqual([
      ['GROUP', 'STATE'],
      ['idle', 'Empty'],
      ['live', 'Stable']
    ])
  })

  it('--describe --state prints the coordinator (address and id), the assignment strategy, the state and the member count', async () => {
    const r = (await cli('groups', '--describe', '--state', '--group', 'live', '--group', 'idle', '--group', 'gone'))
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("Consumer group 'gone' does not exist.\n")
    expect(rows(r.stdout.replace("Consumer group 'gone' does not exist.\n", ''))).toEqual([
      ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
      ['live', `127.0.0.1:${9091 + coordinator} (${coordinator})`, 'range', 'Stable', '1'],
      ['idle', expect.stringMatching(/^127\.0\.0\.1:909\d \(\d\)$/), '-', 'Empty', '0']
    ])
  })

  it('--describe --members prints CONSUMER-ID, HOST, CLIENT-ID and #PARTITIONS (with --verbose the ASSIGNMENT), and says when a group has no active members', async () => {
    const r = (await cli('groups', '--describe', '--members', '--verbose', '--group', 'live', '--group', 'idle'))
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("Consumer group 'idle' has no active members.\n")
    expect(rows(r.stdout.replace("Consumer group 'idle' has no active members.\n", ''))).toEqual([
      ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
      ['live', memberId, '/127.0.0.1', 'wire-consumer', '2', 't(0,2)']
    ])
    const json = JSON.parse((await cli('groups', '--describe', '--members', '--group', 'live', '--json')).stdout)
    expect(json).toMatchObject({ groupId: 'live', state: 'Stable', assignmentStrategy: 'range', coordinator: { id: coordinator }, members: [{ memberId, clientId: 'wire-consumer', host: '/127.0.0.1', assignment: [{ topic: 't', partitions: [0, 2] }] }] })
  })

  it('refuses option combinations kafka-consumer-groups refuses, before touching the data', async () => {
    const both = (await cli('groups', '--describe', '--members', '--state', '--group', 'live'))
    expect([both.status, both.stderr]).toEqual([2, 'brokerlab: --describe takes at most one of --members and --state.\n'])
    const none = (await cli('groups', '--describe', '--state'))
    expect([none.status, none.stderr]).toEqual([2, 'brokerlab: --describe needs --group <group> (one or more) or --all-groups.\n'])
    const loose = (await cli('groups', '--members', '--group', 'live'))
    expect([loose.status, loose.stderr]).toEqual([2, 'brokerlab: --members goes with --describe.\n'])
    const two = (await cli('groups', '--list', '--delete', '--group', 'live'))
    expect(two.status).toBe(2)
    expect(two.stderr).toMatch(/Choose one of --list, --describe, --delete, --reset-offsets/)
  })

  it('--delete deletes an Empty group with its offsets and refuses a group with an active member (NON_EMPTY_GROUP), as Kafka', async () => {
    const r = (await cli('groups', '--delete', '--group', 'idle', '--group', 'live'))
    expect(r.status).toBe(1)
    expect(r.stdout).toBe("Deletion of requested consumer groups ('idle') was successful.\n")
    expect(r.stderr).toMatch(/^brokerlab: Deletion of some consumer groups failed:\n\* Group 'live' could not be deleted due to: NON_EMPTY_GROUP: .*not empty/)
    expect((await cli('groups', '--list')).stdout).toBe('live\n')
    const gone = (await cli('groups', '--delete', '--group', 'idle'))
    expect(gone.status).toBe(1)
    expect(gone.stderr).toMatch(/Group 'idle' could not be deleted due to: GROUP_ID_NOT_FOUND/)
  })
})
