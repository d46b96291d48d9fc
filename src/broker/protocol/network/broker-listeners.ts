/**
 * BrokerListeners: the cluster's listeners, one SocketServer per broker, following the brokers'
 * lifecycle (Kafka's `listeners=PLAINTEXT://127.0.0.1:9092` of each broker). Broker ids 1..n listen
 * on host 127.0.0.1 (or the host given) at ports base, base+1, ... (base 9092 by default, as the UI
 * labels them), or with base 0 each on a free port, which is then what is advertised. A broker whose
 * port cannot be bound (in use) has its listener down, with a message naming the port, the broker
 * and how to change it, while the other brokers' listeners start; stopping a broker
 * (broker-stopped event) or killing it (broker-killed) closes its listener and its connections, starting it (broker-started)
 * opens it again (and retries a port that was in use). A listener that is down stays down (no retry
 * loop) until its broker restarts or `rebind` moves the listeners to another base port, which
 * closes every listener with its connections and opens the running brokers' on the new ports. The
 * frame handler of each broker comes from
 * the caller's factory, so the protocol's request handling plugs in without this file changing.
 *
 * With `dataDir`, the listeners are recorded in `<dataDir>/listeners.json` (listeners-file.ts)
 * whenever they change, and the file is removed at close.
 *
 * Must stay true: cluster events are only noted in the emitting step (the cluster's state has one
 * owner); listeners open and close afterwards, one change at a time in event order (a queue); a
 * failure to bind or to record never throws out of a cluster step; `close()` closes every listener
 * and every connection and removes the record.
 */
import { KafkaError } from '../../model/errors'
import type { FrameHandler } from '../frame-handler'
import type { BrokerActivity } from '../request-metrics'
import { hostPort, removeListenersFile, writeListenersFile, type RecordedListener } from './listeners-file'
import { ListenError, SocketServer, type NetworkTimer, type SocketServerLimits } from './socket-server'

/** Kafka's default port: broker 1 listens on it, broker n on DEFAULT_BASE_PORT + n - 1. */
export const DEFAULT_BASE_PORT = 9092
/** Listeners bind to loopback unless the user asks for another address. */
export const DEFAULT_LISTENER_HOST = '127.0.0.1'

/** What the listeners need of the cluster: its brokers and its events (a ClusterApi has both). */
export interface BrokerLifecycle {
  brokers(): { id: number; alive: boolean }[]
  onEvent(listener: (event: { kind: string; brokerId?: number }) => void): () => void
}

/**
 * Makes the FrameHandler of broker `brokerId`'s listener (KafkaApis; a stand-in until it is served),
 * each time that listener opens. `listeners` gives the bound addresses at request time (what
 * Metadata advertises).
 */
export type FrameHandlerFactory = (brokerId: number, listeners: BrokerListeners) => FrameHandler

/** A broker's listener now: listening (host:port bound), down (could not bind: `error`), stopped (the broker is stopped). */
export type ListenerStatus = RecordedListener

/** How to run the listeners. */
export interface BrokerListenersOptions extends SocketServerLimits {
  /** Address to bind (default 127.0.0.1). */
  host?: string
  /** Port of the first broker (default 9092); 0: each broker on a free port. */
  basePort?: number
  handlerFor: FrameHandlerFactory
  /** How the user changes the ports, for the port-in-use message (default "choose another base port"), e.g. "start with --port BASE". */
  portHint?: string
  /** Record the listeners in `<dataDir>/listeners.json` (and remove it at close). */
  dataDir?: string
  /** Log lines: listeners up, down, closed connections (default console.warn). */
  log?: (line: string) => void
  /** Called after each change of the statuses (a listener opened, down, closed). */
  onChange?: (statuses: ListenerStatus[]) => void
  clock?: () => number
  timer?: NetworkTimer
}

/**
 * Why `basePort` cannot serve `brokers` brokers (ports base..base+brokers-1 within 1..65535), or null.
 * Base 0 (free ports) is always allowed.
 */
export function basePortProblem(basePort: number, brokers: number): string | null {
  if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65535) return `the base port must be an integer from 0 to 65535, got ${basePort}`
  if (basePort !== 0 && basePort + brokers - 1 > 65535)
    return `the base port must be at most ${65536 - brokers} for ${brokers} brokers (they listen on ports base to base+${brokers - 1}, and 65535 is the highest port), got ${basePort}`
  return null
}

