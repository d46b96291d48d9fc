/**
 * Ambient types for the renderer: `.vue` modules and Vite's client types. `window.brokerlab` (the
 * contract exposed by the preload) is typed by src/preload/index.d.ts, which tsconfig.web.json
 * includes; it is absent in browser mode, where the WebSocket transport is used.
 */
/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
