/**
 * One browser-mode WebSocket connection on the host side: parses and validates its messages, sends
 * them to the engine, writes the replies and pushed events back, and bounds what one client can
 * make the host hold.
 *
 * Bounds (ConnectionLimits), in the spirit of Kafka's broker, which stops reading a connection
 * (mutes its channel) while its requests are being served and bounds its request queue
 * (`queued.max.requests`) rather than answering "busy":
 * - requests in flight: at most `maxInFlight` are with the engine at once; beyond that the socket is
 *   not read (TCP pushes back on the client) until replies go out. Messages the WebSocket parser had
 *   already read when reading stopped wait in a backlog, bounded by what one read holds.
 * - unsent reply bytes (the socket's user-space buffer, `bufferedAmount`): above `softBufferedBytes`
 *   the socket is not read (the slow reader is throttled) and pushed events are skipped for it; a
 *   reply that would take the unsent bytes past `hardBufferedBytes`, or unsent bytes staying above
 *   the soft limit for `slowReaderMs`, close the connection with 1008 and the reason "client is not
 *   reading its replies: N MiB unsent", and one log line. A reply is never refused for its own size
 *   when nothing is unsent (replies are bounded by the engine), so the unsent bytes never pass
 *   max(hardBufferedBytes, the largest single reply).
 *
 * Must stay true: every message gets exactly one reply while the connection is open (an error reply
 * for a malformed one, never a crash); nothing is sent once it is closing; the backlog is dropped on
 * close; requests of one connection are answered in any order (matched by id).
 */
import type { IncomingMessage } from 'node:http'
import { WebSocket, type RawData } from 'ws'
import type { Reply } from '../shared/contract'
import { validateRequest } from '../shared/schemas'
import type { EngineClient } from './engine-client'

/** Per-connection bounds of the web host. All byte counts are bytes of UTF-8 text frames. */
export interface ConnectionLimits {
  /** Requests one connection may have with the engine at once; beyond, its socket is not read. */
  maxInFlight: number
  /** Unsent bytes above which the socket is not read and pushed events are skipped. */
  softBufferedBytes: number
  /** Unsent bytes a reply may not take the buffer past: the connection is closed (1008) instead. */
  hardBufferedBytes: number
  /** How long (ms) unsent bytes may stay above softBufferedBytes before the connection is closed (1008). */
  slowReaderMs: number
}

const MIB = 1024 * 1024

/** Defaults: 32 requests in flight, throttle above 16 MiB unsent, cut off at 64 MiB or after 30 s above 16 MiB. */
export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  maxInFlight: 32,
  softBufferedBytes: 16 * MIB,
  hardBufferedBytes: 64 * MIB,
  slowReaderMs: 30_000
}

/**
 * Checks limits passed in (WebHostOptions.limits) and fills in the defaults.
 * @throws Error naming the field and its rule when a limit is not a positive integer, or when the
 *   soft limit is above the hard one.
 */
export function connectionLimits(given: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...given }
  for (const [k, v] of Object.entries(limits))
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`Web host limits: ${k} must be a positive integer, got ${String(v)}`)
  if (limits.softBufferedBytes > limits.hardBufferedBytes)
    throw new Error(
      `Web host limits: softBufferedBytes (${limits.softBufferedBytes}) must not exceed hardBufferedBytes (${limits.hardBufferedBytes})`
    )
  return limits
}

/** What one connection holds now, for WebHost.stats(). */
export interface ConnectionStats {
  /** Client address and port, e.g. "127.0.0.1:51234". */
  remote: string
  /** Requests with the engine, not answered yet. */
  inFlight: number
  /** Messages read but not yet handed to the engine (reading stopped meanwhile). */
  backlog: number
  /** Unsent bytes of replies and events now (the socket's bufferedAmount). */
  bufferedBytes: number
  /** Most unsent bytes seen on this connection. */
  peakBufferedBytes: number
  /** Whether the socket is being read (false while throttled or at maxInFlight). */
  reading: boolean
  /** Pushed events skipped because the client was behind. */
  skippedEvents: number
}

function errorReply(code: string, message: string): Reply<never> {
  return { ok: false, error: { code, message } }
}

/**
 * Parses and validates one WebSocket message; returns the request or the reply to send instead
 * (INVALID_REQUEST naming the problem). Exported for tests.
 */
export function parseWsRequest(
  data: string
): { ok: true; id: number; name: string; payload: unknown } | { ok: false; id: number | null; reply: Reply<never> } {
  let msg: unknown
  try {
    msg = JSON.parse(data)
  } catch (e) {
    return { ok: false, id: null, reply: errorReply('INVALID_REQUEST', `Message is not valid JSON: ${(e as Error).message}`) }
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    return { ok: false, id: null, reply: errorReply('INVALID_REQUEST', 'Message must be an object {id, name, payload}') }
  const { id, name, payload } = msg as { id?: unknown; name?: unknown; payload?: unknown }
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    return { ok: false, id: null, reply: errorReply('INVALID_REQUEST', 'Message id must be an integer') }
  if (typeof name !== 'string') return { ok: false, id, reply: errorReply('INVALID_REQUEST', 'Request name must be a string') }
  const v = validateRequest(name, payload)
  if (!v.ok) return { ok: false, id, reply: errorReply(v.code, v.message) }
  return { ok: true, id, name, payload: v.value }
}

function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1)
}

