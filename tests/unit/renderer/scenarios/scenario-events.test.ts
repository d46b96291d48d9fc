/**
 * The scenario panel's events: kept from every snapshot (a snapshot carries only the newest few of
 * the whole cluster), only those about the scenario's topic and the brokers, each once, newer than
 * the run's start, at most the limit.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../../src/shared/contract'
import { mergeScenarioEvents } from '../../../../src/renderer/src/scenarios/scenario-events'

const ev = (seq: number, kind: ClusterEventView['kind'], topic?: string): ClusterEventView => ({ seq, time: seq, kind, severity: 'info', ...(topic ? { topic, partition: 0 } : {}), message: `${kind} ${seq}` })

describe('mergeScenarioEvents', () => {
  it('keeps the scenario topic’s and the brokers’ events of each snapshot once, oldest first, even after later snapshots no longer carry them', () => {
    const first = [ev(1, 'topic-created', 'flights'), ev(2, 'broker-killed'), ev(3, 'leader-elected', 's'), ev(4, 'leader-elected', 'flights')]
    let kept = mergeScenarioEvents([], first, 's', 0, 10)
    expect(kept.map((e) => e.seq)).toEqual([2, 3])
    // the next snapshot no longer carries 2 and 3 (pushed out by flights events) but repeats 4
    const second = [ev(4, 'leader-elected', 'flights'), ev(5, 'isr-shrink', 's'), ev(6, 'controller-moved'), ev(7, 'group-stable')]
    kept = mergeScenarioEvents(kept, second, 's', 0, 10)
    expect(kept.map((e) => e.seq)).toEqual([2, 3, 5, 6])
    expect(mergeScenarioEvents(kept, second, 's', 0, 10)).toBe(kept)
  })

  it('leaves out events from before the run and keeps the newest `limit`', () => {
    const events = [ev(1, 'isr-shrink', 's'), ev(2, 'isr-expand', 's'), ev(3, 'broker-started'), ev(4, 'broker-fenced')]
    expect(mergeScenarioEvents([], events, 's', 1, 2).map((e) => e.seq)).toEqual([3, 4])
  })
})
