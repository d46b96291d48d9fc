/**
 * The shape of one API's request handler (one file per API under src/broker/protocol/apis/, as
 * kfake's 00_produce.go, 01_fetch.go ... are laid out) and what the dispatcher (KafkaApis) hands it.
 *
 * Must stay true: a handler advertises a contiguous version range that lies within its spec's valid
 * versions; `errorResponse` can answer any request it can decode (Kafka's
 * AbstractRequest.getErrorResponse), so the dispatcher can answer an unsupported version or a
 * failure with that API's own response.
 */
import type { RequestContext } from './frame-handler'
import type { MessageInput } from './message-codec-support'
import type { ConnectedClient } from './connected-clients'

/** The parsed request header (RequestHeader.json). */
export interface RequestHeaderInfo {
  apiKey: number
  apiVersion: number
  correlationId: number
  /** The client id (null when the client sent a null string). */
  clientId: string | null
}

/** What a handler gets besides the request body. */
export interface ApiCallContext {
  header: RequestHeaderInfo
  connection: RequestContext
  /** The broker's advertised API ranges (from the registered handlers), by key. */
  advertised(): ReadonlyMap<number, { min: number; max: number }>
  /** The connection's client record, for ApiVersions to fill in the software name and version. */
  client: ConnectedClient
}

/** One API's handler. */
export interface ApiHandler<Req, Res> {
  /** The API key (ApiKeys.id). */
  apiKey: number
  /** The advertised versions; `servedFrom` > min: lower versions are answered UNSUPPORTED_VERSION. */
  apiVersions: { min: number; max: number; servedFrom?: number }
  /**
   * Answers a decoded request of a version it serves.
   * @returns the response body (fields left out take their defaults), or null for no response
   * (Produce with acks=0).
   * @throws KafkaError (or any error): the dispatcher answers `errorResponse` with its code
   * (UNKNOWN_SERVER_ERROR for other errors), as Kafka's KafkaApis.handleError does.
   */
  handle(req: Req, ctx: ApiCallContext): Promise<MessageInput<Res> | null> | MessageInput<Res> | null
  /** This API's response carrying `errorCode` for everything `req` asked (Kafka's getErrorResponse). */
  errorResponse(req: Req, errorCode: number, ctx: ApiCallContext): MessageInput<Res>
}

/** A handler of some API, as the dispatcher holds them (method parameters are bivariant, so any ApiHandler fits). */
export type AnyApiHandler = ApiHandler<unknown, unknown>
