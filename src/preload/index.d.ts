/**
 * What the preload exposes, for the renderer's type-check (tsconfig.web.json includes this file):
 * `window.brokerlab` is exactly the shared contract's BrokerlabApi. Optional, because in browser
 * mode there is no preload and the renderer uses the WebSocket transport.
 */
interface Window {
  brokerlab?: import('../shared/contract').BrokerlabApi
}
