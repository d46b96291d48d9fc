/**
 * EngineHost: runs the engine in a worker thread (engine-worker.ts, built to
 * out/main/engine-worker.js) so that heavy work (producing 100k records, importing a file) never
 * blocks the thread that serves the window or the WebSocket. It correlates replies to requests by
 * id, forwards pushed events to subscribers, and closes the worker cleanly.
 *
 * The worker runs with V8 resource limits (defaultEngineResourceLimits: a quarter of the machine's
 * memory for its heap, 512 MiB to 4 GiB), so a request that exhausts the engine's heap ends the
 * worker (ERR_WORKER_OUT_OF_MEMORY), never the host process. When the worker ends without being
 * asked to, the host starts it again on the same data directory (the cluster recovers as after a
 * crash), at most `maxRestarts` times within `restartWindowMs` (3 a minute by default), and pushes
 * an `engine/status` event (restarting, running, stopped) that the UI can show.
 *
 * Must stay true: every request settles exactly once: with the worker's reply, or with an
 * ENGINE_STOPPED error reply naming the cause when the worker ends first (out of memory: with the
 * limit in MiB); requests made while the engine restarts or after it stopped are answered
 * ENGINE_STOPPED at once, never queued for a later worker; `handle` never rejects.
 */
import os from 'node:os'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { EngineStatus, Reply } from '../shared/contract'
import type { EngineClient } from './engine-client'
import type { EngineEvent, EngineEventListener } from './engine-service'
import type { EngineWorkerData, FromWorker, ToWorker } from './worker-protocol'
import type { ListenerSettings } from './open-listeners'
import type { RecordedListener } from '../broker/protocol/network/listeners-file'

const MiB = 1024 * 1024

/** Default restart bound: at most this many restarts within DEFAULT_RESTART_WINDOW_MS. */
export const DEFAULT_MAX_RESTARTS = 3
/** Default restart window, in ms (one minute). */
export const DEFAULT_RESTART_WINDOW_MS = 60_000
/** How long `close` waits for the worker to flush and exit before terminating it, in ms. */
const CLOSE_TIMEOUT_MS = 5000

/**
 * The engine worker's young generation, in MiB (V8's new space: two semi-spaces of a third each, and
 * its large-object space). A fetch decodes up to 10,000 records (each an object, a key view and a
 * value view: ~4 MB) that live until the fetch returns; with V8's default for a worker the new space
 * stays small, those records survive scavenge after scavenge, and garbage collection took half of
 * consume's CPU time. Consuming 1,000,000 records (Cluster.fetch of 10,000 at a time, in a worker
 * with these limits, quiet machine, 4 processes of 7 passes each) took a median of 546-1,412 ms of
 * CPU with V8's default and 463-552 ms with 96 MiB (32 MiB semi-spaces); produce did not change.
 */
export const ENGINE_YOUNG_GENERATION_MB = 96

/**
 * Resource limits for the engine worker on a machine with `totalMemoryBytes` of memory: its V8
 * old generation (the heap that holds records, maps and state) may use a quarter of the memory,
 * at least 512 MiB (enough for the engine on any machine that runs the desktop app) and at most
 * 4 GiB (V8's own ceiling on 64-bit hosts); the young generation is ENGINE_YOUNG_GENERATION_MB;
 * the stack stays V8's default.
 * Buffers (record bytes, mapped segments) live outside the V8 heap and are bounded by the
 * requests' byte budgets instead (PRODUCE_SEND_MAX_BYTES, MESSAGES_PAGE_MAX_BYTES).
 */
export function defaultEngineResourceLimits(totalMemoryBytes: number = os.totalmem()): ResourceLimits {
  const quarterMb = Math.floor(totalMemoryBytes / 4 / MiB)
  return { maxOldGenerationSizeMb: Math.min(4096, Math.max(512, quarterMb)), maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB }
}

