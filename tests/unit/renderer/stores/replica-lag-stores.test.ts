/**
 * The stores behind the topic detail's replica lag chart and the Preferred leader election button:
 * the lag history follows the selected partition (never showing one partition's history under
 * another), and an election's per-partition outcomes belong to the scope asked (a topic or all).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { LeaderElectionResultView, ReplicaLagHistoryView } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useReplicaLagStore } from '../../../../src/renderer/src/stores/replica-lag-store'
import { useLeaderElectionStore } from '../../../../src/renderer/src/stores/leader-election-store'
import { useNoticeStore } from '../../../../src/renderer/src/stores/notice-store'
import { FakeFailure, fakeApi } from '../fake-api'

beforeEach(() => setActivePinia(createPinia()))

const history = (topic: string, partition: number, records: number): ReplicaLagHistoryView => ({
  topic,
  partition,
  replicas: [{ brokerId: 2, points: [{ t: 1, records, ms: records * 10 }] }]
})

describe('useReplicaLagStore', () => {
  it('loads the selected partition and clears the previous one at once when another is selected', async () => {
    const api = fakeApi({ 'topic/replica-lag-history': (r) => history(r.topic, r.partition, r.partition + 5) })
    setApi(api)
    const s = useReplicaLagStore()
    await s.select('t', 0)
    expect(s.history).toEqual(history('t', 0, 5))
    const pending = s.select('t', 1)
    expect(s.history).toBeNull()
    await pending
    expect(s.history).toEqual(history('t', 1, 6))
    expect(api.calls.map((c) => c.req)).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 }
    ])
  })

  it('keeps a failed load as its error without a toast (it repeats with every snapshot)', async () => {
    setApi(fakeApi({ 'topic/replica-lag-history': () => { throw new FakeFailure({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'Topic t has no partition 4' }) } }))
    const s = useReplicaLagStore()
    await s.select('t', 4)
    expect(s.error).toEqual({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'Topic t has no partition 4' })
    expect(useNoticeStore().queue).toEqual([])
  })
})

describe('useLeaderElectionStore', () => {
  const elected: LeaderElectionResultView = { topic: 't', partition: 0, outcome: 'elected', previousLeader: 2, leader: 1, leaderEpoch: 3 }

  it('asks a preferred election of the topic, or of every partition without one, and keeps the outcomes with their scope', async () => {
    const api = fakeApi({ 'cluster/elect-leaders': () => [elected] })
    setApi(api)
    const s = useLeaderElectionStore()
    await s.electPreferred('t')
    expect(s).toMatchObject({ scope: 't', results: [elected], running: false })
    await s.electPreferred(null)
    expect(s.scope).toBeNull()
    expect(api.calls.map((c) => c.req)).toEqual([{ electionType: 'preferred', topic: 't' }, { electionType: 'preferred' }])
    expect(useNoticeStore().queue.map((n) => n.text)).toEqual(['Preferred leader election of topic t: 1 elected', 'Preferred leader election of all topics: 1 elected'])
  })

  it('shows a refused election as an error notice and no outcomes', async () => {
    setApi(fakeApi({ 'cluster/elect-leaders': () => { throw new FakeFailure({ code: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'nope' }) } }))
    const s = useLeaderElectionStore()
    await s.electPreferred('gone')
    expect(s.results).toBeNull()
    expect(s.running).toBe(false)
    expect(useNoticeStore().queue.map((n) => n.text)).toEqual(['Preferred leader election of topic gone: UNKNOWN_TOPIC_OR_PARTITION: nope'])
  })
})
