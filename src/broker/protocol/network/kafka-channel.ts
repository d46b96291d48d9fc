/**
 * KafkaChannel: one client connection of a broker's listener (Kafka's KafkaChannel with the part of
 * its Processor that serves it). It frames the byte stream (NetworkReceive), hands the frames to the
 * broker's FrameHandler one at a time, and writes each answer with its 4-byte size prefix.
 *
 * Must stay true (see ../frame-handler.ts): while a request is in flight the channel is muted (the
 * socket is paused: no new request is read or dispatched), so answers go out in request order; a
 * frame whose size breaks `socket.request.max.bytes` or is negative, and a handler that throws or
 * rejects, close this connection only, with one log line naming the client and the reason; reading
 * also stops while the socket holds more than `maxBufferedBytes` of unsent answers and resumes on
 * 'drain', so a client that never reads holds at most that bound plus one answer and one request;
 * `connectionClosed` of the handler is called once, whoever closed.
 */
import type net from 'node:net'
import type { FrameHandler, RequestContext } from '../frame-handler'
import { FRAME_SIZE_BYTES, InvalidReceiveError, NetworkReceive } from './network-receive'

/** What a channel needs from its listener. */
export interface KafkaChannelEnv {
  handler: FrameHandler
  /** Kafka's `socket.request.max.bytes`. */
  maxRequestBytes: number
  /** Unsent answer bytes above which reading stops until the socket drains. */
  maxBufferedBytes: number
  /** ms since the epoch (for idle tracking). */
  clock: () => number
  /** One line for the listener's log. */
  log: (line: string) => void
  /** How the listener names itself in log lines, e.g. "Broker 1 listener 127.0.0.1:9092". */
  label: string
  /** The channel closed (once). */
  onClose: (channel: KafkaChannel) => void
}

/** A connection's counters, for tests and diagnostics. */
export interface ChannelStats {
  connectionId: string
  clientAddress: string
  /** Bytes received and not yet handed over as frames (our buffer plus the socket's readable buffer). */
  bufferedReadBytes: number
  /** Answer bytes written and not yet sent to the kernel (the socket's writable buffer). */
  bufferedWriteBytes: number
  /** Whether a request is with the handler now. */
  inFlight: boolean
  /** Requests answered (or taken without an answer) so far. */
  requests: number
}

/** One client connection. Created by SocketServer on accept. */
export class KafkaChannel {
  readonly ctx: RequestContext
  /** ms since the epoch of the last byte received or answer written. */
  lastActivity: number
  private readonly receive: NetworkReceive
  private inFlight = false
  private writeBlocked = false
  private closed = false
  private requests = 0

  constructor(
    private readonly socket: net.Socket,
    ctx: RequestContext,
    private readonly env: KafkaChannelEnv
  ) {
    this.ctx = ctx
    this.receive = new NetworkReceive(env.maxRequestBytes)
    this.lastActivity = env.clock()
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => this.maybeUnblock())
    socket.on('error', () => {
      /* ECONNRESET and the like: 'close' follows */
    })
    socket.on('close', () => this.finish())
  }

  /** Whether a request is with the handler (an idle check leaves such a connection alone). */
  get busy(): boolean {
    return this.inFlight
  }

  /** This connection's counters now. */
  stats(): ChannelStats {
    return {
      connectionId: this.ctx.connectionId,
      clientAddress: this.ctx.clientAddress,
      bufferedReadBytes: this.receive.bufferedBytes + this.socket.readableLength,
      bufferedWriteBytes: this.socket.writableLength,
      inFlight: this.inFlight,
      requests: this.requests
    }
  }

  /** Closes the connection, with a log line giving `reason` when there is one. */
  close(reason?: string): void {
    if (this.closed) return
    if (reason) this.env.log(`${this.env.label}: closing connection ${this.ctx.connectionId} from ${this.ctx.clientAddress}: ${reason}`)
    this.socket.destroy()
    this.finish()
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.inFlight = false
    this.socket.destroy()
    try {
      this.env.handler.connectionClosed?.(this.ctx)
    } catch {
      /* a handler's cleanup failing must not break the listener */
    }
    this.env.onClose(this)
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    this.lastActivity = this.env.clock()
    try {
      this.receive.push(chunk)
    } catch (e) {
      if (e instanceof InvalidReceiveError) return this.close(`${e.message}; the frame is refused and the connection closed (Kafka's socket.request.max.bytes rule)`)
      throw e
    }
    this.pump()
  }

  /**
   * Dispatches whole frames while the channel is neither muted nor blocked on writes: a loop, so a
   * chunk of many frames answered synchronously does not recurse.
   */
  private pump(): void {
    while (!this.closed && !this.inFlight && !this.writeBlocked) {
      let frame: Buffer | null
      try {
        frame = this.receive.next()
      } catch (e) {
        if (e instanceof InvalidReceiveError) return this.close(`${e.message}; the frame is refused and the connection closed (Kafka's socket.request.max.bytes rule)`)
        throw e
      }
      if (frame === null) {
        this.socket.resume()
        return
      }
      this.inFlight = true
      this.socket.pause() // muted while the request is in flight
      let answer: Promise<Buffer | null> | Buffer | null
      try {
        answer = this.env.handler.handleFrame(frame, this.ctx)
      } catch (e) {
        return this.handlerFailed(e)
      }
      if (answer !== null && typeof (answer as Promise<unknown>).then === 'function') {
        ;(answer as Promise<Buffer | null>).then(
          (a) => {
            if (this.answered(a)) this.pump()
          },
          (e: unknown) => this.handlerFailed(e)
        )
        return
      }
      if (!this.answered(answer as Buffer | null)) return
    }
  }

  /** Reading goes on once the unsent answers are back under the bound (on 'drain' or a write's flush). */
  private maybeUnblock(): void {
    if (this.closed) return
    this.lastActivity = this.env.clock()
    if (!this.writeBlocked || this.socket.writableLength > this.env.maxBufferedBytes) return
    this.writeBlocked = false
    this.pump()
  }

  private handlerFailed(e: unknown): void {
    if (this.closed) return
    this.inFlight = false
    this.close(`the request could not be handled: ${(e as Error)?.message ?? String(e)}`)
  }

  /** Writes an answer with its size prefix; returns whether the next frame may be dispatched now. */
  private answered(answer: Buffer | null): boolean {
    if (this.closed) return false
    this.inFlight = false
    this.requests++
    if (answer !== null) {
      if (!Buffer.isBuffer(answer)) {
        this.close(`the request handler answered ${typeof answer}, not bytes`)
        return false
      }
      const size = Buffer.allocUnsafe(FRAME_SIZE_BYTES)
      size.writeInt32BE(answer.length, 0)
      this.socket.cork()
      this.socket.write(size)
      this.socket.write(answer, () => this.maybeUnblock())
      this.socket.uncork()
      this.lastActivity = this.env.clock()
      if (this.socket.writableLength > this.env.maxBufferedBytes) {
        this.writeBlocked = true // resumes on 'drain'
        return false
      }
    }
    return true
  }
}
