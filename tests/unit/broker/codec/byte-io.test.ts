import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { ByteWriter, sizeOfVarint, sizeOfVarlong } from '../../../../src/broker/codec/byte-writer'

describe('ByteWriter and ByteReader', () => {
  it('round-trip ints, int64 and zigzag varints at their edges', () => {
    const w = new ByteWriter(4)
    const ints = [0, 1, -1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31)]
    const longs = [0, -1, 2 ** 31, -(2 ** 31) - 1, 1_700_000_000_000, -1_700_000_000_000, 2 ** 52 - 1, -(2 ** 52 - 1)]
    for (const v of ints) w.varint(v)
    for (const v of longs) w.varlong(v)
    for (const v of longs) w.int64(v)
    w.int8(-5)
    w.int16(-300)
    w.int32(-70000)
    const r = new ByteReader(w.toBuffer())
    for (const v of ints) expect(r.varint()).toBe(v)
    for (const v of longs) expect(r.varlong()).toBe(v)
    for (const v of longs) expect(r.int64()).toBe(v)
    expect([r.int8(), r.int16(), r.int32()]).toEqual([-5, -300, -70000])
    expect(r.remaining()).toBe(0)
  })

  it('encodes varints as Kafka does (zigzag: 0->00, -1->01, 1->02, 64->8001)', () => {
    const w = new ByteWriter()
    w.varint(0)
    w.varint(-1)
    w.varint(1)
    w.varint(64)
    expect(w.toBuffer().toString('hex')).toBe('0001028001')
  })

  it('sizes agree with what is written', () => {
    for (const v of [0, -1, 63, 64, 8191, 8192, -(2 ** 31), 2 ** 31 - 1]) {
      const w = new ByteWriter()
      w.varint(v)
      expect(sizeOfVarint(v)).toBe(w.pos)
    }
    for (const v of [0, 2 ** 40, -(2 ** 40), 2 ** 53 - 1]) {
      const w = new ByteWriter()
      w.varlong(v)
      expect(sizeOfVarlong(v)).toBe(w.pos)
    }
  })

  it('refuses to read past the end with a RangeError naming the read', () => {
    const r = new ByteReader(Buffer.from([0x80]))
    expect(() => r.varint()).toThrow(/varint/)
    expect(() => new ByteReader(Buffer.alloc(3)).int32()).toThrow(/int32/)
  })
})
