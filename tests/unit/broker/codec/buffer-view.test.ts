import { describe, expect, it } from 'vitest'
import { inspect } from 'node:util'
import { bufferView } from '../../../../src/broker/codec/buffer-view'
import { RecordsReader } from '../../../../src/broker/codec/record-decoder'
import { encodeRecordBatch } from '../../../../src/broker/codec/record-batch'

describe('bufferView', () => {
  const source = Buffer.from('....hello, world....')
  const view = bufferView(source.buffer, source.byteOffset + 4, 12)

  it('is a Buffer over the given bytes, sharing memory with its source', () => {
    expect(Buffer.isBuffer(view)).toBe(true)
    expect(view).toBeInstanceOf(Buffer)
    expect(view.constructor).toBe(Buffer)
    expect(view.length).toBe(12)
    expect(view.toString('utf8')).toBe('hello, world')
    expect(view.equals(Buffer.from('hello, world'))).toBe(true)
    expect(view).toStrictEqual(Buffer.from('hello, world'))
    expect(inspect(view)).toBe(inspect(Buffer.from('hello, world')))
    const copy = Buffer.from(source)
    const v2 = bufferView(copy.buffer, copy.byteOffset + 4, 5)
    v2[0] = 0x48
    expect(copy.toString('utf8', 4, 9)).toBe('Hello')
  })

  it('slices, subarrays and maps into Buffers, and reads like one', () => {
    expect(Buffer.isBuffer(view.subarray(0, 5))).toBe(true)
    expect(view.subarray(7).toString()).toBe('world')
    expect(Buffer.isBuffer(view.map((b) => b))).toBe(true)
    expect(view.readUInt8(0)).toBe(0x68)
    expect(Buffer.concat([view, view]).toString()).toBe('hello, worldhello, world')
    expect(JSON.stringify(view)).toBe(JSON.stringify(Buffer.from('hello, world')))
  })

  it('refuses a range outside the ArrayBuffer', () => {
    const ab = new ArrayBuffer(8)
    expect(() => bufferView(ab, 4, 8)).toThrow(RangeError)
  })

  it("is what the records reader hands out as keys and values, from a Buffer that does not start its ArrayBuffer", () => {
    const batch = encodeRecordBatch(7, [{ key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('hv') }], timestamp: 1 }], 0, null)
    // The batch inside a larger ArrayBuffer at a non-zero offset, as a segment read returns it.
    const big = Buffer.alloc(batch.length + 100)
    batch.copy(big, 37)
    const section = big.subarray(37, 37 + batch.length)
    const r = new RecordsReader().reset(section, 61, section.length, 1, 7, 1, null, 0, Number.MAX_SAFE_INTEGER)
    expect(r.next()).toBe(true)
    expect(Buffer.isBuffer(r.key)).toBe(true)
    expect(r.key!.toString()).toBe('k1')
    expect(r.value!.toString()).toBe('v1')
    expect(r.headers[0].value!.toString()).toBe('hv')
    expect(r.value!.buffer).toBe(big.buffer)
  })
})
