/**
 * produce/send's acks=all wait explanation from the engine to the producer result's sentence: a
 * follower of the ISR that stops fetching holds an acks=all send until it leaves the ISR after
 * replica.lag.time.max.ms; the reply's ackWait names it (the renderer's sentence for it:
 * tests/unit/renderer/utils/ack-wait-text.test.ts). An acks=1 send carries none. Injected clock, replication rounds run by hand.
 */
import { describe, expect, it } from 'vitest'
import { T0, clockClusters, type ClockCluster } from '../support/clock-cluster'
import { sendProduce } from '../../../src/host/produce-sender'
import { longestAckWait } from '../../../src/host/produce-ack-wait'
import type { AckWaitReport } from '../../../src/broker/server/ack-wait-report'

const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

const openCluster = clockClusters('brokerlab-produce-ackwait-')

const makeCluster = (): ClockCluster => openCluster({ eventLog: () => {}, brokerSessionTimeoutMs: 600_000 })

describe('produce/send acks=all wait explanation', () => {
  it('says how long the send waited, that the follower was in the ISR but not fetching, and that it left after replica.lag.time.max.ms', async () => {
    const { cluster, clock } = makeCluster()
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const p = cluster.describeTopic('orders').partitions[0]
    const stuck = p.isr.filter((b) => b !== p.leader)[1]
    cluster.pauseFetching(stuck)
    clock.now = T0 + 3700
    const reply = sendProduce(cluster, { topic: 'orders', acks: 'all', records: [{ key: 'k', value: 'v' }] }, { clock: () => clock.now })
    await flush()
    cluster.replicateNow()
    await flush()
    clock.now = T0 + 30_001
    cluster.tick()
    const res = await reply
    expect(res.written).toBe(1)
    expect(res.ackWait).toMatchObject({ waitedMs: 26_301, replicaLagTimeMaxMs: 30000 })
    expect(res.ackWait!.partitions[0].followers.find((f) => f.brokerId === stuck)).toEqual({ brokerId: stuck, reachedAfterMs: null, fetched: false, leftIsrAfterMs: 26_301 })
    expect(res.ackWait!.partitions[0]).toMatchObject({ partition: 0, lastOffset: 0, isrAtEnd: p.isr.filter((b) => b !== stuck) })
  })

  it('carries no wait for acks=1', async () => {
    const { cluster } = makeCluster()
    cluster.createTopic('orders', { partitions: 1, replicationFactor: 3 })
    const res = await sendProduce(cluster, { topic: 'orders', acks: 1, records: [{ key: 'k', value: 'v' }] })
    expect(res.ackWait).toBeNull()
  })

  it('explains the longest of a send’s waits, one an ISR member left during first among equals', () => {
    const wait = (waitedMs: number, left: boolean): AckWaitReport => ({
      waitedMs,
      error: null,
      replicaLagTimeMaxMs: 30000,
      partitions: [{ topic: 't', partition: 0, lastOffset: 4, isrAtStart: [1, 2], isrAtEnd: left ? [1] : [1, 2], followers: [{ brokerId: 2, reachedAfterMs: left ? null : waitedMs, fetched: !left, leftIsrAfterMs: left ? waitedMs : null }] }]
    })
    expect(longestAckWait([])).toBeNull()
    expect(longestAckWait([wait(5, false), wait(900, false), wait(40, true)])!.waitedMs).toBe(900)
    expect(longestAckWait([wait(900, false), wait(900, true)])!.partitions[0].isrAtEnd).toEqual([1])
    expect(longestAckWait([wait(7, false)])!.partitions[0]).not.toHaveProperty('topic')
  })
})
