/**
 * The checks the wire chaos tests (chaos-wire.test.ts, chaos-confluent-kafka.test.ts) share, read
 * through the engine rather than the clients: a monitor of a group's committed offsets, polled
 * every 100 ms, that records every regression (an offset committed below one committed before,
 * once per offset seen there), and the values stored in a topic's partitions, keyed
 * "<partition>@<offset>".
 * Must stay true: the monitor only reads (it never commits), and a poll refused while the
 * coordinator moves is skipped, never counted as a regression.
 */
import type { Cluster } from '../../src/broker/cluster/cluster'

/** A running monitor of a group's committed offsets. */
export interface CommitMonitor {
  /** Stops polling; resolves with the regressions seen ("partition P: committed O after B"). */
  stop(): Promise<string[]>
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `group`'s committed offsets of `topic` through the engine every 100 ms until stopped. */
export function monitorCommits(cluster: Cluster, group: string, topic: string): CommitMonitor {
  const lastCommitted = new Map<number, number>()
  const lastSeen = new Map<number, number>()
  const regressions: string[] = []
  let polling = true
  const poll = (async () => {
    while (polling) {
      let offsets: Map<number, number> | undefined
      try {
        offsets = cluster.fetchOffsets(group).offsets.get(topic)
      } catch {
        offsets = undefined // the coordinator is moving: the next poll reads them
      }
      for (const [p, o] of offsets ?? []) {
        const before = lastCommitted.get(p)
        // each offset seen below the highest one is reported once, not at every poll it stays there
        if (before !== undefined && o < before && lastSeen.get(p) !== o) regressions.push(`partition ${p}: committed ${o} after ${before}`)
        lastCommitted.set(p, Math.max(o, before ?? o))
        lastSeen.set(p, o)
      }
      await sleep(100)
    }
  })()
  return {
    async stop() {
      polling = false
      await poll
      return regressions
    }
  }
}

/** Every record value stored in `topic`'s `partitions` partitions up to the high watermark, keyed "<partition>@<offset>". */
export function storedValues(cluster: Cluster, topic: string, partitions: number): Map<string, string> {
  const stored = new Map<string, string>()
  for (let p = 0; p < partitions; p++) {
    let next = 0
    for (;;) {
      const res = cluster.fetch(topic, p, next, { maxRecords: 10_000 })
      for (const r of res.records) stored.set(`${p}@${r.offset}`, r.value!.toString())
      if (res.records.length === 0 || res.nextOffset >= res.highWatermark) break
      next = res.nextOffset
    }
  }
  return stored
}
