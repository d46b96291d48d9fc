/**
 * The one phrase table of cluster event kinds: counts count what the phrase says (partitions or
 * events) and read with thousands separators. That every kind has a phrase is checked against the
 * contract's and the engine's sources in tests/unit/shared/event-kinds-in-words.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../../src/shared/contract'
import { kindCountText, kindCountsText } from '../../../../src/renderer/src/utils/event-kind-words'

const ev = (kind: ClusterEventView['kind'], topic: string, partition: number | undefined, seq: number): ClusterEventView => ({ seq, time: seq, kind, severity: 'warning', topic, partition, message: kind })

describe('the event kind phrase table', () => {
  it('reads a count with the singular or plural phrase and thousands separators', () => {
    expect(kindCountText('isr-shrink', 1)).toBe('1 partition shrank its ISR')
    expect(kindCountText('isr-shrink', 1204)).toBe('1,204 partitions shrank their ISR')
    expect(kindCountText('broker-killed', 2)).toBe('2 brokers were killed')
  })

  it('counts elections by distinct partition and replica events by event, in the order kinds first appear', () => {
    const events = [
      ev('leader-elected', 'orders', 0, 1),
      ev('replica-offline', 'orders', 0, 2),
      ev('leader-elected', 'orders', 0, 3),
      ev('leader-elected', 'payments', 0, 4),
      ev('replica-offline', 'orders', 0, 5)
    ]
    expect(kindCountsText(events)).toBe('2 partitions elected new leaders, 2 replicas went offline')
    expect(kindCountsText([])).toBe('')
  })
})
