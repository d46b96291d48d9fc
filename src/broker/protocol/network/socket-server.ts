/**
 * SocketServer: one broker's TCP listener (Kafka's SocketServer with its Acceptor and Processor):
 * a `net.Server` on the broker's host and port that accepts client connections, bounds them
 * (Kafka's `max.connections`), serves each one as a KafkaChannel (framing, muting, backpressure)
 * with the broker's FrameHandler, and closes connections idle for `connections.max.idle.ms`.
 *
 * Must stay true: one connection's failure (a bad frame size, a handler error, a reset) never
 * touches the other connections or the server; a connection beyond `max.connections` is closed at
 * accept with a log line; idle connections (no byte in or out for `connections.max.idle.ms`, no
 * request in flight) are closed by a check run on the injected timer, with a log line; `close()`
 * stops accepting, closes every connection and resolves once the port is released.
 */
import net from 'node:net'
import type { FrameHandler, RequestContext } from '../frame-handler'
import { KafkaChannel, type ChannelStats } from './kafka-channel'
import { DEFAULT_SOCKET_REQUEST_MAX_BYTES } from './network-receive'

export { DEFAULT_SOCKET_REQUEST_MAX_BYTES } from './network-receive'

/** Kafka's `connections.max.idle.ms` default: 10 minutes. */
export const DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600000
/**
 * Connections a broker's listener accepts at once (Kafka's `max.connections`, whose default is
 * unbounded; an embedded broker on a laptop is given a bound, so a runaway client cannot exhaust
 * the process's file descriptors).
 */
export const DEFAULT_MAX_CONNECTIONS = 1000
/** Unsent answer bytes per connection above which reading stops until the client reads (1 MiB). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024

/** A periodic timer (injected in tests). */
export interface NetworkTimer {
  /** Calls `fn` every `ms` milliseconds until the returned cancel is called. */
  every(ms: number, fn: () => void): () => void
}

/** The default timer: setInterval, unref'd so it never keeps a process alive. */
export const realTimer: NetworkTimer = {
  every(ms, fn) {
    const t = setInterval(fn, ms)
    t.unref?.()
    return () => clearInterval(t)
  }
}

/** Bounds of a listener, with Kafka's config names in the docs. All optional. */
export interface SocketServerLimits {
  /** Kafka's `socket.request.max.bytes`: the largest request frame, bytes (default 104857600). */
  maxRequestBytes?: number
  /** Kafka's `max.connections`: connections open at once on this listener (default DEFAULT_MAX_CONNECTIONS). */
  maxConnections?: number
  /** Kafka's `connections.max.idle.ms` (default 600000). */
  connectionsMaxIdleMs?: number
  /** Unsent answer bytes per connection before reading pauses (default 1 MiB). */
  maxBufferedBytes?: number
}

/** How to run a listener. */
export interface SocketServerOptions extends SocketServerLimits {
  brokerId: number
  /** Address to bind, e.g. "127.0.0.1". */
  host: string
  /** Port to bind; 0 picks a free one (see `port` after start). */
  port: number
  handler: FrameHandler
  /** ms since the epoch (default Date.now). */
  clock?: () => number
  /** Runs the idle check (default realTimer). */
  timer?: NetworkTimer
  /** Log lines: refused and closed connections (default console.warn). */
  log?: (line: string) => void
}

/** A bind that failed: `code` is the errno name (EADDRINUSE, EACCES, EADDRNOTAVAIL, ...). */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    message: string
  ) {
    super(message)
    this.name = 'ListenError'
  }
}

