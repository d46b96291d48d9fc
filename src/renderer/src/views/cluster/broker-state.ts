/**
 * How the brokers view words a broker's state for the failure playground: its process state
 * (running, stopped, killed) followed by every fault that holds (fenced, isolated, slowed by N ms,
 * not fetching), e.g. "running, isolated, fenced"; the tag colour for that state; the age of its
 * last heartbeat ("2.1 s ago"); which fault buttons apply; and the rule of the Slow… delay.
 *
 * Must stay true: the words list every fault the BrokerView reports (none is hidden behind another);
 * slowDelayProblem accepts exactly what the engine's broker/slow accepts (an integer 1..MAX_SLOW_MS)
 * and names the rule otherwise.
 */
import type { BrokerView } from '@shared/contract'

/**
 * The largest delay broker/slow accepts, ms (the engine's MAX_SLOW_MS in
 * src/broker/faults/fault-injector.ts: five minutes).
 */
export const MAX_SLOW_MS = 300000


/**
 * The broker's state in words: "running", "stopped" or "killed", then what holds of
 * "fenced", "isolated", "slowed by N ms", "not fetching", comma separated.
 * Example: { state: 'running', isolated: true, fenced: true } -> "running, isolated, fenced".
 */
export function brokerStateWords(b: Pick<BrokerView, 'state' | 'fenced' | 'isolated' | 'slowMs' | 'fetching'>): string {
  const words: string[] = [b.state]
  if (b.isolated) words.push('isolated')
  if (b.slowMs > 0) words.push(`slowed by ${b.slowMs.toLocaleString('en-US')} ms`)
  if (b.fenced) words.push('fenced')
  if (b.state === 'running' && !b.fetching) words.push('not fetching')
  return words.join(', ')
}

/**
 * The naive-ui tag type of a broker's state: error when it is not running or is fenced (it leads
 * nothing and is in no ISR), warning when it runs with a fault (isolated, slowed, not fetching),
 * success when it runs clean.
 */
export function brokerStateType(b: Pick<BrokerView, 'state' | 'fenced' | 'isolated' | 'slowMs' | 'fetching'>): 'success' | 'warning' | 'error' {
  if (b.state !== 'running' || b.fenced) return 'error'
  if (b.isolated || b.slowMs > 0 || !b.fetching) return 'warning'
  return 'success'
}

/**
 * How long before the snapshot the controller last heard from the broker, e.g. "2.1 s ago",
 * "850 ms ago", "3 min 5 s ago"; "—" when it never did or it is stopped (lastHeartbeatMs null).
 * @param lastHeartbeatMs ms since the epoch (BrokerView.lastHeartbeatMs)
 * @param takenAt ms since the epoch when the snapshot was taken (ClusterSnapshot.takenAt)
 */
export function heartbeatAge(lastHeartbeatMs: number | null, takenAt: number): string {
  if (lastHeartbeatMs === null) return '—'
  const ms = Math.max(0, takenAt - lastHeartbeatMs)
  if (ms < 1000) return `${Math.round(ms)} ms ago`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s ago`
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)} min ${s % 60} s ago`
}

/** The fault buttons that apply to a broker now. */
export interface BrokerFaultActions {
  /** Stop (controlled shutdown) and Kill (kill -9): only a running broker. */
  stop: boolean
  kill: boolean
  /** Start: a stopped or killed broker. */
  start: boolean
  /** Slow… and Isolate: a running broker (slowing again changes the delay). */
  slow: boolean
  isolate: boolean
  /** Heal: a broker that is slowed or isolated. */
  heal: boolean
}

/** Which fault buttons a broker offers (see BrokerFaultActions). */
export function brokerFaultActions(b: Pick<BrokerView, 'state' | 'isolated' | 'slowMs'>): BrokerFaultActions {
  const running = b.state === 'running'
  return {
    stop: running,
    kill: running,
    start: !running,
    slow: running,
    isolate: running && !b.isolated,
    heal: b.isolated || b.slowMs > 0
  }
}

/**
 * Why a typed Slow… delay is refused, or null when it is valid: an integer number of ms from 1 to
 * MAX_SLOW_MS (the rule of broker/slow). Nothing is clamped or rounded.
 */
export function slowDelayProblem(text: string): string | null {
  const t = text.trim()
  if (t === '') return `Enter a delay in ms: an integer from 1 to ${MAX_SLOW_MS}`
  if (!/^\d+$/.test(t)) return `The delay must be an integer from 1 to ${MAX_SLOW_MS} ms, got "${t}"`
  const n = Number(t)
  if (n < 1 || n > MAX_SLOW_MS) return `The delay must be an integer from 1 to ${MAX_SLOW_MS} ms, got ${t}`
  return null
}
