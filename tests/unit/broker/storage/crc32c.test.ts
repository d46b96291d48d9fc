import { describe, expect, it } from 'vitest'
import { crc32c } from '../../../../src/broker/storage/crc32c'
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
})
