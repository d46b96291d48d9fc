/**
 * EngineService: the contract's server side. It owns one Cluster, validates every request with the
 * shared zod schemas, dispatches it through a handler map with one handler per request name (one
 * file per namespace in ./handlers),
 * converts between the engine's Buffers and the contract's base64 / UTF-8 text, and pushes events
 * (a ClusterSnapshot at most once a second, import progress) to subscribers. produce/send is
 * checked whole and written in chunks by produce-sender.ts; messages/fetch pages are bounded in
 * records and bytes by message-fetcher.ts; searches and exports run in turns of the loop
 * (messages/, served by handlers/messages-handlers.ts).
 *
 * Both hosts run it: the Electron main process inside the engine worker (engine-worker.ts), browser
 * mode in that worker or in-process (web-host.ts); the CLI through LocalEngine (local-engine.ts).
 *
 * Must stay true: `handle` never throws and never rejects: every outcome is a Reply; engine errors
 * keep Kafka's error name as `code`; a payload that fails validation never reaches a handler
 * (code INVALID_REQUEST); the handler map names every request (a missing one is a compile error).
 *
 * The brokers' Kafka listeners, when the host runs them (open-listeners.ts), are given to it: its
 * snapshots show their addresses, states and clients' activity, and it closes them before the cluster.
 */
import type {
  ClusterSnapshot,
  ContractEvents,
  EventName,
  Reply,
  RequestName,
  ResponseOf
} from '../shared/contract'
import { validateRequest } from '../shared/schemas'
import type { ClusterApi } from '../broker/cluster/cluster-api'
import type { BrokerListeners } from '../broker/protocol/network/broker-listeners'
import { toContractError } from './contract-error'
import { SnapshotBuilder } from './snapshot-builder'
import type { HandlerContext, HandlerMap } from './handlers/handler-context'
import { clusterHandlers } from './handlers/cluster-handlers'
import { brokerHandlers } from './handlers/broker-handlers'
import { listenerHandlers } from './handlers/listener-handlers'
import { topicHandlers } from './handlers/topic-handlers'
import { produceHandlers } from './handlers/produce-handlers'
import { messagesHandlers } from './handlers/messages-handlers'
import { groupHandlers } from './handlers/group-handlers'
import { importHandlers } from './handlers/import-handlers'

export { toContractError }

/** An event as it travels: `{ event, payload }`, typed per event name. */
export type EngineEvent = { [E in EventName]: { event: E; payload: ContractEvents[E] } }[EventName]

/** Receives pushed events. */
export type EngineEventListener = (event: EngineEvent) => void

export type { HandlerMap }

/** Options of EngineService. */
export interface EngineServiceOptions {
  /** ms since the epoch; default Date.now. */
  clock?: () => number
  /** Period of snapshot pushes in ms while someone subscribes; at least 1000 (default 1000). */
  snapshotIntervalMs?: number
  /**
   * The brokers' Kafka listeners on this cluster (open-listeners.ts), when the host runs them: the
   * snapshots show their addresses and states, and `close` closes them before the cluster.
   */
  listeners?: BrokerListeners
}

/** Serves the contract over one Cluster. */
export class EngineService {
  private readonly listeners = new Set<EngineEventListener>()
  private readonly snapshots: SnapshotBuilder
  private readonly clock: () => number
  private readonly intervalMs: number
  private timer: ReturnType<typeof setInterval> | null = null
  private closed = false
  private readonly handlers: HandlerMap
  private readonly closeWork: (() => Promise<void> | void)[] = []
  /** The brokers' listeners this service closes before the cluster, or null. */
  readonly brokerListeners: BrokerListeners | null

  /** @param cluster an open cluster; the service closes it in `close()`. */
  constructor(
    readonly cluster: ClusterApi,
    options: EngineServiceOptions = {}
  ) {
    this.clock = options.clock ?? Date.now
    this.intervalMs = Math.max(1000, options.snapshotIntervalMs ?? 1000)
    const listeners = options.listeners
    this.brokerListeners = listeners ?? null
    this.snapshots = new SnapshotBuilder(cluster, this.clock, listeners ?? null)
    this.handlers = this.createHandlers()
  }

  /**
   * Validates `payload` as request `name` and serves it.
   * @returns `{ ok: true, data }` or `{ ok: false, error: { code, message } }`; never rejects.
   */
  async handle<N extends RequestName>(name: N, payload: unknown): Promise<Reply<ResponseOf<N>>>
  async handle(name: string, payload: unknown): Promise<Reply<unknown>>
  async handle(name: string, payload: unknown): Promise<Reply<unknown>> {
    if (this.closed) return { ok: false, error: { code: 'BROKER_NOT_AVAILABLE', message: 'The engine is closed' } }
    const v = validateRequest(name, payload)
    if (!v.ok) return { ok: false, error: { code: v.code, message: v.message } }
    try {
      const handler = this.handlers[name as RequestName] as (req: unknown) => unknown
      const data = await handler(v.value)
      return { ok: true, data }
    } catch (e) {
      return { ok: false, error: toContractError(e) }
    }
  }

  /**
   * Subscribes to pushed events. While at least one listener is subscribed, a snapshot is pushed
   * every `snapshotIntervalMs` (>= 1000 ms). @returns the unsubscribe function.
   */
  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener)
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => this.pushSnapshot(), this.intervalMs)
      this.timer.unref?.()
    }
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stopTimer()
    }
  }

  /** Builds a snapshot and pushes it to every subscriber now (the timer calls this). */
  pushSnapshot(): void {
    if (this.listeners.size === 0 || this.closed) return
    let snapshot: ClusterSnapshot
    try {
      snapshot = this.snapshots.build()
    } catch {
      return // a snapshot failing (e.g. mid-close) is skipped; the next tick tries again
    }
    this.emit({ event: 'snapshot', payload: snapshot })
  }

  /**
   * Stops pushing, runs the handlers' close work (staged import files removed), closes the brokers'
   * listeners (their connections, listeners.json) and closes the cluster (flushes logs and offsets). Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopTimer()
    this.listeners.clear()
    for (const work of this.closeWork) await Promise.resolve(work()).catch(() => undefined)
    await this.brokerListeners?.close().catch(() => undefined)
    await this.cluster.close()
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private emit(event: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event)
      } catch {
        /* a failing listener must not break the others */
      }
    }
  }

  private createHandlers(): HandlerMap {
    const ctx: HandlerContext = {
      cluster: this.cluster,
      clock: this.clock,
      snapshots: this.snapshots,
      listeners: this.brokerListeners,
      emit: (e) => this.emit(e),
      onClose: (work) => void this.closeWork.push(work)
    }
    return {
      ...clusterHandlers(ctx),
      ...brokerHandlers(ctx),
      ...listenerHandlers(ctx),
      ...topicHandlers(ctx),
      ...produceHandlers(ctx),
      ...messagesHandlers(ctx),
      ...groupHandlers(ctx),
      ...importHandlers(ctx)
    }
  }
}
