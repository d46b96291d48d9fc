/**
 * slowFrameHandler: the slow-broker hook in dispatch (franz-go kfake's KeepControl hooks delay a
 * request the same way): every request frame a slowed broker's listener receives is answered
 * `delayMs()` ms later than its handler would, as if the broker's request handler threads were that
 * slow. The delay is read per request, so slowing and healing take effect on open connections.
 *
 * Must stay true: frames of one connection still go to the inner handler one at a time and in
 * order (the listener waits for each answer); no delay (0) adds no timer; the timer is the caller's
 * (tests inject one); everything else the inner handler offers (connectionClosed, activity) passes through.
 */
import type { FrameHandler, RequestContext } from '../protocol/frame-handler'

/** Schedules `fn` after `ms` ms (default setTimeout). */
export type DelayTimer = (fn: () => void, ms: number) => void

/**
 * `inner`, answering `delayMs()` ms late (0: at once).
 * @param delayMs the broker's current extra delay per request, ms.
 */
export function slowFrameHandler(inner: FrameHandler, delayMs: () => number, timer: DelayTimer = (fn, ms) => void setTimeout(fn, ms)): FrameHandler {
  return {
    handleFrame(frame: Buffer, ctx: RequestContext) {
      const ms = delayMs()
      if (ms <= 0) return inner.handleFrame(frame, ctx)
      return new Promise<void>((resolve) => timer(resolve, ms)).then(() => inner.handleFrame(frame, ctx))
    },
    connectionClosed: inner.connectionClosed ? (ctx) => inner.connectionClosed!(ctx) : undefined,
    // The wrapper must not hide the broker's meters (the brokers view reads them through the listeners).
    activity: inner.activity ? () => inner.activity!() : undefined
  }
}
