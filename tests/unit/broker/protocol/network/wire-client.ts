/**
 * Test helper: a raw TCP client of a broker listener on 127.0.0.1 that writes size-prefixed frames
 * (or any bytes) and collects the size-prefixed answers, with awaitable conditions bounded in time.
 */
import net from 'node:net'
import { NetworkReceive } from '../../../../../src/broker/protocol/network/network-receive'

/** A frame with its 4-byte big-endian size prefix. */
export function sized(body: Buffer | string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body
  const size = Buffer.alloc(4)
  size.writeInt32BE(b.length, 0)
  return Buffer.concat([size, b])
}

/** A connected client. */
export class WireClient {
  readonly answers: Buffer[] = []
  closed = false
  private readonly receive = new NetworkReceive(0x7fffffff)
  private readonly waiters: (() => void)[] = []

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.receive.push(chunk)
      for (let f = this.receive.next(); f !== null; f = this.receive.next()) this.answers.push(f)
      this.wake()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
  }

  /** Connects to 127.0.0.1:`port`. */
  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new WireClient(s)))
      s.once('error', reject)
    })
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Resolves once `cond()` holds (checked on every answer and on close), rejecting after `ms`. */
  until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
    if (cond()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer)
          resolve()
        } else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  /** Resolves once `n` answers arrived. */
  answersAtLeast(n: number): Promise<void> {
    return this.until(() => this.answers.length >= n, `${n} answers (have ${this.answers.length})`)
  }

  /** Resolves once the server closed the connection. */
  closedByServer(): Promise<void> {
    return this.until(() => this.closed, 'the connection to close')
  }

  /** Closes this side. */
  destroy(): void {
    this.socket.destroy()
  }

  private wake(): void {
    const ws = this.waiters.splice(0)
    for (const w of ws) w()
  }
}
