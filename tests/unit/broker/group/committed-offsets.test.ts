import { describe, expect, it } from 'vitest'
import {
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue
} from '../../../../src/broker/group/offset-commit-schema'
import { CommittedOffsets, javaStringHashCode, offsetsPartitionFor } from '../../../../src/broker/group/committed-offsets'

describe('offset commit schema', () => {
  it('encodes OffsetCommitKey v1 byte for byte as Kafka lays it out', () => {
    const key = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 2 })
    expect(key.toString('hex')).toBe('0001' + '0001' + '67' + '0001' + '74' + '00000002')
    expect(decodeOffsetCommitKey(key)).toEqual({ group: 'g', topic: 't', partition: 2 })
  })

  it('round-trips OffsetCommitValue v3', () => {
    const v = { offset: 2 ** 40 + 7, leaderEpoch: 3, metadata: 'm', commitTimestamp: 1_700_000_000_000 }
    const buf = encodeOffsetCommitValue(v)
    expect(buf.readInt16BE(0)).toBe(3)
    expect(buf.length).toBe(2 + 8 + 4 + 3 + 8)
    expect(decodeOffsetCommitValue(buf)).toEqual(v)
  })

  it('skips group metadata keys (version 2) and truncated buffers', () => {
    expect(decodeOffsetCommitKey(Buffer.from('00020001', 'hex'))).toBeNull()
    expect(decodeOffsetCommitKey(Buffer.from('0001000567', 'hex'))).toBeNull()
  })
})

describe('group placement', () => {
  it('hashes like Java String.hashCode and places groups as abs(hash) % 50', () => {
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
    expect(offsetsPartitionFor('polygenelubricants')).toBe(0)
    expect(offsetsPartitionFor('hello')).toBe(99162322 % 50)
  })
})

describe('CommittedOffsets', () => {
  it('rebuilds last-wins state from replayed records and drops entries on tombstones', () => {
    const c = new CommittedOffsets()
    const k = (t: string, p: number): Buffer => encodeOffsetCommitKey({ group: 'g', topic: t, partition: p })
    const v = (o: number): Buffer => encodeOffsetCommitValue({ offset: o, leaderEpoch: -1, metadata: '', commitTimestamp: 1 })
    c.replay(k('a', 0), v(5))
    c.replay(k('a', 0), v(9))
    c.replay(k('a', 1), v(3))
    c.replay(k('b', 0), v(1))
    c.replay(k('b', 0), null)
    expect(c.offsetsOf('g')).toEqual(new Map([['a', new Map([[0, 9], [1, 3]])]]))
    expect(c.groupIds()).toEqual(['g'])
    c.replay(k('a', 0), null)
    c.replay(k('a', 1), null)
    expect(c.groupIds()).toEqual([])
  })
})