/** The listeners of one cluster. Create with `BrokerListeners.start`, always `await close()`. */
export class BrokerListeners {
  private readonly servers = new Map<number, SocketServer>()
  private readonly status = new Map<number, ListenerStatus>()
  private readonly lastBoundPort = new Map<number, number>()
  private readonly handlers = new Map<number, FrameHandler>()
  /** Brokers stopped or started since the last reconcile: a listener of theirs that is down is retried. */
  private readonly restarted = new Set<number>()
  private readonly host: string
  private basePort: number
  private readonly log: (line: string) => void
  private readonly unsubscribe: () => void
  private queue: Promise<void> = Promise.resolve()
  private closing: Promise<void> | null = null

  private constructor(
    private readonly cluster: BrokerLifecycle,
    private readonly opts: BrokerListenersOptions
  ) {
    this.host = opts.host ?? DEFAULT_LISTENER_HOST
    this.basePort = opts.basePort ?? DEFAULT_BASE_PORT
    this.log = opts.log ?? ((line) => console.warn(line))
    this.unsubscribe = cluster.onEvent((e) => {
      if (e.kind === 'broker-stopped' || e.kind === 'broker-started' || e.kind === 'broker-killed') {
        if (e.brokerId !== undefined) this.restarted.add(e.brokerId)
        this.schedule()
      }
    })
  }

  /**
   * Starts a listener for every running broker and resolves once each is listening or down.
   * @throws KafkaError INVALID_REQUEST when the base port cannot serve the cluster's brokers (see basePortProblem).
   */
  static async start(cluster: BrokerLifecycle, opts: BrokerListenersOptions): Promise<BrokerListeners> {
    const problem = basePortProblem(opts.basePort ?? DEFAULT_BASE_PORT, cluster.brokers().length)
    if (problem) throw new KafkaError('INVALID_REQUEST', `Cannot start the brokers' listeners: ${problem}`)
    const listeners = new BrokerListeners(cluster, opts)
    listeners.schedule()
    await listeners.settled()
    return listeners
  }

  /** Every broker's listener, by broker id. */
  statuses(): ListenerStatus[] {
    return [...this.status.values()].sort((a, b) => a.brokerId - b.brokerId).map((s) => ({ ...s }))
  }

  /** The data directory the listeners are recorded in (`dataDir` option), or null. */
  dataDir(): string | null {
    return this.opts.dataDir ?? null
  }

  /** The base port the listeners are configured with now (0: free ports). */
  configuredBasePort(): number {
    return this.basePort
  }

  /**
   * Moves the listeners to ports basePort, basePort+1, ... (0: free ports): closes every listener
   * and its connections, then opens each running broker's on its new port (one that cannot be
   * bound is down, with the reason, until the next rebind or its broker's restart). Queued after
   * the changes noted so far.
   * @returns every broker's listener after the move.
   * @throws KafkaError INVALID_REQUEST when the base port cannot serve the brokers (see basePortProblem), or once closed.
   */
  async rebind(basePort: number): Promise<ListenerStatus[]> {
    const problem = basePortProblem(basePort, this.cluster.brokers().length)
    if (problem) throw new KafkaError('INVALID_REQUEST', `Cannot move the brokers' listeners: ${problem}`)
    if (this.closing) throw new KafkaError('INVALID_REQUEST', "Cannot move the brokers' listeners: they are closed")
    const move = this.queue.then(async () => {
      if (this.closing) return
      const open = [...this.servers.values()]
      this.servers.clear()
      await Promise.all(open.map((s) => s.close()))
      this.basePort = basePort
      this.lastBoundPort.clear()
      this.status.clear()
      this.log(`Brokers' listeners moving to base port ${basePort}${basePort === 0 ? ' (free ports)' : ''}`)
      await this.reconcile()
    })
    this.queue = move.catch((e: unknown) => this.log(`Brokers' listeners: ${(e as Error).message ?? String(e)}`))
    await move
    return this.statuses()
  }

  /** The bound address of each listening broker (broker id -> host and port), for Metadata and the UI. */
  addresses(): Map<number, { host: string; port: number }> {
    const out = new Map<number, { host: string; port: number }>()
    for (const s of this.statuses()) if (s.state === 'listening') out.set(s.brokerId, { host: s.host, port: s.port })
    return out
  }

  /** The listening brokers as a Kafka bootstrap string, e.g. "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094". */
  bootstrapServers(): string {
    return [...this.addresses().values()].map((a) => hostPort(a.host, a.port)).join(',')
  }

  /** Broker `brokerId`'s listener while it listens (connection counters for tests and diagnostics), else null. */
  server(brokerId: number): SocketServer | null {
    return this.servers.get(brokerId) ?? null
  }

  /**
   * What broker `brokerId`'s clients do (connected clients, requests by API, errors by code), from
   * the FrameHandler its listener was last opened with (kept after the listener closes: the meters
   * stay, the clients are gone), or null before it ever opened or when that handler keeps none.
   */
  activity(brokerId: number): BrokerActivity | null {
    return this.handlers.get(brokerId)?.activity?.() ?? null
  }

