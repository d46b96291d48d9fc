/**
 * The bridge object the preload exposes: exactly the shared contract's BrokerlabApi, built over an
 * ipcRenderer-like object (so tests pass a stand-in): `request(name, payload)` is
 * invoke(IPC_REQUEST_CHANNEL, name, payload); `on(event, listener)` listens on IPC_EVENT_CHANNEL
 * and returns an unsubscribe.
 *
 * Must stay true: listeners receive the payload only, never the IpcRendererEvent (which would leak
 * Electron objects into the page); only the contract's event names can be subscribed.
 */
import {
  IPC_EVENT_CHANNEL,
  IPC_REQUEST_CHANNEL,
  type BrokerlabApi,
  type ContractEvents,
  type EventName
} from '../shared/contract'

/** The contract's event names (checked complete against EventName by the compiler). */
export const EVENT_NAMES = ['snapshot', 'import/progress', 'engine/status'] as const satisfies readonly EventName[]
type _MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>
const _allEvents: _MissingEvents extends never ? true : never = true
void _allEvents

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
}

/** Builds the object exposed as `window.brokerlab`. */
export function createBridge(ipc: IpcRendererLike): BrokerlabApi {
  return {
    request(name, req) {
      return ipc.invoke(IPC_REQUEST_CHANNEL, name, req) as ReturnType<BrokerlabApi['request']>
    },
    on<E extends EventName>(event: E, listener: (payload: ContractEvents[E]) => void): () => void {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event "${String(event)}"`)
      const wrapped = (_e: unknown, name: unknown, payload: unknown): void => {
        if (name === event) listener(payload as ContractEvents[E])
      }
      ipc.on(IPC_EVENT_CHANNEL, wrapped)
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, wrapped)
      }
    }
  }
}
