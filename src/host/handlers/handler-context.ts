/**
 * What every namespace's request handlers share (src/host/handlers/*-handlers.ts): the cluster,
 * the clock, the snapshot builder, the brokers' listeners and the event push, and the handler-map types that make a
 * missing or mistyped handler a compile error.
 *
 * Must stay true: handlers are thin: they validate nothing themselves (EngineService validated the
 * payload with the shared schemas), call the engine, and turn its answer into contract types.
 */
import type { RequestName, RequestOf, ResponseOf } from '../../shared/contract'
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import type { EngineEvent } from '../engine-service'
import type { SnapshotBuilder } from '../snapshot-builder'
import type { BrokerListeners } from '../../broker/protocol/network/broker-listeners'

/** One handler per request name. */
export type HandlerMap = { [N in RequestName]: (req: RequestOf<N>) => Promise<ResponseOf<N>> | ResponseOf<N> }

/** The handlers of the requests whose names start with `${P}/` (e.g. 'topic'). */
export type NamespaceHandlers<P extends string> = Pick<HandlerMap, Extract<RequestName, `${P}/${string}`>>

/** What a handler may use. */
export interface HandlerContext {
  cluster: ClusterApi
  /** ms since the epoch. */
  clock: () => number
  snapshots: SnapshotBuilder
  /** The brokers' Kafka listeners when this host runs them, else null. */
  listeners: BrokerListeners | null
  /** Pushes an event to every subscriber (import progress, ...). */
  emit(event: EngineEvent): void
  /** Registers work to do when the service closes, before the cluster closes (e.g. removing staged files). */
  onClose(work: () => Promise<void> | void): void
}