/** How to start the worker. */
export interface EngineHostOptions {
  /** Path of the worker script (normally out/main/engine-worker.js). */
  workerScript: string
  /** Cluster data directory. */
  dataDir: string
  /** Brokers when the directory is new (default 3). */
  brokers?: number
  /** Start the brokers' Kafka listeners in the worker with these settings (default: none). */
  listeners?: ListenerSettings
  /** Extra Node flags for the worker (e.g. a TypeScript loader when running the .ts entry). */
  execArgv?: string[]
  /** The worker's V8 resource limits (default: defaultEngineResourceLimits()). */
  resourceLimits?: ResourceLimits
  /** Restarts allowed within `restartWindowMs` after the worker ends unexpectedly (default 3; 0: never restart). */
  maxRestarts?: number
  /** Window of the restart bound, in ms (default 60000). */
  restartWindowMs?: number
  /** ms since the epoch, for the restart window and events (default Date.now). */
  clock?: () => number
}

type Settle = (reply: Reply<unknown>) => void

function stopped(message: string): Reply<unknown> {
  return { ok: false, error: { code: 'ENGINE_STOPPED', message } }
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/** The engine in a worker thread. Create with `EngineHost.start(options)`. */
export class EngineHost implements EngineClient {
  private readonly pending = new Map<number, Settle>()
  private readonly closeWaiters = new Map<number, () => void>()
  private readonly listeners = new Set<EngineEventListener>()
  private readonly clock: () => number
  private readonly limits: ResourceLimits
  private readonly restartTimes: number[] = []
  private worker: Worker | null = null
  private nextId = 1
  /** 'starting' until the first worker is ready; then running / restarting / stopped. */
  private state: 'starting' | EngineStatus['state'] = 'starting'
  private lastCause: string | null = null
  private closing: Promise<void> | null = null
  private startedListeners: RecordedListener[] = []

  private constructor(private readonly options: EngineHostOptions) {
    this.clock = options.clock ?? Date.now
    this.limits = options.resourceLimits ?? defaultEngineResourceLimits()
  }

  /**
   * Starts the worker and waits until it has opened the cluster.
   * @throws Error with the worker's message when the cluster cannot be opened or the worker dies.
   */
  static async start(options: EngineHostOptions): Promise<EngineHost> {
    const host = new EngineHost(options)
    await host.spawn()
    host.state = 'running'
    return host
  }

  /**
   * The brokers' listeners as the worker started them (with the `listeners` option; the latest
   * worker's after a restart), e.g. to print the bootstrap string. Empty without listeners.
   */
  get brokerListeners(): RecordedListener[] {
    return this.startedListeners.map((l) => ({ ...l }))
  }

  /** The engine's state now: running, restarting (after an unexpected stop) or stopped. */
  get status(): EngineStatus {
    const state = this.state === 'starting' ? 'restarting' : this.state
    return { state, cause: this.lastCause, restarts: this.restartsInWindow(), at: this.clock() }
  }

  /** Sends one request to the worker; resolves with its Reply (never rejects). */
  handle(name: string, payload: unknown): Promise<Reply<unknown>> {
    const worker = this.worker
    if (this.closing || this.state === 'stopped' || !worker)
      return Promise.resolve(stopped(this.lastCause ? `The engine is not running: ${this.lastCause}` : 'The engine is not running'))
    if (this.state === 'restarting')
      return Promise.resolve(stopped(`The engine is restarting after it stopped: ${this.lastCause ?? 'unknown cause'}; try again when it is running`))
    const id = this.nextId++
    return new Promise<Reply<unknown>>((resolve) => {
      this.pending.set(id, resolve)
      try {
        worker.postMessage({ id, name, payload } satisfies ToWorker)
      } catch (e) {
        this.pending.delete(id)
        resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: `Payload cannot be sent: ${(e as Error).message}` } })
      }
    })
  }

  /** Subscribes to pushed events (the worker's, and engine/status); returns the unsubscribe. */
  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Asks the worker to flush and close the cluster, then waits for the thread to end. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.closing = (async () => {
      const worker = this.worker
      if (!worker) return
      const exited = new Promise<void>((res) => worker.once('exit', () => res()))
      if (this.state === 'running') {
        const id = this.nextId++
        await new Promise<void>((res) => {
          this.closeWaiters.set(id, res)
          worker.once('exit', () => res())
          try {
            worker.postMessage({ id, close: true } satisfies ToWorker)
          } catch {
            res()
          }
        })
        await Promise.race([exited, new Promise((res) => setTimeout(res, CLOSE_TIMEOUT_MS).unref())])
      }
      if (this.worker === worker) await worker.terminate()
    })()
    return this.closing
  }

  /**
   * Starts a worker on the data directory; resolves once it is ready, rejects when it cannot open
   * the cluster or ends first. After the first start, its unexpected end goes to onWorkerEnd.
   */
  private spawn(): Promise<void> {
    const { workerScript, dataDir, brokers, execArgv, listeners } = this.options
    const workerData: EngineWorkerData = { dataDir, brokers, listeners }
    const worker = new Worker(workerScript, { workerData, execArgv, resourceLimits: this.limits })
    this.worker = worker
    return new Promise<void>((resolve, reject) => {
      let ready = false
      let cause: string | null = null
      worker.on('message', (msg: FromWorker) => {
        if (this.worker !== worker) return
        if ('ready' in msg) {
          ready = true
          this.startedListeners = msg.listeners ?? []
          resolve()
        } else if ('fatal' in msg) {
          cause = `the engine could not open ${dataDir}: ${msg.fatal}`
          void worker.terminate()
        } else this.onMessage(msg)
      })
      worker.on('error', (e: Error & { code?: string }) => {
        cause ??=
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the engine ran out of memory (limit ${this.limits.maxOldGenerationSizeMb ?? '?'} MiB)`
            : `the engine worker failed: ${e.message}`
      })
      worker.on('exit', (code) => {
        if (this.worker !== worker) return
        const why = cause ?? `the engine worker exited (code ${code})`
        if (!ready) reject(new Error(capitalized(why.startsWith('the engine could not open') ? why : `${why} before it was ready`)))
        this.onWorkerEnd(why)
      })
    })
  }

  /** The current worker ended: settle what is pending, then restart (within the bound) unless closing. */
  private onWorkerEnd(cause: string): void {
    this.worker = null
    this.lastCause = cause
    const closing = this.closing !== null
    const restart = !closing && this.state !== 'starting' && this.mayRestart()
    const suffix = closing ? '' : restart ? '; the engine is restarting on the same data directory' : ''
    for (const [id, settle] of this.pending) {
      this.pending.delete(id)
      settle(stopped(`${capitalized(cause)} before answering this request${suffix}`))
    }
    for (const res of this.closeWaiters.values()) res()
    this.closeWaiters.clear()
    if (closing || this.state === 'starting') {
      this.state = 'stopped'
      return
    }
    if (!restart) {
      this.state = 'stopped'
      const bound = `${this.options.maxRestarts ?? DEFAULT_MAX_RESTARTS} restarts within ${(this.options.restartWindowMs ?? DEFAULT_RESTART_WINDOW_MS) / 1000} s`
      this.lastCause = `${cause} (not restarted: ${bound} already)`
      this.emitStatus()
      return
    }
    this.restartTimes.push(this.clock())
    this.state = 'restarting'
    this.emitStatus()
    this.spawn().then(
      () => {
        if (this.closing) return
        this.state = 'running'
        this.emitStatus()
      },
      () => undefined // its end was reported by onWorkerEnd (which restarts again within the bound)
    )
  }

  private restartsInWindow(): number {
    const windowMs = this.options.restartWindowMs ?? DEFAULT_RESTART_WINDOW_MS
    const now = this.clock()
    while (this.restartTimes.length && now - this.restartTimes[0] >= windowMs) this.restartTimes.shift()
    return this.restartTimes.length
  }

  private mayRestart(): boolean {
    return this.restartsInWindow() < (this.options.maxRestarts ?? DEFAULT_MAX_RESTARTS)
  }

  private emitStatus(): void {
    this.emit({ event: 'engine/status', payload: this.status })
  }

  private emit(event: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event)
      } catch {
        /* one listener failing must not stop the others */
      }
    }
  }

  private onMessage(msg: FromWorker): void {
    if ('reply' in msg) {
      const settle = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      settle?.(msg.reply)
    } else if ('closed' in msg) {
      this.closeWaiters.get(msg.id)?.()
      this.closeWaiters.delete(msg.id)
    } else if ('event' in msg) this.emit(msg)
  }
}
