/**
 * DelayedProduce: an acks=all produce (or an offset commit, which Kafka's coordinator appends with
 * acks=-1) waiting until the high watermark of every partition it wrote has passed its last offset,
 * as Kafka's DelayedProduce waits in the produce purgatory, keyed by partition.
 *
 * Must stay true: a wait settles exactly once: resolved when every partition's high watermark passed
 * its offset; rejected with the first error a partition reports (NOT_LEADER_OR_FOLLOWER when
 * leadership moved, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas,
 * BROKER_NOT_AVAILABLE at close) or with REQUEST_TIMED_OUT after the timeout; its timer never
 * outlives it.
 */
import { KafkaError } from '../model/errors'

/** A partition a produce can wait on (the leader's Partition). */
export interface HighWatermarkWaitable {
  /** Calls `settle(null)` once the high watermark passed `lastOffset`, or `settle(error)`; returns a cancel. */
  waitForHighWatermark(lastOffset: number, settle: (err: KafkaError | null) => void): () => void
}

/** The timers of pending waits, so a closing cluster can clear them all. */
export class DelayedProducePurgatory {
  private readonly timers = new Set<NodeJS.Timeout>()

  /**
   * Resolves once each `partition` has its high watermark past `lastOffset`; see the module header.
   * @param timeoutMs the produce's timeout (request.timeout.ms), ms.
   * @param timeoutMessage the REQUEST_TIMED_OUT message.
   */
  await(waits: { partition: HighWatermarkWaitable; lastOffset: number }[], timeoutMs: number, timeoutMessage: string): Promise<void> {
    if (waits.length === 0) return Promise.resolve()
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
          reject(err)
        } else if (--remaining === 0) {
          done()
          resolve()
        }
      }
      const timer = setTimeout(() => finish(new KafkaError('REQUEST_TIMED_OUT', timeoutMessage)), timeoutMs)
      this.timers.add(timer)
      for (const w of waits) cancels.push(w.partition.waitForHighWatermark(w.lastOffset, finish))
    })
  }

  /** Clears every pending timer (the cluster closes; the partitions fail their waiters themselves). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}
