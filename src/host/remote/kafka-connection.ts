/**
 * KafkaConnection: one TCP connection of the CLI's wire client to one Kafka broker, as a Kafka
 * client's NetworkClient holds it: 4-byte size-prefixed frames, a request header v1 or v2 (by the
 * API version's flexibility, header-versions.ts) with a correlation id per request, responses
 * matched back by correlation id in the order they were sent, each decoded with the generated
 * codecs (../../broker/protocol/messages).
 *
 * Must stay true: every request is bounded in time (`requestTimeoutMs`, Kafka's request.timeout.ms):
 * a broker that does not answer fails the request with a RemoteClusterError naming the broker's
 * address, and the connection is then closed (a late answer could not be matched safely); a
 * refused or dropped connection fails every pending request, naming the address; `close` still
 * flushes what was written (an acks=0 Produce has no answer to wait for).
 */
import net from 'node:net'
import { ByteReader } from '../../broker/codec/byte-reader'
import { ByteWriter } from '../../broker/codec/byte-writer'
import { requestHeaderVersion, responseHeaderVersion } from '../../broker/protocol/header-versions'
import type { MessageInput } from '../../broker/protocol/message-codec-support'
import { apiMessages } from '../../broker/protocol/messages'
import { writeRequestHeader } from '../../broker/protocol/messages/request-header'
import { readResponseHeader } from '../../broker/protocol/messages/response-header'
import { RemoteClusterError } from './remote-cluster-error'

/** The client id the CLI sends in every request header. */
export const CLI_CLIENT_ID = 'brokerlab-cli'
/** Default bound of one request, in ms (Kafka's request.timeout.ms defaults to 30000; a CLI wants less). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/** Largest response frame accepted, in bytes (a wrong frame length must not make us allocate gigabytes). */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024

/** A broker's address. */
export interface BrokerAddress {
  host: string
  port: number
}

