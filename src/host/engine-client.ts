/**
 * The one surface both hosts (Electron IPC, browser-mode WebSocket) talk to, whether the engine
 * runs in a worker thread (EngineHost) or in-process (EngineService itself implements it).
 *
 * Must stay true: `handle` never rejects (every outcome is a Reply); `close` is idempotent.
 */
import type { Reply } from '../shared/contract'
import type { EngineEventListener } from './engine-service'

/** A running engine the hosts send contract requests to and receive pushed events from. */
export interface EngineClient {
  /** Validates and serves one request; resolves with a Reply, never rejects. */
  handle(name: string, payload: unknown): Promise<Reply<unknown>>
  /** Subscribes to pushed events (snapshot at most 1/s, import/progress, engine/status from a worker host); returns the unsubscribe. */
  subscribe(listener: EngineEventListener): () => void
  /** Flushes and closes the engine. */
  close(): Promise<void>
}
