/**
 * NetworkReceive: Kafka's size-delimited framing of a connection's byte stream (Kafka's
 * org.apache.kafka.common.network.NetworkReceive). Every request is a 4-byte big-endian signed size
 * followed by that many bytes; TCP may cut the stream anywhere (a size split over two chunks, many
 * frames in one chunk), so chunks are collected here and whole frames taken out in order.
 *
 * Must stay true: a size is checked as soon as its 4 bytes arrived, before any of its body is
 * collected: a negative size, or one above `maxBytes` (Kafka's `socket.request.max.bytes`), throws
 * InvalidReceiveError, so a hostile or confused peer can never make this buffer more than one
 * allowed frame plus the chunk that carried it; frames come out byte-exact and in arrival order.
 */

/** Kafka's `socket.request.max.bytes` default: 100 MiB (104857600 bytes). */
export const DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104857600

/** Bytes of the size prefix of every frame (an INT32, big-endian). */
export const FRAME_SIZE_BYTES = 4

/**
 * A frame size that breaks the framing rule: negative, or above `socket.request.max.bytes`
 * (Kafka's InvalidReceiveException). `size` is the signed 32-bit value read; `maxBytes` the limit.
 */
export class InvalidReceiveError extends Error {
  constructor(
    readonly size: number,
    readonly maxBytes: number,
    message: string
  ) {
    super(message)
    this.name = 'InvalidReceiveError'
  }
}

/** What the 4 bytes of a bad size look like when they are not Kafka: a hint for the log line, or ''. */
function foreignProtocolHint(prefix: Buffer): string {
  const text = prefix.toString('latin1')
  if (/^(GET |POST|PUT |HEAD|DELE|OPTI|PATC)/.test(text)) return ' (it looks like an HTTP request: this port speaks the Kafka protocol, not HTTP)'
  if (prefix[0] === 0x16 && prefix[1] === 0x03) return ' (it looks like a TLS handshake: this listener is PLAINTEXT, without TLS)'
  return ''
}

/**
 * The framing rule's message for `size`, e.g. "Invalid receive (size = 200000000 larger than
 * socket.request.max.bytes = 104857600)" as Kafka words it, or null when the size is allowed.
 */
export function frameSizeProblem(size: number, maxBytes: number, prefix?: Buffer): string | null {
  if (size >= 0 && size <= maxBytes) return null
  const hint = prefix ? foreignProtocolHint(prefix) : ''
  if (size < 0) return `Invalid receive (size = ${size} is negative: a frame's 4-byte size must be 0 or more)${hint}`
  if (size > maxBytes) return `Invalid receive (size = ${size} larger than socket.request.max.bytes = ${maxBytes})${hint}`
  return null
}

/** Collects one connection's chunks and yields whole frames (without their size prefix). */
export class NetworkReceive {
  private chunks: Buffer[] = []
  private length = 0

  /**
   * @param maxBytes the largest frame allowed, in bytes (Kafka's `socket.request.max.bytes`,
   *   default DEFAULT_SOCKET_REQUEST_MAX_BYTES).
   * @throws RangeError when maxBytes is not an integer from 0 to 2147483647.
   */
  constructor(private readonly maxBytes: number = DEFAULT_SOCKET_REQUEST_MAX_BYTES) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > 0x7fffffff)
      throw new RangeError(`socket.request.max.bytes must be an integer from 0 to 2147483647, got ${maxBytes}`)
  }

  /** Bytes collected and not yet taken out as frames. */
  get bufferedBytes(): number {
    return this.length
  }

  /**
   * Adds a chunk as it arrived and checks the size of the next frame when its 4 bytes are here.
   * @throws InvalidReceiveError when that size is negative or above maxBytes (nothing of its body is kept).
   */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.chunks.push(chunk)
    this.length += chunk.length
    this.nextSize()
  }

  /**
   * Takes out the next whole frame (its body, without the size prefix), or null while it is incomplete.
   * @throws InvalidReceiveError as push does.
   */
  next(): Buffer | null {
    const size = this.nextSize()
    if (size === null || this.length < FRAME_SIZE_BYTES + size) return null
    this.consume(FRAME_SIZE_BYTES)
    return this.consume(size)
  }

  /** The size of the next frame (checked), or null when fewer than 4 bytes are here. */
  private nextSize(): number | null {
    if (this.length < FRAME_SIZE_BYTES) return null
    const head = this.chunks[0].length >= FRAME_SIZE_BYTES ? this.chunks[0] : Buffer.concat(this.chunks, FRAME_SIZE_BYTES)
    const size = head.readInt32BE(0)
    if (size >= 0 && size <= this.maxBytes) return size
    const problem = frameSizeProblem(size, this.maxBytes, head.subarray(0, FRAME_SIZE_BYTES))
    if (problem !== null) {
      this.chunks = []
      this.length = 0
      throw new InvalidReceiveError(size, this.maxBytes, problem)
    }
    return size
  }

  /** Removes and returns the first `n` bytes (n <= length), copying only when they span chunks. */
  private consume(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0)
    this.length -= n
    const first = this.chunks[0]
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      // A frame that is a slice of a larger chunk is copied, so it does not pin the chunk's memory.
      return first.length === n ? first : Buffer.from(first.subarray(0, n))
    }
    const out = Buffer.allocUnsafe(n)
    let filled = 0
    while (filled < n) {
      const c = this.chunks[0]
      const take = Math.min(c.length, n - filled)
      c.copy(out, filled, 0, take)
      filled += take
      if (take === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(take)
    }
    return out
  }
}
