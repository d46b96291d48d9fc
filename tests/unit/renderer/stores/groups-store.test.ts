import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BrokerlabApi, GroupDetailsView, GroupView } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useGroupsStore } from '../../../../src/renderer/src/stores/groups-store'
import { fakeApi, FakeFailure } from '../fake-api'

const group = (groupId: string, lag: number): GroupView => ({
  groupId,
  state: 'Empty',
  totalLag: lag,
  rows: [{ topic: 't', partition: 0, currentOffset: 10 - lag, logEndOffset: 10, lag }]
})

/** The groups view of an Empty group with one partition of 't' lagging `lag`. */
const details = (groupId: string, lag: number): GroupDetailsView => ({
  membership: { groupId, state: 'Empty', protocolType: 'consumer', assignmentStrategy: '', generationId: 3, coordinator: { id: 1, address: '127.0.0.1:9092' }, members: [] },
  totalLag: lag,
  partitions: [{ topic: 't', partition: 0, currentOffset: 10 - lag, logEndOffset: 10, lag, consumerId: null, host: null, clientId: null }],
  history: []
})

beforeEach(() => setActivePinia(createPinia()))

describe('useGroupsStore', () => {
  it('drops a details reply that arrives after another group was selected', async () => {
    const releases: (() => void)[] = []
    const api: BrokerlabApi = {
      request: ((_name: string, req: { groupId: string }) =>
        new Promise((resolve) => {
          releases.push(() => resolve({ ok: true, data: details(req.groupId, req.groupId === 'slow' ? 5 : 1) }))
        })) as BrokerlabApi['request'],
      on: () => () => {}
    }
    setApi(api)
    const g = useGroupsStore()
    const slow = g.select('slow')
    const fast = g.select('fast')
    releases[1]()
    await fast
    releases[0]()
    await slow
    expect(g.selected).toBe('fast')
    expect(g.details?.membership.groupId).toBe('fast')
  })

  it('consumes as a group, selects it and shows its lag after the commit', async () => {
    let lag = 10
    const api = fakeApi({
      'group/consume': (req) => {
        lag -= req.maxRecords
        return { consumed: req.maxRecords, group: group(req.groupId, lag) }
      },
      'group/list': () => [group('billing', lag)],
      'group/details': (req) => details(req.groupId, lag)
    })
    setApi(api)
    const g = useGroupsStore()
    expect(await g.consume('billing', 't', 4, true)).toBe(true)
    expect(api.calls[0]).toEqual({ name: 'group/consume', req: { groupId: 'billing', topic: 't', maxRecords: 4, fromBeginning: true } })
    expect(g.lastConsumed).toBe(4)
    expect(g.selected).toBe('billing')
    expect(g.details?.totalLag).toBe(6)
    expect(g.list.map((x) => x.totalLag)).toEqual([6])
  })

  it('previews a reset as a dry run, then executes exactly the previewed request and refreshes the group', async () => {
    let committed = 10
    const plan = () => [{ topic: 't', partition: 0, previousOffset: committed, newOffset: 3, logStartOffset: 0, logEndOffset: 10, offsetChange: 3 - committed, clamped: null }]
    const api = fakeApi({
      'group/reset': (req) => {
        const res = { group: group(req.groupId, 10 - (req.dryRun ? committed : 3)), plan: plan(), executed: !req.dryRun }
        if (!req.dryRun) committed = 3
        return res
      },
      'group/list': () => [group('billing', 10 - committed)],
      'group/details': (req) => details(req.groupId, 10 - committed)
    })
    setApi(api)
    const g = useGroupsStore()
    const req = { groupId: 'billing', topic: 't', partitions: [0], to: { offset: 3 } }
    expect(await g.previewReset(req)).toBe(true)
    expect(g.resetPreview?.plan[0]).toMatchObject({ previousOffset: 10, newOffset: 3, offsetChange: -7 })
    expect(committed).toBe(10) // a dry run commits nothing
    expect(await g.executeReset()).toBe(true)
    expect(api.calls.filter((c) => c.name === 'group/reset').map((c) => c.req)).toEqual([
      { ...req, dryRun: true },
      { ...req, dryRun: false }
    ])
    expect(g.resetPreview).toBeNull()
    expect(g.details?.totalLag).toBe(7)
    expect(await g.executeReset()).toBe(false) // nothing previewed: nothing sent
  })

  it("keeps Kafka's refusal of an active group for the dialog, with no plan", async () => {
    setApi(
      fakeApi({
        'group/reset': () => {
          throw new FakeFailure({ code: 'NON_EMPTY_GROUP', message: "Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable." })
        }
      })
    )
    const g = useGroupsStore()
    expect(await g.previewReset({ groupId: 'billing', topic: 't', to: 'earliest' })).toBe(false)
    expect(g.resetPreview).toBeNull()
    expect(g.resetError).toEqual({ code: 'NON_EMPTY_GROUP', message: "Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable." })
  })

  it("keeps Kafka's refusal to delete a group with members until it has none, and after a delete clears the selection and refreshes the list", async () => {
    let members = 1
    let groups = ['billing']
    const api = fakeApi({
      'group/delete': (req) => {
        if (members > 0)
          throw new FakeFailure({ code: 'NON_EMPTY_GROUP', message: "Deletion of group 'billing' failed: the group is not empty (state Stable); only a group without active members can be deleted." })
        groups = groups.filter((x) => x !== req.groupId)
        return { groupId: req.groupId }
      },
      'group/list': () => groups.map((x) => group(x, 0)),
      'group/details': (req) => {
        const d = details(req.groupId, 0)
        const member = { memberId: 'm-1', groupInstanceId: null, clientId: 'c', host: '/127.0.0.1', assignment: [] }
        return { ...d, membership: { ...d.membership, state: members > 0 ? 'Stable' : 'Empty', members: members > 0 ? [member] : [] } }
      }
    })
    setApi(api)
    const g = useGroupsStore()
    await g.select('billing')
    expect(await g.deleteGroup('billing')).toBe(false)
    expect(g.deleteError).toEqual({ code: 'NON_EMPTY_GROUP', message: "Deletion of group 'billing' failed: the group is not empty (state Stable); only a group without active members can be deleted." })
    expect(g.selected).toBe('billing')
    await g.refresh()
    expect(g.deleteError?.code).toBe('NON_EMPTY_GROUP') // still refused: the member is still there
    members = 0
    await g.refresh()
    expect(g.deleteError).toBeNull() // the reason is gone with the last member
    expect(await g.deleteGroup('billing')).toBe(true)
    expect(g.deleteError).toBeNull()
    expect(g.selected).toBeNull()
    expect(g.details).toBeNull()
    expect(g.list).toEqual([])
    expect(api.calls.filter((c) => c.name === 'group/delete').map((c) => c.req)).toEqual([{ groupId: 'billing' }, { groupId: 'billing' }])
  })
})
