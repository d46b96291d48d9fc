/**
 * The brokers view's words for a broker's state, its heartbeat age, its fault buttons and the rule
 * of the Slow… delay (src/renderer/src/views/cluster/broker-state.ts).
 */
import { describe, expect, it } from 'vitest'
import { brokerFaultActions, brokerStateType, brokerStateWords, heartbeatAge, MAX_SLOW_MS, slowDelayProblem } from '../../../../src/renderer/src/views/cluster/broker-state'

const clean = { state: 'running', fenced: false, isolated: false, slowMs: 0, fetching: true } as const

describe('brokerStateWords', () => {
  it('says running for a clean broker, stopped or killed for one that is down', () => {
    expect(brokerStateWords(clean)).toBe('running')
    expect(brokerStateWords({ ...clean, state: 'stopped', fetching: false })).toBe('stopped')
    expect(brokerStateWords({ ...clean, state: 'killed', fetching: false, fenced: true })).toBe('killed, fenced')
  })

  it('lists every fault that holds at once', () => {
    expect(brokerStateWords({ ...clean, isolated: true, fenced: true })).toBe('running, isolated, fenced')
    expect(brokerStateWords({ ...clean, slowMs: 200 })).toBe('running, slowed by 200 ms')
    expect(brokerStateWords({ ...clean, slowMs: 300000, isolated: true, fetching: false })).toBe('running, isolated, slowed by 300,000 ms, not fetching')
  })

  it('colours a clean broker green, a faulty running one amber, a down or fenced one red', () => {
    expect(brokerStateType(clean)).toBe('success')
    expect(brokerStateType({ ...clean, slowMs: 5 })).toBe('warning')
    expect(brokerStateType({ ...clean, isolated: true })).toBe('warning')
    expect(brokerStateType({ ...clean, isolated: true, fenced: true })).toBe('error')
    expect(brokerStateType({ ...clean, state: 'killed' })).toBe('error')
  })
})

describe('heartbeatAge', () => {
  it('writes the age at the snapshot time in ms, seconds or minutes', () => {
    expect(heartbeatAge(10_000, 10_850)).toBe('850 ms ago')
    expect(heartbeatAge(10_000, 12_100)).toBe('2.1 s ago')
    expect(heartbeatAge(10_000, 10_000 + 185_000)).toBe('3 min 5 s ago')
  })

  it('writes a dash when the controller never heard from it, and no negative age for a heartbeat after the snapshot', () => {
    expect(heartbeatAge(null, 5000)).toBe('—')
    expect(heartbeatAge(5100, 5000)).toBe('0 ms ago')
  })
})

describe('brokerFaultActions', () => {
  it('offers stop, kill, slow and isolate to a running broker and start to a stopped or killed one', () => {
    expect(brokerFaultActions({ state: 'running', isolated: false, slowMs: 0 })).toEqual({ stop: true, kill: true, start: false, slow: true, isolate: true, heal: false })
    for (const state of ['stopped', 'killed'] as const)
      expect(brokerFaultActions({ state, isolated: false, slowMs: 0 })).toEqual({ stop: false, kill: false, start: true, slow: false, isolate: false, heal: false })
  })

  it('offers heal only while the broker is slowed or isolated', () => {
    expect(brokerFaultActions({ state: 'running', isolated: false, slowMs: 0 }).heal).toBe(false)
    expect(brokerFaultActions({ state: 'running', isolated: false, slowMs: 200 }).heal).toBe(true)
    expect(brokerFaultActions({ state: 'running', isolated: true, slowMs: 0 })).toMatchObject({ heal: true, isolate: false })
  })
})

describe('slowDelayProblem', () => {
  it('accepts an integer from 1 to MAX_SLOW_MS ms', () => {
    expect(slowDelayProblem('1')).toBeNull()
    expect(slowDelayProblem(' 200 ')).toBeNull()
    expect(slowDelayProblem(String(MAX_SLOW_MS))).toBeNull()
  })

  it('refuses empty, zero, too large, fractional and non-numeric delays, naming the rule', () => {
    const rule = /integer from 1 to 300000/
    for (const bad of ['', '0', '300001', '2.5', '-3', 'abc', '1e3']) expect(slowDelayProblem(bad)).toMatch(rule)
    expect(slowDelayProblem('300001')).toContain('got 300001')
  })
})
