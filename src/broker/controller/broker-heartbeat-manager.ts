/**
 * BrokerHeartbeatManager: the brokers' sessions with the controller (Kafka KRaft's
 * BrokerRegistration and BrokerHeartbeat, org.apache.kafka.controller.BrokerHeartbeatManager, with
 * the broker side of kafka.server.BrokerLifecycleManager): each running broker registers, then
 * heartbeats every `broker.heartbeat.interval.ms`; the controller keeps the time it last heard from
 * each one (its last contact). A broker whose session lapsed (now > last contact +
 * `broker.session.timeout.ms`, Kafka's hasValidSession) is fenced by the controller; a fenced broker
 * whose heartbeat arrives again is unfenced.
 *
 * A heartbeat of a slowed broker (faults/) takes `delayMs` to arrive, and the broker sends the next
 * one only after the answer came back (one heartbeat in flight, as Kafka's lifecycle manager); a
 * broker that cannot reach the controller (killed, isolated) sends none that arrive.
 *
 * Must stay true: time is the cluster's injected clock (ms), read only by the caller (every method
 * takes `now`), so tests drive sessions without waiting; a broker without a session (stopped) is
 * never reported as expired; fencing and unfencing are decided by the caller (the fault injector),
 * which records them here.
 */
import { KafkaError } from '../model/errors'

/** Kafka's broker.heartbeat.interval.ms default (ms). */
export const DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS = 2000
/** Kafka's broker.session.timeout.ms default (ms). */
export const DEFAULT_BROKER_SESSION_TIMEOUT_MS = 9000

/** The two session configs, ms. */
export interface HeartbeatConfig {
  /** broker.heartbeat.interval.ms: how often a broker heartbeats. */
  heartbeatIntervalMs: number
  /** broker.session.timeout.ms: how long the controller waits for a heartbeat before it fences the broker. */
  sessionTimeoutMs: number
}

/**
 * The session configs over Kafka's defaults, checked.
 * @throws KafkaError INVALID_CONFIG naming the config and the rule: each a positive integer (ms), and
 *   broker.session.timeout.ms greater than broker.heartbeat.interval.ms (else a healthy broker would
 *   be fenced between two heartbeats).
 */
export function heartbeatConfig(opts: { brokerHeartbeatIntervalMs?: number; brokerSessionTimeoutMs?: number }): HeartbeatConfig {
  const heartbeatIntervalMs = opts.brokerHeartbeatIntervalMs ?? DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS
  const sessionTimeoutMs = opts.brokerSessionTimeoutMs ?? DEFAULT_BROKER_SESSION_TIMEOUT_MS
  for (const [name, v] of [
    ['broker.heartbeat.interval.ms', heartbeatIntervalMs],
    ['broker.session.timeout.ms', sessionTimeoutMs]
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new KafkaError('INVALID_CONFIG', `${name} must be a positive integer (ms), got ${v}`)
  if (sessionTimeoutMs <= heartbeatIntervalMs)
    throw new KafkaError(
      'INVALID_CONFIG',
      `broker.session.timeout.ms (${sessionTimeoutMs}) must be greater than broker.heartbeat.interval.ms (${heartbeatIntervalMs}), or a healthy broker is fenced between two heartbeats`
    )
  return { heartbeatIntervalMs, sessionTimeoutMs }
}

/** One broker's session, as the controller and the broker's lifecycle manager hold it. */
interface Session {
  /** When the controller last heard from it (registration or heartbeat), ms. */
  lastContactMs: number
  /** When the broker last sent a heartbeat, ms. */
  lastSentMs: number
  /** When its heartbeat in flight arrives at the controller (a slowed broker), or null. */
  arrivesAtMs: number | null
  /** When the answer to its last heartbeat is back, so it may send the next one, ms. */
  answeredAtMs: number
  fenced: boolean
}

/** The brokers' sessions. Not thread-safe: the engine's event loop owns it. */
export class BrokerHeartbeatManager {
  private readonly sessions = new Map<number, Session>()

  constructor(readonly config: HeartbeatConfig) {}

  /** Broker `id` registered at `now` (it started, or the cluster opened): a fresh, unfenced session. */
  register(id: number, now: number): void {
    this.sessions.set(id, { lastContactMs: now, lastSentMs: now, arrivesAtMs: null, answeredAtMs: now, fenced: false })
  }

  /** Broker `id` has no session any more (a controlled shutdown unregisters it). */
  unregister(id: number): void {
    this.sessions.delete(id)
  }

  /** Whether broker `id` has a session (registered and not shut down). */
  hasSession(id: number): boolean {
    return this.sessions.has(id)
  }

  /** When the controller last heard from broker `id` (ms), or null without a session. */
  lastContactMs(id: number): number | null {
    return this.sessions.get(id)?.lastContactMs ?? null
  }

  /** Whether broker `id` is fenced. */
  isFenced(id: number): boolean {
    return this.sessions.get(id)?.fenced === true
  }

  /** Records that the controller fenced (true) or unfenced broker `id`. */
  setFenced(id: number, fenced: boolean): void {
    const s = this.sessions.get(id)
    if (s) s.fenced = fenced
  }

  /**
   * The broker side at `now`: broker `id` (which can reach the controller) sends a heartbeat when
   * the interval passed and the previous one was answered; it arrives `delayMs` later. A heartbeat
   * whose arrival time has come is received: the last contact becomes its arrival time.
   * @returns the arrival time (ms) of the heartbeat received now, or null when none arrived.
   */
  heartbeat(id: number, now: number, delayMs: number): number | null {
    const s = this.sessions.get(id)
    if (!s) return null
    if (s.arrivesAtMs === null && now - s.lastSentMs >= this.config.heartbeatIntervalMs && now >= s.answeredAtMs) {
      s.lastSentMs = now
      s.arrivesAtMs = now + delayMs
    }
    if (s.arrivesAtMs === null || s.arrivesAtMs > now) return null
    const arrived = s.arrivesAtMs
    s.arrivesAtMs = null
    s.lastContactMs = Math.max(s.lastContactMs, arrived)
    s.answeredAtMs = arrived + delayMs
    return arrived
  }

  /**
   * A heartbeat of broker `id` in flight is lost (the broker was cut off from the controller or
   * died): it never arrives, and the broker may send again at once when it can.
   */
  dropInFlight(id: number): void {
    const s = this.sessions.get(id)
    if (!s) return
    s.arrivesAtMs = null
    s.answeredAtMs = s.lastSentMs
  }

  /**
   * The brokers whose session lapsed at `now` and that are not fenced yet (Kafka's
   * BrokerHeartbeatManager: valid while lastContact + sessionTimeout >= now), ascending.
   */
  expired(now: number): number[] {
    const out: number[] = []
    for (const [id, s] of this.sessions) if (!s.fenced && s.lastContactMs + this.config.sessionTimeoutMs < now) out.push(id)
    return out.sort((a, b) => a - b)
  }
}
