/**
 * Handlers of `broker/*`: stop (controlled shutdown) and start a broker, pause or resume its
 * followers' fetching, and the failure playground's faults: kill, slow, isolate, heal (the engine's
 * FaultInjector decides and refuses; its KafkaErrors reach the caller as contract errors).
 */
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** broker/stop, broker/start, broker/fetching, broker/kill, broker/slow, broker/isolate, broker/heal. */
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
    },
    'broker/kill': ({ brokerId }) => {
      c.killBroker(brokerId)
      return { ok: true }
    },
    'broker/slow': ({ brokerId, delayMs }) => {
      c.slowBroker(brokerId, delayMs)
      return { ok: true }
    },
    'broker/isolate': ({ brokerId }) => {
      c.isolateBroker(brokerId)
      return { ok: true }
    },
    'broker/heal': ({ brokerId }) => {
      c.healBroker(brokerId)
      return { ok: true }
    }
  }
}
