/**
 * GroupHistory, the host's per-group rebalance history: only group events naming a group are kept,
 * per group and in order; each group keeps its newest entries and the history its most recently
 * active groups; the events a source still holds are taken once even when its subscription repeats
 * them; following stops when unsubscribed; bad bounds are refused.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterEvent } from '../../../src/broker/cluster/cluster-events'
import { GroupHistory, type GroupEventSource } from '../../../src/host/group-history'

let seq = 0
const ev = (over: Partial<ClusterEvent>): ClusterEvent => ({ seq: ++seq, time: 1000 + seq, kind: 'member-joined', severity: 'info', message: `event ${seq}`, ...over })

/** A source holding `held` and emitting what `emit` is given to its listeners. */
function source(held: ClusterEvent[]): GroupEventSource & { emit(e: ClusterEvent): void } {
  const listeners = new Set<(e: ClusterEvent) => void>()
  return {
    recentEvents: () => held,
    onEvent: (l) => {
      listeners.add(l)
      return () => void listeners.delete(l)
    },
    emit: (e) => listeners.forEach((l) => l(e))
  }
}

describe('GroupHistory', () => {
  it('keeps the group events of each group in order, with generation and member, and ignores other events', () => {
    const h = new GroupHistory()
    h.note(ev({ kind: 'member-joined', groupId: 'g', generationId: 1, memberId: 'm-1', message: 'Member m-1 joined' }))
    h.note(ev({ kind: 'topic-created', topic: 't' }))
    h.note(ev({ kind: 'member-joined', groupId: 'other', memberId: 'x' }))
    h.note(ev({ kind: 'group-stable', groupId: 'g', generationId: 2 }))
    h.note(ev({ kind: 'leader-elected', groupId: 'g' }))
    h.note(ev({ kind: 'group-empty' })) // no group named
    expect(h.entries('g').map((e) => [e.kind, e.generationId, e.memberId])).toEqual([
      ['member-joined', 1, 'm-1'],
      ['group-stable', 2, null]
    ])
    expect(h.entries('g')[0]).toMatchObject({ severity: 'info', message: 'Member m-1 joined' })
    expect(h.entries('other')).toHaveLength(1)
    expect(h.entries('never')).toEqual([])
  })

  it('keeps the newest entries of a group and the most recently active groups', () => {
    const h = new GroupHistory(3, 2)
    for (let i = 0; i < 5; i++) h.note(ev({ groupId: 'g', generationId: i }))
    expect(h.entries('g').map((e) => e.generationId)).toEqual([2, 3, 4])
    h.note(ev({ groupId: 'a' }))
    h.note(ev({ groupId: 'g' })) // g active again: a is now the least recently active
    h.note(ev({ groupId: 'b' }))
    expect(h.entries('a')).toEqual([])
    expect(h.entries('g')).toHaveLength(3)
    expect(h.entries('b')).toHaveLength(1)
    expect(() => new GroupHistory(0)).toThrow('GroupHistory perGroup must be a positive integer, got 0')
    expect(() => new GroupHistory(5, 1.5)).toThrow('GroupHistory maxGroups must be a positive integer, got 1.5')
  })

  it('follows a source from the events it holds, takes a repeated event once, and stops when unsubscribed', () => {
    const first = ev({ groupId: 'g', generationId: 1 })
    const s = source([first])
    const h = new GroupHistory()
    const stop = h.follow(s)
    s.emit(first)
    const second = ev({ kind: 'member-left', groupId: 'g', generationId: 1 })
    s.emit(second)
    expect(h.entries('g').map((e) => e.seq)).toEqual([first.seq, second.seq])
    stop()
    s.emit(ev({ groupId: 'g' }))
    expect(h.entries('g')).toHaveLength(2)
  })
})
