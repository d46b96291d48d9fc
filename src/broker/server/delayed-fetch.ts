/**
 * DelayedFetch: a consumer's fetch that waits for `fetch.min.bytes` (the request's min_bytes) for at
 * most its max_wait_ms, as Kafka's DelayedFetch waits in the fetch purgatory: it is tried at once;
 * when not satisfied it watches the partitions it reads (woken when a high watermark moves, or when
 * leadership or the partition changes) and is tried again at each wake; at the timeout it is read
 * one last time and answered with whatever there is.
 *
 * Must stay true: a delayed fetch settles exactly once; every watch it registered is cancelled when
 * it settles; its timer never outlives it; nothing here blocks the engine's loop (each try is one
 * synchronous read, done after the step that woke it, in a microtask, or in a timer callback); `clear()` settles every
 * pending fetch with a last read (the cluster or the listener closes).
 */

/** One try of a delayed fetch. */
export interface FetchAttempt<T> {
  /** The answer as it would be now. */
  result: T
  /** Bytes of records it holds. */
  bytes: number
  /** True when it must be answered now whatever its bytes (a partition's error, a divergence). */
  complete: boolean
}

/** What a delayed fetch does. */
export interface DelayedFetchOperation<T> {
  /** Answer once this many bytes are available. */
  minBytes: number
  /** The longest wait, ms. */
  maxWaitMs: number
  /** Reads every partition now (one synchronous step). */
  read(): FetchAttempt<T>
  /** Registers `wake` on every partition it reads; returns the cancel of those watches. */
  watch(wake: () => void): () => void
}

/** How the purgatory waits: setTimeout by default; tests inject a manual timer. */
export interface FetchTimer {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const REAL_TIMER: FetchTimer = {
  // unref: a waiting fetch never keeps the process alive (its listener or cluster may be closing)
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout)
}

/** Kafka's fetch purgatory, for consumers' fetches. */
export class DelayedFetchPurgatory {
  private readonly pending = new Set<() => void>()

  constructor(private readonly timer: FetchTimer = REAL_TIMER) {}

  /** Fetches waiting now. */
  get size(): number {
    return this.pending.size
  }

  /**
   * Runs `op` (see the module header): resolves with the first attempt that holds at least minBytes
   * bytes or is complete, or with the last read at maxWaitMs. Rejects only when a read throws.
   */
  fetch<T>(op: DelayedFetchOperation<T>): Promise<T> {
    let first: FetchAttempt<T>
    try {
      first = op.read()
    } catch (e) {
      return Promise.reject(e)
    }
    if (first.complete || op.maxWaitMs <= 0 || first.bytes >= Math.max(1, op.minBytes)) return Promise.resolve(first.result)
    return new Promise<T>((resolve, reject) => {
      let settled = false
      let cancelWatch: (() => void) | null = null
      let handle: unknown = null
      const settle = (final: boolean): void => {
        if (settled) return
        let a: FetchAttempt<T>
        try {
          a = op.read()
        } catch (e) {
          finish()
          reject(e)
          return
        }
        if (final || a.complete || a.bytes >= Math.max(1, op.minBytes)) {
          finish()
          resolve(a.result)
          return
        }
        // not yet: watch again (a wake consumes its watches)
        cancelWatch?.()
        cancelWatch = op.watch(wake)
      }
      const finish = (): void => {
        settled = true
        cancelWatch?.()
        cancelWatch = null
        if (handle !== null) this.timer.clear(handle)
        this.pending.delete(onClear)
      }
      const onClear = (): void => settle(true)
      this.pending.add(onClear)
      // a wake may come inside the engine step that moved a high watermark: try again after it
      const wake = (): void => queueMicrotask(() => settle(false))
      handle = this.timer.set(() => settle(true), op.maxWaitMs)
      cancelWatch = op.watch(wake)
    })
  }

  /** Answers every pending fetch now with a last read (close). */
  clear(): void {
    for (const f of [...this.pending]) f()
  }
}
