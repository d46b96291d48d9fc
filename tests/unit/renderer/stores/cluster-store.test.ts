import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { ClusterEventView, ClusterSnapshot } from '../../../../src/shared/contract'
import { useNoticeStore } from '../../../../src/renderer/src/stores/notice-store'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useClusterStore } from '../../../../src/renderer/src/stores/cluster-store'
import { FakeFailure, fakeApi } from '../fake-api'

const snapshot = (takenAt: number, alive = true, events: ClusterEventView[] = []): ClusterSnapshot => ({
  takenAt,
  clusterId: 'c1',
  controllerId: 1,
  brokers: [{ id: 1, address: '127.0.0.1:9092', alive, state: alive ? 'running' : 'stopped', fenced: false, isolated: false, slowMs: 0, lastHeartbeatMs: null, fetching: alive, partitionsLed: 0, replicas: 0, bytesOnDisk: 0, controller: true }],
  topics: [],
  partitions: {},
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  underMinIsrPartitions: 0,
  throughput: { recordsInPerSec: [], bytesInPerSec: [], bytesOutPerSec: [] },
  topicThroughput: {},
  groups: [],
  groupLag: {},
  events
})

const event = (seq: number, severity: ClusterEventView['severity'], message = `event ${seq}`): ClusterEventView => ({
  seq,
  time: seq * 1000,
  kind: 'replica-offline',
  severity,
  message
})

beforeEach(() => setActivePinia(createPinia()))

describe('useClusterStore', () => {
  it('fetches a snapshot at start, then takes pushed snapshots but never an older one', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(100) })
    setApi(api)
    const c = useClusterStore()
    await c.start()
    expect(c.snapshot?.takenAt).toBe(100)
    api.emit('snapshot', snapshot(200, false))
    expect(c.snapshot?.takenAt).toBe(200)
    expect(c.brokersAlive).toBe(0)
    api.emit('snapshot', snapshot(150))
    expect(c.snapshot?.takenAt).toBe(200)
  })

  it('turns each new warning or error event into one notice, at most three a snapshot, the rest counted', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(100, true, [event(1, 'warning'), event(2, 'info')]) })
    setApi(api)
    const c = useClusterStore()
    const notices = useNoticeStore()
    await c.start()
    expect(notices.drain().map((n) => [n.kind, n.text])).toEqual([['warning', 'event 1']])
    api.emit('snapshot', snapshot(200, true, [event(1, 'warning'), event(2, 'info')]))
    expect(notices.drain()).toEqual([]) // already shown
    api.emit('snapshot', snapshot(300, true, [event(2, 'info'), ...[3, 4, 5, 6, 7].map((s) => event(s, s === 7 ? 'error' : 'warning'))]))
    expect(notices.drain().map((n) => [n.kind, n.text])).toEqual([
      ['warning', 'event 5'],
      ['warning', 'event 6'],
      ['error', 'event 7'],
      ['info', '2 more cluster event(s): see Recent events on the overview']
    ])
    // A restarted engine numbers from 1 again: its events are new.
    api.emit('snapshot', snapshot(400, true, [event(1, 'error', 'after restart')]))
    expect(notices.drain().map((n) => n.text)).toEqual(['after restart'])
  })

  it('of the first snapshot a page gets, turns only the warnings of the last 10 s into notices: older ones are in Recent events', async () => {
    const old: ClusterEventView = { ...event(1, 'warning', 'Broker 2 is slowed'), time: 40_000 }
    const recent: ClusterEventView = { ...event(2, 'warning', 'Broker 3 was fenced'), time: 95_000 }
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(100_000, true, [old, recent]) })
    setApi(api)
    const notices = useNoticeStore()
    await useClusterStore().start()
    expect(notices.drain().map((n) => n.text)).toEqual(['Broker 3 was fenced'])
    // Later snapshots notice every new event, however old its time (the page saw the ones before).
    api.emit('snapshot', snapshot(200_000, true, [old, recent, { ...event(3, 'error', 'Records lost'), time: 150_000 }]))
    expect(notices.drain().map((n) => n.text)).toEqual(['Records lost'])
  })

  it('makes one summary notice for the partition events of a fault instead of one per __consumer_offsets partition', async () => {
    const fenced: ClusterEventView = { seq: 1, time: 1, kind: 'broker-fenced', severity: 'warning', brokerId: 2, message: 'Broker 2 was fenced' }
    const shrinks: ClusterEventView[] = Array.from({ length: 50 }, (_, i) => ({
      seq: i + 2,
      time: 2,
      kind: 'isr-shrink',
      severity: 'warning',
      topic: '__consumer_offsets',
      partition: i,
      brokerId: 2,
      internal: true,
      message: `Broker 2 left the ISR of __consumer_offsets-${i}`
    }))
    setApi(fakeApi({ 'cluster/snapshot': () => snapshot(100, true, [fenced, ...shrinks]) }))
    const notices = useNoticeStore()
    await useClusterStore().start()
    expect(notices.drain().map((n) => [n.kind, n.text])).toEqual([
      ['warning', 'Broker 2 was fenced'],
      ['warning', 'Broker 2: 50 partition events on 50 partitions (50 partitions shrank their ISR, all on internal topics (__consumer_offsets)): see Recent events on the overview']
    ])
  })

  it('says when the engine stopped and restarts, gave up, or runs again (engine/status)', async () => {
    const api = fakeApi({ 'cluster/snapshot': () => snapshot(100) })
    setApi(api)
    const c = useClusterStore()
    const notices = useNoticeStore()
    await c.start()
    notices.drain()
    api.emit('engine/status', { state: 'restarting', cause: 'the engine ran out of memory (limit 512 MiB)', restarts: 1, at: 1 })
    api.emit('engine/status', { state: 'running', cause: null, restarts: 1, at: 2 })
    api.emit('engine/status', { state: 'stopped', cause: 'exit code 1', restarts: 3, at: 3 })
    expect(notices.drain().map((n) => [n.kind, n.text])).toEqual([
      ['error', 'The engine stopped: the engine ran out of memory (limit 512 MiB). It is restarting on the same data directory.'],
      ['success', 'The engine is running again.'],
      ['error', 'The engine stopped: exit code 1. It was restarted 3 times within a minute and is not restarted again; restart the app.']
    ])
  })

  it('stops a broker with broker/stop and reports a refused stop as an error notice', async () => {
    let stopped = false
    const api = fakeApi({
      'cluster/snapshot': () => snapshot(1, !stopped),
      'broker/stop': ({ brokerId }) => {
        if (brokerId === 9) throw new FakeFailure({ code: 'BROKER_NOT_AVAILABLE', message: 'Broker 9 does not exist' })
        stopped = true
        return { ok: true }
      }
    })
    setApi(api)
    const c = useClusterStore()
    expect(await c.setBrokerRunning(1, false)).toBe(true)
    expect(c.snapshot?.brokers[0].alive).toBe(false)
    expect(await c.setBrokerRunning(9, false)).toBe(false)
    expect(c.busyBrokers).toEqual([])
  })

  it('pauses and resumes fetching with broker/fetching, refreshing the snapshot', async () => {
    const calls: { brokerId: number; paused: boolean }[] = []
    const api = fakeApi({
      'cluster/snapshot': () => snapshot(1),
      'broker/fetching': (req) => {
        calls.push(req)
        return { ok: true }
      }
    })
    setApi(api)
    const c = useClusterStore()
    expect(await c.setBrokerFetching(1, true)).toBe(true)
    expect(await c.setBrokerFetching(1, false)).toBe(true)
    expect(calls).toEqual([
      { brokerId: 1, paused: true },
      { brokerId: 1, paused: false }
    ])
    expect(c.snapshot?.takenAt).toBe(1)
    expect(c.busyBrokers).toEqual([])
  })
})