/** One accepted WebSocket of the web host, with its bounds. */
export class WebConnection {
  private inFlight = 0
  /** Messages read, not yet started: text, or null for a binary frame (refused). */
  private backlog: (string | null)[] = []
  private reading = true
  private peakBuffered = 0
  private skippedEvents = 0
  private slowTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false
  /** Client address and port, e.g. "127.0.0.1:51234". */
  readonly remote: string

  /**
   * Takes over `ws` (its message, error and close events).
   * @param onCutOff called once when this connection is closed for not reading its replies.
   * @param log where the cut-off line goes.
   */
  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly engine: EngineClient,
    private readonly limits: ConnectionLimits,
    private readonly log: (line: string) => void,
    private readonly onCutOff: () => void
  ) {
    this.remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`
    ws.on('error', () => ws.terminate())
    ws.on('close', () => this.dispose())
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary))
  }

  /** Most unsent bytes seen on this connection. */
  get peakBufferedBytes(): number {
    return this.peakBuffered
  }

  /** The connection's counters now. */
  stats(): ConnectionStats {
    return {
      remote: this.remote,
      inFlight: this.inFlight,
      backlog: this.backlog.length,
      bufferedBytes: this.ws.bufferedAmount,
      peakBufferedBytes: this.peakBuffered,
      reading: this.reading,
      skippedEvents: this.skippedEvents
    }
  }

  /** Sends a pushed event (already JSON), unless the client is behind (above the soft limit). */
  pushEvent(text: string): void {
    if (!this.isOpen()) return
    if (this.ws.bufferedAmount > this.limits.softBufferedBytes) {
      this.skippedEvents++
      return
    }
    this.send(Buffer.from(text))
  }

  private isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (!this.isOpen()) return
    // Binary frames wait their turn too (as null), so their error replies are bounded like any reply.
    this.backlog.push(isBinary ? null : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString())
    this.pump()
  }

  /** Hands backlog messages to the engine while the bounds allow, then starts or stops reading. */
  private pump(): void {
    while (this.backlog.length > 0 && this.canStart()) this.start(this.backlog.shift() as string | null)
    const read = this.canStart()
    if (read === this.reading || !this.isOpen()) return
    this.reading = read
    if (read) this.ws.resume()
    else this.ws.pause()
  }

  private canStart(): boolean {
    return this.isOpen() && this.inFlight < this.limits.maxInFlight && this.ws.bufferedAmount <= this.limits.softBufferedBytes
  }

  private start(text: string | null): void {
    if (text === null) {
      this.reply(null, errorReply('INVALID_REQUEST', 'Binary messages are not accepted'))
      return
    }
    const parsed = parseWsRequest(text)
    if (!parsed.ok) {
      this.reply(parsed.id, parsed.reply)
      return
    }
    this.inFlight++
    void this.engine.handle(parsed.name, parsed.payload).then((reply) => {
      this.inFlight--
      this.reply(parsed.id, reply)
      this.pump()
    })
  }

  private reply(id: number | null, reply: Reply<unknown>): void {
    if (this.isOpen()) this.send(Buffer.from(JSON.stringify({ id, reply })))
  }

  /** Writes one text frame, or cuts the connection off when it would pass the hard limit. */
  private send(data: Buffer): void {
    const unsent = this.ws.bufferedAmount
    if (unsent > 0 && unsent + data.length > this.limits.hardBufferedBytes) return this.cutOff(unsent + data.length)
    this.ws.send(data, { binary: false }, () => this.flushed())
    const now = this.ws.bufferedAmount
    if (now > this.peakBuffered) this.peakBuffered = now
    if (now > this.limits.softBufferedBytes && this.slowTimer === null) {
      this.slowTimer = setTimeout(() => {
        this.slowTimer = null
        if (this.isOpen() && this.ws.bufferedAmount > this.limits.softBufferedBytes) this.cutOff(this.ws.bufferedAmount)
      }, this.limits.slowReaderMs)
    }
  }

  /** A frame reached the kernel: below the soft limit again, the slow-reader clock stops and reading may resume. */
  private flushed(): void {
    if (!this.isOpen()) return
    if (this.ws.bufferedAmount <= this.limits.softBufferedBytes && this.slowTimer !== null) {
      clearTimeout(this.slowTimer)
      this.slowTimer = null
    }
    this.pump()
  }

  /** Closes with 1008 and the reason (after what is already buffered), and logs one line. */
  private cutOff(unsentBytes: number): void {
    if (this.closed) return
    const reason = `client is not reading its replies: ${mib(unsentBytes)} MiB unsent`
    this.log(`brokerlab web host: closing the connection from ${this.remote} (1008): ${reason}`)
    this.onCutOff()
    this.ws.close(1008, reason)
    this.dispose()
    // Read again, so the client's answering close frame completes the handshake (ws ends the socket
    // after 30 s anyway); messages read from now on are ignored.
    this.ws.resume()
  }

  private dispose(): void {
    this.closed = true
    this.backlog = []
    if (this.slowTimer !== null) clearTimeout(this.slowTimer)
    this.slowTimer = null
  }
}
