/**
 * KafkaApis: a broker's request dispatcher (Kafka's kafka.server.KafkaApis with the request parsing
 * of RequestContext), the FrameHandler its TCP listener calls. For each frame: the request header
 * (v0-v2, header-versions.ts), the API's handler (src/broker/protocol/apis/, one file per API), the
 * body decoded with the generated codec, the handler's answer encoded with the response header of
 * that API version. It also keeps the in-memory "connected clients" of its connections and the
 * broker's request and error meters (request-metrics.ts): every request whose header parsed is
 * counted under its API's name, and every error code of the answer it sends under Kafka's error name.
 *
 * Must stay true (Kafka's behaviour):
 * - an API key the specs do not define, or one without a registered handler (not advertised), or
 *   a version outside the spec's valid versions, throws: the listener closes that connection, as
 *   Kafka's SocketServer does on an InvalidRequestException;
 * - an ApiVersions request of a version above what is advertised is answered in v0 (response
 *   header v0) with UNSUPPORTED_VERSION and ApiVersions' range (KIP-511);
 * - a version the spec knows but the handler does not serve (outside its advertised range, or below
 *   its `servedFrom`, as Produce v0-v2) is answered with that API's error response carrying
 *   UNSUPPORTED_VERSION;
 * - error messages in an answer are cut to MAX_ERROR_MESSAGE_CHARS (error-messages.ts), so one
 *   quoting a long name from the request still fits a classic int16-length string;
 * - a handler that throws, or whose answer cannot be encoded in the request's version, is answered
 *   with its error response (the KafkaError's code, else UNKNOWN_SERVER_ERROR), as
 *   KafkaApis.handleError does, with a log line; malformed bodies throw (connection closed);
 * - only registered APIs are advertised, each with a range inside its spec's valid versions.
 */
import { ByteReader } from '../codec/byte-reader'
import { ByteWriter } from '../codec/byte-writer'
import { KAFKA_ERROR_CODES, KafkaError } from '../model/errors'
import type { AnyApiHandler, ApiCallContext, RequestHeaderInfo } from './api-handler'
import type { ConnectedClient } from './connected-clients'
import type { FrameHandler, RequestContext } from './frame-handler'
import { RequestMetrics, type BrokerActivity } from './request-metrics'
import { boundErrorMessages } from './error-messages'
import { requestHeaderVersion, responseHeaderVersion } from './header-versions'
import { apiMessages, type ApiMessages } from './messages'
import { readRequestHeader } from './messages/request-header'
import { writeResponseHeader } from './messages/response-header'

const API_VERSIONS_KEY = 18

/** Options of KafkaApis. */
export interface KafkaApisOptions {
  /** The handlers to register (see apis/index.ts). */
  handlers: readonly AnyApiHandler[]
  /** Clock for the connected clients' timestamps and the request meters, ms since the epoch (default Date.now). */
  now?: () => number
  /** Where a line goes when a handler fails (default: nowhere). */
  log?: (line: string) => void
}

/** A request the dispatcher refuses by closing the connection (unknown API, version, malformed header). */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidRequestError'
  }
}

/** The dispatcher of one broker's requests (see the module header). */
export class KafkaApis implements FrameHandler {
  private readonly handlers = new Map<number, AnyApiHandler>()
  private readonly clients = new Map<string, ConnectedClient>()
  private readonly now: () => number
  private readonly log: (line: string) => void
  private readonly metrics: RequestMetrics

  /** @throws Error when a handler's range is not within its spec's valid versions, or a key is registered twice. */
  constructor(options: KafkaApisOptions) {
    this.now = options.now ?? Date.now
    this.log = options.log ?? (() => {})
    this.metrics = new RequestMetrics(this.now)
    for (const h of options.handlers) this.register(h)
  }

