/**
 * The Electron IPC adapter for the contract: one `ipcMain.handle` on IPC_REQUEST_CHANNEL taking
 * `(name, payload)` and answering a Reply, and pushes of engine events to the window on
 * IPC_EVENT_CHANNEL as `(event, payload)`.
 *
 * Must stay true: a request is served only when it comes from our window's webContents AND from its
 * main frame (`event.senderFrame`: no parent frame) AND that frame is at the renderer's origin
 * (`app://brokerlab`, or the dev server's in `npm run dev`); anything else (another webContents, a
 * subframe, a foreign origin, a frame already gone, i.e. a null senderFrame) is refused (FORBIDDEN)
 * without reaching the engine. Every payload is validated with the shared schemas
 * before it crosses to the engine (INVALID_REQUEST otherwise); the handler never throws, so the
 * renderer always receives a Reply. Requests the main process answers itself (`local`: the export
 * save, which needs a dialog) pass the same checks first.
 */
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type Reply, type RequestName, type RequestOf } from '../shared/contract'
import { validateRequest } from '../shared/schemas'
import type { EngineClient } from '../host/engine-client'

/** The part of Electron's WebFrameMain used here. */
export interface FrameLike {
  /** The parent frame; null for a top-level (main) frame. */
  readonly parent: FrameLike | null
  /** The frame's origin serialised per RFC 6454 (`app://brokerlab`, `http://localhost:5173`, "null"). */
  readonly origin: string
}

/** The part of Electron's IpcMainInvokeEvent used here. */
export interface IpcInvokeEventLike {
  sender: unknown
  /** The frame that sent the message; null when it navigated away or was destroyed since. */
  senderFrame?: FrameLike | null
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void
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
  /** The renderer's origin, as WebFrameMain.origin spells it: APP_ORIGIN, or the dev server's origin. */
  rendererOrigin: string
  /** Requests answered in the main process instead of the engine (messages/export-save), after validation. */
  local?: { [N in RequestName]?: (engine: EngineClient, req: RequestOf<N>) => Promise<Reply<unknown>> }
}

/**
 * Why a request's sender is refused, or null when it is our window's main frame at the renderer's
 * origin. Exported for tests.
 */
export function senderRefusal(event: IpcInvokeEventLike | undefined, wc: WebContentsLike | null, rendererOrigin: string): string | null {
  if (!wc || event?.sender !== wc) return 'it did not come from the Brokerlab window'
  const frame = event.senderFrame
  if (!frame) return 'its frame is gone (navigated away or destroyed)'
  if (frame.parent !== null) return 'it came from a subframe, not the main frame of the Brokerlab window'
  if (frame.origin !== rendererOrigin) return `it came from origin ${frame.origin}, not ${rendererOrigin}`
  return null
}

/**
 * The request handler on its own (exported for tests): checks the sender and its frame
 * (senderRefusal), validates, forwards.
 * @returns a Reply for every input: FORBIDDEN naming why the sender was refused, INVALID_REQUEST,
 *   ENGINE_STOPPED when the engine failed, else the engine's Reply.
 */
export function createIpcRequestHandler(options: IpcOptions) {
  return async (event: IpcInvokeEventLike, name: unknown, payload: unknown): Promise<Reply<unknown>> => {
    const refusal = senderRefusal(event, options.getWebContents(), options.rendererOrigin)
    if (refusal !== null) return { ok: false, error: { code: 'FORBIDDEN', message: `Request refused: ${refusal}` } }
    if (typeof name !== 'string')
      return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Request name must be a string' } }
    const v = validateRequest(name, payload)
    if (!v.ok) return { ok: false, error: { code: v.code, message: v.message } }
    try {
      const engine = await options.engine
      const local = options.local?.[name as RequestName] as ((e: EngineClient, req: unknown) => Promise<Reply<unknown>>) | undefined
      if (local) return await local(engine, v.value)
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
