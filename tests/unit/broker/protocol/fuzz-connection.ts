/**
 * FuzzConnection: the raw TCP client of the wire-protocol fuzz test. It writes whatever bytes it is
 * given (valid frames, garbage, hostile size prefixes) and reads the broker's answers as Kafka
 * frames (4-byte size, then the response, whose first 4 bytes are the correlation id), or notices
 * that the broker closed the connection.
 *
 * Must stay true: every wait is bounded by the caller's timeout; a connection is destroyed by
 * `destroy()` (idempotent), and `closed` turns true once the socket is gone, whoever closed it.
 */
import net from 'node:net'

/** What a wait for the next answer found. */
export type NextAnswer = { kind: 'frame'; correlationId: number; frame: Buffer } | { kind: 'closed' } | { kind: 'timeout' }

/** Answers larger than this are taken as a broker bug (a client would refuse them), bytes. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024

/** One raw client connection to a broker's listener. */
export class FuzzConnection {
  /** Whether the socket is gone (closed by either side). */
  closed = false
  /** A problem with the answers' framing (negative or huge size), or null. */
  framingProblem: string | null = null
  private buf: Buffer = Buffer.alloc(0)
  private readonly frames: Buffer[] = []
  private wake: (() => void) | null = null

  private constructor(
    private readonly socket: net.Socket,
    /** The client's local port (the broker's log lines name it as "from 127.0.0.1:PORT"). */
    readonly localPort: number
  ) {
    socket.on('data', (c: Buffer) => this.onData(c))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.poke()
    })
  }

  /**
   * Connects to 127.0.0.1:`port`.
   * @throws Error when the connection is refused or not made within `timeoutMs`.
   */
  static open(port: number, timeoutMs = 5000): Promise<FuzzConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port })
      const t = setTimeout(() => {
        s.destroy()
        reject(new Error(`no connection to 127.0.0.1:${port} within ${timeoutMs} ms`))
      }, timeoutMs)
      s.once('error', (e) => {
        clearTimeout(t)
        reject(e)
      })
      s.once('connect', () => {
        clearTimeout(t)
        s.setNoDelay(true)
        resolve(new FuzzConnection(s, s.localPort!))
      })
    })
  }

  /** Writes raw bytes (nothing happens once closed). */
  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes)
  }

  /** Half-closes (sends FIN): the broker sees the end of the stream. */
  end(): void {
    if (!this.closed) this.socket.end()
  }

  /** Destroys the socket. Idempotent. */
  destroy(): void {
    this.socket.destroy()
  }

  /** The next answer frame, or `closed`, or `timeout` after `timeoutMs`. */
  async next(timeoutMs: number): Promise<NextAnswer> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const f = this.frames.shift()
      if (f) return { kind: 'frame', correlationId: f.length >= 4 ? f.readInt32BE(0) : NaN, frame: f }
      if (this.closed || this.framingProblem) return { kind: 'closed' }
      const left = deadline - Date.now()
      if (left <= 0) return { kind: 'timeout' }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.wake = null
    }
  }

  private poke(): void {
    this.wake?.()
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0)
      if (size < 0 || size > MAX_ANSWER_BYTES) {
        this.framingProblem = `answer frame size ${size} is negative or above ${MAX_ANSWER_BYTES}`
        this.socket.destroy()
        break
      }
      if (this.buf.length < 4 + size) break
      this.frames.push(Buffer.from(this.buf.subarray(4, 4 + size)))
      this.buf = this.buf.subarray(4 + size)
    }
    this.poke()
  }
}
