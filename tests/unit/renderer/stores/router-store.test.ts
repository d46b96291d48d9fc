import { describe, expect, it } from 'vitest'
import { formatHash, parseHash } from '../../../../src/renderer/src/stores/router-store'

describe('router hash', () => {
  it('round-trips a view and its parameter', () => {
    const r = { view: 'topic' as const, param: 'flights.v2' }
    expect(formatHash(r)).toBe('#/topic/flights.v2')
    expect(parseHash(formatHash(r))).toEqual(r)
  })

  it('routes #/timeline to the timeline view', () => {
    expect(parseHash('#/timeline')).toEqual({ view: 'timeline', param: null })
  })

  it('routes #/scenarios to the scenario panel', () => {
    expect(parseHash('#/scenarios')).toEqual({ view: 'scenarios', param: null })
  })

  it('falls back to the cluster overview for unknown views', () => {
    expect(parseHash('#/nope/x')).toEqual({ view: 'cluster', param: null })
    expect(parseHash('')).toEqual({ view: 'cluster', param: null })
  })
})
