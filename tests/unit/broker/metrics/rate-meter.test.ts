import { describe, expect, it } from 'vitest'
import { RATE_WINDOW_SECONDS, RateMeter } from '../../../../src/broker/metrics/rate-meter'
import { ClusterMetrics } from '../../../../src/broker/metrics/cluster-metrics'
import { partitionHealth } from '../../../../src/broker/metrics/partition-health'

describe('RateMeter', () => {
  it('sums amounts per second and returns 300 points ending at the last completed second', () => {
    let now = 1_000_000_500
    const m = new RateMeter(() => now)
    m.record(3)
    m.record(2)
    now += 1000
    m.record(7)
    now += 1000
    const s = m.series()
    expect(s).toHaveLength(RATE_WINDOW_SECONDS)
    expect(s[s.length - 1]).toEqual({ t: 1_000_001_000, v: 7 })
    expect(s[s.length - 2]).toEqual({ t: 1_000_000_000, v: 5 })
    expect(s[0].v).toBe(0)
  })

  it('forgets buckets older than the window when the ring wraps', () => {
    let now = 0
    const m = new RateMeter(() => now)
    m.record(10)
    now += RATE_WINDOW_SECONDS * 1000
    m.record(1)
    expect(m.valueAt(0)).toBe(0)
    expect(m.valueAt(RATE_WINDOW_SECONDS)).toBe(1)
    expect(m.series(true).reduce((a, p) => a + p.v, 0)).toBe(1)
  })
})

describe('ClusterMetrics', () => {
  it('records an append on the cluster, broker, topic and partition scopes only', () => {
    let now = 5000
    const cm = new ClusterMetrics(() => now)
    cm.recordAppend(2, 't', 1, 4, 400)
    cm.recordFetch(2, 't', 1, 100)
    now += 1000
    const last = (s: { v: number }[]): number => s[s.length - 1].v
    expect(last(cm.cluster.series().recordsInPerSec)).toBe(4)
    expect(last(cm.broker(2).series().bytesInPerSec)).toBe(400)
    expect(last(cm.topic('t').series().bytesOutPerSec)).toBe(100)
    expect(last(cm.partition('t', 1).series().recordsInPerSec)).toBe(4)
    expect(last(cm.partition('t', 0).series().recordsInPerSec)).toBe(0)
    expect(last(cm.broker(1).series().bytesInPerSec)).toBe(0)
  })
})

describe('partitionHealth', () => {
  it('counts offline partitions apart from under-replicated ones', () => {
    expect(
      partitionHealth([
        { leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
        { leader: 1, replicas: [1, 2, 3], isr: [1, 3] },
        { leader: -1, replicas: [1, 2], isr: [2] }
      ])
    ).toEqual({ underReplicatedPartitions: 1, underMinIsrPartitions: 0, offlinePartitions: 1 })
  })

  it('counts a led partition whose ISR is below its min.insync.replicas as under min ISR, an offline one not', () => {
    expect(
      partitionHealth([
        { leader: 1, replicas: [1, 2, 3], isr: [1, 2], minInsyncReplicas: 2 },
        { leader: 1, replicas: [1, 2, 3], isr: [1], minInsyncReplicas: 2 },
        { leader: -1, replicas: [1, 2, 3], isr: [2], minInsyncReplicas: 2 }
      ])
    ).toEqual({ underReplicatedPartitions: 2, underMinIsrPartitions: 1, offlinePartitions: 1 })
  })
})