/** "host:port" (IPv6 hosts in brackets). */
export function addressText(a: BrokerAddress): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`
}

interface Pending {
  apiKey: number
  version: number
  resolve(body: unknown): void
  reject(e: Error): void
  timer: ReturnType<typeof setTimeout>
}

/** One connection to one broker; see the module comment. Create with `KafkaConnection.connect`, always `close()`. */
export class KafkaConnection {
  private nextCorrelationId = 1
  private readonly pending = new Map<number, Pending>()
  private buffered: Buffer = Buffer.alloc(0)
  private failure: RemoteClusterError | null = null

  private constructor(
    private readonly socket: net.Socket,
    readonly address: BrokerAddress,
    private readonly requestTimeoutMs: number
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (e) => this.fail(connectionError(address, e)))
    socket.on('close', () => this.fail(new RemoteClusterError('NETWORK_EXCEPTION', `The broker at ${addressText(address)} closed the connection`)))
  }

  /**
   * Opens a connection to `address`, within `timeoutMs`.
   * @throws RemoteClusterError NETWORK_EXCEPTION naming the address: refused (no cluster listens there), unreachable, or no answer in time.
   */
  static connect(address: BrokerAddress, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<KafkaConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port })
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new RemoteClusterError('NETWORK_EXCEPTION', `No answer from the broker at ${addressText(address)} within ${timeoutMs} ms (connecting)`))
      }, timeoutMs)
      const onError = (e: Error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(connectionError(address, e))
      }
      socket.once('error', onError)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.off('error', onError)
        resolve(new KafkaConnection(socket, address, timeoutMs))
      })
    })
  }

  /** True until the connection failed or was closed. */
  get usable(): boolean {
    return this.failure === null
  }

  /**
   * Sends request `req` of API `apiKey` in `version` and resolves with the decoded response body.
   * `timeoutMs` overrides the connection's request bound for this request (a JoinGroup waits up to
   * the rebalance timeout, as Kafka's AbstractCoordinator allows it).
   * @throws RemoteClusterError REQUEST_TIMED_OUT naming the broker when no answer comes within the
   *   bound; NETWORK_EXCEPTION when the connection fails; UNSUPPORTED_VERSION for an API the codecs lack.
   */
  send<Res>(apiKey: number, version: number, req: MessageInput<unknown>, timeoutMs = this.requestTimeoutMs): Promise<Res> {
    if (this.failure) return Promise.reject(this.failure)
    const spec = apiMessages(apiKey)
    if (!spec) return Promise.reject(new RemoteClusterError('UNSUPPORTED_VERSION', `API key ${apiKey} has no codec`))
    const correlationId = this.nextCorrelationId++
    const frame = this.frame(apiKey, version, correlationId, req)
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId)
        const e = new RemoteClusterError(
          'REQUEST_TIMED_OUT',
          `No answer from the broker at ${addressText(this.address)} within ${timeoutMs} ms (${spec.name} request)`
        )
        reject(e)
        this.fail(e)
      }, timeoutMs)
      this.pending.set(correlationId, { apiKey, version, resolve: resolve as (b: unknown) => void, reject, timer })
      this.socket.write(frame)
    })
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0, as Kafka's clients send it).
   * @throws RemoteClusterError NETWORK_EXCEPTION when the connection has failed.
   */
  sendOneWay(apiKey: number, version: number, req: MessageInput<unknown>): void {
    if (this.failure) throw this.failure
    this.socket.write(this.frame(apiKey, version, this.nextCorrelationId++, req))
  }

  /** The size-prefixed frame of a request: header (v1/v2 by the version) and body. */
  private frame(apiKey: number, version: number, correlationId: number, req: MessageInput<unknown>): Buffer {
    const w = new ByteWriter(256)
    w.int32(0)
    writeRequestHeader(w, { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: CLI_CLIENT_ID }, requestHeaderVersion(apiKey, version))
    apiMessages(apiKey)!.writeRequest(w, req, version)
    const frame = w.toBuffer()
    frame.writeInt32BE(frame.length - 4, 0)
    return frame
  }

  /**
   * Closes the connection; pending requests fail. Requests already written (an acks=0 Produce) are
   * still flushed to the broker before the socket closes (at most 1 s later). Idempotent.
   */
  close(): void {
    if (this.failure) return
    this.fail(new RemoteClusterError('NETWORK_EXCEPTION', `The connection to ${addressText(this.address)} was closed`), true)
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk])
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0)
      if (size < 4 || size > MAX_RESPONSE_BYTES) {
        this.fail(new RemoteClusterError('CORRUPT_MESSAGE', `The broker at ${addressText(this.address)} sent a frame of ${size} bytes`))
        return
      }
      if (this.buffered.length < 4 + size) return
      const frame = this.buffered.subarray(4, 4 + size)
      this.buffered = this.buffered.subarray(4 + size)
      this.onFrame(frame)
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0)
    const p = this.pending.get(correlationId)
    if (!p) return // answered after its timeout: the request has already failed
    this.pending.delete(correlationId)
    clearTimeout(p.timer)
    try {
      const r = new ByteReader(frame)
      readResponseHeader(r, responseHeaderVersion(p.apiKey, p.version))
      p.resolve(apiMessages(p.apiKey)!.readResponse(r, p.version))
    } catch (e) {
      p.reject(new RemoteClusterError('CORRUPT_MESSAGE', `The broker at ${addressText(this.address)} sent a response that does not decode: ${(e as Error).message}`))
    }
  }

  private fail(e: RemoteClusterError, flush = false): void {
    if (this.failure) return
    this.failure = e
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(e)
    }
    this.pending.clear()
    if (!flush) {
      this.socket.destroy()
      return
    }
    this.socket.end()
    setTimeout(() => this.socket.destroy(), 1000).unref()
  }
}

/** The error for a socket failure: refused connections say how to start a cluster. */
function connectionError(address: BrokerAddress, e: Error & { code?: string }): RemoteClusterError {
  const where = addressText(address)
  if (e.code === 'ECONNREFUSED')
    return new RemoteClusterError(
      'NETWORK_EXCEPTION',
      `Connection to ${where} refused: no Kafka broker listens there. Start a cluster with \`brokerlab start\` (or \`brokerlab serve\`, or open the app), or check --bootstrap-server`
    )
  return new RemoteClusterError('NETWORK_EXCEPTION', `Cannot reach the broker at ${where}: ${e.code ?? e.message}`)
}
