/**
 * GroupMetadataKey v2 / GroupMetadataValue as Kafka lays them out in __consumer_offsets: v3 written
 * byte for byte, older versions and the flexible v4 read, foreign or truncated records refused.
 */
import { describe, expect, it } from 'vitest'
import {
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  type PersistedGroup
} from '../../../../src/broker/group/group-metadata-schema'
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../../../../src/broker/group/offset-commit-schema'

const group: PersistedGroup = {
  protocolType: 'consumer',
  generation: 7,
  protocol: 'range',
  leader: 'm1',
  currentStateTimestamp: 1_700_000_000_000,
  members: [
    { memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 300000, sessionTimeoutMs: 45000, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) },
    { memberId: 'm2', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 6000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) }
  ]
}

describe('group metadata schema', () => {
  it('encodes GroupMetadataKey v2 as int16 version and the group string, apart from offset commit keys', () => {
    const key = encodeGroupMetadataKey('g')
    expect(key.toString('hex')).toBe('0002' + '0001' + '67')
    expect(decodeGroupMetadataKey(key)).toBe('g')
    expect(decodeOffsetCommitKey(key)).toBeNull()
    expect(decodeGroupMetadataKey(encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 0 }))).toBeNull()
  })

  it('writes GroupMetadataValue v3 in Kafka field order and reads it back exactly', () => {
    const buf = encodeGroupMetadataValue({ ...group, members: [group.members[0]] })
    const hex =
      '0003' + '0008' + Buffer.from('consumer').toString('hex') + '00000007' + '0005' + Buffer.from('range').toString('hex') + '0002' + Buffer.from('m1').toString('hex') +
      (1_700_000_000_000).toString(16).padStart(16, '0') + '00000001' +
      '0002' + Buffer.from('m1').toString('hex') + '0002' + Buffer.from('i1').toString('hex') + '0001' + '63' + '0002' + Buffer.from('/h').toString('hex') +
      (300000).toString(16).padStart(8, '0') + (45000).toString(16).padStart(8, '0') + '00000002' + '0102' + '00000001' + '03'
    expect(buf.toString('hex')).toBe(hex)
    expect(decodeGroupMetadataValue(encodeGroupMetadataValue(group))).toEqual(group)
  })

  it('reads version 0 (no rebalance timeout, no timestamp) and the flexible version 4', () => {
    const v0 = Buffer.concat([
      Buffer.from('0000' + '0001' + '63' + '00000002' + 'ffff' + 'ffff' + '00000001', 'hex'),
      Buffer.from('0001' + '6d' + '0001' + '63' + '0001' + '68' + '00001770' + '00000000' + '00000000', 'hex')
    ])
    expect(decodeGroupMetadataValue(v0)).toEqual({
      protocolType: 'c',
      generation: 2,
      protocol: null,
      leader: null,
      currentStateTimestamp: -1,
      members: [{ memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 6000, sessionTimeoutMs: 6000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) }]
    })
    // v4: compact strings (length + 1), compact arrays and bytes, tagged fields after each struct.
    const v4 = Buffer.from(
      '0004' + '02' + '63' + '00000003' + '02' + '72' + '00' + 'ffffffffffffffff' + '02' +
        '02' + '6d' + '00' + '02' + '63' + '02' + '68' + '000003e8' + '00001770' + '02' + '09' + '01' + '00' + '00',
      'hex'
    )
    expect(decodeGroupMetadataValue(v4)).toEqual({
      protocolType: 'c',
      generation: 3,
      protocol: 'r',
      leader: null,
      currentStateTimestamp: -1,
      members: [{ memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 6000, subscription: Buffer.from([9]), assignment: Buffer.alloc(0) }]
    })
  })

  it('refuses truncated values and unknown versions instead of reading past the buffer', () => {
    const buf = encodeGroupMetadataValue(group)
    for (const n of [0, 1, 5, buf.length - 1]) expect(decodeGroupMetadataValue(buf.subarray(0, n))).toBeNull()
    expect(decodeGroupMetadataValue(Buffer.from('0005', 'hex'))).toBeNull()
    expect(decodeGroupMetadataKey(Buffer.from('00020005', 'hex'))).toBeNull()
  })
})
