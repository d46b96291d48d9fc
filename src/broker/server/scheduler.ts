/**
 * Scheduler: the brokers' background work on the engine's event loop (after Kafka's KafkaScheduler):
 * a periodic tick (ISR expiration, offline replicas tried again, the log managers' flush, retention
 * and cleaning, the leader rebalance) and replication rounds run as soon as possible after an append
 * (setImmediate), coalesced. A failing step is reported, never thrown into the loop.
 *
 * Must stay true: nothing runs after stop(); at most one replication round is pending; the timer
 * never keeps the process alive (unref).
 */

/** The background work of a cluster. */
export class Scheduler {
  private ticker: NodeJS.Timeout | null = null
  private round: NodeJS.Immediate | null = null
  private stopped = false

  /**
   * @param tick the periodic work. @param replicate one replication round.
   * @param onError where a failing step's error goes.
   */
  constructor(
    private readonly tick: () => void,
    private readonly replicate: () => void,
    private readonly onError: (err: unknown) => void
  ) {}

  /** Starts the periodic tick every `everyMs` ms. */
  start(everyMs: number): void {
    if (this.stopped || this.ticker) return
    this.ticker = setInterval(() => this.run(this.tick), everyMs)
    this.ticker.unref()
  }

  /** Runs a replication round soon (once, however often it is asked before it runs). */
  scheduleReplication(): void {
    if (this.stopped || this.round || !this.ticker) return
    this.round = setImmediate(() => {
      this.round = null
      this.run(this.replicate)
    })
  }

  /** Runs `step`, reporting its failure. */
  run(step: () => void): void {
    try {
      step()
    } catch (e) {
      this.onError(e)
    }
  }

  /** Stops everything; idempotent. */
  stop(): void {
    this.stopped = true
    if (this.ticker) clearInterval(this.ticker)
    if (this.round) clearImmediate(this.round)
    this.ticker = null
    this.round = null
  }
}
