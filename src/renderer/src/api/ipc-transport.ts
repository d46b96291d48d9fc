/**
 * The Electron transport: the contract as the preload exposes it on `window.brokerlab`.
 * Must stay true: this adds nothing to the bridge; a request that throws (e.g. the main process
 * is gone) becomes a failed Reply, so callers only ever see Reply values.
 */
import type { BrokerlabApi, Reply } from '../../../shared/contract'

/**
 * Wraps the preload bridge as a `BrokerlabApi`.
 * @param bridge the object the preload exposed (normally `window.brokerlab`).
 */
export function ipcTransport(bridge: BrokerlabApi): BrokerlabApi {
  return {
    async request(name, req) {
      try {
        return await bridge.request(name, req)
      } catch (e) {
        return { ok: false, error: { code: 'IPC_ERROR', message: (e as Error).message ?? String(e) } } as Reply<never>
      }
    },
    on(event, listener) {
      return bridge.on(event, listener)
    }
  }
}
