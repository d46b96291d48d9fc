/**
 * The Electron IPC adapter for the contract: one `ipcMain.handle` on IPC_REQUEST_CHANNEL taking
 * `(name, payload)` and answering a Reply, and pushes of engine events to the window on
 * IPC_EVENT_CHANNEL as `(event, payload)`.
 *
 * Must stay true: a request from any sender other than our window's webContents is refused
 * (FORBIDDEN) without reaching the engine; every payload is validated with the shared schemas
 * before it crosses to the engine (INVALID_REQUEST otherwise); the handler never throws, so the
 * renderer always receives a Reply.
 */
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type Reply } from '../shared/contract'
import { validateRequest } from '../shared/schemas'
import type { EngineClient } from './engine-client'

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { sender: unknown }, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

/** The part of Electron's WebContents used here. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

/** What setupIpc needs. */
export interface IpcOptions {
  ipcMain: IpcMainLike
  /** The engine, or a promise of it while it starts (requests wait for it). */
  engine: EngineClient | Promise<EngineClient>
  /** Our window's webContents (null while there is no window). */
  getWebContents: () => WebContentsLike | null
}

/**
 * The request handler on its own (exported for tests): checks the sender, validates, forwards.
 * @returns a Reply for every input.
 */
export function createIpcRequestHandler(options: IpcOptions) {
  return async (event: { sender: unknown }, name: unknown, payload: unknown): Promise<Reply<unknown>> => {
    const wc = options.getWebContents()
    if (!wc || event?.sender !== wc)
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Request refused: it did not come from the Brokerlab window' } }
    if (typeof name !== 'string')
      return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Request name must be a string' } }
    const v = validateRequest(name, payload)
    if (!v.ok) return { ok: false, error: { code: 'INVALID_REQUEST', message: v.message } }
    try {
      const engine = await options.engine
      return await engine.handle(name, v.value)
    } catch (e) {
      return { ok: false, error: { code: 'ENGINE_STOPPED', message: (e as Error).message ?? String(e) } }
    }
  }
}

/**
 * Registers the request handler and forwards engine events to the window.
 * @returns a function that removes both.
 */
export function setupIpc(options: IpcOptions): () => void {
  options.ipcMain.handle(IPC_REQUEST_CHANNEL, createIpcRequestHandler(options))
  let unsubscribe: (() => void) | null = null
  let disposed = false
  void Promise.resolve(options.engine)
    .then((engine) => {
      if (disposed) return
      unsubscribe = engine.subscribe((ev) => {
        const wc = options.getWebContents()
        if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, ev.event, ev.payload)
      })
    })
    .catch(() => undefined)
  return () => {
    disposed = true
    options.ipcMain.removeHandler(IPC_REQUEST_CHANNEL)
    unsubscribe?.()
  }
}