function checkLimit(name: string, v: number | undefined, min: number, fallback: number): number {
  if (v === undefined) return fallback
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer of at least ${min}, got ${v}`)
  return v
}

/** One broker's listener. Create, `await start()`, and always `await close()`. */
export class SocketServer {
  readonly brokerId: number
  readonly host: string
  private boundPort: number
  private readonly server: net.Server
  private readonly channels = new Set<KafkaChannel>()
  private readonly clock: () => number
  private readonly log: (line: string) => void
  private readonly maxRequestBytes: number
  private readonly maxConnections: number
  private readonly idleMs: number
  private readonly maxBufferedBytes: number
  private readonly timer: NetworkTimer
  private cancelIdleCheck: (() => void) | null = null
  private nextConnection = 1
  private closing: Promise<void> | null = null
  private peakBuffered = 0
  private refused = 0

  /** @throws RangeError for a limit that is not a positive integer (the message names it). */
  constructor(private readonly opts: SocketServerOptions) {
    this.brokerId = opts.brokerId
    this.host = opts.host
    this.boundPort = opts.port
    this.clock = opts.clock ?? Date.now
    this.log = opts.log ?? ((line) => console.warn(line))
    this.timer = opts.timer ?? realTimer
    this.maxRequestBytes = checkLimit('socket.request.max.bytes', opts.maxRequestBytes, 0, DEFAULT_SOCKET_REQUEST_MAX_BYTES)
    this.maxConnections = checkLimit('max.connections', opts.maxConnections, 1, DEFAULT_MAX_CONNECTIONS)
    this.idleMs = checkLimit('connections.max.idle.ms', opts.connectionsMaxIdleMs, 1, DEFAULT_CONNECTIONS_MAX_IDLE_MS)
    this.maxBufferedBytes = checkLimit('maxBufferedBytes', opts.maxBufferedBytes, 0, DEFAULT_MAX_BUFFERED_BYTES)
    this.server = net.createServer({ pauseOnConnect: false }, (socket) => this.accept(socket))
    this.server.on('error', () => {
      /* bind errors reject start(); later server errors close no connection */
    })
  }

  /** The bound port (the actual one after start, when 0 was asked). */
  get port(): number {
    return this.boundPort
  }

  /** "host:port" as clients reach it (IPv6 hosts in brackets). */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.boundPort}`
  }

  /** How this listener names itself in log lines. */
  get label(): string {
    return `Broker ${this.brokerId} listener ${this.address}`
  }

  /**
   * Binds and starts accepting.
   * @throws ListenError naming the address and the errno (EADDRINUSE: the port is in use).
   */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        const code = e.code ?? 'UNKNOWN'
        const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : e.message
        reject(new ListenError(code, this.host, this.opts.port, `cannot listen on ${this.address}: ${why} (${code})`))
      }
      this.server.once('error', onError)
      this.server.listen({ host: this.host, port: this.opts.port, exclusive: true }, () => {
        this.server.off('error', onError)
        this.boundPort = (this.server.address() as net.AddressInfo).port
        const every = Math.max(10, Math.min(30000, Math.floor(this.idleMs / 10)))
        this.cancelIdleCheck = this.timer.every(every, () => this.closeIdleConnections())
        resolve()
      })
    })
  }

  /** Counters of each open connection (buffered bytes in and out, requests, in flight). */
  connections(): ChannelStats[] {
    return [...this.channels].map((c) => c.stats())
  }

  /** The most bytes any one connection held buffered (in plus out) at a check, since start (see sampleBuffers). */
  get peakBufferedBytes(): number {
    this.sampleBuffers()
    return this.peakBuffered
  }

  /** Connections refused at accept for max.connections so far. */
  get refusedConnections(): number {
    return this.refused
  }

  /** Updates peakBufferedBytes from every connection's buffers now. */
  sampleBuffers(): void {
    for (const c of this.channels) {
      const s = c.stats()
      this.peakBuffered = Math.max(this.peakBuffered, s.bufferedReadBytes + s.bufferedWriteBytes)
    }
  }

  /**
   * Closes every connection that has had no byte in or out for connections.max.idle.ms and no
   * request in flight (the timer runs this; tests call it with an injected clock).
   */
  closeIdleConnections(): void {
    const now = this.clock()
    this.sampleBuffers()
    for (const c of [...this.channels])
      if (!c.busy && now - c.lastActivity >= this.idleMs)
        c.close(`idle for ${now - c.lastActivity} ms, at least connections.max.idle.ms = ${this.idleMs}`)
  }

  /** Stops accepting, closes every connection, and resolves once the port is released. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.cancelIdleCheck?.()
    this.cancelIdleCheck = null
    this.closing = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve()
      this.server.close(() => resolve())
    })
    for (const c of [...this.channels]) c.close()
    return this.closing
  }

  private accept(socket: net.Socket): void {
    const clientAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    if (this.closing) {
      socket.destroy()
      return
    }
    if (this.channels.size >= this.maxConnections) {
      this.refused++
      this.log(
        `${this.label}: refusing connection from ${clientAddress}: ${this.channels.size} connections are open, the most max.connections (${this.maxConnections}) allows`
      )
      socket.on('error', () => undefined)
      socket.destroy()
      return
    }
    const ctx: RequestContext = {
      brokerId: this.brokerId,
      connectionId: `${this.boundPort}-${this.nextConnection++}`,
      clientAddress,
      listenerPort: this.boundPort
    }
    const channel = new KafkaChannel(socket, ctx, {
      handler: this.opts.handler,
      maxRequestBytes: this.maxRequestBytes,
      maxBufferedBytes: this.maxBufferedBytes,
      clock: this.clock,
      log: this.log,
      label: this.label,
      onClose: (ch) => this.channels.delete(ch)
    })
    this.channels.add(channel)
  }
}