describe('useClusterStore broker faults', () => {
  it('sends each fault as its contract request with the broker and delay, then refreshes', async () => {
    const api = fakeApi({
      'cluster/snapshot': () => snapshot(100),
      'broker/kill': () => ({ ok: true }),
      'broker/slow': () => ({ ok: true }),
      'broker/isolate': () => ({ ok: true }),
      'broker/heal': () => ({ ok: true })
    })
    setApi(api)
    const c = useClusterStore()
    const notices = useNoticeStore()
    expect(await c.injectBrokerFault(2, { kind: 'kill' })).toBe(true)
    expect(await c.injectBrokerFault(3, { kind: 'slow', delayMs: 200 })).toBe(true)
    expect(await c.injectBrokerFault(3, { kind: 'isolate' })).toBe(true)
    expect(await c.injectBrokerFault(3, { kind: 'heal' })).toBe(true)
    expect(api.calls.filter((x) => x.name !== 'cluster/snapshot')).toEqual([
      { name: 'broker/kill', req: { brokerId: 2 } },
      { name: 'broker/slow', req: { brokerId: 3, delayMs: 200 } },
      { name: 'broker/isolate', req: { brokerId: 3 } },
      { name: 'broker/heal', req: { brokerId: 3 } }
    ])
    expect(api.calls.filter((x) => x.name === 'cluster/snapshot')).toHaveLength(4)
    expect(notices.drain().map((n) => n.text)).toEqual(['Broker 2 killed', 'Broker 3 slowed by 200 ms', 'Broker 3 isolated', 'Broker 3 healed'])
    expect(c.busyBrokers).toEqual([])
  })

  it('shows the engine\'s refusal in its words and reports failure', async () => {
    const api = fakeApi({
      'cluster/snapshot': () => snapshot(100),
      'broker/heal': () => {
        throw new FakeFailure({ code: 'INVALID_REQUEST', message: 'Broker 2 has no fault to heal: it is neither slowed nor isolated' })
      }
    })
    setApi(api)
    const c = useClusterStore()
    expect(await c.injectBrokerFault(2, { kind: 'heal' })).toBe(false)
    const [n] = useNoticeStore().drain()
    expect(n.kind).toBe('error')
    expect(n.text).toContain('Heal broker 2')
    expect(n.text).toContain('Broker 2 has no fault to heal: it is neither slowed nor isolated')
    expect(c.busyBrokers).toEqual([])
  })
})
