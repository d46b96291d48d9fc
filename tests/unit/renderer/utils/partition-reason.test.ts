import { describe, expect, it } from 'vitest'
import { applyTemplate, explainPartition } from '../../../../src/renderer/src/utils/partition-reason'

describe('explainPartition', () => {
  it('spells out the murmur2 arithmetic for a keyed record', () => {
    expect(explainPartition({ kind: 'key', murmur2: -1234, positive: 2147482414, partitions: 6 }, 'DFW', 2)).toBe(
      'key "DFW" → murmur2 = -1234 → positive 2147482414 → 2147482414 % 6 = 2'
    )
  })

  it('quotes keys with quotes or backslashes as JSON strings', () => {
    expect(explainPartition({ kind: 'key', murmur2: 5, positive: 5, partitions: 3 }, 'a"b', 2)).toMatch(/^key "a\\"b" → /)
  })

  it('says when the partition was given explicitly', () => {
    expect(explainPartition({ kind: 'explicit' }, 'DFW', 4)).toBe('explicit partition 4 (partitioner not used)')
  })

  it('names the sticky partitioner (KIP-480) or round-robin for null keys', () => {
    expect(explainPartition({ kind: 'no-key', strategy: 'sticky' }, null, 1)).toBe('null key → sticky partitioner (KIP-480) → partition 1')
    expect(explainPartition({ kind: 'no-key', strategy: 'round-robin' }, null, 0)).toBe('null key → round-robin → partition 0')
  })
})

describe('applyTemplate', () => {
  it('replaces every {{i}} with the record index and leaves null as null', () => {
    expect(applyTemplate('customer-{{i}}/{{i}}', 7)).toBe('customer-7/7')
    expect(applyTemplate('plain', 3)).toBe('plain')
    expect(applyTemplate(null, 3)).toBeNull()
  })
})
