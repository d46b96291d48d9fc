/**
 * The seam between a broker's TCP listener (protocol/network: framing, connections, bounds) and
 * its request handling (protocol/kafka-apis: request header, the API's codec, the engine).
 *
 * A frame is one Kafka request as it arrived, without its 4-byte size prefix: the request header
 * (api key, api version, correlation id, client id, tagged fields from header v2) and the body. The
 * handler answers with the whole response (response header and body), also without the size
 * prefix, or null when the request has no response (Produce with acks=0).
 *
 * Must stay true: the listener hands a connection's frames to the handler one at a time, in order,
 * and writes the answers in that order (Kafka mutes a channel while its request is in flight); a
 * handler that throws or rejects makes the listener close that connection (with a log line), never
 * the broker.
 */

import type { BrokerActivity } from './request-metrics'

/** Where a frame came from. */
export interface RequestContext {
  /** The broker whose listener received the frame. */
  brokerId: number
  /** Unique per connection for the process's lifetime, e.g. "9092-17". */
  connectionId: string
  /** The client's address and port, e.g. "127.0.0.1:53412". */
  clientAddress: string
  /** The local port of the listener. */
  listenerPort: number
}

/** Answers the frames of a broker's connections. */
export interface FrameHandler {
  /**
   * Answers one request frame (see the module header for the shapes).
   * @returns the response bytes without the size prefix, or null for no response.
   * @throws Error (or rejects) when the frame is malformed: the listener closes the connection.
   */
  handleFrame(frame: Buffer, ctx: RequestContext): Promise<Buffer | null> | Buffer | null
  /** The connection closed (by either side): per-connection state may be dropped. Optional. */
  connectionClosed?(ctx: RequestContext): void
  /** The broker's connected clients and request/error meters (KafkaApis keeps them). Optional. */
  activity?(): BrokerActivity
}
