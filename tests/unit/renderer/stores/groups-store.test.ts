import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BrokerlabApi, GroupView } from '../../../../src/shared/contract'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useGroupsStore } from '../../../../src/renderer/src/stores/groups-store'
import { fakeApi } from '../fake-api'

const group = (groupId: string, lag: number): GroupView => ({
  groupId,
  state: 'Empty',
  totalLag: lag,
  rows: [{ topic: 't', partition: 0, currentOffset: 10 - lag, logEndOffset: 10, lag }]
})

beforeEach(() => setActivePinia(createPinia()))

describe('useGroupsStore', () => {
  it('drops a describe reply that arrives after another group was selected', async () => {
    const releases: (() => void)[] = []
    const api: BrokerlabApi = {
      request: ((_name: string, req: { groupId: string }) =>
        new Promise((resolve) => {
          releases.push(() => resolve({ ok: true, data: group(req.groupId, req.groupId === 'slow' ? 5 : 1) }))
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
    expect(g.detail?.groupId).toBe('fast')
  })

  it('consumes as a group, selects it and shows its lag after the commit', async () => {
    let lag = 10
    const api = fakeApi({
      'group/consume': (req) => {
        lag -= req.maxRecords
        return { consumed: req.maxRecords, group: group(req.groupId, lag) }
      },
      'group/list': () => [group('billing', lag)],
      'group/describe': (req) => group(req.groupId, lag)
    })
    setApi(api)
    const g = useGroupsStore()
    expect(await g.consume('billing', 't', 4, true)).toBe(true)
    expect(api.calls[0]).toEqual({ name: 'group/consume', req: { groupId: 'billing', topic: 't', maxRecords: 4, fromBeginning: true } })
    expect(g.lastConsumed).toBe(4)
    expect(g.selected).toBe('billing')
    expect(g.detail?.totalLag).toBe(6)
    expect(g.list.map((x) => x.totalLag)).toEqual([6])
  })
})
