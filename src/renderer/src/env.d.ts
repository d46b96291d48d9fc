/**
 * Ambient types for the renderer: `.vue` modules, and `window.brokerlab`, the contract exposed by
 * the preload through contextBridge (absent in browser mode, where the WebSocket transport is used).
 * Must stay true: the bridge's type is exactly the shared `BrokerlabApi`, nothing more.
 */
/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** Set by the preload in the desktop app; undefined in browser mode. */
  brokerlab?: import('@shared/contract').BrokerlabApi
}
