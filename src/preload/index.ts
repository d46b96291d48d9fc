/**
 * The preload (built to out/preload/index.js, runs sandboxed): exposes the contract's BrokerlabApi
 * as `window.brokerlab` via contextBridge, and nothing else (see bridge.ts).
 *
 * Must stay true: this is the only thing exposed; the main process validates every request again,
 * so the preload holds no trust.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './bridge'

contextBridge.exposeInMainWorld('brokerlab', createBridge(ipcRenderer))