  /** Resolves once every change noted so far (broker stopped or started) is applied. */
  settled(): Promise<void> {
    return this.queue
  }

  /** Closes every listener and connection and removes the listeners record. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.unsubscribe()
    this.closing = this.queue.then(async () => {
      await Promise.all([...this.servers.values()].map((s) => s.close()))
      this.servers.clear()
      if (this.opts.dataDir) removeListenersFile(this.opts.dataDir)
    })
    return this.closing
  }

  /** Queues a reconcile of listeners with the brokers' running state. */
  private schedule(): void {
    this.queue = this.queue.then(() => this.reconcile()).catch((e: unknown) => this.log(`Brokers' listeners: ${(e as Error).message ?? String(e)}`))
  }

  private configuredPort(index: number): number {
    return this.basePort === 0 ? 0 : this.basePort + index
  }

  private async reconcile(): Promise<void> {
    if (this.closing) return
    let brokers: { id: number; alive: boolean }[]
    try {
      brokers = [...this.cluster.brokers()].sort((a, b) => a.id - b.id)
    } catch {
      return // the cluster closed meanwhile
    }
    let changed = false
    for (const [index, b] of brokers.entries()) {
      const server = this.servers.get(b.id)
      const retry = this.restarted.delete(b.id)
      if (b.alive && !server && this.status.get(b.id)?.state === 'down' && !retry) {
        continue // down (its port could not be bound): retried on its broker's restart or a rebind, not on another broker's change
      } else if (b.alive && !server) {
        await this.open(b.id, index)
        changed = true
      } else if (!b.alive && server) {
        this.servers.delete(b.id)
        await server.close()
        this.status.set(b.id, { brokerId: b.id, host: this.host, port: server.port, state: 'stopped', error: null })
        this.log(`Broker ${b.id} stopped: its listener ${server.address} is closed, with its connections`)
        changed = true
      } else if (!b.alive && this.status.get(b.id)?.state !== 'stopped') {
        this.status.set(b.id, { brokerId: b.id, host: this.host, port: this.lastBoundPort.get(b.id) ?? this.configuredPort(index), state: 'stopped', error: null })
        changed = true
      }
    }
    if (changed && !this.closing) this.changed()
  }

  /** Opens broker `id`'s listener; a port that cannot be bound leaves it down with the reason. */
  private async open(id: number, index: number): Promise<void> {
    const wanted = this.configuredPort(index)
    // With free ports, a restarted broker gets its previous port back when it is still free.
    const tries = wanted === 0 && this.lastBoundPort.has(id) ? [this.lastBoundPort.get(id)!, 0] : [wanted]
    let failure: ListenError | null = null
    for (const port of tries) {
      const handler = this.opts.handlerFor(id, this)
      this.handlers.set(id, handler)
      const server = new SocketServer({
        brokerId: id,
        host: this.host,
        port,
        handler,
        maxRequestBytes: this.opts.maxRequestBytes,
        maxConnections: this.opts.maxConnections,
        connectionsMaxIdleMs: this.opts.connectionsMaxIdleMs,
        maxBufferedBytes: this.opts.maxBufferedBytes,
        clock: this.opts.clock,
        timer: this.opts.timer,
        log: this.log
      })
      try {
        await server.start()
      } catch (e) {
        await server.close()
        if (!(e instanceof ListenError)) throw e
        failure = e
        continue
      }
      if (this.closing) {
        await server.close()
        return
      }
      this.servers.set(id, server)
      this.lastBoundPort.set(id, server.port)
      this.status.set(id, { brokerId: id, host: this.host, port: server.port, state: 'listening', error: null })
      return
    }
    const f = failure!
    const hint = this.opts.portHint ?? 'choose another base port'
    const how = f.code === 'EADDRINUSE' ? `${hint}, or stop the program that uses port ${f.port}` : hint
    const error = `Broker ${id} ${f.message}. Its listener is down (the broker runs, but clients cannot reach it); the other brokers' listeners are not affected. To change the ports: ${how}.`
    this.status.set(id, { brokerId: id, host: this.host, port: f.port, state: 'down', error })
    this.log(error)
  }

  private changed(): void {
    const statuses = this.statuses()
    if (this.opts.dataDir) {
      try {
        writeListenersFile(this.opts.dataDir, statuses, { clock: this.opts.clock })
      } catch (e) {
        this.log(`Cannot record the listeners in ${this.opts.dataDir}: ${(e as Error).message}`)
      }
    }
    try {
      this.opts.onChange?.(statuses)
    } catch {
      /* an observer failing must not stop the listeners */
    }
  }
}
