/**
 * BrokerHeartbeatManager on an injected clock: sessions lapse exactly after
 * broker.session.timeout.ms (Kafka's hasValidSession: valid while lastContact + timeout >= now),
 * heartbeats keep them, a slowed broker's heartbeats arrive late and one at a time, and the configs
 * are checked with Kafka's names.
 */
import { describe, expect, it } from 'vitest'
import {
  BrokerHeartbeatManager,
  DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS,
  DEFAULT_BROKER_SESSION_TIMEOUT_MS,
  heartbeatConfig
} from '../../../../src/broker/controller/broker-heartbeat-manager'
import { KafkaError } from '../../../../src/broker/model/errors'

const T0 = 1_700_000_000_000

function manager(): BrokerHeartbeatManager {
  const m = new BrokerHeartbeatManager(heartbeatConfig({}))
  m.register(1, T0)
  m.register(2, T0)
  return m
}

describe('broker sessions', () => {
  it("takes Kafka's defaults: broker.heartbeat.interval.ms 2000, broker.session.timeout.ms 9000", () => {
    expect(heartbeatConfig({})).toEqual({ heartbeatIntervalMs: DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS, sessionTimeoutMs: DEFAULT_BROKER_SESSION_TIMEOUT_MS })
    expect(DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS).toBe(2000)
    expect(DEFAULT_BROKER_SESSION_TIMEOUT_MS).toBe(9000)
  })

  it('lapses exactly when broker.session.timeout.ms has passed since the last contact, not a millisecond before', () => {
    const m = manager()
    expect(m.expired(T0 + 9000)).toEqual([])
    expect(m.expired(T0 + 9001)).toEqual([1, 2])
  })

  it('keeps the session of a broker that heartbeats every broker.heartbeat.interval.ms', () => {
    const m = manager()
    expect(m.heartbeat(1, T0 + 1999, 0)).toBeNull() // not due yet
    expect(m.heartbeat(1, T0 + 2000, 0)).toBe(T0 + 2000)
    expect(m.lastContactMs(1)).toBe(T0 + 2000)
    expect(m.expired(T0 + 9001)).toEqual([2])
    expect(m.expired(T0 + 11001)).toEqual([1, 2])
  })

  it("takes a slowed broker's heartbeat as arriving its delay later, and sends the next only after the answer came back", () => {
    const m = manager()
    expect(m.heartbeat(1, T0 + 2000, 3000)).toBeNull() // in flight until T0 + 5000
    expect(m.heartbeat(1, T0 + 4999, 3000)).toBeNull()
    expect(m.heartbeat(1, T0 + 6000, 3000)).toBe(T0 + 5000)
    expect(m.lastContactMs(1)).toBe(T0 + 5000)
    // The answer is back at T0 + 8000: the next heartbeat leaves then, not at T0 + 6000.
    expect(m.heartbeat(1, T0 + 7000, 3000)).toBeNull()
    expect(m.heartbeat(1, T0 + 8000, 3000)).toBeNull()
    expect(m.heartbeat(1, T0 + 11000, 3000)).toBe(T0 + 11000)
  })

  it('loses a heartbeat in flight when the broker is cut off, and never reports a broker without a session', () => {
    const m = manager()
    m.heartbeat(1, T0 + 2000, 3000)
    m.dropInFlight(1)
    expect(m.heartbeat(1, T0 + 6000, 3000)).toBeNull() // sent again now, arrives at T0 + 9000
    expect(m.lastContactMs(1)).toBe(T0)
    m.unregister(2)
    expect(m.expired(T0 + 60000)).toEqual([1])
    m.setFenced(1, true)
    expect(m.expired(T0 + 60000)).toEqual([])
  })

  it('refuses configs that are not positive integers, or a session timeout not above the heartbeat interval, naming the config', () => {
    const code = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        return `${(e as KafkaError).code}: ${(e as Error).message}`
      }
      return 'no error'
    }
    expect(code(() => heartbeatConfig({ brokerHeartbeatIntervalMs: 0 }))).toMatch(/^INVALID_CONFIG: broker.heartbeat.interval.ms must be a positive integer/)
    expect(code(() => heartbeatConfig({ brokerSessionTimeoutMs: 1.5 }))).toMatch(/^INVALID_CONFIG: broker.session.timeout.ms must be a positive integer/)
    expect(code(() => heartbeatConfig({ brokerHeartbeatIntervalMs: 500, brokerSessionTimeoutMs: 500 }))).toMatch(
      /^INVALID_CONFIG: broker.session.timeout.ms \(500\) must be greater than broker.heartbeat.interval.ms \(500\)/
    )
  })
})
