/**
 * GroupMetadata on its own: Kafka's valid state transitions, the leader handed to the next member
 * when it leaves, a static member keeping its place under a new member id, and the subscribed topics
 * a consumer group's members declare.
 */
import { describe, expect, it } from 'vitest'
import { GroupMetadata, MemberMetadata, parseSubscriptionTopics } from '../../../../src/broker/group/group-metadata'
import { subscription } from './group-harness'

const member = (id: string, instance: string | null = null, topics = ['t']): MemberMetadata =>
  new MemberMetadata(id, instance, 'c', '/h', 20000, 10000, 'consumer', [{ name: 'range', metadata: subscription(topics) }])

describe('GroupMetadata', () => {
  it("allows only Kafka's state transitions", () => {
    const g = new GroupMetadata('g', 0, 1)
    expect(() => g.transitionTo('Stable', 2)).toThrow('Group g cannot move from Empty to Stable')
    expect(() => g.transitionTo('CompletingRebalance', 2)).toThrow('cannot move from Empty to CompletingRebalance')
    g.transitionTo('PreparingRebalance', 2)
    g.transitionTo('CompletingRebalance', 3)
    expect(() => g.transitionTo('Empty', 4)).toThrow('cannot move from CompletingRebalance to Empty')
    g.transitionTo('Stable', 4)
    expect(g.currentStateTimestamp).toBe(4)
    expect(g.previousState).toBe('CompletingRebalance')
    g.transitionTo('PreparingRebalance', 5)
    g.transitionTo('Empty', 6)
    g.transitionTo('Dead', 7)
    expect(() => g.transitionTo('PreparingRebalance', 8)).toThrow('cannot move from Dead')
  })

  it('makes the first member the leader and hands leadership to the next one when it leaves', () => {
    const g = new GroupMetadata('g', 0, 1)
    g.add(member('a'))
    g.add(member('b'))
    g.add(member('c'))
    expect(g.leaderId).toBe('a')
    g.remove('a')
    expect(g.leaderId).toBe('b')
    g.remove('b')
    g.remove('c')
    expect(g.leaderId).toBeNull()
  })

  it('keeps a static member in its place and as leader under its new member id', () => {
    const g = new GroupMetadata('g', 0, 1)
    g.add(member('s-1', 'i1'))
    g.add(member('d'))
    g.pendingSync.add('s-1')
    g.replaceStaticMember('i1', 's-1', 's-2')
    expect([...g.members.keys()]).toEqual(['s-2', 'd'])
    expect(g.leaderId).toBe('s-2')
    expect(g.staticMemberId('i1')).toBe('s-2')
    expect([...g.pendingSync]).toEqual(['s-2'])
    expect(g.members.get('s-2')!.memberId).toBe('s-2')
  })

  it("collects a consumer group's subscribed topics and knows none for a malformed subscription", () => {
    const g = new GroupMetadata('g', 0, 1)
    g.add(member('a', null, ['t', 'u']))
    g.add(member('b', null, ['v']))
    g.protocolName = 'range'
    expect([...g.computeSubscribedTopics()!].sort()).toEqual(['t', 'u', 'v'])
    expect(parseSubscriptionTopics(Buffer.from([0, 0, 0, 0, 0, 5, 0]))).toBeNull()
  })
})