  private register(h: AnyApiHandler): void {
    const spec = apiMessages(h.apiKey)
    if (!spec) throw new Error(`handler for API key ${h.apiKey}: no such API in Kafka's message specs`)
    const { min, max, servedFrom } = h.apiVersions
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max && min >= spec.versions.min && max <= spec.versions.max)) {
      throw new Error(`handler for ${spec.name}: versions ${min}-${max} are not within the spec's valid versions ${spec.versions.min}-${spec.versions.max}`)
    }
    if (servedFrom !== undefined && !(servedFrom >= min && servedFrom <= max)) {
      throw new Error(`handler for ${spec.name}: servedFrom ${servedFrom} is outside its versions ${min}-${max}`)
    }
    if (this.handlers.has(h.apiKey)) throw new Error(`two handlers for ${spec.name} (API key ${h.apiKey})`)
    this.handlers.set(h.apiKey, h)
  }

  /** The advertised ranges (ApiVersions' table): one per registered handler, by API key. */
  advertised(): ReadonlyMap<number, { min: number; max: number }> {
    const m = new Map<number, { min: number; max: number }>()
    for (const [k, h] of [...this.handlers].sort(([a], [b]) => a - b)) m.set(k, { min: h.apiVersions.min, max: h.apiVersions.max })
    return m
  }

  /** The clients of the open connections (a snapshot, ordered by connection id). */
  connectedClients(): ConnectedClient[] {
    return [...this.clients.values()].map((c) => ({ ...c })).sort((a, b) => a.connectionId.localeCompare(b.connectionId))
  }

  /**
   * The connected clients with the requests per API and errors per code of this broker (since this
   * KafkaApis was made; rates over the last minute), for the UI's per-broker detail.
   */
  activity(): BrokerActivity {
    const clients = this.connectedClients().sort((a, b) => a.firstSeenMs - b.firstSeenMs || a.connectionId.localeCompare(b.connectionId))
    return { clients, ...this.metrics.rates() }
  }

  /** Drops the connection's client record. */
  connectionClosed(ctx: RequestContext): void {
    this.clients.delete(ctx.connectionId)
  }

  /**
   * Answers one request frame (no size prefix) with the whole response (header and body), or null
   * when the request has none (Produce acks=0).
   * @throws InvalidRequestError (or RangeError from the codecs) for a frame the broker refuses to
   * parse: the listener closes the connection.
   */
  async handleFrame(frame: Buffer, ctx: RequestContext): Promise<Buffer | null> {
    if (frame.length < 8) {
      throw new InvalidRequestError(`request frame of ${frame.length} bytes is shorter than a request header (api key, api version, correlation id: 8 bytes)`)
    }
    const apiKey = frame.readInt16BE(0)
    const apiVersion = frame.readInt16BE(2)
    const spec = apiMessages(apiKey)
    if (!spec) throw new InvalidRequestError(`unknown API key ${apiKey} (version ${apiVersion}): not in Kafka's message specs`)
    const handler = this.handlers.get(apiKey)
    if (!handler) throw new InvalidRequestError(`${spec.name} (API key ${apiKey}) is not served by this broker (not advertised in ApiVersions)`)
    const outsideSpec = apiVersion < spec.versions.min || apiVersion > spec.versions.max
    if (outsideSpec && (apiKey !== API_VERSIONS_KEY || apiVersion < spec.versions.min)) {
      throw new InvalidRequestError(`${spec.name} version ${apiVersion} is not supported (valid versions ${spec.versions.min}-${spec.versions.max})`)
    }
    const r = new ByteReader(frame)
    const h = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion))
    const header: RequestHeaderInfo = { apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId }
    const client = this.touchClient(ctx, header.clientId)
    this.metrics.recordRequest(apiKey, spec.name)
    const call: ApiCallContext = { header, connection: ctx, advertised: () => this.advertised(), client }

    if (apiKey === API_VERSIONS_KEY && apiVersion > handler.apiVersions.max) {
      // KIP-511: answer in v0 whatever the client asked, so it can retry with a version it shares.
      const body = handler.errorResponse(spec.defaultRequest(), KAFKA_ERROR_CODES.UNSUPPORTED_VERSION, call)
      return this.encodeResponse(spec, header.correlationId, body, 0)
    }
    const req = spec.readRequest(r, apiVersion)
    const served = apiVersion >= (handler.apiVersions.servedFrom ?? handler.apiVersions.min) && apiVersion <= handler.apiVersions.max
    if (!served) {
      return this.encodeResponse(spec, header.correlationId, handler.errorResponse(req, KAFKA_ERROR_CODES.UNSUPPORTED_VERSION, call), apiVersion)
    }
    let body: unknown
    try {
      body = await handler.handle(req, call)
    } catch (e) {
      const code = e instanceof KafkaError ? e.errorCode : KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR
      this.log(`broker ${ctx.brokerId}: ${spec.name} v${apiVersion} from ${ctx.clientAddress} failed: ${e instanceof Error ? e.message : String(e)}`)
      body = handler.errorResponse(req, code, call)
    }
    if (body === null) return null
    try {
      return this.encodeResponse(spec, header.correlationId, boundErrorMessages(body), apiVersion)
    } catch (e) {
      // the handler's answer cannot be written in this version (a handler bug): answer its error response instead
      this.log(`broker ${ctx.brokerId}: ${spec.name} v${apiVersion} answer to ${ctx.clientAddress} could not be encoded: ${e instanceof Error ? e.message : String(e)}`)
      return this.encodeResponse(spec, header.correlationId, handler.errorResponse(req, KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR, call), apiVersion)
    }
  }

  private touchClient(ctx: RequestContext, clientId: string | null): ConnectedClient {
    let c = this.clients.get(ctx.connectionId)
    const now = this.now()
    if (!c) {
      c = {
        connectionId: ctx.connectionId,
        brokerId: ctx.brokerId,
        clientAddress: ctx.clientAddress,
        listenerPort: ctx.listenerPort,
        clientId,
        softwareName: null,
        softwareVersion: null,
        firstSeenMs: now,
        lastSeenMs: now,
        requests: 0
      }
      this.clients.set(ctx.connectionId, c)
    }
    c.clientId = clientId
    c.lastSeenMs = now
    c.requests++
    return c
  }

  /** Encodes an answer; its error codes are counted only once it encoded (the answer actually sent). */
  private encodeResponse(spec: ApiMessages<unknown, unknown>, correlationId: number, body: unknown, version: number): Buffer {
    const w = new ByteWriter(256)
    writeResponseHeader(w, { correlationId }, responseHeaderVersion(spec.apiKey, version))
    spec.writeResponse(w, body, version)
    const out = w.toBuffer()
    this.metrics.recordErrors(body)
    return out
  }
}
