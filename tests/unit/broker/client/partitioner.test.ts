import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey, seededRandom, StickyPartitioner, toPositive } from '../../../../src/broker/client/partitioner'

describe('murmur2', () => {
  it('matches the Java client vectors from Kafka UtilsTest.testMurmur2', () => {
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971]
    ]
    for (const [s, h] of vectors) expect(murmur2(Buffer.from(s, 'utf8'))).toBe(h)
    expect(murmur2(Uint8Array.from([0x61, 0x62, 0x63]))).toBe(479470107)
  })

})

describe('partitionForKey', () => {
  it('clears the sign bit instead of taking the absolute value', () => {
    expect(toPositive(-1)).toBe(0x7fffffff)
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff)
    expect(partitionForKey(Buffer.from('21'), 6)).toBe((-973932308 & 0x7fffffff) % 6)
  })

  it('rejects a partition count below one', () => {
    expect(() => partitionForKey(Buffer.from('a'), 0)).toThrow(RangeError)
  })
})

describe('StickyPartitioner', () => {
  it('keeps one partition within a batch and switches to a different one for the next batch', () => {
    const p = new StickyPartitioner(seededRandom(7))
    const first = p.partition('t', 6)
    expect(p.partition('t', 6)).toBe(first)
    p.onNewBatch('t', 6)
    expect(p.partition('t', 6)).not.toBe(first)
  })

  it('spreads unkeyed batches over every partition', () => {
    const p = new StickyPartitioner(seededRandom(42))
    const counts = new Array(4).fill(0)
    for (let i = 0; i < 400; i++) {
      counts[p.partition('t', 4)]++
      p.onNewBatch('t', 4)
    }
    for (const c of counts) expect(c).toBeGreaterThan(60)
  })
})

describe('murmur2 against an independent implementation', () => {
  it('agrees with kafkajs\'s Java-compatible murmur2 on 2000 random keys of every length 0..63', () => {
    const theirs = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number
    const rnd = seededRandom(99)
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.alloc(i % 64)
      for (let j = 0; j < key.length; j++) key[j] = Math.floor(rnd() * 256)
      expect(murmur2(key)).toBe(theirs(key))
    }
  })
})
