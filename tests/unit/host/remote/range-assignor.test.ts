/**
 * Kafka's RangeAssignor as the CLI's group leader computes it (src/host/remote/range-assignor.ts):
 * per topic, partitions in order cut into ranges over the members subscribed to it, members sorted
 * by member id, the first ones one partition more; a topic the cluster lacks is skipped; the input
 * order does not matter.
 */
import { describe, expect, it } from 'vitest'
import { rangeAssign } from '../../../../src/host/remote/range-assignor'

/** member -> "topic-partition" strings, for readable expectations. */
function flat(result: Map<string, Map<string, number[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [m, a] of result) out[m] = [...a].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`))
  return out
}

describe('the range assignment', () => {
  it('cuts 7 partitions of two topics over 3 members by member id, the first ones getting one more', () => {
    // orders: 5 partitions, all three members; payments: 2 partitions, only member-b and member-c.
    const subscriptions = new Map([
      ['member-c', ['orders', 'payments']],
      ['member-a', ['orders']],
      ['member-b', ['payments', 'orders']]
    ])
    const result = rangeAssign(subscriptions, new Map([['orders', 5], ['payments', 2]]))
    expect(flat(result)).toEqual({
      'member-a': ['orders-0', 'orders-1'],
      'member-b': ['orders-2', 'orders-3', 'payments-0'],
      'member-c': ['orders-4', 'payments-1']
    })
    // Every partition exactly once.
    const all = Object.values(flat(result)).flat().sort()
    expect(all).toEqual(['orders-0', 'orders-1', 'orders-2', 'orders-3', 'orders-4', 'payments-0', 'payments-1'])
  })

  it('gives the same assignment whatever order the members and topics come in', () => {
    const counts = new Map([['orders', 4], ['payments', 3]])
    const a = rangeAssign(new Map([['x', ['orders', 'payments']], ['y', ['orders']], ['z', ['payments', 'orders']]]), counts)
    const b = rangeAssign(new Map([['z', ['orders', 'payments']], ['x', ['payments', 'orders']], ['y', ['orders']]]), counts)
    expect(flat(a)).toEqual(flat(b))
    expect(flat(a)).toEqual({ x: ['orders-0', 'orders-1', 'payments-0', 'payments-1'], y: ['orders-2'], z: ['orders-3', 'payments-2'] })
  })

  it('leaves members without partitions when there are more members than partitions, and skips topics the cluster lacks', () => {
    const result = rangeAssign(new Map([['m1', ['solo', 'gone']], ['m2', ['solo']], ['m3', ['gone']]]), new Map([['solo', 1]]))
    expect(flat(result)).toEqual({ m1: ['solo-0'], m2: [], m3: [] })
  })

  it('refuses a partition count that is not a non-negative integer', () => {
    expect(() => rangeAssign(new Map([['m', ['t']]]), new Map([['t', -1]]))).toThrow('Topic t has -1 partitions; a partition count is a non-negative integer')
  })
})
