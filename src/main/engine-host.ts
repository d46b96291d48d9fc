/**
 * EngineHost: runs the engine in a worker thread (engine-worker.ts, built to
 * out/main/engine-worker.js) so that heavy work (producing 100k records, importing a file) never
 * blocks the thread that serves the window or the WebSocket. It correlates replies to requests by
 * id, forwards pushed events to subscribers, and closes the worker cleanly.
 *
 * Must stay true: every request settles exactly once: with the worker's reply, or with an
 * ENGINE_STOPPED error reply when the worker exits first; `handle` never rejects.
 */
import { Worker } from 'node:worker_threads'
import type { Reply } from '../shared/contract'
import type { EngineClient } from './engine-client'
import type { EngineEventListener } from './engine-service'
import type { EngineWorkerData, FromWorker, ToWorker } from './worker-protocol'

/** How to start the worker. */
export interface EngineHostOptions {
  /** Path of the worker script (normally out/main/engine-worker.js). */
  workerScript: string
  /** Cluster data directory. */
  dataDir: string
  /** Brokers when the directory is new (default 3). */
  brokers?: number
  /** Extra Node flags for the worker (e.g. a TypeScript loader when running the .ts entry). */
  execArgv?: string[]
}

type Settle = (reply: Reply<unknown>) => void

/** The engine in a worker thread. Create with `EngineHost.start(options)`. */
export class EngineHost implements EngineClient {
  private readonly pending = new Map<number, Settle>()
  private readonly closeWaiters = new Map<number, () => void>()
  private readonly listeners = new Set<EngineEventListener>()
  private nextId = 1
  private exited = false
  private closing: Promise<void> | null = null

  private constructor(private readonly worker: Worker) {}

  /**
   * Starts the worker and waits until it has opened the cluster.
   * @throws Error with the worker's message when the cluster cannot be opened or the worker dies.
   */
  static start(options: EngineHostOptions): Promise<EngineHost> {
    const workerData: EngineWorkerData = { dataDir: options.dataDir, brokers: options.brokers }
    const worker = new Worker(options.workerScript, { workerData, execArgv: options.execArgv })
    const host = new EngineHost(worker)
    return new Promise<EngineHost>((resolve, reject) => {
      let started = false
      worker.on('message', (msg: FromWorker) => {
        if ('ready' in msg) {
          started = true
          resolve(host)
        } else if ('fatal' in msg) {
          reject(new Error(`The engine could not open ${options.dataDir}: ${msg.fatal}`))
          void worker.terminate()
        } else host.onMessage(msg)
      })
      worker.on('error', (e) => {
        if (!started) reject(e)
        host.onExit(`The engine worker failed: ${e.message}`)
      })
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`The engine worker exited with code ${code} before it was ready`))
        host.onExit(`The engine worker exited (code ${code})`)
      })
    })
  }

  /** Sends one request to the worker; resolves with its Reply (never rejects). */
  handle(name: string, payload: unknown): Promise<Reply<unknown>> {
    if (this.exited || this.closing)
      return Promise.resolve({ ok: false, error: { code: 'ENGINE_STOPPED', message: 'The engine is not running' } })
    const id = this.nextId++
    return new Promise<Reply<unknown>>((resolve) => {
      this.pending.set(id, resolve)
      try {
        this.worker.postMessage({ id, name, payload } satisfies ToWorker)
      } catch (e) {
        this.pending.delete(id)
        resolve({ ok: false, error: { code: 'INVALID_REQUEST', message: `Payload cannot be sent: ${(e as Error).message}` } })
      }
    })
  }

  /** Subscribes to pushed events; returns the unsubscribe. */
  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Asks the worker to flush and close the cluster, then waits for the thread to end. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.closing = (async () => {
      if (this.exited) return
      const id = this.nextId++
      const exited = new Promise<void>((res) => this.worker.once('exit', () => res()))
      await new Promise<void>((res) => {
        this.closeWaiters.set(id, res)
        this.worker.postMessage({ id, close: true } satisfies ToWorker)
        this.worker.once('exit', () => res())
      })
      await Promise.race([exited, new Promise((res) => setTimeout(res, 5000).unref())])
      if (!this.exited) await this.worker.terminate()
    })()
    return this.closing
  }

  private onMessage(msg: FromWorker): void {
    if ('reply' in msg) {
      const settle = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      settle?.(msg.reply)
    } else if ('closed' in msg) {
      this.closeWaiters.get(msg.id)?.()
      this.closeWaiters.delete(msg.id)
    } else if ('event' in msg) {
      for (const l of [...this.listeners]) {
        try {
          l(msg)
        } catch {
          /* one listener failing must not stop the others */
        }
      }
    }
  }

  private onExit(message: string): void {
    if (this.exited) return
    this.exited = true
    for (const [id, settle] of this.pending) {
      this.pending.delete(id)
      settle({ ok: false, error: { code: 'ENGINE_STOPPED', message } })
    }
    for (const res of this.closeWaiters.values()) res()
    this.closeWaiters.clear()
  }
}
