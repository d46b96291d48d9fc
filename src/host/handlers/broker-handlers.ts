/** Handlers of `broker/*`: stop and start a broker, pause or resume its followers' fetching. */
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** broker/stop, broker/start, broker/fetching. */
export function brokerHandlers({ cluster: c }: HandlerContext): NamespaceHandlers<'broker'> {
  return {
    'broker/stop': ({ brokerId }) => {
      c.stopBroker(brokerId)
      return { ok: true }
    },
    'broker/start': ({ brokerId }) => {
      c.startBroker(brokerId)
      return { ok: true }
    },
    'broker/fetching': ({ brokerId, paused }) => {
      if (paused) c.pauseFetching(brokerId)
      else c.resumeFetching(brokerId)
      return { ok: true }
    }
  }
}
