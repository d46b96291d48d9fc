/**
 * The wire protocol's types in ByteReader / ByteWriter: uint16, float64, int64 and varlong as
 * bigint over the whole int64 range, uuids in Kafka's Uuid.toString form, classic and compact
 * (KIP-482) length prefixes with their bounds checks.
 */
import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { ByteWriter } from '../../../../src/broker/codec/byte-writer'

describe('protocol types in ByteReader / ByteWriter', () => {
  it('round-trip int64 and varlong as bigint at the edges of int64', () => {
    const vals = [0n, -1n, 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)]
    const w = new ByteWriter(4)
    for (const v of vals) w.int64n(v)
    for (const v of vals) w.varlongn(v)
    const r = new ByteReader(w.toBuffer())
    for (const v of vals) expect(r.int64n()).toBe(v)
    for (const v of vals) expect(r.varlongn()).toBe(v)
    expect(r.remaining()).toBe(0)
  })

  it('encodes varlong as Kafka does (zigzag: -1 -> 01, 1 -> 02, int64 min -> ten bytes ending 01)', () => {
    const w = new ByteWriter()
    w.varlongn(-1n)
    w.varlongn(1n)
    w.varlongn(-(2n ** 63n))
    expect(w.toBuffer().toString('hex')).toBe('0102' + 'ffffffffffffffffff01')
  })

  it('round-trip uint16, float64 and bool', () => {
    const w = new ByteWriter()
    w.uint16(65535)
    w.float64(0.1)
    w.bool(true)
    w.bool(false)
    const r = new ByteReader(w.toBuffer())
    expect([r.uint16(), r.float64(), r.bool(), r.bool()]).toEqual([65535, 0.1, true, false])
  })

  it('writes uuids from Kafka\'s base64url form and refuses anything else, naming the field', () => {
    const hex = '00112233445566778899aabbccddeeff'
    const id = Buffer.from(hex, 'hex').toString('base64url')
    const w = new ByteWriter()
    w.uuid(id)
    expect(w.toBuffer().toString('hex')).toBe(hex)
    expect(new ByteReader(w.toBuffer()).uuid()).toBe(id)
    expect(() => w.uuid('AAAA', 'T.TopicId')).toThrow(/T\.TopicId: "AAAA" is not a uuid/)
    expect(() => w.uuid('AAAAAAAAAAAAAAAAAAAAA/', 'T.TopicId')).toThrow(/not a uuid/)
  })

  it('reads classic and compact lengths, -1 / 0 as null, and refuses negative or oversized ones naming the field', () => {
    const w = new ByteWriter()
    w.length(3, 'string', false)
    w.length(-1, 'bytes', false)
    w.length(3, 'array', true)
    w.length(-1, 'array', true)
    expect(w.toBuffer().toString('hex')).toBe('0003' + 'ffffffff' + '04' + '00')
    const r = new ByteReader(Buffer.from('0002 6162 ffffffff 00'.replace(/\s/g, ''), 'hex'))
    expect(r.length('string', false, 'S')).toBe(2)
    r.skip(2)
    expect(r.length('bytes', false, 'B')).toBe(-1)
    expect(r.length('array', true, 'A')).toBe(-1)
    expect(() => new ByteReader(Buffer.from('fffe', 'hex')).length('string', false, 'X.Name')).toThrow(/negative length -2 of string X\.Name/)
    expect(() => new ByteReader(Buffer.from('0a00', 'hex')).length('bytes', true, 'X.Data')).toThrow(/bytes X\.Data of length 9 at 1 exceeds the 1 bytes left/)
    expect(() => new ByteReader(Buffer.from('00', 'hex')).int32('X.Count')).toThrow(/cannot read int32 X\.Count/)
  })
})
