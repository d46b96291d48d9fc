/**
 * The connected clients of a broker as the wire protocol sees them (for the UI's "connected
 * clients" per broker, issue 10): one record per open connection, with the client id of its last
 * request and the software name and version it announced in ApiVersions v3+ (KIP-511).
 *
 * Must stay true: a record exists from a connection's first request until connectionClosed; it
 * lives in memory only; `firstSeenMs` and `lastSeenMs` come from the injected clock.
 */

/** One connection's client. */
export interface ConnectedClient {
  connectionId: string
  brokerId: number
  /** "host:port" of the client. */
  clientAddress: string
  listenerPort: number
  /** The client id of the last request (RequestHeader.ClientId). */
  clientId: string | null
  /** ApiVersionsRequest.ClientSoftwareName (v3+), e.g. "librdkafka"; null until announced. */
  softwareName: string | null
  /** ApiVersionsRequest.ClientSoftwareVersion (v3+), e.g. "2.0.2"; null until announced. */
  softwareVersion: string | null
  /** When the first request arrived, ms since the epoch. */
  firstSeenMs: number
  /** When the last request arrived, ms since the epoch. */
  lastSeenMs: number
  /** Requests answered (or attempted) on this connection. */
  requests: number
}
