/**
 * Messages between EngineHost (the parent thread) and engine-worker.ts (the worker thread).
 * Requests use the same envelope as the WebSocket: `{ id, name, payload }` answered by
 * `{ id, reply }`; pushed events are `{ event, payload }`. Lifecycle messages: the worker says
 * `{ ready: true }` once the cluster is open or `{ fatal: message }` when it could not open it;
 * with `listeners` in the worker data, `ready` carries the brokers' listeners as they started;
 * the parent asks `{ id, close: true }` and the worker answers `{ id, closed: true }` after
 * flushing and closing the cluster.
 *
 * Must stay true: every message is structured-cloneable plain data.
 */
import type { Reply } from '../shared/contract'
import type { EngineEvent } from './engine-service'
import type { ListenerSettings } from './open-listeners'
import type { RecordedListener } from '../broker/protocol/network/listeners-file'

/** Data the parent passes to the worker (workerData). */
export interface EngineWorkerData {
  dataDir: string
  /** Brokers when the data directory is new (1 to 9, default 3). */
  brokers?: number
  /** Start the brokers' Kafka listeners with these settings (absent: no listeners, e.g. in tests). */
  listeners?: ListenerSettings
}

/** Parent -> worker. */
export type ToWorker = { id: number; name: string; payload: unknown } | { id: number; close: true }

/** Worker -> parent. */
export type FromWorker =
  | { id: number; reply: Reply<unknown> }
  | { id: number; closed: true }
  | EngineEvent
  | { ready: true; listeners?: RecordedListener[] }
  | { fatal: string }
