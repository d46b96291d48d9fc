/**
 * AckWaitTracker: what an acks=all produce waited for in the produce purgatory (./delayed-produce.ts),
 * so a user can see why it took long: per partition, which followers of the ISR it started with had
 * not fetched up to its last offset, when each one did (or that it never did), whether it fetched at
 * all, and when one left the ISR (Kafka drops a follower that has not caught up within
 * replica.lag.time.max.ms, and the wait then ends without it).
 *
 * Must stay true: it only reads the leader's Partition (its registration and what it knows of each
 * follower's log end offset) and never changes it; times are the cluster's injected clock (ms),
 * relative to when the wait began; a partition that does not expose that state (e.g. a stand-in in a
 * test) reports no followers.
 */

/** One follower that was in the ISR when the wait began. */
export interface AckWaitFollower {
  brokerId: number
  /** When the leader learned it had fetched past the awaited offset, ms after the wait began; null when it had not by the end. */
  reachedAfterMs: number | null
  /** Whether its log end offset (as the leader knows it) moved during the wait: false = it was not fetching. */
  fetched: boolean
  /** When it left the ISR, ms after the wait began; null when it stayed in. */
  leftIsrAfterMs: number | null
}

/** What the wait on one partition's leader saw. */
export interface AckWaitPartition {
  topic: string
  partition: number
  /** The offset whose replication it waited for (the last offset appended there). */
  lastOffset: number
  /** The ISR when the wait began and when it ended (broker ids, the leader included). */
  isrAtStart: number[]
  isrAtEnd: number[]
  /** The ISR's followers when the wait began, in ISR order. */
  followers: AckWaitFollower[]
}

/** What one acks=all wait waited for (Kafka's DelayedProduce), reported when it settles. */
export interface AckWaitReport {
  /** How long the produce waited for the ISR, ms (cluster clock). */
  waitedMs: number
  /** null when every partition's high watermark passed its offset; else the Kafka error name it ended with (REQUEST_TIMED_OUT, ...). */
  error: string | null
  /** The cluster's replica.lag.time.max.ms (ms): how long a follower may lag before it leaves the ISR. */
  replicaLagTimeMaxMs: number
  partitions: AckWaitPartition[]
}

/** The leader state the tracker reads (Partition has it). */
export interface AckWaitObservable {
  readonly topic: string
  readonly id: number
  readonly brokerId: number
  readonly registration: { isr: number[] }
  /** The log end offset the leader knows for replica `b` (-1 unknown). */
  knownEndOffset(b: number): number
}

function observable(p: unknown): p is AckWaitObservable {
  return typeof p === 'object' && p !== null && typeof (p as AckWaitObservable).knownEndOffset === 'function' && 'registration' in p
}

interface FollowerState {
  brokerId: number
  startEnd: number
  reachedAt: number | null
  fetched: boolean
  leftAt: number | null
}

interface Watched {
  p: AckWaitObservable | null
  lastOffset: number
  isrAtStart: number[]
  followers: FollowerState[]
}

/** Follows one wait from its start to its report. Not thread-safe: the engine's event loop owns it. */
export class AckWaitTracker {
  private readonly startedMs: number
  private readonly watched: Watched[]

  /**
   * Snapshots each partition's ISR and followers' positions now.
   * @param waits the leader partitions waited on and the offset awaited on each.
   * @param clock the cluster clock, ms.
   */
  constructor(
    waits: { partition: unknown; lastOffset: number }[],
    private readonly clock: () => number
  ) {
    this.startedMs = clock()
    this.watched = waits.map((w) => {
      if (!observable(w.partition)) return { p: null, lastOffset: w.lastOffset, isrAtStart: [], followers: [] }
      const p = w.partition
      const isr = [...p.registration.isr]
      const followers = isr
        .filter((b) => b !== p.brokerId)
        .map((b) => ({ brokerId: b, startEnd: p.knownEndOffset(b), reachedAt: null, fetched: false, leftAt: null }))
      return { p, lastOffset: w.lastOffset, isrAtStart: isr, followers }
    })
    this.observe()
  }

  /**
   * Notes what changed since the last look (a follower fetched, the ISR changed) on the partition
   * of `waits[index]`, or on every one when `index` is absent.
   */
  observe(index?: number): void {
    const now = this.clock()
    for (const w of index === undefined ? this.watched : [this.watched[index]]) {
      if (!w?.p) continue
      const isr = w.p.registration.isr
      for (const f of w.followers) {
        const end = w.p.knownEndOffset(f.brokerId)
        if (end !== f.startEnd) f.fetched = true
        if (f.reachedAt === null && end > w.lastOffset) f.reachedAt = now
        if (f.leftAt === null && !isr.includes(f.brokerId)) f.leftAt = now
      }
    }
  }

  /** The report as the wait ends now, with `error` (a Kafka error name) or null. */
  report(error: string | null, replicaLagTimeMaxMs: number): AckWaitReport {
    this.observe()
    const t0 = this.startedMs
    return {
      waitedMs: this.clock() - t0,
      error,
      replicaLagTimeMaxMs,
      partitions: this.watched.map((w) => ({
        topic: w.p?.topic ?? '',
        partition: w.p?.id ?? -1,
        lastOffset: w.lastOffset,
        isrAtStart: w.isrAtStart,
        isrAtEnd: w.p ? [...w.p.registration.isr] : [],
        followers: w.followers.map((f) => ({
          brokerId: f.brokerId,
          reachedAfterMs: f.reachedAt === null ? null : f.reachedAt - t0,
          fetched: f.fetched,
          leftIsrAfterMs: f.leftAt === null ? null : f.leftAt - t0
        }))
      }))
    }
  }
}
