/**
 * The app's rule for a cluster's "Listener base port" (issue 10): broker n of the cluster listens
 * on BASE + n - 1, so BASE must leave room for every broker below 65535, and the app keeps to
 * unprivileged ports (from 1024: ports below need root on Linux and macOS). The CLI's flags
 * (`serve --broker-port`, `start --port`) keep their wider rule (0 = free ports), checked in
 * src/broker/protocol/network/broker-listeners.ts (basePortProblem).
 *
 * Must stay true: Node-free and pure, so the renderer checks a typed value with the very rule the
 * host applies before it persists or moves anything.
 */

/** The lowest base port the app accepts (the first unprivileged port). */
export const LISTENER_BASE_PORT_MIN = 1024
/** The highest TCP port. */
export const TCP_PORT_MAX = 65535

/** The highest base port for `brokers` brokers: 65535 - (brokers - 1). */
export function listenerBasePortMax(brokers: number): number {
  return TCP_PORT_MAX - (Math.max(1, brokers) - 1)
}

/**
 * Why `basePort` cannot be the listener base port of a cluster of `brokers` brokers (a sentence
 * naming the rule and the value), or null when it can.
 */
export function listenerBasePortProblem(basePort: number, brokers: number): string | null {
  const max = listenerBasePortMax(brokers)
  if (!Number.isInteger(basePort) || basePort < LISTENER_BASE_PORT_MIN || basePort > max) {
    const room = brokers > 1 ? ` (its ${brokers} brokers listen on ports base to base+${brokers - 1}, and 65535 is the highest port)` : ''
    return `The listener base port must be a whole number from ${LISTENER_BASE_PORT_MIN} to ${max}${room}; ports below ${LISTENER_BASE_PORT_MIN} need root. Got ${String(basePort)}.`
  }
  return null
}
