import { describe, expect, it } from 'vitest'
import { crc32c, crc32cJs, nativeCrc32c, NATIVE_MIN_BYTES } from '../../../../src/broker/codec/crc32c'
// kafkajs's own (byte-at-a-time) CRC-32C: an independent implementation to compare against.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsCrc32C: (buf: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C')

describe('crc32c', () => {
  it('gives the CRC-32C check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('gives 0 for no bytes and matches the RFC 3720 vector of 32 zero bytes', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0)
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa)
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43)
  })

  it('agrees with kafkajs on random buffers of every length up to 100 and at odd starts', () => {
    for (let n = 0; n < 100; n++) {
      const b = Buffer.alloc(n + 3)
      for (let i = 0; i < b.length; i++) b[i] = (i * 131 + n * 7) & 0xff
      expect(crc32c(b, 3, b.length)).toBe(kafkajsCrc32C(b.subarray(3)) >>> 0)
    }
  })

  it('agrees with kafkajs on large buffers at every alignment (word-at-a-time path)', () => {
    const big = Buffer.alloc(5000)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + (i >> 5)) & 0xff
    for (let start = 0; start < 8; start++) {
      for (const len of [64, 65, 71, 1000, 4093]) {
        expect(crc32c(big, start, start + len)).toBe(kafkajsCrc32C(big.subarray(start, start + len)) >>> 0)
      }
    }
  })

  it('streams: crc of a concatenation equals the crc continued over the second part', () => {
    const a = Buffer.from('hello, ')
    const b = Buffer.from('record batch world')
    expect(crc32c(b, 0, b.length, crc32c(a))).toBe(crc32c(Buffer.concat([a, b])))
  })

  it('rejects a range outside the buffer', () => {
    expect(() => crc32c(Buffer.alloc(4), 2, 8)).toThrow(RangeError)
  })

  it('the JavaScript reference agrees with kafkajs on every length up to 300 (both sides of the native threshold)', () => {
    const b = Buffer.alloc(305)
    for (let i = 0; i < b.length; i++) b[i] = (i * 193 + 11) & 0xff
    for (let n = 0; n <= 300; n++) expect(crc32cJs(b, 5, 5 + n)).toBe(kafkajsCrc32C(b.subarray(5, 5 + n)) >>> 0)
  })
})

const native = nativeCrc32c()
describe.skipIf(native === null)('crc32c in the native addon', () => {
  it('equals the JavaScript reference on random buffers of many lengths, starts and initial values', () => {
    let seed = 12345
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff
    const big = Buffer.alloc(70_000)
    for (let i = 0; i < big.length; i++) big[i] = rnd()
    for (const len of [0, 1, 7, 8, 9, 63, 255, 256, 257, 1000, 4096, 16_384, 65_537]) {
      for (const start of [0, 1, 3, 7, 13]) {
        for (const init of [0, 0xffffffff, 0x12345678]) {
          expect(native!(big, start, start + len, init)).toBe(crc32cJs(big, start, start + len, init))
        }
      }
    }
    expect(native!(Buffer.from('123456789'), 0, 9, 0)).toBe(0xe3069283)
  })

  it('equals the JavaScript reference on both sides of its three-lane block sizes (3 x 256 and 3 x 8192 bytes)', () => {
    let seed = 777
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff
    const big = Buffer.alloc(3 * 8192 * 3 + 64)
    for (let i = 0; i < big.length; i++) big[i] = rnd()
    for (const len of [767, 768, 769, 775, 776, 1536, 2311, 24575, 24576, 24577, 24583, 25344, 49152, 49152 + 768 + 9, 3 * 8192 * 3]) {
      for (const start of [0, 5]) {
        for (const init of [0, 0x9abcdef0]) {
          expect(native!(big, start, start + len, init)).toBe(crc32cJs(big, start, start + len, init))
        }
      }
    }
  })

  it('is what crc32c uses from NATIVE_MIN_BYTES on, with the same results and range checks', () => {
    const b = Buffer.alloc(NATIVE_MIN_BYTES * 4, 0xa5)
    expect(crc32c(b)).toBe(crc32cJs(b))
    expect(crc32c(b.subarray(1), 3, 3 + NATIVE_MIN_BYTES)).toBe(kafkajsCrc32C(b.subarray(4, 4 + NATIVE_MIN_BYTES)) >>> 0)
    expect(() => crc32c(b, 0, b.length + 1)).toThrow(RangeError)
    expect(() => native!(b, 10, 5, 0)).toThrow(RangeError)
    expect(() => native!(b, 0.5, 300, 0)).toThrow(RangeError)
    expect(() => (native as unknown as (x: unknown) => number)('not a buffer')).toThrow(TypeError)
  })
})
