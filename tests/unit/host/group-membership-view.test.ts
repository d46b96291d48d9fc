/**
 * The contract's view of a group's membership (contract-views.ts): consumer-protocol assignments
 * decoded into sorted topic partitions, unreadable or non-consumer assignments shown as none, and
 * the coordinator with the address it is reached at.
 */
import { describe, expect, it } from 'vitest'
import { consumerAssignment, toGroupMembershipView } from '../../../src/host/contract-views'
import { encodeConsumerProtocolAssignment } from '../../../src/broker/protocol/messages/consumer-protocol-assignment'

const v = (version: number, body: Buffer) => Buffer.concat([Buffer.from([0, version]), body])

describe('group membership views', () => {
  it('decodes a consumer assignment of any known version into topics and sorted partitions, a newer version read as the newest', () => {
    const body = encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 'b', partitions: [3, 1] }, { topic: 'a', partitions: [0] }] }, 0)
    expect(consumerAssignment(v(0, body))).toEqual([
      { topic: 'a', partitions: [0] },
      { topic: 'b', partitions: [1, 3] }
    ])
    expect(consumerAssignment(v(9, encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 'x', partitions: [2] }] }, 3)))).toEqual([{ topic: 'x', partitions: [2] }])
    expect(consumerAssignment(Buffer.alloc(0))).toEqual([])
    expect(consumerAssignment(Buffer.from([0, 0, 0, 0, 0, 9, 0]))).toEqual([])
  })

  it('shows a non-consumer group\'s members without an assignment, and no coordinator when none leads the group', () => {
    // bytes a consumer assignment could be read from: only a 'consumer' group's are read as one
    const readable = v(0, encodeConsumerProtocolAssignment({ assignedPartitions: [{ topic: 'a', partitions: [0] }] }, 0))
    const member = { memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', metadata: Buffer.alloc(0), assignment: readable }
    const view = toGroupMembershipView({ groupId: 'g', state: 'Stable', protocolType: 'connect', protocol: 'sessioned', generationId: 4, leader: 'm-1', coordinator: -1, members: [member] }, null)
    expect(view).toEqual({
      groupId: 'g',
      state: 'Stable',
      protocolType: 'connect',
      assignmentStrategy: 'sessioned',
      generationId: 4,
      coordinator: null,
      members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'c', host: '/127.0.0.1', assignment: [] }]
    })
    const empty = toGroupMembershipView({ groupId: 'h', state: 'Empty', protocolType: '', protocol: '', generationId: -1, leader: '', coordinator: 2, members: [] }, '127.0.0.1:9093')
    expect(empty).toMatchObject({ state: 'Empty', assignmentStrategy: '', coordinator: { id: 2, address: '127.0.0.1:9093' }, members: [] })
  })
})
