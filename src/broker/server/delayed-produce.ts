/**
 * DelayedProduce: an acks=all produce (or an offset commit, which Kafka's coordinator appends with
 * acks=-1) waiting until the high watermark of every partition it wrote has passed its last offset,
 * as Kafka's DelayedProduce waits in the produce purgatory, keyed by partition.
 *
 * Must stay true: a wait settles exactly once: resolved when every partition's high watermark passed
 * its offset; rejected with the first error a partition reports (NOT_LEADER_OR_FOLLOWER when
 * leadership moved, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas,
 * BROKER_NOT_AVAILABLE at close) or with REQUEST_TIMED_OUT after the timeout; its timer never
 * outlives it. A caller that asks for it gets, as the wait settles, what it waited for
 * (./ack-wait-report.ts: how long, which ISR followers had not fetched, which left the ISR); waits
 * that do not ask pay nothing for it.
 */
import { KafkaError } from '../model/errors'
import { AckWaitTracker, type AckWaitReport } from './ack-wait-report'

/** A partition a produce can wait on (the leader's Partition). */
export interface HighWatermarkWaitable {
  /**
   * Calls `settle(null)` once the high watermark passed `lastOffset`, or `settle(error)`; returns a
   * cancel. `progress`, when given, is called while it waits whenever the partition's high watermark
   * or ISR may have moved (a follower fetched, the ISR changed).
   */
  waitForHighWatermark(lastOffset: number, settle: (err: KafkaError | null) => void, progress?: () => void): () => void
}

/** Options of the purgatory (a cluster's). */
export interface DelayedProduceOptions {
  /** The cluster clock, ms (default Date.now): what wait reports measure with. */
  clock?: () => number
  /** replica.lag.time.max.ms (ms), carried into wait reports (default 30000, Kafka's). */
  replicaLagTimeMaxMs?: number
}

/** The timers of pending waits, so a closing cluster can clear them all. */
export class DelayedProducePurgatory {
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly clock: () => number
  private readonly replicaLagTimeMaxMs: number

  constructor(opts: DelayedProduceOptions = {}) {
    this.clock = opts.clock ?? Date.now
    this.replicaLagTimeMaxMs = opts.replicaLagTimeMaxMs ?? 30000
  }

  /**
   * Resolves once each `partition` has its high watermark past `lastOffset`; see the module header.
   * @param timeoutMs the produce's timeout (request.timeout.ms), ms.
   * @param timeoutMessage the REQUEST_TIMED_OUT message.
   * @param onReport called once as the wait settles (resolved or rejected) with what it waited for.
   */
  await(
    waits: { partition: HighWatermarkWaitable; lastOffset: number }[],
    timeoutMs: number,
    timeoutMessage: string,
    onReport?: (report: AckWaitReport) => void
  ): Promise<void> {
    if (waits.length === 0) return Promise.resolve()
    const tracker = onReport ? new AckWaitTracker(waits, this.clock) : null
    const report = (err: KafkaError | null): void => {
      if (tracker && onReport) onReport(tracker.report(err ? err.code : null, this.replicaLagTimeMaxMs))
    }
    return new Promise<void>((resolve, reject) => {
      let remaining = waits.length
      const cancels: (() => void)[] = []
      let settled = false
      const done = (): void => {
        settled = true
        clearTimeout(timer)
        this.timers.delete(timer)
      }
      const finish = (err: KafkaError | null): void => {
        if (settled) return
        if (err) {
          done()
          for (const c of cancels) c()
          report(err)
          reject(err)
        } else if (--remaining === 0) {
          done()
          report(null)
          resolve()
        }
      }
      const timer = setTimeout(() => finish(new KafkaError('REQUEST_TIMED_OUT', timeoutMessage)), timeoutMs)
      this.timers.add(timer)
      waits.forEach((w, i) => cancels.push(w.partition.waitForHighWatermark(w.lastOffset, finish, tracker ? () => tracker.observe(i) : undefined)))
    })
  }

  /** Clears every pending timer (the cluster closes; the partitions fail their waiters themselves). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
